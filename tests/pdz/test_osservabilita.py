"""The log: one JSON line per event on stdout, each with the request id, the user id and the
ambito; one line per request; never a password, a receipt code or a ballot's choice."""

import io
import json
import logging
import re

import pytest
from celery import shared_task
from django.urls import reverse

from ambiti.models import Comune
from assemblea.models import Voto
from pdz import osservabilita
from tests.assemblea.test_views_voto import _punto, _regola, _seduta, _url, _votazione

pytestmark = pytest.mark.urls("tests.pdz.urls_errori")


@pytest.fixture
def registro():
    """What the console handler (settings.LOGGING, stdout) writes during the test."""
    gestore = next(h for h in logging.getLogger().handlers if h.name == "console")
    flusso = io.StringIO()
    precedente = gestore.setStream(flusso)
    yield flusso
    gestore.setStream(precedente)


def _righe(flusso):
    """Every line is a JSON object, or the test fails here."""
    return [json.loads(riga) for riga in flusso.getvalue().splitlines()]


def _richieste(flusso):
    return [r for r in _righe(flusso) if r["logger"] == "pdz.richieste"]


# --- One line per request ---------------------------------------------------------------------


def test_una_riga_json_per_richiesta_con_richiesta_utente_e_ambito(
    client, registro, ufficio_piano_crema
):
    client.force_login(ufficio_piano_crema)
    url = reverse("ambiti:comuni", kwargs={"slug": "cremasco"})
    risposta = client.get(url + "?q=Pandino&pagina=2")
    assert risposta.status_code == 200

    [riga] = _richieste(registro)
    assert riga["request_id"] == risposta["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", riga["request_id"])
    assert riga["user_id"] == ufficio_piano_crema.pk
    assert riga["ambito"] == "cremasco"
    assert (riga["method"], riga["path"], riga["status"]) == ("GET", url, 200)
    assert riga["message"] == f"GET {url} 200"
    assert riga["level"] == "INFO"
    assert isinstance(riga["duration_ms"], float)
    assert riga["timestamp"]
    assert "Pandino" not in registro.getvalue()
    assert "pagina=2" not in registro.getvalue()


def test_le_righe_scritte_durante_la_richiesta_ne_portano_il_contesto(
    client, registro, ufficio_piano_crema
):
    client.force_login(ufficio_piano_crema)
    risposta = client.get("/ambiti/cremasco/prova/registra/")
    vista, richiesta = [r for r in _righe(registro) if r["request_id"]]
    assert vista["logger"] == "tests.viste"
    assert vista["message"] == "Dentro la vista"
    for riga in (vista, richiesta):
        assert riga["request_id"] == risposta["X-Request-ID"]
        assert riga["user_id"] == ufficio_piano_crema.pk
        assert riga["ambito"] == "cremasco"
    # An `extra` named like a secret is masked, the rest kept.
    assert vista["dati"] == {"password": "[riservato]", "n": 3}
    assert "parola-nel-registro" not in registro.getvalue()


def test_fuori_dagli_ambiti_e_da_anonimo_ambito_e_utente_sono_vuoti(client, registro, db):
    risposta = client.get(reverse("accounts:login"))
    [riga] = _righe(registro)
    assert riga["request_id"] == risposta["X-Request-ID"]
    assert riga["user_id"] is None
    assert riga["ambito"] is None
    assert riga["status"] == 200


def test_un_404_e_un_500_hanno_la_loro_riga(client, registro, ufficio_piano_cremona):
    client.force_login(ufficio_piano_cremona)
    client.get("/ambiti/cremasco/")
    client.raise_request_exception = False
    client.get("/prova/esplode/")
    non_trovata, errore = _richieste(registro)
    assert (non_trovata["status"], non_trovata["level"]) == (404, "WARNING")
    assert non_trovata["ambito"] == "cremasco"
    assert non_trovata["user_id"] == ufficio_piano_cremona.pk
    assert (errore["status"], errore["level"]) == (500, "ERROR")
    # The traceback of the 500, on one JSON line of its own, with the same request id.
    [traccia] = [r for r in _righe(registro) if r["logger"] == "django.request"]
    assert traccia["request_id"] == errore["request_id"]
    assert "RuntimeError: guasto di prova" in traccia["exc_info"]
    # Django's 4xx warnings would repeat the request line.
    assert not [r for r in _righe(registro) if r["message"].startswith("Not Found")]


def test_il_request_id_del_proxy_e_tenuto_se_ha_una_forma_sicura(client, registro, db):
    risposta = client.get(reverse("accounts:login"), HTTP_X_REQUEST_ID="a1b2c3d4-e5f6-7890")
    assert risposta["X-Request-ID"] == "a1b2c3d4-e5f6-7890"
    for falso in ('x" "level": "ERROR', "corto", "a" * 65, "riga\nfalsa-di-registro"):
        risposta = client.get(reverse("accounts:login"), HTTP_X_REQUEST_ID=falso)
        assert re.fullmatch(r"[0-9a-f]{32}", risposta["X-Request-ID"])
    assert _richieste(registro)[0]["request_id"] == "a1b2c3d4-e5f6-7890"


