"""`manage.py import_anpr`: monthly residents from the ANPR open data."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ambiti.models import Comune, Popolazione
from ambiti.territorio import DATA_DIR, carica_territorio

SAMPLE = DATA_DIR / "anpr_residenti_2025-01_CR_MN.csv"
HEADER = ["MESE", "ANNO", "REGIONE", "PROVINCIA", "COD_ISTAT_COMUNE", "COMUNE", "RESIDENTI"]
CREMONA, CREMA, VESCOVATO = "019036", "019035", "019113"
GENNAIO_2025 = datetime.date(2025, 1, 1)
FEBBRAIO_2025 = datetime.date(2025, 2, 1)
DICEMBRE_2024 = datetime.date(2024, 12, 1)
# Data rows of the sample: 113 comuni of Cremona and 64 of Mantova, of which 10 are Oglio Po.
SAMPLE_ROWS, PORTAL_COMUNI, MANTOVA_OUTSIDE = 177, 123, 54


@pytest.fixture
def territorio(db):
    carica_territorio()


def sample_rows() -> list[list[str]]:
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        assert next(reader) == HEADER
        return list(reader)


def month_rows(mese: int, anno: int, changes: dict[str, int] | None = None) -> list[list[str]]:
    """The sample's rows moved to another month, with some counts changed."""
    changes = changes or {}
    return [
        [str(mese), str(anno), *row[2:6], str(changes.get(row[4], row[6]))] for row in sample_rows()
    ]


def write_csv(path: Path, rows, header=HEADER, delimiter=",", bom=False) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode())
    return path


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command("import_anpr", *[str(arg) for arg in args], stdout=out, **options)
    return out.getvalue()


def db_state():
    comuni = list(
        Comune.objects.order_by("codice_istat").values_list(
            "codice_istat", "popolazione", "popolazione_data", "popolazione_fonte"
        )
    )
    rilevazioni = list(
        Popolazione.objects.order_by(
            "comune__codice_istat", "fonte", "data_riferimento"
        ).values_list("comune__codice_istat", "fonte", "data_riferimento", "residenti")
    )
    return comuni, rilevazioni


def popolazione(codice: str) -> tuple[int, datetime.date, str]:
    comune = Comune.objects.get(codice_istat=codice)
    return comune.popolazione, comune.popolazione_data, comune.popolazione_fonte


def residenti(codice: str, data: datetime.date) -> int:
    return Popolazione.objects.get(
        comune__codice_istat=codice, fonte="ANPR", data_riferimento=data
    ).residenti


def test_real_sample_changes_no_comune_but_records_its_rows(territorio):
    comuni_before, _ = db_state()
    Popolazione.objects.all().delete()

    output = run(SAMPLE)

    assert db_state()[0] == comuni_before
    recorded = Popolazione.objects.filter(fonte="ANPR", data_riferimento=GENNAIO_2025)
    assert recorded.count() == PORTAL_COMUNI
    assert all(row.residenti == row.comune.popolazione for row in recorded.select_related("comune"))
    assert "Mese: 2025-01" in output
    assert f"Righe lette: {SAMPLE_ROWS}" in output
    assert "Comuni aggiornati: 0" in output
    assert f"Comuni invariati: {PORTAL_COMUNI}" in output
    assert f"Righe ignorate (comuni non gestiti dal portale): {MANTOVA_OUTSIDE}" in output
    assert "assenti" not in output


def test_reimporting_the_sample_creates_no_duplicate_rows(territorio):
    before = db_state()
    run(SAMPLE)
    run(SAMPLE)
    assert db_state() == before


def test_new_month_updates_exactly_the_changed_comuni(territorio, tmp_path):
    path = write_csv(tmp_path / "feb.csv", month_rows(2, 2025, {CREMONA: 71500, CREMA: 34100}))

    output = run(path)

    assert popolazione(CREMONA) == (71500, FEBBRAIO_2025, "ANPR")
    assert popolazione(CREMA) == (34100, FEBBRAIO_2025, "ANPR")
    # The others keep their count, now confirmed by the newer month.
    assert popolazione(VESCOVATO) == (4007, FEBBRAIO_2025, "ANPR")
    assert "Comuni aggiornati: 2" in output
    assert "  Crema: 34204 → 34100\n  Cremona: 71473 → 71500\n" in output
    assert f"Comuni invariati: {PORTAL_COMUNI - 2}" in output
    assert Popolazione.objects.filter(data_riferimento=FEBBRAIO_2025).count() == PORTAL_COMUNI
    # January stays in the history.
    assert residenti(CREMONA, GENNAIO_2025) == 71473
    assert residenti(CREMONA, FEBBRAIO_2025) == 71500


def test_default_month_is_the_latest_not_the_last_in_the_file(territorio, tmp_path):
    rows = (
        month_rows(2, 2025, {CREMONA: 71600})
        + month_rows(12, 2024, {CREMONA: 71300})
        + month_rows(1, 2025)
    )
    path = write_csv(tmp_path / "tre_mesi.csv", rows)

    output = run(path)

    assert "Mese: 2025-02" in output
    assert f"Righe lette: {3 * SAMPLE_ROWS} ({SAMPLE_ROWS} del mese 2025-02)" in output
    assert popolazione(CREMONA) == (71600, FEBBRAIO_2025, "ANPR")
    assert not Popolazione.objects.filter(data_riferimento=DICEMBRE_2024).exists()


