"""The plan's own chart: the resident population of each comune, as inline SVG.

Built from core.grafici and under its rules, as obiettivi/grafici.py, whose charts the plan also
prints: self-contained vector, accessible (the figures in words in <desc>), escaped text; numbers
in Italian (12.345).

An SVG cannot be split across pages: a long list of comuni becomes several charts of at most
`righe_per_grafico` bars each, on the same scale, so that bars compare across them.
"""

from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.grafici import PALETTE, accorcia, coordinata, intero, svg, testo_pulito, vuoto

LARGHEZZA = 720
MARGINE = 8
DIMENSIONE_CARATTERE = 11
ALTEZZA_RIGA = 16
ALTEZZA_BARRA = 11
LARGHEZZA_ETICHETTA = 190
SPAZIO_VALORE = 70
INIZIO_BARRA = MARGINE + LARGHEZZA_ETICHETTA + 8
BARRA_MAX = LARGHEZZA - INIZIO_BARRA - SPAZIO_VALORE - MARGINE
MAX_CARATTERI_COMUNE = 30
RIGHE_PER_GRAFICO = 50
COLORE_BARRA = PALETTE[0]


def _grafico(righe, massimo, *, id_grafico, titolo):
    altezza = 2 * MARGINE + len(righe) * ALTEZZA_RIGA
    corpo = []
    for indice, (nome, popolazione) in enumerate(righe):
        y = MARGINE + indice * ALTEZZA_RIGA
        larghezza = Decimal(max(popolazione, 0)) * BARRA_MAX / Decimal(massimo)
        corpo.append(
            format_html(
                '<g class="comune"><title>{}: {} abitanti</title>'
                '<text x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                '<text class="valore" x="{}" y="{}">{}</text></g>',
                nome,
                intero(popolazione),
                MARGINE + LARGHEZZA_ETICHETTA,
                y + ALTEZZA_BARRA,
                accorcia(nome, MAX_CARATTERI_COMUNE),
                INIZIO_BARRA,
                y + 2,
                coordinata(larghezza),
                ALTEZZA_BARRA,
                COLORE_BARRA,
                coordinata(INIZIO_BARRA + larghezza + 6),
                y + ALTEZZA_BARRA,
                intero(popolazione),
            )
        )
    descrizione = (
        "Popolazione residente per comune, dal più popoloso. "
        + "; ".join(f"{nome}: {intero(popolazione)}" for nome, popolazione in righe)
        + "."
    )
    return svg(
        id_prefix=id_grafico,
        classe="grafico-popolazione",
        larghezza=LARGHEZZA,
        altezza=altezza,
        titolo=titolo,
        descrizione=descrizione,
        corpo=corpo,
        dimensione_carattere=DIMENSIONE_CARATTERE,
        famiglia_carattere="DejaVu Sans, sans-serif",
    )


def popolazione_per_comune(
    comuni, *, id_prefix="popolazione", righe_per_grafico=RIGHE_PER_GRAFICO
) -> SafeString:
    """Horizontal bars of the comuni's population, largest first (ties by name)."""
    righe = sorted(
        ((testo_pulito(c.nome), c.popolazione or 0) for c in comuni),
        key=lambda riga: (-riga[1], riga[0].casefold()),
    )
    massimo = max((popolazione for _nome, popolazione in righe), default=0)
    if massimo <= 0:
        return vuoto("Nessun dato sulla popolazione")
    gruppi = [righe[i : i + righe_per_grafico] for i in range(0, len(righe), righe_per_grafico)]
    titolo = "Popolazione residente per comune"
    grafici = [
        _grafico(
            gruppo,
            massimo,
            id_grafico=f"{id_prefix}-{numero}",
            titolo=titolo if len(gruppi) == 1 else f"{titolo} ({numero} di {len(gruppi)})",
        )
        for numero, gruppo in enumerate(gruppi, start=1)
    ]
    return mark_safe("".join(grafici))  # noqa: S308
