"""The second factor (django-otp): an authenticator app (TOTP) and ten recovery codes.

A person sets it up from /account/sicurezza/ (accounts.views_otp): the key lives in her session
until she types a first code, so merely opening the page creates nothing. Once confirmed, her
password logins are completed at /account/verifica/ with a code of the app or a recovery code,
which `django_otp.login` records in the session (`request.user.is_verified()`).

`accesso_forte(request)` is what the pages that need a strong login ask (the online vote, when
its ambito requires it): a SPID/CIE login of level 2 or more, or a session verified by the second
factor. accounts.middleware_otp makes it compulsory for the Ufficio di Piano and administrators.
"""

import time
from base64 import b32encode
from binascii import unhexlify
from xml.etree import ElementTree

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from . import sessione
from .permissions import is_amministratore, ruoli_di

NUMERO_CODICI_RECUPERO = 10
NOME_APP = "App di autenticazione"
NOME_CODICI = "Codici di recupero"
# Session keys: the key of a TOTP being set up, the recovery codes to show once, and whether the
# user has a confirmed device (so that the middleware does not ask the database on every page).
CHIAVE_NUOVA = "pdz_otp_chiave_nuova"
CODICI_DA_MOSTRARE = "pdz_otp_codici_da_mostrare"
HA_DISPOSITIVO = "pdz_otp_ha_dispositivo"


def accesso_forte(request) -> bool:
    """SPID/CIE of level 2 or more, or a session confirmed with the second factor."""
    try:
        livello = int(request.session.get(sessione.LIVELLO_SPID) or 0)
    except (TypeError, ValueError):
        livello = 0
    if livello >= 2:
        return True
    verificato = getattr(request.user, "is_verified", None)
    return bool(verificato and verificato())


def obbligato(user) -> bool:
    """Who must have a second factor when logging in with a password: the Ufficio di Piano staff
    (an active role in any ambito) and the portal's administrators."""
    return is_amministratore(user) or any(r.tipo == r.Tipo.UFFICIO_PIANO for r in ruoli_di(user))


def dispositivo_app(user, *, per_verifica=False) -> TOTPDevice | None:
    dispositivi = TOTPDevice.objects.devices_for_user(user, confirmed=True)
    if per_verifica:
        dispositivi = dispositivi.select_for_update()
    return dispositivi.order_by("pk").first()


def dispositivo_codici(user, *, per_verifica=False) -> StaticDevice | None:
    dispositivi = StaticDevice.objects.devices_for_user(user, confirmed=True)
    if per_verifica:
        dispositivi = dispositivi.select_for_update()
    return dispositivi.order_by("pk").first()


def ha_dispositivo(request, *, rileggi=False) -> bool:
    """Whether the session's user has a confirmed authenticator app, read once per login (or
    again with `rileggi`)."""
    valore = request.session.get(HA_DISPOSITIVO)
    if valore is None or rileggi:
        valore = dispositivo_app(request.user) is not None
        request.session[HA_DISPOSITIVO] = valore
    return valore


@receiver(user_logged_in, dispatch_uid="pdz-otp-nuovo-accesso")
def _nuovo_accesso(sender, request, user, **kwargs):
    # A login of the same user keeps the session's data: read the devices again.
    if request is not None and hasattr(request, "session"):
        request.session.pop(HA_DISPOSITIVO, None)


def e_codice_di_recupero(dispositivo) -> bool:
    return isinstance(dispositivo, StaticDevice)


def codici_rimasti(user) -> int:
    dispositivo = dispositivo_codici(user)
    return dispositivo.token_set.count() if dispositivo else 0


# --- Setting up -------------------------------------------------------------------------------


def chiave_in_preparazione(request) -> str:
    """The hex key of the app being set up, kept in the session until the first code confirms
    it: reloading the page shows the same QR code, leaving it creates nothing."""
    chiave = request.session.get(CHIAVE_NUOVA)
    if not chiave:
        chiave = request.session[CHIAVE_NUOVA] = default_key()
    return chiave


def segreto_leggibile(chiave_hex: str) -> str:
    """The key as the apps ask for it when typed by hand: base32, in groups of four."""
    segreto = b32encode(unhexlify(chiave_hex)).decode("ascii").rstrip("=")
    return " ".join(segreto[i : i + 4] for i in range(0, len(segreto), 4))


def url_configurazione(user, chiave_hex: str) -> str:
    return TOTPDevice(user=user, key=chiave_hex).config_url


