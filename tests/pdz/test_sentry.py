"""Errors to Sentry when SENTRY_DSN is set: captured with the request id, never with a
password, a receipt code or a ballot's choice, wherever they were (POST, query string, the
variables of the failing frames, the breadcrumbs of the log)."""

import json
import logging

import pytest
import sentry_sdk
from django.test import Client
from sentry_sdk.transport import Transport

from pdz import osservabilita

pytestmark = pytest.mark.urls("tests.pdz.urls_errori")

CODICE = "1A2B-3C4D-5E6F-7A8B-9C0D"
PASSWORD = "Parola-Segreta-4821"


class Cattura(Transport):
    """A transport that keeps the envelopes instead of sending them."""

    def __init__(self, options=None):
        super().__init__(options)
        self.buste = []

    def capture_envelope(self, envelope):
        self.buste.append(envelope)

    def eventi(self):
        return [b.get_event() for b in self.buste if b.get_event() is not None]


@pytest.fixture
def sentry():
    cattura = Cattura()
    assert osservabilita.inizializza_sentry(
        dsn="https://chiave@sentry.example.invalid/1",
        environment="prova",
        release="pdz@0.1.0",
        transport=cattura,
    )
    yield cattura
    sentry_sdk.get_client().close()
    # Back to no client at all: the integrations stay installed but do nothing.
    sentry_sdk.get_global_scope().set_client(None)


def test_senza_dsn_sentry_resta_spento():
    assert osservabilita.inizializza_sentry(dsn="", environment="produzione") is False
    assert not sentry_sdk.get_client().is_active()


def test_un_errore_in_una_vista_arriva_a_sentry_senza_segreti(sentry, db):
    client = Client(raise_request_exception=False)
    logging.getLogger("assemblea").info("Ricevuta %s consegnata", CODICE)
    risposta = client.post(
        f"/prova/esplode/?codice={CODICE}&pagina=3",
        {"password": PASSWORD, "codice": CODICE, "scelta": "favorevole", "comune": "12"},
        HTTP_X_REQUEST_ID="richiesta-di-prova-1",
    )
    assert risposta.status_code == 500
    sentry_sdk.flush()

    [evento] = sentry.eventi()
    [eccezione] = evento["exception"]["values"]
    assert (eccezione["type"], eccezione["value"]) == ("RuntimeError", "guasto di prova")
    assert evento["environment"] == "prova"
    assert evento["release"] == "pdz@0.1.0"
    assert evento["tags"]["request_id"] == "richiesta-di-prova-1"
    # No personal data: no cookies, no address.
    assert "cookies" not in evento["request"]
    assert "user" not in evento or "ip_address" not in evento["user"]

    # The failing frame is named, its variables are not sent at all.
    vista = next(f for f in eccezione["stacktrace"]["frames"] if f["function"] == "esplode")
    assert "vars" not in vista
    assert evento["request"]["data"]["comune"] == "12"

    tutto = json.dumps(evento)
    for segreto in (PASSWORD, CODICE, "favorevole"):
        assert segreto not in tutto, segreto


def test_il_filtro_degli_eventi_toglie_i_segreti_ovunque():
    evento = {
        "message": f"ricevuta {CODICE.lower()}",
        "extra": {"dati": {"scelta": "contrario", "nuova_password1": PASSWORD, "n": 1}},
        "breadcrumbs": {"values": [{"message": f"Ricevuta {CODICE}", "data": {"token": "t"}}]},
        "modules": {"django-csp": "4.0"},
    }
    pulito = osservabilita.pulisci_evento(evento)
    assert pulito["message"] == "ricevuta [riservato]"
    assert pulito["extra"]["dati"] == {
        "scelta": "[riservato]",
        "nuova_password1": "[riservato]",
        "n": 1,
    }
    assert pulito["breadcrumbs"]["values"][0] == {
        "message": "Ricevuta [riservato]",
        "data": {"token": "[riservato]"},
    }
    assert pulito["modules"] == {"django-csp": "4.0"}


def test_una_chiusura_che_fallisce_non_manda_a_sentry_le_scelte_segrete(
    sentry, cremasco, ufficio_piano_crema, monkeypatch
):
    """While a vote closes, the choices of every comune sit in a map of the closing service:
    frame variables never reach Sentry, under whatever name."""
    from ambiti.models import Comune
    from assemblea import calcolo
    from assemblea.models import RegolaVoto
    from tests.assemblea.test_views_voto import (
        _punto,
        _regola,
        _seduta,
        _url,
        _vota_per,
        _votazione,
    )

    regola = _regola(
        cremasco,
        ufficio_piano_crema,
        scrutinio=RegolaVoto.Scrutinio.SEGRETO,
        astenuti_nel_quorum=False,
        astenuti_tra_i_votanti=False,
    )
    votazione = _votazione(
        _punto(_seduta(cremasco, ufficio_piano_crema)), regola, ufficio_piano_crema
    )
    _vota_per(votazione, list(Comune.objects.filter(nome__in=["Crema", "Pandino"])), "contrario")
    _vota_per(votazione, list(Comune.objects.filter(nome="Offanengo")), "favorevole")

    def guasto(*args, **kwargs):
        raise ZeroDivisionError("guasto nel calcolo")

    monkeypatch.setattr(calcolo, "calcola", guasto)
    client = Client(raise_request_exception=False)
    client.force_login(ufficio_piano_crema)
    assert client.post(_url("votazione-chiudi", votazione.punto)).status_code == 500
    sentry_sdk.flush()
    [evento] = [e for e in sentry.eventi() if e.get("exception")]
    assert "guasto nel calcolo" in json.dumps(evento["exception"])
    frames = [f for valore in evento["exception"]["values"] for f in valore["stacktrace"]["frames"]]
    assert frames
    assert all("vars" not in frame for frame in frames)
    # The source lines around each frame are code (this test's own literals among them), not data.
    for frame in frames:
        for chiave in ("pre_context", "context_line", "post_context"):
            frame.pop(chiave, None)
    testo = json.dumps(evento)
    assert "contrario" not in testo
    assert "favorevole" not in testo
