"""The plan assembled to HTML and typeset to PDF: content read back with pypdf, a table of contents
that tells the truth, PDF/UA metadata and tags, no network, the sanitiser, constant queries."""

import datetime
import io
import re
import socket
from decimal import Decimal
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ambiti.demo import carica_aree_policy, carica_periodo
from ambiti.models import Comune
from obiettivi.demo import carica_fondi
from obiettivi.models import (
    Azione,
    Destinatario,
    Indicatore,
    Obiettivo,
    Risorsa,
    ValoreIndicatore,
    Valutazione,
)
from piani import grafici
from piani.assemblaggio import html_piano
from piani.models import Piano, Sezione
from piani.pdf import RisultatoPDF, rendi_pdf
from piani.sanitizzazione import pulisci
from tavoli.models import Esito
from tests.factories import IncontroFactory, TavoloFactory

ROMA = ZoneInfo("Europe/Rome")
Blocco = Sezione.Blocco
TEMI = (
    "Rete per la domiciliarità degli anziani soli",
    "Housing sociale temporaneo per famiglie in emergenza",
    "Inclusione lavorativa delle persone fragili",
    "Spazi di aggregazione per adolescenti",
    "Sostegno alla genitorialità nei primi mille giorni",
    "Sportello unico digitale per i servizi sociali",
)


# Data, built with the ORM in bulk: sixty objectives must not take a minute.


def crea_obiettivi(ambito, periodo, quanti, *, aree, fondi, prefisso=""):
    anni = periodo.anni
    obiettivi = Obiettivo.objects.bulk_create(
        [
            Obiettivo(
                ambito=ambito,
                periodo=periodo,
                codice=f"{prefisso}{i // 10 + 1}.{i % 10 + 1}",
                titolo=f"{TEMI[i % len(TEMI)]} (obiettivo {prefisso}{i + 1})",
                descrizione=f"Descrizione dell'obiettivo numero {i + 1}.",
                destinatari="Anziani e famiglie",
            )
            for i in range(quanti)
        ]
    )
    Through = Obiettivo.aree_policy.through
    Through.objects.bulk_create(
        [
            Through(obiettivo_id=o.pk, areapolicy_id=aree[i % len(aree)].pk)
            for i, o in enumerate(obiettivi)
        ]
    )
    Gruppi = Obiettivo.gruppi_destinatari.through
    gruppi = Destinatario.objects.filter(ambito=None, slug__in=["anziani", "famiglie"])
    Gruppi.objects.bulk_create(
        [Gruppi(obiettivo_id=o.pk, destinatario_id=g.pk) for o in obiettivi for g in gruppi]
    )
    Azione.objects.bulk_create(
        [
            Azione(
                obiettivo=o,
                descrizione=f"Azione {n} dell'obiettivo {o.codice}",
                responsabile_altro="Ufficio di Piano",
                data_inizio=datetime.date(anni[0], 3, 1),
                data_fine=datetime.date(anni[-1], 12, 31),
                avanzamento=25 * n,
                ordine=n,
            )
            for o in obiettivi
            for n in (1, 2)
        ]
    )
    Risorsa.objects.bulk_create(
        [
            Risorsa(obiettivo=o, anno=anno, fondo=fondo, importo=Decimal("1000.10"))
            for o in obiettivi
            for anno in anni
            for fondo in fondi[:2]
        ]
    )
    indicatori = Indicatore.objects.bulk_create(
        [
            Indicatore(
                obiettivo=o,
                nome="Persone raggiunte",
                unita="persone",
                valore_base=Decimal("100"),
                anno_base=anni[0] - 1,
            )
            for o in obiettivi
        ]
    )
    ValoreIndicatore.objects.bulk_create(
        [
            ValoreIndicatore(indicatore=i, tipo=tipo, anno=anno, valore=Decimal("120.5"))
            for i in indicatori
            for anno in anni
            for tipo in ValoreIndicatore.Tipo.values
        ]
    )
    return obiettivi


