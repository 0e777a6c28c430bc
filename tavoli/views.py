"""Tables: list, create, edit, members."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Max, Min, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import check_access
from ambiti.permissions import get_ambito_for_manager, get_ambito_for_reader
from core.flusso import OperazioneNonAmmessa
from core.moduli import campi_vuoti

from . import services
from .forms import MembroEnteForm, MembroPersonaForm, TavoloForm, persona_vuota
from .models import Esito, Membro, Tavolo
from .permissions import (
    can_edit_incontri,
    can_manage_tavoli,
    can_publish_tavoli,
    get_tavolo_for_reader,
    tavoli_visibili,
)

CALENDARIO_RINNOVATO = _lazy(
    "Il calendario del tavolo ha un nuovo indirizzo: quello precedente non funziona più. "
    "Chi resta al tavolo trova il nuovo indirizzo in questa pagina."
)


@require_GET
def elenco(request, slug):
    ambito = get_ambito_for_reader(request.user, slug)
    adesso = timezone.now()
    tavoli = (
        tavoli_visibili(request.user, ambito)
        .select_related("sub_ambito")
        .prefetch_related("aree_policy")
        .annotate(
            numero_incontri=Count("incontri", distinct=True),
            prossimo_incontro=Min("incontri__inizio", filter=Q(incontri__fine__gte=adesso)),
            ultimo_incontro=Max("incontri__inizio", filter=Q(incontri__fine__lt=adesso)),
            numero_proposte=Count(
                "incontri__esiti",
                filter=Q(incontri__esiti__tipo=Esito.Tipo.PROPOSTA),
                distinct=True,
            ),
        )
        .order_by("titolo")
    )
    return render(
        request,
        "tavoli/elenco.html",
        {
            "ambito": ambito,
            "tavoli": tavoli,
            "puo_gestire": can_manage_tavoli(request.user, ambito),
        },
    )


@require_http_methods(["GET", "POST"])
def nuovo(request, slug):
    ambito = get_ambito_for_manager(request.user, slug)
    form = TavoloForm(request.POST or None, ambito=ambito)
    if request.method == "POST" and form.is_valid():
        tavolo = form.save()
        messages.success(request, _("Tavolo creato. Ora aggiungi i membri."))
        return redirect("tavoli:dettaglio", slug=ambito.slug, pk=tavolo.pk)
    return render(request, "tavoli/tavolo_form.html", {"ambito": ambito, "form": form})


def _tavolo_per_gestore(request, slug, pk):
    """404 for whoever may not see the table, 403 for whoever sees it but does not manage it."""
    ambito = get_ambito_for_reader(request.user, slug)
    tavolo = get_tavolo_for_reader(request.user, ambito, pk)
    check_access(can_act=can_manage_tavoli(request.user, ambito))
    return ambito, tavolo


@require_http_methods(["GET", "POST"])
def modifica(request, slug, pk):
    ambito, tavolo = _tavolo_per_gestore(request, slug, pk)
    form = TavoloForm(request.POST or None, instance=tavolo, ambito=ambito)
    if request.method == "POST" and form.is_valid():
        calendario_rinnovato = services.aggiorna_tavolo(form=form)
        messages.success(request, _("Tavolo aggiornato."))
        if calendario_rinnovato:
            messages.info(request, CALENDARIO_RINNOVATO)
        return redirect("tavoli:dettaglio", slug=ambito.slug, pk=tavolo.pk)
    return render(
        request, "tavoli/tavolo_form.html", {"ambito": ambito, "form": form, "tavolo": tavolo}
    )


def _contesto_dettaglio(request, ambito, tavolo, **extra):
    gestisce = can_manage_tavoli(request.user, ambito)
    membri = tavolo.membri.select_related("ente", "utente")
    incontri = tavolo.incontri.annotate(
        numero_presenti=Count("presenze", distinct=True),
        numero_proposte=Count("esiti", filter=Q(esiti__tipo=Esito.Tipo.PROPOSTA), distinct=True),
    ).order_by("-inizio")
    contesto = {
        "ambito": ambito,
        "tavolo": tavolo,
        "membri": membri,
        "incontri": incontri,
        "adesso": timezone.now(),
        "puo_gestire": gestisce,
        "puo_pubblicare": can_publish_tavoli(request.user, ambito),
        "puo_modificare": can_edit_incontri(request.user, tavolo),
        "form_ente": MembroEnteForm(tavolo=tavolo) if gestisce else None,
        # The same empty fields on every table: drawn once (a form with errors comes in `extra`).
        "campi_persona": campi_vuoti(persona_vuota) if gestisce else None,
        "url_calendario": request.build_absolute_uri(
            reverse("calendario:tavolo", args=[tavolo.token_calendario])
        ),
    }
    contesto.update(extra)
    return contesto


@require_GET
def dettaglio(request, slug, pk):
    ambito = get_ambito_for_reader(request.user, slug)
    tavolo = get_tavolo_for_reader(request.user, ambito, pk)
    tavolo = (
        Tavolo.objects.filter(pk=tavolo.pk)
        .select_related("ambito", "sub_ambito")
        .prefetch_related(
            "aree_policy",
            Prefetch("coordinatori", to_attr="lista_coordinatori"),
            Prefetch("operatori", to_attr="lista_operatori"),
        )
        .get()
    )
    return render(request, "tavoli/dettaglio.html", _contesto_dettaglio(request, ambito, tavolo))


def _membri_partial(request, ambito, tavolo, **extra):
    return render(
        request,
        "tavoli/dettaglio.html#membri",
        _contesto_dettaglio(request, ambito, tavolo, frammento=True, **extra),
    )


@require_POST
def membro_aggiungi(request, slug, pk):
    ambito, tavolo = _tavolo_per_gestore(request, slug, pk)
    errori = {}
    if "persona-nome" in request.POST:
        form = MembroPersonaForm(request.POST, prefix="persona")
        if form.is_valid():
            membro = form.save(commit=False)
            membro.tavolo = tavolo
            membro.save()
        else:
            errori["form_persona"] = form
    else:
        form = MembroEnteForm(request.POST, tavolo=tavolo)
        if form.is_valid():
            with transaction.atomic():
                Membro.objects.create(tavolo=tavolo, ente=form.cleaned_data["ente"])
        else:
            errori["form_ente"] = form
    if request.htmx:
        return _membri_partial(request, ambito, tavolo, **errori)
    if errori:
        messages.error(request, _("Membro non aggiunto: controlla i dati."))
    return redirect("tavoli:dettaglio", slug=ambito.slug, pk=tavolo.pk)


@require_POST
def membro_rimuovi(request, slug, pk, membro_pk):
    ambito, tavolo = _tavolo_per_gestore(request, slug, pk)
    membro = get_object_or_404(Membro, tavolo=tavolo, pk=membro_pk)
    extra = {}
    try:
        tavolo.token_calendario = services.rimuovi_membro(membro=membro)
    except OperazioneNonAmmessa as errore:
        messages.error(request, str(errore))
    else:
        messages.info(request, CALENDARIO_RINNOVATO)
        extra["calendario_rinnovato"] = True
    if request.htmx:
        return _membri_partial(request, ambito, tavolo, **extra)
    return redirect("tavoli:dettaglio", slug=ambito.slug, pk=tavolo.pk)


@require_POST
def calendario_rinnova(request, slug, pk):
    """The Ufficio di Piano gives the table's feed a new URL, e.g. after it was shared too widely."""
    ambito, tavolo = _tavolo_per_gestore(request, slug, pk)
    services.rinnova_calendario_tavolo(tavolo=tavolo)
    messages.success(request, CALENDARIO_RINNOVATO)
    return redirect("tavoli:dettaglio", slug=ambito.slug, pk=tavolo.pk)
