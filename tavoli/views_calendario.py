"""Calendars of the meetings: feeds that calendar apps subscribe to, and single invitations.

Calendar apps cannot sign in, so the feeds are reached by a secret token in the URL and are
exempt from the login requirement; whoever holds the URL sees what its owner sees.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from ambiti.permissions import ambiti_visibili, get_ambito_for_reader
from core.calendario import calendario

from .calendario import evento_incontro, percorso_incontro
from .models import Incontro, Tavolo
from .permissions import get_incontro_for_reader, get_tavolo_for_reader, tavoli_visibili

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _risposta(request, incontri, *, nome, filename=None):
    response = HttpResponse(
        calendario(
            (
                evento_incontro(
                    incontro, url=request.build_absolute_uri(percorso_incontro(incontro))
                )
                for incontro in incontri
            ),
            nome=nome,
        ),
        content_type=CONTENT_TYPE,
    )
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _feed(response):
    # A secret URL must not end up in a search engine.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_not_required
@require_GET
@cache_control(private=True)
def feed_tavolo(request, token):
    tavolo = Tavolo.objects.select_related("ambito").filter(token_calendario=token).first()
    if tavolo is None:
        raise Http404
    incontri = tavolo.incontri.order_by("inizio")
    for incontro in incontri:
        incontro.tavolo = tavolo
    nome = f"{tavolo.titolo} — {tavolo.ambito.nome}"
    return _feed(_risposta(request, incontri, nome=nome))


@login_not_required
@require_GET
@cache_control(private=True)
def feed_utente(request, token):
    utente = get_user_model().objects.filter(token_calendario=token, is_active=True).first()
    if utente is None:
        raise Http404
    # The querysets of the ambiti are OR-ed into one, read once by the meetings' query.
    tavoli = Tavolo.objects.none()
    for ambito in ambiti_visibili(utente):
        tavoli |= tavoli_visibili(utente, ambito)
    incontri = (
        Incontro.objects.filter(tavolo__in=tavoli)
        .select_related("tavolo__ambito")
        .order_by("inizio")
    )
    return _feed(_risposta(request, incontri, nome=f"pdz — {utente}"))


@require_GET
@cache_control(private=True)
def incontro_ics(request, slug, pk, ipk):
    ambito = get_ambito_for_reader(request.user, slug)
    tavolo = get_tavolo_for_reader(request.user, ambito, pk)
    incontro = get_incontro_for_reader(request.user, tavolo, ipk)
    return _risposta(
        request,
        [incontro],
        nome=tavolo.titolo,
        filename=f"incontro-{incontro.pk}.ics",
    )
