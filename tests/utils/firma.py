"""A test CA and a seal certificate made with `cryptography`, for the signature tests.

Root CA -> intermediate CA -> seal (keyUsage digitalSignature and nonRepudiation, as a
qualified seal has), written as PEM files and, for the PKCS#12 path, as one .p12 file. The
settings point to them the way the environment does in production (pdz/settings.py).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSWORD = "prova-sigillo"


@dataclass(frozen=True)
class CertificatiDiProva:
    radice: x509.Certificate
    intermedia: x509.Certificate
    sigillo: x509.Certificate
    certificato: Path
    chiave: Path
    catena: Path
    pkcs12: Path


def _nome(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Comune capofila di prova"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _uso(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,  # nonRepudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _certificato(nome, chiave, emittente, chiave_emittente, *, ca: bool) -> x509.Certificate:
    adesso = datetime.now(UTC)
    costruttore = (
        x509.CertificateBuilder()
        .subject_name(nome)
        .issuer_name(emittente)
        .public_key(chiave.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(adesso - timedelta(days=1))
        .not_valid_after(adesso + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(_uso(ca=ca), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(chiave.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(chiave_emittente.public_key()),
            False,
        )
    )
    return costruttore.sign(chiave_emittente, hashes.SHA256())


def _pem(certificato: x509.Certificate) -> bytes:
    return certificato.public_bytes(serialization.Encoding.PEM)


def crea_certificati(cartella: Path, *, cn_radice="CA di prova pdz") -> CertificatiDiProva:
    cartella.mkdir(parents=True, exist_ok=True)
    chiave_radice = ec.generate_private_key(ec.SECP256R1())
    chiave_intermedia = ec.generate_private_key(ec.SECP256R1())
    chiave_sigillo = ec.generate_private_key(ec.SECP256R1())
    nome_radice = _nome(cn_radice)
    radice = _certificato(nome_radice, chiave_radice, nome_radice, chiave_radice, ca=True)
    nome_intermedia = _nome(f"{cn_radice}, intermedia")
    intermedia = _certificato(
        nome_intermedia, chiave_intermedia, nome_radice, chiave_radice, ca=True
    )
    sigillo = _certificato(
        _nome("Ufficio di Piano di prova"),
        chiave_sigillo,
        nome_intermedia,
        chiave_intermedia,
        ca=False,
    )
    certificato = cartella / "sigillo.pem"
    certificato.write_bytes(_pem(sigillo))
    chiave = cartella / "sigillo.key"
    chiave.write_bytes(
        chiave_sigillo.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(PASSWORD.encode()),
        )
    )
    catena = cartella / "intermedia.pem"
    catena.write_bytes(_pem(intermedia))
    archivio = cartella / "sigillo.p12"
    archivio.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"sigillo",
            chiave_sigillo,
            sigillo,
            [intermedia],
            serialization.BestAvailableEncryption(PASSWORD.encode()),
        )
    )
    return CertificatiDiProva(radice, intermedia, sigillo, certificato, chiave, catena, archivio)


def configura(settings, certificati: CertificatiDiProva, *, pkcs12: bool = False) -> None:
    """Point the settings to the test seal, as PDZ_FIRMA_* do in the environment."""
    if pkcs12:
        settings.PDZ_FIRMA_CERTIFICATO = str(certificati.pkcs12)
        settings.PDZ_FIRMA_CHIAVE = ""
    else:
        settings.PDZ_FIRMA_CERTIFICATO = str(certificati.certificato)
        settings.PDZ_FIRMA_CHIAVE = str(certificati.chiave)
    settings.PDZ_FIRMA_PASSWORD = PASSWORD
    settings.PDZ_FIRMA_CATENA = [str(certificati.catena)]


# The fixtures of the signature tests; a test module imports them by name.
@pytest.fixture
def certificati(tmp_path):
    return crea_certificati(tmp_path / "ca")


@pytest.fixture
def sigillo(settings, certificati):
    """The settings pointing to the test CA's seal: documents get signed."""
    configura(settings, certificati)
    return certificati
