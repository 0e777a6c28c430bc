"""The SVG charts of the overview: well-formed, proportional, escaped, accessible, self-contained."""

import xml.etree.ElementTree as ET
from decimal import Decimal
from types import SimpleNamespace

import pytest

from ambiti.models import AreaPolicy
from core import grafici as primitive
from obiettivi import grafici
from obiettivi.calcoli import Tabella
from obiettivi.models import Fondo

NS = {"svg": "http://www.w3.org/2000/svg"}
ANNI = [2025, 2026, 2027]


def _fondi():
    return [
        Fondo(pk=1, sigla="FNPS", nome="Fondo nazionale politiche sociali", ordine=1),
        Fondo(pk=2, sigla="FSR", nome="Fondo sociale regionale", ordine=2),
        Fondo(pk=3, sigla="FP", nome="Fondo povertà", ordine=3),
    ]


def _sezione(area, fondi, importi):
    """importi: {indice del fondo: [importo per anno]}"""
    tabella = Tabella(anni=ANNI, fondi=fondi)
    for i, per_anno in importi.items():
        for anno, importo in zip(ANNI, per_anno, strict=False):
            tabella.aggiungi(anno, fondi[i].pk, Decimal(importo))
    return (area, [], tabella)


def _area(nome, ordine=0):
    return AreaPolicy(nome=nome, slug=nome.lower()[:20], ordine=ordine)


def _obiettivo(codice, titolo, avanzamento):
    return SimpleNamespace(codice=codice, titolo=titolo, avanzamento=avanzamento)


def _parse(svg):
    radice = ET.fromstring(str(svg))
    assert radice.tag == "{http://www.w3.org/2000/svg}svg"
    return radice


def _aree(radice):
    return radice.findall("svg:g[@class='area']", NS)


def _larghezza_barra(gruppo):
    return sum(Decimal(r.get("width")) for r in gruppo.findall("svg:rect[@class='segmento']", NS))


def _altezza_viewbox(radice):
    return Decimal(radice.get("viewBox").split()[3])


# Formatting


@pytest.mark.parametrize(
    ("importo", "atteso"),
    [
        ("1234.5", "€ 1.234,50"),
        ("1234567.89", "€ 1.234.567,89"),
        ("0", "€ 0,00"),
        ("999.995", "€ 1.000,00"),
        ("12", "€ 12,00"),
    ],
)
def test_euro_in_formato_italiano(importo, atteso):
    assert primitive.euro(Decimal(importo)) == atteso


@pytest.mark.parametrize(
    ("valore", "atteso"),
    [("45.5", "45,5%"), ("100.0", "100%"), ("0", "0%"), ("33.3", "33,3%")],
)
def test_percentuale_in_formato_italiano(valore, atteso):
    assert primitive.percentuale(Decimal(valore)) == atteso


# Risorse per area


def test_risorse_svg_ben_formato_e_accessibile():
    fondi = _fondi()
    sezioni = [_sezione(_area("Politiche abitative"), fondi, {0: ["100"]})]
    radice = _parse(grafici.risorse_per_area(sezioni, fondi, id_prefix="ris"))
    assert radice.get("role") == "img"
    assert radice.get("aria-labelledby") == "ris-titolo ris-desc"
    assert radice.find("svg:title", NS).get("id") == "ris-titolo"
    desc = radice.find("svg:desc", NS)
    assert desc.get("id") == "ris-desc"
    assert "Politiche abitative: € 100,00" in desc.text
    assert radice.get("width") == "720"
    assert radice.get("viewBox") == f"0 0 720 {radice.get('height')}"
    assert radice.get("font-family") == "sans-serif"


def test_risorse_larghezze_proporzionali_ai_totali():
    fondi = _fondi()
    sezioni = [
        _sezione(_area("Prima"), fondi, {0: ["60"], 1: ["40"]}),
        _sezione(_area("Seconda"), fondi, {0: ["25", "25"]}),
    ]
    radice = _parse(grafici.risorse_per_area(sezioni, fondi))
    prima, seconda = _aree(radice)
    assert _larghezza_barra(prima) == grafici.BARRA_MAX
    assert _larghezza_barra(seconda) == grafici.BARRA_MAX / 2
    segmenti = prima.findall("svg:rect[@class='segmento']", NS)
    assert [Decimal(s.get("width")) for s in segmenti] == [
        grafici.BARRA_MAX * Decimal("0.6"),
        grafici.BARRA_MAX * Decimal("0.4"),
    ]
    # Adjacent: each segment starts where the previous one ends.
    assert Decimal(segmenti[1].get("x")) == Decimal(segmenti[0].get("x")) + Decimal(
        segmenti[0].get("width")
    )


