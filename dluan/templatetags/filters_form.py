"""``{% filter_field form.x %}``: one field of a list's filter form, drawn quickly.

Django draws a select through a template per option, and crispy-forms wraps each
field in a template of its own: for a filter form of seven selects on every view
of a list, that is a good part of the page's time. A filter field needs none of
it: a label, a control, no help text, no error but an invalid choice. This draws
the same Bootstrap markup as crispy-forms does, in Python.
"""

import html

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def _selected(field) -> set[str]:
    value = field.value()
    values = value if isinstance(value, list | tuple) else [value]
    return {str(item) for item in values if item not in (None, "")}


@register.simple_tag
def filter_field(field):
    widget = field.field.widget
    control_id = field.auto_id
    invalid = " is-invalid" if field.errors else ""
    # maxlength, min, max and the like, as Django would write them.
    attrs = flatatt(
        {
            key: value
            for key, value in field.build_widget_attrs(
                dict(widget.attrs), widget
            ).items()
            if key not in {"class", "id", "name", "required"}
        }
    )
    if isinstance(widget, forms.Select):
        selected = _selected(field)
        # Plain joins and the standard library's escape (what Django's wraps,
        # without its lazy-string check): a province's 716 communes are a select
        # whose per-option cost showed in the page's time.
        options = mark_safe(  # noqa: S308 (every value and label is escaped here)
            "".join(
                f'<option value="{html.escape(str(value))}"'
                f"{' selected' if str(value) in selected else ''}>"
                f"{html.escape(str(label))}</option>"
                for value, label in widget.choices
            )
        )
        control = format_html(
            '<select name="{}" class="form-select{}" id="{}"{}>{}</select>',
            field.html_name,
            invalid,
            control_id,
            attrs,
            options,
        )
    else:
        value = field.value()
        control = format_html(
            '<input type="{}" name="{}" value="{}" class="form-control{}" id="{}"{}>',
            getattr(widget, "input_type", "text"),
            field.html_name,
            "" if value is None else value,
            invalid,
            control_id,
            attrs,
        )
    errors = format_html_join(
        "",
        '<div class="invalid-feedback d-block">{}</div>',
        ((error,) for error in field.errors),
    )
    return format_html(
        '<div class="mb-3"><label for="{}" class="form-label">{}</label>{}{}</div>',
        control_id,
        field.label,
        control,
        errors,
    )
