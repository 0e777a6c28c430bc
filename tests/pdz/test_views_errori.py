"""The portal's own error pages: in Italian, in the portal's layout, with a way back; the 500
page even with the database down; the page of a form whose CSRF token has expired."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from tests.utils.html import testo as _testo
from tests.utils.html import trova, uno

pytestmark = pytest.mark.urls("tests.pdz.urls_errori")

HOME = reverse("home")


def _pagina_errore(risposta, codice, titolo):
    """The error page as a person reads it: the portal's header, the title, the way home."""
    assert risposta.status_code == codice
    assert risposta["Content-Type"].startswith("text/html")
    html = risposta.content.decode()
    assert '<html lang="it">' in html
    assert "Regione Lombardia · Ambiti territoriali sociali" in html
    assert trova(risposta, "header", **{"class": "it-header-wrapper"})
    assert _testo(uno(risposta, "h1")) == titolo
    assert _testo(uno(risposta, data_testid="codice-errore")) == f"Errore {codice}"
    assert _testo(uno(risposta, data_testid="spiegazione"))
    assert dict(uno(risposta, data_testid="torna-home").attributes)["href"] == HOME
    for inglese in ("Not Found", "Forbidden", "Bad Request", "Server Error"):
        assert inglese not in html
    return html


# --- 404 --------------------------------------------------------------------------------------


def test_un_indirizzo_sconosciuto_e_la_pagina_non_trovata_del_portale(client, db):
    risposta = client.get("/questa/pagina/non/esiste/")
    _pagina_errore(risposta, 404, "Pagina non trovata")
    assert "<title>Pagina non trovata · pdz</title>" in risposta.content.decode()


def test_un_oggetto_di_un_altro_ambito_e_non_trovato_con_la_strada_di_ritorno(
    client, ufficio_piano_cremona, iscrizione_crema
):
    client.force_login(ufficio_piano_cremona)
    for url in (
        # The Cremasco's page of an iscrizione, and the same iscrizione under the Cremonese.
        reverse(
            "ambiti:iscrizione-dettaglio", kwargs={"slug": "cremasco", "pk": iscrizione_crema.pk}
        ),
        reverse(
            "ambiti:iscrizione-dettaglio", kwargs={"slug": "cremonese", "pk": iscrizione_crema.pk}
        ),
    ):
        risposta = client.get(url)
        html = _pagina_errore(risposta, 404, "Pagina non trovata")
        # The portal's layout for the signed-in user: their name, their navigation.
        assert _testo(uno(risposta, data_testid="utente")) == str(ufficio_piano_cremona)
        assert "Cremonese" in _testo(uno(risposta, "nav"))
        assert "Cooperativa Il Ponte" not in html


# --- 403 --------------------------------------------------------------------------------------


def test_un_ruolo_che_non_puo_agire_vede_accesso_non_consentito(client, operatore_crema):
    client.force_login(operatore_crema)
    risposta = client.get(reverse("ambiti:iscrizione-nuova", kwargs={"slug": "cremasco"}))
    _pagina_errore(risposta, 403, "Accesso non consentito")
    assert not trova(risposta, data_testid="motivo")


def test_il_motivo_del_rifiuto_e_mostrato(client, operatore_crema):
    client.force_login(operatore_crema)
    risposta = client.get("/ambiti/cremasco/prova/vietata/")
    _pagina_errore(risposta, 403, "Accesso non consentito")
    assert (
        _testo(uno(risposta, data_testid="motivo"))
        == "Solo l'Ufficio di Piano può chiudere questa seduta."
    )


# --- 400 --------------------------------------------------------------------------------------


def test_un_host_non_ammesso_e_una_richiesta_non_valida(client, db):
    risposta = client.get(HOME, HTTP_HOST="intruso.example.org")
    _pagina_errore(risposta, 400, "Richiesta non valida")


def test_un_operazione_sospetta_e_una_richiesta_non_valida(client, db):
    risposta = client.get("/prova/sospetta/")
    _pagina_errore(risposta, 400, "Richiesta non valida")


