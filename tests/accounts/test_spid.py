"""accounts.spid: the tax code read from fiscalNumber and the level a login asks for."""

import pytest

from accounts import spid


@pytest.mark.parametrize(
    ("valore", "atteso"),
    [
        ("TINIT-RSSMRA80A01H501U", "RSSMRA80A01H501U"),
        ("tinit-rssmra80a01h501u", "RSSMRA80A01H501U"),
        (" RSSMRA80A01H501U ", "RSSMRA80A01H501U"),
        ("TINIT-RSSMRA80A01H501X", None),  # wrong check character
        ("TINIT-", None),
        ("", None),
        (None, None),
    ],
)
def test_codice_fiscale_da_fiscal_number(valore, atteso):
    assert spid.codice_fiscale(valore) == atteso


@pytest.mark.parametrize(
    ("minimo", "chiesto", "atteso"),
    [(2, None, 2), (2, "1", 2), (2, "3", 3), (2, "9", 3), (2, "x", 2), (1, None, 1), (3, "2", 3)],
)
def test_livello_mai_sotto_il_minimo_del_portale(settings, minimo, chiesto, atteso):
    settings.PDZ_SPID_LIVELLO = minimo
    assert spid.livello_richiesto(chiesto) == atteso


def test_utente_senza_codice_fiscale_mai_trovato(db, sindaco_crema):
    assert sindaco_crema.codice_fiscale is None
    assert spid.utente_con_ruolo(None) is None
    assert spid.utente_con_ruolo("") is None