def test_older_month_is_recorded_without_replacing_the_newer_figure(territorio, tmp_path):
    rows = month_rows(2, 2025, {CREMONA: 71600}) + month_rows(12, 2024, {CREMONA: 71300})
    path = write_csv(tmp_path / "due_mesi.csv", rows)
    run(path)

    # An older month is an operator's choice, confirmed explicitly (test_import_anpr_controlli).
    output = run(path, "--mese", "2024-12", "--accetta-variazioni")

    assert "Mese: 2024-12" in output
    assert popolazione(CREMONA) == (71600, FEBBRAIO_2025, "ANPR")
    assert residenti(CREMONA, DICEMBRE_2024) == 71300
    assert Popolazione.objects.filter(data_riferimento=DICEMBRE_2024).count() == PORTAL_COMUNI
    assert "Comuni aggiornati: 0" in output
    assert f"popolazione in vigore più recente, non sostituita: {PORTAL_COMUNI}" in output


def test_older_month_fills_in_a_comune_whose_figure_is_older(territorio, tmp_path):
    Comune.objects.filter(codice_istat=CREMA).update(
        popolazione=33000, popolazione_data=datetime.date(2024, 6, 1), popolazione_fonte="ISTAT"
    )
    path = write_csv(tmp_path / "dic.csv", month_rows(12, 2024))

    output = run(path, mese="2024-12", accetta_variazioni=True)

    assert popolazione(CREMA) == (34204, DICEMBRE_2024, "ANPR")
    assert popolazione(CREMONA) == (71473, GENNAIO_2025, "ANPR")
    assert "  Crema: 33000 → 34204\n" in output
    assert f"non sostituita: {PORTAL_COMUNI - 1}" in output


def test_unknown_comuni_are_ignored_and_counted(territorio, tmp_path):
    rows = [
        *sample_rows(),
        ["1", "2025", "ATLANTIDE", "POSEIDONIA", "999001", "ATLANTIDE CENTRO", "1200"],
        ["1", "2025", "ATLANTIDE", "POSEIDONIA", "999002", "ATLANTIDE MARE", "800"],
    ]
    comuni_before, _ = db_state()

    output = run(write_csv(tmp_path / "estero.csv", rows))

    assert f"Righe ignorate (comuni non gestiti dal portale): {MANTOVA_OUTSIDE + 2}" in output
    assert db_state()[0] == comuni_before
    assert not Comune.objects.filter(codice_istat__in=["999001", "020001"]).exists()
    assert Popolazione.objects.count() == PORTAL_COMUNI


def test_comuni_absent_from_the_month_are_listed_and_left_alone(territorio, tmp_path):
    rows = [row for row in month_rows(2, 2025) if row[4] not in (CREMONA, VESCOVATO)]

    output = run(write_csv(tmp_path / "senza_cremona.csv", rows))

    assert "Attenzione: 2 comuni del portale assenti dal file per il mese 2025-02: " in output
    assert "Cremona, Vescovato" in output
    assert popolazione(CREMONA) == (71473, GENNAIO_2025, "ANPR")
    assert popolazione(CREMA) == (34204, FEBBRAIO_2025, "ANPR")


def with_bad_last_line(tmp_path: Path, bad_row: list[str]) -> Path:
    """February with a changed count at the top and a broken last line: nothing may be written."""
    rows = [*month_rows(2, 2025, {CREMONA: 80000}), bad_row]
    return write_csv(tmp_path / "rotto.csv", rows)


LAST_LINE = SAMPLE_ROWS + 2  # header, the month's rows, then the broken one


@pytest.mark.parametrize(
    ("bad_row", "expected"),
    [
        (
            ["2", "2025", "LOMBARDIA", "CREMONA", CREMA, "CREMA", "34.100"],
            f"riga {LAST_LINE}: RESIDENTI «34.100» non è un numero intero",
        ),
        (
            ["2", "2025", "LOMBARDIA", "CREMONA", CREMA, "CREMA"],
            f"riga {LAST_LINE}: 6 campi invece di 7",
        ),
        (
            ["2", "2025", "LOMBARDIA", "CREMONA", "19A35", "CREMA", "34100"],
            f"riga {LAST_LINE}: COD_ISTAT_COMUNE «19A35» non è un codice ISTAT di 6 cifre",
        ),
        (
            ["2", "2025", "LOMBARDIA", "CREMONA", "0190350", "CREMA", "34100"],
            f"riga {LAST_LINE}: COD_ISTAT_COMUNE «0190350»",
        ),
        (
            ["13", "2025", "LOMBARDIA", "CREMONA", "019035", "CREMA", "34100"],
            f"riga {LAST_LINE}: MESE «13» non è un mese da 1 a 12",
        ),
        (
            ["2", "2025", "LOMBARDIA", "CREMONA", CREMONA, "CREMONA", "71500"],
            f"riga {LAST_LINE}: il comune {CREMONA} compare già alla riga",
        ),
    ],
    ids=["non-numeric", "truncated", "istat-letters", "istat-too-long", "month", "duplicate"],
)
def test_malformed_line_is_named_and_nothing_changes(territorio, tmp_path, bad_row, expected):
    before = db_state()
    with pytest.raises(CommandError) as raised:
        run(with_bad_last_line(tmp_path, bad_row))
    assert expected in str(raised.value)
    assert db_state() == before


