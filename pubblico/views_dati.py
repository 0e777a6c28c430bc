"""The open data: each ambito's page of datasets, the downloads and the DCAT-AP_IT catalogues.

Like every public page: no login, no cookie, 404 for what is not public. The datasets read
pubblico/selezioni.py through pubblico/dati.py.
"""

import json

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from . import dati, dcat, selezioni
from .views import _ambito, pubblica

# The licence of every download, for the clients that do not open the file (RFC 8288).
LINK_LICENZA = f'<{dati.LICENZA_URL}>; rel="license"'
TIPO_JSONLD = "application/ld+json"


def _con_licenza(risposta):
    risposta["Link"] = LINK_LICENZA
    return risposta


@pubblica
def elenco(request, slug):
    ambito = _ambito(slug)
    voci = [(d, dati.modificato(d, ambito)) for d in dati.DATASET]
    return render(
        request,
        "pubblico/dati/elenco.html",
        {
            "ambito": ambito,
            "voci": voci,
            "formati": dati.FORMATI,
            "licenza_nome": dati.LICENZA_NOME,
            "licenza_url": dati.LICENZA_URL,
        },
    )


@pubblica
def scarica(request, slug, codice, formato):
    ambito = _ambito(slug)
    dataset = dati.PER_CODICE.get(codice)
    if dataset is None or formato not in dati.FORMATI:
        raise Http404
    contenuto = dati.scrivi(dataset, ambito, formato, request.build_absolute_uri())
    risposta = HttpResponse(contenuto, content_type=dati.TIPI_CONTENUTO[formato])
    risposta["Content-Disposition"] = content_disposition_header(
        True, f"{ambito.slug}-{codice}.{formato}"
    )
    return _con_licenza(risposta)


def _jsonld(documento):
    return _con_licenza(
        HttpResponse(
            json.dumps(documento, ensure_ascii=False, indent=1).encode("utf-8"),
            content_type=f"{TIPO_JSONLD}; charset=utf-8",
        )
    )


@pubblica
def catalogo_ambito(request, slug):
    return _jsonld(dcat.catalogo_ambito(_ambito(slug), request.build_absolute_uri))


@pubblica
def catalogo(request):
    return _jsonld(dcat.catalogo_nazionale(list(selezioni.ambiti()), request.build_absolute_uri))
