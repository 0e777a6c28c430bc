"""The open data of an ambito: each dataset as a table (stable snake_case Italian column names,
one row per record), read from pubblico/selezioni.py and nothing else, and the same table
written as CSV, JSON or ODS under CC BY 4.0.

A cell is a str, an int, a bool, a Decimal (amounts stay exact: JSON writes them as decimal
strings, ODS as numbers with their digits), a date, a datetime (written in ISO 8601), or None.
"""

import datetime
import io
import json
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from odfdo import Cell, Document, Row, Table

from ambiti.models import AreaPolicy, Ente, Iscrizione
from core.esportazioni import FUSO_ORARIO, come_csv
from obiettivi.models import Azione, Indicatore, Risorsa, ValoreIndicatore

from . import selezioni

LICENZA_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENZA_UE = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
LICENZA_NOME = "Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)"

TEMA_SOCI = "SOCI"  # EU data-theme: population and society
TEMA_GOVE = "GOVE"  # EU data-theme: government and public sector
TEMA_ECON = "ECON"  # EU data-theme: economy and finance

FORMATI = ("csv", "json", "ods")
TIPI_CONTENUTO = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
# The EU file-type vocabulary's code of each format (dct:format).
TIPI_FILE_UE = {"csv": "CSV", "json": "JSON", "ods": "ODS"}


@dataclass(frozen=True)
class Dataset:
    codice: str
    titolo: str
    descrizione: str
    temi: tuple[str, ...]
    # EU frequency vocabulary: how often the data changes.
    frequenza: str
    colonne: tuple[str, ...]
    righe: object  # ambito -> iterable of tuples, in the order of colonne
    modificato: object  # ambito -> date | datetime | None


def _iso(valore):
    if isinstance(valore, datetime.datetime):
        return timezone.localtime(valore, FUSO_ORARIO).isoformat(timespec="seconds")
    if isinstance(valore, datetime.date):
        return valore.isoformat()
    return valore


def _elenco(oggetti, attributo="nome") -> str:
    """A many-valued cell: the names joined by « | », a separator no name contains."""
    return " | ".join(getattr(o, attributo) for o in oggetti)


def _massimo(queryset, campo):
    return queryset.aggregate(m=Max(campo))["m"]


# --- The datasets -------------------------------------------------------------------------------


def _obiettivi(ambito):
    elenco = (
        selezioni.obiettivi_pubblicati(ambito)
        .select_related("periodo")
        .prefetch_related(
            Prefetch("aree_policy", queryset=AreaPolicy.objects.only("nome")),
            "gruppi_destinatari",
        )
        .order_by("periodo__anno_inizio", "codice")
    )
    for o in elenco:
        yield (
            o.pk,
            o.periodo.nome,
            o.codice,
            o.titolo,
            o.descrizione,
            _elenco(o.aree_policy.all()),
            _elenco(o.gruppi_destinatari.all()),
            o.destinatari,
            o.priorita,
            o.stato,
            o.integrazione_sociosanitaria,
            o.trasversale,
            o.modificato_il,
        )


def _modifica_obiettivi(ambito):
    return _massimo(selezioni.obiettivi_pubblicati(ambito), "modificato_il")


def _azioni(ambito):
    elenco = (
        Azione.objects.filter(obiettivo__in=selezioni.obiettivi_pubblicati(ambito))
        .select_related("obiettivo__periodo", "responsabile")
        .only(
            "descrizione",
            "responsabile_altro",
            "responsabile__denominazione",
            "data_inizio",
            "data_fine",
            "risorse_assegnate",
            "avanzamento",
            "ordine",
            "obiettivo__codice",
            "obiettivo__periodo__nome",
        )
        .prefetch_related(Prefetch("partner", queryset=Ente.objects.only("denominazione")))
        .order_by("obiettivo__periodo__anno_inizio", "obiettivo__codice", "ordine", "pk")
    )
    for a in elenco:
        yield (
            a.pk,
            a.obiettivo_id,
            a.obiettivo.periodo.nome,
            a.obiettivo.codice,
            a.ordine,
            a.descrizione,
            a.nome_responsabile,
            _elenco(a.partner.all(), "denominazione"),
            a.data_inizio,
            a.data_fine,
            a.risorse_assegnate,
            a.avanzamento,
        )


