"""The open data of an ambito: every dataset in CSV, JSON and ODS holds the public rows and never
the private ones, with exact amounts, ISO dates and the licence; anyone downloads it without a
cookie, and each download reads the database a fixed number of times."""

import csv
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from odfdo import Document

from ambiti.models import Ambito, AreaPolicy
from assemblea.models import Voto
from obiettivi.models import Obiettivo
from pubblico import dati
from tests.factories import ObiettivoFactory

from .conftest import PRIVATI, PUBBLICI
from .test_query_pubblico import _cresci

pytestmark = pytest.mark.django_db

CODICI = [d.codice for d in dati.DATASET]


def _url(codice, formato, slug="cremasco"):
    return reverse("pubblico:dato", args=[slug, codice, formato])


def _leggi(risposta, formato) -> list[dict]:
    """The rows as dicts of the column names, whatever the format."""
    if formato == "csv":
        testo = risposta.content.decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(testo), delimiter=";"))
    if formato == "json":
        return json.loads(risposta.content)["dati"]
    documento = Document(io.BytesIO(risposta.content))
    valori = documento.body.get_table(name="dati").get_values()
    intestazione, *righe = valori
    return [dict(zip(intestazione, riga, strict=False)) for riga in righe]


def _testo_grezzo(risposta, formato) -> str:
    if formato == "ods":
        with zipfile.ZipFile(io.BytesIO(risposta.content)) as archivio:
            return archivio.read("content.xml").decode() + archivio.read("meta.xml").decode()
    return risposta.content.decode("utf-8-sig")


@pytest.fixture
def bozza_cremonese(pubblicato):
    """An objective under way in the Cremonese, whose plan is still a draft: not public."""
    periodo = pubblicato.piano.periodo
    return ObiettivoFactory(
        ambito=Ambito.objects.get(slug="cremonese"),
        periodo=periodo,
        titolo="OBIETTIVO-BOZZA-RISERVATO",
        stato=Obiettivo.Stato.IN_CORSO,
        aree=[AreaPolicy.objects.filter(periodo=periodo).first()],
    )