def test_risorse_segmenti_nell_ordine_della_legenda():
    fondi = _fondi()
    sezioni = [
        _sezione(_area("Prima"), fondi, {2: ["10"], 0: ["30"]}),
        _sezione(_area("Seconda"), fondi, {1: ["5"], 2: ["5"]}),
    ]
    radice = _parse(grafici.risorse_per_area(sezioni, fondi))
    legenda = radice.find("svg:g[@class='legenda']", NS)
    campioni = legenda.findall("svg:rect", NS)
    assert [c.get("data-fondo") for c in campioni] == ["FNPS", "FSR", "FP"]
    voci = [t.text for t in legenda.findall("svg:text", NS)]
    assert voci[0] == "FNPS – Fondo nazionale politiche sociali"
    colore = {c.get("data-fondo"): c.get("fill") for c in campioni}
    assert len(set(colore.values())) == 3
    prima, seconda = _aree(radice)
    for gruppo, attesi in ((prima, ["FNPS", "FP"]), (seconda, ["FSR", "FP"])):
        segmenti = gruppo.findall("svg:rect[@class='segmento']", NS)
        assert [s.get("data-fondo") for s in segmenti] == attesi
        assert all(s.get("fill") == colore[s.get("data-fondo")] for s in segmenti)


def test_risorse_fondi_senza_importi_fuori_dalla_legenda():
    fondi = _fondi()
    sezioni = [_sezione(_area("Prima"), fondi, {1: ["10"]})]
    radice = _parse(grafici.risorse_per_area(sezioni, fondi))
    campioni = radice.findall("svg:g[@class='legenda']/svg:rect", NS)
    assert [c.get("data-fondo") for c in campioni] == ["FSR"]


def test_risorse_totali_in_formato_italiano():
    fondi = _fondi()
    sezioni = [
        _sezione(_area("Prima"), fondi, {0: ["1000", "200"], 1: ["34.50"]}),
        _sezione(None, fondi, {2: ["1234567.89"]}),
    ]
    radice = _parse(grafici.risorse_per_area(sezioni, fondi))
    totali = [t.text for t in radice.findall(".//svg:text[@class='totale']", NS)]
    assert totali == ["€ 1.234,50", "€ 1.234.567,89"]
    etichette = [g.find("svg:text", NS).text for g in _aree(radice)]
    assert etichette == ["Prima", "Senza area"]


def test_risorse_area_senza_importi_resta_con_barra_vuota():
    fondi = _fondi()
    sezioni = [
        _sezione(_area("Prima"), fondi, {0: ["10"]}),
        _sezione(_area("Seconda"), fondi, {}),
    ]
    radice = _parse(grafici.risorse_per_area(sezioni, fondi))
    seconda = _aree(radice)[1]
    assert _larghezza_barra(seconda) == 0
    assert seconda.find("svg:text[@class='totale']", NS).text == "€ 0,00"


def test_risorse_testo_degli_utenti_escapato():
    fondi = _fondi()
    fondi[0].nome = 'Fondo "A" <script>alert(1)</script> & co'
    fondi[0].sigla = "F<&>"
    sezioni = [_sezione(_area("Casa <script>&"), fondi, {0: ["10"]})]
    svg = str(grafici.risorse_per_area(sezioni, fondi))
    assert "<script>" not in svg
    radice = _parse(svg)
    assert _aree(radice)[0].find("svg:text", NS).text == "Casa <script>&"
    assert radice.find("svg:g[@class='legenda']/svg:rect", NS).get("data-fondo") == "F<&>"
    assert "Casa <script>&" in radice.find("svg:desc", NS).text


def test_risorse_caratteri_di_controllo_non_rompono_l_xml():
    fondi = _fondi()
    sezioni = [_sezione(_area("Casa\x0b\x00 e\nlavoro"), fondi, {0: ["10"]})]
    radice = _parse(grafici.risorse_per_area(sezioni, fondi))
    assert _aree(radice)[0].find("svg:text", NS).text == "Casa e lavoro"


def test_risorse_nomi_lunghi_accorciati_ma_interi_nel_tooltip():
    fondi = _fondi()
    nome = "Area " + "molto " * 40
    sezioni = [_sezione(_area(nome), fondi, {0: ["10"]})]
    gruppo = _aree(_parse(grafici.risorse_per_area(sezioni, fondi)))[0]
    etichetta = gruppo.find("svg:text", NS).text
    assert len(etichetta) <= grafici.MAX_CARATTERI_AREA
    assert etichetta.endswith("…")
    assert gruppo.find("svg:title", NS).text.startswith(nome.strip())


