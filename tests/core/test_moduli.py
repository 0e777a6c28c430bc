"""core.moduli: the widgets and helpers every app's forms share."""

import datetime

from crispy_forms.layout import Row
from django import forms

from core.moduli import DateInput, DateTimeInput, form_helper, intero_o_none


def test_widget_html5():
    data = DateInput().render("d", datetime.date(2026, 3, 1))
    assert 'type="date"' in data and 'value="2026-03-01"' in data
    momento = DateTimeInput().render("m", datetime.datetime(2026, 3, 1, 17, 30, 45))
    assert 'type="datetime-local"' in momento and 'value="2026-03-01T17:30"' in momento


def test_form_helper_solo_i_campi():
    helper = form_helper("a", Row("b"))
    assert helper.form_tag is False
    assert helper.disable_csrf is True
    assert len(helper.layout.fields) == 2
    assert form_helper().layout is None


def test_intero_o_none():
    assert intero_o_none("12") == 12
    assert intero_o_none(7) == 7
    for valore in (None, "", "abc", "1.5", [1]):
        assert intero_o_none(valore) is None


def test_etichette_vuote_al_posto_dei_trattini():
    from django.contrib.auth.models import Group

    from core.moduli import EtichetteVuote

    class Modulo(EtichetteVuote, forms.Form):
        obbligatorio = forms.ModelChoiceField(queryset=Group.objects.none())
        facoltativo = forms.ModelChoiceField(queryset=Group.objects.none(), required=False)
        scelta = forms.ChoiceField(choices=[("", "---------"), ("a", "A")], required=False)
        propria = forms.ModelChoiceField(queryset=Group.objects.none(), empty_label="Nessun ente")
        elenco = forms.CharField(
            required=False, widget=forms.Select(choices=[("", "---------"), ("x", "X")])
        )

    html = str(Modulo())
    assert "---------" not in html
    modulo = Modulo()
    assert modulo.fields["obbligatorio"].empty_label == "Scegli…"
    assert modulo.fields["facoltativo"].empty_label == "— nessuno —"
    assert modulo.fields["scelta"].choices[0] == ("", "— nessuno —")
    assert modulo.fields["propria"].empty_label == "Nessun ente"
    assert modulo.fields["elenco"].widget.choices[0] == ("", "— nessuno —")