def qr_svg(testo: str, etichetta: str) -> str:
    """The QR code as inline SVG, drawn here: no script and no style attribute (strict CSP)."""
    immagine = qrcode.make(testo, image_factory=qrcode.image.svg.SvgPathFillImage)
    svg = immagine.get_image()
    # A size in pixels that fits a 320 px screen, and a name for screen readers.
    svg.attrib.update({"width": "220", "height": "220", "role": "img", "aria-label": etichetta})
    return ElementTree.tostring(svg, encoding="unicode")


def _totp(chiave_hex: str) -> TOTP:
    totp = TOTP(unhexlify(chiave_hex))
    totp.time = time.time()
    return totp


def normalizza(codice: str) -> str:
    return "".join(c for c in (codice or "") if c.isalnum()).lower()


def _e_codice_app(codice: str) -> bool:
    return len(codice) == 6 and codice.isdigit()


def attiva(request, codice: str) -> list[str] | None:
    """Confirms the app being set up with its first code: creates the device and ten recovery
    codes, verifies this session with it. Returns the recovery codes, or None if the code is
    wrong."""
    chiave = request.session.get(CHIAVE_NUOVA)
    codice = normalizza(codice)
    if not chiave or not _e_codice_app(codice):
        return None
    totp = _totp(chiave)
    # One step of tolerance each way, as django-otp's own devices (a phone a few seconds off).
    if not totp.verify(int(codice), tolerance=1):
        return None
    user = request.user
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        # The code just typed may not be used again to verify a login.
        dispositivo = TOTPDevice.objects.create(
            user=user, name=NOME_APP, key=chiave, confirmed=True, last_t=totp.t()
        )
        codici = _nuovi_codici(user)
    del request.session[CHIAVE_NUOVA]
    entra(request, dispositivo)
    return codici


def _nuovi_codici(user) -> list[str]:
    dispositivo = dispositivo_codici(user)
    if dispositivo is None:
        StaticDevice.objects.filter(user=user).delete()
        dispositivo = StaticDevice.objects.create(user=user, name=NOME_CODICI, confirmed=True)
    dispositivo.token_set.all().delete()
    codici = [StaticToken.random_token() for _ in range(NUMERO_CODICI_RECUPERO)]
    StaticToken.objects.bulk_create(StaticToken(device=dispositivo, token=c) for c in codici)
    return codici


def rigenera_codici(user) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    with transaction.atomic():
        return _nuovi_codici(user)


def rimuovi(request) -> None:
    user = request.user
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    request.session[HA_DISPOSITIVO] = False
    request.session.pop(CODICI_DA_MOSTRARE, None)


def entra(request, dispositivo) -> None:
    # A session that gains rights gets a new key, as at login.
    request.session.cycle_key()
    otp_login(request, dispositivo)
    request.session[HA_DISPOSITIVO] = True


# --- Verifying --------------------------------------------------------------------------------


class CodiceRifiutato(Exception):
    """The code is wrong, or too many wrong codes came in a row: the message says which."""


def verifica(request, codice: str, *, entra=True):
    """Checks a code of the app (six digits) or a recovery code (consumed), under the lock of the
    device so that django-otp's throttling counts every attempt. With `entra`, the session is
    verified by the device that accepted it. Returns that device, or raises CodiceRifiutato."""
    user = request.user
    codice = normalizza(codice)
    with transaction.atomic():
        if _e_codice_app(codice):
            dispositivo = dispositivo_app(user, per_verifica=True)
        else:
            dispositivo = dispositivo_codici(user, per_verifica=True)
        if dispositivo is None or not codice:
            raise CodiceRifiutato(_("Codice non valido: controlla e riprova."))
        consentito, dettagli = dispositivo.verify_is_allowed()
        if not consentito:
            fino_a = (dettagli or {}).get("locked_until")
            secondi = max(1, int((fino_a - timezone.now()).total_seconds()) + 1) if fino_a else 1
            raise CodiceRifiutato(
                ngettext(
                    "Troppi codici errati di seguito: per sicurezza riprova tra %(n)s secondo.",
                    "Troppi codici errati di seguito: per sicurezza riprova tra %(n)s secondi.",
                    secondi,
                )
                % {"n": secondi}
            )
        accettato = dispositivo.verify_token(codice)
    if not accettato:
        raise CodiceRifiutato(_("Codice non valido: controlla e riprova."))
    if entra:
        entra(request, dispositivo)
    return dispositivo


def obbligatorio_in_vigore() -> bool:
    return bool(getattr(settings, "PDZ_SECONDO_FATTORE_OBBLIGATORIO", False))
