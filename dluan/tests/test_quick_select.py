"""QuickSelect writes the same select as Django's, escaped, with the choice kept."""

from django import forms

from dluan.widgets import QuickSelect

CHOICES = [("", "---"), ("1", "A & B"), ("2", "<b>x</b>")]


class _Form(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False)
    quick = forms.ChoiceField(choices=CHOICES, required=False, widget=QuickSelect)


def _options(html: str) -> str:
    return "".join(line.strip() for line in html.splitlines())


def test_quick_select_draws_what_django_draws():
    for form in (
        _Form(initial={"plain": "1", "quick": "1"}),
        _Form({"plain": "2", "quick": "2"}),
    ):
        plain = _options(str(form["plain"])).replace('"id_plain"', '"id_quick"')
        quick = str(form["quick"])
        assert quick == plain.replace('name="plain"', 'name="quick"')
    assert "&lt;b&gt;x&lt;/b&gt;" in quick


GROUPED = [
    ("", "---"),
    ("Thị xã Hương Trà", [("3", "Phường Tứ Hạ"), ("4", "Xã Hương Toàn")]),
]


class _Grouped(forms.Form):
    plain = forms.ChoiceField(choices=GROUPED, required=False)
    quick = forms.ChoiceField(choices=GROUPED, required=False, widget=QuickSelect)


def test_quick_select_draws_option_groups_as_django_does():
    form = _Grouped({"plain": "4", "quick": "4"})
    plain = _options(str(form["plain"])).replace('"id_plain"', '"id_quick"')
    assert str(form["quick"]) == plain.replace('name="plain"', 'name="quick"')
    assert '<optgroup label="Thị xã Hương Trà">' in str(form["quick"])
