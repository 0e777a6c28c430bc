"""The vote's pages run a fixed number of queries, however many comuni have voted: the page of
the vote, the live fragment every voter polls, and the ballot itself (123 voters at once)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ambiti.models import Comune
from assemblea import services
from assemblea.models import Presenza, RegolaVoto
from tests.assemblea.test_views_voto import (
    HTMX,
    _punto,
    _regola,
    _seduta,
    _url,
    _vota_per,
    _votazione,
)

PICCOLA, GRANDE = 5, 48


def _conta(client, metodo, url, dati=None, **extra):
    with CaptureQueriesContext(connection) as queries:
        risposta = getattr(client, metodo)(url, dati or {}, **extra)
    assert risposta.status_code in (200, 303), risposta.status_code
    return len(queries)


@pytest.fixture
def comuni(cremasco):
    """The Cremasco's comuni, Crema first: the others vote to make the vote grow."""
    crema = Comune.objects.get(nome="Crema")
    altri = list(Comune.objects.filter(ambito=cremasco).exclude(pk=crema.pk).order_by("nome"))
    assert len(altri) + 1 == GRANDE
    return crema, altri


def _scena(cremasco, ufficio_piano_crema, **regola):
    regola = _regola(cremasco, ufficio_piano_crema, peso=RegolaVoto.Peso.POPOLAZIONE, **regola)
    seduta = _seduta(cremasco, ufficio_piano_crema)
    punto = _punto(seduta)
    return punto, _votazione(punto, regola, ufficio_piano_crema)


def _confronta(client, metodo, url, cresci, dati=None, **extra):
    """Query count before and after `cresci()` brings the ballots from 5 to 48; a warm-up
    request keeps one-off lookups (the session, content types) out of the comparison."""
    getattr(client, metodo)(url, dati or {}, **extra)
    piccola = _conta(client, metodo, url, dati, **extra)
    cresci()
    grande = _conta(client, metodo, url, dati, **extra)
    assert grande == piccola, f"{piccola} query con {PICCOLA} voti, {grande} con {GRANDE}"
    return piccola


def _voti(votazione, altri, quanti):
    """Ballots from the other comuni, mixed choices, so that the vote has `quanti` in all
    with Crema's."""
    scelte = ["favorevole", "contrario", "astenuto"]
    for i, comune in enumerate(altri[: quanti - 1]):
        _vota_per(votazione, [comune], scelte[i % 3])


def _aggiungi(votazione, altri):
    def cresci():
        for i, comune in enumerate(altri[PICCOLA - 1 :]):
            _vota_per(votazione, [comune], ["favorevole", "contrario", "astenuto"][i % 3])

    return cresci


@pytest.mark.parametrize("segreto", [False, True], ids=["palese", "segreto"])
@pytest.mark.parametrize("persona", ["sindaco_crema", "ufficio_piano_crema"])
def test_pagina_della_votazione(
    client, request, cremasco, ufficio_piano_crema, sindaco_crema, comuni, persona, segreto
):
    crema, altri = comuni
    punto, votazione = _scena(
        cremasco,
        ufficio_piano_crema,
        scrutinio=RegolaVoto.Scrutinio.SEGRETO if segreto else RegolaVoto.Scrutinio.PALESE,
    )
    services.vota(
        votazione,
        services.Rappresentanza(crema, "sindaco", "Sindaco"),
        "favorevole",
        utente=sindaco_crema,
    )
    _voti(votazione, altri, PICCOLA)
    client.force_login(request.getfixturevalue(persona))
    _confronta(client, "get", _url("votazione", punto), _aggiungi(votazione, altri))


@pytest.mark.parametrize("segreto", [False, True], ids=["palese", "segreto"])
def test_frammento_live(client, cremasco, ufficio_piano_crema, sindaco_crema, comuni, segreto):
    crema, altri = comuni
    punto, votazione = _scena(
        cremasco,
        ufficio_piano_crema,
        scrutinio=RegolaVoto.Scrutinio.SEGRETO if segreto else RegolaVoto.Scrutinio.PALESE,
    )
    _vota_per(votazione, [crema])
    _voti(votazione, altri, PICCOLA)
    client.force_login(sindaco_crema)
    _confronta(client, "get", _url("votazione-live", punto), _aggiungi(votazione, altri), **HTMX)


def test_risultato_a_votazione_chiusa(client, cremasco, ufficio_piano_crema, sindaco_crema, comuni):
    """The closed vote's page, named ballots included, at 5 and at 48 ballots."""
    crema, altri = comuni
    piccola_punto, piccola = _scena(cremasco, ufficio_piano_crema)
    _vota_per(piccola, [crema])
    _voti(piccola, altri, PICCOLA)
    services.chiudi_votazione(piccola, utente=ufficio_piano_crema)
    grande_punto, grande = _scena(cremasco, ufficio_piano_crema)
    _vota_per(grande, [crema])
    _voti(grande, altri, GRANDE)
    services.chiudi_votazione(grande, utente=ufficio_piano_crema)
    client.force_login(sindaco_crema)
    for url in (_url("votazione", piccola_punto), _url("votazione-live", piccola_punto)):
        client.get(url)
    conti = [
        _conta(client, "get", _url(nome, punto))
        for punto in (piccola_punto, grande_punto)
        for nome in ("votazione", "votazione-live")
    ]
    assert conti[:2] == conti[2:], conti


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_il_voto_cambiato(client, cremasco, ufficio_piano_crema, sindaco_crema, comuni, htmx):
    """Crema changes its vote with 5, then with 48 ballots in: the same queries."""
    crema, altri = comuni
    punto, votazione = _scena(cremasco, ufficio_piano_crema)
    _voti(votazione, altri, PICCOLA)
    client.force_login(sindaco_crema)
    extra = HTMX if htmx else {}
    url = _url("vota", punto)
    client.post(url, {"comune": crema.pk, "scelta": "favorevole"}, **extra)
    piccola = _conta(client, "post", url, {"comune": crema.pk, "scelta": "contrario"}, **extra)
    _aggiungi(votazione, altri)()
    grande = _conta(client, "post", url, {"comune": crema.pk, "scelta": "astenuto"}, **extra)
    assert grande == piccola, f"{piccola} query con {PICCOLA} voti, {grande} con {GRANDE}"


def test_il_primo_voto(client, cremasco, ufficio_piano_crema, sindaco_crema, comuni):
    """Crema's first ballot in a vote with 4 others in, and in one with 47."""
    crema, altri = comuni
    regola = _regola(cremasco, ufficio_piano_crema, peso=RegolaVoto.Peso.POPOLAZIONE)
    seduta = _seduta(cremasco, ufficio_piano_crema)
    Presenza.objects.create(
        seduta=seduta, comune=crema, persona="Sindaco", qualita="sindaco", via="online"
    )
    prova, piccola, grande = (_punto(seduta, n) for n in (1, 2, 3))
    votazioni = [_votazione(p, regola, ufficio_piano_crema) for p in (prova, piccola, grande)]
    _voti(votazioni[1], altri, PICCOLA)
    _voti(votazioni[2], altri, GRANDE)
    client.force_login(sindaco_crema)
    dati = {"comune": crema.pk, "scelta": "favorevole"}
    client.post(_url("vota", prova), dati)
    conti = [_conta(client, "post", _url("vota", p), dati) for p in (piccola, grande)]
    assert conti[0] == conti[1], conti
