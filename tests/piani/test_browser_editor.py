"""The editor of the plan's sections in a real browser: the toolbar, a text pasted from Word,
what the server keeps, the text in the PDF, a conflict shown as two readable texts, a phone's
width; every page under the Content-Security-Policy (any violation fails the test)."""

import datetime
import io

import pypdf
import pytest
from playwright.sync_api import expect

from ambiti.demo import carica_periodo
from obiettivi.demo import carica_fondi
from piani import services
from piani.assemblaggio import html_piano
from piani.pdf import rendi_pdf
from tests.browser_fixtures import accedi
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What Word puts on the clipboard, shortened: its styles, its namespaced tags, its lists made of
# paragraphs, fonts; and what a malicious page could add.
DA_WORD = """<html xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"><head><meta charset="utf-8">
<style>p.MsoNormal {mso-style-parent:""; font-family:"Calibri";}</style></head><body lang=IT>
<!--StartFragment-->
<p class=MsoNormal style='margin-bottom:0cm;mso-margin-top-alt:auto'><span
style='font-family:"Calibri",sans-serif;mso-fareast-font-family:"Times New Roman";color:#C00000'>Testo
da Word con <b>parole in grassetto</b> e <font color="red" face="Arial">colore</font><o:p></o:p></span></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span
style='font-family:Symbol;mso-list:Ignore'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;
</span></span><![endif]>Prima voce da Word<o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span
style='font-family:Symbol;mso-list:Ignore'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;
</span></span><![endif]>Seconda voce da Word<o:p></o:p></p>
<script>window.incollato = true</script>
<p onclick="alert(1)" style="font-size:30pt">Fine del testo incollato</p>
<!--EndFragment--></body></html>"""

INCOLLA = """(html) => {
  const dati = new DataTransfer();
  dati.setData("text/html", html);
  dati.setData("text/plain", "testo semplice che non deve servire");
  const evento = new ClipboardEvent("paste", { clipboardData: dati, bubbles: true, cancelable: true });
  document.querySelector(".ProseMirror").dispatchEvent(evento);
}"""


@pytest.fixture
def piano(cremasco, ufficio_piano_crema):
    carica_fondi()
    return services.crea_piano(
        ambito=cremasco, periodo=carica_periodo(), utente=ufficio_piano_crema
    )


def _url(live_server, piano, sezione, coda=""):
    return f"{live_server.url}/ambiti/cremasco/piani/{piano.pk}/sezioni/{sezione.pk}/{coda}"


def _testo_pdf(piano):
    html = html_piano(piano, data=datetime.date(2026, 1, 7))
    risultato = rendi_pdf(html, titolo="Piano di Zona", autore="Ufficio di Piano")
    lettore = pypdf.PdfReader(io.BytesIO(risultato.pdf))
    return " ".join(" ".join(p.extract_text() for p in lettore.pages).split())


# Tiptap keeps its editor on the editable element (element.editor).
SELEZIONA = """(parole) => {
  const editor = document.querySelector(".ProseMirror").editor;
  let da = null;
  editor.state.doc.descendants((nodo, pos) => {
    if (da === null && nodo.isText && nodo.text.includes(parole)) da = pos + nodo.text.indexOf(parole);
  });
  editor.chain().focus().setTextSelection({ from: da, to: da + parole.length }).run();
}"""


def _selezionato(pagina):
    return pagina.evaluate("() => window.getSelection().toString()")


def _editor(pagina):
    """The running editor, once it has replaced the plain textarea (both are textboxes named
    "Testo": the textarea only until the editor's module has loaded)."""
    editor = pagina.locator('[contenteditable="true"][role="textbox"]')
    expect(editor).to_be_visible()
    expect(pagina.locator("textarea#id_testo")).to_be_hidden()
    return editor


