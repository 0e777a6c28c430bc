"""Import of the measured values of the indicators from the MONITORAGGIO CSV.

Two steps, so that nothing is written from a file with a single bad row: leggi_monitoraggio
checks the whole file and lists every bad row with its line number, as the person fixing it in a
spreadsheet sees them; importa_monitoraggio writes the checked rows in one transaction.

The import adds and corrects measured values; it never deletes one. An empty «Valore misurato»
means «not measured yet» (the template has a row for every indicator and year), so the row is
skipped without looking at the rest of it: a template downloaded before an indicator was renamed
still imports, as long as the rows that carry a value are right.
"""

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.traccia import istantanee, registra_modifiche

from .esportazioni import intestazione_monitoraggio
from .models import Obiettivo, ValoreIndicatore

DELIMITATORI = (";", ",")
DECIMALI = 2
# ValoreIndicatore.valore: 14 digits, 2 of them decimals.
CIFRE_INTERE = 12
LUNGHEZZA_NOTA = ValoreIndicatore._meta.get_field("nota").max_length
CENTESIMO = Decimal("0.01")

# «1.234,5» and «1234,5» as Italians write them; «1234.5» as programs do. «1.234» alone could be
# either, and storing a thousand times the value is worse than asking: see _numero.
NUMERO_ITALIANO = re.compile(r"[+-]?(?:[1-9]\d{0,2}(?:\.\d{3})+|\d+)(?:,\d+)?")
NUMERO_SEMPLICE = re.compile(r"[+-]?\d+(?:\.\d+)?")
NUMERO_AMBIGUO = re.compile(r"[+-]?[1-9]\d{0,2}\.\d{3}")
ANNO = re.compile(r"\d{4}")
# Spaces people or spreadsheets put between thousands: plain, no-break, narrow no-break.
SPAZI = re.compile(r"[ \u00a0\u202f]")
# What core.esportazioni.come_csv prefixes with an apostrophe so that it is not a formula.
NEUTRALIZZATO = re.compile(r"'(?=[=+\-@\t\r])")


class ImportazioneNonValida(ValidationError):
    """The file cannot be imported; .messages lists why, one entry per bad row."""


@dataclass(frozen=True)
class RigaMonitoraggio:
    riga: int
    indicatore: object
    anno: int
    valore: Decimal
    nota: str


class Conteggi(NamedTuple):
    nuovi: int
    aggiornati: int
    invariati: int


def _testo(contenuto: bytes) -> str:
    """UTF-8 (with or without the BOM the export writes) or, failing that, Windows-1252: what
    Excel in Italy writes when the file is saved as plain «CSV (delimitato dal separatore di
    elenco)»."""
    try:
        return contenuto.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return contenuto.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportazioneNonValida(
            [_("Il file non è un CSV di testo (codifica UTF-8 o Windows-1252).")]
        ) from None


def _cella(valore: str) -> str:
    return NEUTRALIZZATO.sub("", valore.strip(), count=1)


def _normalizza_intestazione(campi) -> list[str]:
    campi = [" ".join(c.split()).casefold() for c in campi]
    # Spreadsheets sometimes save empty columns to the right of the data.
    while campi and not campi[-1]:
        campi.pop()
    return campi


def _lettore(testo: str, attesa: list[str]):
    """A csv reader positioned after the header, with the delimiter that header uses."""
    for delimitatore in DELIMITATORI:
        lettore = csv.reader(io.StringIO(testo, newline=""), delimiter=delimitatore)
        intestazione = next(lettore, None)
        if intestazione is not None and _normalizza_intestazione(intestazione) == attesa:
            return lettore
    return None


