"""Tabular exports of the portal as CSV and XLSX, safe to open in a spreadsheet, and the HTTP
response that carries them.

A table of data is a list of rows, the first one being the header; each cell is a str, an int,
a datetime.date, None, or anything whose str() is the cell's text. The apps build the rows;
these functions know nothing of models.
"""

import csv
import datetime
import io
import re
from zoneinfo import ZoneInfo

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

# The exports are read away from the portal, often by people in another timezone setting:
# a meeting's date is the civil date in Lombardy, whatever the request's timezone is.
FUSO_ORARIO = ZoneInfo("Europe/Rome")

FORMATO_DATA = "%d/%m/%Y"
FORMATO_DATA_XLSX = "DD/MM/YYYY"

LARGHEZZA_MINIMA = 8
LARGHEZZA_MASSIMA = 60

# Spreadsheets read a cell starting with one of these as a formula (= + - @) or may split it
# (tab, carriage return): see neutralizza.
INIZI_PERICOLOSI = ("=", "+", "-", "@", "\t", "\r")

TIPI_CONTENUTO = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def data_locale(momento: datetime.datetime) -> datetime.date:
    """The civil date of `momento` in Lombardy."""
    return timezone.localtime(momento, FUSO_ORARIO).date()


def e_pericolosa(valore) -> bool:
    return isinstance(valore, str) and valore.startswith(INIZI_PERICOLOSI)


def neutralizza(valore: str) -> str:
    """CSV/formula injection: a proposal typed by a member as «=HYPERLINK(...)» or «@SUM(...)»
    would run as a formula in the spreadsheet of the Ufficio di Piano who opens the export
    (exfiltrating data, or DDE commands in older Excel). A leading apostrophe makes Excel and
    LibreOffice read the cell as text, and shows the text unchanged."""
    return "'" + valore if e_pericolosa(valore) else valore


def _testo_csv(valore) -> str:
    if valore is None:
        return ""
    if isinstance(valore, datetime.date):
        return valore.strftime(FORMATO_DATA)
    if isinstance(valore, str):
        return neutralizza(valore)
    return str(valore)


def come_csv(righe) -> bytes:
    """CSV for Excel as installed in Italy: it splits columns on the list separator of the
    system locale, which is ';' where ',' is the decimal separator, and without a byte order mark
    it reads the file as Windows-1252, garbling every accented letter. With ';' and the UTF-8 BOM
    a double click opens it right; LibreOffice and the csv module read it as well."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for riga in righe:
        writer.writerow([_testo_csv(valore) for valore in riga])
    return buffer.getvalue().encode("utf-8-sig")


# Excel refuses these characters in a sheet's name, and the name is at most 31 characters long.
CARATTERI_VIETATI_FOGLIO = re.compile(r"[\[\]:*?/\\]")


def _larghezza(valore) -> int:
    if valore is None:
        return 0
    if isinstance(valore, datetime.date):
        return len(FORMATO_DATA_XLSX)
    return max((len(riga) for riga in str(valore).splitlines()), default=0)


def come_xlsx(righe, titolo_foglio) -> bytes:
    return come_xlsx_fogli([(titolo_foglio, righe)])


def come_xlsx_fogli(fogli) -> bytes:
    """One workbook with a sheet per (titolo_foglio, righe), in order, each written as
    come_xlsx writes its only sheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for titolo_foglio, righe in fogli:
        foglio = workbook.create_sheet(
            CARATTERI_VIETATI_FOGLIO.sub(" ", titolo_foglio)[:31] or "Foglio"
        )
        _scrivi_foglio(foglio, righe)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _scrivi_foglio(foglio, righe) -> None:
    larghezze = {}
    for numero_riga, riga in enumerate(righe, start=1):
        for numero_colonna, valore in enumerate(riga, start=1):
            if isinstance(valore, str):
                # openpyxl refuses control characters, which pasted text sometimes carries.
                valore = ILLEGAL_CHARACTERS_RE.sub("", valore)
            cella = foglio.cell(row=numero_riga, column=numero_colonna, value=valore)
            if e_pericolosa(valore):
                # Same reason as neutralizza: openpyxl stores a string starting with "=" as a
                # formula, so the type is forced to string; the quote prefix is what Excel sets
                # for a typed «'=...», and keeps the cell text when someone edits it later.
                cella.data_type = "s"
                cella.quotePrefix = True
            elif isinstance(valore, datetime.date):
                cella.number_format = FORMATO_DATA_XLSX
            if numero_riga == 1:
                cella.font = Font(bold=True)
            elif _larghezza(valore) > LARGHEZZA_MASSIMA:
                cella.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cella.alignment = Alignment(vertical="top")
            larghezze[numero_colonna] = max(larghezze.get(numero_colonna, 0), _larghezza(valore))
    for numero_colonna, larghezza in larghezze.items():
        foglio.column_dimensions[get_column_letter(numero_colonna)].width = min(
            max(larghezza + 2, LARGHEZZA_MINIMA), LARGHEZZA_MASSIMA
        )
    foglio.freeze_panes = "A2"


# --- HTTP ---------------------------------------------------------------------------------------


def verifica_formato(formato: str) -> None:
    """404 for a format the portal does not export (the URL names it)."""
    if formato not in TIPI_CONTENUTO:
        raise Http404


def scaricamento(contenuto: bytes, formato: str, nome_file: str) -> HttpResponse:
    """The download of an export already written, as `nome_file`.`formato`."""
    response = HttpResponse(contenuto, content_type=TIPI_CONTENUTO[formato])
    response["Content-Disposition"] = content_disposition_header(True, f"{nome_file}.{formato}")
    return response


def risposta_tabellare(righe, formato: str, titolo_foglio: str, nome_file: str) -> HttpResponse:
    """The download of one table as CSV or XLSX (one sheet named `titolo_foglio`)."""
    contenuto = come_csv(righe) if formato == "csv" else come_xlsx(righe, titolo_foglio)
    return scaricamento(contenuto, formato, nome_file)
