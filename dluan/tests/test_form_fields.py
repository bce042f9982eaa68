"""``filter_field`` and ``form_field`` write Bootstrap's markup in Python: labels
tied to their controls, option groups, the choice kept, errors described, all
escaped."""

import re

from django import forms

from dluan.templatetags.filters_form import filter_field, form_field

GROUPED = [
    ("", "Every commune"),
    ("Thị xã <Hương> Trà", [(3, "Phường Tứ Hạ"), (4, "Xã <Hương> Toàn")]),
    ("Thị xã Hương Thủy", [(5, "Phường Thủy Dương")]),
]


class _Filters(forms.Form):
    commune = forms.TypedChoiceField(
        label="Commune", choices=GROUPED, required=False, coerce=int
    )
    state = forms.ChoiceField(
        label="State", choices=[("", "All"), ("a", "A & B")], required=False
    )


class _Form(forms.Form):
    sex = forms.ChoiceField(
        label="Sex",
        choices=[("m", "Male"), ("f", "Fe<male>")],
        widget=forms.RadioSelect,
    )
    town = forms.ChoiceField(label="Town", choices=[("", "—"), ("1", "One")])
    note = forms.CharField(
        label="Note <i>",
        required=False,
        max_length=20,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why & how",
    )
    code = forms.CharField(label="Code", max_length=5)


def test_filter_field_draws_option_groups_and_keeps_flat_selects_flat():
    form = _Filters({"commune": "4", "state": "a"})
    assert form.is_valid()
    commune, state = (
        str(filter_field(form["commune"])),
        str(filter_field(form["state"])),
    )
    assert (
        '<select name="commune" class="form-select" id="id_commune">'
        '<option value="">Every commune</option>'
        '<optgroup label="Thị xã &lt;Hương&gt; Trà">'
        '<option value="3">Phường Tứ Hạ</option>'
        '<option value="4" selected>Xã &lt;Hương&gt; Toàn</option></optgroup>'
        '<optgroup label="Thị xã Hương Thủy">'
        '<option value="5">Phường Thủy Dương</option></optgroup></select>'
    ) in commune
    assert "<optgroup" not in state
    assert '<option value="a" selected>A &amp; B</option>' in state


def test_a_commune_of_any_group_is_a_valid_choice():
    assert _Filters({"commune": "5"}).is_valid()
    assert not _Filters({"commune": "9"}).is_valid()


def test_form_field_draws_radios_in_a_fieldset_with_their_labels():
    html = str(form_field(_Form(initial={"sex": "f"})["sex"]))
    assert html.startswith('<div id="div_id_sex" class="mb-3"><fieldset><legend')
    assert 'Sex<span class="asteriskField">*</span></legend>' in html
    for number, value in enumerate(("m", "f")):
        control = f"id_sex_{number}"
        assert f'value="{value}" id="{control}" required' in html
        assert f'<label for="{control}" class="form-check-label">' in html
    assert 'id="id_sex_1" required checked>' in html
    assert "Fe&lt;male&gt;" in html


def test_form_field_describes_errors_and_help_text():
    form = _Form({"note": "x" * 30, "town": "9", "code": ""})
    assert not form.is_valid()
    sex = str(form_field(form["sex"]))
    assert '<fieldset aria-describedby="id_sex_error">' in sex
    assert 'class="form-check-input is-invalid"' in sex
    assert '<div id="id_sex_error" class="invalid-feedback d-block">' in sex
    note = str(form_field(form["note"]))
    assert '<label for="id_note" class="form-label">Note &lt;i&gt;</label>' in note
    textarea = re.search(r"<textarea[^>]*>", note)[0]
    assert 'aria-describedby="id_note_helptext id_note_error"' in textarea
    assert 'aria-invalid="true"' in textarea
    assert 'maxlength="20"' in textarea
    assert 'rows="3"' in textarea
    assert f"\n{'x' * 30}</textarea>" in note
    assert '<div id="id_note_helptext" class="form-text">Why &amp; how</div>' in note
    town = str(form_field(form["town"]))
    assert 'class="form-select is-invalid"' in town
    assert '<option value="">—</option>' in town
    code = re.search(r"<input[^>]*>", str(form_field(form["code"])))[0]
    assert 'type="text"' in code
    assert "value=" not in code
    assert 'maxlength="5"' in code


def test_form_field_marks_the_blank_choice_when_nothing_is_chosen():
    html = str(form_field(_Form()["town"]))
    assert '<option value="" selected>—</option><option value="1">One</option>' in html
    assert '<label for="id_town" class="form-label requiredField">Town' in html
