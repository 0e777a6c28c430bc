"""Objectives by target group: the overview's filter and its summary, exact in Decimal.

Pure functions over objectives fetched with con_dettagli() (groups and resources prefetched), so
that the overview computes them without further queries. An objective with two groups counts in
both groups' rows; the total row counts every objective and every euro once, which is why it is
not the sum of the rows above it.
"""

from dataclasses import dataclass

from .calcoli import ZERO
from .models import Destinatario


@dataclass
class RigaDestinatari:
    gruppo: Destinatario | None
    numero: int
    per_anno: list
    totale: object

    @property
    def id(self):
        return self.gruppo.pk if self.gruppo else None


@dataclass
class RiepilogoDestinatari:
    anni: list[int]
    righe: list[RigaDestinatari]
    senza_gruppo: RigaDestinatari
    totale: RigaDestinatari


def gruppi_della_panoramica(ambito, obiettivi):
    """The active groups the ambito can use, plus any inactive one its objectives still have, in
    the list's order."""
    gruppi = {g.pk: g for g in Destinatario.objects.per_ambito(ambito).filter(attivo=True)}
    for obiettivo in obiettivi:
        for gruppo in obiettivo.gruppi_destinatari.all():
            gruppi.setdefault(gruppo.pk, gruppo)
    return sorted(gruppi.values(), key=lambda g: (g.ordine, g.nome))


def gruppo_richiesto(request, gruppi):
    """The group of ?destinatari=<id>, None when absent or not one of `gruppi`."""
    valore = request.GET.get("destinatari", "")
    return next((g for g in gruppi if str(g.pk) == valore), None) if valore.isdigit() else None


def filtra_per_gruppo(obiettivi, gruppo):
    if gruppo is None:
        return list(obiettivi)
    return [o for o in obiettivi if any(g.pk == gruppo.pk for g in o.gruppi_destinatari.all())]


def _riga(gruppo, obiettivi, anni):
    per_anno = {anno: ZERO for anno in anni}
    for obiettivo in obiettivi:
        for risorsa in obiettivo.risorse.all():
            if risorsa.anno in per_anno:
                per_anno[risorsa.anno] += risorsa.importo
    valori = [per_anno[anno] for anno in anni]
    return RigaDestinatari(gruppo, len(obiettivi), valori, sum(valori, ZERO))


def riepilogo_destinatari(obiettivi, gruppi, anni) -> RiepilogoDestinatari:
    obiettivi, anni = list(obiettivi), list(anni)
    per_gruppo = {g.pk: [] for g in gruppi}
    senza = []
    for obiettivo in obiettivi:
        suoi = obiettivo.gruppi_destinatari.all()
        if not suoi:
            senza.append(obiettivo)
        for gruppo in suoi:
            per_gruppo.setdefault(gruppo.pk, []).append(obiettivo)
    return RiepilogoDestinatari(
        anni=anni,
        righe=[_riga(g, per_gruppo[g.pk], anni) for g in gruppi],
        senza_gruppo=_riga(None, senza, anni),
        totale=_riga(None, obiettivi, anni),
    )
