"""Population figures from the open data of ANPR, the national resident registry.

The file (`popolazione_residente_*_export.csv` of italia/anpr-opendata) has one row per comune and
month for the whole of Italy. The portal keeps only its own comuni: every figure is recorded as a
Popolazione row, and the figure in force on the Comune moves forward, never back.

Reading validates the whole file before anything is written, so a truncated download or a file
edited by hand cannot leave half of the comuni updated.
"""

import csv
import datetime
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from core.traccia import istantanee, registra_modifiche

from .models import Comune, Popolazione

FONTE = "ANPR"
COLONNE_RICHIESTE = ("MESE", "ANNO", "COD_ISTAT_COMUNE", "RESIDENTI")
# Enough to see the pattern of a broken file without flooding the terminal.
MAX_ERRORI = 10

_CIFRE = re.compile(r"[0-9]+")
_MESE_OPZIONE = re.compile(r"([0-9]{4})-([0-9]{2})")


class AnprError(Exception):
    """A file that cannot be imported; each message starts with the line it refers to."""

    def __init__(self, errori: list[str]):
        self.errori = errori
        super().__init__("\n".join(errori))


@dataclass(frozen=True, slots=True)
class RigaAnpr:
    riga: int
    residenti: int


@dataclass
class FileAnpr:
    righe_dati: int
    ultima_riga: int
    # mese (first day) → codice ISTAT → row
    mesi: dict[datetime.date, dict[str, RigaAnpr]]

    def rilevazioni(self, mese: datetime.date) -> dict[str, int]:
        return {codice: riga.residenti for codice, riga in self.mesi[mese].items()}


@dataclass(frozen=True)
class Variazione:
    nome: str
    vecchio: int
    nuovo: int


@dataclass
class EsitoAnpr:
    mese: datetime.date
    righe_mese: int
    variazioni: list[Variazione] = field(default_factory=list)
    invariati: int = 0
    # Known comuni whose figure in force is more recent than the month imported.
    superati: int = 0
    ignorate: int = 0
    assenti: list[str] = field(default_factory=list)
    rilevazioni: int = 0


def formatta_mese(mese: datetime.date) -> str:
    return f"{mese:%Y-%m}"


def parse_mese(valore: str) -> datetime.date:
    """«2025-01» → 1 January 2025, the convention of territorio.parse_fonte."""
    trovato = _MESE_OPZIONE.fullmatch(valore.strip())
    if not trovato or not 1 <= int(trovato[2]) <= 12:
        raise ValueError(f"mese «{valore}» non valido: usare il formato AAAA-MM, es. 2025-01")
    return datetime.date(int(trovato[1]), int(trovato[2]), 1)


def _testo(dati: bytes) -> str:
    try:
        # utf-8-sig: files saved by spreadsheet programs start with a BOM.
        return dati.decode("utf-8-sig")
    except UnicodeDecodeError as errore:
        riga = dati[: errore.start].count(b"\n") + 1
        raise AnprError([f"riga {riga}: il file non è in codifica UTF-8"]) from errore


def _delimitatore(intestazione: str) -> str:
    # The portal publishes ',' but a file re-saved by a spreadsheet with Italian settings has ';'.
    return ";" if intestazione.count(";") > intestazione.count(",") else ","


def _codice_istat(valore: str) -> str | None:
    if not _CIFRE.fullmatch(valore) or len(valore) > 6:
        return None
    # Spreadsheets read the code as a number and drop its leading zeros (019036 → 19036); a
    # shorter numeric code can only be that, so it is restored rather than rejected.
    return valore.zfill(6)


def leggi_anpr(dati: bytes) -> FileAnpr:
    """Parse and validate a whole ANPR file; raise AnprError listing the faulty lines."""
    testo = _testo(dati)
    if not testo.strip():
        raise AnprError(["riga 1: il file è vuoto"])
    delimitatore = _delimitatore(testo.partition("\n")[0])
    lettore = csv.reader(io.StringIO(testo, newline=""), delimiter=delimitatore)
    intestazione = [nome.strip().upper() for nome in next(lettore)]
    mancanti = [nome for nome in COLONNE_RICHIESTE if nome not in intestazione]
    if mancanti:
        raise AnprError(
            [
                f"riga 1: manca la colonna {', '.join(mancanti)} nell'intestazione "
                f"(colonne lette: {', '.join(intestazione)})"
            ]
        )
    indice = {nome: intestazione.index(nome) for nome in COLONNE_RICHIESTE}

    mesi: dict[datetime.date, dict[str, RigaAnpr]] = {}
    errori: list[str] = []
    righe_dati = 0
    for campi in lettore:
        riga = lettore.line_num
        if not campi:  # blank line, typically the last one
            continue
        righe_dati += 1
        if len(campi) != len(intestazione):
            errori.append(
                f"riga {riga}: {len(campi)} campi invece di {len(intestazione)} "
                "(riga troncata o separatore errato)"
            )
            continue
        valori = {nome: campi[posizione].strip() for nome, posizione in indice.items()}
        errori_riga = []
        mese = valori["MESE"]
        if not _CIFRE.fullmatch(mese) or not 1 <= int(mese) <= 12:
            errori_riga.append(f"MESE «{mese}» non è un mese da 1 a 12")
        anno = valori["ANNO"]
        if not _CIFRE.fullmatch(anno) or len(anno) != 4 or anno.startswith("0"):
            errori_riga.append(f"ANNO «{anno}» non è un anno di 4 cifre")
        codice = _codice_istat(valori["COD_ISTAT_COMUNE"])
        if codice is None:
            errori_riga.append(
                f"COD_ISTAT_COMUNE «{valori['COD_ISTAT_COMUNE']}» non è un codice ISTAT di 6 cifre"
            )
        residenti = valori["RESIDENTI"]
        if not _CIFRE.fullmatch(residenti):
            errori_riga.append(f"RESIDENTI «{residenti}» non è un numero intero")
        if errori_riga:
            errori.append(f"riga {riga}: {'; '.join(errori_riga)}")
            continue
        data = datetime.date(int(anno), int(mese), 1)
        del_mese = mesi.setdefault(data, {})
        if codice in del_mese:
            errori.append(
                f"riga {riga}: il comune {codice} compare già alla riga {del_mese[codice].riga} "
                f"per il mese {formatta_mese(data)}"
            )
            continue
        del_mese[codice] = RigaAnpr(riga=riga, residenti=int(residenti))

    if errori:
        if len(errori) > MAX_ERRORI:
            errori = [*errori[:MAX_ERRORI], f"… e altri {len(errori) - MAX_ERRORI} errori"]
        raise AnprError(errori)
    if not mesi:
        raise AnprError([f"riga {lettore.line_num}: il file non contiene righe di dati"])
    return FileAnpr(righe_dati=righe_dati, ultima_riga=lettore.line_num, mesi=mesi)


