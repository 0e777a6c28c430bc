"""The objectives of a plan as tables for CSV and XLSX: pure functions from objects to rows.

Each function takes objectives fetched with Obiettivo.objects.con_dettagli(), so that the whole
export costs the same few queries whatever the number of objectives, and returns a list of rows,
the first one being the header. Amounts and values stay Decimal (exact sums in the spreadsheet),
dates stay dates: core.esportazioni writes them in either format.

The MONITORAGGIO table is also the template of the import (obiettivi.importazione): one row per
indicator and year of the period, the measured value when there is one, so that the Ufficio di
Piano downloads it, fills in the empty cells and uploads it back.
"""

from decimal import Decimal

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core.ordinamento import chiave_naturale

TABELLE = (
    "obiettivi",
    "azioni",
    "risorse",
    "risorse_azioni",
    "disponibilita",
    "indicatori",
    "monitoraggio",
)

# A proposal quoted in the objectives' table: enough to recognise it, not the whole text.
LUNGHEZZA_PROPOSTA = 80


def ordina_per_codice(obiettivi):
    """By code as people read it: 2.1 before 10.1, 4.2 before 4.10."""

    return sorted(obiettivi, key=lambda o: (chiave_naturale(o.codice), o.pk))


def _si_no(valore: bool) -> str:
    return _("Sì") if valore else _("No")


def _elenco(oggetti) -> str:
    return "; ".join(str(o) for o in oggetti)


def _proposta(esito) -> str:
    testo = Truncator(" ".join(esito.testo.split())).chars(LUNGHEZZA_PROPOSTA)
    return f"{esito.incontro.tavolo.titolo}: {testo}"


def obiettivi_righe(obiettivi):
    righe = [
        [
            _("Ambito"),
            _("Periodo"),
            _("Codice"),
            _("Titolo"),
            _("Descrizione"),
            _("Aree di policy"),
            _("Destinatari"),
            _("Note sui destinatari"),
            _("Integrazione socio-sanitaria"),
            _("ASST"),
            _("Trasversale"),
            _("Priorità"),
            _("Stato"),
            _("Avanzamento (%)"),
            _("Totale risorse (€)"),
            _("Proposte collegate"),
        ]
    ]
    for obiettivo in obiettivi:
        righe.append(
            [
                obiettivo.ambito.nome,
                obiettivo.periodo.nome,
                obiettivo.codice,
                obiettivo.titolo,
                obiettivo.descrizione,
                # Sorted here rather than in the query: the prefetch keeps the model's order.
                _elenco(sorted(obiettivo.aree_policy.all(), key=lambda a: (a.ordine, a.nome))),
                _elenco(obiettivo.gruppi_destinatari.all()),
                obiettivo.destinatari,
                _si_no(obiettivo.integrazione_sociosanitaria),
                _elenco(obiettivo.asst.all()),
                _si_no(obiettivo.trasversale),
                obiettivo.get_priorita_display(),
                obiettivo.get_stato_display(),
                obiettivo.avanzamento,
                obiettivo.totale_risorse,
                # One per line: a cell holds them all and the sheet stays one row per objective.
                "\n".join(_proposta(e) for e in obiettivo.proposte.all()),
            ]
        )
    return righe


def azioni_righe(obiettivi):
    righe = [
        [
            _("Codice obiettivo"),
            _("N."),
            _("Descrizione"),
            _("Responsabile"),
            _("Partner"),
            _("Inizio"),
            _("Fine"),
            _("Risorse assegnate (€)"),
            _("Avanzamento (%)"),
            _("Nota avanzamento"),
        ]
    ]
    for obiettivo in obiettivi:
        for numero, azione in enumerate(obiettivo.azioni.all(), start=1):
            righe.append(
                [
                    obiettivo.codice,
                    numero,
                    azione.descrizione,
                    azione.nome_responsabile,
                    _elenco(sorted(azione.partner.all(), key=lambda e: e.denominazione)),
                    azione.data_inizio,
                    azione.data_fine,
                    azione.risorse_assegnate,
                    azione.avanzamento,
                    azione.nota_avanzamento,
                ]
            )
    return righe


def risorse_righe(obiettivi):
    righe = [[_("Codice obiettivo"), _("Anno"), _("Fondo"), _("Importo (€)")]]
    for obiettivo in obiettivi:
        for risorsa in obiettivo.risorse.all():
            righe.append([obiettivo.codice, risorsa.anno, risorsa.fondo.sigla, risorsa.importo])
    return righe


