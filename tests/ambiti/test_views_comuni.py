"""The list of the comuni of an ambito: contents, search, filters, ordering, htmx, query count.

The permission matrix lives in tests/ambiti/test_permessi.py; here every request comes from someone
who may see the ambito.
"""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Ruolo
from ambiti.models import Comune, SubAmbito
from tests.factories import RuoloFactory, UserFactory

RIGA = re.compile(
    r'<tr><th scope="row">(?P<nome>.*?)</th><td>(?P<istat>.*?)</td><td>(?P<provincia>.*?)</td>\s*'
    r'<td>(?P<sub_ambito>.*?)</td><td class="numero">(?P<popolazione>.*?)</td>\s*'
    r"<td>(?P<fonte>.*?)</td></tr>",
    re.S,
)
CONTEGGIO = re.compile(r'data-testid="conteggio">(.*?)</p>', re.S)

CASALASCO = "Casalmaggiore (Casalasco)"
VIADANESE = "Viadana (Viadanese)"


def _url(slug="cremasco"):
    return reverse("ambiti:comuni", kwargs={"slug": slug})


def _righe(response):
    assert response.status_code == 200
    testo = response.content.decode()
    return [
        {chiave: html.unescape(valore) for chiave, valore in m.groupdict().items()}
        for m in RIGA.finditer(testo)
    ]


def _nomi(response):
    return [riga["nome"] for riga in _righe(response)]


def _conteggio(response):
    return html.unescape(CONTEGGIO.search(response.content.decode()).group(1))


@pytest.fixture
def oglio_po(territorio):
    return territorio["oglio-po"]


@pytest.fixture
def operatore_oglio_po(oglio_po):
    user = UserFactory(username="operatore_oglio_po")
    RuoloFactory(user=user, tipo=Ruolo.Tipo.OPERATORE, ambito=oglio_po)
    return user


@pytest.fixture
def sub_ambiti(oglio_po):
    return {s.nome: s for s in SubAmbito.objects.filter(ambito=oglio_po)}


# --- Contents ---------------------------------------------------------------------------------


def test_mostra_tutti_e_soli_i_comuni_dell_ambito(client, sindaco_crema, cremasco, cremonese):
    client.force_login(sindaco_crema)
    nomi = _nomi(client.get(_url()))
    attesi = list(Comune.objects.filter(ambito=cremasco).values_list("nome", flat=True))
    assert len(nomi) == 48
    assert nomi == attesi  # in alphabetical order, as the model orders them
    assert "Crema" in nomi
    assert "Cremona" not in nomi
    altri = set(Comune.objects.exclude(ambito=cremasco).values_list("nome", flat=True))
    assert not altri & set(nomi)


def test_totale_della_popolazione_e_fonte(client, sindaco_crema):
    client.force_login(sindaco_crema)
    response = client.get(_url())
    assert _conteggio(response) == "48 comuni, 162.287 residenti"
    righe = _righe(response)
    crema = next(r for r in righe if r["nome"] == "Crema")
    assert crema == {
        "nome": "Crema",
        "istat": "019035",
        "provincia": "CR",
        "sub_ambito": "—",
        "popolazione": "34.204",
        "fonte": "ANPR, gennaio 2025",
    }
    assert {r["fonte"] for r in righe} == {"ANPR, gennaio 2025"}


def test_il_totale_segue_la_popolazione_in_vigore(client, sindaco_crema):
    Comune.objects.filter(nome="Crema").update(
        popolazione=35000, popolazione_fonte="ISTAT", popolazione_data=datetime.date(2025, 3, 1)
    )
    client.force_login(sindaco_crema)
    response = client.get(_url())
    assert _conteggio(response) == "48 comuni, 163.083 residenti"
    crema = next(r for r in _righe(response) if r["nome"] == "Crema")
    assert (crema["popolazione"], crema["fonte"]) == ("35.000", "ISTAT, marzo 2025")


# --- Search -----------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["pand", "PAND", "  Pand  "])
def test_ricerca_per_nome(client, sindaco_crema, q):
    client.force_login(sindaco_crema)
    response = client.get(_url(), {"q": q})
    assert _nomi(response) == ["Pandino"]
    assert _conteggio(response) == "1 comune, 9.022 residenti"