def _risorse(ambito):
    elenco = (
        Risorsa.objects.filter(obiettivo__in=selezioni.obiettivi_pubblicati(ambito))
        .select_related("obiettivo__periodo", "fondo")
        .order_by("obiettivo__periodo__anno_inizio", "obiettivo__codice", "anno", "fondo__ordine")
    )
    for r in elenco:
        yield (
            r.obiettivo_id,
            r.obiettivo.periodo.nome,
            r.obiettivo.codice,
            r.anno,
            r.fondo.sigla,
            r.fondo.nome,
            r.importo,
        )


def _indicatori(ambito):
    elenco = (
        Indicatore.objects.filter(obiettivo__in=selezioni.obiettivi_pubblicati(ambito))
        .select_related("obiettivo__periodo")
        .order_by("obiettivo__periodo__anno_inizio", "obiettivo__codice", "pk")
    )
    for i in elenco:
        yield (
            i.pk,
            i.obiettivo_id,
            i.obiettivo.periodo.nome,
            i.obiettivo.codice,
            i.nome,
            i.unita,
            i.fonte,
            i.valore_base,
            i.anno_base,
        )


def _valori_pubblici(ambito):
    return ValoreIndicatore.objects.filter(
        indicatore__obiettivo__in=selezioni.obiettivi_pubblicati(ambito)
    )


def _misurazioni(ambito):
    # The note on a value is the Ufficio di Piano's working note: never read.
    elenco = (
        _valori_pubblici(ambito)
        .select_related("indicatore__obiettivo")
        .only("tipo", "anno", "valore", "indicatore__nome", "indicatore__obiettivo__codice")
        .order_by("indicatore__obiettivo__codice", "indicatore_id", "anno", "tipo")
    )
    for v in elenco:
        yield (
            v.indicatore_id,
            v.indicatore.obiettivo.codice,
            v.indicatore.nome,
            v.anno,
            v.tipo,
            v.valore,
        )


def _modifica_misurazioni(ambito):
    return _massimo(_valori_pubblici(ambito), "registrato_il")


def _enti(ambito):
    for i in selezioni.registro(ambito):
        yield (
            i.ente.denominazione,
            i.ente.tipo,
            i.ente.sito_web,
            _elenco(i.aree_policy.all()),
            i.aderisce_adp,
            i.data_adesione_adp,
        )


def _modifica_enti(ambito):
    return _massimo(Iscrizione.objects.attive().filter(ambito=ambito), "modificata_il")


def _comuni(ambito):
    for c in selezioni.comuni(ambito):
        yield (
            c.codice_istat,
            c.nome,
            c.provincia,
            c.popolazione,
            c.popolazione_data,
            c.popolazione_fonte,
        )


def _modifica_comuni(ambito):
    return _massimo(selezioni.comuni(ambito), "popolazione_data")


def _conteggi(risultato, chiave):
    conteggio = (risultato or {}).get(chiave) or {}
    peso = conteggio.get("popolazione")
    return conteggio.get("teste"), Decimal(str(peso)) if peso is not None else None


def _votazioni(ambito):
    for v in selezioni.votazioni_chiuse(ambito):
        seduta = v.punto.seduta
        totali = []
        for chiave in ("aventi_diritto", "presenti", "favorevoli", "contrari", "astenuti"):
            totali.extend(_conteggi(v.risultato, chiave))
        yield (
            v.pk,
            seduta.pk,
            seduta.titolo,
            timezone.localtime(seduta.prima_convocazione, FUSO_ORARIO).date(),
            v.punto.ordine,
            v.punto.titolo,
            v.regola.scrutinio,
            v.regola.peso,
            *totali,
            v.esito,
            v.chiusa_il,
        )


def _modifica_votazioni(ambito):
    return _massimo(selezioni.votazioni_chiuse(ambito), "chiusa_il")


def _voti_palesi(ambito):
    for voto in selezioni.voti_palesi(ambito):
        punto = voto.votazione.punto
        yield (
            voto.votazione_id,
            punto.seduta.titolo,
            timezone.localtime(punto.seduta.prima_convocazione, FUSO_ORARIO).date(),
            punto.ordine,
            punto.titolo,
            voto.comune.codice_istat,
            voto.comune.nome,
            voto.scelta,
        )


_TOTALI = tuple(
    f"{chiave}_{misura}"
    for chiave in ("aventi_diritto", "presenti", "favorevoli", "contrari", "astenuti")
    for misura in ("comuni", "peso")
)

