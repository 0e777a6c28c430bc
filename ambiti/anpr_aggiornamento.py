"""Applying one month of an ANPR file (`ambiti.anpr`) to the portal's comuni.

Every figure is recorded as a Popolazione row, and the figure in force on the Comune moves
forward, never back. Before anything is written the month passes a plausibility check against
what is stored: a count that moves by more than a threshold, or a month older than the one in
force, stops the whole import unless the operator accepts it after reading the list.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from core.traccia import istantanee, registra_modifiche

from .anpr import FONTE, AnprError, FileAnpr, formatta_mese
from .models import Comune, Popolazione

SOGLIA_PREDEFINITA = Decimal(10)


class ImportazioneNonPlausibile(AnprError):
    """The file is well formed but some of its counts need the operator's eye."""


@dataclass(frozen=True)
class Variazione:
    nome: str
    vecchio: int
    nuovo: int


@dataclass(frozen=True)
class Segnalazione:
    """A comune the plausibility check stops, with the line of the file it comes from."""

    riga: int
    nome: str
    codice: str
    testo: str
    # True for a month older than the figure in force, False for a change over the threshold.
    mese_precedente: bool

    def __str__(self):
        return f"riga {self.riga}: {self.nome} ({self.codice}): {self.testo}"


@dataclass(frozen=True)
class CodiceDismesso:
    """A portal comune absent from a month whose file covers its province."""

    nome: str
    codice: str
    popolazione: int
    popolazione_data: datetime.date
    # The latest month of the file that still has the code, if any.
    ultimo_mese: datetime.date | None


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
    dismessi: list[CodiceDismesso] = field(default_factory=list)
    # The comuni the plausibility check flagged, when the operator accepted them.
    accettate: list[Segnalazione] = field(default_factory=list)
    rilevazioni: int = 0


def popolazione_nota() -> dict[str, int]:
    """codice ISTAT → population in force of the portal's comuni: what the reading keeps."""
    return dict(Comune.objects.values_list("codice_istat", "popolazione"))


def percentuale_variazione(vecchio: int, nuovo: int) -> str:
    """«+11,9 %», «-0,3 %»: the change from the figure in force, one decimal."""
    valore = (Decimal(nuovo - vecchio) * 100 / vecchio).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    segno = "+" if valore > 0 else ""
    return f"{segno}{valore} %".replace(".", ",")


def oltre_soglia(vecchio: int, nuovo: int, soglia: Decimal) -> bool:
    # Exact, in integers and Decimals: 4007 → 4407 is 9.98 %, 4007 → 4408 is 10.007 %.
    return abs(nuovo - vecchio) * 100 > soglia * vecchio


def _segnalazione(comune: Comune, riga, mese: datetime.date, soglia: Decimal):
    residenti = riga.residenti
    mese_precedente = mese < comune.popolazione_data
    if mese_precedente:
        testo = (
            f"il file è del {formatta_mese(mese)}, il portale ha già la popolazione del "
            f"{formatta_mese(comune.popolazione_data)} ({comune.popolazione})"
        )
    elif oltre_soglia(comune.popolazione, residenti, soglia):
        testo = (
            f"{comune.popolazione} ({formatta_mese(comune.popolazione_data)}) → {residenti} "
            f"({formatta_mese(mese)}), {percentuale_variazione(comune.popolazione, residenti)}"
        )
    else:
        return None
    return Segnalazione(
        riga=riga.riga,
        nome=comune.nome,
        codice=comune.codice_istat,
        testo=testo,
        mese_precedente=mese_precedente,
    )


def _rifiuto(segnalazioni: list[Segnalazione], soglia: Decimal) -> ImportazioneNonPlausibile:
    mesi = [s for s in segnalazioni if s.mese_precedente]
    variazioni = [s for s in segnalazioni if not s.mese_precedente]
    soglia_testo = f"{soglia.normalize():f}".replace(".", ",")
    righe = [
        f"controllo di plausibilità: {len(segnalazioni)} "
        f"{'comune da verificare' if len(segnalazioni) == 1 else 'comuni da verificare'}"
    ]
    if variazioni:
        righe.append(
            f"Popolazione che cambia di oltre il {soglia_testo} % rispetto a quella in vigore:"
        )
        righe += [f"  {s}" for s in variazioni]
    if mesi:
        righe.append("Mese più vecchio di quello già in vigore:")
        righe += [f"  {s}" for s in mesi]
    righe.append(
        "Se i dati sono corretti, ripetere con --accetta-variazioni "
        "(o cambiare la soglia con --soglia)."
    )
    return ImportazioneNonPlausibile(righe)


@transaction.atomic
def applica_anpr(
    *,
    file: FileAnpr,
    mese: datetime.date,
    fonte: str = FONTE,
    soglia: Decimal = SOGLIA_PREDEFINITA,
    accetta_variazioni: bool = False,
    dry_run: bool = False,
) -> EsitoAnpr:
    """Record the counts of one month of `file` for the portal's comuni.

    The queries do not depend on the size of the file: the portal's comuni are read at once,
    locked so that the check and the write see the same figures, and written back in bulk.
    """
    del_mese = file.mesi[mese]
    comuni = Comune.objects.select_for_update().in_bulk(field_name="codice_istat")
    # The counts weigh the Assemblea's votes: the bulk writes below send no signal, so
    # registra_modifiche leaves an entry for each changed row, as save() would.
    comuni_prima = {comune.pk: comune for comune in istantanee(comuni.values())}
    esito = EsitoAnpr(mese=mese, righe_mese=del_mese.righe)
    segnalazioni = []
    da_aggiornare = []
    nuove_rilevazioni = []
    for codice, riga in del_mese.noti.items():
        comune = comuni.get(codice)
        if comune is None:  # removed from the portal while the file was being read
            continue
        segnalazione = _segnalazione(comune, riga, mese, soglia)
        if segnalazione:
            segnalazioni.append(segnalazione)
        residenti = riga.residenti
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

    segnalazioni.sort(key=lambda s: (s.nome, s.codice))
    if segnalazioni and not accetta_variazioni:
        raise _rifiuto(segnalazioni, soglia)
    esito.accettate = segnalazioni
    esito.ignorate = del_mese.righe - len(del_mese.noti)
    esito.variazioni.sort(key=lambda variazione: variazione.nome)
    assenti = sorted(
        (comune for codice, comune in comuni.items() if codice not in del_mese.noti),
        key=lambda comune: (comune.nome, comune.codice_istat),
    )
    esito.assenti = [comune.nome for comune in assenti]
    esito.dismessi = [
        CodiceDismesso(
            nome=comune.nome,
            codice=comune.codice_istat,
            popolazione=comune.popolazione,
            popolazione_data=comune.popolazione_data,
            ultimo_mese=file.ultimo_mese_di(comune.codice_istat),
        )
        for comune in assenti
        if comune.codice_istat[:3] in del_mese.province
    ]
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