def leggi_file_anpr(path: Path) -> FileAnpr:
    return leggi_anpr(Path(path).read_bytes())


def scegli_mese(file: FileAnpr, richiesto: datetime.date | None = None) -> datetime.date:
    """The requested month, or the latest one in the file (the file's order is not relied on)."""
    if richiesto is None:
        return max(file.mesi)
    if richiesto not in file.mesi:
        presenti = ", ".join(formatta_mese(mese) for mese in sorted(file.mesi))
        raise AnprError(
            [
                f"righe 2–{file.ultima_riga}: nessuna riga per il mese {formatta_mese(richiesto)} "
                f"(mesi presenti nel file: {presenti})"
            ]
        )
    return richiesto


@transaction.atomic
def applica_anpr(
    *,
    rilevazioni: Mapping[str, int],
    mese: datetime.date,
    fonte: str = FONTE,
    dry_run: bool = False,
) -> EsitoAnpr:
    """Record the counts of one month (codice ISTAT → residenti) for the portal's comuni.

    The queries do not depend on the size of the file: the portal's comuni are read at once and
    written back in bulk, and the national rows of other comuni are only counted.
    """
    comuni = Comune.objects.in_bulk(field_name="codice_istat")
    # The counts weigh the Assemblea's votes: the bulk writes below send no signal, so
    # registra_modifiche leaves an entry for each changed row, as save() would.
    comuni_prima = {comune.pk: comune for comune in istantanee(comuni.values())}
    esito = EsitoAnpr(mese=mese, righe_mese=len(rilevazioni))
    da_aggiornare = []
    nuove_rilevazioni = []
    for codice, residenti in rilevazioni.items():
        comune = comuni.get(codice)
        if comune is None:
            esito.ignorate += 1
            continue
        nuove_rilevazioni.append(
            Popolazione(comune=comune, fonte=fonte, data_riferimento=mese, residenti=residenti)
        )
        # An older month fills in the history but must not replace a newer figure in force.
        if mese < comune.popolazione_data:
            esito.superati += 1
            continue
        if residenti == comune.popolazione:
            esito.invariati += 1
        else:
            esito.variazioni.append(Variazione(comune.nome, comune.popolazione, residenti))
        if (residenti, mese, fonte) != (
            comune.popolazione,
            comune.popolazione_data,
            comune.popolazione_fonte,
        ):
            comune.popolazione = residenti
            comune.popolazione_data = mese
            comune.popolazione_fonte = fonte
            da_aggiornare.append(comune)

    esito.variazioni.sort(key=lambda variazione: variazione.nome)
    esito.assenti = sorted(
        comune.nome for codice, comune in comuni.items() if codice not in rilevazioni
    )
    esito.rilevazioni = len(nuove_rilevazioni)
    if dry_run:
        return esito
    rilevazioni_prima = _rilevazioni(comuni, fonte, mese)
    Popolazione.objects.bulk_create(
        nuove_rilevazioni,
        update_conflicts=True,
        unique_fields=["comune", "fonte", "data_riferimento"],
        update_fields=["residenti"],
        batch_size=1000,
    )
    Comune.objects.bulk_update(
        da_aggiornare,
        ["popolazione", "popolazione_data", "popolazione_fonte"],
        batch_size=500,
    )
    registra_modifiche(rilevazioni_prima, _rilevazioni(comuni, fonte, mese))
    registra_modifiche([comuni_prima[c.pk] for c in da_aggiornare], da_aggiornare)
    return esito


def _rilevazioni(comuni, fonte, mese) -> list[Popolazione]:
    """The month's counts from this source, each with its comune (whose ambito the trail
    records) taken from `comuni` rather than queried again."""
    per_pk = {comune.pk: comune for comune in comuni.values()}
    rilevazioni = list(Popolazione.objects.filter(fonte=fonte, data_riferimento=mese))
    for rilevazione in rilevazioni:
        rilevazione.comune = per_pk.get(rilevazione.comune_id) or rilevazione.comune
    return rilevazioni
