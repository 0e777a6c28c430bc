"""Figures derived from the objectives: progress and resource totals, exact in Decimal.

Pure functions over objects the caller has already fetched (with prefetch_related), so that a page
computes them without further queries.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from core.templatetags.pdz_formati import euro

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


@dataclass(frozen=True)
class Confronto:
    """One figure against its ceiling: what the objectives allocate against what the funds make
    available, or what the actions use against what their objective has."""

    tetto: Decimal
    impegnato: Decimal

    @property
    def differenza(self) -> Decimal:
        """What is left (positive) or missing (negative)."""
        return self.tetto - self.impegnato

    @property
    def eccedenza(self) -> Decimal:
        return max(self.impegnato - self.tetto, ZERO)

    @property
    def eccede(self) -> bool:
        return self.impegnato > self.tetto


@dataclass
class Riconciliazione:
    """Two Tabelle of the same years and funds compared cell by cell, with totals per fund, per
    year and overall, each computed from the cells so that they add up to the cent."""

    tetti: Tabella
    impegni: Tabella

    @property
    def anni(self):
        return self.tetti.anni

    @property
    def fondi(self):
        return self.tetti.fondi

    def cella(self, anno, fondo) -> Confronto:
        return Confronto(self.tetti.cella(anno, fondo), self.impegni.cella(anno, fondo))

    def fondo(self, fondo) -> Confronto:
        return Confronto(self.tetti.totale_fondo(fondo), self.impegni.totale_fondo(fondo))

    def anno(self, anno) -> Confronto:
        return Confronto(self.tetti.totale_anno(anno), self.impegni.totale_anno(anno))

    @property
    def totale(self) -> Confronto:
        return Confronto(self.tetti.totale, self.impegni.totale)

    def per_fondo(self):
        """[(fondo, [(anno, Confronto)], Confronto of the fund)] for the funds with any figure."""
        return [
            (fondo, [(anno, self.cella(anno, fondo)) for anno in self.anni], self.fondo(fondo))
            for fondo in self.fondi
            if self.tetti.totale_fondo(fondo) or self.impegni.totale_fondo(fondo)
        ]

    def per_anno(self):
        return [(anno, self.anno(anno)) for anno in self.anni]

    def eccedenze(self):
        """[(fondo, anno, Confronto)] of the cells over their ceiling."""
        return [
            (fondo, anno, confronto)
            for fondo in self.fondi
            for anno in self.anni
            if (confronto := self.cella(anno, fondo)).eccede
        ]


def riconcilia_azioni(risorse, righe_azioni, importi_azione, *, fondi, anni=None):
    """The objective's resources against its actions' lines (`righe_azioni`, without the action
    being edited) plus that action's `importi_azione` ((anno, fondo_id) → euro)."""
    risorse, righe_azioni, fondi = list(risorse), list(righe_azioni), list(fondi)
    if anni is None:
        anni = sorted(
            {r.anno for r in risorse}
            | {r.anno for r in righe_azioni}
            | {a for a, _f in importi_azione}
        )
    tetti = tabella_risorse(risorse, anni=anni, fondi=fondi)
    impegni = tabella_risorse(righe_azioni, anni=anni, fondi=fondi)
    for (anno, fondo_id), importo in importi_azione.items():
        impegni.aggiungi(anno, fondo_id, importo)
    return Riconciliazione(tetti=tetti, impegni=impegni)


def descrivi_eccedenze(eccedenze) -> str:
    """The Italian sentence naming each fund and year where the actions exceed the objective."""
    parti = [
        _("%(fondo)s %(anno)s di %(eccedenza)s (azioni %(azioni)s, obiettivo %(obiettivo)s)")
        % {
            "fondo": fondo.sigla,
            "anno": anno,
            "eccedenza": euro(confronto.eccedenza),
            "azioni": euro(confronto.impegnato),
            "obiettivo": euro(confronto.tetto),
        }
        for fondo, anno, confronto in eccedenze
    ]
    return _("Le azioni superano le risorse dell'obiettivo: %(parti)s.") % {
        "parti": "; ".join(parti)
    }
