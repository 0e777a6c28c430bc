"""`manage.py import_anpr` refuses the figures that would corrupt the vote weights.

A file cut inside its last number, a comune with no residents, a count that moves by more than
the threshold or a month older than the one in force: the command exits with an error naming the
line and the comune, and nothing changes. Figures are the real ANPR counts of January 2025.
"""

from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.management.base import CommandError

from ambiti.models import Comune
from ambiti.territorio import carica_territorio
from tests.ambiti.test_import_anpr import (
    CREMA,
    CREMONA,
    DICEMBRE_2024,
    FEBBRAIO_2025,
    GENNAIO_2025,
    PORTAL_COMUNI,
    SAMPLE,
    SAMPLE_ROWS,
    VESCOVATO,
    db_state,
    month_rows,
    popolazione,
    run,
    write_csv,
)

DATI = Path(__file__).parent / "dati"
CODA_VICENZA = DATI / "anpr_2025_coda_vicenza.csv"


@pytest.fixture
def territorio(db):
    carica_territorio()


def riga_di(rows: list[list[str]], codice: str) -> int:
    """The file line of a comune's row: the header is line 1."""
    return next(numero for numero, row in enumerate(rows, start=2) if row[4] == codice)


def refused(*args, **options) -> str:
    before = db_state()
    with pytest.raises(CommandError) as raised:
        run(*args, **options)
    assert db_state() == before
    return str(raised.value)


# --- A file cut short ---------------------------------------------------------------------------


def cremona_last(tmp_path: Path, residenti: str) -> Path:
    """February with Cremona moved to the end and the final newline removed, as ANPR writes it."""
    rows = [row for row in month_rows(2, 2025) if row[4] != CREMONA]
    rows.append(["2", "2025", "LOMBARDIA", "CREMONA", CREMONA, "CREMONA", residenti])
    path = write_csv(tmp_path / "febbraio.csv", rows)
    path.write_bytes(path.read_bytes().removesuffix(b"\n"))
    return path


def test_last_number_cut_short_is_refused_naming_the_line(territorio, tmp_path):
    # «…,019036,CREMONA,71473» cut to «…,714»: 714 × 5 = 3570 < 71473, the figure in force.
    path = cremona_last(tmp_path, "714")
    assert path.read_bytes().endswith(b",019036,CREMONA,714")

    message = refused(path)

    assert (
        f"riga {SAMPLE_ROWS + 1}: l'ultima riga non termina con un a capo e RESIDENTI «714» è "
        "meno di un quinto di 71473 (la popolazione in vigore nel portale) per il comune 019036"
    ) in message
    assert "Nessuna modifica salvata." in message
    assert popolazione(CREMONA) == (71473, GENNAIO_2025, "ANPR")


def test_last_number_cut_short_is_refused_even_when_variations_are_accepted(territorio, tmp_path):
    message = refused(cremona_last(tmp_path, "7147"), "--accetta-variazioni")
    assert f"riga {SAMPLE_ROWS + 1}: l'ultima riga non termina con un a capo" in message


def test_complete_last_line_without_newline_is_imported(territorio, tmp_path):
    # ANPR's own files end without a newline: a whole last number is taken as it is.
    output = run(cremona_last(tmp_path, "71500"))

    assert "  Cremona: 71473 → 71500\n" in output
    assert popolazione(CREMONA) == (71500, FEBBRAIO_2025, "ANPR")


def test_real_ending_of_the_national_file_is_accepted(territorio):
    assert not CODA_VICENZA.read_bytes().endswith(b"\n")
    before = db_state()

    output = run(CODA_VICENZA)

    # Vicenza is no comune of the portal: eight rows read, four of February ignored.
    assert "Mese: 2025-02" in output
    assert "Righe lette: 8 (4 del mese 2025-02)" in output
    assert "Righe ignorate (comuni non gestiti dal portale): 4" in output
    assert db_state() == before


def test_cut_in_the_last_row_of_another_province_is_refused_too(territorio, tmp_path):
    # The file's own January row of Zugliano (6891, line 5) shows that «68» lost two digits.
    path = tmp_path / "interrotto.csv"
    path.write_bytes(CODA_VICENZA.read_bytes().removesuffix(b"86"))
    assert path.read_bytes().endswith(b",024122,ZUGLIANO,68")

    message = refused(path)

    assert (
        "riga 9: l'ultima riga non termina con un a capo e RESIDENTI «68» è meno di un quinto di "
        "6891 (il dato dello stesso comune alla riga 5) per il comune 024122"
    ) in message


# --- Counts that are no counts ------------------------------------------------------------------


@pytest.mark.parametrize("residenti", ["0", "000", "-71473", "71473a", "7,1e4", ""])
def test_row_without_a_positive_count_is_refused(territorio, tmp_path, residenti):
    rows = month_rows(2, 2025)
    riga = riga_di(rows, CREMONA)
    rows[riga - 2][6] = residenti
    # A ',' inside the field is quoted by the writer: still 7 fields, one bad count.
    message = refused(write_csv(tmp_path / "zero.csv", rows))
    assert f"riga {riga}: RESIDENTI «{residenti}» non è un numero intero positivo" in message


# --- The plausibility check ---------------------------------------------------------------------


def february_with(tmp_path: Path, changes: dict[str, int]) -> tuple[Path, list[list[str]]]:
    rows = month_rows(2, 2025, changes)
    return write_csv(tmp_path / "febbraio.csv", rows), rows


