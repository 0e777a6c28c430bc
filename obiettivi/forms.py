from decimal import Decimal

from crispy_forms.layout import Column, Row
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ambiti.models import Ente
from core.moduli import DateInput, EtichetteVuote, form_helper
from tavoli.models import Esito

from .campi import NumeroItalianoField
from .forms_fondi import RisorseAzioneMixin, campo_conferma
from .models import Azione, Destinatario, Indicatore, Obiettivo, ValoreIndicatore, Valutazione


class PropostaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.testo[:120]} — {obj.incontro.tavolo.titolo}"


def enti_del_registro(ambito):
    return Ente.objects.filter(iscrizioni__ambito=ambito).order_by("denominazione").distinct()


class ObiettivoForm(EtichetteVuote, forms.ModelForm):
    aree_policy = forms.ModelMultipleChoiceField(
        label=_("Aree di policy"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    proposte = PropostaChoiceField(
        label=_("Proposte accolte dei tavoli da cui nasce"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    gruppi_destinatari = forms.ModelMultipleChoiceField(
        label=_("Destinatari"),
        help_text=_("Tutti i gruppi a cui l'obiettivo si rivolge: conta nel riepilogo di ognuno."),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    asst = forms.ModelMultipleChoiceField(
        label=_("ASST coinvolte"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Obiettivo
        fields = [
            "codice",
            "titolo",
            "descrizione",
            "aree_policy",
            "gruppi_destinatari",
            "destinatari",
            "proposte",
            "integrazione_sociosanitaria",
            "asst",
            "trasversale",
            "priorita",
            "stato",
        ]
        widgets = {"descrizione": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "destinatari": _("Facoltative: ad esempio «anziani soli dei comuni più piccoli»."),
        }

    def __init__(self, *args, ambito, periodo, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.ambito = ambito
        self.instance.periodo = periodo
        self.fields["aree_policy"].queryset = periodo.aree.all()
        proposte = Esito.objects.proposte().nell_ambito(ambito).select_related("incontro__tavolo")
        accolte = proposte.filter(valutazione=Esito.Valutazione.ACCOLTA)
        if self.instance.pk:
            # A proposal already taken up stays selectable even if re-evaluated since.
            accolte = accolte | proposte.filter(obiettivi=self.instance)
        self.fields["proposte"].queryset = accolte.distinct().order_by("incontro__tavolo", "pk")
        self.fields["asst"].queryset = ambito.asst.all()
        gruppi = Destinatario.objects.per_ambito(ambito)
        # A group no longer offered stays on the objectives that have it.
        scelti = Q(obiettivi=self.instance) if self.instance.pk else Q(pk__in=[])
        self.fields["gruppi_destinatari"].queryset = (
            gruppi.filter(Q(attivo=True) | scelti).distinct().order_by("ordine", "nome")
        )
        self.helper = form_helper(
            Row(Column("codice", css_class="col-md-2"), Column("titolo", css_class="col-md-10")),
            "descrizione",
            "aree_policy",
            "gruppi_destinatari",
            "destinatari",
            "proposte",
            Row(Column("integrazione_sociosanitaria"), Column("asst"), Column("trasversale")),
            Row(Column("priorita"), Column("stato")),
        )

    def clean_codice(self):
        codice = self.cleaned_data["codice"].strip()
        esistenti = Obiettivo.objects.filter(
            ambito=self.instance.ambito, periodo=self.instance.periodo, codice=codice
        ).exclude(pk=self.instance.pk)
        if esistenti.exists():
            raise forms.ValidationError(_("Esiste già un obiettivo con questo codice nel piano."))
        return codice

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("asst") and not cleaned.get("integrazione_sociosanitaria"):
            self.add_error(
                "asst", _("Indica le ASST solo per gli obiettivi a integrazione socio-sanitaria.")
            )
        return cleaned


class AzioneForm(RisorseAzioneMixin, EtichetteVuote, forms.ModelForm):
    conferma_eccedenza = campo_conferma()

    class Meta:
        model = Azione
        fields = [
            "descrizione",
            "responsabile",
            "responsabile_altro",
            "partner",
            "data_inizio",
            "data_fine",
        ]
        widgets = {
            "descrizione": forms.Textarea(attrs={"rows": 2}),
            "data_inizio": DateInput(),
            "data_fine": DateInput(),
            "partner": forms.SelectMultiple(attrs={"size": 5}),
        }

    def __init__(self, *args, ambito, risorse, **kwargs):
        """`risorse`: keyword arguments of RisorseAzioneMixin.aggiungi_risorse."""
        super().__init__(*args, **kwargs)
        self.fields["responsabile"].queryset = enti_del_registro(ambito)
        self.fields["partner"].queryset = enti_del_registro(ambito)
        self.aggiungi_risorse(**risorse)
        # The grid of euro and the confirmation are drawn by the template (azione_form.html).
        self.helper = form_helper(
            "descrizione",
            Row(Column("responsabile"), Column("responsabile_altro")),
            "partner",
            Row(Column("data_inizio"), Column("data_fine")),
        )

    def clean(self):
        cleaned = super().clean()
        inizio, fine = cleaned.get("data_inizio"), cleaned.get("data_fine")
        if inizio and fine and fine < inizio:
            self.add_error("data_fine", _("La fine non può precedere l'inizio."))
        if not cleaned.get("responsabile") and not cleaned.get("responsabile_altro"):
            self.add_error("responsabile", _("Indica chi è responsabile dell'azione."))
        self.controlla_eccedenze()
        return cleaned

    def validate_constraints(self, exclude=None):
        super().validate_constraints(exclude={*(exclude or ()), "data_fine"})


class AvanzamentoForm(EtichetteVuote, forms.ModelForm):
    class Meta:
        model = Azione
        fields = ["avanzamento", "nota_avanzamento"]
        widgets = {
            "avanzamento": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            "nota_avanzamento": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "avanzamento": {"max_value": _("L'avanzamento va da 0 a 100%%.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["avanzamento"].min_value = 0
        self.helper = form_helper(
            Row(Column("avanzamento", css_class="col-md-3"), Column("nota_avanzamento"))
        )


class RisorseForm(EtichetteVuote, forms.Form):
    """The grid of euro per year and fund of one objective."""

    def __init__(self, *args, anni, fondi, risorse, **kwargs):
        super().__init__(*args, **kwargs)
        self.anni, self.fondi = list(anni), list(fondi)
        esistenti = {(r.anno, r.fondo_id): r.importo for r in risorse}
        for anno in self.anni:
            for fondo in self.fondi:
                self.fields[self.nome_campo(anno, fondo)] = NumeroItalianoField(
                    label=f"{fondo.sigla} {anno}",
                    required=False,
                    min_value=Decimal("0"),
                    max_digits=12,
                    decimal_places=2,
                    initial=esistenti.get((anno, fondo.pk)),
                )

    @staticmethod
    def nome_campo(anno, fondo):
        return f"r_{anno}_{fondo.pk}"

    def righe(self):
        return [(anno, [self[self.nome_campo(anno, f)] for f in self.fondi]) for anno in self.anni]

    def importi(self) -> dict[tuple[int, int], Decimal]:
        return {
            (anno, fondo.pk): self.cleaned_data[self.nome_campo(anno, fondo)]
            for anno in self.anni
            for fondo in self.fondi
            if self.cleaned_data.get(self.nome_campo(anno, fondo))
        }


class IndicatoreForm(EtichetteVuote, forms.ModelForm):
    class Meta:
        model = Indicatore
        fields = ["nome", "unita", "fonte", "valore_base", "anno_base"]
        field_classes = {"valore_base": NumeroItalianoField}

    def __init__(self, *args, periodo, **kwargs):
        super().__init__(*args, **kwargs)
        self.periodo = periodo
        valori = {}
        if self.instance.pk:
            valori = {
                v.anno: v.valore
                for v in self.instance.valori.all()
                if v.tipo == ValoreIndicatore.Tipo.TARGET
            }
        for anno in periodo.anni:
            self.fields[f"target_{anno}"] = NumeroItalianoField(
                label=_("Valore atteso %(anno)s") % {"anno": anno},
                required=False,
                max_digits=14,
                decimal_places=2,
                initial=valori.get(anno),
            )
        self.helper = form_helper(
            Row(Column("nome"), Column("unita", css_class="col-md-3")),
            Row(Column("valore_base"), Column("anno_base"), Column("fonte")),
            Row(*[Column(f"target_{anno}") for anno in periodo.anni]),
        )

    def clean_anno_base(self):
        anno = self.cleaned_data["anno_base"]
        if anno > self.periodo.anno_fine:
            raise forms.ValidationError(
                _("Il valore di partenza non può essere successivo al periodo del piano.")
            )
        return anno

    def clean_nome(self):
        nome = self.cleaned_data["nome"].strip()
        obiettivo = self.instance.obiettivo if self.instance.obiettivo_id else None
        if (
            obiettivo
            and obiettivo.indicatori.exclude(pk=self.instance.pk).filter(nome=nome).exists()
        ):
            raise forms.ValidationError(_("L'obiettivo ha già un indicatore con questo nome."))
        return nome

    def target(self) -> dict[int, Decimal]:
        return {
            anno: self.cleaned_data[f"target_{anno}"]
            for anno in self.periodo.anni
            if self.cleaned_data.get(f"target_{anno}") is not None
        }


class MisuraForm(EtichetteVuote, forms.Form):
    anno = forms.TypedChoiceField(label=_("Anno"), coerce=int)
    valore = NumeroItalianoField(label=_("Valore misurato"), max_digits=14, decimal_places=2)
    nota = forms.CharField(label=_("Nota"), max_length=250, required=False)

    def __init__(self, *args, periodo, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["anno"].choices = [(a, a) for a in periodo.anni]
        self.helper = form_helper(Row(Column("anno"), Column("valore"), Column("nota")))


class ValutazioneForm(EtichetteVuote, forms.ModelForm):
    class Meta:
        model = Valutazione
        fields = ["grado", "criticita", "prosegue", "obiettivo_successivo"]
        widgets = {"criticita": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, successivi, scelte_successivi=None, **kwargs):
        super().__init__(*args, **kwargs)
        campo = self.fields["obiettivo_successivo"]
        campo.queryset = successivi
        if scelte_successivi is not None:
            # One list shared by every form of the page, instead of a query per form.
            campo.choices = scelte_successivi
        # Django's select, its options written inline instead of a template included per
        # option: the evaluation page shows one form per objective, each listing every
        # objective of the new plan (issue 16). The same HTML.
        campo.widget.template_name = "obiettivi/widgets/select.html"
        self.helper = form_helper(
            Row(Column("grado"), Column("prosegue"), Column("obiettivo_successivo")), "criticita"
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("obiettivo_successivo") and not cleaned.get("prosegue"):
            self.add_error(
                "obiettivo_successivo",
                _("Collega un obiettivo del nuovo piano solo se l'obiettivo prosegue."),
            )
        return cleaned

    def validate_constraints(self, exclude=None):
        super().validate_constraints(exclude={*(exclude or ()), "obiettivo_successivo"})
