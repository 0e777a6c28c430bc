"""docker-compose.yml runs several instances of the portal: web and worker replicas behind one
proxy, the migrations once before them, beat once, and every replica configured alike.

Docker does not run on this machine (`docker compose config` is not available): the file is read
as YAML, merge keys resolved as Compose resolves them, and checked against what the portal needs.
"""

import re
from pathlib import Path

import pytest
import yaml

from core.storage import VARIABILI

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVIZI = COMPOSE["services"]
# The processes that run the portal's code and so read its settings.
DEL_PORTALE = [nome for nome, s in SERVIZI.items() if s.get("build")]
CONDIVISI = ("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", *VARIABILI)


def _comando(servizio) -> str:
    comando = servizio.get("command", "")
    return " ".join(comando) if isinstance(comando, list) else comando


def _repliche(servizio) -> int:
    return servizio.get("deploy", {}).get("replicas", 1)


def test_i_processi_del_portale_sono_quelli_attesi():
    assert sorted(DEL_PORTALE) == ["beat", "migrate", "web", "worker"]


@pytest.mark.parametrize("nome", ["web", "worker"])
def test_web_e_worker_girano_in_piu_repliche(nome):
    assert _repliche(SERVIZI[nome]) >= 2
    assert "container_name" not in SERVIZI[nome]  # a fixed name allows one container only


def test_beat_gira_una_volta_sola():
    con_beat = [n for n, s in SERVIZI.items() if re.search(r"celery .*\bbeat\b", _comando(s))]
    assert con_beat == ["beat"]
    assert _repliche(SERVIZI["beat"]) == 1


def test_le_migrazioni_girano_una_volta_prima_di_ogni_replica():
    assert "migrate --noinput" in _comando(SERVIZI["migrate"])
    assert SERVIZI["migrate"].get("restart") == "no"
    assert _repliche(SERVIZI["migrate"]) == 1
    for nome in ("web", "worker", "beat"):
        assert "migrate" not in _comando(SERVIZI[nome]), nome
        assert SERVIZI[nome]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }, nome


def test_solo_il_proxy_pubblica_una_porta_e_passa_alle_repliche_web():
    assert [n for n, s in SERVIZI.items() if s.get("ports")] == ["proxy"]
    assert re.match(r"(nginx|caddy):", SERVIZI["proxy"]["image"])
    assert SERVIZI["proxy"]["depends_on"]["web"] == {"condition": "service_healthy"}
    (montato,) = SERVIZI["proxy"]["volumes"]
    configurazione = (ROOT / montato.split(":")[0]).read_text()
    # To the service name (every replica's address), on gunicorn's port (gunicorn.conf.py).
    assert "http://web:8000" in configurazione
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in configurazione
    assert "gunicorn -c gunicorn.conf.py" in _comando(SERVIZI["web"])


def test_ogni_replica_ha_la_stessa_chiave_database_redis_e_storage():
    ambienti = {nome: SERVIZI[nome]["environment"] for nome in DEL_PORTALE}
    for variabile in CONDIVISI:
        valori = {nome: ambiente.get(variabile) for nome, ambiente in ambienti.items()}
        assert None not in valori.values(), (variabile, valori)
        assert len(set(valori.values())) == 1, (variabile, valori)
    assert ambienti["web"]["REDIS_URL"].startswith("redis://redis:")
    assert "@db:5432/" in ambienti["web"]["DATABASE_URL"]
    # The key comes from outside, required: never a default baked into the file.
    assert ambienti["web"]["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")


def test_le_repliche_condividono_i_media():
    volumi = {nome: SERVIZI[nome].get("volumes") for nome in ("web", "worker")}
    assert volumi["web"] == volumi["worker"] == ["media:/app/media"]
    assert "media" in COMPOSE["volumes"]


def test_i_proxy_fidati_comprendono_la_rete_dello_stack():
    """Every request reaches the web replicas from nginx: were its network not trusted, every
    client would share its address (and the login limits)."""
    (rete,) = COMPOSE["networks"]["default"]["ipam"]["config"]
    predefinita = re.search(r":-([\d./]+)\}$", rete["subnet"])[1]
    assert predefinita in SERVIZI["web"]["environment"]["DJANGO_TRUSTED_PROXIES"]
