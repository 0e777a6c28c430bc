"""ambiti.validators: the tax code of an ente, and a refusal that states the real rule."""

import pytest
from django.core.exceptions import ValidationError

from ambiti.demo import codice_fiscale_demo
from ambiti.validators import validate_codice_fiscale_ente

REGOLA = (
    "quello di un ente o di una società ha 11 cifre (come la partita IVA), quello di una "
    "persona fisica 16 caratteri tra lettere e cifre"
)


def _errore(valore):
    with pytest.raises(ValidationError) as errore:
        validate_codice_fiscale_ente(valore)
    return errore.value.messages[0]


@pytest.mark.parametrize("valore", ["", codice_fiscale_demo("9123450019"), "RSSMRA85T10A562S"])
def test_codici_validi(valore):
    validate_codice_fiscale_ente(valore)


@pytest.mark.parametrize(
    ("valore", "lunghezza"),
    [("0123456789", 10), ("012345678901", 12), ("RSSMRA85T10", 11), ("RSSMRA85T10A562SX", 17)],
)
def test_lunghezza_sbagliata_dice_la_regola(valore, lunghezza):
    messaggio = _errore(valore)
    assert messaggio == (
        f"Codice fiscale non valido: {REGOLA}. Quello inserito ha {lunghezza} caratteri."
    )


def test_cifra_di_controllo_di_un_ente():
    assert "l'ultima delle 11 cifre, la cifra di controllo" in _errore("12345678901")


def test_carattere_di_controllo_di_una_persona():
    assert "i 16 caratteri non formano un codice fiscale di persona fisica" in _errore(
        "RSSMRA85T10A562X"
    )
