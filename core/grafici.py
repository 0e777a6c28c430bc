"""What every inline SVG chart of the portal is built from: the accessible <svg> wrapper, the
palette, safe text, coordinates, and numbers written in Italian.

The rules every chart keeps: pure vector, self-contained SVG (explicit width, height and
viewBox, no external reference, no image, no web font), so that WeasyPrint renders it without
fetching anything; an accessible image (role="img", <title> and <desc> with a textual summary,
aria-labelledby with ids made unique by `id_prefix`); every piece of text through format_html,
hence XML-escaped; amounts computed and printed in Decimal, never floats.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import format_html
from django.utils.numberformat import format as formatta_numero
from django.utils.safestring import SafeString, mark_safe

CENTESIMO = Decimal("0.01")
UN_DECIMALE = Decimal("0.1")

# Distinguishable hues (after the Okabe-Ito and Tol palettes), all at least 3:1 against the white
# background as WCAG asks of graphical objects. No text is ever written on them: labels and
# totals sit outside the bars, in TESTO on white.
PALETTE = (
    "#0072B2",  # blu
    "#D55E00",  # vermiglio
    "#117733",  # verde
    "#882255",  # vinaccia
    "#8A6D00",  # ocra
    "#6A3D9A",  # viola
    "#00798C",  # ottanio
    "#5C5C5C",  # grigio
)
TESTO = "#1A1A1A"
# A progress bar: the filled part on its track, at least 3:1 between them.
TRACCIA = "#E9ECEF"
BORDO_TRACCIA = "#6C757D"
RIEMPIMENTO = "#0072B2"

_CONTROLLO = re.compile(r"[\x00-\x1f\x7f]+")


def euro(importo) -> str:
    """«€ 1.234.567,89»: Italian grouping and decimals, rounded half up to the cent, whatever the
    active locale."""
    valore = Decimal(importo).quantize(CENTESIMO, rounding=ROUND_HALF_UP)
    cifre = formatta_numero(
        valore, ",", decimal_pos=2, grouping=3, thousand_sep=".", force_grouping=True
    )
    return f"€ {cifre}"


def percentuale(valore) -> str:
    """«45,5%», «100%»: one decimal only when there is one."""
    valore = Decimal(valore).quantize(UN_DECIMALE, rounding=ROUND_HALF_UP)
    decimali = 0 if valore == valore.to_integral_value() else 1
    return formatta_numero(valore, ",", decimal_pos=decimali) + "%"


def intero(valore) -> str:
    """«12.345»: Italian grouping, whatever the active locale."""
    return formatta_numero(int(valore), ",", grouping=3, thousand_sep=".", force_grouping=True)


def testo_pulito(valore) -> str:
    """One line of text, without the control characters XML 1.0 forbids."""
    return " ".join(_CONTROLLO.sub(" ", str(valore)).split())


def accorcia(testo, massimo) -> str:
    """`testo` cut to `massimo` characters, an ellipsis included, when longer."""
    return testo if len(testo) <= massimo else testo[: massimo - 1].rstrip() + "…"


def coordinata(valore) -> str:
    """A coordinate for an attribute: at most two decimals, no trailing zeros."""
    valore = Decimal(valore).quantize(CENTESIMO, rounding=ROUND_HALF_UP)
    testo = format(valore, "f")
    return testo.rstrip("0").rstrip(".") if "." in testo else testo


def svg(
    *,
    id_prefix,
    classe,
    larghezza,
    altezza,
    titolo,
    descrizione,
    corpo,
    dimensione_carattere,
    famiglia_carattere="sans-serif",
) -> SafeString:
    """The accessible <svg> of a chart: `corpo` is the list of its parts, each already built by
    format_html (or mark_safe of a constant)."""
    intestazione = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="grafico {}" width="{}" height="{}" '
        'viewBox="0 0 {} {}" role="img" aria-labelledby="{}-titolo {}-desc" '
        'font-family="{}" font-size="{}" fill="{}">'
        '<title id="{}-titolo">{}</title><desc id="{}-desc">{}</desc>',
        classe,
        larghezza,
        altezza,
        larghezza,
        altezza,
        id_prefix,
        id_prefix,
        famiglia_carattere,
        dimensione_carattere,
        TESTO,
        id_prefix,
        titolo,
        id_prefix,
        descrizione,
    )
    # Every part was built by format_html, which escaped what it was given.
    return mark_safe(intestazione + "".join(corpo) + "</svg>")  # noqa: S308


def vuoto(messaggio, *, classi=()) -> SafeString:
    """What stands in for a chart with nothing to draw."""
    return format_html('<p class="{}">{}</p>', " ".join(("grafico-vuoto", *classi)), messaggio)
