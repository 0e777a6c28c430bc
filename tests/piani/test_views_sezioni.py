"""The section's page with its editor, what the server keeps of a posted text whatever sent it,
and the revisions: a word-by-word comparison and the time each revision was written."""

import datetime
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from ambiti.demo import carica_periodo
from piani import services
from piani.models import RevisioneSezione, Sezione
from tests.utils.html import testo as _testo
from tests.utils.html import trova, uno

pytestmark = pytest.mark.django_db

ROMA = ZoneInfo("Europe/Rome")


@pytest.fixture
def piano(cremasco, ufficio_piano_crema):
    return services.crea_piano(
        ambito=cremasco, periodo=carica_periodo(), utente=ufficio_piano_crema
    )


@pytest.fixture
def sezione(piano):
    return piano.sezioni.get(titolo="Introduzione")


def _url(nome, sezione):
    return reverse(
        f"piani:{nome}",
        kwargs={"slug": sezione.piano.ambito.slug, "pk": sezione.piano.pk, "spk": sezione.pk},
    )


def _salva(client, sezione, testo, versione):
    return client.post(
        _url("sezione", sezione), {"titolo": sezione.titolo, "testo": testo, "versione": versione}
    )


def test_la_pagina_avvia_l_editor_dai_file_statici_senza_script_in_linea(
    client, sezione, ufficio_piano_crema
):
    client.force_login(ufficio_piano_crema)
    risposta = client.get(_url("sezione", sezione))
    html = risposta.content.decode()
    area = uno(risposta, "textarea", name="testo")
    attributi = dict(area.attributes)
    configurazione = json.loads(attributi["data-django-prose-editor-configurable"])
    estensioni = configurazione["extensions"]
    for nome in ("Bold", "Italic", "BulletList", "OrderedList", "Link", "Table", "History"):
        assert estensioni[nome], nome
    assert estensioni["Heading"] == {"levels": [2, 3, 4]}
    # The package's own HTML editing is not offered; the spelling checker stays on.
    assert "HTML" not in estensioni and "NoSpellCheck" not in estensioni
    assert attributi["data-editor-modulo"] == "/static/django_prose_editor/editor.js"
    assert '<script src="/static/js/editor-sezioni.js" type="module"></script>' in html
    # No import map, no inline script or style: the Content-Security-Policy would refuse them.
    assert "importmap" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"<style\b", html)


def test_un_testo_inviato_direttamente_viene_ripulito_dal_server(
    client, sezione, ufficio_piano_crema
):
    client.force_login(ufficio_piano_crema)
    sporco = (
        '<h2 style="color:red" onclick="alert(1)">Titolo</h2>'
        "<style>h2 { display: none }</style><script>document.cookie</script>"
        '<p class="MsoNormal"><span style="font-family:Calibri">Da <b>Word</b></span><o:p></o:p> '
        '<font color="red">rosso</font></p>'
        '<ol><li><p onmouseover="x()">Uno</p></li></ol>'
        '<table style="width:100%"><colgroup><col style="min-width:25px"></colgroup><tbody>'
        '<tr><th colspan="1" rowspan="1">A</th><td colspan="2" onclick="x()">B</td>'
        '<td rowspan="0">C</td><td colspan="2; x">D</td></tr></tbody></table>'
        '<p><a href="https://www.ats-valpadana.it/" title="" target="_blank" '
        'onclick="x()">ATS</a> <a href="/admin/">interno</a></p>'
    )
    assert _salva(client, sezione, sporco, 1).status_code == 302
    sezione.refresh_from_db()
    assert sezione.testo == (
        "<h2>Titolo</h2>"
        # <b> is not among the tags kept (the editor writes <strong>): its text stays.
        "<p>Da Word rosso</p>"
        "<ol><li><p>Uno</p></li></ol>"
        '<table><tbody><tr><th>A</th><td colspan="2">B</td><td>C</td><td>D</td></tr>'
        "</tbody></table>"
        '<p><a href="https://www.ats-valpadana.it/">ATS</a> <a>interno</a></p>'
    )


