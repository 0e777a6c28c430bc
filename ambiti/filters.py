import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from core.moduli import QUALSIASI, FiltriConEtichette
from core.ordinamento import in_ordine_italiano

from .models import AreaPolicy, Comune, Ente, Iscrizione, SubAmbito


class OrdinaComuni(django_filters.OrderingFilter):
    """Ordering by name in Italian alphabetical order, as the default order of the comuni."""

    def filter(self, qs, value):
        if not value:
            return super().filter(qs, value)
        termini = []
        for campo in (self.get_ordering_value(v) for v in value if v not in EMPTY_VALUES):
            if campo.lstrip("-") == "nome":
                termini.append(in_ordine_italiano("nome", decrescente=campo.startswith("-")))
            else:
                termini.append(campo)
        return qs.order_by(*termini, "codice_istat")


class ComuneFilter(FiltriConEtichette, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cerca"), method="cerca")
    provincia = django_filters.ChoiceFilter(label=_("Provincia"), choices=[])
    sub_ambito = django_filters.ModelChoiceFilter(
        label=_("Sub-ambito"), queryset=SubAmbito.objects.none()
    )
    ordina = OrdinaComuni(
        label=_("Ordina per"),
        fields=[("nome", "nome"), ("popolazione", "popolazione"), ("codice_istat", "istat")],
        field_labels={
            "nome": _("Nome"),
            "popolazione": _("Popolazione"),
            "codice_istat": _("Codice ISTAT"),
        },
    )

    class Meta:
        model = Comune
        fields = ["q", "provincia", "sub_ambito"]

    def __init__(self, *args, ambito, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["sub_ambito"].queryset = ambito.sub_ambiti.all()
        province = (
            Comune.objects.nell_ambito(ambito)
            .order_by("provincia")
            .values_list("provincia", flat=True)
            .distinct()
        )
        self.filters["provincia"].extra["choices"] = [(p, p) for p in province]
        self.form.fields["q"].widget.attrs.update({"placeholder": _("Nome o codice ISTAT")})
        self.form.fields["q"].widget.input_type = "search"

    def cerca(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(nome__icontains=value) | Q(codice_istat__startswith=value))


class IscrizioneFilter(FiltriConEtichette, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cerca"), method="cerca")
    tipo = django_filters.ChoiceFilter(
        label=_("Tipo di ente"), field_name="ente__tipo", choices=Ente.Tipo.choices
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Area di policy"), field_name="aree_policy", queryset=AreaPolicy.objects.correnti()
    )
    aderisce_adp = django_filters.BooleanFilter(
        label=_("Adesione all'AdP"),
        widget=forms.Select(choices=[("", QUALSIASI), ("true", _("Sì")), ("false", _("No"))]),
    )
    stato = django_filters.ChoiceFilter(label=_("Stato"), choices=Iscrizione.Stato.choices)

    class Meta:
        model = Iscrizione
        fields = ["q", "tipo", "area", "aderisce_adp", "stato"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget.attrs.update(
            {"placeholder": _("Denominazione, codice fiscale o referente")}
        )
        self.form.fields["q"].widget.input_type = "search"

    def cerca(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(ente__denominazione__icontains=value)
            | Q(ente__codice_fiscale__iexact=value)
            | Q(ente__referente__icontains=value)
        )
