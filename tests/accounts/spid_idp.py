"""A real SAML identity provider on this machine for the SPID/CIE tests: pysaml2's
`saml2.server.Server` behind `http.server` in a thread on 127.0.0.1, with its own certificate and
metadata. It verifies the SP's signed AuthnRequest (HTTP-Redirect, RSA-SHA256) and answers with a
signed response in a POST form, like a SPID identity provider; each test says what the next
answer contains (tax code, level, signatures, audience) to try the SP's refusals.

Certificates for the SP and the IdP are generated at test time (cryptography), never stored.
"""

import base64
import datetime
import html
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import saml2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_BASIC, NAMEID_FORMAT_TRANSIENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from accounts.spid import convertitore_spid

XMLSEC = "/usr/bin/xmlsec1"
ALTRO_SP = "https://altro-sp.example/metadata/"


def genera_certificato(cartella: Path, nome: str, entity_id: str) -> tuple[Path, Path]:
    """A self-signed RSA 2048 / SHA-256 certificate and its key, shaped like AgID's (Avviso
    SPID n. 29 v3) for a public SP: organizationIdentifier, the entity id as URI."""
    chiave = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    soggetto = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"pdz test {nome}"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ambito di prova"),
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, "PA:IT-c_d142"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
            x509.NameAttribute(NameOID.LOCALITY_NAME, "Crema"),
            x509.NameAttribute(x509.ObjectIdentifier("2.5.4.83"), entity_id),
        ]
    )
    adesso = datetime.datetime.now(datetime.UTC)
    certificato = (
        x509.CertificateBuilder()
        .subject_name(soggetto)
        .issuer_name(soggetto)
        .public_key(chiave.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(adesso - datetime.timedelta(days=1))
        .not_valid_after(adesso + datetime.timedelta(days=365))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(chiave, hashes.SHA256())
    )
    cert = cartella / f"{nome}.crt"
    key = cartella / f"{nome}.key"
    cert.write_bytes(certificato.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        chiave.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return cert, key


@dataclass
class Risposta:
    """What the identity provider puts in its next answer."""

    fiscal_number: str = "TINIT-RSSMRA80A01H501U"
    name: str = "Mario"
    family_name: str = "Rossi"
    email: str = "mario.rossi@example.org"
    livello: int = 2
    firma_asserzione: bool = True
    firma_risposta: bool = True
    # Made for another SP (ALTRO_SP): its entity id in the Audience.
    pubblico: str | None = None
    # Another request id than the one it answers.
    in_risposta_a: str | None = None


@dataclass
class IdentityProvider:
    cartella: Path
    base: str = ""
    prossima: Risposta = field(default_factory=Risposta)
    # The AuthnRequests received, parsed and verified (saml2.samlp.AuthnRequest).
    richieste: list = field(default_factory=list)
    richieste_logout: list = field(default_factory=list)
    server: Server | None = None
    ultimo_name_id: NameID | None = None

    def avvia(self):
        idp = self

        class Gestore(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                parti = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parti.query).items()}
                try:
                    if parti.path == "/metadata":
                        self._rispondi(200, idp.metadata, "application/samlmetadata+xml")
                    elif parti.path == "/sso":
                        self._rispondi(200, idp.sso(query), "text/html; charset=utf-8")
                    elif parti.path == "/slo":
                        self.send_response(302)
                        self.send_header("Location", idp.slo(query))
                        self.end_headers()
                    else:
                        self._rispondi(404, "", "text/plain")
                except Exception as errore:  # the test reads the IdP's refusal in the body
                    self._rispondi(400, f"errore IdP: {errore!r}", "text/plain")

            def _rispondi(self, status, corpo, tipo):
                dati = corpo.encode()
                self.send_response(status)
                self.send_header("Content-Type", tipo)
                self.send_header("Content-Length", str(len(dati)))
                self.end_headers()
                self.wfile.write(dati)

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Gestore)
        self.base = f"http://127.0.0.1:{self._http.server_address[1]}"
        self.cert, self.key = genera_certificato(self.cartella, "idp", self.entity_id)
        conf = IdPConfig()
        conf.load(self._config())
        self.metadata = str(entity_descriptor(conf))
        self.file_metadata = self.cartella / "idp-metadata.xml"
        self.file_metadata.write_text(self.metadata)
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()
        return self

    def ferma(self):
        self._http.shutdown()
        self._http.server_close()
        self._thread.join()

    @property
    def entity_id(self) -> str:
        return f"{self.base}/metadata"

    def _config(self, sp_metadata: list[Path] | None = None) -> dict:
        conf = {
            "entityid": self.entity_id,
            "xmlsec_binary": XMLSEC,
            "key_file": str(self.key),
            "cert_file": str(self.cert),
            "allow_unknown_attributes": True,
            "organization": {
                "name": [("IdP di prova", "it")],
                "display_name": [("IdP di prova", "it")],
                "url": [(self.base, "it")],
            },
            "service": {
                "idp": {
                    "name": "IdP di prova",
                    "endpoints": {
                        "single_sign_on_service": [
                            (f"{self.base}/sso", saml2.BINDING_HTTP_REDIRECT)
                        ],
                        "single_logout_service": [
                            (f"{self.base}/slo", saml2.BINDING_HTTP_REDIRECT)
                        ],
                    },
                    "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                    "want_authn_requests_signed": True,
                    "signing_algorithm": SIG_RSA_SHA256,
                    "digest_algorithm": DIGEST_SHA256,
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": 5},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_BASIC,
                        }
                    },
                }
            },
        }
        if sp_metadata is not None:
            conf["metadata"] = {"local": [str(p) for p in sp_metadata]}
        return conf

    def fidati_dello_sp(self, metadata_sp: bytes):
        """Loads the SP's metadata (as an IdP does when AgID registers the SP)."""
        percorso = self.cartella / "sp-metadata.xml"
        percorso.write_bytes(metadata_sp)
        # Another SP this IdP also serves, for the answers made for it (wrong audience): the
        # same metadata under another entity id, unsigned.
        testo = re.sub(r"<ds:Signature.*?</ds:Signature>", "", metadata_sp.decode(), flags=re.S)
        entity_id = re.search(r'entityID="([^"]+)"', testo).group(1)
        altro = self.cartella / "altro-sp-metadata.xml"
        altro.write_text(testo.replace(f'entityID="{entity_id}"', f'entityID="{ALTRO_SP}"'))
        conf = IdPConfig()
        conf.load(self._config([percorso, altro]))
        # SPID names, as a real SPID identity provider sends them.
        conf.attribute_converters.insert(0, convertitore_spid())
        self.server = Server(config=conf)

    # --- the endpoints --------------------------------------------------------------------------

    def sso(self, query: dict) -> str:
        # The signature of an HTTP-Redirect request is in the query string: checked here
        # against the SP's certificate from its metadata, and it must be RSA-SHA256.
        if query.get("SigAlg") != SIG_RSA_SHA256:
            raise ValueError(f"SigAlg {query.get('SigAlg')}")
        # pysaml2 verifies it against the SP's certificate in its metadata (or raises).
        richiesta = self.server.parse_authn_request(
            query["SAMLRequest"],
            saml2.BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query["SigAlg"],
            signature=query["Signature"],
        )
        self.richieste.append(richiesta.message)
        risposta = self.risposta(richiesta.message)
        return (
            "<!doctype html><html><body>"
            f'<form method="post" action="{html.escape(richiesta.message.assertion_consumer_service_url)}">'
            f'<input type="hidden" name="SAMLResponse" value="{html.escape(risposta)}">'
            f'<input type="hidden" name="RelayState" value="{html.escape(query.get("RelayState", ""))}">'
            '<button type="submit">Continua</button></form></body></html>'
        )

    def risposta(self, richiesta) -> str:
        """The base64 SAMLResponse for that AuthnRequest, as `prossima` says."""
        p = self.prossima
        pubblico = p.pubblico or richiesta.issuer.text
        identita = {
            "fiscalNumber": [p.fiscal_number],
            "name": [p.name],
            "familyName": [p.family_name],
            "email": [p.email],
        }
        name_id = NameID(
            format=NAMEID_FORMAT_TRANSIENT,
            name_qualifier=self.entity_id,
            text="_" + base64.b16encode(richiesta.id.encode()).decode()[:30],
        )
        self.ultimo_name_id = name_id
        xml = self.server.create_authn_response(
            identita,
            in_response_to=p.in_risposta_a or richiesta.id,
            destination=richiesta.assertion_consumer_service_url,
            # The Audience: the SP that asked, or another one (still signed by this IdP).
            sp_entity_id=pubblico,
            name_id=name_id,
            authn={
                "class_ref": f"https://www.spid.gov.it/SpidL{p.livello}",
                "authn_auth": self.entity_id,
            },
            sign_assertion=p.firma_asserzione,
            sign_response=p.firma_risposta,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
        )
        return base64.b64encode(str(xml).encode()).decode()

    def logout_da_idp(self, sp_entity_id: str) -> str:
        """The person logs out at the IdP (or another SP): the signed LogoutRequest for our SP,
        as the URL the browser is redirected to."""
        destinazione = self.server.metadata.single_logout_service(
            sp_entity_id, saml2.BINDING_HTTP_REDIRECT, "spsso"
        )[0]["location"]
        _id, richiesta = self.server.create_logout_request(
            destinazione, sp_entity_id, name_id=self.ultimo_name_id, sign=False
        )
        info = self.server.apply_binding(
            saml2.BINDING_HTTP_REDIRECT,
            str(richiesta),
            destinazione,
            "",
            sign=True,
            sigalg=SIG_RSA_SHA256,
        )
        return dict(info["headers"])["Location"]

    def slo(self, query: dict) -> str:
        """A LogoutRequest by HTTP-Redirect: verified, answered with a LogoutResponse."""
        if query.get("SigAlg") != SIG_RSA_SHA256:
            raise ValueError(f"SigAlg {query.get('SigAlg')}")
        richiesta = self.server.parse_logout_request(
            query["SAMLRequest"],
            saml2.BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query["SigAlg"],
            signature=query["Signature"],
        )
        emittente = richiesta.message.issuer.text
        self.richieste_logout.append(richiesta.message)
        risposta = self.server.create_logout_response(
            richiesta.message, [saml2.BINDING_HTTP_REDIRECT]
        )
        destinazione = self.server.metadata.single_logout_service(
            emittente, saml2.BINDING_HTTP_REDIRECT, "spsso"
        )[0]["location"]
        info = self.server.apply_binding(
            saml2.BINDING_HTTP_REDIRECT,
            risposta,
            destinazione,
            query.get("RelayState", ""),
            response=True,
            sign=True,
            sigalg=SIG_RSA_SHA256,
        )
        return dict(info["headers"])["Location"]


def modulo_post(pagina: str) -> tuple[str, dict]:
    """The action and the fields of the IdP's POST form (as a browser would submit it)."""
    azione = html.unescape(re.search(r'action="([^"]+)"', pagina).group(1))
    campi = {
        nome: html.unescape(valore)
        for nome, valore in re.findall(r'name="([^"]+)" value="([^"]*)"', pagina)
    }
    return azione, campi
