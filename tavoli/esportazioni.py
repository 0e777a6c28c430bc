"""Exports of the tables' work as CSV and XLSX: pure functions from querysets to bytes.

A table of data is a list of rows, the first one being the header; each cell is a str, an int,
a datetime.date or None. The views choose the format, these functions know nothing of requests.
"""

import csv
import datetime
import io
import re
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .models import Esito

# The exports are read away from the portal, often by people in another timezone setting:
# a meeting's date is the civil date in Lombardy, whatever the request's timezone is.
FUSO_ORARIO = ZoneInfo("Europe/Rome")

FORMATO_DATA = "%d/%m/%Y"
FORMATO_DATA_XLSX = "DD/MM/YYYY"

LUNGHEZZA_ACCORPATA = 80
LARGHEZZA_MINIMA = 8
LARGHEZZA_MASSIMA = 60

# Spreadsheets read a cell starting with one of these as a formula (= + - @) or may split it
# (tab, carriage return): see _neutralizza.
INIZI_PERICOLOSI = ("=", "+", "-", "@", "\t", "\r")


def data_locale(momento: datetime.datetime) -> datetime.date:
    return timezone.localtime(momento, FUSO_ORARIO).date()


# --- Proposals --------------------------------------------------------------------------------


def _pk(valore):
    try:
        return int(valore)
    except (TypeError, ValueError):
        return None


def filtra_proposte(queryset, params):
    """The filters of the proposals list, read from a QueryDict (or any mapping).

    The same as tavoli.filters.PropostaFilter, without a form: values that are not well formed
    are ignored rather than answered with an error, as an export link is often a bookmarked or
    hand-edited URL. The text is searched in the proposal and in its target.
    """
    if area := _pk(params.get("area")):
        queryset = queryset.filter(area_policy_id=area)
    if tavolo := _pk(params.get("tavolo")):
        queryset = queryset.filter(incontro__tavolo_id=tavolo)
    valutazione = params.get("valutazione")
    if valutazione in Esito.Valutazione.values:
        queryset = queryset.filter(valutazione=valutazione)
    if testo := (params.get("q") or "").strip():
        queryset = queryset.filter(Q(testo__icontains=testo) | Q(target__icontains=testo))
    return queryset


def proposte_righe(queryset):
    intestazione = [
        _("Ambito"),
        _("Tavolo"),
        _("Incontro"),
        _("Data incontro"),
        _("Area di policy"),
        _("Destinatari"),
        _("Testo"),
        _("Valutazione"),
        _("Motivazione"),
        _("Accorpata in"),
    ]
    righe = [intestazione]
    for proposta in queryset.select_related(
        "incontro__tavolo__ambito", "area_policy", "accorpata_in"
    ):
        incontro = proposta.incontro
        righe.append(
            [
                incontro.tavolo.ambito.nome,
                incontro.tavolo.titolo,
                incontro.titolo,
                data_locale(incontro.inizio),
                proposta.area_policy.nome if proposta.area_policy_id else "",
                proposta.target,
                proposta.testo,
                proposta.get_valutazione_display(),
                proposta.motivazione,
                (
                    Truncator(proposta.accorpata_in.testo).chars(LUNGHEZZA_ACCORPATA)
                    if proposta.accorpata_in_id
                    else ""
                ),
            ]
        )
    return righe


# --- Attendance -------------------------------------------------------------------------------


def presenze_righe(incontro):
    presenze = sorted(
        incontro.presenze.select_related("membro__ente"),
        # Sorted here: databases disagree on where the persons (no ente, NULL) go.
        key=lambda p: str(p.membro).casefold(),
    )
    righe = [[_("Ente o persona"), _("Tipo di ente"), _("Partecipanti")]]
    for presenza in presenze:
        membro = presenza.membro
        righe.append(
            [
                str(membro),
                membro.ente.get_tipo_display() if membro.ente_id else "",
                presenza.partecipanti,
            ]
        )
    righe.append([_("Totale"), "", sum(p.partecipanti for p in presenze)])
    return righe


# --- Formats ----------------------------------------------------------------------------------


def _e_pericolosa(valore) -> bool:
    return isinstance(valore, str) and valore.startswith(INIZI_PERICOLOSI)


def _neutralizza(valore: str) -> str:
    """CSV/formula injection: a proposal typed by a member as «=HYPERLINK(...)» or «@SUM(...)»
    would run as a formula in the spreadsheet of the Ufficio di Piano who opens the export
    (exfiltrating data, or DDE commands in older Excel). A leading apostrophe makes Excel and
    LibreOffice read the cell as text, and shows the text unchanged."""
    return "'" + valore if _e_pericolosa(valore) else valore


def _testo_csv(valore) -> str:
    if valore is None:
        return ""
    if isinstance(valore, datetime.date):
        return valore.strftime(FORMATO_DATA)
    if isinstance(valore, str):
        return _neutralizza(valore)
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
            if _e_pericolosa(valore):
                # Same reason as _neutralizza: openpyxl stores a string starting with "=" as a
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
