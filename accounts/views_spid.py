"""SPID and CIE login: the SP's metadata, the signed AuthnRequest, the assertion consumer and the
single logout (rules and configuration in accounts/spid.py).

The views are our own on top of pysaml2 and djangosaml2's pieces (its SAML session middleware and
caches, its Saml2Client), not djangosaml2's generic views with a custom authentication backend:
- the refusals must be ours: one page in Italian for every broken response, and the "nessun
  ruolo" page for a tax code that matches no account with an active role;
- `auth.authenticate()` would go through django-axes and the throttling backends, which count a
  refused SAML response as a failed password and could lock the person out of the password
  form; a SAML backend in AUTHENTICATION_BACKENDS would also accept `session_info` from any
  caller of `authenticate()`. The assertion is verified here, then the user is logged in with
  the ModelBackend path, as a password login would be (its get_user re-checks is_active);
- the requested level, the identity provider asked and the method (SPID or CIE) are kept with
  each pending request, so the answer is checked against them (djangosaml2 keeps only the URL
  to return to).
"""

import functools
import logging
import secrets

import saml2
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from djangosaml2.cache import IdentityCache, StateCache
from djangosaml2.overrides import Saml2Client
from saml2.ident import code, decode
from saml2.s_utils import UnknownSystemEntity
from saml2.saml import NAMEID_FORMAT_ENTITY, NAMEID_FORMAT_TRANSIENT, AuthnContextClassRef, Issuer
from saml2.samlp import RequestedAuthnContext
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from . import sessione, spid

logger = logging.getLogger(__name__)

# In the SAML session (djangosaml2's own cookie): the requests sent and not yet answered,
# request id -> what the answer must match.
RICHIESTE = "pdz_spid_richieste"
MAX_RICHIESTE = 10
# The SAML subject of the login, for the single logout.
SOGGETTO = "pdz_spid_soggetto"
# An assertion id once accepted is refused for this long: longer than any assertion's validity.
DURATA_ASSERZIONE_USATA = 24 * 3600


def _attivo(view):
    """/spid/ exists only when SPID or CIE is configured."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not spid.configurato():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _rifiuto(request, motivo: str, status: int = 403):
    logger.warning("accesso SPID/CIE rifiutato: %s", motivo)
    return render(request, "accounts/spid_rifiuto.html", status=status)


def _breve(errore: Exception) -> str:
    """What failed, for the log: pysaml2's messages may carry the whole response, with the
    person's tax code and name, which the log must not keep."""
    return f"{type(errore).__name__}: {str(errore)[:120]}"


