"""A test CA and a seal certificate made with `cryptography`, for the signature tests.

Root CA -> intermediate CA -> seal (keyUsage digitalSignature and nonRepudiation, as a
qualified seal has), written as PEM files and, for the PKCS#12 path, as one .p12 file. The
settings point to them the way the environment does in production (pdz/settings.py).
"""

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

PASSWORD = "prova-sigillo"


@dataclass(frozen=True)
class CertificatiDiProva:
    radice: x509.Certificate
    chiave_radice: ec.EllipticCurvePrivateKey
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


def _certificato(
    nome, chiave, emittente, chiave_emittente, *, ca: bool, marca_temporale: bool = False
) -> x509.Certificate:
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
    if marca_temporale:
        costruttore = costruttore.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
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
    return CertificatiDiProva(
        radice, chiave_radice, intermedia, sigillo, certificato, chiave, catena, archivio
    )


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


class _Richieste(BaseHTTPRequestHandler):
    marcatore = None

    def do_POST(self):
        richiesta = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
        risposta = self.marcatore.request_tsa_response(richiesta).dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(risposta)))
        self.end_headers()
        self.wfile.write(risposta)

    def log_message(self, *args):
        pass


@contextmanager
def servizio_marca_temporale(certificati: CertificatiDiProva):
    """An RFC 3161 timestamping service on 127.0.0.1, its certificate issued by the test root;
    yields its URL (for PDZ_FIRMA_TSA_URL). RSA: pyHanko's test timestamper signs only that."""
    chiave = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    certificato = _certificato(
        _nome("Marca temporale di prova"),
        chiave,
        certificati.radice.subject,
        certificati.chiave_radice,
        ca=False,
        marca_temporale=True,
    )
    marcatore = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(certificato.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            chiave.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )
    gestore = type("Gestore", (_Richieste,), {"marcatore": marcatore})
    server = ThreadingHTTPServer(("127.0.0.1", 0), gestore)
    filo = threading.Thread(target=server.serve_forever, daemon=True)
    filo.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
        filo.join()


# The fixtures of the signature tests; a test module imports them by name.
@pytest.fixture
def certificati(tmp_path):
    return crea_certificati(tmp_path / "ca")


@pytest.fixture
def sigillo(settings, certificati):
    """The settings pointing to the test CA's seal: documents get signed."""
    configura(settings, certificati)
    return certificati
