"""/salute/ (liveness) and /salute/pronto/ (readiness: database, Redis, a Celery worker).

The ping to the workers is stubbed here; tests_production asks a real worker.
"""

import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError
from kombu.exceptions import OperationalError as BrokerError

from pdz import health
from pdz.celery import app as celery_app

pytestmark = pytest.mark.django_db

PRONTO = "/salute/pronto/"
# Nothing listens on port 1: the connection is refused at once.
REDIS_SPENTO = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def stato_worker_dimenticato():
    cache.delete(health.WORKER_CACHE_KEY)
    yield
    cache.delete(health.WORKER_CACHE_KEY)


@pytest.fixture
def con_broker():
    """Tasks go to a broker, as in production, instead of running in this process."""
    prima = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = prima


@pytest.fixture
def ping(monkeypatch):
    """The workers' answers to a ping: set `ping.risposte`, or `ping.errore` to raise."""

    class Ping:
        risposte: list = []
        errore: Exception | None = None
        chiamate = 0

        def __call__(self, **kwargs):
            self.chiamate += 1
            if self.errore:
                raise self.errore
            return self.risposte

    finto = Ping()
    monkeypatch.setattr(celery_app.control, "ping", finto)
    return finto


def _attesi(**parti):
    return {"database": "ok", **({"redis": "ok"} if settings.REDIS_URL else {}), **parti}


def test_pronto_con_un_worker_che_risponde(client, con_broker, ping):
    ping.risposte = [{"celery@web-1": {"ok": "pong"}}]
    response = client.get(PRONTO)
    assert response.status_code == 200
    assert response.json() == _attesi(worker="ok")
    assert "no-cache" in response["Cache-Control"]


def test_nessun_worker_risponde_503(client, con_broker, ping):
    ping.risposte = []
    response = client.get(PRONTO)
    assert response.status_code == 503
    assert response.json() == _attesi(worker="errore")


def test_broker_irraggiungibile_503_senza_eccezione(client, con_broker, ping):
    ping.errore = BrokerError("Error 111 connecting to redis:6379. Connection refused.")
    response = client.get(PRONTO)
    assert response.status_code == 503
    assert response.json()["worker"] == "errore"


def test_la_risposta_del_worker_vale_per_mezzo_minuto(client, con_broker, ping):
    ping.risposte = [{"celery@web-1": {"ok": "pong"}}]
    assert client.get(PRONTO).status_code == 200
    ping.risposte = []
    assert client.get(PRONTO).status_code == 200
    assert ping.chiamate == 1


def test_un_worker_muto_e_richiesto_presto(client, con_broker, ping, monkeypatch):
    """Readiness turns green soon after a worker starts, not half a minute later."""
    monkeypatch.setattr(health, "WORKER_SILENT_SECONDS", 1)
    ping.risposte = []
    assert client.get(PRONTO).status_code == 503
    ping.risposte = [{"celery@web-1": {"ok": "pong"}}]
    assert client.get(PRONTO).status_code == 503
    time.sleep(1.2)
    assert client.get(PRONTO).status_code == 200
    assert ping.chiamate == 2


def test_senza_broker_i_task_girano_nel_processo(client, settings, ping):
    settings.REDIS_URL = ""
    assert celery_app.conf.task_always_eager
    response = client.get(PRONTO)
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "worker": "in-process"}
    assert ping.chiamate == 0


def test_redis_spento_503_e_il_worker_non_si_interroga(client, settings, con_broker, ping):
    settings.REDIS_URL = REDIS_SPENTO
    response = client.get(PRONTO)
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "redis": "errore", "worker": "errore"}
    assert ping.chiamate == 0
    assert client.get("/salute/").status_code == 503


def test_database_spento_503(client, settings, monkeypatch):
    class Spento:
        def cursor(self):
            raise OperationalError("connection refused")

    settings.REDIS_URL = ""
    monkeypatch.setattr(health, "connection", Spento())
    for url in (PRONTO, "/salute/"):
        response = client.get(url)
        assert response.status_code == 503
        assert response.json()["database"] == "errore"


def test_solo_get(client):
    assert client.post(PRONTO).status_code == 405


def test_esente_dal_redirect_https(client, settings):
    """The container health checks call plain HTTP inside the network."""
    settings.SECURE_SSL_REDIRECT = True
    settings.REDIS_URL = ""
    assert client.get(PRONTO).status_code == 200
    assert client.get("/salute/").status_code == 200
    assert client.get("/account/accesso/").status_code == 301
