"""Form widgets shared by the apps."""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class DateInput(forms.DateInput):
    """A date typed as dd/mm/yyyy, whatever the browser's own locale would show.

    A native date picker displays in the device's language (mm/dd/yyyy on an English
    phone); a text field with a numeric keyboard keeps the format the board uses.
    """

    def __init__(self, attrs=None):
        defaults = {
            "placeholder": "dd/mm/yyyy",
            "inputmode": "numeric",
            "pattern": r"\d{1,2}/\d{1,2}/\d{4}",
            "autocomplete": "off",
            "maxlength": "10",
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")


class TimeInput(forms.TimeInput):
    """A 24-hour time typed as HH:MM."""

    def __init__(self, attrs=None):
        defaults = {
            "placeholder": "hh:mm",
            "inputmode": "numeric",
            "pattern": r"\d{1,2}:\d{2}",
            "autocomplete": "off",
            "maxlength": "5",
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%H:%M")


class UnitFilterField(forms.ModelChoiceField):
    """A unit to filter a list by, picked by going down the tree.

    A province has hundreds of communes: a select listing them all is slow to
    render and useless on a phone. The choices are the user's unit and the level
    below it; once a unit is picked, the way down to it and the level below it.
    Any unit of the queryset is accepted, listed or not.
    """

    def __init__(self, **kwargs):
        from dluan.models import OrgUnit

        kwargs.setdefault("queryset", OrgUnit.objects.none())
        super().__init__(**kwargs)

    def label_from_instance(self, obj):
        return obj.indented_name

    def limit_to(self, queryset, *, user, selected=None) -> None:
        """Accept any unit of ``queryset``; list only the drill-down around ``selected``."""
        from django.db.models import Q

        self.queryset = queryset
        base = 0 if user.is_superuser or user.org_unit is None else user.org_unit.depth
        shown = Q(depth__lte=base + 1)
        picked = None
        if selected not in (None, ""):
            try:
                picked = queryset.filter(pk=int(selected)).first()
            except (TypeError, ValueError):
                picked = None
        if picked is not None:
            shown |= Q(pk__in=picked.path_ids) | Q(parent=picked)
        self.widget.choices = _UnitChoices(
            queryset.filter(shown).order_by("path"), self.empty_label
        )


class _UnitChoices(BaseChoiceIterator):
    """A select's choices, read from the database only if the select is drawn."""

    def __init__(self, units, empty_label):
        self.units, self.empty_label = units, empty_label

    def __iter__(self):
        yield ("", self.empty_label)
        for unit in self.units:
            yield (unit.pk, unit.indented_name)


class QuickSelect(forms.Select):
    """A select (options and option groups) whose options are written in Python.

    Django draws each option through a template of its own: a select of hundreds
    of options (a province's communes, a meeting's issues) cost more than the
    rest of its page. The markup is Django's.
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        selected = {str(item) for item in self.format_value(value)}

        def option(key, label) -> str:
            key = str(key)
            mark = " selected" if key in selected else ""
            return f'<option value="{escape(key)}"{mark}>{escape(str(label))}</option>'

        parts = []
        for key, label in self.choices:
            if isinstance(label, list | tuple):
                inner = "".join(option(k, v) for k, v in label)
                parts.append(f'<optgroup label="{escape(str(key))}">{inner}</optgroup>')
            else:
                parts.append(option(key, label))
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(attrs),
            # Every key and label is escaped above (the standard library's escape:
            # Django's adds a lazy-string check per call).
            mark_safe("".join(parts)),  # noqa: S308
        )