def test_ricerca_per_prefisso_del_codice_istat(client, sindaco_crema):
    client.force_login(sindaco_crema)
    righe = _righe(client.get(_url(), {"q": "01903"}))
    # Cremona (019036) starts with the same digits but belongs to another ambito.
    assert {(r["nome"], r["istat"]) for r in righe} == {
        ("Credera Rubbiano", "019034"),
        ("Crema", "019035"),
        ("Cremosano", "019037"),
        ("Cumignano sul Naviglio", "019039"),
    }


def test_il_codice_istat_si_cerca_dall_inizio(client, sindaco_crema):
    client.force_login(sindaco_crema)
    response = client.get(_url(), {"q": "9035"})  # inside Crema's 019035, not its start
    assert _nomi(response) == []
    assert "Nessun comune corrisponde ai filtri." in response.content.decode()
    assert _conteggio(response) == "0 comuni, 0 residenti"


def test_la_ricerca_non_esce_dall_ambito(client, sindaco_crema):
    client.force_login(sindaco_crema)
    assert _nomi(client.get(_url(), {"q": "cremona"})) == []


# --- Filters ----------------------------------------------------------------------------------


def test_filtro_provincia_nell_ambito_di_una_sola_provincia(client, sindaco_crema):
    client.force_login(sindaco_crema)
    righe = _righe(client.get(_url(), {"provincia": "CR"}))
    assert len(righe) == 48


@pytest.mark.parametrize(("provincia", "numero"), [("MN", 10), ("CR", 17)])
def test_filtro_provincia_oglio_po(client, operatore_oglio_po, oglio_po, provincia, numero):
    client.force_login(operatore_oglio_po)
    righe = _righe(client.get(_url("oglio-po"), {"provincia": provincia}))
    assert len(righe) == numero
    assert {r["provincia"] for r in righe} == {provincia}
    assert {r["nome"] for r in righe} == set(
        Comune.objects.filter(ambito=oglio_po, provincia=provincia).values_list("nome", flat=True)
    )


@pytest.mark.parametrize(("sub_ambito", "numero"), [(CASALASCO, 17), (VIADANESE, 10)])
def test_filtro_sub_ambito(client, operatore_oglio_po, sub_ambiti, sub_ambito, numero):
    client.force_login(operatore_oglio_po)
    scelto = sub_ambiti[sub_ambito]
    response = client.get(_url("oglio-po"), {"sub_ambito": scelto.pk})
    righe = _righe(response)
    assert len(righe) == numero
    assert {r["sub_ambito"] for r in righe} == {sub_ambito}
    assert {r["nome"] for r in righe} == set(scelto.comuni.values_list("nome", flat=True))
    assert _conteggio(response).startswith(f"{numero} comuni, ")


def test_elenco_oglio_po_completo(client, operatore_oglio_po):
    client.force_login(operatore_oglio_po)
    righe = _righe(client.get(_url("oglio-po")))
    assert len(righe) == 27
    assert {r["sub_ambito"] for r in righe} == {CASALASCO, VIADANESE}
    # The sub-ambito filter is offered only where the ambito has sub-ambiti.
    assert 'name="sub_ambito"' in client.get(_url("oglio-po")).content.decode()


def test_nessun_filtro_sub_ambito_dove_non_ce_ne_sono(client, sindaco_crema):
    client.force_login(sindaco_crema)
    assert 'name="sub_ambito"' not in client.get(_url()).content.decode()


def test_filtri_combinati(client, operatore_oglio_po, sub_ambiti):
    client.force_login(operatore_oglio_po)
    url = _url("oglio-po")
    viadanese = sub_ambiti[VIADANESE].pk
    assert len(_righe(client.get(url, {"sub_ambito": viadanese, "provincia": "MN"}))) == 10
    assert _righe(client.get(url, {"sub_ambito": viadanese, "provincia": "CR"})) == []
    assert _nomi(client.get(url, {"sub_ambito": viadanese, "q": "viad"})) == ["Viadana"]