def _blocchi(nodo, *classi):
    # Django's HTML parser sorts the names of a class attribute: compare them as a set.
    return [
        el
        for el in trova(nodo, "p")
        if set(classi) == set(dict(el.attributes).get("class", "").split())
    ]


def test_il_confronto_e_parola_per_parola_con_legenda(client, sezione, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    _salva(client, sezione, "<h2>Famiglie</h2><p>Il piano del territorio.</p><p>Via.</p>", 1)
    _salva(client, sezione, "<h2>Famiglie</h2><p>Il nuovo piano del territorio.</p>", 2)
    risposta = client.get(_url("revisioni", sezione), {"a": 2, "b": 3})
    html = risposta.content.decode()
    for marcatore_di_difflib in (
        'class="diff"',
        "diff_header",
        "diff_next",
        "diff_add",
        "<colgroup",
    ):
        assert marcatore_di_difflib not in html
    confronto = uno(risposta, data_testid="confronto")
    legenda = uno(confronto, data_testid="legenda-confronto")
    assert _testo(legenda).startswith(
        "Legenda: testo aggiunto (sottolineato), testo tolto (barrato)."
    )
    assert "1 parola aggiunta, 1 parola tolta." in _testo(legenda)
    blocchi = _blocchi(confronto, "confronto-blocco", "confronto-paragrafo")
    assert [_testo(b) for b in blocchi] == [
        "Il inizio aggiunta nuovo fine aggiunta piano del territorio."
    ]
    [aggiunto] = trova(blocchi[0], "ins")
    assert _testo(aggiunto) == "inizio aggiunta nuovo fine aggiunta"
    # Screen readers hear where an addition starts and ends; the eye sees the underline.
    assert [_testo(s) for s in trova(aggiunto, "span", **{"class": "visually-hidden"})] == [
        "inizio aggiunta",
        "fine aggiunta",
    ]
    [tolto] = _blocchi(
        confronto, "confronto-blocco", "confronto-paragrafo", "confronto-blocco-rimosso"
    )
    assert _testo(tolto) == "Paragrafo tolto: inizio testo tolto Via. fine testo tolto"
    assert trova(tolto, "del")
    [titolo] = _blocchi(confronto, "confronto-blocco", "confronto-titolo")
    assert _testo(titolo) == "Famiglie"


def test_il_confronto_mostra_testo_non_codice(client, sezione, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    _salva(client, sezione, "<p>Scrivere &lt;b&gt; non fa grassetto</p>", 1)
    _salva(client, sezione, "<p>Scrivere &lt;i&gt; non fa corsivo</p>", 2)
    html = client.get(_url("revisioni", sezione), {"a": 2, "b": 3}).content.decode()
    assert "&lt;b&gt;" in html and "&lt;i&gt;" in html
    assert "<b>" not in html and "<i>" not in html


def test_ogni_revisione_mostra_quando_fu_scritta_nell_ora_italiana(
    client, sezione, ufficio_piano_crema
):
    # The initial text was written on 10 March at 09:30 in Crema (08:30 UTC).
    scritta = datetime.datetime(2026, 3, 10, 8, 30, tzinfo=datetime.UTC)
    Sezione.objects.filter(pk=sezione.pk).update(modificata_il=scritta)
    client.force_login(ufficio_piano_crema)
    _salva(client, sezione, "<p>Seconda stesura</p>", 1)
    revisioni = {r.versione: r for r in RevisioneSezione.objects.filter(sezione=sezione)}
    assert revisioni[1].creata_il == scritta
    seconda = revisioni[2].creata_il.astimezone(ROMA)

    righe = trova(client.get(_url("revisioni", sezione)), "tr", data_testid="revisione")
    quando = {_testo(r.children[0]): uno(r, "time") for r in righe}
    assert _testo(quando["1"]) == "10/03/2026 09:30"
    assert dict(quando["1"].attributes)["datetime"] == "2026-03-10T09:30:00+01:00"
    assert _testo(quando["2"]) == seconda.strftime("%d/%m/%Y %H:%M")
