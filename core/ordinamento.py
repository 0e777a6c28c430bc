"""Orders as people read them, whatever the database's collation: codes with numbers in them,
and names in Italian alphabetical order."""

import re
import unicodedata

from django.db.models.functions import Collate

_PARTI = re.compile(r"(\d+)|(\D+)")


def chiave_naturale(testo: str) -> list[tuple[int, int, str]]:
    """A sort key for codes with numbers in them: 1.2 before 1.10, 2.1 before 10.1, case ignored.

    Runs of digits compare as numbers and come before text at the same position, so that «4»
    sorts before «4a» and «4.1».
    """
    return [
        (0, int(cifre), "") if cifre else (1, 0, testo)
        for cifre, testo in _PARTI.findall(testo.casefold())
    ]


# --- Italian alphabetical order -----------------------------------------------------------------

# ICU's Italian collation on PostgreSQL (whose database may well be C: bytes, "V" before "d");
# on SQLite, which has no ICU, a collation of the same name is registered on every connection
# (registra_collazione_italiana), so that one `Collate(campo, COLLAZIONE_ITALIANA)` sorts
# "Casaletto Ceredano, Casaletto di Sopra, Casaletto Vaprio" on both.
COLLAZIONE_ITALIANA = "it-x-icu"


def chiave_italiana(testo: str) -> tuple[str, str]:
    """A sort key for names as an Italian reader orders them: case and accents ignored
    ("Cà de' Bonavogli" among the "Ca..."), then the exact text to break ties."""
    scomposto = unicodedata.normalize("NFKD", testo)
    senza_accenti = "".join(c for c in scomposto if not unicodedata.combining(c))
    return (senza_accenti.casefold(), testo)


def _confronta(a: str, b: str) -> int:
    chiave_a, chiave_b = chiave_italiana(a), chiave_italiana(b)
    return (chiave_a > chiave_b) - (chiave_a < chiave_b)


def registra_collazione_italiana(sender, connection, **kwargs) -> None:
    """connection_created receiver: the Italian collation on a new SQLite connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLAZIONE_ITALIANA, _confronta)


def in_ordine_italiano(campo: str, *, decrescente: bool = False):
    """An order_by() term: `campo` in Italian alphabetical order, on PostgreSQL and SQLite."""
    espressione = Collate(campo, COLLAZIONE_ITALIANA)
    return espressione.desc() if decrescente else espressione.asc()