def test_sub_ambito_di_un_altro_ambito_e_rifiutato(client, operatore_oglio_po, cremasco):
    # A sub-ambito of the Cremasco with Pandino in it: asking the Oglio Po list for it must not
    # show Pandino. django-filter drops an invalid choice from the filtering and reports the error
    # on the form, so the list stays the ambito's whole list.
    estraneo = SubAmbito.objects.create(ambito=cremasco, nome="Sub-ambito di prova")
    Comune.objects.filter(nome="Pandino").update(sub_ambito=estraneo)
    client.force_login(operatore_oglio_po)
    response = client.get(_url("oglio-po"), {"sub_ambito": estraneo.pk})
    nomi = _nomi(response)
    assert "Pandino" not in nomi
    assert len(nomi) == 27
    assert set(nomi) == set(
        Comune.objects.filter(ambito__slug="oglio-po").values_list("nome", flat=True)
    )
    assert "sub_ambito" in response.context["filtro"].form.errors
    # The rejected choice is reported inside the sub-ambito field's block, and nothing is selected.
    blocco = re.search(
        r'<div id="div_id_sub_ambito".*?<div id="id_sub_ambito_error" class="invalid-feedback">'
        r"(.*?)</div>",
        response.content.decode(),
        re.S,
    )
    assert blocco, "no error block in the sub-ambito field"
    assert html.unescape(re.sub(r"<[^>]+>", "", blocco.group(1))).strip() == (
        "Scegli un'opzione valida. La scelta effettuata non compare tra quelle disponibili."
    )
    assert " selected" not in re.search(
        r'<select name="sub_ambito".*?</select>', response.content.decode(), re.S
    ).group(0)


def test_sub_ambito_di_oglio_po_ignorato_nel_cremasco(client, sindaco_crema, sub_ambiti):
    client.force_login(sindaco_crema)
    response = client.get(_url(), {"sub_ambito": sub_ambiti[CASALASCO].pk})
    nomi = _nomi(response)
    assert len(nomi) == 48
    assert "Casalmaggiore" not in nomi
    assert "sub_ambito" in response.context["filtro"].form.errors


def test_provincia_assente_dall_ambito_e_rifiutata(client, sindaco_crema):
    client.force_login(sindaco_crema)
    response = client.get(_url(), {"provincia": "MN"})
    assert "provincia" in response.context["filtro"].form.errors
    nomi = _nomi(response)
    assert len(nomi) == 48
    assert "Viadana" not in nomi


# --- Ordering ---------------------------------------------------------------------------------


CASALETTO = ["Casaletto Ceredano", "Casaletto di Sopra", "Casaletto Vaprio"]


def _casaletto(nomi):
    return [n for n in nomi if n.startswith("Casaletto")]


@pytest.mark.parametrize("ordina", [None, "nome"])
def test_ordine_alfabetico_italiano(client, sindaco_crema, ordina):
    """Case ignored, on SQLite and PostgreSQL alike: "di Sopra" before "Vaprio"."""
    client.force_login(sindaco_crema)
    nomi = _nomi(client.get(_url(), {"ordina": ordina} if ordina else {}))
    assert _casaletto(nomi) == CASALETTO
    assert nomi == sorted(nomi, key=lambda n: n.casefold())


def test_ordine_alfabetico_italiano_decrescente(client, sindaco_crema):
    client.force_login(sindaco_crema)
    nomi = _nomi(client.get(_url(), {"ordina": "-nome"}))
    assert _casaletto(nomi) == CASALETTO[::-1]


def test_ordine_italiano_anche_nei_menu(cremasco):
    # A select of comuni (a ModelChoiceField) takes the model's order.
    from django import forms

    campo = forms.ModelChoiceField(queryset=Comune.objects.nell_ambito(cremasco))
    nomi = [etichetta for _valore, etichetta in campo.choices][1:]
    assert _casaletto(nomi) == CASALETTO
    # Accents ignored too: "Cà" among the "Ca...", not after "Cz".
    Comune.objects.filter(nome="Casaletto Ceredano").update(nome="Càsaletto Ceredano")
    assert [c.nome for c in Comune.objects.filter(nome__contains="saletto")] == [
        "Càsaletto Ceredano",
        "Casaletto di Sopra",
        "Casaletto Vaprio",
    ]


def test_ordina_per_popolazione_decrescente(client, sindaco_crema, cremasco):
    client.force_login(sindaco_crema)
    righe = _righe(client.get(_url(), {"ordina": "-popolazione"}))
    assert [r["nome"] for r in righe[:3]] == ["Crema", "Castelleone", "Pandino"]
    attese = sorted(
        Comune.objects.filter(ambito=cremasco).values_list("popolazione", flat=True), reverse=True
    )
    assert [int(r["popolazione"].replace(".", "")) for r in righe] == attese


