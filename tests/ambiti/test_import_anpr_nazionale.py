"""`manage.py import_anpr` on the whole national file: every comune of Italy, several months.

Only the portal's comuni change; a portal comune whose code ANPR no longer uses (a fusion of
comuni) is reported by name and code, and keeps its figure. Time and memory are measured by
benchmarks/anpr_nazionale.py, not here.
"""

import pytest
from django.core.management.base import CommandError

from ambiti.models import Comune, Popolazione
from ambiti.territorio import carica_territorio
from tests.ambiti.anpr_nazionale import COMUNI_ITALIA, righe_nazionali, scrivi_nazionale
from tests.ambiti.test_import_anpr import (
    CREMA,
    CREMONA,
    FEBBRAIO_2025,
    GENNAIO_2025,
    HEADER,
    PORTAL_COMUNI,
    VESCOVATO,
    db_state,
    popolazione,
    run,
    sample_rows,
)

MESI = [(12, 2024), (1, 2025), (2, 2025)]
# A made-up fusion: from February 2025 Vescovato's rows carry the code of a new comune.
NUOVO_CODICE = "019119"


@pytest.fixture
def territorio(db):
    carica_territorio()


def febbraio_con_fusione(righe):
    for riga in righe:
        if riga[:2] == ["2", "2025"] and riga[4] == VESCOVATO:
            riga = [*riga[:4], NUOVO_CODICE, "VESCOVATO E UNITI", "4100"]
        elif riga[:2] == ["2", "2025"] and riga[4] == CREMONA:
            riga = [*riga[:6], "71500"]
        yield riga


def test_national_file_changes_only_the_portal_comuni_and_reports_the_fusion(territorio, tmp_path):
    path = scrivi_nazionale(
        tmp_path / "popolazione_residente_export.csv",
        febbraio_con_fusione(righe_nazionali(MESI, sample_rows())),
        HEADER,
    )
    comuni_prima = Comune.objects.count()

    output = run(path)

    assert "Mese: 2025-02" in output
    assert f"Righe lette: {3 * COMUNI_ITALIA} ({COMUNI_ITALIA} del mese 2025-02)" in output
    # February: 7,896 rows, of which 122 of the portal (Vescovato's code is gone).
    assert f"Righe ignorate (comuni non gestiti dal portale): {COMUNI_ITALIA - 122}" in output
    assert "Comuni aggiornati: 1\n  Cremona: 71473 → 71500\n" in output
    assert popolazione(CREMONA) == (71500, FEBBRAIO_2025, "ANPR")
    assert popolazione(CREMA) == (34204, FEBBRAIO_2025, "ANPR")
    # The fused comune keeps its January figure, and says why.
    assert popolazione(VESCOVATO) == (4007, GENNAIO_2025, "ANPR")
    assert "Attenzione: 1 comune del portale assente dal file per il mese 2025-02: Vescovato" in (
        output
    )
    assert "Codici ISTAT che ANPR non usa più" in output
    assert (
        "  Vescovato (019113): popolazione in vigore 4007 del 2025-01; "
        "ultimo mese nel file: 2025-01"
    ) in output
    # Nothing of the rest of Italy is stored: no comune, no count.
    assert Comune.objects.count() == comuni_prima
    assert not Comune.objects.filter(codice_istat=NUOVO_CODICE).exists()
    assert Popolazione.objects.filter(data_riferimento=FEBBRAIO_2025).count() == 122
    assert Popolazione.objects.count() == PORTAL_COMUNI + 122


def test_comuni_of_a_province_the_file_does_not_cover_are_absent_not_fused(territorio, tmp_path):
    # A file of the province of Cremona only: the ten Oglio Po comuni of Mantova are missing
    # because the file stops at the province, not because ANPR dropped their codes.
    solo_cremona = [riga for riga in sample_rows() if riga[4].startswith("019")]
    path = scrivi_nazionale(tmp_path / "cremona.csv", solo_cremona, HEADER)

    output = run(path)

    assert "Attenzione: 10 comuni del portale assenti dal file per il mese 2025-01: " in output
    assert "Viadana" in output
    assert "non usa più" not in output


def test_cut_national_file_is_refused_with_nothing_changed(territorio, tmp_path):
    path = scrivi_nazionale(
        tmp_path / "nazionale.csv", righe_nazionali(MESI, sample_rows()), HEADER
    )
    ultima = path.read_bytes().rsplit(b"\n", 1)[1].decode()
    codice, residenti = ultima.split(",")[4], ultima.split(",")[6]
    path.write_bytes(path.read_bytes()[:-2])
    before = db_state()

    with pytest.raises(
        CommandError, match=rf"riga {3 * COMUNI_ITALIA + 1}: l'ultima riga"
    ) as raised:
        run(path)

    assert f"RESIDENTI «{residenti[:-2]}»" in str(raised.value)
    assert f"alla riga {2 * COMUNI_ITALIA + 1}) per il comune {codice}" in str(raised.value)
    assert db_state() == before
