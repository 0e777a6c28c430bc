from crispy_forms.layout import Column, Row
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.moduli import DateInput, EtichetteVuote, form_helper

from .models import Ambito, AreaPolicy, Ente, Iscrizione, normalizza_codice_fiscale


class EnteForm(EtichetteVuote, forms.ModelForm):
    """The ente's own data. Given `ambito` (a new registration), a tax code already in the portal
    is not an error to fix but an ente to link: `ente_esistente` holds it, and the form says only
    whether it is already in this ambito's register, never its other data."""

    prefix = "ente"
    condiviso = False
    ente_esistente = None
    gia_iscritto = None

    class Meta:
        model = Ente
        fields = [
            "denominazione",
            "tipo",
            "codice_fiscale",
            "referente",
            "email",
            "pec",
            "telefono",
            "indirizzo",
            "sito_web",
        ]

    def __init__(self, *args, ambito=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ambito = ambito
        self.helper = form_helper(
            "denominazione",
            Row(Column("tipo"), Column("codice_fiscale")),
            Row(Column("referente"), Column("telefono")),
            Row(Column("email"), Column("pec")),
            Row(Column("indirizzo"), Column("sito_web")),
        )

    def blocca_dati_condivisi(self):
        """The ente sits in other ambiti' registers too: its shared data is the
        administrator's to change, not one ambito's."""
        for field in self.fields.values():
            field.disabled = True
        self.condiviso = True

    def clean_codice_fiscale(self):
        codice = normalizza_codice_fiscale(self.cleaned_data["codice_fiscale"])
        esistente = Ente.objects.exclude(pk=self.instance.pk).con_codice_fiscale(codice)
        if esistente is None:
            return codice
        if self.ambito is None:
            raise forms.ValidationError(_("Esiste già un ente con questo codice fiscale."))
        self.ente_esistente = esistente
        self.gia_iscritto = esistente.iscrizioni.filter(ambito=self.ambito).first()
        if self.gia_iscritto is not None:
            raise forms.ValidationError(_("Questo ente è già iscritto al registro dell'ambito."))
        raise forms.ValidationError(
            _("Un ente con questo codice fiscale è già nel portale: puoi collegarlo al registro.")
        )


class IscrizioneForm(EtichetteVuote, forms.ModelForm):
    prefix = "iscrizione"

    aree_policy = forms.ModelMultipleChoiceField(
        label=_("Aree di policy scelte"),
        queryset=AreaPolicy.objects.correnti(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Iscrizione
        fields = [
            "data_iscrizione",
            "stato",
            "aree_policy",
            "aderisce_adp",
            "data_adesione_adp",
            "note",
        ]
        widgets = {
            "data_iscrizione": DateInput(),
            "data_adesione_adp": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["data_iscrizione"].initial = timezone.localdate()
        self.helper = form_helper(
            Row(Column("data_iscrizione"), Column("stato")),
            "aree_policy",
            Row(Column("aderisce_adp"), Column("data_adesione_adp")),
            "note",
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("aderisce_adp") and not cleaned.get("data_adesione_adp"):
            self.add_error(
                "data_adesione_adp", _("Indicare la data di adesione all'Accordo di Programma.")
            )
        # A date without adhesion is refused by Iscrizione.clean, which the form also runs.
        return cleaned


LOGO_MASSIMO = 500 * 1024
# The first bytes of the two formats a logo may have: the extension alone proves nothing.
FIRME_IMMAGINE = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


class ImpostazioniForm(forms.ModelForm):
    """The Ufficio di Piano's settings of its ambito (ambiti.views_impostazioni)."""

    class Meta:
        model = Ambito
        fields = [
            "voto_online_accesso",
            "gestore_sito",
            "logo",
            "indirizzo_gestore",
            "telefono_gestore",
            "pec_gestore",
            "url_dichiarazione_accessibilita",
        ]
        widgets = {"voto_online_accesso": forms.RadioSelect}

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo or logo == self.initial.get("logo"):
            return logo
        if logo.size > LOGO_MASSIMO:
            raise forms.ValidationError(_("Il logo non può superare 500 kB."))
        inizio = logo.read(8)
        logo.seek(0)
        if not inizio.startswith(FIRME_IMMAGINE):
            raise forms.ValidationError(_("Il logo deve essere un'immagine PNG o JPEG."))
        return logo
