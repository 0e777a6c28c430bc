"""Objectives of an ambito's plan: overview by area, detail with traceability, create and edit."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import check_access
from ambiti.models import Periodo
from ambiti.permissions import get_ambito_for_manager, get_ambito_for_reader

from . import destinatari, grafici
from .calcoli import Riconciliazione, area_principale, tabella_risorse
from .forms import ObiettivoForm
from .models import Disponibilita, Fondo, RisorsaAzione
from .panoramica import obiettivi_della_panoramica
from .permissions import (
    can_manage_obiettivi,
    can_view_obiettivi,
    get_obiettivo_for_manager,
    get_obiettivo_for_reader,
)


def periodo_richiesto(request) -> Periodo:
    nome = request.GET.get("periodo")
    periodo = Periodo.objects.filter(nome=nome).first() if nome else Periodo.objects.corrente()
    if periodo is None:
        raise Http404
    return periodo


def _ambito_lettore(request, slug):
    ambito = get_ambito_for_reader(request.user, slug)
    check_access(can_view=can_view_obiettivi(request.user, ambito))
    return ambito


def fondi_in_uso(obiettivi, altre_righe=()):
    """Active funds, plus any inactive one that still carries money in these objectives or in
    `altre_righe` (rows with a fondo loaded: availability, actions' resources)."""
    usati = {r.fondo for o in obiettivi for r in o.risorse.all()} | {r.fondo for r in altre_righe}
    fondi = set(Fondo.objects.filter(attivo=True)) | usati
    return sorted(fondi, key=lambda f: (f.ordine, f.nome))


def panoramica_per_area(obiettivi, periodo, fondi):
    """[(area, [obiettivi], Tabella)] in the order of the areas, and the ambito's Tabella."""
    gruppi = {}
    for obiettivo in obiettivi:
        area = area_principale(obiettivo)
        gruppi.setdefault(area, []).append(obiettivo)
    ordinate = sorted(gruppi, key=lambda a: (a is None, a.ordine if a else 0, a.nome if a else ""))
    sezioni = [
        (
            area,
            gruppi[area],
            tabella_risorse(
                (r for o in gruppi[area] for r in o.risorse.all()), anni=periodo.anni, fondi=fondi
            ),
        )
        for area in ordinate
    ]
    totale = tabella_risorse(
        (r for o in obiettivi for r in o.risorse.all()), anni=periodo.anni, fondi=fondi
    )
    return sezioni, totale


@require_GET
def panoramica(request, slug):
    ambito = _ambito_lettore(request, slug)
    periodo = periodo_richiesto(request)
    tutti = obiettivi_della_panoramica(ambito, periodo)
    gruppi = destinatari.gruppi_della_panoramica(ambito, tutti)
    gruppo = destinatari.gruppo_richiesto(request, gruppi)
    obiettivi = destinatari.filtra_per_gruppo(tutti, gruppo)
    disponibili = list(Disponibilita.objects.dell_ambito(ambito, periodo).select_related("fondo"))
    fondi = fondi_in_uso(tutti, disponibili)
    sezioni, totale = panoramica_per_area(obiettivi, periodo, fondi)
    # The funds reconcile with every objective of the ambito, whatever target group is shown.
    impegni = totale if gruppo is None else panoramica_per_area(tutti, periodo, fondi)[1]
    riconciliazione = Riconciliazione(
        tetti=tabella_risorse(disponibili, anni=periodo.anni, fondi=fondi), impegni=impegni
    )
    return render(
        request,
        "obiettivi/panoramica.html",
        {
            "ambito": ambito,
            "periodo": periodo,
            "periodi": Periodo.objects.all(),
            "fondi": fondi,
            "sezioni": sezioni,
            "totale": totale,
            "riconciliazione": riconciliazione,
            "disponibilita_inserite": bool(disponibili),
            "numero_obiettivi": len(obiettivi),
            "grafico_risorse": grafici.risorse_per_area(sezioni, fondi),
            "grafico_avanzamento": grafici.avanzamento_obiettivi(obiettivi),
            "puo_gestire": can_manage_obiettivi(request.user, ambito),
            "gruppi": gruppi,
            "gruppo": gruppo,
            "riepilogo_destinatari": destinatari.riepilogo_destinatari(tutti, gruppi, periodo.anni),
        },
    )


@require_GET
def dettaglio(request, slug, pk):
    ambito = _ambito_lettore(request, slug)
    obiettivo = get_obiettivo_for_reader(request.user, ambito, pk)
    # Grouped by action below: ordered on the lines' own columns, not through Meta.ordering
    # (action, then objective, then ambito and period: a join across the region's objectives).
    righe_azioni = list(
        RisorsaAzione.objects.filter(azione__obiettivo=obiettivo)
        .select_related("fondo")
        .order_by("anno", "fondo__ordine", "fondo__nome")
    )
    fondi = fondi_in_uso([obiettivo], righe_azioni)
    periodo = obiettivo.periodo
    per_azione = {}
    for riga in righe_azioni:
        per_azione.setdefault(riga.azione_id, []).append(riga)
    for azione in obiettivo.azioni.all():
        azione.righe_risorse = per_azione.get(azione.pk, [])
    risorse = tabella_risorse(obiettivo.risorse.all(), anni=periodo.anni, fondi=fondi)
    return render(
        request,
        "obiettivi/dettaglio.html",
        {
            "ambito": ambito,
            "obiettivo": obiettivo,
            "periodo": periodo,
            "fondi": fondi,
            "risorse": risorse,
            "confronto_azioni": Riconciliazione(
                tetti=risorse,
                impegni=tabella_risorse(righe_azioni, anni=periodo.anni, fondi=fondi),
            ),
            "indicatori": [
                (i, i.valori_per_anno(periodo.anni)) for i in obiettivo.indicatori.all()
            ],
            "precedenti": obiettivo.obiettivi_precedenti.select_related("obiettivo__periodo"),
            "puo_gestire": can_manage_obiettivi(request.user, ambito),
        },
    )


@require_http_methods(["GET", "POST"])
def nuovo(request, slug):
    ambito = get_ambito_for_manager(request.user, slug)
    periodo = periodo_richiesto(request)
    form = ObiettivoForm(request.POST or None, ambito=ambito, periodo=periodo)
    if request.method == "POST" and form.is_valid():
        obiettivo = form.save()
        messages.success(request, _("Obiettivo creato: ora aggiungi azioni, risorse e indicatori."))
        return redirect("obiettivi:dettaglio", slug=ambito.slug, pk=obiettivo.pk)
    return render(
        request,
        "obiettivi/obiettivo_form.html",
        {"ambito": ambito, "periodo": periodo, "form": form},
    )


@require_http_methods(["GET", "POST"])
def modifica(request, slug, pk):
    ambito = get_ambito_for_reader(request.user, slug)
    obiettivo = get_obiettivo_for_manager(request.user, ambito, pk)
    form = ObiettivoForm(
        request.POST or None, instance=obiettivo, ambito=ambito, periodo=obiettivo.periodo
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Obiettivo aggiornato."))
        return redirect("obiettivi:dettaglio", slug=ambito.slug, pk=obiettivo.pk)
    return render(
        request,
        "obiettivi/obiettivo_form.html",
        {"ambito": ambito, "periodo": obiettivo.periodo, "form": form, "obiettivo": obiettivo},
    )
