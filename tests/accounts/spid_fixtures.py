"""Fixtures of the SPID/CIE tests: the local identity provider and the SP configured to trust it
(the settings an operator would put in the environment)."""

from urllib.parse import urlsplit

import pytest
import requests

from tests.accounts.spid_idp import IdentityProvider, genera_certificato, modulo_post

# The fixtures, for `from tests.accounts.spid_fixtures import *` in the test modules.
__all__ = ["idp", "sindaco_spid", "sp", "sp_cie"]

ENTITY_ID_SP = "http://testserver/spid/metadata/"
CODICE_FISCALE = "RSSMRA80A01H501U"


@pytest.fixture
def idp(tmp_path):
    provider = IdentityProvider(cartella=tmp_path).avvia()
    yield provider
    provider.ferma()


def configura_sp(settings, tmp_path, *, spid=(), cie=()):
    cert, key = genera_certificato(tmp_path, "sp", ENTITY_ID_SP)
    settings.PDZ_SPID_ENTITY_ID = ENTITY_ID_SP
    settings.PDZ_SPID_CERT_FILE = str(cert)
    settings.PDZ_SPID_KEY_FILE = str(key)
    settings.PDZ_SPID_IDP_METADATA = list(spid)
    settings.PDZ_CIE_IDP_METADATA = list(cie)
    settings.PDZ_SPID_BASE_URL = "http://testserver"
    settings.PDZ_SPID_LIVELLO = 2
    settings.PDZ_SPID_IPA_CODE = "c_d142"
    settings.PDZ_SPID_ORGANIZZAZIONE = {
        "nome": "Comune di Crema",
        "nome_visualizzato": "Piano di Zona del Cremasco",
        "url": "https://www.comune.crema.cr.it/",
        "email": "ufficiodipiano@comune.crema.cr.it",
        "telefono": "+390373894111",
        "partita_iva": "",
        "codice_fiscale": "91035680197",
        "comune": "019035",
    }


@pytest.fixture
def sp(settings, tmp_path, idp, client, db):
    """The portal as SP of the local IdP (as SPID identity provider); the IdP has its metadata."""
    configura_sp(settings, tmp_path, spid=[str(idp.file_metadata)])
    idp.fidati_dello_sp(client.get("/spid/metadata/").content)
    return idp


@pytest.fixture
def sp_cie(settings, tmp_path, idp, client, db):
    """The same, with the local IdP as CIE ID, its metadata read from its URL."""
    configura_sp(settings, tmp_path, cie=[f"{idp.base}/metadata"])
    idp.fidati_dello_sp(client.get("/spid/metadata/").content)
    return idp


@pytest.fixture
def sindaco_spid(sindaco_crema):
    sindaco_crema.codice_fiscale = CODICE_FISCALE
    sindaco_crema.first_name = ""
    sindaco_crema.last_name = ""
    sindaco_crema.email = ""
    sindaco_crema.save()
    return sindaco_crema


def verso_idp(client, idp, **parametri):
    """The browser's trip: /spid/login/ redirects to the IdP, the IdP answers with its form.
    Returns the form's action (our ACS) and fields."""
    parametri.setdefault("idp", idp.entity_id)
    risposta = client.get("/spid/login/", parametri)
    assert risposta.status_code == 302, risposta.content
    pagina = requests.get(risposta["Location"], timeout=30)
    assert pagina.status_code == 200, pagina.text
    return modulo_post(pagina.text)


def posta_all_acs(client, azione, campi):
    return client.post(urlsplit(azione).path, campi)


def accedi_con_spid(client, idp, **parametri):
    azione, campi = verso_idp(client, idp, **parametri)
    return posta_all_acs(client, azione, campi)