DATASET = (
    Dataset(
        "obiettivi",
        _("Obiettivi del Piano di Zona"),
        _(
            "Gli obiettivi dei Piani di Zona approvati dall'Assemblea dei Sindaci, con aree di "
            "policy, destinatari, priorità e stato di attuazione."
        ),
        (TEMA_SOCI, TEMA_GOVE),
        "IRREG",
        (
            "id_obiettivo",
            "periodo",
            "codice",
            "titolo",
            "descrizione",
            "aree_policy",
            "gruppi_destinatari",
            "note_destinatari",
            "priorita",
            "stato",
            "integrazione_sociosanitaria",
            "trasversale",
            "modificato_il",
        ),
        _obiettivi,
        _modifica_obiettivi,
    ),
    Dataset(
        "azioni",
        _("Azioni degli obiettivi"),
        _(
            "Le azioni con cui si realizza ciascun obiettivo: responsabile, partner, date di "
            "inizio e fine, risorse assegnate e avanzamento in percentuale."
        ),
        (TEMA_SOCI,),
        "IRREG",
        (
            "id_azione",
            "id_obiettivo",
            "periodo",
            "codice_obiettivo",
            "ordine",
            "descrizione",
            "responsabile",
            "partner",
            "data_inizio",
            "data_fine",
            "risorse_assegnate_euro",
            "avanzamento_percentuale",
        ),
        _azioni,
        _modifica_obiettivi,
    ),
    Dataset(
        "risorse",
        _("Risorse per obiettivo, fondo e anno"),
        _(
            "Le risorse programmate per ciascun obiettivo, ripartite per fondo di finanziamento "
            "e per anno, in euro con due decimali."
        ),
        (TEMA_SOCI, TEMA_ECON),
        "IRREG",
        (
            "id_obiettivo",
            "periodo",
            "codice_obiettivo",
            "anno",
            "fondo_sigla",
            "fondo",
            "importo_euro",
        ),
        _risorse,
        _modifica_obiettivi,
    ),
    Dataset(
        "indicatori",
        _("Indicatori degli obiettivi"),
        _(
            "Gli indicatori con cui si misura il raggiungimento di ciascun obiettivo, con unità "
            "di misura, fonte e valore di partenza."
        ),
        (TEMA_SOCI,),
        "IRREG",
        (
            "id_indicatore",
            "id_obiettivo",
            "periodo",
            "codice_obiettivo",
            "nome",
            "unita_misura",
            "fonte",
            "valore_base",
            "anno_base",
        ),
        _indicatori,
        _modifica_obiettivi,
    ),
    Dataset(
        "misurazioni",
        _("Valori attesi e misurati degli indicatori"),
        _(
            "Per ciascun indicatore e anno, il valore atteso (tipo «target») e quello misurato "
            "(tipo «misura»)."
        ),
        (TEMA_SOCI,),
        "ANNUAL",
        ("id_indicatore", "codice_obiettivo", "indicatore", "anno", "tipo", "valore"),
        _misurazioni,
        _modifica_misurazioni,
    ),
    Dataset(
        "enti",
        _("Registro degli enti della co-programmazione"),
        _(
            "Gli enti iscritti al registro dell'ambito: denominazione, tipo, sito web, aree di "
            "policy e adesione all'Accordo di Programma. Nessun recapito personale."
        ),
        (TEMA_SOCI, TEMA_GOVE),
        "IRREG",
        (
            "denominazione",
            "tipo",
            "sito_web",
            "aree_policy",
            "aderisce_accordo_programma",
            "data_adesione_accordo_programma",
        ),
        _enti,
        _modifica_enti,
    ),
    Dataset(
        "comuni",
        _("Comuni dell'ambito e popolazione residente"),
        _(
            "I comuni dell'ambito con codice ISTAT, provincia e popolazione residente, con la "
            "data di riferimento e la fonte del dato (ANPR)."
        ),
        (TEMA_SOCI, TEMA_GOVE),
        "MONTHLY",
        (
            "codice_istat",
            "comune",
            "provincia",
            "popolazione",
            "popolazione_data_riferimento",
            "popolazione_fonte",
        ),
        _comuni,
        _modifica_comuni,
    ),
    Dataset(
        "votazioni",
        _("Risultati delle votazioni dell'Assemblea dei Sindaci"),
        _(
            "I risultati delle votazioni delle sedute chiuse: comuni e peso (abitanti o quote) "
            "di aventi diritto, presenti, favorevoli, contrari e astenuti, ed esito."
        ),
        (TEMA_GOVE,),
        "IRREG",
        (
            "id_votazione",
            "id_seduta",
            "seduta",
            "data_seduta",
            "numero_punto",
            "oggetto",
            "scrutinio",
            "peso_voto",
            *_TOTALI,
            "esito",
            "chiusa_il",
        ),
        _votazioni,
        _modifica_votazioni,
    ),
    Dataset(
        "voti-palesi",
        _("Voto dei comuni nelle votazioni a scrutinio palese"),
        _(
            "Come ha votato ciascun comune nelle votazioni a scrutinio palese delle sedute "
            "chiuse. Le votazioni a scrutinio segreto non vi compaiono."
        ),
        (TEMA_GOVE,),
        "IRREG",
        (
            "id_votazione",
            "seduta",
            "data_seduta",
            "numero_punto",
            "oggetto",
            "codice_istat",
            "comune",
            "voto",
        ),
        _voti_palesi,
        _modifica_votazioni,
    ),
)