def test_scrivere_incollare_da_word_salvare_e_trovare_il_testo_nel_pdf(
    page, live_server, piano, ufficio_piano_crema
):
    sezione = piano.sezioni.get(titolo="Introduzione")
    accedi(page, "up_crema", PASSWORD)
    page.goto(_url(live_server, piano, sezione))
    testo = _editor(page)
    expect(testo).to_be_visible()
    barra = page.get_by_role("toolbar", name="Formattazione del testo")
    # The textarea is the form's field, hidden behind the editor.
    expect(page.locator("textarea[name=testo]")).to_be_hidden()

    # A heading, a bold word, a bulleted list.
    testo.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("Servizi per la famiglia")
    barra.get_by_role("button", name="Titolo di livello 2").click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("Il testo ")
    barra.get_by_role("button", name="Grassetto").click()
    page.keyboard.type("importante")
    barra.get_by_role("button", name="Grassetto").click()
    page.keyboard.type(" del piano.")
    page.keyboard.press("Enter")
    barra.get_by_role("button", name="Elenco puntato").click()
    page.keyboard.type("Crema")
    page.keyboard.press("Enter")
    page.keyboard.type("Pandino")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")

    # A link on words already written: select them, then the toolbar's dialog.
    page.keyboard.type("Le linee di Regione Lombardia")
    # ProseMirror follows the browser's selection a moment later: a selection made key by key
    # can be overtaken by a busy machine, so the words are selected through the editor itself.
    page.evaluate(SELEZIONA, "Regione Lombardia")
    page.wait_for_function("() => window.getSelection().toString() === 'Regione Lombardia'")
    barra.get_by_role("button", name="Collegamento").click()
    dialogo = page.locator("dialog.prose-editor-dialog")
    dialogo.get_by_label("Indirizzo (https://…)").fill("https://www.regione.lombardia.it/")
    dialogo.get_by_role("button", name="Applica").click()
    expect(dialogo).to_have_count(0)
    expect(testo.get_by_role("link", name="Regione Lombardia")).to_be_visible()

    # Pasted from Word: the structure stays, Word's styles, fonts and tags go, the script too.
    # Back in the text after the dialog: at the start of the line, then after the link.
    page.evaluate("() => document.querySelector('.ProseMirror').editor.commands.focus('end')")
    page.wait_for_function("() => window.getSelection().isCollapsed")
    page.keyboard.press("End")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    page.evaluate(INCOLLA, DA_WORD)
    expect(testo).to_contain_text("Fine del testo incollato")
    assert page.evaluate("() => window.incollato") is None
    expect(testo.locator("li", has_text="Prima voce da Word")).to_be_visible()
    expect(testo.locator("strong", has_text="parole in grassetto")).to_be_visible()

    # A table at the end, with its toolbar dialog; Tab moves to the next cell.
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    barra.get_by_role("button", name="Inserisci una tabella").click()
    dialogo.get_by_label("Righe").fill("2")
    dialogo.get_by_label("Colonne").fill("2")
    dialogo.get_by_role("button", name="Inserisci la tabella").click()
    expect(testo.locator("table")).to_be_visible()
    page.keyboard.type("Cella uno")
    page.keyboard.press("Tab")
    page.keyboard.type("Cella due")

    page.get_by_role("button", name="Salva la sezione").click()
    expect(page.get_by_role("alert")).to_contain_text("Sezione salvata")

    sezione.refresh_from_db()
    html = sezione.testo
    for atteso in (
        "<h2>Servizi per la famiglia</h2>",
        "<strong>importante</strong>",
        "<ul><li><p>Crema</p></li><li><p>Pandino</p></li></ul>",
        '<a href="https://www.regione.lombardia.it/">Regione Lombardia</a>',
        "<strong>parole in grassetto</strong>",
        "<li><p>Prima voce da Word</p></li><li><p>Seconda voce da Word</p></li>",
        "<p>Fine del testo incollato</p>",
        "<td><p>Cella uno</p></td><td><p>Cella due</p></td>",
    ):
        assert atteso in html, atteso
    assert "colore" in html
    for vietato in (
        "mso-",
        "Mso",
        "o:p",
        "style",
        "class=",
        "<font",
        "<span",
        "Calibri",
        "script",
        "incollato =",
        "onclick",
        "colspan",
        "·",
    ):
        assert vietato not in html, vietato

    # The plan's PDF has the text written in the editor.
    testo_pdf = _testo_pdf(piano)
    for atteso in (
        "Servizi per la famiglia",
        "Il testo importante del piano.",
        "Pandino",
        "Regione Lombardia",
        "Testo da Word con parole in grassetto e colore",
        "Seconda voce da Word",
        "Cella uno",
        "Cella due",
    ):
        assert atteso in testo_pdf, atteso


