"""Every operation of the OpenAPI document, called with generated parameters against the real
application (its WSGI handler, the test database): no 5xx, and every answer as the document
describes it (status code, content type, body schema)."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from pdz.wsgi import application

ESEMPI = 20
chiamate = {}


# Read from the application itself, as a client would, when the tests are collected.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(scope="module", autouse=True)
def cifre():
    """The figures of the run, printed at the module's end (shown with -rP)."""
    yield
    for nome, numero in sorted(chiamate.items()):
        print(f"{nome}: {numero} richieste")
    print(f"{len(chiamate)} operazioni, {sum(chiamate.values())} richieste generate")


@pytest.fixture
def dati(pubblicato, settings):
    # Generated requests come in hundreds: the throttle is not what is under test here.
    settings.API_LIMITI = {"anonimo": "100000/m", "token": "100000/m"}
    # As Django's test client does: the handler must not close the test's connection (and its
    # transaction) at the end of each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield pubblicato
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=ESEMPI,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_its_schema_says(case, dati):
    risposta = case.call_and_validate()
    assert risposta.status_code < 500
    nome = case.operation.label
    chiamate[nome] = chiamate.get(nome, 0) + 1


def test_the_document_has_every_operation(client):
    operazioni = [
        (metodo, percorso)
        for percorso, metodi in client.get("/api/v1/openapi.json").json()["paths"].items()
        for metodo in metodi
    ]
    print(f"{len(operazioni)} operazioni, fino a {ESEMPI} esempi generati ciascuna")
    assert len(operazioni) == 11
    assert {m for m, _p in operazioni} == {"get"}