def _prossima(request, valore: str | None) -> str:
    if valore and url_has_allowed_host_and_scheme(
        valore, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return valore
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_not_required
@require_GET
@_attivo
def metadata(request):
    """The SP's signed metadata, to register with AgID (and the CIE federation)."""
    return HttpResponse(spid.metadata_sp(), content_type="application/samlmetadata+xml")


@login_not_required
@require_GET
@_attivo
def metadata_cie(request):
    """The same SP's metadata in the CIE federation's profile, to register for CIE ID."""
    if not settings.PDZ_CIE_IDP_METADATA:
        raise Http404
    return HttpResponse(spid.metadata_sp(spid.CIE), content_type="application/samlmetadata+xml")


@login_not_required
@never_cache
@require_GET
@_attivo
def accesso(request):
    """?idp=<entity id>&next=<url>[&livello=2]: the signed AuthnRequest to that identity
    provider, by HTTP-Redirect."""
    idp = request.GET.get("idp", "")
    metodo = spid.metodo_di(idp)
    if metodo is None:
        return _rifiuto(request, "identity provider sconosciuto", status=400)
    prossima = _prossima(request, request.GET.get("next"))
    livello = spid.livello_richiesto(request.GET.get("livello"))
    conf = spid.sp_config()
    client = Saml2Client(conf)
    try:
        id_richiesta, info = client.prepare_for_authenticate(
            entityid=idp,
            # Opaque: where to go next stays with us (SPID asks not to expose it).
            relay_state=secrets.token_urlsafe(16),
            binding=saml2.BINDING_HTTP_REDIRECT,
            sign=True,
            sigalg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
            nameid_format=NAMEID_FORMAT_TRANSIENT,
            requested_authn_context=RequestedAuthnContext(
                authn_context_class_ref=[AuthnContextClassRef(text=spid.LIVELLI[livello])],
                comparison="minimum",
            ),
            # From level 2 the identity provider must authenticate again (Regole tecniche).
            force_authn="true" if livello >= 2 else None,
            attribute_consuming_service_index="0",
            issuer=Issuer(
                text=conf.entityid, format=NAMEID_FORMAT_ENTITY, name_qualifier=conf.entityid
            ),
        )
    except (UnknownSystemEntity, TypeError):
        return _rifiuto(request, "identity provider senza SSO HTTP-Redirect", status=400)
    richieste = request.saml_session.get(RICHIESTE, {})
    # The last few only: a person who clicks again and again does not grow the session.
    richieste = dict(list(richieste.items())[-(MAX_RICHIESTE - 1) :])
    richieste[id_richiesta] = {
        "idp": idp,
        "metodo": metodo,
        "livello": livello,
        "prossima": prossima,
    }
    request.saml_session[RICHIESTE] = richieste
    location = dict(info["headers"])["Location"]
    return HttpResponseRedirect(location)


@csrf_exempt
@login_not_required
@never_cache
@require_POST
@_attivo
def acs(request):
    """The identity provider posts its response here. Logged in only if every check passes."""
    risposta_saml = request.POST.get("SAMLResponse")
    if not risposta_saml:
        return _rifiuto(request, "nessuna SAMLResponse", status=400)
    richieste = request.saml_session.get(RICHIESTE, {})
    client = Saml2Client(spid.sp_config(), identity_cache=IdentityCache(request.saml_session))
    try:
        # pysaml2 checks the signatures of response and assertion against the identity
        # provider's metadata, the audience, Destination and Recipient, the validity window and
        # that InResponseTo is one of this browser's pending requests.
        risposta = client.parse_authn_request_response(
            risposta_saml,
            saml2.BINDING_HTTP_POST,
            {rid: r["prossima"] for rid, r in richieste.items()},
        )
    except Exception as errore:  # every failure of pysaml2 is a refusal, never a 500
        return _rifiuto(request, _breve(errore))
    if risposta is None or risposta.assertion is None:
        return _rifiuto(request, "risposta non valida")

    richiesta = richieste.pop(risposta.in_response_to, None)
    request.saml_session[RICHIESTE] = richieste
    if richiesta is None:
        return _rifiuto(request, "risposta a una richiesta sconosciuta")
    if risposta.issuer() != richiesta["idp"]:
        return _rifiuto(request, "risposta da un identity provider diverso da quello chiesto")
    # Once only, across processes (Redis in production): a copied response posted again, even
    # from another browser or in a race with the first, finds its assertion id taken.
    if not cache.add(f"spid:asserzione:{risposta.assertion.id}", 1, DURATA_ASSERZIONE_USATA):
        return _rifiuto(request, "asserzione già usata")
    if not cache.add(f"spid:richiesta:{risposta.in_response_to}", 1, DURATA_ASSERZIONE_USATA):
        return _rifiuto(request, "richiesta già soddisfatta")

    livello = _livello(risposta)
    if livello is None or livello < richiesta["livello"]:
        return _rifiuto(request, f"livello {livello} inferiore a {richiesta['livello']}")

    attributi = risposta.get_identity()
    user = spid.utente_con_ruolo(spid.codice_fiscale((attributi.get("fiscalNumber") or [""])[0]))
    if user is None:
        # The same page for an unknown tax code, an inactive account and no active role: it
        # tells nobody which tax codes have an account.
        logger.warning("accesso SPID/CIE senza ruolo nel portale")
        return render(request, "accounts/spid_nessun_ruolo.html", status=403)

    spid.completa_anagrafica(user, attributi)
    # A new session key (django.contrib.auth.login cycles it) for the logged-in session, and a
    # new one for the SAML session too: nothing set before the login survives under its old key.
    auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[sessione.METODO] = richiesta["metodo"]
    request.session[sessione.LIVELLO_SPID] = livello
    request.saml_session.cycle_key()
    request.saml_session[SOGGETTO] = code(risposta.name_id)
    return HttpResponseRedirect(richiesta["prossima"])


def _livello(risposta) -> int | None:
    """The level the identity provider asserted, from its AuthnContextClassRef."""
    for contesto, *_resto in risposta.authn_info():
        livello = spid.LIVELLO_DA_URI.get(contesto)
        if livello is not None:
            return livello
    return None


@csrf_exempt
@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@_attivo
def uscita(request):
    """Single logout. A POST from the portal (with its CSRF token) ends the session here and
    sends the LogoutRequest to the identity provider; the identity provider comes back here with
    its LogoutResponse, or with its own LogoutRequest when the person logs out elsewhere."""
    dati = request.POST if request.method == "POST" else request.GET
    binding = saml2.BINDING_HTTP_POST if request.method == "POST" else saml2.BINDING_HTTP_REDIRECT
    client = Saml2Client(
        spid.sp_config(),
        state_cache=StateCache(request.saml_session),
        identity_cache=IdentityCache(request.saml_session),
    )
    if "SAMLResponse" in dati:
        # The session here ended when the logout started (_avvia_uscita): the answer only
        # closes pysaml2's state. A broken one (or a link someone forged) changes nothing.
        try:
            client.parse_logout_request_response(dati["SAMLResponse"], binding)
        except Exception as errore:
            logger.warning("risposta di logout SPID/CIE non valida: %s", _breve(errore))
        else:
            client.state.sync()
        return HttpResponseRedirect(resolve_url(settings.LOGOUT_REDIRECT_URL))
    if "SAMLRequest" in dati:
        soggetto = request.saml_session.get(SOGGETTO)
        if soggetto is None:
            # Not a SPID/CIE session: no identity provider can end it.
            return _rifiuto(request, "richiesta di logout senza sessione SPID/CIE", status=400)
        try:
            info = client.handle_logout_request(
                dati["SAMLRequest"],
                decode(soggetto),
                binding,
                sign=True,
                sign_alg=SIG_RSA_SHA256,
                digest_alg=DIGEST_SHA256,
                # Absent, not empty: an empty one would enter the signed string.
                relay_state=dati.get("RelayState"),
                sigalg=dati.get("SigAlg"),
                signature=dati.get("Signature"),
            )
        except Exception as errore:
            return _rifiuto(
                request, f"richiesta di logout non valida: {_breve(errore)}", status=400
            )
        _esci(request, client)
        return HttpResponseRedirect(dict(info["headers"])["Location"])
    if request.method != "POST":
        return HttpResponse(status=405)
    return csrf_protect(_avvia_uscita)(request, client)


def _avvia_uscita(request, client):
    soggetto = request.saml_session.get(SOGGETTO)
    destinazione = resolve_url(settings.LOGOUT_REDIRECT_URL)
    if soggetto is not None:
        name_id = decode(soggetto)
        try:
            idp = client.users.issuers_of_info(name_id)
            esiti = client.do_logout(
                name_id,
                idp,
                reason="",
                expire=None,
                expected_binding=saml2.BINDING_HTTP_REDIRECT,
                sign_alg=SIG_RSA_SHA256,
                digest_alg=DIGEST_SHA256,
            )
        except Exception as errore:
            logger.warning("logout SPID/CIE non inviato all'identity provider: %s", _breve(errore))
            esiti = {}
        for esito in esiti.values():
            if isinstance(esito, tuple) and esito[0] == saml2.BINDING_HTTP_REDIRECT:
                destinazione = dict(esito[1]["headers"])["Location"]
                break
    # Ended here at once: the portal does not wait for the identity provider's answer.
    _esci(request, client)
    response = HttpResponseRedirect(destinazione)
    response["Clear-Site-Data"] = '"storage"'
    return response


def _esci(request, client):
    auth.logout(request)
    request.saml_session.pop(SOGGETTO, None)
    # pysaml2 changed the logout state in place: write it back to the SAML session.
    client.state.sync()