def test_changes_over_ten_percent_are_all_listed_and_nothing_is_imported(territorio, tmp_path):
    # Cremona 71473 → 80000: +8527, 11.93 %; Crema 34204 → 30000: -4204, -12.29 %;
    # Vescovato 4007 → 4407: +400, 9.98 %, within the threshold, so not listed.
    path, rows = february_with(tmp_path, {CREMONA: 80000, CREMA: 30000, VESCOVATO: 4407})

    message = refused(path)

    assert "controllo di plausibilità: 2 comuni da verificare" in message
    assert "Popolazione che cambia di oltre il 10 % rispetto a quella in vigore:" in message
    assert (
        f"  riga {riga_di(rows, CREMA)}: Crema (019035): 34204 (2025-01) → 30000 (2025-02), "
        "-12,3 %\n"
        f"  riga {riga_di(rows, CREMONA)}: Cremona (019036): 71473 (2025-01) → 80000 (2025-02), "
        "+11,9 %\n"
    ) in message
    assert "Vescovato" not in message
    assert "--accetta-variazioni" in message
    assert popolazione(VESCOVATO) == (4007, GENNAIO_2025, "ANPR")


def test_just_over_the_threshold_is_refused(territorio, tmp_path):
    # Vescovato 4007 → 4408: +401, 10.007 % of 4007; shown rounded as +10,0 %.
    path, rows = february_with(tmp_path, {VESCOVATO: 4408})
    message = refused(path)
    assert (
        f"riga {riga_di(rows, VESCOVATO)}: Vescovato (019113): 4007 (2025-01) → 4408 (2025-02), "
        "+10,0 %"
    ) in message


def test_accepted_changes_are_imported_listed_and_audited(territorio, tmp_path):
    path, rows = february_with(tmp_path, {CREMONA: 80000, CREMA: 30000})

    output = run(path, "--accetta-variazioni")

    assert popolazione(CREMONA) == (80000, FEBBRAIO_2025, "ANPR")
    assert popolazione(CREMA) == (30000, FEBBRAIO_2025, "ANPR")
    assert "Segnalati dal controllo di plausibilità e accettati con --accetta-variazioni: 2" in (
        output
    )
    assert f"  riga {riga_di(rows, CREMONA)}: Cremona (019036): 71473 (2025-01) → 80000" in output
    cremona = Comune.objects.get(codice_istat=CREMONA)
    voce = LogEntry.objects.get_for_object(cremona).get(action=LogEntry.Action.UPDATE)
    assert voce.changes["popolazione"] == ["71473", "80000"]


def test_threshold_option_moves_the_line(territorio, tmp_path):
    # With 12 %: Cremona's +11.93 % passes, Crema's -12.29 % does not.
    path, _rows = february_with(tmp_path, {CREMONA: 80000, CREMA: 30000})

    message = refused(path, "--soglia", "12")

    assert "di oltre il 12 % rispetto" in message
    assert "Crema (019035)" in message
    assert "Cremona (019036)" not in message

    output = run(path, "--soglia", "12,5")
    assert popolazione(CREMA) == (30000, FEBBRAIO_2025, "ANPR")
    assert "accettati" not in output


def test_invalid_threshold_is_refused(territorio):
    before = db_state()
    with pytest.raises(CommandError, match="--soglia: «dieci» non è una percentuale"):
        run(SAMPLE, "--soglia", "dieci")
    with pytest.raises(CommandError, match="--soglia: «-5»"):
        run(SAMPLE, "--soglia=-5")
    assert db_state() == before


def test_older_month_than_the_one_in_force_is_refused_for_every_comune(territorio, tmp_path):
    rows = month_rows(12, 2024, {CREMONA: 71300})

    message = refused(write_csv(tmp_path / "dicembre.csv", rows))

    assert f"controllo di plausibilità: {PORTAL_COMUNI} comuni da verificare" in message
    assert "Mese più vecchio di quello già in vigore:" in message
    assert (
        f"  riga {riga_di(rows, CREMONA)}: Cremona (019036): il file è del 2024-12, il portale "
        "ha già la popolazione del 2025-01 (71473)\n"
    ) in message
    assert message.count("il file è del 2024-12") == PORTAL_COMUNI


def test_older_month_accepted_fills_in_the_history_only(territorio, tmp_path):
    path = write_csv(tmp_path / "dicembre.csv", month_rows(12, 2024, {CREMONA: 71300}))

    run(path, "--accetta-variazioni")

    assert popolazione(CREMONA) == (71473, GENNAIO_2025, "ANPR")
    cremona = Comune.objects.get(codice_istat=CREMONA)
    assert cremona.rilevazioni.get(data_riferimento=DICEMBRE_2024).residenti == 71300


def test_dry_run_applies_the_same_check(territorio, tmp_path):
    path, _rows = february_with(tmp_path, {CREMONA: 80000})
    assert "Cremona (019036)" in refused(path, dry_run=True)
    output = run(path, dry_run=True, accetta_variazioni=True)
    assert "  Cremona: 71473 → 80000\n" in output
    assert popolazione(CREMONA) == (71473, GENNAIO_2025, "ANPR")


def test_bytes_that_are_not_utf8_name_their_line(territorio, tmp_path):
    # A file re-saved as Latin-1: the streaming reader still names the physical line.
    rows = month_rows(2, 2025)
    riga = riga_di(rows, CREMONA)
    rows[riga - 2][5] = "CREMONA È"
    path = write_csv(tmp_path / "latin1.csv", rows)
    path.write_bytes(path.read_bytes().replace("È".encode(), "È".encode("latin-1")))

    message = refused(path)

    assert f"riga {riga}: il file non è in codifica UTF-8" in message