# --- 500 --------------------------------------------------------------------------------------


def _database_irraggiungibile():
    return mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("connection to server failed: Connection refused"),
    )


def test_con_il_database_irraggiungibile_la_pagina_500_del_portale(ufficio_piano_crema):
    client = Client(raise_request_exception=False)
    client.force_login(ufficio_piano_crema)
    with _database_irraggiungibile() as cursore:
        # The session, then the user, are read from the database: that fails first.
        risposta = client.get(reverse("cruscotto", kwargs={"slug": "cremasco"}))
    assert cursore.called
    _pagina_errore(risposta, 500, "Errore del portale")
    # A bare context: the header of a visitor, no navigation that would need the database.
    assert not trova(risposta, data_testid="utente")
    assert not trova(risposta, "nav")
    assert _testo(uno(risposta, data_testid="riferimento")) == (
        f"Se contatti l'assistenza, indica questo riferimento: {risposta['X-Request-ID']}"
    )


def test_un_errore_di_una_vista_e_la_pagina_500_del_portale(db):
    client = Client(raise_request_exception=False)
    with _database_irraggiungibile():
        risposta = client.post("/prova/esplode/", {"password": "x"})
    _pagina_errore(risposta, 500, "Errore del portale")


def test_se_anche_la_pagina_500_fallisce_resta_un_messaggio_in_italiano(db):
    client = Client(raise_request_exception=False)
    with mock.patch("pdz.views.loader.render_to_string", side_effect=ValueError("manifest")):
        risposta = client.get("/prova/esplode/")
    assert risposta.status_code == 500
    html = risposta.content.decode()
    assert "<h1>Errore del portale</h1>" in html
    assert 'href="/"' in html


# --- CSRF -------------------------------------------------------------------------------------

LOGIN = reverse("accounts:login")


def test_un_modulo_scaduto_e_la_pagina_scaduta_in_italiano(db):
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)
    risposta = client.post(
        LOGIN,
        {"username": "up_crema", "password": "password-di-prova", "csrfmiddlewaretoken": "scaduto"},
        HTTP_REFERER=f"http://testserver{LOGIN}",
    )
    assert risposta.status_code == 403
    _pagina_errore(risposta, 403, "La pagina è scaduta")
    assert "Ricarica la pagina e riprova" in _testo(uno(risposta, data_testid="spiegazione"))
    assert dict(uno(risposta, data_testid="ricarica").attributes)["href"] == (
        f"http://testserver{LOGIN}"
    )
    assert not trova(risposta, data_testid="motivo")


def test_senza_cookie_di_sicurezza_lo_dice(db):
    client = Client(enforce_csrf_checks=True)
    risposta = client.post(LOGIN, {"username": "up_crema", "password": "x"})
    _pagina_errore(risposta, 403, "La pagina è scaduta")
    assert "consenti i cookie" in _testo(uno(risposta, data_testid="motivo"))
    # No page to go back to: only the way home.
    assert not trova(risposta, data_testid="ricarica")


def test_la_pagina_scaduta_non_rimanda_a_un_altro_sito(db):
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)
    risposta = client.post(
        LOGIN, {"username": "a", "password": "b"}, HTTP_REFERER="https://altrove.example.org/"
    )
    _pagina_errore(risposta, 403, "La pagina è scaduta")
    assert not trova(risposta, data_testid="ricarica")


def test_con_htmx_il_modulo_scaduto_risponde_con_un_testo(ufficio_piano_crema):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ufficio_piano_crema)
    risposta = client.post(
        reverse("ambiti:iscrizione-nuova", kwargs={"slug": "cremasco"}), HTTP_HX_REQUEST="true"
    )
    assert risposta.status_code == 403
    assert risposta["Content-Type"] == "text/plain; charset=utf-8"
    assert risposta.content.decode() == "La pagina è scaduta: ricaricala e riprova."