def crea_tavoli(ambito, quanti, *, aree):
    tavoli = []
    for n in range(quanti):
        tavolo = TavoloFactory(ambito=ambito, titolo=f"Tavolo tematico numero {n + 1}")
        tavolo.aree_policy.set([aree[n % len(aree)]])
        for giorno in (0, 7):
            incontro = IncontroFactory(
                tavolo=tavolo,
                inizio=datetime.datetime(2025, 10, 14 + giorno, 17, 30, tzinfo=ROMA),
            )
            Esito.objects.create(incontro=incontro, tipo=Esito.Tipo.BISOGNO, testo="Un bisogno")
            Esito.objects.create(
                incontro=incontro,
                tipo=Esito.Tipo.PROPOSTA,
                testo="Una proposta accolta",
                valutazione=Esito.Valutazione.ACCOLTA,
            )
            Esito.objects.create(incontro=incontro, tipo=Esito.Tipo.PROPOSTA, testo="Da valutare")
        tavoli.append(tavolo)
    return tavoli


def crea_piano(ambito, periodo, sezioni):
    """`sezioni`: [(titolo, blocco, area, testo)] in order."""
    piano = Piano.objects.create(ambito=ambito, periodo=periodo, titolo="Piano di prova")
    Sezione.objects.bulk_create(
        [
            Sezione(piano=piano, ordine=n, titolo=titolo, blocco=blocco, area=area, testo=testo)
            for n, (titolo, blocco, area, testo) in enumerate(sezioni, start=1)
        ]
    )
    return piano


@pytest.fixture
def periodo(territorio):
    return carica_periodo()


@pytest.fixture
def aree(periodo):
    return carica_aree_policy(periodo)


@pytest.fixture
def fondi(db):
    return carica_fondi()


@pytest.fixture
def precedente(cremasco, periodo):
    """The 2021-2023 plan's objectives: one evaluated and continued, one not evaluated."""
    vecchio = carica_periodo("2021-2023")
    aree_vecchie = carica_aree_policy(vecchio)
    prosegue, _fermo = crea_obiettivi(
        cremasco, vecchio, 2, aree=aree_vecchie, fondi=carica_fondi(), prefisso="V"
    )
    return vecchio, prosegue


TESTO_INTRODUZIONE = (
    "<h2>Il contesto</h2><p>Il <strong>Piano di Zona</strong> del triennio.</p>"
    '<p onclick="rubaDati()">Testo con <a href="javascript:alert(1)">un collegamento</a> e '
    '<a href="https://www.regione.lombardia.it/">le linee regionali</a>.</p>'
    '<script>document.write("iniettato")</script><img src="http://example.org/x.png">'
)
TITOLI = {
    "introduzione": "Introduzione al piano",
    "comuni": "Il territorio dell'ambito",
    "popolazione": "La popolazione dei comuni",
    "valutazione": "Bilancio del triennio precedente",
    "tavoli": "La co-programmazione con i tavoli",
    "tutti": "Quadro complessivo degli obiettivi",
    "risorse": "Il quadro delle risorse",
    "chiusura": "Note conclusive",
}


@pytest.fixture
def piano(cremasco, periodo, aree, fondi, precedente):
    obiettivi = crea_obiettivi(cremasco, periodo, 12, aree=aree[:3], fondi=fondi)
    vecchio_obiettivo = precedente[1]
    Valutazione.objects.create(
        obiettivo=vecchio_obiettivo,
        grado=Valutazione.Grado.PARZIALE,
        criticita="Poche risorse per il trasporto",
        prosegue=True,
        obiettivo_successivo=obiettivi[0],
    )
    crea_tavoli(cremasco, 3, aree=aree)
    sezioni = [
        (TITOLI["introduzione"], "", None, pulisci(TESTO_INTRODUZIONE)),
        (TITOLI["comuni"], Blocco.COMUNI, None, "<p>I comuni dell'ambito.</p>"),
        (TITOLI["popolazione"], Blocco.POPOLAZIONE, None, ""),
        (TITOLI["valutazione"], Blocco.VALUTAZIONE, None, ""),
        (TITOLI["tavoli"], Blocco.TAVOLI, None, ""),
        *[(f"Obiettivi: {area.nome}", Blocco.OBIETTIVI, area, "") for area in aree[:3]],
        (TITOLI["tutti"], Blocco.OBIETTIVI, None, ""),
        (TITOLI["risorse"], Blocco.RISORSE, None, ""),
        (TITOLI["chiusura"], "", None, "<p>Fine.</p>"),
    ]
    return crea_piano(cremasco, periodo, sezioni)


