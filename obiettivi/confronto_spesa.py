"""Planned against actually spent, per fund and year, for the evaluation of a plan.

Planned is an objective's Risorsa, spent its SpesaEffettiva; both read by the caller, so
that the page computes every table without further queries. Sums stay Decimal, exact to the cent;
the percentage spent is rounded to one decimal only for showing it, and is None where nothing was
planned (a percentage of zero means nothing).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .calcoli import UN_DECIMALE, ZERO

CENTO = Decimal("100")


def percentuale_spesa(programmato, speso) -> Decimal | None:
    if not programmato:
        return None
    return (speso * CENTO / programmato).quantize(UN_DECIMALE, rounding=ROUND_HALF_UP)


@dataclass
class VoceConfronto:
    anno: int | None
    fondo: object
    programmato: Decimal
    speso: Decimal

    @property
    def differenza(self) -> Decimal:
        """Spent minus planned: negative when less was spent than planned."""
        return self.speso - self.programmato

    @property
    def percentuale(self) -> Decimal | None:
        return percentuale_spesa(self.programmato, self.speso)


@dataclass
class Confronto:
    voci: list[VoceConfronto]
    totale: VoceConfronto

    def __bool__(self):
        return bool(self.voci)


def confronto(obiettivi) -> Confronto:
    """One entry per year and fund that has something planned or spent, in year and fund order,
    and their total. Each objective carries its Risorsa and SpesaEffettiva, with their fund, as
    the lists `risorse_lette` and `spese_lette` (Prefetch with to_attr: no queryset per object)."""
    programmato, speso, fondi = {}, {}, {}
    for obiettivo in obiettivi:
        for voci, righe in (
            (programmato, obiettivo.risorse_lette),
            (speso, obiettivo.spese_lette),
        ):
            for riga in righe:
                chiave = (riga.anno, riga.fondo_id)
                voci[chiave] = voci.get(chiave, ZERO) + riga.importo
                fondi[riga.fondo_id] = riga.fondo
    chiavi = sorted(
        {*programmato, *speso}, key=lambda k: (k[0], fondi[k[1]].ordine, fondi[k[1]].nome)
    )
    voci = [
        VoceConfronto(
            anno,
            fondi[fondo_id],
            programmato.get((anno, fondo_id), ZERO),
            speso.get((anno, fondo_id), ZERO),
        )
        for anno, fondo_id in chiavi
    ]
    totale = VoceConfronto(
        None,
        None,
        sum((v.programmato for v in voci), ZERO),
        sum((v.speso for v in voci), ZERO),
    )
    return Confronto(voci, totale)
