"""A synthetic national ANPR file: every comune of Italy for several months, as ANPR publishes it.

The rows of the provinces of Cremona and Mantova are the real ones of the project's sample
(`ambiti/data/anpr_residenti_2025-01_CR_MN.csv`), moved to each month; the other provinces are
filled with made-up comuni up to the 7,896 comuni of Italy in 2025. Like the published file, it
ends without a newline after the last row. Used by the tests and by benchmarks/anpr_nazionale.py.
"""

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

COMUNI_ITALIA = 7896
# ISTAT province codes run from 001 to 111; 019 (Cremona) and 020 (Mantova) come from the sample.
_PROVINCE = [codice for codice in range(1, 112) if codice not in (19, 20)]


def righe_nazionali(mesi: Iterable[tuple[int, int]], reali: list[list[str]]) -> Iterator[list[str]]:
    """One block per (mese, anno): the real rows, then the made-up comuni of other provinces."""
    altri = COMUNI_ITALIA - len(reali)
    for mese, anno in mesi:
        for riga in reali:
            yield [str(mese), str(anno), *riga[2:]]
        for numero in range(altri):
            provincia = _PROVINCE[numero % len(_PROVINCE)]
            codice = f"{provincia:03d}{numero // len(_PROVINCE) + 1:03d}"
            residenti = 300 + (numero * 7919) % 60000 + mese
            provincia_nome = f"PROVINCIA {provincia:03d}"
            yield [
                str(mese),
                str(anno),
                "ALTROVE",
                provincia_nome,
                codice,
                f"COMUNE {codice}",
                str(residenti),
            ]


def scrivi_nazionale(path: Path, righe: Iterable[list[str]], header: list[str]) -> Path:
    """Write the rows as ANPR does: ',' separated, '\\n' between rows, none after the last."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(righe)
    with path.open("rb+") as handle:
        handle.truncate(path.stat().st_size - 1)
    return path