def leggi(contenuto):
    """(reader, [text of each page with whitespace collapsed per line], all text in one line)."""
    lettore = pypdf.PdfReader(io.BytesIO(contenuto))
    pagine = [pagina.extract_text() for pagina in lettore.pages]
    # Line breaks depend on the layout: the tests look for words, not for lines.
    return lettore, pagine, " ".join(" ".join(pagine).split())


@pytest.fixture
def stampato(piano):
    html = html_piano(piano, numero_versione=2, data=datetime.date(2025, 11, 3))
    risultato = rendi_pdf(html, titolo="Piano di Zona 2025-2027", autore="Ufficio di Piano")
    return html, risultato, *leggi(risultato.pdf)


# Content


@pytest.mark.django_db
def test_il_pdf_contiene_sezioni_obiettivi_e_comuni(stampato, piano, cremasco):
    _html, risultato, lettore, _pagine, testo = stampato
    assert isinstance(risultato, RisultatoPDF)
    assert risultato.pagine == len(lettore.pages) > 10
    for sezione in piano.sezioni.all():
        assert f"{sezione.ordine}. {sezione.titolo}" in testo
    for obiettivo in Obiettivo.objects.dell_ambito(cremasco, piano.periodo):
        assert f"{obiettivo.codice} {obiettivo.titolo}" in testo
    for comune in Comune.objects.nell_ambito(cremasco):
        assert comune.nome in testo
        assert comune.codice_istat in testo
    for atteso in [
        "Piano di Zona 2025-2027",
        "Ambito territoriale Cremasco",
        "Versione n. 2 per l'Assemblea dei Sindaci",
        "3 novembre 2025",
        # The previous plan's evaluation, with the objective it continues into.
        "Parzialmente raggiunto",
        "Poche risorse per il trasporto",
        "Sì → 1.1",
        # Each objective's target groups, then the note.
        "Anziani; Famiglie — Anziani e famiglie",
        # The tables: meetings, their dates, proposals and how many were accepted.
        "Tavolo tematico numero 3",
        "14/10/2025, 21/10/2025",
    ]:
        assert atteso in testo, atteso
    # Resources: 12 objectives x 3 years x 2 funds x € 1.000,10, summed exactly.
    assert "€ 72.007,20" in testo
    assert "€ 24.002,40" in testo


@pytest.mark.django_db
def test_la_copertina_di_una_bozza(piano):
    html = html_piano(piano, data=datetime.date(2026, 1, 7))
    assert "Bozza" in html
    assert "per l&#x27;Assemblea" not in html and "per l'Assemblea" not in html
    assert "7 gennaio 2026" in html
    assert "Comune di Crema" in html


@pytest.mark.django_db
def test_il_testo_delle_sezioni_arriva_ripulito(stampato):
    html, _risultato, _lettore, _pagine, testo = stampato
    assert "rubaDati" not in html
    assert "javascript:" not in html
    assert "iniettato" not in html and "iniettato" not in testo
    assert "example.org" not in html
    assert '<a href="https://www.regione.lombardia.it/">le linee regionali</a>' in html
    assert "<strong>Piano di Zona</strong>" in html


@pytest.mark.django_db
def test_il_testo_e_ripulito_anche_se_scritto_direttamente_nel_database(cremasco, periodo):
    piano = crea_piano(
        cremasco,
        periodo,
        [("Scritto a mano", "", None, '<p onmouseover="x()">Ciao</p><script>alert(1)</script>')],
    )
    html = html_piano(piano)
    assert "<p>Ciao</p>" in html
    assert "onmouseover" not in html
    assert "alert(1)" not in html