def test_i_token_nei_percorsi_non_sono_registrati(client, registro, db):
    client.get("/account/password/recupero/MQ/token-segreto-di-prova/")
    [riga] = _richieste(registro)
    assert riga["path"] == "/account/password/recupero/MQ/[riservato]/"
    assert "token-segreto-di-prova" not in registro.getvalue()


# --- Never a secret ---------------------------------------------------------------------------


def test_la_password_di_un_accesso_fallito_non_e_mai_registrata(
    client, registro, ufficio_piano_crema
):
    password = "Parola-Sbagliata-7319"
    risposta = client.post(
        reverse("accounts:login"), {"username": ufficio_piano_crema.username, "password": password}
    )
    assert risposta.status_code == 200
    [riga] = _richieste(registro)
    assert (riga["method"], riga["status"]) == ("POST", 200)
    assert password not in registro.getvalue()


def test_ne_la_ricevuta_ne_la_scelta_di_un_voto_segreto_sono_registrate(
    client, registro, cremasco, ufficio_piano_crema, sindaco_crema
):
    from assemblea.models import RegolaVoto

    regola = _regola(
        cremasco,
        ufficio_piano_crema,
        scrutinio=RegolaVoto.Scrutinio.SEGRETO,
        astenuti_nel_quorum=False,
        astenuti_tra_i_votanti=False,
    )
    punto = _punto(_seduta(cremasco, ufficio_piano_crema))
    votazione = _votazione(punto, regola, ufficio_piano_crema)
    registro.seek(0)
    registro.truncate()

    client.force_login(sindaco_crema)
    crema = Comune.objects.get(nome="Crema")
    risposta = client.post(_url("vota", punto), {"comune": crema.pk, "scelta": "contrario"})
    assert risposta.status_code == 303
    pagina = client.get(risposta["Location"])
    voto = Voto.objects.get(votazione=votazione, comune=crema)
    # The receipt is on the page the sindaco reads, and checked by its code.
    assert voto.ricevuta in pagina.content.decode()
    client.get(
        reverse("assemblea:ricevuta", kwargs={"slug": "cremasco"}), {"codice": voto.ricevuta}
    )

    voto_riga, pagina_riga, ricevuta_riga = _richieste(registro)
    assert pagina_riga["status"] == 200
    assert (voto_riga["method"], voto_riga["status"], voto_riga["user_id"]) == (
        "POST",
        303,
        sindaco_crema.pk,
    )
    assert ricevuta_riga["path"] == reverse("assemblea:ricevuta", kwargs={"slug": "cremasco"})
    testo = registro.getvalue()
    assert voto.ricevuta not in testo
    assert "contrario" not in testo.lower()


def test_una_ricevuta_scritta_in_un_messaggio_e_mascherata(registro, db):
    logging.getLogger("assemblea").warning(
        "Ricevuta %s non trovata (%s)", "ab12-CD34-ef56-7890-ABCD", "Crema"
    )
    [riga] = _righe(registro)
    assert riga["message"] == "Ricevuta [riservato] non trovata (Crema)"


# --- Celery -----------------------------------------------------------------------------------


@shared_task
def _compito_di_prova(numero):
    logging.getLogger("piani.tasks").info("Compito %s in corso", numero)
    return numero


def test_le_righe_di_un_compito_celery_hanno_il_suo_id(registro, db):
    risultato = _compito_di_prova.delay(7)
    righe = [r for r in _righe(registro) if r["logger"] == "piani.tasks"]
    assert [r["message"] for r in righe] == ["Compito 7 in corso"]
    assert righe[0]["task_id"] == risultato.id
    assert righe[0]["task_name"].endswith("_compito_di_prova")
    assert righe[0]["request_id"] is None


def test_il_worker_scrive_le_righe_del_portale(monkeypatch):
    """What `celery worker` does at start: its own handler on the root logger, unless the
    portal's configuration (pdz/celery.py) takes over."""
    from pdz.celery import app

    monkeypatch.setattr(app.log, "already_setup", False)
    app.log.setup_logging_subsystem(loglevel="INFO", colorize=False)
    gestori = logging.getLogger().handlers
    assert [h.name for h in gestori] == ["console"]
    assert isinstance(gestori[0].formatter, osservabilita.FormatoJson)
    gestori_task = logging.getLogger("celery.task").handlers
    assert all(isinstance(h, logging.NullHandler) for h in gestori_task)


def test_gli_amministratori_dall_ambiente():
    assert osservabilita.amministratori("") == []
    assert osservabilita.amministratori(
        "Anna Bianchi <anna.bianchi@comune.crema.cr.it>, gestore@pdz.example.org"
    ) == [
        ("Anna Bianchi", "anna.bianchi@comune.crema.cr.it"),
        ("", "gestore@pdz.example.org"),
    ]
