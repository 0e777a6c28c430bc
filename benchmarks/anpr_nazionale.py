"""How long the national ANPR file takes to import, and how much memory, against reading it bare.

    .venv/bin/python benchmarks/anpr_nazionale.py [--mesi 3,12] [--ripetizioni N] [--conserva]

Builds, in a temporary directory, the national file as ANPR publishes it (every comune of Italy,
7,896, one block per month; the rows of Cremona and Mantova are the real ones of January 2025,
the rest made up: tests/ambiti/anpr_nazionale.py) for each number of months asked, and a fresh
SQLite database with the real territory (123 comuni). For each file it measures:
- baseline: the file read line by line with csv.reader, counting the rows;
- reading: ambiti.anpr.leggi_file_anpr, the import's own parse and validation;
- import: `manage.py import_anpr FILE` end to end (reading, plausibility check, writes and
  audit trail), in a transaction rolled back after each run so that every run writes the same;
and prints, for each, the best time of the repetitions and the peak of the memory Python
allocates (tracemalloc, in a separate run: tracing slows the code down), with the ratios to the
baseline. The peak must not grow with the months in the file: only the portal's rows are kept.
"""

import argparse
import csv
import io
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _prepara_ambiente(cartella: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "pdz.settings"
    os.environ["DJANGO_READ_DOT_ENV"] = "0"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-soltanto-locale-0123456789abcdefghij")
    os.environ["DATABASE_URL"] = f"sqlite:///{cartella / 'anpr.sqlite3'}"
    os.environ["REDIS_URL"] = ""
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(BASE_DIR))

    import django

    django.setup()
    from django.core.management import call_command

    from ambiti.territorio import carica_territorio

    call_command("migrate", verbosity=0, interactive=False)
    carica_territorio()


def _baseline(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _riga in csv.reader(handle))


def _lettura(path: Path) -> int:
    from ambiti.anpr import leggi_file_anpr
    from ambiti.anpr_aggiornamento import popolazione_nota

    return leggi_file_anpr(path, popolazione_nota()).righe_dati


def _importazione(path: Path) -> int:
    from django.core.management import call_command
    from django.db import transaction

    uscita = io.StringIO()
    with transaction.atomic():
        call_command("import_anpr", str(path), stdout=uscita)
        transaction.set_rollback(True)
    return uscita.getvalue().count("\n")


def _misura(funzione, path: Path, ripetizioni: int) -> tuple[float, int]:
    tempi = []
    for _ in range(ripetizioni):
        inizio = time.perf_counter()
        funzione(path)
        tempi.append(time.perf_counter() - inizio)
    tracemalloc.start()
    funzione(path)
    _attuale, picco = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(tempi), picco


def _scrivi_file(cartella: Path, mesi: int) -> Path:
    from tests.ambiti.anpr_nazionale import righe_nazionali, scrivi_nazionale
    from tests.ambiti.test_import_anpr import HEADER, sample_rows

    # Consecutive months up to February 2025, the one imported.
    elenco, mese, anno = [], 2, 2025
    for _ in range(mesi):
        elenco.insert(0, (mese, anno))
        mese, anno = (mese - 1, anno) if mese > 1 else (12, anno - 1)
    path = cartella / f"popolazione_residente_{mesi}_mesi.csv"
    return scrivi_nazionale(path, righe_nazionali(elenco, sample_rows()), HEADER)


def _mb(byte: int) -> str:
    return f"{byte / 1024 / 1024:.2f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mesi", default="3,12", help="mesi per file, separati da virgola")
    parser.add_argument("--ripetizioni", type=int, default=3)
    parser.add_argument("--conserva", action="store_true", help="non cancella la cartella")
    opzioni = parser.parse_args()
    cartella = Path(tempfile.mkdtemp(prefix="pdz-bench-anpr-"))
    try:
        _prepara_ambiente(cartella)
        for mesi in (int(valore) for valore in opzioni.mesi.split(",")):
            path = _scrivi_file(cartella, mesi)
            righe = _baseline(path) - 1
            print(f"\nFile nazionale: {mesi} mesi, {righe} righe, {_mb(path.stat().st_size)}")
            base_tempo, base_picco = _misura(_baseline, path, opzioni.ripetizioni)
            print(f"  baseline (csv.reader)  {base_tempo:6.3f} s  picco {_mb(base_picco)}")
            for nome, funzione in (("lettura", _lettura), ("importazione", _importazione)):
                tempo, picco = _misura(funzione, path, opzioni.ripetizioni)
                print(
                    f"  {nome:<22} {tempo:6.3f} s  picco {_mb(picco)}"
                    f"  (tempo ×{tempo / base_tempo:.1f}, picco ×{picco / max(base_picco, 1):.1f}"
                    f" della baseline)"
                )
    finally:
        if opzioni.conserva:
            print(f"\nCartella conservata: {cartella}")
        else:
            shutil.rmtree(cartella, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
