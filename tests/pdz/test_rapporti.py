"""Errors reach ADMINS by e-mail: a 500 and a failed Celery task; the report never holds a
password, a receipt code or a ballot's choice."""

import pytest
from celery import shared_task
from django.test import Client
from django.urls import reverse

from ambiti.models import Comune
from assemblea import services
from tests.assemblea.test_views_voto import _punto, _regola, _seduta, _url, _votazione

# `mailoutbox` comes after the database fixtures: Django's test case set-up replaces the outbox.
pytestmark = pytest.mark.urls("tests.pdz.urls_errori")

GESTORE = ("Gestore del portale", "gestore@pdz.example.org")
CODICE = "1A2B-3C4D-5E6F-7A8B-9C0D"
PASSWORD = "Parola-Segreta-4821"


@pytest.fixture
def amministratori(settings):
    settings.ADMINS = [GESTORE]


@pytest.fixture
def client_500():
    return Client(raise_request_exception=False)


def test_un_errore_arriva_agli_amministratori_senza_segreti(
    db, amministratori, client_500, mailoutbox
):
    risposta = client_500.post(
        f"/prova/esplode/?codice={CODICE}&pagina=3",
        {"password": PASSWORD, "codice": CODICE, "scelta": "favorevole", "comune": "12"},
    )
    assert risposta.status_code == 500
    [mail] = mailoutbox
    assert mail.to == [GESTORE[1]]
    assert mail.subject.startswith("[pdz] ERROR")
    assert "Internal Server Error: /prova/esplode/" in mail.subject
    corpo = mail.body
    assert "RuntimeError" in corpo and "guasto di prova" in corpo
    # What is not secret stays, to find the error.
    assert "comune = '12'" in corpo
    assert "pagina = '3'" in corpo
    for segreto in (PASSWORD, CODICE, "favorevole"):
        assert segreto not in corpo, segreto


def test_il_voto_che_fallisce_non_rivela_la_scelta(
    cremasco,
    ufficio_piano_crema,
    sindaco_crema,
    amministratori,
    client_500,
    monkeypatch,
    mailoutbox,
):
    regola = _regola(cremasco, ufficio_piano_crema)
    punto = _punto(_seduta(cremasco, ufficio_piano_crema))
    _votazione(punto, regola, ufficio_piano_crema)

    def guasto(*args, **kwargs):
        raise RuntimeError("guasto nel registrare il voto")

    monkeypatch.setattr(services, "vota", guasto)
    client_500.force_login(sindaco_crema)
    crema = Comune.objects.get(nome="Crema")
    risposta = client_500.post(_url("vota", punto), {"comune": crema.pk, "scelta": "astenuto"})
    assert risposta.status_code == 500
    [mail] = mailoutbox
    assert "guasto nel registrare il voto" in mail.body
    assert f"comune = '{crema.pk}'" in mail.body
    assert "astenuto" not in mail.body


def test_la_verifica_di_una_ricevuta_che_fallisce_non_rivela_il_codice(
    cremasco, sindaco_crema, amministratori, client_500, monkeypatch, mailoutbox
):
    def guasto(codice):
        raise RuntimeError("guasto nella verifica")

    monkeypatch.setattr(services, "verifica_ricevuta", guasto)
    client_500.force_login(sindaco_crema)
    url = reverse("assemblea:ricevuta", kwargs={"slug": "cremasco"})
    risposta = client_500.post(url, {"codice": CODICE}, HTTP_REFERER=f"http://testserver{url}")
    assert risposta.status_code == 500
    [mail] = mailoutbox
    assert "guasto nella verifica" in mail.body
    assert url in mail.body
    assert CODICE not in mail.body
    assert CODICE.lower() not in mail.body.lower()


def test_il_rapporto_non_contiene_le_credenziali_delle_connessioni(
    db, amministratori, client_500, settings, mailoutbox
):
    settings.REDIS_URL = "redis://:parola-redis@cache.example.org:6379/0"
    settings.CELERY_BROKER_URL = settings.REDIS_URL
    settings.SENTRY_DSN = "https://chiave-sentry@sentry.example.org/1"
    client_500.get("/prova/esplode/")
    [mail] = mailoutbox
    assert "parola-redis" not in mail.body
    assert "chiave-sentry" not in mail.body


def test_senza_amministratori_nessuna_mail(db, client_500, settings, mailoutbox):
    settings.ADMINS = []
    assert client_500.get("/prova/esplode/").status_code == 500
    assert mailoutbox == []


def test_le_pagine_non_trovate_non_scrivono_agli_amministratori(
    db, amministratori, client, mailoutbox
):
    client.get("/non/esiste/")
    client.get(reverse("home"), HTTP_HOST="intruso.example.org")
    assert mailoutbox == []


@shared_task
def _compito_che_fallisce(render_id):
    raise RuntimeError(f"rendering {render_id} impossibile")


def test_un_compito_celery_fallito_arriva_agli_amministratori(db, amministratori, mailoutbox):
    # As a worker runs it: the failure is recorded and logged, not raised to a caller.
    risultato = _compito_che_fallisce.apply(args=(41,), throw=False)
    assert risultato.failed()
    [mail] = mailoutbox
    assert mail.to == [GESTORE[1]]
    assert "_compito_che_fallisce" in mail.subject
    assert "rendering 41 impossibile" in mail.body
