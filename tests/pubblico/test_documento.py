"""The frozen plan becomes a fragment of a public page: its sections only, cleaned, one heading
level down, with no script, style, handler or chart left."""

import re

from pubblico.documento import sezioni_pubbliche

FROZEN = """<!doctype html><html><head><style>body { color: red }</style></head><body>
<section class="copertina"><h1>Copertina</h1></section>
<nav class="indice"><h1>Indice</h1></nav>
<section class="sezione" id="sezione-1" aria-labelledby="sezione-1-titolo">
  <h1 id="sezione-1-titolo">Introduzione</h1>
  <div class="testo" style="position: fixed"><p onclick="alert(1)">Testo</p>
  <script>alert("x")</script><h2>Sotto</h2><a href="javascript:alert(1)">link</a>
  <img src="https://tracker.example/pixel.png"></div>
  <figure><svg role="img"><title>Grafico</title><text>etichetta svg</text></svg>
  <figcaption>Didascalia</figcaption></figure>
  <table class="x"><tr><th scope="row" style="color: red">A</th><td colspan="2">1</td></tr></table>
</section>
</body></html>"""


def test_solo_le_sezioni_pulite():
    html = sezioni_pubbliche(FROZEN)
    assert "Copertina" not in html and "Indice" not in html
    assert '<h2 id="sezione-1-titolo">Introduzione</h2>' in html
    assert "<h3>Sotto</h3>" in html
    assert "<h1" not in html
    for vietato in ("<script", "alert", "style=", "onclick", "<img", "<svg", "etichetta svg"):
        assert vietato not in html, vietato
    assert "<figcaption>Didascalia</figcaption>" in html
    # nh3 sets the two attributes in no fixed order (a hash map in its Rust core).
    tabelle = re.findall(r"<table\b[^>]*>", html)
    assert tabelle and all(
        'class="table table-sm"' in tabella and 'tabindex="0"' in tabella for tabella in tabelle
    )
    assert '<th scope="row">A</th>' in html and '<td colspan="2">1</td>' in html


def test_un_documento_senza_sezioni_non_mostra_nulla():
    assert sezioni_pubbliche("<html><body><p>niente</p></body></html>") == ""