def _numero(testo: str) -> tuple[Decimal | None, str | None]:
    """(value, None) or (None, reason)."""
    compatto = SPAZI.sub("", testo)
    if NUMERO_AMBIGUO.fullmatch(compatto):
        return None, _(
            "il valore «%(valore)s» è ambiguo: scrivi %(migliaia)s per le migliaia "
            "o %(decimali)s per i decimali"
        ) % {
            "valore": testo,
            "migliaia": compatto.replace(".", ""),
            "decimali": compatto.replace(".", ","),
        }
    if NUMERO_ITALIANO.fullmatch(compatto):
        normale = compatto.replace(".", "").replace(",", ".")
    elif NUMERO_SEMPLICE.fullmatch(compatto):
        normale = compatto
    else:
        return None, _("il valore «%(valore)s» non è un numero") % {"valore": testo}
    try:
        valore = Decimal(normale)
        arrotondato = valore.quantize(CENTESIMO)
    except InvalidOperation:
        arrotondato = None
    if arrotondato is None or len(arrotondato.as_tuple().digits) > CIFRE_INTERE + DECIMALI:
        return None, _("il valore «%(valore)s» è troppo grande") % {"valore": testo}
    if arrotondato != valore:
        return None, _("il valore «%(valore)s» ha più di %(n)d decimali") % {
            "valore": testo,
            "n": DECIMALI,
        }
    return arrotondato, None


def leggi_monitoraggio(file_bytes: bytes, *, ambito, periodo) -> list[RigaMonitoraggio]:
    """The rows of a MONITORAGGIO CSV that carry a value, checked against the ambito's objectives
    of the period; ImportazioneNonValida listing every bad row otherwise."""
    attesa = _normalizza_intestazione(intestazione_monitoraggio())
    testo = _testo(file_bytes)
    if not testo.strip():
        raise ImportazioneNonValida([_("Il file è vuoto.")])
    lettore = _lettore(testo, attesa)
    if lettore is None:
        raise ImportazioneNonValida(
            [
                _("Riga 1: l'intestazione deve essere %(colonne)s.")
                % {"colonne": "; ".join(intestazione_monitoraggio())}
            ]
        )

    obiettivi = {
        o.codice: o
        for o in Obiettivo.objects.dell_ambito(ambito, periodo).prefetch_related("indicatori")
    }
    colonne = len(attesa)
    righe, errori, viste = [], [], {}
    fine_precedente = lettore.line_num
    try:
        for campi in lettore:
            # The line the record starts on: a quoted note may span several lines.
            numero, fine_precedente = fine_precedente + 1, lettore.line_num
            motivi = []
            riga = _leggi_riga(campi, numero, colonne, obiettivi, ambito, periodo, motivi)
            if riga is not None and not motivi:
                chiave = (riga.indicatore.pk, riga.anno)
                if chiave in viste:
                    motivi.append(
                        _(
                            "l'indicatore «%(indicatore)s» dell'obiettivo %(codice)s per il "
                            "%(anno)s compare già alla riga %(riga)d"
                        )
                        % {
                            "indicatore": riga.indicatore.nome,
                            "codice": _cella(campi[0]),
                            "anno": riga.anno,
                            "riga": viste[chiave],
                        }
                    )
                else:
                    viste[chiave] = numero
                    righe.append(riga)
            if motivi:
                errori.append(
                    _("Riga %(riga)d: %(motivi)s.") % {"riga": numero, "motivi": "; ".join(motivi)}
                )
    except csv.Error as errore:
        errori.append(
            _("Riga %(riga)d: il file non è un CSV leggibile (%(errore)s).")
            % {"riga": lettore.line_num, "errore": errore}
        )
    if errori:
        raise ImportazioneNonValida(errori)
    return righe


