"""The Ufficio di Piano reviews every proposal of its ambito's tables."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ambiti.permissions import get_ambito_for_manager

from . import services
from .filters import PropostaFilter
from .forms import ValutazioneForm
from .models import Esito

PROPOSTE_PER_PAGINA = 50


def _proposte(ambito):
    return (
        Esito.objects.proposte()
        .nell_ambito(ambito)
        .select_related("incontro__tavolo", "area_policy", "accorpata_in")
        .prefetch_related("obiettivi")
        .order_by("-incontro__inizio", "ordine", "pk")
    )


def _conteggi(ambito):
    """How many proposals of the ambito are in each state of the triage."""
    conteggi = (
        Esito.objects.proposte()
        .nell_ambito(ambito)
        .aggregate(**{v: Count("pk", filter=Q(valutazione=v)) for v in Esito.Valutazione.values})
    )
    return [(etichetta, conteggi[valore]) for valore, etichetta in Esito.Valutazione.choices]


@require_GET
def proposte(request, slug):
    ambito = get_ambito_for_manager(request.user, slug)
    filtro = PropostaFilter(request.GET, queryset=_proposte(ambito), ambito=ambito)
    pagina = Paginator(filtro.qs, PROPOSTE_PER_PAGINA).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    template = "tavoli/proposte.html"
    if request.htmx and not request.htmx.boosted:
        template += "#risultati"
    return render(
        request,
        template,
        {
            "ambito": ambito,
            "filtro": filtro,
            "pagina": pagina,
            "query": query.urlencode(),
            "conteggi": _conteggi(ambito),
        },
    )


@require_http_methods(["GET", "POST"])
def valuta(request, slug, epk):
    ambito = get_ambito_for_manager(request.user, slug)
    proposta = get_object_or_404(_proposte(ambito), pk=epk)
    altre = _proposte(ambito)
    form = ValutazioneForm(
        request.POST or None,
        proposta=proposta,
        altre_proposte=altre,
        # Several rows can be open at once, next to the filters: ids must not collide.
        prefix=f"proposta-{proposta.pk}",
        initial={
            "valutazione": proposta.valutazione,
            "motivazione": proposta.motivazione,
            "accorpata_in": proposta.accorpata_in_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        proposta = services.valuta_proposta(
            proposta=proposta,
            valutazione=form.cleaned_data["valutazione"],
            motivazione=form.cleaned_data["motivazione"],
            accorpata_in=form.cleaned_data["accorpata_in"],
            utente=request.user,
        )
        proposta = _proposte(ambito).get(pk=proposta.pk)
        if not request.htmx:
            return redirect("tavoli:proposte", slug=ambito.slug)
        return render(
            request,
            "tavoli/proposte.html#riga_valutata",
            {"ambito": ambito, "proposta": proposta, "conteggi": _conteggi(ambito)},
        )
    return render(
        request,
        "tavoli/proposte.html#valutazione",
        {"ambito": ambito, "proposta": proposta, "form": form},
    )
