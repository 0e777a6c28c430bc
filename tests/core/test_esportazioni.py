"""core.esportazioni: CSV and XLSX of any app, and the response that carries them."""

import datetime
import io

import openpyxl
import pytest
from django.http import Http404

from core import esportazioni


def test_neutralizza_solo_gli_inizi_pericolosi():
    for testo in ("=1", "+39", "-2", "@A1", "\tx", "\rx"):
        assert esportazioni.e_pericolosa(testo)
        assert esportazioni.neutralizza(testo) == "'" + testo
    for valore in ("a=b", "", "Città"):
        assert esportazioni.neutralizza(valore) == valore
    assert not esportazioni.e_pericolosa(-2)


def test_data_locale_a_roma():
    # 23:30 UTC on 31 December is already New Year's Day in Lombardy.
    momento = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC)
    assert esportazioni.data_locale(momento) == datetime.date(2026, 1, 1)


def test_csv_date_e_vuoti():
    contenuto = esportazioni.come_csv(
        [["Data", "Vuoto", "N"], [datetime.date(2026, 3, 1), None, 3]]
    )
    assert contenuto.startswith(b"\xef\xbb\xbf")
    assert contenuto.decode("utf-8-sig") == "Data;Vuoto;N\r\n01/03/2026;;3\r\n"


def test_xlsx_piu_fogli_in_ordine_e_larghezze():
    contenuto = esportazioni.come_xlsx_fogli(
        [("Primo", [["A"], ["x" * 200]]), ("Secondo", [["B"], [datetime.date(2026, 3, 1)]])]
    )
    libro = openpyxl.load_workbook(io.BytesIO(contenuto))
    assert libro.sheetnames == ["Primo", "Secondo"]
    primo, secondo = libro["Primo"], libro["Secondo"]
    assert primo.column_dimensions["A"].width == esportazioni.LARGHEZZA_MASSIMA
    assert primo["A2"].alignment.wrap_text
    assert primo["A1"].font.bold
    assert primo.freeze_panes == "A2"
    assert secondo["A2"].number_format == esportazioni.FORMATO_DATA_XLSX
    assert secondo.column_dimensions["A"].width == len(esportazioni.FORMATO_DATA_XLSX) + 2


def test_verifica_formato():
    esportazioni.verifica_formato("csv")
    esportazioni.verifica_formato("xlsx")
    with pytest.raises(Http404):
        esportazioni.verifica_formato("pdf")


@pytest.mark.parametrize("formato", ["csv", "xlsx"])
def test_risposta_tabellare(formato):
    risposta = esportazioni.risposta_tabellare([["A"], ["b"]], formato, "Foglio", "prova-città")
    assert risposta["Content-Type"] == esportazioni.TIPI_CONTENUTO[formato]
    disposizione = risposta["Content-Disposition"]
    assert disposizione.startswith("attachment;")
    assert f".{formato}" in disposizione
    if formato == "xlsx":
        foglio = openpyxl.load_workbook(io.BytesIO(risposta.content)).active
        assert (foglio.title, foglio["A2"].value) == ("Foglio", "b")
    else:
        assert risposta.content.decode("utf-8-sig") == "A\r\nb\r\n"
