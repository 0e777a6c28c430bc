from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import is_amministratore

from .filters import ComuneFilter, IscrizioneFilter
from .forms import EnteForm, IscrizioneForm
from .models import Candidatura, Comune, Iscrizione
from .permissions import (
    can_manage_registro,
    get_ambito_for_manager,
    get_ambito_for_reader,
    get_iscrizione_for_manager,
    get_iscrizione_for_reader,
)

ISCRIZIONI_PER_PAGINA = 50


def _partial_or_page(request, template, context, partial):
    if request.htmx and not request.htmx.boosted:
        template = f"{template}#{partial}"
    return render(request, template, context)


@require_GET
def comuni(request, slug):
    ambito = get_ambito_for_reader(request.user, slug)
    queryset = Comune.objects.nell_ambito(ambito).select_related("sub_ambito")
    filtro = ComuneFilter(request.GET, queryset=queryset, ambito=ambito)
    elenco = list(filtro.qs)
    context = {
        "ambito": ambito,
        "filtro": filtro,
        "comuni": elenco,
        "totale_popolazione": sum(c.popolazione for c in elenco),
    }
    return _partial_or_page(request, "ambiti/comuni.html", context, "risultati")


@require_GET
def registro(request, slug):
    ambito = get_ambito_for_reader(request.user, slug)
    queryset = (
        Iscrizione.objects.filter(ambito=ambito)
        .select_related("ente")
        .prefetch_related("aree_policy")
    )
    filtro = IscrizioneFilter(request.GET, queryset=queryset)
    pagina = Paginator(filtro.qs.distinct(), ISCRIZIONI_PER_PAGINA).get_page(
        request.GET.get("pagina")
    )
    query = request.GET.copy()
    query.pop("pagina", None)
    puo_gestire = can_manage_registro(request.user, ambito)
    context = {
        "ambito": ambito,
        "filtro": filtro,
        "pagina": pagina,
        "query": query.urlencode(),
        "puo_gestire": puo_gestire,
        # Counted only for the Ufficio di Piano, and only on the full page.
        "candidature_in_esame": (
            Candidatura.objects.in_esame().filter(ambito=ambito).count if puo_gestire else None
        ),
    }
    return _partial_or_page(request, "ambiti/registro.html", context, "risultati")


@require_GET
def iscrizione_dettaglio(request, slug, pk):
    ambito = get_ambito_for_reader(request.user, slug)
    iscrizione = get_iscrizione_for_reader(request.user, ambito, pk)
    return render(
        request,
        "ambiti/iscrizione_dettaglio.html",
        {
            "ambito": ambito,
            "iscrizione": iscrizione,
            "puo_gestire": can_manage_registro(request.user, ambito),
        },
    )


@require_http_methods(["GET", "POST"])
def iscrizione_nuova(request, slug):
    ambito = get_ambito_for_manager(request.user, slug)
    # Never bound to an existing Ente: the page shows back only what this Ufficio typed.
    ente_form = EnteForm(request.POST or None, ambito=ambito)
    iscrizione_form = IscrizioneForm(request.POST or None)
    if request.method == "POST":
        ente_valido = ente_form.is_valid()
        esistente = ente_form.ente_esistente
        if request.POST.get("azione") == "collega" and esistente and not ente_form.gia_iscritto:
            # The same legal body in another ambito's register: link it, touching nothing of it.
            if iscrizione_form.is_valid():
                iscrizione = _salva_iscrizione(iscrizione_form, ente=esistente, ambito=ambito)
                messages.success(request, _("Ente collegato al registro dell'ambito."))
                return redirect("ambiti:iscrizione-dettaglio", slug=ambito.slug, pk=iscrizione.pk)
        elif ente_valido and iscrizione_form.is_valid():
            with transaction.atomic():
                iscrizione = _salva_iscrizione(
                    iscrizione_form, ente=ente_form.save(), ambito=ambito
                )
            messages.success(request, _("Ente iscritto al registro."))
            return redirect("ambiti:iscrizione-dettaglio", slug=ambito.slug, pk=iscrizione.pk)
    return render(
        request,
        "ambiti/iscrizione_form.html",
        {"ambito": ambito, "ente_form": ente_form, "iscrizione_form": iscrizione_form},
    )


@transaction.atomic
def _salva_iscrizione(iscrizione_form, *, ente, ambito):
    iscrizione = iscrizione_form.save(commit=False)
    iscrizione.ente = ente
    iscrizione.ambito = ambito
    iscrizione.save()
    iscrizione_form.save_m2m()
    return iscrizione


@require_http_methods(["GET", "POST"])
def iscrizione_modifica(request, slug, pk):
    ambito = get_ambito_for_reader(request.user, slug)
    iscrizione = get_iscrizione_for_manager(request.user, ambito, pk)
    ente_form = EnteForm(request.POST or None, instance=iscrizione.ente)
    condiviso = (
        not is_amministratore(request.user)
        and iscrizione.ente.iscrizioni.exclude(ambito=ambito).exists()
    )
    if condiviso:
        ente_form.blocca_dati_condivisi()
    iscrizione_form = IscrizioneForm(request.POST or None, instance=iscrizione)
    if request.method == "POST" and ente_form.is_valid() and iscrizione_form.is_valid():
        with transaction.atomic():
            if not condiviso:
                ente_form.save()
            iscrizione_form.save()
        messages.success(request, _("Iscrizione aggiornata."))
        return redirect("ambiti:iscrizione-dettaglio", slug=ambito.slug, pk=iscrizione.pk)
    return render(
        request,
        "ambiti/iscrizione_form.html",
        {
            "ambito": ambito,
            "iscrizione": iscrizione,
            "ente_form": ente_form,
            "iscrizione_form": iscrizione_form,
        },
    )
