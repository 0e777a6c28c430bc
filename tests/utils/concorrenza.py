"""Helpers for the tests of what a state guards when it changes after the page was loaded."""

import threading

import pytest
from django.db import connection, transaction


def dopo_la_lettura(monkeypatch, modulo, nome, cambia):
    """Replace the loader `nome` of a views module: it returns what it read, then `cambia(obj)`
    changes the row behind it, as another user would between the page and the POST. The same
    stale copy is returned to every later call of the request."""
    vero = getattr(modulo, nome)
    letto = {}

    def carica(*args, **kwargs):
        if "oggetto" not in letto:
            letto["oggetto"] = vero(*args, **kwargs)
            cambia(letto["oggetto"])
        return letto["oggetto"]

    monkeypatch.setattr(modulo, nome, carica)


class Bloccante:
    """Another connection takes a row's lock, changes it and commits only when told: what runs
    meanwhile on this connection must wait for it, and then see the change."""

    def __init__(self, cambia):
        if connection.vendor != "postgresql":
            pytest.fail(
                "Il test dei lock richiede PostgreSQL (DATABASE_URL=postgres://...): "
                "su SQLite si esclude con -m 'not postgres'."
            )
        self._cambia = cambia
        self._bloccato = threading.Event()
        self._rilascia = threading.Event()
        self.errore = None
        self._filo = threading.Thread(target=self._esegui)

    def _esegui(self):
        try:
            with transaction.atomic():
                self._cambia()
                self._bloccato.set()
                self._rilascia.wait(10)
        except Exception as errore:
            self.errore = errore
            self._bloccato.set()
        finally:
            connection.close()

    def __enter__(self):
        self._filo.start()
        assert self._bloccato.wait(10)
        return self

    def rilascia_tra(self, secondi):
        threading.Timer(secondi, self._rilascia.set).start()

    def __exit__(self, *exc):
        self._rilascia.set()
        self._filo.join(10)
        assert self.errore is None, self.errore