@pytest.mark.parametrize("formato", dati.FORMATI)
@pytest.mark.parametrize("codice", CODICI)
def test_ogni_dataset_si_scarica_senza_privati(client, pubblicato, codice, formato):
    risposta = client.get(_url(codice, formato))
    assert risposta.status_code == 200
    assert risposta["Content-Type"] == dati.TIPI_CONTENUTO[formato]
    assert risposta["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
    assert f"cremasco-{codice}.{formato}" in risposta["Content-Disposition"]
    assert not risposta.cookies
    righe = _leggi(risposta, formato)
    colonne = dati.PER_CODICE[codice].colonne
    assert righe, codice
    assert all(list(riga) == list(colonne) for riga in righe)
    testo = _testo_grezzo(risposta, formato)
    for privato in PRIVATI:
        assert privato not in testo, (codice, formato, privato)
    for persona in Voto.objects.values_list("persona", flat=True):
        assert persona not in testo


@pytest.mark.parametrize("formato", dati.FORMATI)
def test_la_licenza_sta_nel_file_dove_il_formato_lo_consente(client, pubblicato, formato):
    risposta = client.get(_url("obiettivi", formato))
    if formato == "json":
        meta = json.loads(risposta.content)["metadati"]
        assert meta["licenza_url"] == dati.LICENZA_URL
        assert meta["titolare"] == pubblicato.ambito.nome_gestore_sito
        assert meta["colonne"] == list(dati.PER_CODICE["obiettivi"].colonne)
        assert meta["modificato"][:4].isdigit() and meta["modificato"][4] == "-"
    elif formato == "ods":
        documento = Document(io.BytesIO(risposta.content))
        licenza = dict(documento.body.get_table(name="licenza").get_values())
        assert licenza["licenza_url"] == dati.LICENZA_URL
        assert dati.LICENZA_URL in documento.meta.description
        assert documento.meta.title == str(dati.PER_CODICE["obiettivi"].titolo)
    else:
        # A CSV has no place for it: the header and the catalogue page say it.
        assert dati.LICENZA_URL in risposta["Link"]


@pytest.mark.parametrize("formato", dati.FORMATI)
def test_obiettivi_pubblici_e_non_le_proposte_ne_le_bozze(
    client, pubblicato, bozza_cremonese, formato
):
    titoli = [r["titolo"] for r in _leggi(client.get(_url("obiettivi", formato)), formato)]
    assert titoli == [PUBBLICI["obiettivo"]]
    riga = _leggi(client.get(_url("obiettivi", formato)), formato)[0]
    assert riga["stato"] == "in_corso"
    assert riga["periodo"] == "2025-2027"
    cremonese = _leggi(client.get(_url("obiettivi", formato, "cremonese")), formato)
    assert cremonese == []
    testo = _testo_grezzo(client.get(_url("azioni", formato, "cremonese")), formato)
    assert "OBIETTIVO-BOZZA-RISERVATO" not in testo


@pytest.mark.parametrize("formato", dati.FORMATI)
def test_importi_decimali_esatti(client, pubblicato, formato):
    risposta = client.get(_url("risorse", formato))
    (riga,) = _leggi(risposta, formato)
    importo = riga["importo_euro"]
    assert Decimal(str(importo)) == Decimal("12500.00")
    if formato == "ods":
        # A number cell with the amount's own digits, never a float's rounding.
        assert 'office:value="12500.00"' in _testo_grezzo(risposta, formato)
    else:
        assert importo == "12500.00"
    assert str(riga["anno"]) == "2025"
    (azione,) = _leggi(client.get(_url("azioni", formato)), formato)
    assert azione["descrizione"] == PUBBLICI["azione"]
    assert azione["responsabile"] == PUBBLICI["ente"]
    assert str(azione["avanzamento_percentuale"]) == "40"


@pytest.mark.parametrize("formato", dati.FORMATI)
def test_indicatori_e_misurazioni(client, pubblicato, formato):
    (indicatore,) = _leggi(client.get(_url("indicatori", formato)), formato)
    assert indicatore["nome"] == PUBBLICI["indicatore"]
    valori = _leggi(client.get(_url("misurazioni", formato)), formato)
    assert sorted((r["tipo"], Decimal(str(r["valore"]))) for r in valori) == [
        ("misura", Decimal("27")),
        ("target", Decimal("30")),
    ]


@pytest.mark.parametrize("formato", dati.FORMATI)
def test_registro_senza_contatti_ne_iscrizioni_cessate(client, pubblicato, formato):
    enti = _leggi(client.get(_url("enti", formato)), formato)
    assert [e["denominazione"] for e in enti] == [PUBBLICI["ente"]]
    ente = enti[0]
    assert ente["tipo"] == "cooperativa"
    assert str(ente["data_adesione_accordo_programma"]) in ("2025-01-15", "2025-01-15 00:00:00")
    assert not {"email", "pec", "telefono", "referente", "indirizzo"} & set(ente)


@pytest.mark.parametrize("formato", dati.FORMATI)
def test_comuni_con_popolazione_e_fonte(client, pubblicato, formato):
    comuni = _leggi(client.get(_url("comuni", formato)), formato)
    crema = next(c for c in comuni if c["comune"] == "Crema")
    assert crema["codice_istat"] == "019035"
    assert int(crema["popolazione"]) > 0
    assert crema["popolazione_fonte"]
    data = crema["popolazione_data_riferimento"]
    assert str(data)[:10].count("-") == 2


@pytest.mark.parametrize("formato", dati.FORMATI)
def test_votazioni_totali_e_voti_palesi_soltanto(client, pubblicato, formato):
    votazioni = {v["oggetto"]: v for v in _leggi(client.get(_url("votazioni", formato)), formato)}
    assert set(votazioni) == {"Approvazione del Piano di Zona", "Nomina del presidente"}
    approvazione = votazioni["Approvazione del Piano di Zona"]
    assert str(approvazione["favorevoli_comuni"]) == "1"
    assert str(approvazione["contrari_comuni"]) == "1"
    assert approvazione["scrutinio"] == "palese"
    segreta = votazioni["Nomina del presidente"]
    assert segreta["scrutinio"] == "segreto"
    assert str(segreta["contrari_comuni"]) == "2"
    assert str(approvazione["data_seduta"])[:10] == "2026-12-03"

    voti = _leggi(client.get(_url("voti-palesi", formato)), formato)
    assert {v["oggetto"] for v in voti} == {"Approvazione del Piano di Zona"}
    assert sorted((v["comune"], v["voto"]) for v in voti) == [
        ("Crema", "favorevole"),
        ("Pandino", "contrario"),
    ]


def test_dataset_o_formato_sconosciuto_404(client, pubblicato):
    assert client.get(_url("segreti", "csv")).status_code == 404
    assert client.get(_url("obiettivi", "xlsx")).status_code == 404
    assert client.get(_url("obiettivi", "csv", "nessuno")).status_code == 404


def test_csv_neutralizza_le_formule(client, pubblicato):
    Obiettivo.objects.filter(titolo=PUBBLICI["obiettivo"]).update(titolo="=HYPERLINK(1)")
    (riga,) = _leggi(client.get(_url("obiettivi", "csv")), "csv")
    assert riga["titolo"] == "'=HYPERLINK(1)"


def _conta(client, url):
    with CaptureQueriesContext(connection) as query:
        assert client.get(url).status_code == 200
    return len(query)


def _indirizzi():
    return [_url(codice, formato) for codice in CODICI for formato in dati.FORMATI] + [
        reverse("pubblico:dati", args=["cremasco"])
    ]


def test_query_costanti_per_dataset(client, pubblicato):
    prima = {url: _conta(client, url) for url in _indirizzi()}
    _cresci(pubblicato, 6)
    dopo = {url: _conta(client, url) for url in _indirizzi()}
    assert dopo == prima
    assert max(prima.values()) <= 12, prima
    assert len(_leggi(client.get(_url("obiettivi", "json")), "json")) == 7


def test_pagina_dei_dati(client, pubblicato):
    risposta = client.get(reverse("pubblico:dati", args=["cremasco"]))
    assert risposta.status_code == 200
    assert not risposta.cookies
    pagina = risposta.content.decode()
    for dataset in dati.DATASET:
        assert str(dataset.titolo).replace("'", "&#x27;") in pagina
        for formato in dati.FORMATI:
            assert _url(dataset.codice, formato) in pagina
    assert dati.LICENZA_URL in pagina
    assert reverse("pubblico:catalogo-ambito", args=["cremasco"]) in pagina
    casa = client.get(reverse("pubblico:ambito", args=["cremasco"])).content.decode()
    assert reverse("pubblico:dati", args=["cremasco"]) in casa
