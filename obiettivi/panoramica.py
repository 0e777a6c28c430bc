"""The overview's objectives, read lean: one query per relation, plain rows, no queryset per object.

The overview shows, of each objective, its code and title, priority and state, its progress, its
resources and the areas and target groups it is counted under, for every objective of the ambito
at once. con_dettagli() reads all that and much more (actions with partners, indicators and their
values, proposals), and its prefetching builds a queryset per objective and relation: that is
where the page spent most of its time (issue 16). Here each relation is one query of the columns
the page uses, grouped by objective in Python.

The objects answer what the overview's shared functions read of an objective fetched with
con_dettagli() (`aree_policy.all()`, `gruppi_destinatari.all()`, `risorse.all()` with `fondo`,
`avanzamento`, `totale_risorse`): panoramica_per_area, fondi_in_uso, the destinatari summary and
the progress chart take either.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from ambiti.models import AreaPolicy

from .calcoli import avanzamento
from .models import Azione, Destinatario, Fondo, Obiettivo, Risorsa


class Elenco(list):
    """A list that answers .all() as a prefetched relation does."""

    def all(self):
        return self


class RigaRisorsa(NamedTuple):
    anno: int
    fondo_id: int
    importo: Decimal
    fondo: Fondo


class RigaAzione(NamedTuple):
    avanzamento: int
    risorse_assegnate: Decimal | None


_PRIORITA = dict(Obiettivo.Priorita.choices)
_STATI = dict(Obiettivo.Stato.choices)


@dataclass(eq=False)
class ObiettivoInPanoramica:
    pk: int
    codice: str
    titolo: str
    priorita: str
    stato: str
    aree_policy: Elenco = field(default_factory=Elenco)
    gruppi_destinatari: Elenco = field(default_factory=Elenco)
    risorse: Elenco = field(default_factory=Elenco)
    azioni: Elenco = field(default_factory=Elenco)

    def get_priorita_display(self):
        return _PRIORITA.get(self.priorita, self.priorita)

    def get_stato_display(self):
        return _STATI.get(self.stato, self.stato)

    @cached_property
    def avanzamento(self):
        return avanzamento(self.azioni)

    @cached_property
    def totale_risorse(self):
        return sum((r.importo for r in self.risorse), Decimal("0"))


def _collegati(through, colonna, ids, modello):
    """{obiettivo_id: [instances]} of an M2M of the objectives: two queries, however many."""
    coppie = list(through.objects.filter(obiettivo_id__in=ids).values_list("obiettivo_id", colonna))
    istanze = modello.objects.in_bulk({pk for _o, pk in coppie})
    per_obiettivo = defaultdict(list)
    for obiettivo_id, pk in coppie:
        per_obiettivo[obiettivo_id].append(istanze[pk])
    return per_obiettivo


def _per_ordine_e_nome(istanza):
    return (istanza.ordine, istanza.nome)


def obiettivi_della_panoramica(ambito, periodo) -> list[ObiettivoInPanoramica]:
    """The objectives of the ambito's plan for the period, in code order."""
    obiettivi = [
        ObiettivoInPanoramica(*riga)
        for riga in Obiettivo.objects.dell_ambito(ambito, periodo)
        .order_by("codice")
        .values_list("pk", "codice", "titolo", "priorita", "stato")
    ]
    if not obiettivi:
        return []
    per_pk = {o.pk: o for o in obiettivi}
    ids = list(per_pk)
    for obiettivo_id, aree in _collegati(
        Obiettivo.aree_policy.through, "areapolicy_id", ids, AreaPolicy
    ).items():
        per_pk[obiettivo_id].aree_policy.extend(sorted(aree, key=_per_ordine_e_nome))
    for obiettivo_id, gruppi in _collegati(
        Obiettivo.gruppi_destinatari.through, "destinatario_id", ids, Destinatario
    ).items():
        per_pk[obiettivo_id].gruppi_destinatari.extend(sorted(gruppi, key=_per_ordine_e_nome))
    righe = list(
        Risorsa.objects.filter(obiettivo_id__in=ids)
        .order_by()
        .values_list("obiettivo_id", "anno", "fondo_id", "importo")
    )
    fondi = Fondo.objects.in_bulk({fondo_id for _o, _a, fondo_id, _i in righe})
    for obiettivo_id, anno, fondo_id, importo in righe:
        per_pk[obiettivo_id].risorse.append(RigaRisorsa(anno, fondo_id, importo, fondi[fondo_id]))
    for obiettivo_id, *valori in (
        Azione.objects.filter(obiettivo_id__in=ids)
        .order_by()
        .values_list("obiettivo_id", "avanzamento", "risorse_assegnate")
    ):
        per_pk[obiettivo_id].azioni.append(RigaAzione(*valori))
    return obiettivi
