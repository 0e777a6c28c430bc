"""SPID and CIE login over SAML 2: the service provider's pysaml2 configuration, its signed
metadata with AgID's extras, and the rules that turn an identity provider's assertion into one of
our users.

Everything comes from settings that pdz/settings.py reads from the environment (certificate, key,
entity id, the identity providers' metadata files or URLs, the organisation): nothing about a
deployment is in the repository. With no entity id, certificate, key or identity provider the
feature is off: no button on the login page and 404 on every /spid/ page.

Rules followed (AgID, "Regole tecniche SPID" and Avviso n. 29 v3 for the metadata):
- the AuthnRequest is signed with RSA-SHA256 (HTTP-Redirect binding: the signature is in the
  query string), asks for the level with `Comparison="minimum"` and ForceAuthn from level 2,
  a transient NameID, AttributeConsumingServiceIndex 0 and an Issuer with NameQualifier;
- the metadata is signed (RSA-SHA256), lists fiscalNumber, name, familyName and email in its
  AttributeConsumingService and has the ContactPerson of a public SP (IPACode, Public);
- a response and its assertion must both be signed by the identity provider the request went to,
  for our entity id (audience), in time, in answer to a request of this browser, at the level
  asked or higher; an assertion is accepted once (views_spid.acs).

CIE ID uses the same SAML profile and the same level URIs: the same SP serves both, the identity
provider says which one it is (PDZ_SPID_IDP_METADATA or PDZ_CIE_IDP_METADATA).
"""

import copy
import logging
import threading
import time
from dataclasses import dataclass, field

import saml2
from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from saml2 import md
from saml2.attribute_converter import AttributeConverter
from saml2.config import SPConfig
from saml2.mdstore import MetadataStore
from saml2.metadata import entity_descriptor, sign_entity_descriptor
from saml2.saml import NAME_FORMAT_BASIC, NAMEID_FORMAT_TRANSIENT
from saml2.sigver import security_context
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256
from stdnum.it import codicefiscale

from .models import Ruolo, User

logger = logging.getLogger(__name__)

SPID = "spid"
CIE = "cie"

# The same URIs for SPID and CIE ID (CIE levels 1-3 map on them).
LIVELLI = {
    1: "https://www.spid.gov.it/SpidL1",
    2: "https://www.spid.gov.it/SpidL2",
    3: "https://www.spid.gov.it/SpidL3",
}
LIVELLO_DA_URI = {uri: livello for livello, uri in LIVELLI.items()}

SPID_NS = "https://spid.gov.it/saml-extensions"
CIE_NS = "https://www.cartaidentita.interno.gov.it/saml-extensions"
# The attributes the portal asks for: the tax code finds the account, the others fill it.
ATTRIBUTI = ["fiscalNumber", "name", "familyName", "email"]
# CIE ID gives no e-mail: its metadata does not ask for it.
ATTRIBUTI_CIE = ["fiscalNumber", "name", "familyName"]
# Every attribute a SPID identity provider may assert (Tabella attributi SPID).
ATTRIBUTI_SPID = [
    "spidCode",
    "name",
    "familyName",
    "placeOfBirth",
    "countyOfBirth",
    "dateOfBirth",
    "gender",
    "companyName",
    "registeredOffice",
    "fiscalNumber",
    "ivaCode",
    "idCard",
    "mobilePhone",
    "email",
    "address",
    "expirationDate",
    "digitalAddress",
    "domicileStreetAddress",
    "domicilePostalCode",
    "domicileMunicipality",
    "domicileProvince",
    "domicileNation",
]
# fiscalNumber comes as "TINIT-<codice fiscale>" (the ETSI prefix of an Italian TIN).
PREFISSO_CF = "TINIT-"


def _sorgenti(tipo: str) -> list[str]:
    return list(settings.PDZ_SPID_IDP_METADATA if tipo == SPID else settings.PDZ_CIE_IDP_METADATA)


