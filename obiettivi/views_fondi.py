"""The ambito's available funds: what FNPS, Fondo Sociale Regionale, Fondo Povertà, the comuni
and others assign it each year, entered once by the Ufficio di Piano."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ambiti.permissions import get_ambito_for_manager

from . import services
from .forms_fondi import DisponibilitaForm
from .models import Disponibilita
from .views import fondi_in_uso, periodo_richiesto


@require_http_methods(["GET", "POST"])
def disponibilita(request, slug):
    ambito = get_ambito_for_manager(request.user, slug)
    periodo = periodo_richiesto(request)
    esistenti = list(Disponibilita.objects.dell_ambito(ambito, periodo).select_related("fondo"))
    form = DisponibilitaForm(
        request.POST or None,
        anni=periodo.anni,
        fondi=fondi_in_uso([], esistenti),
        disponibilita=esistenti,
    )
    if request.method == "POST" and form.is_valid():
        services.salva_disponibilita(ambito=ambito, periodo=periodo, valori=form.valori())
        messages.success(request, _("Risorse disponibili salvate."))
        url = reverse("obiettivi:panoramica", args=[ambito.slug])
        return redirect(f"{url}?{urlencode({'periodo': periodo.nome})}#disponibilita")
    return render(
        request,
        "obiettivi/disponibilita_form.html",
        {"ambito": ambito, "periodo": periodo, "form": form},
    )
