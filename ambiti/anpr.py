"""Population figures from the open data of ANPR, the national resident registry: the file.

The file (`popolazione_residente_*_export.csv` of italia/anpr-opendata) has one row per comune and
month for the whole of Italy, several months in a year's file. It is read as a stream, one line
at a time: only the rows of the portal's comuni are kept, of the others only what the checks
need (a count per month, the provinces present, and one number per comune of Italy for the last
line's check), so memory does not grow with the months in the file.

Every row is validated before anything is written, so a truncated download or a file edited by
hand cannot leave half of the comuni updated. Writing, and the plausibility checks against the
figures already stored, are in `ambiti.anpr_aggiornamento`.
"""

import csv
import datetime
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

FONTE = "ANPR"
COLONNE_RICHIESTE = ("MESE", "ANNO", "COD_ISTAT_COMUNE", "RESIDENTI")
# Enough to see the pattern of a broken file without flooding the terminal.
MAX_ERRORI = 10
# An ANPR row is under 200 bytes: a longer "line" is not a CSV of residents, and reading it
# whole would put an arbitrary part of the file in memory.
MAX_BYTE_RIGA = 64 * 1024
# A download cut inside the last number leaves at most a tenth of it (71473 → 7147, 714, 71);
# no comune loses four fifths of its residents between two months.
QUOTA_TRONCAMENTO = 5

_CIFRE = re.compile(r"[0-9]+")
_MESE_OPZIONE = re.compile(r"([0-9]{4})-([0-9]{2})")
_BOM = b"\xef\xbb\xbf"


class AnprError(Exception):
    """A file that cannot be imported; each message starts with the line it refers to."""

    def __init__(self, errori: list[str]):
        self.errori = errori
        super().__init__("\n".join(errori))


@dataclass(frozen=True, slots=True)
class RigaAnpr:
    riga: int
    residenti: int
    # The COMUNE column, in ANPR's upper case, when the file has it: a new ambito's comuni are
    # named from it (pdz.nuovo_ambito).
    nome: str = ""


@dataclass
class MeseAnpr:
    # Rows of the month, of every comune of the file.
    righe: int = 0
    # codice ISTAT → row, for the portal's comuni only.
    noti: dict[str, RigaAnpr] = field(default_factory=dict)
    # The provinces (first three digits of the code) with at least one row in the month: a
    # portal comune missing from a province the file covers has a code ANPR no longer uses.
    province: set[str] = field(default_factory=set)


@dataclass
class FileAnpr:
    righe_dati: int
    ultima_riga: int
    mesi: dict[datetime.date, MeseAnpr]

    def rilevazioni(self, mese: datetime.date) -> dict[str, RigaAnpr]:
        return self.mesi[mese].noti

    def ultimo_mese_di(self, codice: str) -> datetime.date | None:
        """The latest month of the file with a row for this portal comune."""
        return max((mese for mese, dati in self.mesi.items() if codice in dati.noti), default=None)


def formatta_mese(mese: datetime.date) -> str:
    return f"{mese:%Y-%m}"


def parse_mese(valore: str) -> datetime.date:
    """«2025-01» → 1 January 2025, the convention of territorio.parse_fonte."""
    trovato = _MESE_OPZIONE.fullmatch(valore.strip())
    if not trovato or not 1 <= int(trovato[2]) <= 12:
        raise ValueError(f"mese «{valore}» non valido: usare il formato AAAA-MM, es. 2025-01")
    return datetime.date(int(trovato[1]), int(trovato[2]), 1)