def configurato() -> bool:
    """The SP has what it needs to sign requests and at least one identity provider."""
    return bool(
        settings.PDZ_SPID_ENTITY_ID
        and settings.PDZ_SPID_CERT_FILE
        and settings.PDZ_SPID_KEY_FILE
        and (_sorgenti(SPID) or _sorgenti(CIE))
    )


def convertitore_spid() -> AttributeConverter:
    """SPID and CIE attributes travel with their own names and NameFormat basic
    ("fiscalNumber"), not pysaml2's default URNs for basic names ("urn:mace:dir:attribute-def:
    name"): this converter, first in the list, keeps them as they are both ways."""
    convertitore = AttributeConverter()
    nomi = {nome: nome for nome in ATTRIBUTI_SPID}
    convertitore.from_dict({"identifier": NAME_FORMAT_BASIC, "fro": nomi, "to": nomi})
    return convertitore


def _metadata_conf(sorgenti: list[str]) -> dict:
    locali = [s for s in sorgenti if not s.startswith(("http://", "https://"))]
    # Remote metadata (e.g. AgID's registry) is read when the configuration is built: once per
    # process and configuration (below).
    remoti = [{"url": s} for s in sorgenti if s.startswith(("http://", "https://"))]
    conf = {}
    if locali:
        conf["local"] = locali
    if remoti:
        conf["remote"] = remoti
    return conf


def _url(nome: str) -> str:
    return settings.PDZ_SPID_BASE_URL.rstrip("/") + reverse(nome)


def _dizionario_config() -> dict:
    entity_id = settings.PDZ_SPID_ENTITY_ID
    org = settings.PDZ_SPID_ORGANIZZAZIONE
    return {
        "entityid": entity_id,
        "xmlsec_binary": settings.PDZ_SPID_XMLSEC_BINARY,
        "key_file": str(settings.PDZ_SPID_KEY_FILE),
        "cert_file": str(settings.PDZ_SPID_CERT_FILE),
        "metadata": _metadata_conf(_sorgenti(SPID) + _sorgenti(CIE)),
        # SPID attributes have basic names ("fiscalNumber"): kept as they come.
        "allow_unknown_attributes": True,
        # Clock skew tolerated between the identity provider and us, in seconds.
        "accepted_time_diff": settings.PDZ_SPID_TOLLERANZA_OROLOGIO,
        "organization": {
            "name": [(org["nome"], "it")],
            "display_name": [(org["nome_visualizzato"] or org["nome"], "it")],
            "url": [(org["url"], "it")],
        },
        "service": {
            "sp": {
                "name": org["nome_visualizzato"] or org["nome"],
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                "name_id_format_allow_create": False,
                "endpoints": {
                    "assertion_consumer_service": [
                        (_url("spid:acs"), saml2.BINDING_HTTP_POST),
                    ],
                    "single_logout_service": [
                        (_url("spid:ls"), saml2.BINDING_HTTP_REDIRECT),
                        (_url("spid:ls"), saml2.BINDING_HTTP_POST),
                    ],
                },
                "required_attributes": ATTRIBUTI,
                "requested_attribute_name_format": NAME_FORMAT_BASIC,
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": True,
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
                # Only answers to a request this browser made (the outstanding queries).
                "allow_unsolicited": False,
            }
        },
    }


