"""core.ordinamento: the natural order of codes that objectives and the plan share."""

import re

import pytest

from core.ordinamento import chiave_naturale

CODICI = [
    "10.1",
    "2.1",
    "4.10",
    "4.2",
    "4",
    "4a",
    "4.B",
    "4.a",
    "A.1",
    "a.2",
    "B",
    "",
    "1.2.3",
    "01",
]


def _ordina(codici):
    return sorted(codici, key=chiave_naturale)


def test_numeri_come_numeri():
    assert _ordina(["10.1", "2.1", "4.10", "4.2"]) == ["2.1", "4.2", "4.10", "10.1"]
    assert _ordina(["1.10", "1.2"]) == ["1.2", "1.10"]


def test_cifre_prima_del_testo_e_maiuscole_ignorate():
    assert _ordina(["4a", "4.1", "4", "B", "a"]) == ["4", "4.1", "4a", "a", "B"]
    assert chiave_naturale("A.1") == chiave_naturale("a.1")


def _chiave_esportazioni(codice):
    # The key obiettivi/esportazioni.py used before core.ordinamento.
    parti = re.split(r"(\d+)", codice.casefold())
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parti if p]


def _chiave_assemblaggio(codice):
    # The key piani/assemblaggio.py used before core.ordinamento.
    return [
        (0, int(parte), "") if parte.isdigit() else (1, 0, parte.casefold())
        for parte in re.findall(r"\d+|\D+", codice)
    ]


@pytest.mark.parametrize("vecchia", [_chiave_esportazioni, _chiave_assemblaggio])
def test_stesso_ordine_delle_chiavi_di_prima(vecchia):
    for codice in CODICI:
        assert chiave_naturale(codice) == vecchia(codice)
    assert _ordina(CODICI) == sorted(CODICI, key=vecchia)


def test_chiave_italiana():
    from core.ordinamento import chiave_italiana

    nomi = ["Casaletto Vaprio", "Cà de' Bonavogli", "Casaletto di Sopra", "Casaletto Ceredano"]
    assert sorted(nomi, key=chiave_italiana) == [
        "Cà de' Bonavogli",
        "Casaletto Ceredano",
        "Casaletto di Sopra",
        "Casaletto Vaprio",
    ]
