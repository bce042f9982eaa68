"""``{% filter_field form.x %}``: one field of a list's filter form, drawn quickly.

Django draws a select through a template per option, and crispy-forms wraps each
field in a template of its own: for a filter form of seven selects on every view
of a list, that is a good part of the page's time. A filter field needs none of
it: a label, a control, no help text, no error but an invalid choice. This draws
the same Bootstrap markup as crispy-forms does, in Python; a select's grouped
choices become option groups, as Django draws them.
"""

import html

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def _selected(field) -> set[str]:
    value = field.value()
    values = value if isinstance(value, list | tuple) else [value]
    return {str(item) for item in values if item not in (None, "")}


def _options(choices, selected: set[str]) -> str:
    return "".join(
        f'<option value="{html.escape(str(value))}"'
        f"{' selected' if str(value) in selected else ''}>"
        f"{html.escape(str(label))}</option>"
        for value, label in choices
    )


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
            _grouped(widget.choices, selected)
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


def _chosen(field, widget) -> set[str]:
    # As Django marks them: the blank choice too when nothing is chosen.
    return set(widget.format_value(field.value()))


def _attrs(field, widget) -> str:
    # required, maxlength, aria-invalid, aria-describedby: as Django builds them.
    attrs = field.build_widget_attrs(dict(widget.attrs), widget)
    attrs.pop("class", None)
    attrs.pop("id", None)
    return flatatt(attrs)


def _grouped(choices, selected: set[str]) -> str:
    return "".join(
        f'<optgroup label="{html.escape(str(value))}">{_options(label, selected)}'
        "</optgroup>"
        if isinstance(label, list | tuple)
        else _options(((value, label),), selected)
        for value, label in choices
    )


def _radios(field, widget, invalid: str) -> str:
    attrs, selected, name = (
        _attrs(field, widget),
        _chosen(field, widget),
        field.html_name,
    )
    return "".join(
        f'<div class="form-check"><input type="radio" class="form-check-input'
        f'{invalid}" name="{name}" value="{html.escape(str(value))}" '
        f'id="{field.auto_id}_{index}"{attrs}'
        f"{' checked' if str(value) in selected else ''}>"
        f'<label for="{field.auto_id}_{index}" class="form-check-label">'
        f"{html.escape(str(label))}</label></div>"
        for index, (value, label) in enumerate(widget.choices)
    )


def _control(field, widget, invalid: str) -> str | None:
    """The select, text area or text input; None for another widget."""
    name, control_id = field.html_name, field.auto_id
    if isinstance(widget, forms.Select) and not widget.allow_multiple_selected:
        return (
            f'<select name="{name}" class="form-select{invalid}"'
            f'{_attrs(field, widget)} id="{control_id}">'
            f"{_grouped(widget.choices, _chosen(field, widget))}</select>"
        )
    if isinstance(widget, forms.Textarea):
        value = widget.format_value(field.value())
        return (
            f'<textarea name="{name}" class="form-control{invalid}"'
            f'{_attrs(field, widget)} id="{control_id}">\n'
            f"{html.escape(str(value)) if value else ''}</textarea>"
        )
    if isinstance(widget, forms.TextInput):
        value = widget.format_value(field.value())
        shown = "" if value is None else f' value="{html.escape(str(value))}"'
        return (
            f'<input type="{widget.input_type}" name="{name}"{shown} '
            f'class="form-control{invalid}"{_attrs(field, widget)} id="{control_id}">'
        )
    return None


@register.simple_tag
def form_field(field):
    """One field of a form as crispy-forms' Bootstrap 5 pack draws it (label,
    required mark, control, errors, help text), written in Python for a select,
    radio buttons, a text area or a text input; any other through crispy."""
    widget = field.field.widget
    control_id = field.auto_id
    invalid = " is-invalid" if field.errors else ""
    label = conditional_escape(field.label)
    mark, required = (
        ('<span class="asteriskField">*</span>', " requiredField")
        if field.field.required
        else ("", "")
    )
    if isinstance(widget, forms.RadioSelect) and not widget.allow_multiple_selected:
        described = field.aria_describedby
        head = (
            f"<fieldset{flatatt({'aria-describedby': described} if described else {})}>"
            f'<legend class="form-label{required} fs-6">{label}{mark}</legend>'
            f"<div>{_radios(field, widget, invalid)}</div>"
        )
        tail = "</fieldset>"
    else:
        control = _control(field, widget, invalid)
        if control is None:
            from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

            return as_crispy_field(field)
        head = (
            f'<label for="{control_id}" class="form-label{required}">{label}{mark}'
            f"</label>{control}"
        )
        tail = ""
    errors = "".join(
        f'<p id="error_{number}_{control_id}"><strong>{conditional_escape(error)}'
        "</strong></p>"
        for number, error in enumerate(field.errors, start=1)
    )
    if errors:
        errors = (
            f'<div id="{control_id}_error" class="invalid-feedback d-block">{errors}'
            "</div>"
        )
    help_text = (
        f'<div id="{control_id}_helptext" class="form-text">'
        f"{conditional_escape(field.help_text)}</div>"
        if field.help_text
        else ""
    )
    # Every label, value, choice, error and help text is escaped above.
    return mark_safe(  # noqa: S308
        f'<div id="div_{control_id}" class="mb-3">{head}{errors}{help_text}{tail}</div>'
    )
