"""The SP's metadata at /spid/metadata/: signed, with AgID's extras, and accepted by AgID's
validator spid-sp-test (its metadata checks, profile spid-sp-public). And the portal with SPID
not configured: no button, no /spid/ page, the password login as before."""

import subprocess
from xml.etree import ElementTree as etree

from django.conf import settings

from tests.accounts.spid_fixtures import *  # noqa: F403 (fixtures)
from tests.accounts.spid_fixtures import ENTITY_ID_SP, configura_sp
from tests.conftest import PASSWORD
from tests.utils.html import albero, trova
from tests.utils.html import testo_visibile as leggi

VALIDATORE = settings.BASE_DIR / ".venv-spid-sp-test" / "bin" / "spid_sp_test"
NS = {
    "md": "urn:oasis:names:tc:SAML:2.0:metadata",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "spid": "https://spid.gov.it/saml-extensions",
}


def _valida(percorso, profilo):
    assert VALIDATORE.exists(), (
        f"{VALIDATORE} non c'è: costruiscilo con `make spid-sp-test` (il validatore di AgID "
        "ha dipendenze incompatibili con quelle del portale e vive in un ambiente suo)"
    )
    # Only --metadata-url: the metadata checks (no --authn-url, no -tr). Not --production: that
    # adds the checks of a public deployment (https URLs, the certificate issued as AgID's
    # Avviso n. 29 v3 wants, the IPA code looked up online on indicepa.gov.it).
    return subprocess.run(
        [str(VALIDATORE), "--metadata-url", f"file://{percorso}", "--profile", profilo],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_metadata_supera_spid_sp_test(client, settings, tmp_path, idp, db):
    configura_sp(settings, tmp_path, spid=[str(idp.file_metadata)])
    risposta = client.get("/spid/metadata/")
    assert risposta.status_code == 200
    percorso = tmp_path / "metadata-sp.xml"
    percorso.write_bytes(risposta.content)

    esito = _valida(percorso, "spid-sp-public")

    # The summary for CI's log (pytest -s or -rA shows it).
    print(esito.stdout)
    assert esito.returncode == 0, esito.stdout + esito.stderr
    assert " 0 failed" in esito.stdout, esito.stdout


def test_metadata_cie_supera_spid_sp_test(client, settings, tmp_path, idp, db):
    configura_sp(settings, tmp_path, cie=[str(idp.file_metadata)])
    risposta = client.get("/spid/metadata/cie/")
    assert risposta.status_code == 200
    percorso = tmp_path / "metadata-sp-cie.xml"
    percorso.write_bytes(risposta.content)

    esito = _valida(percorso, "cie-sp-public")

    print(esito.stdout)
    assert esito.returncode == 0, esito.stdout + esito.stderr
    assert " 0 failed" in esito.stdout, esito.stdout


def test_metadata_cie_solo_con_cie_configurata(client, settings, tmp_path, idp, db):
    configura_sp(settings, tmp_path, spid=[str(idp.file_metadata)])

    assert client.get("/spid/metadata/cie/").status_code == 404


def test_metadata_firmato_con_le_estensioni_spid(client, settings, tmp_path, idp, db):
    configura_sp(settings, tmp_path, spid=[str(idp.file_metadata)])

    risposta = client.get("/spid/metadata/")

    assert risposta["Content-Type"] == "application/samlmetadata+xml"
    doc = etree.fromstring(risposta.content)
    assert doc.get("entityID") == ENTITY_ID_SP
    firma = doc.find("ds:Signature", NS)
    assert firma is not None
    assert firma.find(".//ds:SignatureMethod", NS).get("Algorithm").endswith("rsa-sha256")
    sp = doc.find("md:SPSSODescriptor", NS)
    assert sp.get("AuthnRequestsSigned") == "true"
    assert sp.get("WantAssertionsSigned") == "true"
    acs = sp.find("md:AssertionConsumerService", NS)
    assert (acs.get("index"), acs.get("isDefault")) == ("0", "true")
    assert acs.get("Location") == "http://testserver/spid/acs/"
    assert {s.get("Location") for s in sp.findall("md:SingleLogoutService", NS)} == {
        "http://testserver/spid/ls/"
    }
    richiesti = [a.get("Name") for a in sp.findall(".//md:RequestedAttribute", NS)]
    assert richiesti == ["fiscalNumber", "name", "familyName", "email"]
    contatto = doc.find("md:ContactPerson", NS)
    assert contatto.get("contactType") == "other"
    assert contatto.find("md:Extensions/spid:IPACode", NS).text == "c_d142"
    assert contatto.find("md:Extensions/spid:Public", NS) is not None
    assert doc.find("md:Organization/md:OrganizationName", NS).text == "Comune di Crema"


def test_pagina_di_accesso_con_spid(client, settings, tmp_path, idp, db):
    configura_sp(settings, tmp_path, spid=[str(idp.file_metadata)])

    pagina = client.get("/account/accesso/?next=/ambiti/")

    contenuto = leggi(albero(pagina))
    assert "Entra con SPID" in contenuto
    assert "Entra con CIE" not in contenuto
    assert "IdP di prova" in contenuto
    (link,) = [a for a in trova(pagina, "a") if "/spid/login/" in dict(a.attributes)["href"]]
    href = dict(link.attributes)["href"]
    assert "idp=http%3A%2F%2F127.0.0.1" in href
    assert "next=%2Fambiti%2F" in href
    # The password form stays, below.
    assert trova(pagina, "input", name="password")


def test_pagina_di_accesso_con_cie(client, settings, tmp_path, idp, db):
    configura_sp(settings, tmp_path, cie=[str(idp.file_metadata)])

    contenuto = leggi(albero(client.get("/account/accesso/")))

    assert "Entra con CIE" in contenuto
    assert "Entra con SPID" not in contenuto


def _nulla_configurato(settings):
    settings.PDZ_SPID_ENTITY_ID = ""
    settings.PDZ_SPID_CERT_FILE = ""
    settings.PDZ_SPID_KEY_FILE = ""
    settings.PDZ_SPID_IDP_METADATA = []
    settings.PDZ_CIE_IDP_METADATA = []


def test_senza_configurazione_nessun_pulsante_e_nessuna_pagina_spid(client, settings, db):
    _nulla_configurato(settings)

    pagina = client.get("/account/accesso/")

    contenuto = leggi(albero(pagina))
    assert "Entra con SPID" not in contenuto
    assert "Entra con CIE" not in contenuto
    assert not trova(pagina, data_testid="accesso-identita")
    assert client.get("/spid/metadata/").status_code == 404
    assert client.get("/spid/login/", {"idp": "https://idp.example/"}).status_code == 404
    assert client.post("/spid/acs/", {"SAMLResponse": "eA=="}).status_code == 404
    assert client.post("/spid/ls/").status_code == 404
    assert client.get("/spid/metadata/cie/").status_code == 404


def test_senza_configurazione_la_password_funziona(client, settings, ufficio_piano_crema):
    _nulla_configurato(settings)
    risposta = client.post("/account/accesso/", {"username": "up_crema", "password": PASSWORD})

    assert risposta.status_code == 302
    assert "_auth_user_id" in client.session


def test_certificato_senza_idp_resta_spento(client, settings, tmp_path, db):
    configura_sp(settings, tmp_path)

    assert client.get("/spid/metadata/").status_code == 404
    assert "Entra con SPID" not in leggi(albero(client.get("/account/accesso/")))
