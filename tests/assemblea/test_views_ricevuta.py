"""A receipt code never travels in a URL: it is checked by POST, so it stays out of the server's
access logs, the proxies' logs and the browser's history; no page links to a check with it."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from ambiti.models import Comune
from assemblea import services
from assemblea.models import RegolaVoto
from tests.assemblea.test_views_voto import HTMX, _punto, _rapp, _regola, _seduta, _url, _votazione
from tests.utils.html import trova, uno


@pytest.fixture
def votazione(cremasco, ufficio_piano_crema):
    regola = _regola(cremasco, ufficio_piano_crema)
    return _votazione(_punto(_seduta(cremasco, ufficio_piano_crema)), regola, ufficio_piano_crema)


@pytest.fixture
def punto(votazione):
    return votazione.punto


def _url_ricevuta(ambito):
    return reverse("assemblea:ricevuta", kwargs={"slug": ambito.slug})


def _url_con_codice(html: str, codice: str) -> list[str]:
    """Every href, action or hx-* URL of the page that carries the code."""
    indirizzi = re.findall(r'(?:href|action|hx-get|hx-post|src)="([^"]*)"', html)
    return [u for u in indirizzi if codice in u or "codice=" in u]


def test_la_verifica_si_fa_in_post_e_mostra_l_esito(client, cremasco, votazione, sindaco_crema):
    codice = services.vota(votazione, _rapp("Crema"), "favorevole", utente=sindaco_crema).ricevuta
    client.force_login(sindaco_crema)
    risposta = client.post(_url_ricevuta(cremasco), {"codice": codice})
    assert risposta.status_code == 200
    esito = uno(risposta, data_testid="esito-ricevuta")
    assert dict(esito.attributes)["data-conteggiata"] == "si"
    modulo = uno(risposta, "form", data_testid="form-ricevuta")
    assert dict(modulo.attributes)["method"] == "post"
    assert trova(modulo, "input", name="csrfmiddlewaretoken")


def test_un_codice_nell_indirizzo_non_e_verificato(client, cremasco, votazione, sindaco_crema):
    codice = services.vota(votazione, _rapp("Crema"), "favorevole", utente=sindaco_crema).ricevuta
    client.force_login(sindaco_crema)
    risposta = client.get(f"{_url_ricevuta(cremasco)}?codice={codice}")
    assert risposta.status_code == 200
    assert not trova(risposta, data_testid="esito-ricevuta")
    assert not trova(risposta, data_testid="ricevuta-sconosciuta")
    # Nor is it written back into the form for the next submission.
    assert codice not in risposta.content.decode()


def test_la_verifica_chiede_il_token_csrf(cremasco, votazione, sindaco_crema):
    client = Client(enforce_csrf_checks=True)
    client.force_login(sindaco_crema)
    risposta = client.post(_url_ricevuta(cremasco), {"codice": "0000-0000-0000-0000-0000"})
    assert risposta.status_code == 403


def test_nessuna_pagina_porta_il_codice_in_un_indirizzo(
    client, cremasco, votazione, punto, sindaco_crema
):
    crema = Comune.objects.get(nome="Crema")
    client.force_login(sindaco_crema)
    # The htmx answer to a ballot: the card with the receipt.
    scheda = client.post(_url("vota", punto), {"comune": crema.pk, "scelta": "contrario"}, **HTMX)
    codice = votazione.voti.get(comune=crema).ricevuta
    assert codice in scheda.content.decode()
    assert not _url_con_codice(scheda.content.decode(), codice)
    # Without htmx: the redirect after the ballot, and the page it leads to.
    risposta = client.post(_url("vota", punto), {"comune": crema.pk, "scelta": "favorevole"})
    assert risposta.status_code == 303
    assert "codice" not in risposta["Location"]
    codice = votazione.voti.get(comune=crema).ricevuta
    assert codice not in risposta["Location"]
    pagina = client.get(risposta["Location"])
    html = pagina.content.decode()
    # The receipt is on the page (the message and the card), never in a URL.
    assert html.count(codice) >= 2
    assert not _url_con_codice(html, codice)
    # The card's check is a POST form carrying the code in its body.
    verifica = uno(pagina, "form", data_testid="verifica-ricevuta")
    assert dict(verifica.attributes)["method"] == "post"
    assert dict(verifica.attributes)["action"] == _url_ricevuta(cremasco)
    assert dict(uno(verifica, "input", name="codice").attributes)["value"] == codice
    # The message with the receipt is shown once: the next page no longer carries it.
    assert codice not in client.get(_url_ricevuta(cremasco)).content.decode()


def test_il_messaggio_dopo_il_voto_non_viaggia_in_un_cookie(
    client, cremasco, ufficio_piano_crema, sindaco_crema
):
    """A cookie is signed, not encrypted: the message naming the choice and the receipt code
    waits for the next page on the server, in the session."""
    regola = _regola(cremasco, ufficio_piano_crema, scrutinio=RegolaVoto.Scrutinio.SEGRETO)
    votazione = _votazione(
        _punto(_seduta(cremasco, ufficio_piano_crema)), regola, ufficio_piano_crema
    )
    client.force_login(sindaco_crema)
    crema = Comune.objects.get(nome="Crema")
    risposta = client.post(
        _url("vota", votazione.punto), {"comune": crema.pk, "scelta": "contrario"}
    )
    assert risposta.status_code == 303
    assert "messages" not in risposta.cookies
    ricevuta = votazione.voti.get(comune=crema).ricevuta
    assert all(ricevuta not in cookie.value for cookie in risposta.cookies.values())
    # The sindaco still reads her receipt on the page she lands on.
    assert ricevuta in client.get(risposta["Location"]).content.decode()
