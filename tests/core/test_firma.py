"""core.firma: a real WeasyPrint PDF signed with a test CA's seal (PAdES, incremental update),
validated by pyHanko's validator against the test CA; a changed byte, another CA or no
configuration say so."""

import hashlib
import io
from datetime import timedelta

import pypdf
import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from django.utils import timezone

from core import firma
from core.pdf import rendi_pdf
from tests.utils.firma import configura, crea_certificati, servizio_marca_temporale

HTML = """<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Atto</title></head>
<body><h1>Deliberazione di prova</h1><p>Il testo approvato dall'Assemblea.</p></body></html>"""


@pytest.fixture(scope="module")
def originale():
    return rendi_pdf(HTML, titolo="Atto di prova", autore="Ambito di prova").pdf


def test_senza_certificato_la_firma_non_e_configurata(originale):
    assert not firma.configurata()
    with pytest.raises(firma.FirmaNonConfigurata):
        firma.firma_pdf(originale)


def test_il_pdf_firmato_inizia_con_i_byte_originali_e_la_firma_risale_alla_ca(sigillo, originale):
    firmato = firma.firma_pdf(originale, motivo="Piano approvato", luogo="Crema")

    assert len(firmato) > len(originale)
    assert firmato[: len(originale)] == originale
    assert hashlib.sha256(firmato[: len(originale)]).hexdigest() == firma.impronta(originale)
    esito = firma.verifica(firmato, [sigillo.radice])
    assert esito.ok
    assert esito.firmato and esito.integra and esito.valida and esito.affidabile
    assert esito.copre_tutto
    assert "Ufficio di Piano di prova" in esito.firmatario
    assert esito.firmato_il is not None


def test_con_un_servizio_di_marca_temporale_la_firma_e_pades_b_t(settings, sigillo, originale):
    with servizio_marca_temporale(sigillo) as indirizzo:
        settings.PDZ_FIRMA_TSA_URL = indirizzo
        firmato = firma.firma_pdf(originale)

    assert firmato.startswith(originale)
    esito = firma.verifica(firmato, [sigillo.radice])
    assert esito.ok
    assert esito.marcata_il is not None
    assert abs(esito.marcata_il - timezone.now()) < timedelta(minutes=5)


def test_senza_servizio_di_marca_temporale_la_firma_non_ha_marca(sigillo, originale):
    assert firma.verifica(firma.firma_pdf(originale), [sigillo.radice]).marcata_il is None


def test_la_firma_e_pades(sigillo, originale):
    firmato = firma.firma_pdf(originale)
    assert b"/ETSI.CAdES.detached" in firmato[len(originale) :]


def test_anche_da_un_file_pkcs12(settings, certificati, originale):
    configura(settings, certificati, pkcs12=True)
    firmato = firma.firma_pdf(originale)
    assert firmato.startswith(originale)
    assert firma.verifica(firmato, [certificati.radice]).ok


def test_la_radice_si_passa_anche_in_pem(sigillo, originale):
    firmato = firma.firma_pdf(originale)
    pem = sigillo.radice.public_bytes(Encoding.PEM)
    assert firma.verifica(firmato, [pem]).ok


def test_un_byte_cambiato_nel_documento_firmato_non_supera_la_verifica(sigillo, originale):
    firmato = bytearray(firma.firma_pdf(originale))
    # A byte of the original's text, well inside the signed range.
    posizione = len(originale) // 2
    firmato[posizione] = (firmato[posizione] + 1) % 256

    esito = firma.verifica(bytes(firmato), [sigillo.radice])

    assert esito.firmato
    assert not esito.integra
    assert not esito.ok


def test_una_firma_di_unaltra_ca_non_e_affidabile(sigillo, originale, tmp_path):
    firmato = firma.firma_pdf(originale)
    altra = crea_certificati(tmp_path / "altra", cn_radice="Altra CA")

    esito = firma.verifica(firmato, [altra.radice])

    assert esito.integra and esito.valida
    assert not esito.affidabile
    assert not esito.ok


def test_un_pdf_senza_firma(originale, certificati):
    esito = firma.verifica(originale, [certificati.radice])
    assert not esito.firmato
    assert not esito.ok


def test_un_certificato_illeggibile_si_dice(settings, certificati, originale):
    configura(settings, certificati)
    settings.PDZ_FIRMA_PASSWORD = "sbagliata"
    with pytest.raises(firma.FirmaNonRiuscita):
        firma.firma_pdf(originale)


def test_la_copia_firmata_resta_un_pdf_accessibile_con_le_stesse_pagine(sigillo, originale):
    prima = pypdf.PdfReader(io.BytesIO(originale))
    dopo = pypdf.PdfReader(io.BytesIO(firma.firma_pdf(originale)))

    catalogo = dopo.trailer["/Root"]
    assert catalogo["/Lang"] == "it-IT"
    assert bool(catalogo["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalogo
    assert dopo.metadata.title == prima.metadata.title == "Atto di prova"
    assert [p.extract_text() for p in dopo.pages] == [p.extract_text() for p in prima.pages]
    # The signature is an invisible field: nothing is drawn on the pages.
    assert "/AcroForm" in catalogo
