"""PAdES signatures of PDF files with the seal certificate configured in the environment.

The signature is appended as an incremental update: the signed file begins with the exact
bytes it was given, so the SHA-256 recorded for the original (the one a vote or a register
quotes) is still the SHA-256 of the signed file's first bytes, and anybody can check both.

PAdES-B-B always; PAdES-B-T when a timestamping authority is configured. Without a certificate
signing is "not configured" (`configurata()` is False) and callers publish the PDF unsigned.

The configuration (settings, read from the environment in pdz/settings.py):

- PDZ_FIRMA_CERTIFICATO: the certificate, PEM or DER; or a PKCS#12 file (.p12, .pfx) holding
  certificate and key, when PDZ_FIRMA_CHIAVE is not given;
- PDZ_FIRMA_CHIAVE: the private key, PEM or DER;
- PDZ_FIRMA_PASSWORD: the key's or the PKCS#12 file's password, if any;
- PDZ_FIRMA_CATENA: the intermediate certificates, comma-separated paths, embedded in the
  signature so that a validator can build the chain to its trust root;
- PDZ_FIRMA_TSA_URL: an RFC 3161 timestamping service (PAdES-B-T), optional.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.files.base import ContentFile
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

logger = logging.getLogger(__name__)

NOME_CAMPO = "Firma"


class FirmaNonConfigurata(Exception):
    """No seal certificate in the environment: the document stays unsigned."""


class FirmaNonRiuscita(Exception):
    """The certificate could not be loaded or the PDF could not be signed."""


class OriginaleNonCorrisponde(Exception):
    """The stored original's bytes no longer have the recorded SHA-256: damaged data, which no
    signature may cover (another attempt would find the same bytes)."""


@dataclass(frozen=True)
class Configurazione:
    certificato: str
    chiave: str = ""
    password: str = ""
    catena: tuple[str, ...] = ()
    tsa_url: str = ""

    @property
    def pkcs12(self) -> bool:
        return not self.chiave


def configurazione() -> Configurazione | None:
    certificato = getattr(settings, "PDZ_FIRMA_CERTIFICATO", "")
    if not certificato:
        return None
    return Configurazione(
        certificato=certificato,
        chiave=getattr(settings, "PDZ_FIRMA_CHIAVE", ""),
        password=getattr(settings, "PDZ_FIRMA_PASSWORD", ""),
        catena=tuple(p for p in getattr(settings, "PDZ_FIRMA_CATENA", ()) if p),
        tsa_url=getattr(settings, "PDZ_FIRMA_TSA_URL", ""),
    )


def configurata() -> bool:
    return configurazione() is not None


def _firmatario(conf: Configurazione) -> signers.SimpleSigner:
    password = conf.password.encode() if conf.password else None
    if conf.pkcs12:
        firmatario = signers.SimpleSigner.load_pkcs12(
            conf.certificato, ca_chain_files=conf.catena or None, passphrase=password
        )
    else:
        firmatario = signers.SimpleSigner.load(
            conf.chiave,
            conf.certificato,
            ca_chain_files=conf.catena or None,
            key_passphrase=password,
        )
    if firmatario is None:
        # pyHanko logs the cause and returns None: a path, a password or a format is wrong.
        raise FirmaNonRiuscita(
            "Certificato o chiave di firma non leggibili: controlla PDZ_FIRMA_CERTIFICATO, "
            "PDZ_FIRMA_CHIAVE, PDZ_FIRMA_PASSWORD e PDZ_FIRMA_CATENA."
        )
    return firmatario


def firma_pdf(dati: bytes, *, motivo: str = "", luogo: str = "") -> bytes:
    """`dati` signed (PAdES) as an incremental update; raises FirmaNonConfigurata without a
    certificate, FirmaNonRiuscita when the certificate or the PDF cannot be used."""
    conf = configurazione()
    if conf is None:
        raise FirmaNonConfigurata("Nessun certificato di firma configurato.")
    firmatario = _firmatario(conf)
    metadati = signers.PdfSignatureMetadata(
        field_name=NOME_CAMPO,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=motivo or None,
        location=luogo or None,
    )
    marcatore = HTTPTimeStamper(conf.tsa_url) if conf.tsa_url else None
    try:
        # strict=False: WeasyPrint's files are well formed, but a stricter reader refusing a
        # harmless quirk would leave a public act unsigned.
        scrittore = IncrementalPdfFileWriter(BytesIO(dati), strict=False)
        uscita = signers.sign_pdf(scrittore, metadati, signer=firmatario, timestamper=marcatore)
    except Exception as errore:
        raise FirmaNonRiuscita(f"Firma del PDF non riuscita: {errore}") from errore
    firmato = uscita.getvalue()
    if firmato[: len(dati)] != dati:
        # The whole point of the incremental update: never publish a file that does not.
        raise FirmaNonRiuscita("Il PDF firmato non inizia con i byte dell'originale.")
    return firmato


def impronta(dati: bytes) -> str:
    return hashlib.sha256(dati).hexdigest()


def firma_originale(campo, sha256: str, *, motivo: str = "", luogo: str = "") -> bytes:
    """The stored file `campo` (a FieldFile) signed, after checking that its bytes are still
    those whose SHA-256 was recorded (`sha256`)."""
    with campo.open("rb") as file:
        dati = file.read()
    if impronta(dati) != sha256:
        raise OriginaleNonCorrisponde(
            f"{campo.name}: l'impronta del file non è quella registrata, non lo firmo."
        )
    return firma_pdf(dati, motivo=motivo, luogo=luogo)


def salva_firmato(campo, nome: str, dati: bytes) -> str | None:
    """Store `dati` as the signed file of `campo`'s instance under a new name; return the name
    of the signed file it replaces (for the caller to delete once the new one is recorded)."""
    vecchio = campo.name or None
    nome = campo.field.generate_filename(campo.instance, nome)
    # The storage adds a suffix when the name is taken: a new signature (another certificate)
    # never overwrites the file a reader may be downloading.
    campo.name = campo.storage.save(nome, ContentFile(dati))
    return vecchio if vecchio != campo.name else None


def in_un_task(task, lavoro, *, descrizione: str, attesa: int = 10):
    """`lavoro()` inside Celery task `task` (bound, with max_retries): an altered original is
    logged and left (no attempt changes it); any other failure (the certificate's file, the
    timestamping service, the disk, the database) is tried again after attesa·n² seconds, then
    logged. The task returns what this returns."""
    try:
        return lavoro()
    except OriginaleNonCorrisponde:
        logger.exception("%s: l'originale non ha l'impronta registrata, non lo firmo", descrizione)
        return None
    except Exception as errore:
        if task.request.retries < task.max_retries:
            logger.warning("%s: non riuscito, nuovo tentativo", descrizione)
            nuovo_tentativo = task.retry(
                exc=errore, countdown=attesa * (task.request.retries + 1) ** 2, throw=False
            )
            if task.request.is_eager:
                # In-process (no broker): Celery has run the retry already, and raising it
                # would reach the caller (task_eager_propagates).
                return nuovo_tentativo
            raise nuovo_tentativo from errore
        logger.exception("%s: non riuscito", descrizione)
        return None


@dataclass(frozen=True)
class DocumentoPubblicato:
    """The file to publish of a document kept both as it was and as signed: the signed file
    when there is one, with both fingerprints (the original's is the one recorded when the
    document became final, and it is also the fingerprint of the signed file's first bytes)."""

    file: object  # a FieldFile
    sha256: str
    sha256_firmato: str | None

    @property
    def firmato(self) -> bool:
        return self.sha256_firmato is not None

    @classmethod
    def di(cls, *, originale, sha256: str, firmato, sha256_firmato: str):
        if firmato and sha256_firmato:
            return cls(file=firmato, sha256=sha256, sha256_firmato=sha256_firmato)
        return cls(file=originale, sha256=sha256, sha256_firmato=None)


@dataclass(frozen=True)
class EsitoVerifica:
    """What a validator says of the (last) signature of a PDF."""

    firmato: bool
    # The signed bytes are those the signature's digest covers.
    integra: bool = False
    # The cryptographic signature is correct for the signer's certificate.
    valida: bool = False
    # The signer's certificate chains to one of the given trust roots.
    affidabile: bool = False
    # The signature covers the whole file (nothing appended after it).
    copre_tutto: bool = False
    firmatario: str = ""
    firmato_il: datetime | None = None
    # PAdES-B-T: when a timestamping authority the trust roots vouch for saw the signature.
    marcata_il: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.firmato and self.integra and self.valida and self.affidabile


def _certificato(radice) -> asn1_x509.Certificate:
    if isinstance(radice, asn1_x509.Certificate):
        return radice
    if hasattr(radice, "public_bytes"):
        # A cryptography certificate.
        from cryptography.hazmat.primitives.serialization import Encoding

        return asn1_x509.Certificate.load(radice.public_bytes(Encoding.DER))
    dati = bytes(radice)
    if pem.detect(dati):
        _, _, dati = pem.unarmor(dati)
    return asn1_x509.Certificate.load(dati)


def verifica(dati: bytes, radici) -> EsitoVerifica:
    """Whether the last signature of `dati` is intact, valid and chains to one of `radici`
    (certificates: cryptography or asn1crypto objects, PEM or DER bytes).

    Revocation is checked softly and nothing is fetched: a test CA publishes no CRL, and the
    qualified seal's status is the certifier's to publish, not this check's."""
    try:
        lettore = PdfFileReader(BytesIO(dati), strict=False)
        firme = lettore.embedded_signatures
    except Exception:
        logger.info("PDF non leggibile durante la verifica della firma", exc_info=True)
        return EsitoVerifica(firmato=False)
    if not firme:
        return EsitoVerifica(firmato=False)
    firma = firme[-1]
    contesto = ValidationContext(
        trust_roots=[_certificato(r) for r in radici], allow_fetching=False
    )
    try:
        stato = validate_pdf_signature(firma, contesto)
    except Exception:
        logger.info("Verifica della firma non riuscita", exc_info=True)
        return EsitoVerifica(firmato=True)
    copertura = stato.coverage
    return EsitoVerifica(
        firmato=True,
        integra=bool(stato.intact),
        valida=bool(stato.valid),
        affidabile=bool(stato.trusted),
        copre_tutto=copertura is not None and copertura.name == "ENTIRE_FILE",
        firmatario=_nome(stato),
        firmato_il=stato.signer_reported_dt,
        marcata_il=_marca(stato),
    )


def _marca(stato) -> datetime | None:
    marca = stato.timestamp_validity
    if marca is None or not (marca.intact and marca.valid and marca.trusted):
        return None
    return marca.timestamp


def _nome(stato) -> str:
    certificato = stato.signing_cert
    return certificato.subject.human_friendly if certificato is not None else ""
