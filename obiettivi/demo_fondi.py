"""The demo's money: each objective's euro by fund and year, its actions' share, and what each
fund makes available to the ambito, so that the overview shows margins and one excess.

No public figure of the FNPS, Fondo Sociale Regionale or Fondo Povertà assignments to the Cremona
ambiti was available to check, so every amount here is illustrative: plausible in scale (the
profile of the Cremasco, scaled by each ambito's residents), different per objective, fund and
year, and computed, never drawn at random, so that seed_demo always writes the same figures.
"""

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from .models import Disponibilita, Risorsa, RisorsaAzione

CENTESIMO = Decimal("0.01")
CENTINAIO = Decimal("100")

# Euro a year for the Cremasco, per policy area (index in ambiti.demo.AREE_POLICY) and fund:
# the poverty fund goes to poverty and work, FNPS and FSR to care, the comuni to every area.
PROFILI = {
    0: {"FP": "62400.00", "FNPS": "18500.00", "COM": "9800.50"},
    1: {"FSR": "24000.00", "COM": "15300.00", "ALT": "6200.00"},
    2: {"FNPS": "9850.00", "ALT": "6500.00"},
    3: {"FNPS": "74200.00", "FSR": "38600.00", "COM": "41250.50"},
    4: {"FNPS": "52300.00", "FSR": "29900.00", "COM": "12480.00"},
    6: {"FP": "27400.00", "ALT": "12000.00", "COM": "4300.00"},
    7: {"FNPS": "58750.00", "FSR": "33120.00", "COM": "22400.00"},
    9: {"FNPS": "21600.00", "COM": "18000.00"},
}
# The years of a plan: the second grows, the third is prudent, as in plans that wait for the
# yearly decrees.
ANDAMENTO = (Decimal("1.000"), Decimal("1.035"), Decimal("0.980"))
RESIDENTI_CREMASCO = Decimal("162287")
# What each fund makes available beyond what the objectives allocate.
MARGINE = {
    "FNPS": Decimal("1.12"),
    "FSR": Decimal("1.06"),
    "FP": Decimal("1.09"),
    "COM": Decimal("1.25"),
    "ALT": Decimal("1.30"),
}
# The Cremasco's Fondo Povertà of the second year falls short of what its objectives allocate:
# the overview shows the flag.
SCOPERTO = ("cremasco", "FP", 1, Decimal("0.95"))
# How an objective's euro split among its one, two or three actions: what is left is the
# objective's own margin, so the actions stay within it.
QUOTE_AZIONI = {
    1: (Decimal("0.90"),),
    2: (Decimal("0.55"), Decimal("0.35")),
    3: (Decimal("0.50"), Decimal("0.30"), Decimal("0.15")),
}


def scala(ambito) -> Decimal:
    residenti = sum(c.popolazione for c in ambito.comuni.all())
    return Decimal(residenti) / RESIDENTI_CREMASCO if residenti else Decimal("1")


def importi_obiettivo(area, periodo, *, scala_ambito, variante):
    """{(anno, sigla): euro} of one objective: its area's profile, scaled to the ambito, moved
    by `variante` (its position in the plan) so that no two objectives look alike."""
    ritocco = Decimal("1") + Decimal(variante % 5 - 2) * Decimal("0.04")
    return {
        (anno, sigla): (Decimal(base) * scala_ambito * ritocco * andamento).quantize(
            CENTESIMO, ROUND_HALF_UP
        )
        for anno, andamento in zip(periodo.anni, ANDAMENTO, strict=False)
        for sigla, base in PROFILI.get(area, PROFILI[2]).items()
    }


def carica_risorse(obiettivo, azioni, importi, fondi) -> None:
    Risorsa.objects.bulk_create(
        Risorsa(obiettivo=obiettivo, anno=anno, fondo=fondi[sigla], importo=importo)
        for (anno, sigla), importo in importi.items()
    )
    if not azioni:
        return
    quote = QUOTE_AZIONI.get(len(azioni)) or [Decimal("0.9") / len(azioni)] * len(azioni)
    righe = []
    for azione, quota in zip(azioni, quote, strict=True):
        proprie = [
            RisorsaAzione(
                azione=azione,
                anno=anno,
                fondo=fondi[sigla],
                importo=(importo * quota).quantize(CENTESIMO, ROUND_HALF_UP),
            )
            for (anno, sigla), importo in importi.items()
        ]
        # The total weighs the action's progress, as the action's form writes it.
        azione.risorse_assegnate = sum((r.importo for r in proprie), Decimal("0"))
        azione.save(update_fields=["risorse_assegnate"])
        righe += proprie
    RisorsaAzione.objects.bulk_create(righe)


def carica_disponibilita(ambito, periodo, fondi) -> None:
    """What each fund makes available: the objectives' allocation plus the fund's margin,
    rounded up to the hundred euro; one fund and year short of it (SCOPERTO)."""
    programmato = {}
    for risorsa in Risorsa.objects.filter(obiettivo__ambito=ambito, obiettivo__periodo=periodo):
        chiave = (risorsa.anno, risorsa.fondo_id)
        programmato[chiave] = programmato.get(chiave, Decimal("0")) + risorsa.importo
    per_id = {f.pk: f for f in fondi.values()}
    for (anno, fondo_id), importo in sorted(programmato.items()):
        fondo = per_id[fondo_id]
        fattore = MARGINE.get(fondo.sigla, Decimal("1.10"))
        slug, sigla, indice, scoperto = SCOPERTO
        if (ambito.slug, fondo.sigla, periodo.anni[indice]) == (slug, sigla, anno):
            fattore = scoperto
        disponibile = (importo * fattore / CENTINAIO).quantize(Decimal("1"), ROUND_CEILING)
        Disponibilita.objects.get_or_create(
            ambito=ambito,
            fondo=fondo,
            anno=anno,
            defaults={
                "periodo": periodo,
                "importo": disponibile * CENTINAIO,
                "atto": f"Riparto {fondo.sigla} {anno} (dato dimostrativo)",
            },
        )