PER_CODICE = {d.codice: d for d in DATASET}


def modificato(dataset, ambito) -> datetime.date:
    """The day the dataset last changed; with no record yet, today (it is published empty)."""
    valore = dataset.modificato(ambito)
    if isinstance(valore, datetime.datetime):
        return timezone.localtime(valore, FUSO_ORARIO).date()
    return valore or timezone.localdate()


# --- The formats --------------------------------------------------------------------------------


def metadati(dataset, ambito, url) -> dict:
    return {
        "identificativo": f"{ambito.slug}-{dataset.codice}",
        "titolo": str(dataset.titolo),
        "descrizione": str(dataset.descrizione),
        "ambito": ambito.nome,
        "titolare": ambito.nome_gestore_sito,
        "licenza": LICENZA_NOME,
        "licenza_url": LICENZA_URL,
        "attribuzione": f"{ambito.nome_gestore_sito} — {dataset.titolo}",
        "modificato": modificato(dataset, ambito).isoformat(),
        "url": url,
        "colonne": list(dataset.colonne),
    }


def _in_json(valore):
    if isinstance(valore, Decimal):
        # A decimal string: a JSON number would be read as a float by most parsers.
        return format(valore, "f")
    return _iso(valore)


def come_json(dataset, righe, meta) -> bytes:
    documento = {
        "metadati": meta,
        "dati": [dict(zip(dataset.colonne, map(_in_json, riga), strict=True)) for riga in righe],
    }
    return json.dumps(documento, ensure_ascii=False, indent=1).encode("utf-8")


def _in_csv(valore):
    if isinstance(valore, bool):
        return "true" if valore else "false"
    # ISO dates as text; come_csv neutralises the text typed by people (a leading = or @).
    return _iso(valore)


def come_csv_aperto(dataset, righe) -> bytes:
    return come_csv([dataset.colonne, *([_in_csv(v) for v in riga] for riga in righe)])


def _cella(valore) -> Cell:
    # odfdo types the cell from the value: a Decimal keeps its digits in office:value, a date
    # is a date cell; a string is always a string cell, never a formula.
    if valore is None:
        return Cell()
    if isinstance(valore, datetime.datetime):
        return Cell(_iso(valore))
    return Cell(valore)


def come_ods(dataset, righe, meta) -> bytes:
    """One sheet of data with the column names in its first row, and a second sheet
    «licenza» with the metadata (also in the document properties)."""
    documento = Document("spreadsheet")
    corpo = documento.body
    corpo.clear()
    dati = Table("dati")
    dati.append_row(_riga(dataset.colonne))
    for riga in righe:
        dati.append_row(_riga(riga))
    corpo.append(dati)
    licenza = Table("licenza")
    for chiave, valore in meta.items():
        if chiave != "colonne":
            licenza.append_row(_riga((chiave, valore)))
    corpo.append(licenza)
    proprieta = documento.meta
    proprieta.title = meta["titolo"]
    proprieta.description = f"{meta['descrizione']} Licenza: {LICENZA_NOME}, {LICENZA_URL}"
    proprieta.subject = meta["attribuzione"]
    proprieta.language = "it-IT"
    proprieta.set_user_defined_metadata("licenza", LICENZA_URL)
    buffer = io.BytesIO()
    documento.save(buffer)
    return buffer.getvalue()


def _riga(valori) -> Row:
    riga = Row()
    for valore in valori:
        riga.append_cell(_cella(valore))
    return riga


def scrivi(dataset, ambito, formato, url) -> bytes:
    righe = list(dataset.righe(ambito))
    if formato == "csv":
        return come_csv_aperto(dataset, righe)
    meta = metadati(dataset, ambito, url)
    if formato == "json":
        return come_json(dataset, righe, meta)
    return come_ods(dataset, righe, meta)
