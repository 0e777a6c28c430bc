"""Orders as people read them, whatever the database's collation."""

import re

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