@pytest.mark.parametrize(
    "sezioni",
    [
        [],
        [(None, [], Tabella(anni=ANNI, fondi=[]))],
    ],
)
def test_risorse_nulla_da_mostrare(sezioni):
    html = str(grafici.risorse_per_area(sezioni, _fondi()))
    assert "Nessuna risorsa programmata" in html
    ET.fromstring(html)


def test_risorse_tutti_zero():
    fondi = _fondi()
    sezioni = [_sezione(_area("Prima"), fondi, {0: ["0"]})]
    assert "Nessuna risorsa programmata" in grafici.risorse_per_area(sezioni, fondi)


def test_risorse_altezza_cresce_con_le_aree():
    fondi = _fondi()
    una = [_sezione(_area("A1"), fondi, {0: ["10"]})]
    tre = una + [_sezione(_area(f"A{i}"), fondi, {0: ["10"]}) for i in (2, 3)]
    h1 = _altezza_viewbox(_parse(grafici.risorse_per_area(una, fondi)))
    h3 = _altezza_viewbox(_parse(grafici.risorse_per_area(tre, fondi)))
    assert h3 == h1 + 2 * grafici.ALTEZZA_RIGA_AREA


def test_risorse_colori_oltre_la_palette_ripetuti():
    fondi = [Fondo(pk=i, sigla=f"F{i}", nome=f"Fondo {i}") for i in range(1, 11)]
    sezioni = [_sezione(_area("Prima"), fondi, {i: ["1"] for i in range(10)})]
    radice = _parse(grafici.risorse_per_area(sezioni, fondi))
    colori = [r.get("fill") for r in radice.findall(".//svg:rect[@class='segmento']", NS)]
    assert len(colori) == 10
    assert colori[: len(primitive.PALETTE)] == list(primitive.PALETTE)


# Avanzamento degli obiettivi


def test_avanzamento_svg_ben_formato_con_valori():
    obiettivi = [
        _obiettivo("1.1", "Casa", Decimal("45.5")),
        _obiettivo("1.2", "Lavoro", Decimal("100.0")),
        _obiettivo("2.1", "Senza azioni", None),
    ]
    radice = _parse(grafici.avanzamento_obiettivi(obiettivi, id_prefix="av"))
    assert radice.get("role") == "img"
    assert radice.get("aria-labelledby") == "av-titolo av-desc"
    gruppi = radice.findall("svg:g[@class='obiettivo']", NS)
    assert [g.find("svg:text", NS).text for g in gruppi] == [
        "1.1 Casa",
        "1.2 Lavoro",
        "2.1 Senza azioni",
    ]
    valori = [g.find("svg:text[@class='valore']", NS).text for g in gruppi]
    assert valori == ["45,5%", "100%", "n.d."]
    riempimenti = [g.find("svg:rect[@class='riempimento']", NS) for g in gruppi]
    traccia = Decimal(grafici.LARGHEZZA_TRACCIA)
    assert Decimal(riempimenti[0].get("width")) == traccia * Decimal("0.455")
    assert Decimal(riempimenti[1].get("width")) == traccia
    assert riempimenti[2] is None
    assert gruppi[2].find("svg:rect[@class='traccia']", NS) is not None
    desc = radice.find("svg:desc", NS).text
    assert "1.1 Casa: 45,5%" in desc
    assert "2.1 Senza azioni: n.d." in desc


def test_avanzamento_zero_ha_barra_vuota_ma_valore():
    radice = _parse(grafici.avanzamento_obiettivi([_obiettivo("1", "X", Decimal("0.0"))]))
    gruppo = radice.find("svg:g[@class='obiettivo']", NS)
    assert gruppo.find("svg:rect[@class='riempimento']", NS).get("width") == "0"
    assert gruppo.find("svg:text[@class='valore']", NS).text == "0%"


def test_avanzamento_titolo_escapato_e_accorciato():
    titolo = "<script>alert('x')</script> & " + "parole " * 20
    svg = str(grafici.avanzamento_obiettivi([_obiettivo("3.4", titolo, Decimal("10"))]))
    assert "<script>" not in svg
    gruppo = _parse(svg).find("svg:g[@class='obiettivo']", NS)
    etichetta = gruppo.find("svg:text", NS).text
    assert etichetta.startswith("3.4 <script>alert('x')</script> &")
    assert len(etichetta) <= grafici.MAX_CARATTERI_OBIETTIVO
    assert etichetta.endswith("…")
    assert gruppo.find("svg:title", NS).text.startswith(f"3.4 {titolo.strip()}")