def test_physically_truncated_file_is_rejected(territorio, tmp_path):
    path = write_csv(tmp_path / "interrotto.csv", month_rows(2, 2025, {CREMONA: 80000}))
    # A download cut in the middle of the last line.
    path.write_bytes(path.read_bytes().rstrip(b"\n")[:-12])
    before = db_state()
    with pytest.raises(CommandError, match=rf"riga {SAMPLE_ROWS + 1}: 6 campi invece di 7"):
        run(path)
    assert db_state() == before


def test_missing_column_names_the_header_line(territorio, tmp_path):
    header = [name for name in HEADER if name != "RESIDENTI"]
    rows = [row[:-1] for row in month_rows(2, 2025)]
    before = db_state()
    with pytest.raises(CommandError, match="riga 1: manca la colonna RESIDENTI"):
        run(write_csv(tmp_path / "senza_residenti.csv", rows, header=header))
    assert db_state() == before


def test_absent_month_names_the_lines_read(territorio, tmp_path):
    path = write_csv(tmp_path / "feb.csv", month_rows(2, 2025, {CREMONA: 80000}))
    before = db_state()
    with pytest.raises(CommandError) as raised:
        run(path, "--mese", "2024-06")
    message = str(raised.value)
    assert f"righe 2–{SAMPLE_ROWS + 1}: nessuna riga per il mese 2024-06" in message
    assert "mesi presenti nel file: 2025-02" in message
    assert db_state() == before


def test_invalid_month_option_is_rejected(territorio):
    with pytest.raises(CommandError, match="--mese: mese «2025-13» non valido"):
        run(SAMPLE, mese="2025-13")


def test_every_bad_line_is_reported_at_once(territorio, tmp_path):
    rows = month_rows(2, 2025)
    rows[0][6] = "tanti"
    rows[9][4] = "ABC"
    with pytest.raises(CommandError) as raised:
        run(write_csv(tmp_path / "due_errori.csv", rows))
    assert "riga 2: RESIDENTI «tanti»" in str(raised.value)
    assert "riga 11: COD_ISTAT_COMUNE «ABC»" in str(raised.value)


def test_semicolon_and_bom_from_a_spreadsheet_are_accepted(territorio, tmp_path):
    rows = month_rows(2, 2025, {CREMONA: 71500})
    path = write_csv(tmp_path / "excel.csv", rows, delimiter=";", bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfMESE;ANNO;")

    output = run(path)

    assert "Comuni aggiornati: 1" in output
    assert popolazione(CREMONA) == (71500, FEBBRAIO_2025, "ANPR")


def test_leading_zeros_dropped_by_a_spreadsheet_are_restored(territorio, tmp_path):
    rows = month_rows(2, 2025, {CREMONA: 71500})
    for row in rows:
        row[4] = row[4].lstrip("0")
    assert rows[0][4] == "19001"

    output = run(write_csv(tmp_path / "senza_zeri.csv", rows))

    assert "Righe ignorate (comuni non gestiti dal portale): 54" in output
    assert popolazione(CREMONA) == (71500, FEBBRAIO_2025, "ANPR")


def test_dry_run_reports_but_writes_nothing(territorio, tmp_path):
    path = write_csv(tmp_path / "feb.csv", month_rows(2, 2025, {CREMONA: 71500}))
    before = db_state()

    output = run(path, dry_run=True)

    assert "  Cremona: 71473 → 71500\n" in output
    assert "nessuna modifica salvata" in output
    assert db_state() == before


def test_queries_do_not_grow_with_the_national_file(territorio, tmp_path):
    # Each run records a new month, so both change the same portal rows and write the same
    # audit entries (inserted in batches: their queries follow the portal, not the file).
    small = write_csv(tmp_path / "piccolo.csv", month_rows(2, 2025, {CREMONA: 71500}))
    national = [
        [str(mese), "2025", "ALTROVE", "ALTROVE", f"{900000 + numero:06d}", "X", "1000"]
        for mese in (1, 3)
        for numero in range(8000)
    ]
    large = write_csv(tmp_path / "nazionale.csv", month_rows(3, 2025, {CREMONA: 71600}) + national)

    # Both runs look up the audit trail's content types, as a fresh worker would.
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as small_queries:
        run(small)
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as large_queries:
        output = run(large)

    assert "Righe ignorate (comuni non gestiti dal portale): 8054" in output
    assert popolazione(CREMONA) == (71600, datetime.date(2025, 3, 1), "ANPR")
    assert len(large_queries) == len(small_queries)
    # The portal's codes, read before the file, and the same comuni locked to be written.
    assert len(large_queries) <= 14
