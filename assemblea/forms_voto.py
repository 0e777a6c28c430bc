"""Forms of the votes: a ballot cast online, a paper ballot entered by the secretary, a receipt
to check. Every error in Italian next to its field."""

from crispy_forms.layout import Column, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from ambiti.models import Comune
from core.moduli import form_helper

from .models import Delega, Qualita, Scelta
from .widgets import SelectRapido


class VotoForm(forms.Form):
    """An online ballot: the choice and the comune the user speaks for (checked by the view)."""

    scelta = forms.ChoiceField(
        label=_("Voto"),
        choices=Scelta.choices,
        error_messages={
            "required": _("Scegli favorevole, contrario o astenuto."),
            "invalid_choice": _("Scelta di voto non valida."),
        },
    )
    comune = forms.IntegerField(
        label=_("Comune"),
        error_messages={
            "required": _("Indica il comune per cui voti."),
            "invalid": _("Comune non valido."),
        },
    )


class VotoCartaceoForm(forms.Form):
    """A paper ballot handed to the secretary, entered on behalf of a comune."""

    comune = forms.ModelChoiceField(
        label=_("Comune"),
        queryset=Comune.objects.none(),
        empty_label=_("Scegli il comune"),
        widget=SelectRapido,
        error_messages={
            "required": _("Indica il comune che ha votato."),
            "invalid_choice": _("Il comune non appartiene a questo ambito."),
        },
    )
    scelta = forms.ChoiceField(
        label=_("Voto"),
        choices=Scelta.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Indica il voto espresso."),
            "invalid_choice": _("Scelta di voto non valida."),
        },
    )
    persona = forms.CharField(
        label=_("Nome e cognome di chi ha votato"),
        max_length=150,
        error_messages={"required": _("Indica chi ha votato per il comune.")},
    )
    qualita = forms.ChoiceField(
        label=_("In qualità di"),
        choices=Qualita.choices,
        initial=Qualita.SINDACO,
        error_messages={"invalid_choice": _("Indica sindaco o delegato.")},
    )
    rettifica = forms.BooleanField(
        label=_("Rettifica di un voto già espresso online"),
        required=False,
        help_text=_(
            "Solo se il comune ha già votato online e quel voto va corretto: il sindaco ne riceve "
            "notizia e la rettifica compare nel registro dei voti e nel verbale."
        ),
    )
    motivo = forms.CharField(
        label=_("Motivo della rettifica"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        # The reason goes to the sindaco, the log and the minutes: in a secret ballot it must not
        # carry the choice, and only a person can see to that.
        help_text=_("Non indicare il voto: il motivo compare nel verbale e nel registro dei voti."),
    )

    def __init__(self, *args, comuni, seduta=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.seduta = seduta
        self.fields["comune"].queryset = comuni
        self.helper = form_helper(
            Row(Column("comune", css_class="col-md-6"), Column("qualita", css_class="col-md-6")),
            "persona",
            "scelta",
            "rettifica",
            "motivo",
        )

    def clean_persona(self):
        persona = " ".join(self.cleaned_data["persona"].split())
        if not persona:
            raise forms.ValidationError(_("Indica chi ha votato per il comune."))
        return persona

    def clean(self):
        cleaned = super().clean()
        comune = cleaned.get("comune")
        if (
            self.seduta is not None
            and comune is not None
            and cleaned.get("qualita") == Qualita.DELEGATO
            and not Delega.objects.filter(seduta=self.seduta, comune=comune).exists()
        ):
            # As for presences: a delegate speaks for a comune only with a recorded delegation.
            self.add_error(
                "qualita",
                _("Per %(c)s non è registrata una delega in questa seduta.") % {"c": comune.nome},
            )
        motivo = " ".join(cleaned.get("motivo", "").split())
        cleaned["motivo"] = motivo if cleaned.get("rettifica") else ""
        if cleaned.get("rettifica") and not motivo:
            self.add_error("motivo", _("Scrivi il motivo della rettifica."))
        return cleaned


class RicevutaForm(forms.Form):
    codice = forms.CharField(
        label=_("Codice della ricevuta"),
        max_length=40,
        help_text=_("Per esempio: 1A2B-3C4D-5E6F-7A8B-9C0D."),
        error_messages={"required": _("Scrivi il codice della ricevuta.")},
    )

    def clean_codice(self):
        return "".join(self.cleaned_data["codice"].split()).upper()