def _chiave() -> tuple:
    """What the configuration depends on: a change (a test, a reload) builds a new one."""
    return (
        settings.PDZ_SPID_ENTITY_ID,
        str(settings.PDZ_SPID_CERT_FILE),
        str(settings.PDZ_SPID_KEY_FILE),
        tuple(_sorgenti(SPID)),
        tuple(_sorgenti(CIE)),
        settings.PDZ_SPID_BASE_URL,
        repr(sorted(settings.PDZ_SPID_ORGANIZZAZIONE.items())),
        settings.PDZ_SPID_IPA_CODE,
        settings.PDZ_SPID_TOLLERANZA_OROLOGIO,
        # Once a day the metadata is read again (remote registries change: new IdP keys).
        int(time.time() // 86400),
    )


@dataclass
class _Configurazione:
    conf: SPConfig
    # entity id -> (method, display name) of every identity provider we trust.
    idp: dict
    # The signed metadata by federation: signing runs xmlsec1, once per configuration.
    metadata: dict = field(default_factory=dict)


_cache: dict = {}
_lock = threading.Lock()


def _configurazione() -> _Configurazione:
    chiave = _chiave()
    with _lock:
        trovata = _cache.get(chiave)
        if trovata is None:
            conf = SPConfig()
            conf.load(copy.deepcopy(_dizionario_config()))
            # In place: the metadata store shares this list.
            conf.attribute_converters.insert(0, convertitore_spid())
            # pysaml2 decides whether an incoming request (here: an IdP's LogoutRequest) must
            # be signed from this IdP-side option, even in an SP: without it a LogoutRequest
            # with a broken or missing signature would end a session.
            conf._idp_want_authn_requests_signed = True
            idp = {}
            for tipo in (SPID, CIE):
                sorgenti = _sorgenti(tipo)
                if not sorgenti:
                    continue
                store = MetadataStore(conf.attribute_converters, conf)
                store.imp(_metadata_conf(sorgenti))
                for entity_id in store.identity_providers():
                    idp[entity_id] = (tipo, store.name(entity_id, "it") or entity_id)
            trovata = _Configurazione(conf=conf, idp=idp)
            _cache.clear()
            _cache[chiave] = trovata
        return trovata


def sp_config(request=None) -> SPConfig:
    """The pysaml2 configuration (also djangosaml2's SAML_CONFIG_LOADER)."""
    return _configurazione().conf


def metodo_di(entity_id: str | None) -> str | None:
    """ "spid" or "cie" for an identity provider we trust, None for any other."""
    if not entity_id:
        return None
    trovato = _configurazione().idp.get(entity_id)
    return trovato[0] if trovato else None


def identity_provider(tipo: str) -> list[tuple[str, str]]:
    """(entity id, name) of the identity providers of one kind, by name, for the login page."""
    if not configurato():
        return []
    try:
        idp = _configurazione().idp
    except Exception:
        # Unreadable metadata (a file gone, the registry down) hides the buttons and is logged;
        # the password login keeps working.
        logger.exception("metadati SPID/CIE non leggibili")
        return []
    return sorted(
        ((eid, nome) for eid, (t, nome) in idp.items() if t == tipo),
        key=lambda coppia: coppia[1].casefold(),
    )


def contesto_accesso(request):
    """The login page's buttons (a context processor, lazy: other pages never read them)."""
    return {
        "spid_idp": SimpleLazyObject(lambda: identity_provider(SPID)),
        "cie_idp": SimpleLazyObject(lambda: identity_provider(CIE)),
    }


def livello_richiesto(valore) -> int:
    """The level a login asks for: the one the action needs, never below the portal's minimum."""
    try:
        livello = int(valore)
    except (TypeError, ValueError):
        livello = 0
    minimo = min(max(settings.PDZ_SPID_LIVELLO, 1), 3)
    return max(min(livello, 3), minimo)


# --- Metadata ----------------------------------------------------------------------------------


def _estensione(nome: str, testo: str | None = None, ns: str = SPID_NS):
    return saml2.ExtensionElement(nome, namespace=ns, text=testo)


def _contatto(tipo: str, ns: str) -> md.ContactPerson:
    """The ContactPerson of a public SP: for SPID (Avviso n. 29 v3) contactType "other" with
    IPACode and the empty Public element; for CIE contactType "administrative" with Public,
    IPACode and Municipality. Then the e-mail and phone of the office that answers for it."""
    org = settings.PDZ_SPID_ORGANIZZAZIONE
    figli = [_estensione("IPACode", settings.PDZ_SPID_IPA_CODE, ns)]
    if ns == SPID_NS:
        if org["partita_iva"]:
            figli.append(_estensione("VATNumber", org["partita_iva"], ns))
        if org["codice_fiscale"]:
            figli.append(_estensione("FiscalCode", org["codice_fiscale"], ns))
        figli.append(_estensione("Public", None, ns))
    else:
        figli = [_estensione("Public", None, ns), *figli]
        figli.append(_estensione("Municipality", org["comune"], ns))
    estensioni = md.Extensions()
    estensioni.extension_elements = figli
    contatto = md.ContactPerson(contact_type=tipo)
    contatto.extensions = estensioni
    if ns == CIE_NS:
        # The CIE schema wants the administration's name here too.
        contatto.company = md.Company(text=org["nome"])
    if org["email"]:
        contatto.email_address = [md.EmailAddress(text=org["email"])]
    if org["telefono"]:
        contatto.telephone_number = [md.TelephoneNumber(text=org["telefono"])]
    return contatto


def metadata_sp(federazione: str = SPID) -> str:
    """The SP's metadata, signed with its key, as AgID's validator wants it: the SPID profile,
    or the CIE one (for the CIE federation: its own ContactPerson, no e-mail attribute, which
    CIE ID does not give)."""
    configurazione = _configurazione()
    if federazione not in configurazione.metadata:
        configurazione.metadata[federazione] = _firma_metadata(configurazione.conf, federazione)
    return configurazione.metadata[federazione]


def _firma_metadata(conf: SPConfig, federazione: str) -> str:
    descrittore = entity_descriptor(conf)
    sp = descrittore.spsso_descriptor
    # The one ACS is the default, index 0 (AuthnRequests may name it by index).
    acs = sp.assertion_consumer_service[0]
    acs.index, acs.is_default = "0", "true"
    servizio = sp.attribute_consuming_service[0]
    servizio.index = "0"
    servizio.service_name = [
        md.ServiceName(
            text=settings.PDZ_SPID_ORGANIZZAZIONE["nome_visualizzato"]
            or settings.PDZ_SPID_ORGANIZZAZIONE["nome"],
            lang="it",
        )
    ]
    if federazione == CIE:
        servizio.requested_attribute = [
            a for a in servizio.requested_attribute if a.name in ATTRIBUTI_CIE
        ]
        descrittore.contact_person = [_contatto("administrative", CIE_NS)]
        descrittore.register_prefix({"cie": CIE_NS})
    else:
        descrittore.contact_person = [_contatto("other", SPID_NS)]
        descrittore.register_prefix({"spid": SPID_NS})
    sicurezza = security_context(conf)
    _, firmato = sign_entity_descriptor(
        descrittore, None, sicurezza, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256
    )
    return str(firmato)


# --- From the assertion to the user ------------------------------------------------------------


def codice_fiscale(valore: str | None) -> str | None:
    """The tax code in fiscalNumber ("TINIT-RSSMRA80A01H501U"), uppercase, or None if it is not
    a valid one."""
    if not valore:
        return None
    valore = valore.strip().upper()
    if valore.startswith(PREFISSO_CF):
        valore = valore[len(PREFISSO_CF) :]
    try:
        return codicefiscale.validate(valore)
    except Exception:  # stdnum raises its ValidationError subclasses
        return None


def utente_con_ruolo(cf: str | None) -> User | None:
    """The active account registered with that tax code, if it has an active role today (or is
    the portal's administrator). Never creates one: the Ufficio di Piano registers people."""
    if not cf:
        return None
    user = User.objects.filter(codice_fiscale=cf, is_active=True).first()
    if user is None:
        return None
    if user.is_superuser or Ruolo.objects.attivi().filter(user=user).exists():
        return user
    return None


def completa_anagrafica(user: User, attributi: dict) -> None:
    """Fills the name and e-mail the Ufficio di Piano left empty; never overwrites them. The
    e-mail the UdP set is where convocations go (often an institutional address), while the one
    of a SPID identity is the person's own: the first must win."""

    def primo(nome):
        valori = attributi.get(nome) or []
        return (valori[0] or "").strip() if valori else ""

    campi = {"first_name": primo("name"), "last_name": primo("familyName"), "email": primo("email")}
    cambiati = []
    for campo, valore in campi.items():
        limite = User._meta.get_field(campo).max_length
        if valore and not getattr(user, campo) and len(valore) <= limite:
            setattr(user, campo, valore)
            cambiati.append(campo)
    if cambiati:
        user.save(update_fields=cambiati)
