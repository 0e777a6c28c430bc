"""Project-level promises: production settings pass `check --deploy`, seed_demo is idempotent,
the health endpoint answers for the database and Redis."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from accounts.models import Ruolo, User
from ambiti.models import AreaPolicy, Comune, Ente, Iscrizione

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    ambiente = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    ambiente |= {"DJANGO_SETTINGS_MODULE": "pdz.settings", "DJANGO_READ_DOT_ENV": "0", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=ambiente,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_pulito_con_impostazioni_di_produzione():
    risultato = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="una-chiave-lunga-e-casuale-" + "x7Qp2!" * 10,
        DJANGO_ALLOWED_HOSTS="pdz.example.org",
        # Production shares its cache through Redis (core.storage.condivisione_dei_processi).
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert risultato.returncode == 0, risultato.stdout + risultato.stderr
    assert "no issues" in risultato.stdout


def test_senza_chiave_segreta_in_produzione_non_parte():
    risultato = _manage("check", DJANGO_DEBUG="false")
    assert risultato.returncode != 0
    assert "DJANGO_SECRET_KEY" in risultato.stderr


@pytest.mark.django_db
def test_seed_demo_due_volte_non_cambia_nulla(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    conteggi = [m.objects.count() for m in (Comune, Ente, Iscrizione, User, Ruolo, AreaPolicy)]
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert [
        m.objects.count() for m in (Comune, Ente, Iscrizione, User, Ruolo, AreaPolicy)
    ] == conteggi
    assert conteggi[0] == 123
    assert conteggi[5] == 20  # ten areas for each of the two periods, 2021-2023 and 2025-2027
    tipi = set(Ruolo.objects.values_list("tipo", flat=True))
    assert tipi == set(Ruolo.Tipo.values)
    assert User.objects.filter(is_superuser=True).exists()


@pytest.mark.django_db
def test_seed_demo_rifiuta_account_noti_in_produzione(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()
    call_command("seed_demo", "--solo-territorio", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert Comune.objects.count() == 123
    assert not User.objects.exists()


@pytest.mark.django_db
def test_salute_risponde_senza_accesso(client):
    response = client.get("/salute/")
    assert response.status_code == 200
    dati = response.json()
    assert dati["database"] == "ok"
    if settings.REDIS_URL:
        assert dati["redis"] == "ok"


def test_con_redis_url_cache_e_celery_usano_redis():
    codice = (
        "from django.conf import settings; from django.core.cache import cache; "
        "from pdz.celery import app; "
        "cache.set('pdz-prova', {'ambito': 'cremasco'}, 10); "
        "print(settings.CACHES['default']['BACKEND'], cache.get('pdz-prova'), "
        "app.conf.broker_url, app.conf.task_always_eager, app.conf.task_acks_late)"
    )
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    risultato = _manage("shell", "-v", "0", "-c", codice, DJANGO_DEBUG="true", REDIS_URL=redis_url)
    assert risultato.returncode == 0, risultato.stderr
    assert risultato.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "{'ambito':",
        "'cremasco'}",
        redis_url,
        "False",
        "True",
    ]


def test_senza_redis_url_i_task_girano_nel_processo():
    codice = "from pdz.celery import app; print(app.conf.task_always_eager)"
    risultato = _manage("shell", "-v", "0", "-c", codice, DJANGO_DEBUG="true", REDIS_URL="")
    assert risultato.stdout.strip() == "True", risultato.stderr
