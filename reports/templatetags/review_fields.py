"""``{% checkbox_field form.topics %}``: a field of checkboxes, drawn in Python.

Crispy-forms draws each checkbox through templates of its own: for the topic
list on every report page (forty boxes), that is a good part of the page's time.
This draws the same Bootstrap markup.
"""

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def checkbox_field(field):
    value = field.value()
    values = value if isinstance(value, list | tuple) else [value]
    checked = {str(item) for item in values if item not in (None, "")}
    control_id = field.auto_id
    invalid = " is-invalid" if field.errors else ""
    # Plain joins: format_html per box costs more than the rest of the field.
    boxes = mark_safe(  # noqa: S308 (every value and label is escaped here)
        "".join(
            f'<div class="form-check"><input type="checkbox" '
            f'class="form-check-input{invalid}" name="{escape(field.html_name)}" '
            f'value="{escape(value)}" id="{control_id}_{index}"'
            f"{' checked' if str(value) in checked else ''}>"
            f'<label for="{control_id}_{index}" class="form-check-label">'
            f"{escape(label)}</label></div>"
            for index, (value, label) in enumerate(field.field.widget.choices)
        )
    )
    errors = format_html_join(
        "",
        '<div class="invalid-feedback d-block">{}</div>',
        ((error,) for error in field.errors),
    )
    return format_html(
        '<div id="div_{}" class="mb-3"><fieldset>'
        '<legend class="form-label fs-6">{}</legend><div>{}</div>{}</fieldset></div>',
        control_id,
        field.label,
        boxes,
        errors,
    )
