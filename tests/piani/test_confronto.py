"""The word-by-word comparison of two texts of a section (piani/confronto.py)."""

from piani.confronto import (
    AGGIUNTO,
    CELLA,
    PARAGRAFO,
    RIMOSSO,
    TITOLO,
    UGUALE,
    VOCE,
    blocchi,
    confronta,
)


def _come_testo(confronto):
    """Each block as one line: [+added+], [-removed-]; a block added or removed whole starts with
    + or -."""
    righe = []
    for blocco in confronto.blocchi:
        parti = []
        for segmento in blocco.segmenti:
            if segmento.stato == AGGIUNTO:
                parti.append(f"[+{segmento.testo}+]")
            elif segmento.stato == RIMOSSO:
                parti.append(f"[-{segmento.testo}-]")
            else:
                parti.append(segmento.testo)
        segno = {AGGIUNTO: "+ ", RIMOSSO: "- ", UGUALE: ""}[blocco.stato]
        righe.append(f"{segno}{blocco.tipo}: {' '.join(parti)}")
    return righe


def test_i_blocchi_di_un_testo_con_titoli_elenchi_e_tabelle():
    html = (
        "<h2>Le famiglie</h2><p>Uno <strong>due</strong>&nbsp;tre<br>quattro &amp; cinque</p>"
        "<ul><li><p>Crema</p></li><li>Pandino</li></ul>"
        "<table><tbody><tr><th>Comune</th><td><p>Abitanti</p></td></tr></tbody></table>"
        "<blockquote><p>Citato</p></blockquote>"
    )
    assert blocchi(html) == [
        (TITOLO, "Le famiglie"),
        (PARAGRAFO, "Uno due tre quattro & cinque"),
        (VOCE, "Crema"),
        (VOCE, "Pandino"),
        (CELLA, "Comune"),
        (CELLA, "Abitanti"),
        ("citazione", "Citato"),
    ]
    assert blocchi("") == [] and blocchi("<p> </p>") == []
    assert blocchi("testo senza tag") == [(PARAGRAFO, "testo senza tag")]


def test_le_parole_cambiate_dentro_un_paragrafo():
    confronto = confronta(
        "<p>Il piano sociale del territorio cremasco.</p>",
        "<p>Il nuovo piano sociale del territorio.</p>",
    )
    assert _come_testo(confronto) == [
        "paragrafo: Il [+nuovo+] piano sociale del [-territorio cremasco.-] [+territorio.+]"
    ]
    assert (confronto.parole_aggiunte, confronto.parole_rimosse) == (2, 2)
    assert not confronto.uguali


def test_paragrafi_tolti_e_aggiunti_restano_blocchi_a_se():
    confronto = confronta(
        "<p>Primo.</p><p>Da togliere tutto.</p><p>Ultimo.</p>",
        "<p>Primo.</p><p>Ultimo.</p><p>Aggiunto in fondo.</p>",
    )
    assert _come_testo(confronto) == [
        "paragrafo: Primo.",
        "- paragrafo: [-Da togliere tutto.-]",
        "paragrafo: Ultimo.",
        "+ paragrafo: [+Aggiunto in fondo.+]",
    ]
    assert (confronto.parole_aggiunte, confronto.parole_rimosse) == (3, 3)


def test_una_parola_cambiata_resta_nel_suo_paragrafo_anche_se_ne_sparisce_un_altro():
    confronto = confronta(
        "<p>Il piano del territorio.</p><p>Da togliere.</p><p>Fine.</p>",
        "<p>Il piano dell'ambito.</p><p>Fine.</p>",
    )
    assert _come_testo(confronto) == [
        "paragrafo: Il piano [-del territorio.-] [+dell'ambito.+]",
        "- paragrafo: [-Da togliere.-]",
        "paragrafo: Fine.",
    ]


def test_testi_uguali_e_solo_la_formattazione_cambiata():
    uguali = confronta("<p>Uno <em>due</em></p>", "<p>Uno <strong>due</strong></p>")
    assert uguali.uguali
    assert _come_testo(uguali) == ["paragrafo: Uno due"]
    # A paragraph made a heading: the words are the same, the block is the new one's kind.
    assert _come_testo(confronta("<p>Titolo</p>", "<h2>Titolo</h2>")) == ["titolo: Titolo"]


def test_da_un_testo_vuoto_e_verso_un_testo_vuoto():
    assert _come_testo(confronta("", "<p>Nuovo testo</p>")) == ["+ paragrafo: [+Nuovo testo+]"]
    assert _come_testo(confronta("<ul><li>Voce</li></ul>", "")) == ["- voce: [-Voce-]"]
    vuoto = confronta("", "")
    assert vuoto.blocchi == [] and vuoto.uguali


def test_il_testo_dei_segmenti_e_testo_non_html():
    # The template escapes it: markup in a text is shown as written, never run.
    confronto = confronta("<p>a &lt;b&gt;</p>", "<p>a &lt;script&gt;</p>")
    assert _come_testo(confronto) == ["paragrafo: a [-<b>-] [+<script>+]"]
