from crispy_forms.layout import Column, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Ruolo, User
from ambiti.models import AreaPolicy, Ente, Iscrizione
from core.moduli import DateInput, DateTimeInput, EtichetteVuote, a_capo_unix, form_helper
from core.validatori import valida_riga_singola

from .models import Allegato, Commento, Esito, Incontro, Membro, Tavolo
from .validators import validate_allegato


class UtenteChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class TavoloForm(EtichetteVuote, forms.ModelForm):
    aree_policy = forms.ModelMultipleChoiceField(
        label=_("Aree di policy"),
        queryset=AreaPolicy.objects.correnti(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    coordinatori = UtenteChoiceField(
        label=_("Coordinatori"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Approvano il verbale insieme all'Ufficio di Piano."),
    )
    operatori = UtenteChoiceField(
        label=_("Operatori"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Programmano gli incontri e ne registrano gli esiti."),
    )

    class Meta:
        model = Tavolo
        fields = [
            "titolo",
            "descrizione",
            "aree_policy",
            "sub_ambito",
            "data_inizio",
            "data_fine",
            "coordinatori",
            "operatori",
        ]
        widgets = {
            "descrizione": forms.Textarea(attrs={"rows": 3}),
            "data_inizio": DateInput(),
            "data_fine": DateInput(),
        }

    def __init__(self, *args, ambito, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.ambito = ambito
        self.fields["titolo"].validators.append(valida_riga_singola)
        self.fields["sub_ambito"].queryset = ambito.sub_ambiti.all()
        ruoli = Ruolo.objects.attivi().filter(ambito=ambito)
        staff = ruoli.filter(tipo__in=[Ruolo.Tipo.UFFICIO_PIANO, Ruolo.Tipo.OPERATORE])
        self.fields["coordinatori"].queryset = User.objects.filter(
            pk__in=staff.values("user")
        ).order_by("last_name", "first_name")
        self.fields["operatori"].queryset = User.objects.filter(
            pk__in=ruoli.filter(tipo=Ruolo.Tipo.OPERATORE).values("user")
        ).order_by("last_name", "first_name")
        self.helper = form_helper(
            "titolo",
            "descrizione",
            "aree_policy",
            Row(Column("sub_ambito"), Column("data_inizio"), Column("data_fine")),
            Row(Column("coordinatori"), Column("operatori")),
        )


class MembroEnteForm(EtichetteVuote, forms.Form):
    ente = forms.ModelChoiceField(label=_("Ente del registro"), queryset=Ente.objects.none())

    def __init__(self, *args, tavolo, **kwargs):
        super().__init__(*args, **kwargs)
        gia_membri = tavolo.membri.exclude(ente=None).values("ente")
        self.fields["ente"].queryset = (
            Ente.objects.filter(
                iscrizioni__ambito=tavolo.ambito,
                iscrizioni__stato=Iscrizione.Stato.ATTIVA,
            )
            .exclude(pk__in=gia_membri)
            .order_by("denominazione")
        )
        self.helper = form_helper()


class MembroPersonaForm(EtichetteVuote, forms.ModelForm):
    class Meta:
        model = Membro
        fields = ["nome", "ruolo", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nome"].required = True
        self.helper = form_helper(Row(Column("nome"), Column("ruolo"), Column("email")))


def persona_vuota() -> MembroPersonaForm:
    """The empty form of a new member by name, as the table's page offers it."""
    return MembroPersonaForm(prefix="persona")


class IncontroForm(EtichetteVuote, forms.ModelForm):
    class Meta:
        model = Incontro
        fields = ["titolo", "inizio", "fine", "luogo", "link_online", "ordine_del_giorno"]
        widgets = {
            "inizio": DateTimeInput(),
            "fine": DateTimeInput(),
            "ordine_del_giorno": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["titolo"].validators.append(valida_riga_singola)
        self.helper = form_helper(
            "titolo",
            Row(Column("inizio"), Column("fine")),
            Row(Column("luogo"), Column("link_online")),
            "ordine_del_giorno",
        )

    def clean(self):
        cleaned = super().clean()
        inizio, fine = cleaned.get("inizio"), cleaned.get("fine")
        if inizio and fine and fine <= inizio:
            self.add_error("fine", _("La fine dell'incontro deve essere successiva all'inizio."))
        if (
            not cleaned.get("luogo")
            and not cleaned.get("link_online")
            and not (self.has_error("luogo") or self.has_error("link_online"))
        ):
            self.add_error("luogo", _("Indica un luogo oppure un collegamento online."))
        return cleaned

    def validate_constraints(self, exclude=None):
        # The form already explains both rules next to the right field.
        exclude = {*(exclude or ()), "fine", "luogo", "link_online"}
        super().validate_constraints(exclude=exclude)


class PresenzeForm(EtichetteVuote, forms.Form):
    """One «present» checkbox and one head count per member of the table."""

    def __init__(self, *args, membri, presenze, **kwargs):
        super().__init__(*args, **kwargs)
        self.membri = membri
        for membro in membri:
            presenza = presenze.get(membro.pk)
            self.fields[f"presente_{membro.pk}"] = forms.BooleanField(
                label=str(membro), required=False, initial=presenza is not None
            )
            self.fields[f"partecipanti_{membro.pk}"] = forms.IntegerField(
                label=_("Partecipanti di %(membro)s") % {"membro": membro},
                min_value=1,
                max_value=500,
                required=False,
                # An absent member has no head count: a "1" next to her would read as counted.
                initial=presenza.partecipanti if presenza else None,
            )

    def righe(self):
        return [(m, self[f"presente_{m.pk}"], self[f"partecipanti_{m.pk}"]) for m in self.membri]

    def clean(self):
        cleaned = super().clean()
        for membro in self.membri:
            campo = f"partecipanti_{membro.pk}"
            if not cleaned.get(f"presente_{membro.pk}"):
                # Not ticked, not counted: whatever is left in her box (0, a stale number)
                # neither counts nor stops the others' attendance from being saved.
                self.errors.pop(campo, None)
                cleaned[campo] = None
                continue
            mancante = not cleaned.get(campo)
            if mancante and not self.has_error(campo):
                self.add_error(campo, _("Indica quante persone erano presenti."))
        return cleaned

    def partecipanti(self) -> dict[int, int]:
        return {
            m.pk: self.cleaned_data[f"partecipanti_{m.pk}"]
            for m in self.membri
            if self.cleaned_data.get(f"presente_{m.pk}")
        }


class EsitoForm(EtichetteVuote, forms.ModelForm):
    class Meta:
        model = Esito
        fields = ["tipo", "testo", "area_policy", "target"]
        widgets = {"tipo": forms.HiddenInput, "testo": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "testo": {"required": _("Scrivi il testo: un elemento vuoto non si registra.")}
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_policy"].queryset = AreaPolicy.objects.correnti()
        self.fields["testo"].widget.attrs["placeholder"] = {
            Esito.Tipo.BISOGNO: _("Quale bisogno è emerso?"),
            Esito.Tipo.RISORSA: _("Quale risorsa od opportunità?"),
            Esito.Tipo.PROPOSTA: _("Quale proposta per il Piano?"),
        }.get(self.initial.get("tipo") or self.data.get(self.add_prefix("tipo")), "")
        self.helper = form_helper("tipo", "testo", Row(Column("area_policy"), Column("target")))

    def clean_testo(self):
        testo = self.cleaned_data["testo"].strip()
        if not testo:
            raise forms.ValidationError(_("Scrivi il testo: un elemento vuoto non si registra."))
        return testo


def esito_vuoto(tipo) -> EsitoForm:
    """The empty form of one kind of outcome, as the meeting page offers it."""
    return EsitoForm(initial={"tipo": tipo}, prefix=tipo)


class VerbaleForm(EtichetteVuote, forms.Form):
    testo = forms.CharField(
        label=_("Verbale"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    versione = forms.IntegerField(widget=forms.HiddenInput)

    def clean_testo(self):
        # Saved and autosaved texts must compare equal when they are the same words.
        return a_capo_unix(self.cleaned_data["testo"])


class AllegatoForm(EtichetteVuote, forms.ModelForm):
    class Meta:
        model = Allegato
        fields = ["file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].validators = [validate_allegato]
        self.helper = form_helper()


class CommentoForm(EtichetteVuote, forms.ModelForm):
    class Meta:
        model = Commento
        fields = ["testo"]
        widgets = {"testo": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class ValutazioneForm(EtichetteVuote, forms.Form):
    valutazione = forms.ChoiceField(
        label=_("Valutazione"),
        choices=[c for c in Esito.Valutazione.choices if c[0] != Esito.Valutazione.DA_VALUTARE],
    )
    motivazione = forms.CharField(
        label=_("Motivazione"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    accorpata_in = forms.ModelChoiceField(
        label=_("Accorpata nella proposta"), queryset=Esito.objects.none(), required=False
    )

    def __init__(self, *args, proposta, altre_proposte, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accorpata_in"].queryset = altre_proposte.exclude(pk=proposta.pk)
        self.fields["accorpata_in"].label_from_instance = lambda p: p.testo[:90]

    def clean(self):
        cleaned = super().clean()
        valutazione = cleaned.get("valutazione")
        if valutazione == Esito.Valutazione.NON_ACCOLTA and not cleaned.get("motivazione"):
            self.add_error("motivazione", _("Spiega perché la proposta non è accolta."))
        if valutazione == Esito.Valutazione.ACCORPATA and not cleaned.get("accorpata_in"):
            self.add_error("accorpata_in", _("Scegli la proposta in cui è accorpata."))
        return cleaned


class PubblicazioneForm(forms.Form):
    """The Ufficio di Piano's switch of what the public pages show: "1" publishes, "0" withdraws."""

    pubblico = forms.TypedChoiceField(
        choices=[("1", _("Pubblica")), ("0", _("Ritira"))], coerce=lambda v: v == "1"
    )
