"""Each list of the API reads the database a fixed number of times, however many objectives,
enti, sessions, plans and tables the ambito has, with or without a token."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ambiti.demo import carica_periodo
from piani import services
from piani.models import Piano
from tests.factories import TavoloFactory
from tests.pubblico.test_query_pubblico import _cresci

pytestmark = pytest.mark.django_db


def _liste(dati):
    base = "/api/v1/ambiti/cremasco"
    return [
        "/api/v1/ambiti",
        base + "/comuni",
        base + "/piani",
        f"{base}/piani/{dati.piano.pk}/obiettivi",
        base + "/enti",
        base + "/sedute",
        base + "/tavoli",
    ]


def _conta(client, url, token):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    with CaptureQueriesContext(connection) as query:
        risposta = client.get(url, **headers)
    assert risposta.status_code == 200, (url, risposta.content[:200])
    return len(query), risposta.json()["count"]


def _cresci_privati(ambito, n):
    for _i in range(n):
        TavoloFactory(ambito=ambito)
    altro = services.crea_piano(ambito=ambito, periodo=carica_periodo("2021-2023"), utente=None)
    Piano.objects.filter(pk=altro.pk).update(stato=Piano.Stato.IN_REVISIONE)


@pytest.mark.parametrize("con_token", [False, True])
def test_query_costanti_al_crescere_dei_dati(
    client, token_di, pubblicato, ufficio_piano_crema, con_token
):
    token = token_di(ufficio_piano_crema) if con_token else None
    client.get("/api/v1/ambiti", **({"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}))
    prima = {url: _conta(client, url, token) for url in _liste(pubblicato)}
    _cresci(pubblicato, 8)
    _cresci_privati(pubblicato.ambito, 8)
    dopo = {url: _conta(client, url, token) for url in _liste(pubblicato)}
    assert {u: q for u, (q, _n) in dopo.items()} == {u: q for u, (q, _n) in prima.items()}
    # The lists did grow.
    crescono = [u for u in _liste(pubblicato) if dopo[u][1] > prima[u][1]]
    assert len(crescono) == (5 if con_token else 3), crescono
    assert max(q for q, _n in dopo.values()) <= 14, dopo