@pytest.mark.django_db
def test_i_blocchi_senza_dati_lo_dicono(cremonese, periodo, aree):
    sezioni = [(f"Blocco {b}", b, None, "") for b in Blocco.values if b]
    sezioni.append(("Obiettivi di un'area", Blocco.OBIETTIVI, aree[0], ""))
    piano = crea_piano(cremonese, periodo, sezioni)
    risultato = rendi_pdf(html_piano(piano), titolo="T", autore="A")
    _lettore, _pagine, testo = leggi(risultato.pdf)
    for atteso in [
        "Cremona",
        "Nessun tavolo tematico registrato nell'ambito.",
        "Nessun obiettivo nel piano.",
        f"Nessun obiettivo nell'area «{aree[0].nome}».",
        "Nessuna risorsa programmata negli obiettivi del piano.",
        "Nessun piano precedente registrato.",
    ]:
        assert atteso in testo, atteso


# Table of contents, running header and footer


RIGA_INDICE = re.compile(r"^(?P<titolo>.+?)[\s.]*?(?P<pagina>\d+)$")


def _pagine_indice(pagine):
    return [n for n, testo in enumerate(pagine, start=1) if "Indice" in testo.splitlines()[:3]]


@pytest.mark.django_db
def test_l_indice_riporta_la_pagina_vera_di_ogni_sezione(stampato, piano):
    _html, _risultato, _lettore, pagine, _testo = stampato
    indice = _pagine_indice(pagine)
    assert indice == [2]
    righe_indice = [" ".join(riga.split()) for n in indice for riga in pagine[n - 1].splitlines()]
    for sezione in piano.sezioni.order_by("ordine"):
        intestazione = f"{sezione.ordine}. {sezione.titolo}"
        riga = next(r for r in righe_indice if r.startswith(intestazione))
        pagina_indicata = int(RIGA_INDICE.match(riga)["pagina"])
        # A long heading wraps: look for it in the page's text with the lines joined.
        cerca = re.compile(r"(?<![\d.])" + re.escape(intestazione))
        pagina_vera = next(
            n
            for n, testo in enumerate(pagine, start=1)
            if n > indice[-1] and cerca.search(" ".join(testo.split()))
        )
        assert pagina_indicata == pagina_vera, intestazione
        # Each section starts a page: its heading is the first thing under the running header.
        assert pagina_vera > indice[-1]


@pytest.mark.django_db
def test_intestazione_e_piede_su_ogni_pagina_tranne_la_copertina(stampato):
    _html, risultato, _lettore, pagine, _testo = stampato
    totale = risultato.pagine
    assert "Pagina 1 di" not in pagine[0]
    assert "Ambito Cremasco" not in pagine[0]
    for numero, testo in enumerate(pagine[1:], start=2):
        righe = " ".join(testo.split())
        assert f"Pagina {numero} di {totale}" in righe
        assert "Piano di Zona 2025-2027 — Ambito Cremasco" in righe


# PDF metadata and accessibility


