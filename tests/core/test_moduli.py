"""core.moduli: the widgets and helpers every app's forms share."""

import datetime

from crispy_forms.layout import Row
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer

from core.moduli import (
    RENDERER,
    DateInput,
    DateTimeInput,
    EtichetteVuote,
    form_helper,
    intero_o_none,
)


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


# --- Selects drawn by RendererModuli (issue 16) --------------------------------------------------


class _ConSelect(EtichetteVuote, forms.Form):
    scelta = forms.ChoiceField(
        choices=[
            ("x<", 'A & "b"'),
            ("Gruppo", [("1", "uno"), ("2", "due")]),
        ],
        widget=forms.Select(attrs={"class": "form-select", "disabled": True, "data-x": False}),
    )
    molte = forms.MultipleChoiceField(choices=[(1, "u"), (2, "d")], required=False)
    forse = forms.NullBooleanField()
    data = forms.DateField(widget=forms.SelectDateWidget(years=[2026]))


def test_le_select_hanno_lo_stesso_html_di_django():
    """Escaping, optgroups, the selected option, bare and omitted attributes: the markup of
    Django's own templates, byte for byte, so no page or browser test changes."""
    modulo = _ConSelect(initial={"scelta": "2", "molte": [2], "data": datetime.date(2026, 3, 1)})
    assert modulo.renderer is RENDERER
    for nome in ("scelta", "molte", "forse", "data"):
        nostro = modulo[nome].as_widget()
        modulo.renderer = get_default_renderer()
        di_django = modulo[nome].as_widget()
        modulo.renderer = RENDERER
        assert nostro == di_django, nome
    assert '<option value="x&lt;">A &amp; &quot;b&quot;</option>' in modulo["scelta"].as_widget()


def test_una_select_con_template_propri_resta_ai_suoi_template(monkeypatch):
    chiamate = []
    originale = DjangoTemplates.render

    def conta(self, template_name, context, request=None):
        chiamate.append(template_name)
        return originale(self, template_name, context, request)

    monkeypatch.setattr(DjangoTemplates, "render", conta)

    class Opzione(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    class Modulo(EtichetteVuote, forms.Form):
        a = forms.ChoiceField(choices=[("1", "uno")], widget=Opzione)
        b = forms.ChoiceField(choices=[("1", "uno")])

    modulo = Modulo()
    str(modulo["a"])
    assert "django/forms/widgets/select.html" in chiamate
    chiamate.clear()
    str(modulo["b"])
    assert "django/forms/widgets/select.html" not in chiamate


def test_campi_vuoti_come_crispy_e_ridisegnati_quando_cambiano_le_scelte():
    from crispy_forms.utils import render_crispy_form

    from core.moduli import campi_vuoti

    scelte = [("1", "uno")]

    class Modulo(EtichetteVuote, forms.Form):
        a = forms.ChoiceField(choices=[])
        testo = forms.CharField()

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["a"].choices = list(scelte)
            self.helper = form_helper()

    def vuoto():
        return Modulo(prefix="p")

    primo = campi_vuoti(vuoto, dipende_da=tuple(scelte))
    assert primo == render_crispy_form(vuoto())
    assert 'name="p-testo"' in primo and "uno" in primo
    scelte.append(("2", "due"))
    assert "due" not in campi_vuoti(vuoto, dipende_da=(("1", "uno"),))
    assert "due" in campi_vuoti(vuoto, dipende_da=tuple(scelte))