def test_ordina_per_popolazione_crescente(client, sindaco_crema):
    client.force_login(sindaco_crema)
    righe = _righe(client.get(_url(), {"ordina": "popolazione"}))
    assert righe[-1]["nome"] == "Crema"
    popolazioni = [int(r["popolazione"].replace(".", "")) for r in righe]
    assert popolazioni == sorted(popolazioni)


def test_ordina_per_codice_istat(client, sindaco_crema):
    client.force_login(sindaco_crema)
    codici = [r["istat"] for r in _righe(client.get(_url(), {"ordina": "-istat"}))]
    assert len(codici) == 48
    assert codici == sorted(codici, reverse=True)


def test_ordinamento_con_filtro(client, operatore_oglio_po, sub_ambiti):
    client.force_login(operatore_oglio_po)
    response = client.get(
        _url("oglio-po"), {"sub_ambito": sub_ambiti[VIADANESE].pk, "ordina": "-popolazione"}
    )
    righe = _righe(response)
    assert len(righe) == 10
    assert righe[0]["nome"] == "Viadana"


# --- htmx -------------------------------------------------------------------------------------


def test_richiesta_htmx_restituisce_solo_i_risultati(client, sindaco_crema):
    client.force_login(sindaco_crema)
    response = client.get(_url(), {"q": "pand"}, headers={"HX-Request": "true"})
    testo = response.content.decode()
    assert response.status_code == 200
    assert testo.strip().startswith('<div id="risultati">')
    assert "<html" not in testo
    assert 'role="search"' not in testo  # the filter form stays in the page, untouched
    assert _nomi(response) == ["Pandino"]
    assert _conteggio(response) == "1 comune, 9.022 residenti"


def test_navigazione_htmx_boosted_restituisce_la_pagina(client, sindaco_crema):
    client.force_login(sindaco_crema)
    response = client.get(_url(), headers={"HX-Request": "true", "HX-Boosted": "true"})
    testo = response.content.decode()
    assert "<html" in testo
    assert 'id="risultati"' in testo
    assert 'role="search"' in testo


def test_pagina_intera_senza_htmx(client, sindaco_crema):
    client.force_login(sindaco_crema)
    testo = client.get(_url()).content.decode()
    assert "<html" in testo
    assert 'id="risultati"' in testo
    assert 'hx-target="#risultati"' in testo


# --- Query count ------------------------------------------------------------------------------


def _aggiungi_comuni(ambito, numero, sub_ambito=None):
    Comune.objects.bulk_create(
        Comune(
            codice_istat=f"099{i:03d}",
            nome=f"Comune di prova {i:03d}",
            provincia="CR",
            ambito=ambito,
            sub_ambito=sub_ambito,
            popolazione=1000 + i,
            popolazione_data=datetime.date(2025, 1, 1),
            popolazione_fonte="ANPR",
        )
        for i in range(1, numero + 1)
    )


def _conta_query(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries), response


def test_numero_di_query_costante_cremasco(client, sindaco_crema, cremasco):
    client.force_login(sindaco_crema)
    prima, response = _conta_query(client, _url())
    assert len(_righe(response)) == 48
    _aggiungi_comuni(cremasco, 150)
    dopo, response = _conta_query(client, _url())
    assert len(_righe(response)) == 198
    assert _conteggio(response) == "198 comuni, 323.612 residenti"
    assert dopo == prima


def test_numero_di_query_costante_con_sub_ambiti(client, operatore_oglio_po, oglio_po, sub_ambiti):
    # The sub-ambito of every row is shown: it must come with the comuni, not one query each.
    client.force_login(operatore_oglio_po)
    prima, response = _conta_query(client, _url("oglio-po"), {"ordina": "-popolazione"})
    assert len(_righe(response)) == 27
    _aggiungi_comuni(oglio_po, 150, sub_ambito=sub_ambiti[CASALASCO])
    dopo, response = _conta_query(client, _url("oglio-po"), {"ordina": "-popolazione"})
    righe = _righe(response)
    assert len(righe) == 177
    assert sum(r["sub_ambito"] == CASALASCO for r in righe) == 167
    assert dopo == prima