@pytest.mark.django_db
def test_metadati_lingua_e_tag_pdf_ua(stampato):
    _html, _risultato, lettore, _pagine, _testo = stampato
    assert lettore.metadata.title == "Piano di Zona 2025-2027"
    assert lettore.metadata.author == "Ufficio di Piano"
    catalogo = lettore.trailer["/Root"]
    assert catalogo["/Lang"] == "it-IT"
    assert bool(catalogo["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalogo
    xmp = catalogo["/Metadata"].get_object().get_data()
    assert b"pdfuaid" in xmp


@pytest.mark.django_db
def test_il_progresso_e_segnalato(piano):
    segnalati = []
    rendi_pdf(html_piano(piano), titolo="T", autore="A", progresso=segnalati.append)
    assert segnalati == [70, 100]


@pytest.mark.django_db
def test_i_grafici_sono_vettoriali(stampato):
    html, _risultato, lettore, _pagine, _testo = stampato
    assert html.count('class="grafico grafico-popolazione"') == 1
    assert 'class="grafico grafico-risorse"' in html
    # No image in the PDF: the charts are drawn as paths and text.
    for pagina in lettore.pages:
        risorse = pagina.get("/Resources") or {}
        oggetti = risorse.get("/XObject") or {}
        for oggetto in oggetti.values():
            assert oggetto.get_object().get("/Subtype") != "/Image"


# No network


# The fetcher itself is tested in tests/core/test_pdf.py.


@pytest.mark.django_db
def test_la_composizione_non_apre_connessioni(piano, monkeypatch):
    tentativi = []

    def connessione_vietata(*args, **kwargs):
        tentativi.append(args)
        raise OSError("rete vietata nei test")

    monkeypatch.setattr(socket, "create_connection", connessione_vietata)
    monkeypatch.setattr(socket.socket, "connect", connessione_vietata)
    html = html_piano(piano)
    # Past the sanitiser, straight into the document: the fetcher still refuses it.
    html = html.replace(
        "</body>",
        '<img src="http://example.org/x.png" alt=""><link rel="stylesheet" '
        'href="https://example.org/x.css"></body>',
    )
    risultato = rendi_pdf(html, titolo="T", autore="A")
    assert risultato.pdf.startswith(b"%PDF")
    assert tentativi == []


# Sanitiser


@pytest.mark.parametrize(
    ("sporco", "pulito"),
    [
        ("<p>Ciao<script>alert(1)</script></p>", "<p>Ciao</p>"),
        ('<p onclick="x()" onmouseover="y()">Ciao</p>', "<p>Ciao</p>"),
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href=" JaVaScRiPt:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="/admin/">x</a>', "<a>x</a>"),
        (
            '<a href="https://example.org/" target="_blank">x</a>',
            '<a href="https://example.org/">x</a>',
        ),
        ('<a href="mailto:up@example.org">x</a>', '<a href="mailto:up@example.org">x</a>'),
        ('<img src="http://example.org/x.png" onerror="x()">Testo', "Testo"),
        ('<h2 style="color:red" class="x" id="y">Titolo</h2>', "<h2>Titolo</h2>"),
        ("<h1>Titolo</h1><div>Blocco</div>", "TitoloBlocco"),
        ("<style>p{}</style><p>Testo</p>", "<p>Testo</p>"),
        ("<p>Testo<!-- nota --></p>", "<p>Testo</p>"),
        ('<iframe src="https://example.org/"></iframe>Dopo', "Dopo"),
    ],
)
def test_il_sanitiser_toglie_cio_che_non_e_ammesso(sporco, pulito):
    assert pulisci(sporco) == pulito
    assert pulisci(pulito) == pulito


def test_il_sanitiser_conserva_i_tag_ammessi():
    html = (
        "<p>a<br><strong>b</strong> <em>c</em> <u>d</u></p><ul><li>e</li></ul><ol><li>f</li></ol>"
        "<h2>g</h2><h3>h</h3><h4>i</h4><blockquote>l</blockquote>"
        '<p><a href="https://example.org/">m</a></p>'
        "<table><thead><tr><th>n</th></tr></thead><tbody><tr><td>o</td></tr></tbody></table>"
    )
    assert pulisci(html) == html


def test_il_sanitiser_e_idempotente_anche_sui_tag_tolti_dalle_tabelle():
    pulito = pulisci("<table><caption>Didascalia</caption><tr><td>x</td></tr></table>")
    assert "Didascalia" in pulito
    assert pulisci(pulito) == pulito
    assert pulisci("") == ""


# The population chart


def test_il_grafico_della_popolazione():
    class C:
        def __init__(self, nome, popolazione):
            self.nome, self.popolazione = nome, popolazione

    svg = str(
        grafici.popolazione_per_comune(
            [C("Piccolo <b>&", 950), C("Crema", 34512), C("Medio", 12000)], id_prefix="p"
        )
    )
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "Piccolo &lt;b&gt;&amp;" in svg
    assert "<b>" not in svg
    assert "34.512" in svg and "12.000" in svg
    assert svg.index("Crema") < svg.index("Medio") < svg.index("Piccolo")
    assert "href" not in svg and "<image" not in svg and "url(" not in svg
    # A long list becomes several charts on one scale, so that no chart outgrows a page.
    molti = str(
        grafici.popolazione_per_comune([C(f"C{n}", n + 1) for n in range(120)], id_prefix="m")
    )
    assert molti.count("<svg") == 3
    assert "(1 di 3)" in molti
    assert str(grafici.popolazione_per_comune([])).startswith('<p class="grafico-vuoto"')


# A long table across pages


@pytest.mark.django_db
def test_la_tabella_dei_comuni_si_divide_e_ripete_l_intestazione(cremasco, periodo):
    piano = crea_piano(cremasco, periodo, [("Il territorio dell'ambito", Blocco.COMUNI, None, "")])
    risultato = rendi_pdf(html_piano(piano), titolo="T", autore="A")
    _lettore, pagine, _testo = leggi(risultato.pdf)
    nomi = list(Comune.objects.nell_ambito(cremasco).values_list("nome", flat=True))
    assert len(nomi) == 48
    # Past the cover and the table of contents, the pages with a row of the table.
    con_righe = [
        testo
        for testo in pagine[2:]
        if any(f"{nome} 019" in " ".join(testo.split()) for nome in nomi)
    ]
    assert len(con_righe) >= 2
    assert sum(" ".join(t.split()).count(" 019") for t in con_righe) == 48
    for testo in con_righe:
        assert "Comune Codice ISTAT Provincia Sub-ambito Popolazione" in " ".join(testo.split())


# Queries


def _conta(piano):
    with CaptureQueriesContext(connection) as query:
        html_piano(piano)
    return len(query)


# piano, sezioni; obiettivi + 9 prefetches (aree, asst, gruppi di destinatari, azioni, partner,
# risorse, indicatori, valori, proposte) + fondi.
QUERY_SOLO_OBIETTIVI = 13
# + comuni; tavoli + aree + incontri; periodo precedente + suoi obiettivi.
QUERY_PIANO_COMPLETO = 19


@pytest.mark.django_db
@pytest.mark.parametrize(("numero_obiettivi", "numero_sezioni"), [(5, 2), (60, 20)])
def test_query_costanti_con_le_sezioni_degli_obiettivi(
    cremasco, periodo, aree, fondi, django_assert_num_queries, numero_obiettivi, numero_sezioni
):
    crea_obiettivi(cremasco, periodo, numero_obiettivi, aree=aree, fondi=fondi)
    # Every area once, then the whole set again: data must be read once, not per section.
    sezioni = [
        (f"Obiettivi {n}", Blocco.OBIETTIVI, aree[n % len(aree)] if n % 5 else None, "<p>x</p>")
        for n in range(numero_sezioni)
    ]
    piano = crea_piano(cremasco, periodo, sezioni)
    with django_assert_num_queries(QUERY_SOLO_OBIETTIVI):
        html = html_piano(piano)
    assert html.count('class="titolo-obiettivo"') >= numero_obiettivi


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("numero_obiettivi", "numero_tavoli", "ripetizioni"), [(5, 2, 1), (60, 12, 3)]
)
def test_query_costanti_con_tutti_i_blocchi(
    cremasco,
    periodo,
    aree,
    fondi,
    precedente,
    django_assert_num_queries,
    numero_obiettivi,
    numero_tavoli,
    ripetizioni,
):
    crea_obiettivi(cremasco, periodo, numero_obiettivi, aree=aree, fondi=fondi)
    crea_tavoli(cremasco, numero_tavoli, aree=aree)
    blocchi = [b for b in Blocco.values if b]
    sezioni = [
        (f"Sezione {b} {n}", b, aree[n] if b == Blocco.OBIETTIVI else None, "<p>Testo</p>")
        for n in range(ripetizioni)
        for b in blocchi
    ]
    piano = crea_piano(cremasco, periodo, sezioni)
    with django_assert_num_queries(QUERY_PIANO_COMPLETO):
        html_piano(piano)
