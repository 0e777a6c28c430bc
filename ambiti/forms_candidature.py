"""The public form by which a body asks to join an ambito's register, and the Ufficio di Piano's
refusal (ambiti/views_candidature.py)."""

from crispy_forms.layout import Column, Div, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from core.moduli import EtichetteVuote, form_helper

from .models import AreaPolicy, Candidatura, Iscrizione, normalizza_codice_fiscale
from .validators import validate_codice_fiscale_ente


class CandidaturaForm(EtichetteVuote, forms.ModelForm):
    """The manifestazione di interesse. A tax code already in the ambito's register, or in a
    request the Ufficio di Piano is examining, is recognised: `duplicato` says which, and the
    field says it in words instead of storing a second copy."""

    # Left empty by people, who never see it (off screen by the CSS class campo-trappola); a
    # robot filling every field fills it too, and its request is dropped without a trace.
    sito_internet = forms.CharField(
        label=_("Non compilare questo campo"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    aree_policy = forms.ModelMultipleChoiceField(
        label=_("Aree di policy a cui l'ente vuole partecipare"),
        queryset=AreaPolicy.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Scegli almeno un'area di policy.")},
    )
    dichiara_requisiti = forms.BooleanField(
        label=_(
            "Dichiaro che l'ente è iscritto al Registro unico nazionale del terzo settore "
            "(RUNTS) o possiede comunque i requisiti per partecipare alla co-programmazione "
            "del Piano di Zona, e che chi compila è autorizzato a farlo per conto dell'ente."
        ),
        error_messages={
            "required": _("Per inviare la richiesta serve questa dichiarazione sui requisiti.")
        },
    )
    consenso_privacy = forms.BooleanField(
        label=_(
            "Ho letto l'informativa sul trattamento dei dati personali: i dati di questo "
            "modulo sono usati dall'Ufficio di Piano solo per esaminare la richiesta e, se "
            "accolta, per la tenuta del registro degli enti."
        ),
        error_messages={
            "required": _("Per inviare la richiesta serve la presa visione dell'informativa.")
        },
    )

    duplicato = None  # "iscritto" or "in_esame"

    class Meta:
        model = Candidatura
        fields = [
            "denominazione",
            "tipo",
            "codice_fiscale",
            "referente",
            "email",
            "aree_policy",
            "dichiara_requisiti",
            "consenso_privacy",
        ]
        labels = {"email": _("E-mail di contatto"), "referente": _("Referente (facoltativo)")}
        help_texts = {
            "codice_fiscale": _(
                "11 cifre per un ente o una società (come la partita IVA), 16 caratteri per una "
                "persona fisica."
            ),
            "email": _(
                "Riceverai un messaggio con un collegamento da aprire per confermare l'indirizzo: "
                "solo allora la richiesta arriva all'Ufficio di Piano."
            ),
        }

    def __init__(self, *args, ambito, **kwargs):
        kwargs.setdefault("instance", Candidatura(ambito=ambito))
        super().__init__(*args, **kwargs)
        self.ambito = ambito
        self.fields["aree_policy"].queryset = AreaPolicy.objects.correnti()
        self.fields["codice_fiscale"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        )
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["denominazione"].widget.attrs["autocomplete"] = "organization"
        self.helper = form_helper(
            "denominazione",
            Row(Column("tipo"), Column("codice_fiscale")),
            Row(Column("email"), Column("referente")),
            "aree_policy",
            "dichiara_requisiti",
            "consenso_privacy",
            Div("sito_internet", css_class="campo-trappola"),
        )

    def e_trappola(self) -> bool:
        """A robot filled the field people do not see."""
        return bool((self.data.get(self.add_prefix("sito_internet")) or "").strip())

    def clean_codice_fiscale(self):
        codice = normalizza_codice_fiscale(self.cleaned_data["codice_fiscale"])
        validate_codice_fiscale_ente(codice)
        if Iscrizione.objects.filter(ambito=self.ambito, ente__codice_fiscale=codice).exists():
            self.duplicato = "iscritto"
            raise forms.ValidationError(
                _(
                    "Un ente con questo codice fiscale è già iscritto al registro di questo "
                    "ambito: non serve una nuova richiesta. Per aggiornarne i dati scrivi "
                    "all'Ufficio di Piano."
                ),
                code="gia_iscritto",
            )
        if (
            Candidatura.objects.in_esame()
            .filter(ambito=self.ambito, codice_fiscale=codice)
            .exists()
        ):
            self.duplicato = "in_esame"
            raise forms.ValidationError(
                _(
                    "Per questo codice fiscale c'è già una richiesta di adesione in esame presso "
                    "l'Ufficio di Piano: riceverai la risposta all'indirizzo indicato allora."
                ),
                code="gia_in_esame",
            )
        return codice


class RifiutoForm(forms.Form):
    motivo = forms.CharField(
        label=_("Motivo del rifiuto"),
        help_text=_("Viene comunicato all'ente nel messaggio di risposta."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": _("Scrivi il motivo del rifiuto: l'ente lo riceverà.")},
    )

    def clean_motivo(self):
        motivo = self.cleaned_data["motivo"].strip()
        if not motivo:
            raise forms.ValidationError(_("Scrivi il motivo del rifiuto: l'ente lo riceverà."))
        return motivo
