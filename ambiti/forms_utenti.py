"""The forms of the Ufficio di Piano's users pages. The choices of comune and ente are the
ambito's only, so that another ambito's id posted by hand is refused like any invalid choice
(and ambiti.services_utenti checks again)."""

from crispy_forms.layout import Column, Row
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.it import codicefiscale

from accounts.models import Ruolo
from core.moduli import QUALSIASI, SCEGLI, DateInput, EtichetteVuote, form_helper

from .models import Comune, Ente, Iscrizione, normalizza_codice_fiscale

Tipo = Ruolo.Tipo
CON_COMUNE = (Tipo.SINDACO, Tipo.DELEGATO)


class Stato:
    IN_CORSO = "in_corso"
    FUTURO = "futuro"
    CONCLUSO = "concluso"
    REVOCATO = "revocato"
    SCELTE = [
        (IN_CORSO, _("In corso")),
        (FUTURO, _("Futuro")),
        (CONCLUSO, _("Concluso")),
        (REVOCATO, _("Revocato")),
    ]


class FiltroUtentiForm(forms.Form):
    q = forms.CharField(label=_("Cerca"), required=False, max_length=100)
    tipo = forms.ChoiceField(
        label=_("Ruolo"), required=False, choices=[("", QUALSIASI), *Tipo.choices]
    )
    stato = forms.ChoiceField(
        label=_("Stato del ruolo"), required=False, choices=[("", QUALSIASI), *Stato.SCELTE]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["placeholder"] = _("Nome, e-mail o codice fiscale")

    def valori(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


class RuoloForm(EtichetteVuote, forms.Form):
    """A role in the ambito. Only these fields are read: anything else posted (an ambito,
    is_superuser, is_staff) is ignored."""

    # No type preselected: the first one would be the Ufficio di Piano, the widest of all.
    tipo = forms.ChoiceField(label=_("Ruolo"), choices=[("", SCEGLI), *Tipo.choices])
    comune = forms.ModelChoiceField(
        label=_("Comune"),
        queryset=Comune.objects.none(),
        required=False,
        help_text=_("Per sindaci e delegati."),
    )
    ente = forms.ModelChoiceField(
        label=_("Ente"),
        queryset=Ente.objects.none(),
        required=False,
        help_text=_("Per chi rappresenta un ente iscritto al registro."),
    )
    dal = forms.DateField(label=_("Dal"), widget=DateInput(), initial=timezone.localdate)
    al = forms.DateField(
        label=_("Al"),
        widget=DateInput(),
        required=False,
        help_text=_("Vuoto: senza scadenza. Il ruolo vale fino a questo giorno compreso."),
    )

    def __init__(self, *args, ambito, **kwargs):
        super().__init__(*args, **kwargs)
        self.ambito = ambito
        self.fields["comune"].queryset = Comune.objects.nell_ambito(ambito)
        self.fields["ente"].queryset = Ente.objects.filter(
            pk__in=Iscrizione.objects.attive().filter(ambito=ambito).values("ente_id")
        )
        self.helper = form_helper(*self.layout())

    def layout(self):
        return [
            Row(Column("tipo"), Column("comune"), Column("ente")),
            Row(Column("dal"), Column("al")),
        ]

    def clean(self):
        dati = super().clean()
        tipo = dati.get("tipo")
        if tipo in CON_COMUNE and not dati.get("comune") and "comune" not in self.errors:
            self.add_error("comune", _("Indica il comune del sindaco o del delegato."))
        if tipo not in CON_COMUNE and dati.get("comune"):
            self.add_error("comune", _("Il comune si indica solo per sindaci e delegati."))
        if tipo == Tipo.ENTE and not dati.get("ente") and "ente" not in self.errors:
            self.add_error("ente", _("Indica l'ente che la persona rappresenta."))
        if tipo != Tipo.ENTE and dati.get("ente"):
            self.add_error("ente", _("L'ente si indica solo per chi rappresenta un ente."))
        if dati.get("dal") and dati.get("al") and dati["al"] < dati["dal"]:
            self.add_error("al", _("La fine del ruolo non può precedere il suo inizio."))
        return dati

    def ruolo(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in ("tipo", "comune", "ente", "dal", "al")}


class InvitoForm(RuoloForm):
    """A person and her first role. The e-mail may be left out when the tax code is given: the
    person will sign in with SPID or CIE."""

    nome = forms.CharField(label=_("Nome"), max_length=150)
    cognome = forms.CharField(label=_("Cognome"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Riceve il link per scegliere la password. Facoltativa con il codice fiscale."),
    )
    codice_fiscale = forms.CharField(
        label=_("Codice fiscale"),
        required=False,
        max_length=20,
        help_text=_("Per l'accesso con SPID o CIE."),
    )

    field_order = ["nome", "cognome", "email", "codice_fiscale"]

    def layout(self):
        return [
            Row(Column("nome"), Column("cognome")),
            Row(Column("email"), Column("codice_fiscale")),
            *super().layout(),
        ]

    def clean_codice_fiscale(self):
        codice = normalizza_codice_fiscale(self.cleaned_data["codice_fiscale"])
        if codice and not codicefiscale.is_valid(codice):
            raise forms.ValidationError(
                _("Codice fiscale non valido: controlla lettere e cifre (16 caratteri).")
            )
        return codice

    def clean(self):
        dati = super().clean()
        if not dati.get("email") and not dati.get("codice_fiscale") and "email" not in self.errors:
            self.add_error(
                "email", _("Indica l'e-mail, oppure il codice fiscale per l'accesso con SPID.")
            )
        return dati

    def persona(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in ("nome", "cognome", "email", "codice_fiscale")}


class RevocaForm(forms.Form):
    al = forms.DateField(
        label=_("Ultimo giorno del ruolo"),
        widget=DateInput(),
        initial=timezone.localdate,
        help_text=_("Oggi o prima: l'accesso cessa subito. Un giorno futuro: vale fino ad allora."),
    )


class ImportaSindaciForm(forms.Form):
    file = forms.FileField(
        label=_("File CSV dei sindaci"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