def test_conflitto_con_l_editor_mostra_i_due_testi_leggibili(
    page, live_server, piano, ufficio_piano_crema
):
    sezione = piano.sezioni.get(titolo="Introduzione")
    accedi(page, "up_crema", PASSWORD)
    page.goto(_url(live_server, piano, sezione))
    testo = _editor(page)
    testo.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("Il mio testo nuovo")

    # Meanwhile a colleague saves the same section.
    services.salva_sezione(
        sezione=sezione,
        titolo=sezione.titolo,
        testo="<p>Testo della <strong>collega</strong></p><ul><li>una voce</li></ul>",
        versione_letta=1,
        utente=ufficio_piano_crema,
    )
    page.get_by_role("button", name="Salva la sezione").click()
    conflitto = page.get_by_test_id("conflitto")
    expect(conflitto).to_be_visible()
    altrui = page.get_by_test_id("testo-altrui")
    # Rendered, not shown as markup.
    expect(altrui.locator("strong")).to_have_text("collega")
    expect(altrui.locator("li")).to_have_text("una voce")
    expect(altrui).not_to_contain_text("<p>")
    expect(page.get_by_test_id("testo-proprio")).to_have_text("Il mio testo nuovo")
    # Her own text is back in the editor, which runs again on the conflict page.
    testo = _editor(page)
    expect(testo).to_have_text("Il mio testo nuovo")

    # She adds the colleague's words and saves against the version she has now seen.
    # A click's caret is placed by ProseMirror after the mouseup, and can land after a
    # Ctrl+End pressed straight away; the editor's own command puts it at the end.
    testo.click()
    page.evaluate("() => document.querySelector('.ProseMirror').editor.commands.focus('end')")
    page.wait_for_function("() => window.getSelection().isCollapsed")
    page.keyboard.press("Enter")
    page.keyboard.type("E quello della collega.")
    page.get_by_role("button", name="Salva la sezione").click()
    expect(page.get_by_role("alert")).to_contain_text("Sezione salvata")
    sezione.refresh_from_db()
    assert sezione.testo == "<p>Il mio testo nuovo</p><p>E quello della collega.</p>"
    assert sezione.versione == 3


def _nessuno_scorrimento_orizzontale(pagina):
    # The page's content, from the editor to the comparison, stays within the screen (the
    # header is base.html's own matter); the editor scrolls a wide table inside itself.
    sporgenti = pagina.evaluate(
        """() => [...document.querySelectorAll("#contenuto *")]
          .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1
            && !el.closest(".tableWrapper, .table-responsive"))
          .map((el) => `${el.tagName}.${el.className}`)"""
    )
    assert sporgenti == []
    contenuto = pagina.evaluate(
        "() => [document.getElementById('contenuto').scrollWidth,"
        " document.getElementById('contenuto').clientWidth]"
    )
    assert contenuto[0] <= contenuto[1], contenuto


def test_a_390_pixel_la_barra_va_a_capo_e_la_pagina_non_scorre_di_lato(
    nuovo_contesto, live_server, piano, ufficio_piano_crema
):
    sezione = piano.sezioni.get(titolo="Introduzione")
    services.salva_sezione(
        sezione=sezione,
        titolo=sezione.titolo,
        testo="<p>Il piano sociale del territorio cremasco.</p><p>Da togliere.</p>",
        versione_letta=1,
        utente=ufficio_piano_crema,
    )
    contesto = nuovo_contesto()
    contesto.set_default_timeout(10_000)
    pagina = contesto.new_page()
    pagina.set_viewport_size({"width": 390, "height": 844})
    accedi(pagina, "up_crema", PASSWORD)
    pagina.goto(_url(live_server, piano, sezione))
    barra = pagina.get_by_role("toolbar", name="Formattazione del testo")
    expect(barra).to_be_visible()
    _nessuno_scorrimento_orizzontale(pagina)
    riquadro = barra.bounding_box()
    assert riquadro["x"] >= 0 and riquadro["x"] + riquadro["width"] <= 390
    pulsanti = barra.locator("button:visible")
    altezze = {round(pulsanti.nth(i).bounding_box()["y"]) for i in range(pulsanti.count())}
    assert len(altezze) > 1, "la barra degli strumenti sta su una riga sola"
    for i in range(pulsanti.count()):
        box = pulsanti.nth(i).bounding_box()
        assert box["x"] + box["width"] <= 390

    # A table in the editor does not widen the page either.
    testo = _editor(pagina)
    testo.click()
    pagina.keyboard.press("Control+A")
    pagina.keyboard.type("Il piano sociale del territorio.")
    barra.get_by_role("button", name="Inserisci una tabella").click()
    dialogo = pagina.locator("dialog.prose-editor-dialog")
    dialogo.get_by_label("Colonne").fill("6")
    dialogo.get_by_role("button", name="Inserisci la tabella").click()
    pagina.keyboard.type("Unaparolamoltolungachenonsispezzadasola")
    _nessuno_scorrimento_orizzontale(pagina)
    pagina.get_by_role("button", name="Salva la sezione").click()
    expect(pagina.get_by_role("alert")).to_contain_text("Sezione salvata")

    # The comparison of the two revisions, on the phone.
    pagina.goto(_url(live_server, piano, sezione, "revisioni/?a=2&b=3"))
    confronto = pagina.get_by_test_id("confronto")
    expect(confronto.locator("del", has_text="cremasco.")).to_be_visible()
    expect(confronto.locator("del", has_text="Da togliere.")).to_be_visible()
    expect(confronto.locator("ins", has_text="territorio.")).to_be_visible()
    expect(confronto.locator("ins", has_text="Unaparolamoltolunga")).to_be_visible()
    _nessuno_scorrimento_orizzontale(pagina)
    pagina.screenshot(path="/tmp/pw/revisioni-390.png", full_page=True)
