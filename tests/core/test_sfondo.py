"""The embedded mode's background thread: a task that meets SQLite's lock (another connection is
writing, or an in-memory shared-cache database refuses at once) runs again instead of being lost;
any other database error, and a lock that never clears, still fail the task."""

import pytest
from django.db import OperationalError

from core import sfondo


@pytest.fixture(autouse=True)
def pausa_breve(monkeypatch):
    monkeypatch.setattr(sfondo, "PAUSA_SE_BLOCCATO", 0)


class Compito:
    def __init__(self, errori):
        self.errori = list(errori)
        self.chiamate = 0

    def __call__(self, valore):
        self.chiamate += 1
        if self.errori:
            raise self.errori.pop(0)
        return valore


def test_un_compito_che_trova_il_database_bloccato_riparte():
    compito = Compito([OperationalError("database table is locked: piani_renderpdf")] * 2)
    assert sfondo.in_sfondo(compito, 42).result(timeout=10) == 42
    assert compito.chiamate == 3


def test_un_altro_errore_del_database_non_si_ripete():
    compito = Compito([OperationalError("no such table: piani_renderpdf")])
    with pytest.raises(OperationalError, match="no such table"):
        sfondo.in_sfondo(compito, 42).result(timeout=10)
    assert compito.chiamate == 1


def test_un_blocco_che_non_si_scioglie_fa_fallire_il_compito():
    bloccato = OperationalError("database is locked")
    compito = Compito([bloccato] * sfondo.TENTATIVI_SE_BLOCCATO)
    with pytest.raises(OperationalError, match="locked"):
        sfondo.in_sfondo(compito, 42).result(timeout=10)
    assert compito.chiamate == sfondo.TENTATIVI_SE_BLOCCATO