@dataclass
class _Lettura:
    """The physical lines of the file, decoded one at a time; remembers how the file ended."""

    righe_binarie: Iterable[bytes]
    numero: int = 0
    a_capo_finale: bool = True

    def __iter__(self) -> Iterator[str]:
        for grezza in self.righe_binarie:
            self.numero += 1
            if self.numero == 1:
                # Files saved by spreadsheet programs start with a BOM.
                grezza = grezza.removeprefix(_BOM)
            if len(grezza) >= MAX_BYTE_RIGA and not grezza.endswith(b"\n"):
                raise AnprError(
                    [f"riga {self.numero}: più di {MAX_BYTE_RIGA} byte senza a capo: non è un CSV"]
                )
            self.a_capo_finale = grezza.endswith(b"\n")
            try:
                yield grezza.decode("utf-8")
            except UnicodeDecodeError as errore:
                raise AnprError(
                    [f"riga {self.numero}: il file non è in codifica UTF-8"]
                ) from errore


def _delimitatore(intestazione: str) -> str:
    # The portal publishes ',' but a file re-saved by a spreadsheet with Italian settings has ';'.
    return ";" if intestazione.count(";") > intestazione.count(",") else ","


def _codice_istat(valore: str) -> str | None:
    if not _CIFRE.fullmatch(valore) or len(valore) > 6:
        return None
    # Spreadsheets read the code as a number and drop its leading zeros (019036 → 19036); a
    # shorter numeric code can only be that, so it is restored rather than rejected.
    return valore.zfill(6)


@dataclass
class _Errori:
    """The first MAX_ERRORI messages and how many there were: a file broken on every line must
    not fill the memory with messages nobody reads."""

    primi: list[str] = field(default_factory=list)
    quanti: int = 0

    def aggiungi(self, messaggio: str) -> None:
        self.quanti += 1
        if len(self.primi) < MAX_ERRORI:
            self.primi.append(messaggio)

    def solleva(self) -> None:
        if self.quanti:
            altri = self.quanti - len(self.primi)
            raise AnprError([*self.primi, *([f"… e altri {altri} errori"] if altri else [])])


def _errori_campi(valori: dict[str, str]) -> list[str]:
    errori = []
    mese = valori["MESE"]
    if not _CIFRE.fullmatch(mese) or not 1 <= int(mese) <= 12:
        errori.append(f"MESE «{mese}» non è un mese da 1 a 12")
    anno = valori["ANNO"]
    if not _CIFRE.fullmatch(anno) or len(anno) != 4 or anno.startswith("0"):
        errori.append(f"ANNO «{anno}» non è un anno di 4 cifre")
    if _codice_istat(valori["COD_ISTAT_COMUNE"]) is None:
        errori.append(
            f"COD_ISTAT_COMUNE «{valori['COD_ISTAT_COMUNE']}» non è un codice ISTAT di 6 cifre"
        )
    residenti = valori["RESIDENTI"]
    # A comune with no residents would carry no weight in the Assemblea: it is a broken export.
    if not _CIFRE.fullmatch(residenti) or int(residenti) == 0:
        errori.append(f"RESIDENTI «{residenti}» non è un numero intero positivo")
    return errori


