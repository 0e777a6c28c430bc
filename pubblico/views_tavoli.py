"""The thematic tables on the public pages: the public tables with their public meetings, a
meeting's page with its published minutes, and the calendars (iCalendar) anyone may subscribe to.

What is public is decided in pubblico/selezioni.py; here 404 answers for whatever is not.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from core import calendario

from . import selezioni
from .views import pubblica

CONTENT_TYPE_ICS = "text/calendar; charset=utf-8"
# Calendar apps poll the feeds; a quarter of an hour late is no harm for a public calendar.
DURATA_CALENDARIO = 15 * 60


def _ambito(slug):
    return get_object_or_404(selezioni.ambiti(), slug=slug)


def _percorso(ambito, incontro):
    return reverse(
        "pubblico:incontro-tavolo",
        kwargs={"slug": ambito.slug, "pk": incontro.tavolo_id, "ipk": incontro.pk},
    )


@pubblica
def tavoli(request, slug):
    ambito = _ambito(slug)
    adesso = timezone.now()
    elenco = selezioni.tavoli_pubblici(ambito)
    for tavolo in elenco:
        tavolo.prossimi = [i for i in tavolo.incontri_pubblici if i.fine >= adesso]
        # The most recent first: who looks back looks for the last meeting.
        tavolo.passati = [i for i in reversed(tavolo.incontri_pubblici) if i.fine < adesso]
    return render(request, "pubblico/tavoli/elenco.html", {"ambito": ambito, "tavoli": elenco})


@pubblica
def incontro(request, slug, pk, ipk):
    ambito = _ambito(slug)
    incontro = selezioni.incontro_pubblico(ambito, pk, ipk)
    if incontro is None:
        raise Http404
    return render(
        request,
        "pubblico/tavoli/incontro.html",
        {
            "ambito": ambito,
            "tavolo": incontro.tavolo,
            "incontro": incontro,
            # Plain text, escaped by the template (linebreaks): no markup of the author's passes.
            "verbale": selezioni.verbale_pubblico(incontro),
        },
    )


def _evento(incontro, url):
    """The meeting's event as the members' feeds have it (same UID and SEQUENCE), but pointing to
    the public page and without the online room."""
    return calendario.Evento(
        uid=str(incontro.uid),
        titolo=f"{incontro.tavolo.titolo} — {incontro.titolo}",
        inizio=incontro.inizio,
        fine=incontro.fine,
        sequenza=incontro.sequenza_ics,
        luogo=incontro.luogo or _("online"),
        descrizione=calendario.descrizione(incontro.punti_odg, url=url),
        url=url,
        creato_il=incontro.creato_il,
    )


def _ics(request, ambito, incontri, *, nome, filename):
    eventi = (
        _evento(incontro, request.build_absolute_uri(_percorso(ambito, incontro)))
        for incontro in incontri
    )
    risposta = HttpResponse(calendario.calendario(eventi, nome=nome), content_type=CONTENT_TYPE_ICS)
    risposta["Content-Disposition"] = f'inline; filename="{filename}"'
    return risposta


@pubblica
@cache_control(public=True, max_age=DURATA_CALENDARIO)
def calendario_ambito(request, slug):
    ambito = _ambito(slug)
    return _ics(
        request,
        ambito,
        selezioni.incontri_pubblici(ambito),
        nome=_("Tavoli tematici — %(ambito)s") % {"ambito": ambito.nome},
        filename=f"tavoli-{ambito.slug}.ics",
    )


@pubblica
@cache_control(public=True, max_age=DURATA_CALENDARIO)
def calendario_tavolo(request, slug, pk):
    ambito = _ambito(slug)
    tavolo = selezioni.tavolo_pubblico(ambito, pk)
    if tavolo is None:
        raise Http404
    return _ics(
        request,
        ambito,
        selezioni.incontri_pubblici(ambito, tavolo),
        nome=f"{tavolo.titolo} — {ambito.nome}",
        filename=f"tavolo-{tavolo.pk}.ics",
    )
