"""Inline SVG charts for the overview of the plan and for its PDF.

Built from core.grafici and under its rules (self-contained vector, accessible, escaped text,
Decimal amounts); the font is the generic "sans-serif".

On the page the charts keep their natural size; a rule such as `.grafico { max-width: 100%;
height: auto; }` makes them shrink on narrow screens.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.grafici import (
    BORDO_TRACCIA,
    CENTESIMO,
    PALETTE,
    RIEMPIMENTO,
    TRACCIA,
    accorcia,
    coordinata,
    euro,
    percentuale,
    svg,
    testo_pulito,
    vuoto,
)

ZERO = Decimal("0")
CENTO = Decimal("100")

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


def risorse_per_area(sezioni, fondi, id_prefix="risorse") -> SafeString:
    """A horizontal stacked bar per area: one segment per fund, scaled on the largest total.

    `sezioni` is [(area or None, [obiettivi], Tabella)], `fondi` the columns of the tables. Only
    the funds with some amount appear, in the order of `fondi`, both in the bars and the legend.
    """
    righe = []
    for area, _obiettivi, tabella in sezioni:
        nome = testo_pulito(area.nome) if area is not None else "Senza area"
        importi = [max(tabella.totale_fondo(f), ZERO) for f in fondi]
        righe.append((nome, importi, sum(importi, ZERO)))
    massimo = max((riga[2] for riga in righe), default=ZERO)
    if massimo <= 0:
        return vuoto("Nessuna risorsa programmata", classi=("text-muted",))

    usati = [i for i in range(len(fondi)) if any(riga[1][i] > 0 for riga in righe)]
    colori = {i: PALETTE[k % len(PALETTE)] for k, i in enumerate(usati)}
    scala = Decimal(BARRA_MAX) / massimo

    corpo = []
    riassunti = []
    y = MARGINE
    for nome, importi, totale in righe:
        etichetta = accorcia(nome, MAX_CARATTERI_AREA)
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
                    testo_pulito(fondo.sigla),
                    coordinata(MARGINE + inizio),
                    y_barra,
                    coordinata(fine - inizio),
                    ALTEZZA_BARRA_AREA,
                    colori[i],
                    testo_pulito(fondo.sigla),
                    euro(importo),
                )
            )
            dettagli.append(f"{testo_pulito(fondo.sigla)} {euro(importo)}")
        larghezza = (totale * scala).quantize(CENTESIMO, rounding=ROUND_HALF_UP)
        parti.append(
            format_html(
                '<text class="totale" x="{}" y="{}">{}</text></g>',
                coordinata(MARGINE + larghezza + 6),
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
        voce = accorcia(
            f"{testo_pulito(fondo.sigla)} – {testo_pulito(fondo.nome)}", MAX_CARATTERI_FONDO
        )
        corpo.append(
            format_html(
                '<rect class="campione" data-fondo="{}" x="{}" y="{}" width="{}" height="{}" '
                'fill="{}"/><text x="{}" y="{}">{}</text>',
                testo_pulito(fondo.sigla),
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
    return svg(
        id_prefix=id_prefix,
        classe="grafico-risorse",
        larghezza=LARGHEZZA,
        altezza=altezza,
        titolo="Risorse programmate per area di policy",
        descrizione=descrizione,
        corpo=corpo,
        dimensione_carattere=DIMENSIONE_CARATTERE,
    )


def avanzamento_obiettivi(obiettivi, id_prefix="avanzamento") -> SafeString:
    """A horizontal bar per objective filled to its progress; «n.d.» when it has no action."""
    obiettivi = list(obiettivi)
    if not obiettivi:
        return vuoto("Nessun obiettivo", classi=("text-muted",))

    corpo = []
    riassunti = []
    y = MARGINE
    for obiettivo in obiettivi:
        nome = testo_pulito(f"{obiettivo.codice} {obiettivo.titolo}")
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
                coordinata(larghezza),
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
                accorcia(nome, MAX_CARATTERI_OBIETTIVO),
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
    return svg(
        id_prefix=id_prefix,
        classe="grafico-avanzamento",
        larghezza=LARGHEZZA,
        altezza=altezza,
        titolo="Avanzamento degli obiettivi",
        descrizione=descrizione,
        corpo=corpo,
        dimensione_carattere=DIMENSIONE_CARATTERE,
    )