def leggi_anpr(righe: Iterable[bytes], popolazione_nota: Mapping[str, int]) -> FileAnpr:
    """Parse and validate a whole ANPR file given as its binary lines; raise AnprError listing
    the faulty lines.

    `popolazione_nota` maps the portal's comuni (codice ISTAT) to their population in force:
    only their rows are kept, and it is the last resort to tell a last line cut short.
    """
    lettura = _Lettura(righe)
    linee = iter(lettura)
    prima = next(linee, "")
    if not prima.strip():
        raise AnprError(["riga 1: il file è vuoto"])
    delimitatore = _delimitatore(prima)
    lettore = csv.reader(chain([prima], linee), delimiter=delimitatore)
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
    colonna_nome = intestazione.index("COMUNE") if "COMUNE" in intestazione else None

    mesi: dict[datetime.date, MeseAnpr] = {}
    date: dict[tuple[str, str], datetime.date] = {}
    errori = _Errori()
    righe_dati = 0
    # The latest row read of every comune of the file, and the one before the current row: the
    # same comune's count in another month is the best yardstick for a last line cut short.
    ultimo_di: dict[str, RigaAnpr] = {}
    confronto: RigaAnpr | None = None
    riga_valida: tuple[int, str, int] | None = None
    while True:
        try:
            campi = next(lettore)
        except StopIteration:
            break
        except csv.Error as errore:
            errori.aggiungi(f"riga {lettore.line_num}: {errore}")
            continue
        riga = lettore.line_num
        riga_valida = None
        if not campi:  # blank line, typically the last one
            continue
        righe_dati += 1
        if len(campi) != len(intestazione):
            errori.aggiungi(
                f"riga {riga}: {len(campi)} campi invece di {len(intestazione)} "
                "(riga troncata o separatore errato)"
            )
            continue
        valori = {nome: campi[posizione].strip() for nome, posizione in indice.items()}
        errori_riga = _errori_campi(valori)
        if errori_riga:
            errori.aggiungi(f"riga {riga}: {'; '.join(errori_riga)}")
            continue
        chiave = (valori["MESE"], valori["ANNO"])
        data = date.get(chiave)
        if data is None:
            data = date[chiave] = datetime.date(int(chiave[1]), int(chiave[0]), 1)
        codice = _codice_istat(valori["COD_ISTAT_COMUNE"])
        residenti = int(valori["RESIDENTI"])
        del_mese = mesi.get(data)
        if del_mese is None:
            del_mese = mesi[data] = MeseAnpr()
        del_mese.righe += 1
        del_mese.province.add(codice[:3])
        confronto = ultimo_di.get(codice)
        ultimo_di[codice] = RigaAnpr(riga=riga, residenti=residenti)
        riga_valida = (riga, codice, residenti)
        if codice not in popolazione_nota:
            continue
        if codice in del_mese.noti:
            errori.aggiungi(
                f"riga {riga}: il comune {codice} compare già alla riga "
                f"{del_mese.noti[codice].riga} per il mese {formatta_mese(data)}"
            )
            continue
        nome = campi[colonna_nome].strip() if colonna_nome is not None else ""
        del_mese.noti[codice] = RigaAnpr(riga=riga, residenti=residenti, nome=nome)

    if not lettura.a_capo_finale and riga_valida is not None:
        _controlla_ultima_riga(riga_valida, confronto, popolazione_nota, errori)
    errori.solleva()
    if not mesi:
        raise AnprError([f"riga {lettore.line_num}: il file non contiene righe di dati"])
    return FileAnpr(righe_dati=righe_dati, ultima_riga=lettore.line_num, mesi=mesi)


def _controlla_ultima_riga(ultima, confronto, popolazione_nota, errori: _Errori) -> None:
    """A file that ends without a newline may have been cut inside its last number.

    ANPR's own exports end without one, so the missing newline alone proves nothing: the last
    count is compared with the same comune's count in another month of the file, or else with
    the figure in force in the portal. A cut leaves at most a tenth of the number.
    """
    riga, codice, residenti = ultima
    if confronto is not None:
        riferimento = confronto.residenti
        descrizione = f"il dato dello stesso comune alla riga {confronto.riga}"
    elif codice in popolazione_nota:
        riferimento = popolazione_nota[codice]
        descrizione = "la popolazione in vigore nel portale"
    else:
        return
    if residenti * QUOTA_TRONCAMENTO < riferimento:
        errori.aggiungi(
            f"riga {riga}: l'ultima riga non termina con un a capo e RESIDENTI «{residenti}» è "
            f"meno di un quinto di {riferimento} ({descrizione}) per il comune {codice}: "
            "il file sembra interrotto a metà dell'ultimo numero; scaricarlo di nuovo"
        )


def _righe_binarie(handle) -> Iterator[bytes]:
    # readline with a limit: a file with no newline at all is read a piece at a time.
    return iter(lambda: handle.readline(MAX_BYTE_RIGA), b"")


def leggi_file_anpr(path: Path, popolazione_nota: Mapping[str, int]) -> FileAnpr:
    with Path(path).open("rb") as handle:
        return leggi_anpr(_righe_binarie(handle), popolazione_nota)


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