def _leggi_riga(
    campi, numero, colonne, obiettivi, ambito, periodo, motivi
) -> RigaMonitoraggio | None:
    """The row's value, None for a row to skip; the reasons it is wrong go into motivi."""
    campi = [_cella(c) for c in campi]
    if not any(campi):
        return None
    # Empty cells to the right of the table are the spreadsheet's, not the person's.
    while len(campi) > colonne and not campi[-1]:
        campi.pop()
    if len(campi) != colonne:
        motivi.append(
            _("la riga ha %(trovati)d campi invece di %(attesi)d")
            % {"trovati": len(campi), "attesi": colonne}
        )
        return None
    codice, nome, anno_testo, valore_testo, nota = campi
    if not valore_testo:
        if nota:
            motivi.append(_("c'è una nota ma manca il valore misurato"))
        return None

    indicatore = None
    obiettivo = obiettivi.get(codice)
    if not codice:
        motivi.append(_("manca il codice dell'obiettivo"))
    elif obiettivo is None:
        motivi.append(
            _("l'obiettivo «%(codice)s» non esiste nell'ambito %(ambito)s per il %(periodo)s")
            % {"codice": codice, "ambito": ambito.nome, "periodo": periodo.nome}
        )
    else:
        indicatore = _indicatore(obiettivo, nome)
        if indicatore is None:
            motivi.append(
                _("l'obiettivo %(codice)s non ha un indicatore «%(nome)s»")
                % {"codice": codice, "nome": nome}
            )

    anno = int(anno_testo) if ANNO.fullmatch(anno_testo) else None
    if anno is None:
        motivi.append(
            _("l'anno «%(anno)s» non è un numero di quattro cifre") % {"anno": anno_testo}
        )
    elif not periodo.contiene(anno):
        motivi.append(
            _("l'anno %(anno)d è fuori dal periodo %(periodo)s")
            % {"anno": anno, "periodo": periodo.nome}
        )

    valore, motivo = _numero(valore_testo)
    if motivo:
        motivi.append(motivo)
    if len(nota) > LUNGHEZZA_NOTA:
        motivi.append(_("la nota supera i %(n)d caratteri") % {"n": LUNGHEZZA_NOTA})
    if motivi:
        return None
    return RigaMonitoraggio(numero, indicatore, anno, valore, nota)


def _indicatore(obiettivo, nome):
    """By exact name, or ignoring case and repeated spaces when that points to only one."""
    indicatori = list(obiettivo.indicatori.all())
    for indicatore in indicatori:
        if indicatore.nome == nome:
            return indicatore
    chiave = " ".join(nome.split()).casefold()
    simili = [i for i in indicatori if " ".join(i.nome.split()).casefold() == chiave]
    return simili[0] if len(simili) == 1 else None


@transaction.atomic
def importa_monitoraggio(righe, *, utente) -> Conteggi:
    """Write the rows read by leggi_monitoraggio: all of them, or none if anything fails."""
    righe = list(righe)
    esistenti = {
        (v.indicatore_id, v.anno): v
        for v in ValoreIndicatore.objects.select_for_update().filter(
            tipo=ValoreIndicatore.Tipo.MISURA,
            indicatore_id__in={r.indicatore.pk for r in righe},
        )
    }
    # Each value's indicator (and its objective, its ambito for the trail) as the rows carry it.
    indicatori = {r.indicatore.pk: r.indicatore for r in righe}
    for misura in esistenti.values():
        misura.indicatore = indicatori[misura.indicatore_id]
    # Written in bulk, logged by registra_modifiche as save() would be.
    prima = istantanee(esistenti.values())
    adesso = timezone.now()
    nuovi, cambiati, invariati = [], [], 0
    for riga in righe:
        misura = esistenti.get((riga.indicatore.pk, riga.anno))
        if misura is None:
            nuovi.append(
                ValoreIndicatore(
                    indicatore=riga.indicatore,
                    tipo=ValoreIndicatore.Tipo.MISURA,
                    anno=riga.anno,
                    valore=riga.valore,
                    nota=riga.nota,
                    registrato_da=utente,
                )
            )
        elif misura.valore == riga.valore and misura.nota == riga.nota:
            # Left alone: who registered it and when stay those of the value that is there.
            invariati += 1
        else:
            misura.valore, misura.nota = riga.valore, riga.nota
            # bulk_update does not run auto_now: set by hand, as save() would.
            misura.registrato_da, misura.registrato_il = utente, adesso
            cambiati.append(misura)
    ValoreIndicatore.objects.bulk_create(nuovi)
    ValoreIndicatore.objects.bulk_update(
        cambiati, ["valore", "nota", "registrato_da", "registrato_il"], batch_size=500
    )
    registra_modifiche(prima, list(esistenti.values()) + nuovi)
    return Conteggi(nuovi=len(nuovi), aggiornati=len(cambiati), invariati=invariati)
