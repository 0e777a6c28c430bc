"""Figures derived from the objectives: progress and resource totals, exact in Decimal.

Pure functions over objects the caller has already fetched (with prefetch_related), so that a page
computes them without further queries.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
UN_DECIMALE = Decimal("0.1")


def avanzamento(azioni) -> Decimal | None:
    """An objective's progress (0-100) from its actions; None when it has no action.

    Weighted by the resources assigned to each action when every action has some; evenly
    otherwise, because a partial weighting would silently ignore the unfunded actions.
    """
    azioni = list(azioni)
    if not azioni:
        return None
    pesi = [a.risorse_assegnate or ZERO for a in azioni]
    if all(peso > 0 for peso in pesi):
        totale = sum(pesi, ZERO)
        valore = sum((Decimal(a.avanzamento) * p for a, p in zip(azioni, pesi, strict=True)), ZERO)
        valore /= totale
    else:
        valore = Decimal(sum(a.avanzamento for a in azioni)) / len(azioni)
    return valore.quantize(UN_DECIMALE, rounding=ROUND_HALF_UP)


@dataclass
class Tabella:
    """Amounts by year (rows) and fund (columns), with totals that add up exactly."""

    anni: list[int]
    fondi: list
    celle: dict = field(default_factory=lambda: defaultdict(lambda: ZERO))

    def aggiungi(self, anno, fondo_id, importo):
        self.celle[(anno, fondo_id)] += importo

    def cella(self, anno, fondo):
        return self.celle.get((anno, fondo.pk), ZERO)

    def totale_anno(self, anno):
        return sum((self.cella(anno, f) for f in self.fondi), ZERO)

    def totale_fondo(self, fondo):
        return sum((self.cella(a, fondo) for a in self.anni), ZERO)

    @property
    def totale(self):
        return sum(self.celle.values(), ZERO)

    def righe(self):
        """[(anno, [importo per fondo], totale)] for templates."""
        return [
            (anno, [self.cella(anno, f) for f in self.fondi], self.totale_anno(anno))
            for anno in self.anni
        ]

    def totali_fondi(self):
        return [self.totale_fondo(f) for f in self.fondi]


def tabella_risorse(risorse, *, anni, fondi) -> Tabella:
    tabella = Tabella(anni=list(anni), fondi=list(fondi))
    for risorsa in risorse:
        tabella.aggiungi(risorsa.anno, risorsa.fondo_id, risorsa.importo)
    return tabella


def area_principale(obiettivo):
    """The area an objective is listed and counted under: the first of its areas by order, so
    that each euro is counted once in the per-area totals."""
    aree = sorted(obiettivo.aree_policy.all(), key=lambda a: (a.ordine, a.nome))
    return aree[0] if aree else None
