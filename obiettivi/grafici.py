"""Inline SVG charts for the overview of the plan and for its PDF.

Pure vector, self-contained SVG: explicit width, height and viewBox, no external reference, no
image, no web font (font-family "sans-serif"), so that WeasyPrint renders them without fetching
anything. Each chart is an accessible image (role="img", <title> and <desc> with a textual
summary, aria-labelledby with ids made unique by `id_prefix`). Every piece of text goes through
format_html, hence is XML-escaped; amounts are computed and printed in Decimal, never floats.

On the page the charts keep their natural size; a rule such as `.grafico { max-width: 100%;
height: auto; }` makes them shrink on narrow screens.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import format_html
from django.utils.numberformat import format as formatta_numero
from django.utils.safestring import SafeString, mark_safe

ZERO = Decimal("0")
CENTESIMO = Decimal("0.01")
UN_DECIMALE = Decimal("0.1")
CENTO = Decimal("100")

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
TRACCIA = "#E9ECEF"
BORDO_TRACCIA = "#6C757D"
RIEMPIMENTO = "#0072B2"

LARGHEZZA = 720
MARGINE = 8
DIMENSIONE_CARATTERE = 12

# risorse_per_area: the area's name above its bar, the total after it.
SPAZIO_TOTALE = 150
BARRA_MAX = LARGHEZZA - 2 * MARGINE - SPAZIO_TOTALE
ALTEZZA_RIGA_AREA = 48
ALTEZZA_BARRA_AREA = 20
ALTEZZA_RIGA_LEGENDA = 20
LATO_CAMPIONE = 12
MAX_CARATTERI_AREA = 90
MAX_CARATTERI_FONDO = 100

# avanzamento_obiettivi: "codice titolo" above its bar, the percentage after it.
LARGHEZZA_TRACCIA = 600
ALTEZZA_RIGA_OBIETTIVO = 40
ALTEZZA_BARRA_OBIETTIVO = 16
MAX_CARATTERI_OBIETTIVO = 60

_CONTROLLO = re.compile(r"[\x00-\x1f\x7f]+")


def euro(importo) -> str:
    """«€ 1.234.567,89»: Italian grouping and decimals, rounded half up to the cent."""
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


def _testo(valore) -> str:
    """One line of text, without the control characters XML 1.0 forbids."""
    return " ".join(_CONTROLLO.sub(" ", str(valore)).split())


def _accorcia(testo, massimo) -> str:
    return testo if len(testo) <= massimo else testo[: massimo - 1].rstrip() + "…"


def _n(valore) -> str:
    """A coordinate for an attribute: at most two decimals, no trailing zeros."""
    valore = Decimal(valore).quantize(CENTESIMO, rounding=ROUND_HALF_UP)
    testo = format(valore, "f")
    return testo.rstrip("0").rstrip(".") if "." in testo else testo


def _svg(id_prefix, classe, altezza, titolo, descrizione, corpo) -> SafeString:
    intestazione = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="grafico {}" width="{}" height="{}" '
        'viewBox="0 0 {} {}" role="img" aria-labelledby="{}-titolo {}-desc" '
        'font-family="sans-serif" font-size="{}" fill="{}">'
        '<title id="{}-titolo">{}</title><desc id="{}-desc">{}</desc>',
        classe,
        LARGHEZZA,
        altezza,
        LARGHEZZA,
        altezza,
        id_prefix,
        id_prefix,
        DIMENSIONE_CARATTERE,
        TESTO,
        id_prefix,
        titolo,
        id_prefix,
        descrizione,
    )
    # Every part was built by format_html, which escaped what it was given.
    return mark_safe(intestazione + "".join(corpo) + "</svg>")  # noqa: S308


def _vuoto(messaggio) -> SafeString:
    return format_html('<p class="grafico-vuoto text-muted">{}</p>', messaggio)


def risorse_per_area(sezioni, fondi, id_prefix="risorse") -> SafeString:
    """A horizontal stacked bar per area: one segment per fund, scaled on the largest total.

    `sezioni` is [(area or None, [obiettivi], Tabella)], `fondi` the columns of the tables. Only
    the funds with some amount appear, in the order of `fondi`, both in the bars and the legend.
    """
    righe = []
    for area, _obiettivi, tabella in sezioni:
        nome = _testo(area.nome) if area is not None else "Senza area"
        importi = [max(tabella.totale_fondo(f), ZERO) for f in fondi]
        righe.append((nome, importi, sum(importi, ZERO)))
    massimo = max((riga[2] for riga in righe), default=ZERO)
    if massimo <= 0:
        return _vuoto("Nessuna risorsa programmata")

    usati = [i for i in range(len(fondi)) if any(riga[1][i] > 0 for riga in righe)]
    colori = {i: PALETTE[k % len(PALETTE)] for k, i in enumerate(usati)}
    scala = Decimal(BARRA_MAX) / massimo

    corpo = []
    riassunti = []
    y = MARGINE
    for nome, importi, totale in righe:
        etichetta = _accorcia(nome, MAX_CARATTERI_AREA)
        y_barra = y + 20
        parti = [
            format_html(
                '<g class="area"><title>{}: {}</title><text x="{}" y="{}" font-weight="bold">'
                "{}</text>",
                nome,
                euro(totale),
                MARGINE,
                y + 14,
                etichetta,
            )
        ]
        # Segment edges from the running sum, so that the widths add up to the bar exactly.
        cumulato = ZERO
        dettagli = []
        for i in usati:
            importo = importi[i]
            if importo <= 0:
                continue
            inizio = (cumulato * scala).quantize(CENTESIMO, rounding=ROUND_HALF_UP)
            cumulato += importo
            fine = (cumulato * scala).quantize(CENTESIMO, rounding=ROUND_HALF_UP)
            fondo = fondi[i]
            parti.append(
                format_html(
                    '<rect class="segmento" data-fondo="{}" x="{}" y="{}" width="{}" height="{}" '
                    'fill="{}" stroke="#FFFFFF" stroke-width="1"><title>{}: {}</title></rect>',
                    _testo(fondo.sigla),
                    _n(MARGINE + inizio),
                    y_barra,
                    _n(fine - inizio),
                    ALTEZZA_BARRA_AREA,
                    colori[i],
                    _testo(fondo.sigla),
                    euro(importo),
                )
            )
            dettagli.append(f"{_testo(fondo.sigla)} {euro(importo)}")
        larghezza = (totale * scala).quantize(CENTESIMO, rounding=ROUND_HALF_UP)
        parti.append(
            format_html(
                '<text class="totale" x="{}" y="{}">{}</text></g>',
                _n(MARGINE + larghezza + 6),
                y_barra + 15,
                euro(totale),
            )
        )
        corpo.extend(parti)
        riassunto = f"{nome}: {euro(totale)}"
        if dettagli:
            riassunto += f" ({'; '.join(dettagli)})"
        riassunti.append(riassunto)
        y += ALTEZZA_RIGA_AREA

    y += MARGINE
    corpo.append(mark_safe('<g class="legenda">'))
    for i in usati:
        fondo = fondi[i]
        voce = _accorcia(f"{_testo(fondo.sigla)} – {_testo(fondo.nome)}", MAX_CARATTERI_FONDO)
        corpo.append(
            format_html(
                '<rect class="campione" data-fondo="{}" x="{}" y="{}" width="{}" height="{}" '
                'fill="{}"/><text x="{}" y="{}">{}</text>',
                _testo(fondo.sigla),
                MARGINE,
                y + 2,
                LATO_CAMPIONE,
                LATO_CAMPIONE,
                colori[i],
                MARGINE + LATO_CAMPIONE + 6,
                y + 12,
                voce,
            )
        )
        y += ALTEZZA_RIGA_LEGENDA
    corpo.append(mark_safe("</g>"))
    altezza = y + MARGINE

    descrizione = (
        "Risorse programmate per area di policy, suddivise per fondo. " + ". ".join(riassunti) + "."
    )
    return _svg(
        id_prefix,
        "grafico-risorse",
        altezza,
        "Risorse programmate per area di policy",
        descrizione,
        corpo,
    )


def avanzamento_obiettivi(obiettivi, id_prefix="avanzamento") -> SafeString:
    """A horizontal bar per objective filled to its progress; «n.d.» when it has no action."""
    obiettivi = list(obiettivi)
    if not obiettivi:
        return _vuoto("Nessun obiettivo")

    corpo = []
    riassunti = []
    y = MARGINE
    for obiettivo in obiettivi:
        nome = _testo(f"{obiettivo.codice} {obiettivo.titolo}")
        valore = obiettivo.avanzamento
        y_barra = y + 18
        if valore is None:
            testo_valore = "n.d."
            suggerimento = "n.d. (nessuna azione)"
            riempimento = format_html(
                '<rect class="traccia" x="{}" y="{}" width="{}" height="{}" fill="#FFFFFF" '
                'stroke="{}" stroke-dasharray="4 3"/>',
                MARGINE,
                y_barra,
                LARGHEZZA_TRACCIA,
                ALTEZZA_BARRA_OBIETTIVO,
                BORDO_TRACCIA,
            )
        else:
            testo_valore = suggerimento = percentuale(valore)
            quota = min(max(Decimal(valore), ZERO), CENTO)
            larghezza = quota * LARGHEZZA_TRACCIA / CENTO
            riempimento = format_html(
                '<rect class="traccia" x="{}" y="{}" width="{}" height="{}" fill="{}" '
                'stroke="{}"/><rect class="riempimento" x="{}" y="{}" width="{}" height="{}" '
                'fill="{}"/>',
                MARGINE,
                y_barra,
                LARGHEZZA_TRACCIA,
                ALTEZZA_BARRA_OBIETTIVO,
                TRACCIA,
                BORDO_TRACCIA,
                MARGINE,
                y_barra,
                _n(larghezza),
                ALTEZZA_BARRA_OBIETTIVO,
                RIEMPIMENTO,
            )
        corpo.append(
            format_html(
                '<g class="obiettivo"><title>{}: {}</title><text x="{}" y="{}">{}</text>{}'
                '<text class="valore" x="{}" y="{}">{}</text></g>',
                nome,
                suggerimento,
                MARGINE,
                y + 13,
                _accorcia(nome, MAX_CARATTERI_OBIETTIVO),
                riempimento,
                MARGINE + LARGHEZZA_TRACCIA + 8,
                y_barra + 12,
                testo_valore,
            )
        )
        riassunti.append(f"{nome}: {suggerimento}")
        y += ALTEZZA_RIGA_OBIETTIVO
    altezza = y + MARGINE

    descrizione = (
        f"Avanzamento di {len(obiettivi)} "
        + ("obiettivo" if len(obiettivi) == 1 else "obiettivi")
        + ", in percentuale. "
        + ". ".join(riassunti)
        + "."
    )
    return _svg(
        id_prefix,
        "grafico-avanzamento",
        altezza,
        "Avanzamento degli obiettivi",
        descrizione,
        corpo,
    )