def risorse_azioni_righe(obiettivi, righe_azioni):
    """Each action's euro by year and fund; `righe_azioni` carry their fondo."""
    per_azione = {}
    for riga in righe_azioni:
        per_azione.setdefault(riga.azione_id, []).append(riga)
    righe = [[_("Codice obiettivo"), _("N. azione"), _("Anno"), _("Fondo"), _("Importo (€)")]]
    for obiettivo in obiettivi:
        for numero, azione in enumerate(obiettivo.azioni.all(), start=1):
            for riga in sorted(
                per_azione.get(azione.pk, []), key=lambda r: (r.anno, r.fondo.ordine)
            ):
                righe.append([obiettivo.codice, numero, riga.anno, riga.fondo.sigla, riga.importo])
    return righe


def disponibilita_righe(riconciliazione, atti):
    """Available against allocated per fund and year (`atti`: (anno, fondo_id) → act)."""
    righe = [
        [
            _("Fondo"),
            _("Anno"),
            _("Disponibile (€)"),
            _("Programmato (€)"),
            _("Differenza (€)"),
            _("Oltre la disponibilità"),
            _("Atto di assegnazione"),
        ]
    ]
    for fondo, anni, _totale in riconciliazione.per_fondo():
        for anno, confronto in anni:
            righe.append(
                [
                    fondo.sigla,
                    anno,
                    confronto.tetto,
                    confronto.impegnato,
                    confronto.differenza,
                    _si_no(confronto.eccede),
                    atti.get((anno, fondo.pk), ""),
                ]
            )
    return righe


def indicatori_righe(obiettivi, periodo):
    righe = [
        [
            _("Codice obiettivo"),
            _("Indicatore"),
            _("Unità"),
            _("Valore di partenza"),
            _("Anno di partenza"),
            _("Fonte"),
            *(_("Atteso %(anno)s") % {"anno": anno} for anno in periodo.anni),
        ]
    ]
    for obiettivo in obiettivi:
        for indicatore in obiettivo.indicatori.all():
            righe.append(
                [
                    obiettivo.codice,
                    indicatore.nome,
                    indicatore.unita,
                    indicatore.valore_base,
                    indicatore.anno_base,
                    indicatore.fonte,
                    *(
                        target.valore if target else None
                        for _anno, target, _misura in indicatore.valori_per_anno(periodo.anni)
                    ),
                ]
            )
    return righe


def intestazione_monitoraggio():
    return [_("Codice obiettivo"), _("Indicatore"), _("Anno"), _("Valore misurato"), _("Nota")]


def monitoraggio_righe(obiettivi, periodo):
    righe = [intestazione_monitoraggio()]
    for obiettivo in obiettivi:
        for indicatore in obiettivo.indicatori.all():
            for anno, _target, misura in indicatore.valori_per_anno(periodo.anni):
                righe.append(
                    [
                        obiettivo.codice,
                        indicatore.nome,
                        anno,
                        misura.valore if misura else None,
                        misura.nota if misura else "",
                    ]
                )
    return righe


def tabelle(obiettivi, periodo, *, righe_azioni, disponibili, riconciliazione):
    """{name: (sheet title, rows)} for every table, in the order of the workbook's sheets."""
    obiettivi = ordina_per_codice(obiettivi)
    atti = {(d.anno, d.fondo_id): d.atto for d in disponibili}
    return {
        "obiettivi": (_("Obiettivi"), obiettivi_righe(obiettivi)),
        "azioni": (_("Azioni"), azioni_righe(obiettivi)),
        "risorse": (_("Risorse"), risorse_righe(obiettivi)),
        "risorse_azioni": (
            _("Risorse delle azioni"),
            risorse_azioni_righe(obiettivi, righe_azioni),
        ),
        "disponibilita": (
            _("Disponibilità dei fondi"),
            disponibilita_righe(riconciliazione, atti),
        ),
        "indicatori": (_("Indicatori"), indicatori_righe(obiettivi, periodo)),
        "monitoraggio": (_("Monitoraggio"), monitoraggio_righe(obiettivi, periodo)),
    }


class NumeroCsv:
    """A Decimal as Excel set up for Italy reads it in a CSV: decimal comma, no grouping.

    core.esportazioni.come_csv writes str() of what is neither text nor a date: a Decimal
    would come out as «1234.50», which that Excel takes for text (or a date). Not a str, so
    that come_csv does not take a negative number for a formula to neutralise.
    """

    __slots__ = ("valore",)

    def __init__(self, valore: Decimal):
        self.valore = valore

    def __str__(self):
        return format(self.valore, "f").replace(".", ",")


def per_csv(righe):
    """The rows with their Decimals written for a CSV (see NumeroCsv)."""
    return [[NumeroCsv(v) if isinstance(v, Decimal) else v for v in riga] for riga in righe]
