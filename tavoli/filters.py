import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ambiti.models import AreaPolicy
from core.moduli import FiltriConEtichette

from .models import Esito, Tavolo


class PropostaFilter(FiltriConEtichette, django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cerca nel testo"), method="cerca")
    area = django_filters.ModelChoiceFilter(
        label=_("Area di policy"), field_name="area_policy", queryset=AreaPolicy.objects.correnti()
    )
    tavolo = django_filters.ModelChoiceFilter(
        label=_("Tavolo"), field_name="incontro__tavolo", queryset=Tavolo.objects.none()
    )
    valutazione = django_filters.ChoiceFilter(
        label=_("Valutazione"), choices=Esito.Valutazione.choices
    )

    class Meta:
        model = Esito
        fields = ["q", "area", "tavolo", "valutazione"]

    def __init__(self, *args, ambito, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["tavolo"].queryset = Tavolo.objects.filter(ambito=ambito)
        self.form.fields["q"].widget.input_type = "search"

    def cerca(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(testo__icontains=value) | Q(target__icontains=value))
