"""The DCAT-AP_IT catalogues (per ambito and of the whole portal): valid JSON-LD with every
property the profile marks mandatory, and every download it lists answering with its format."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ambiti.models import Ambito
from pubblico import dati

from .test_query_pubblico import _cresci

pytestmark = pytest.mark.django_db

# DCAT-AP_IT 1.x, «Overview profilo»: the properties marked M.
CATALOGO_M = ("dct:title", "dct:description", "dct:publisher", "dct:modified", "dcat:dataset")
DATASET_M = (
    "dct:identifier",
    "dct:title",
    "dct:description",
    "dct:modified",
    "dcat:theme",
    "dct:rightsHolder",
    "dct:accrualPeriodicity",
    "dcat:distribution",
)
DISTRIBUZIONE_M = ("dct:format", "dcat:accessURL", "dct:license")
AGENTE_M = ("dct:identifier", "foaf:name")
CONTATTO_M = ("vcard:fn", "vcard:hasEmail")

EU = "http://publications.europa.eu/resource/authority/"


def _catalogo(client, url):
    risposta = client.get(url)
    assert risposta.status_code == 200
    assert risposta["Content-Type"] == "application/ld+json; charset=utf-8"
    assert not risposta.cookies
    return json.loads(risposta.content)


def _lista(valore):
    return valore if isinstance(valore, list) else [valore]


def _verifica(catalogo):
    assert "dcatapit:Catalog" in catalogo["@type"]
    assert catalogo["@context"]["dcatapit"] == "http://dati.gov.it/onto/dcatapit#"
    for proprieta in CATALOGO_M:
        assert catalogo.get(proprieta), proprieta
    for proprieta in AGENTE_M:
        assert catalogo["dct:publisher"].get(proprieta), proprieta
    identificativi = set()
    for dataset in catalogo["dcat:dataset"]:
        assert "dcatapit:Dataset" in dataset["@type"]
        for proprieta in DATASET_M:
            assert dataset.get(proprieta), (dataset["dct:identifier"], proprieta)
        assert dataset["dct:title"]["@language"] == "it"
        assert dataset["dct:description"]["@language"] == "it"
        assert dataset["dct:modified"]["@type"] == "xsd:date"
        for tema in _lista(dataset["dcat:theme"]):
            assert tema["@id"].startswith(EU + "data-theme/")
        assert dataset["dct:accrualPeriodicity"]["@id"].startswith(EU + "frequency/")
        for proprieta in AGENTE_M:
            assert dataset["dct:rightsHolder"].get(proprieta), proprieta
        for proprieta in CONTATTO_M:
            assert dataset["dcat:contactPoint"].get(proprieta), proprieta
        formati = set()
        for distribuzione in dataset["dcat:distribution"]:
            for proprieta in DISTRIBUZIONE_M:
                assert distribuzione.get(proprieta), proprieta
            assert distribuzione["dct:license"]["@id"] == EU + "licence/CC_BY_4_0"
            assert distribuzione["dct:license"]["owl:sameAs"]["@id"] == dati.LICENZA_URL
            formati.add(distribuzione["dct:format"]["@id"].removeprefix(EU + "file-type/"))
        assert formati == {"CSV", "JSON", "ODS"}
        identificativi.add(dataset["dct:identifier"])
    assert len(identificativi) == len(catalogo["dcat:dataset"])
    return identificativi


def _scaricamenti(catalogo):
    for dataset in catalogo["dcat:dataset"]:
        for distribuzione in dataset["dcat:distribution"]:
            tipo = distribuzione["dcat:mediaType"]["@id"]
            assert tipo.startswith("https://www.iana.org/assignments/media-types/")
            yield (
                distribuzione["dcat:downloadURL"]["@id"],
                tipo.rsplit("/", 2)[-2] + "/" + (tipo.rsplit("/", 1)[-1]),
            )


@pytest.fixture
def contatti(pubblicato):
    Ambito.objects.filter(pk=pubblicato.ambito.pk).update(
        gestore_sito="Comunità Sociale Cremasca",
        email_ufficio_piano="udp@example.org",
        telefono_gestore="0373 218 720",
    )
    Ambito.objects.exclude(pk=pubblicato.ambito.pk).update(email_ufficio_piano="up@example.org")
    return pubblicato


def test_catalogo_dell_ambito(client, contatti):
    catalogo = _catalogo(client, reverse("pubblico:catalogo-ambito", args=["cremasco"]))
    identificativi = _verifica(catalogo)
    assert identificativi == {f"cremasco-{d.codice}" for d in dati.DATASET}
    assert catalogo["dct:publisher"]["foaf:name"]["@value"] == "Comunità Sociale Cremasca"
    dataset = catalogo["dcat:dataset"][0]
    assert dataset["dct:rightsHolder"]["foaf:name"]["@value"] == "Comunità Sociale Cremasca"
    assert dataset["dcat:contactPoint"]["vcard:hasEmail"]["@id"] == "mailto:udp@example.org"
    assert catalogo["@id"] == "http://testserver/pubblico/cremasco/dati/catalogo.jsonld"


def test_ogni_scaricamento_del_catalogo_risponde(client, contatti):
    catalogo = _catalogo(client, reverse("pubblico:catalogo-ambito", args=["cremasco"]))
    scaricamenti = list(_scaricamenti(catalogo))
    assert len(scaricamenti) == len(dati.DATASET) * len(dati.FORMATI)
    for url, tipo in scaricamenti:
        assert url.startswith("http://testserver/pubblico/cremasco/dati/")
        risposta = client.get(url)
        assert risposta.status_code == 200, url
        assert risposta["Content-Type"].split(";")[0] == tipo
    pagina = catalogo["dcat:dataset"][0]["dcat:distribution"][0]["dcat:accessURL"]["@id"]
    assert client.get(pagina).status_code == 200


def test_catalogo_nazionale(client, contatti):
    catalogo = _catalogo(client, reverse("pubblico:catalogo"))
    identificativi = _verifica(catalogo)
    ambiti = Ambito.objects.values_list("slug", flat=True)
    assert identificativi == {f"{a}-{d.codice}" for a in ambiti for d in dati.DATASET}
    for url, tipo in _scaricamenti(catalogo):
        if "/cremonese/" in url:
            risposta = client.get(url)
            assert risposta.status_code == 200
            assert risposta["Content-Type"].split(";")[0] == tipo


def test_catalogo_senza_contatti_omette_il_punto_di_contatto(client, pubblicato):
    Ambito.objects.update(email_ufficio_piano="", pec_gestore="")
    catalogo = _catalogo(client, reverse("pubblico:catalogo-ambito", args=["cremasco"]))
    # Recommended, not mandatory: absent rather than without its mandatory e-mail.
    assert all("dcat:contactPoint" not in d for d in catalogo["dcat:dataset"])


def test_catalogo_con_query_costanti(client, contatti):
    url = reverse("pubblico:catalogo-ambito", args=["cremasco"])
    with CaptureQueriesContext(connection) as prima:
        client.get(url)
    _cresci(contatti, 6)
    with CaptureQueriesContext(connection) as dopo:
        client.get(url)
    assert len(dopo) == len(prima) <= 12, len(prima)
