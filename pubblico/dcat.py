"""The catalogue of the open data in DCAT-AP_IT, as JSON-LD: what dati.gov.it harvests.

Every property the profile marks mandatory (M) is present: the catalogue's title, description,
publisher, last modified and datasets; each dataset's identifier, title, description, modified,
theme, rights holder, accrual periodicity and distributions; each distribution's format,
access URL and licence; each agent's identifier and name. The themes, frequencies, file types
and licence come from the EU vocabularies the profile requires.
"""

import datetime

from django.urls import reverse
from django.utils import timezone

from . import dati

CONTESTO = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatapit": "http://dati.gov.it/onto/dcatapit#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
TEMI = "http://publications.europa.eu/resource/authority/data-theme/"
FREQUENZE = "http://publications.europa.eu/resource/authority/frequency/"
TIPI_FILE = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "https://www.iana.org/assignments/media-types/"
LINGUA_ITA = "http://publications.europa.eu/resource/authority/language/ITA"
TIPO_LICENZA = "http://purl.org/adms/licencetype/Attribution"


def _testo(valore):
    return {"@value": str(valore), "@language": "it"}


def _data(valore):
    return {"@value": valore.isoformat(), "@type": "xsd:date"}


def _agente(ambito, assoluto):
    """The body that runs the ambito's public pages: publisher and rights holder of its data.
    The ambito has no IPA code on file, so its identifier is its public address."""
    url = assoluto(reverse("pubblico:ambito", args=[ambito.slug]))
    return {
        "@id": url + "#gestore",
        "@type": ["dcatapit:Agent", "foaf:Agent"],
        "dct:identifier": url,
        "foaf:name": _testo(ambito.nome_gestore_sito),
    }


def _punto_di_contatto(ambito, assoluto):
    email = ambito.email_ufficio_piano or ambito.pec_gestore
    if not email:
        return None
    punto = {
        "@id": assoluto(reverse("pubblico:ambito", args=[ambito.slug])) + "#contatto",
        "@type": ["dcatapit:Organization", "vcard:Organization"],
        "vcard:fn": ambito.nome_gestore_sito,
        "vcard:hasEmail": {"@id": f"mailto:{email}"},
    }
    if ambito.telefono_gestore:
        punto["vcard:hasTelephone"] = {
            "@type": "vcard:Voice",
            "vcard:hasValue": {"@id": "tel:" + ambito.telefono_gestore.replace(" ", "")},
        }
    return punto


LICENZA = {
    "@id": dati.LICENZA_UE,
    "@type": "dcatapit:LicenseDocument",
    "owl:sameAs": {"@id": dati.LICENZA_URL},
    "dct:type": {"@id": TIPO_LICENZA},
    "foaf:name": _testo(dati.LICENZA_NOME),
    "owl:versionInfo": "4.0",
}


def _dataset(dataset, ambito, assoluto):
    identificativo = f"{ambito.slug}-{dataset.codice}"
    pagina = assoluto(reverse("pubblico:dati", args=[ambito.slug]))
    modificato = dati.modificato(dataset, ambito)
    gestore = _agente(ambito, assoluto)
    voce = {
        "@id": f"{pagina}#{dataset.codice}",
        "@type": ["dcatapit:Dataset", "dcat:Dataset"],
        "dct:identifier": identificativo,
        "dct:title": _testo(dataset.titolo),
        "dct:description": _testo(dataset.descrizione),
        "dct:modified": _data(modificato),
        "dcat:theme": [{"@id": TEMI + tema} for tema in dataset.temi],
        "dct:accrualPeriodicity": {"@id": FREQUENZE + dataset.frequenza},
        "dct:rightsHolder": gestore,
        "dct:publisher": gestore,
        "dct:language": {"@id": LINGUA_ITA},
        "dcat:landingPage": {"@id": pagina},
        "dcat:distribution": [
            {
                "@id": f"{pagina}#{dataset.codice}-{formato}",
                "@type": ["dcatapit:Distribution", "dcat:Distribution"],
                "dct:title": _testo(f"{dataset.titolo} ({formato.upper()})"),
                "dct:description": _testo(dataset.descrizione),
                "dct:format": {"@id": TIPI_FILE + dati.TIPI_FILE_UE[formato]},
                "dcat:mediaType": {"@id": IANA + dati.TIPI_CONTENUTO[formato].split(";")[0]},
                "dcat:accessURL": {"@id": pagina},
                "dcat:downloadURL": {
                    "@id": assoluto(
                        reverse("pubblico:dato", args=[ambito.slug, dataset.codice, formato])
                    )
                },
                "dct:license": LICENZA,
                "dct:modified": _data(modificato),
            }
            for formato in dati.FORMATI
        ],
    }
    contatto = _punto_di_contatto(ambito, assoluto)
    if contatto:
        voce["dcat:contactPoint"] = contatto
    return voce


def _catalogo(url, titolo, descrizione, editore, homepage, voci):
    return {
        "@context": CONTESTO,
        "@id": url,
        "@type": ["dcatapit:Catalog", "dcat:Catalog"],
        "dct:title": _testo(titolo),
        "dct:description": _testo(descrizione),
        "dct:publisher": editore,
        "dct:modified": _data(
            max(
                (datetime.date.fromisoformat(v["dct:modified"]["@value"]) for v in voci),
                default=timezone.localdate(),
            )
        ),
        "dct:language": {"@id": LINGUA_ITA},
        "foaf:homepage": {"@id": homepage},
        "dcat:themeTaxonomy": {"@id": TEMI[:-1]},
        "dcat:dataset": voci,
    }


def catalogo_ambito(ambito, assoluto) -> dict:
    """`assoluto` turns a path into the absolute URL (request.build_absolute_uri)."""
    return _catalogo(
        assoluto(reverse("pubblico:catalogo-ambito", args=[ambito.slug])),
        f"Dati aperti del Piano di Zona — Ambito {ambito.nome}",
        f"I dati aperti del Piano di Zona dell'ambito territoriale {ambito.nome}: obiettivi, "
        "azioni, risorse, indicatori, registro degli enti, comuni e votazioni dell'Assemblea "
        "dei Sindaci.",
        _agente(ambito, assoluto),
        assoluto(reverse("pubblico:dati", args=[ambito.slug])),
        [_dataset(d, ambito, assoluto) for d in dati.DATASET],
    )


def catalogo_nazionale(ambiti, assoluto) -> dict:
    """Every ambito's datasets in one catalogue; each dataset keeps its own ambito's body as
    publisher and rights holder, the catalogue is published by the portal."""
    indice = assoluto(reverse("pubblico:indice"))
    editore = {
        "@id": indice + "#portale",
        "@type": ["dcatapit:Agent", "foaf:Agent"],
        "dct:identifier": indice,
        "foaf:name": _testo("Portale dei Piani di Zona degli ambiti territoriali sociali"),
    }
    return _catalogo(
        assoluto(reverse("pubblico:catalogo")),
        "Dati aperti dei Piani di Zona",
        "I dati aperti dei Piani di Zona di tutti gli ambiti territoriali del portale.",
        editore,
        indice,
        [_dataset(d, ambito, assoluto) for ambito in ambiti for d in dati.DATASET],
    )
