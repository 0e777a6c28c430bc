"""The plan's own chart: the resident population of each comune, as inline SVG.

Same rules as obiettivi/grafici.py, whose charts the plan also prints: pure vector, explicit
width, height and viewBox, no external reference, no web font; every piece of text through
format_html, hence XML-escaped; numbers in Italian (12.345). Each chart is an accessible image:
role="img", <title> and <desc> with the figures in words, ids made unique by `id_prefix`.

An SVG cannot be split across pages: a long list of comuni becomes several charts of at most
`righe_per_grafico` bars each, on the same scale, so that bars compare across them.
"""

from decimal import Decimal

from django.utils.html import format_html
from django.utils.numberformat import format as formatta_numero
from django.utils.safestring import SafeString, mark_safe

from obiettivi.grafici import PALETTE, TESTO, _accorcia, _n, _testo

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


def intero(valore) -> str:
    """«12.345»: Italian grouping, whatever the active locale."""
    return formatta_numero(int(valore), ",", grouping=3, thousand_sep=".", force_grouping=True)


def _vuoto(messaggio) -> SafeString:
    return format_html('<p class="grafico-vuoto">{}</p>', messaggio)


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
                _accorcia(nome, MAX_CARATTERI_COMUNE),
                INIZIO_BARRA,
                y + 2,
                _n(larghezza),
                ALTEZZA_BARRA,
                COLORE_BARRA,
                _n(INIZIO_BARRA + larghezza + 6),
                y + ALTEZZA_BARRA,
                intero(popolazione),
            )
        )
    descrizione = (
        "Popolazione residente per comune, dal più popoloso. "
        + "; ".join(f"{nome}: {intero(popolazione)}" for nome, popolazione in righe)
        + "."
    )
    intestazione = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="grafico grafico-popolazione" '
        'width="{}" height="{}" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-titolo {}-desc" font-family="DejaVu Sans, sans-serif" '
        'font-size="{}" fill="{}"><title id="{}-titolo">{}</title><desc id="{}-desc">{}</desc>',
        LARGHEZZA,
        altezza,
        LARGHEZZA,
        altezza,
        id_grafico,
        id_grafico,
        DIMENSIONE_CARATTERE,
        TESTO,
        id_grafico,
        titolo,
        id_grafico,
        descrizione,
    )
    # Every part was built by format_html, which escaped what it was given.
    return mark_safe(intestazione + "".join(corpo) + "</svg>")  # noqa: S308


def popolazione_per_comune(
    comuni, *, id_prefix="popolazione", righe_per_grafico=RIGHE_PER_GRAFICO
) -> SafeString:
    """Horizontal bars of the comuni's population, largest first (ties by name)."""
    righe = sorted(
        ((_testo(c.nome), c.popolazione or 0) for c in comuni),
        key=lambda riga: (-riga[1], riga[0].casefold()),
    )
    massimo = max((popolazione for _nome, popolazione in righe), default=0)
    if massimo <= 0:
        return _vuoto("Nessun dato sulla popolazione")
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
