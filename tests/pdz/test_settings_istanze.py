"""The web tier keeps nothing of a person's visit in its own memory: a login made through one
instance holds on any other, and production refuses a cache that each process keeps for itself
(the rate limits, the API's throttles and the SPID replay guard live there)."""

import os
import subprocess
import sys
from pathlib import Path

from django.core.cache import cache
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_la_sessione_vale_su_ogni_istanza(client, ufficio_piano_crema):
    pagina = reverse("cruscotto", args=["cremasco"])
    client.force_login(ufficio_piano_crema)
    assert client.get(pagina).status_code == 200
    # Another instance has none of this process's memory, nor of the cache: the session must
    # live in the database they share.
    cache.clear()
    risposta = client.get(pagina)
    assert risposta.status_code == 200
    assert risposta.wsgi_request.user == ufficio_piano_crema


def _check_deploy(**env):
    ambiente = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PDZ_")) and k != "REDIS_URL"
    }
    ambiente |= {
        "DJANGO_SETTINGS_MODULE": "pdz.settings",
        "DJANGO_READ_DOT_ENV": "0",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "una-chiave-lunga-e-casuale-" + "x7Qp2!" * 10,
        "DJANGO_ALLOWED_HOSTS": "pdz.example.org",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=ambiente,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_produzione_senza_redis_non_supera_check_deploy():
    risultato = _check_deploy()
    assert risultato.returncode != 0
    assert "core.E001" in risultato.stderr + risultato.stdout
    assert "REDIS_URL" in risultato.stderr + risultato.stdout


def test_produzione_con_redis_e_bucket_supera_check_deploy():
    risultato = _check_deploy(
        REDIS_URL="redis://127.0.0.1:6379/0",
        PDZ_MEDIA_S3_BUCKET="pdz-media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9",
    )
    assert risultato.returncode == 0, risultato.stdout + risultato.stderr