def test_avanzamento_nessun_obiettivo():
    html = str(grafici.avanzamento_obiettivi([]))
    assert "Nessun obiettivo" in html
    ET.fromstring(html)


def test_avanzamento_altezza_cresce_con_gli_obiettivi():
    def altezza(n):
        obiettivi = [_obiettivo(str(i), "T", Decimal("50")) for i in range(n)]
        radice = _parse(grafici.avanzamento_obiettivi(obiettivi))
        assert radice.get("height") == radice.get("viewBox").split()[3]
        return _altezza_viewbox(radice)

    assert altezza(5) == altezza(1) + 4 * grafici.ALTEZZA_RIGA_OBIETTIVO


def test_avanzamento_accetta_un_iteratore():
    obiettivi = iter([_obiettivo("1", "A", Decimal("20"))])
    radice = _parse(grafici.avanzamento_obiettivi(obiettivi))
    assert len(radice.findall("svg:g[@class='obiettivo']", NS)) == 1


# Both charts


def _due_grafici(prefisso_risorse, prefisso_avanzamento):
    fondi = _fondi()
    sezioni = [_sezione(_area("Prima"), fondi, {0: ["10"]})]
    obiettivi = [_obiettivo("1", "A", Decimal("20"))]
    return (
        str(grafici.risorse_per_area(sezioni, fondi, id_prefix=prefisso_risorse)),
        str(grafici.avanzamento_obiettivi(obiettivi, id_prefix=prefisso_avanzamento)),
    )


def _ids(svg):
    return [e.get("id") for e in _parse(svg).iter() if e.get("id")]


@pytest.mark.parametrize(
    ("prefissi"), [("risorse", "avanzamento"), ("pdf-risorse", "pdf-avanzamento")]
)
def test_id_unici_in_una_pagina_con_piu_grafici(prefissi):
    ids = [i for svg in _due_grafici(*prefissi) for i in _ids(svg)]
    assert len(ids) == len(set(ids)) == 4
    for svg in _due_grafici(*prefissi):
        radice = _parse(svg)
        for riferito in radice.get("aria-labelledby").split():
            assert riferito in _ids(svg)


def test_stesso_grafico_con_prefissi_diversi_ha_id_diversi():
    a = _ids(_due_grafici("uno", "due")[0])
    b = _ids(_due_grafici("tre", "quattro")[0])
    assert not set(a) & set(b)


def test_default_dei_prefissi_diversi_tra_i_due_grafici():
    fondi = _fondi()
    sezioni = [_sezione(_area("Prima"), fondi, {0: ["10"]})]
    a = _ids(grafici.risorse_per_area(sezioni, fondi))
    b = _ids(grafici.avanzamento_obiettivi([_obiettivo("1", "A", None)]))
    assert not set(a) & set(b)


def test_nessun_riferimento_esterno():
    for svg in _due_grafici("a", "b"):
        radice = _parse(svg)
        assert not radice.findall(".//svg:image", NS)
        assert not radice.findall(".//svg:style", NS)
        for elemento in radice.iter():
            for nome, valore in elemento.attrib.items():
                assert "href" not in nome
                assert "url(" not in valore
                assert "http" not in valore or nome == "xmlns"


def _luminanza(colore):
    canali = [int(colore[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lineari = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in canali]
    return 0.2126 * lineari[0] + 0.7152 * lineari[1] + 0.0722 * lineari[2]


def _contrasto(a, b):
    chiaro, scuro = sorted((_luminanza(a), _luminanza(b)), reverse=True)
    return (chiaro + 0.05) / (scuro + 0.05)


def test_palette_distinta_e_visibile_sul_bianco():
    assert len(primitive.PALETTE) >= 6
    assert len(set(primitive.PALETTE)) == len(primitive.PALETTE)
    # Graphical objects: at least 3:1 against the background (WCAG 1.4.11).
    assert all(_contrasto(c, "#FFFFFF") >= 3 for c in primitive.PALETTE)
    assert _contrasto(primitive.RIEMPIMENTO, primitive.TRACCIA) >= 3
    # The text sits on white, never on the bars.
    assert _contrasto(primitive.TESTO, "#FFFFFF") >= 4.5
