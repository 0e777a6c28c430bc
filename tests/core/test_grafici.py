"""core.grafici: the primitives every SVG chart of the portal is built from."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from django.utils.html import format_html

from core import grafici


def test_svg_accessibile_e_autonomo():
    corpo = [format_html('<rect width="{}" height="{}"/>', 10, 5)]
    svg = str(
        grafici.svg(
            id_prefix="g1",
            classe="grafico-prova",
            larghezza=720,
            altezza=100,
            titolo="Titolo <b>",
            descrizione="Descrizione & altro",
            corpo=corpo,
            dimensione_carattere=11,
            famiglia_carattere="DejaVu Sans, sans-serif",
        )
    )
    radice = ET.fromstring(svg)
    assert radice.get("class") == "grafico grafico-prova"
    assert (radice.get("width"), radice.get("height")) == ("720", "100")
    assert radice.get("viewBox") == "0 0 720 100"
    assert radice.get("role") == "img"
    assert radice.get("aria-labelledby") == "g1-titolo g1-desc"
    assert radice.get("font-family") == "DejaVu Sans, sans-serif"
    assert radice.get("fill") == grafici.TESTO
    assert "Titolo &lt;b&gt;" in svg and "Descrizione &amp; altro" in svg
    assert svg.endswith('<rect width="10" height="5"/></svg>')


def test_vuoto():
    assert grafici.vuoto("Niente <x>") == '<p class="grafico-vuoto">Niente &lt;x&gt;</p>'
    assert grafici.vuoto("N", classi=("text-muted",)) == (
        '<p class="grafico-vuoto text-muted">N</p>'
    )


def test_testo_accorciato_e_pulito():
    assert grafici.testo_pulito(" due\x00\nrighe\x7f  e spazi ") == "due righe e spazi"
    assert grafici.accorcia("abcdef", 6) == "abcdef"
    assert grafici.accorcia("abc defgh", 5) == "abc…"
    assert len(grafici.accorcia("x" * 50, 10)) == 10


def test_coordinate_e_numeri():
    assert grafici.coordinata(Decimal("12.500")) == "12.5"
    assert grafici.coordinata(Decimal("3.005")) == "3.01"
    assert grafici.coordinata(7) == "7"
    assert grafici.intero(1234567) == "1.234.567"
    assert grafici.euro(Decimal("-1234.5")) == "€ -1.234,50"
    assert grafici.percentuale(Decimal("99.95")) == "100%"
