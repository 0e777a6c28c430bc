"""Failed logins: three limits, so that guessing is slow and no one can lock a sindaco out.

django-axes records every failed login (one AccessAttempt row per username, address and
browser) and every successful one (AccessLog). On those records:

(a) one username from one address: after AXES_FAILURE_LIMIT failures that pair is locked out
    for AXES_COOLOFF_TIME (axes itself). Only the guessing address is hurt.
(b) one address across usernames (credential stuffing): after PDZ_LOGIN_ADDRESS_FAILURE_LIMIT
    failures the address is locked out for AXES_COOLOFF_TIME.
(c) one username across addresses (a password guessed from many machines): never a lock, a
    delay. After PDZ_LOGIN_USER_FAILURE_LIMIT failures each further attempt waits 2^k seconds
    from the last failure, at most PDZ_LOGIN_MAX_DELAY; a correct password within the delay is
    refused too (else the delay would not slow anyone), and refused attempts are not failures,
    so hammering does not extend it; when the delay is over one attempt goes ahead, not a burst. Addresses the user has already signed in from are exempt:
    the sindaco at her desk signs in while someone elsewhere tries her name. A successful login
    starts the count afresh; the Ufficio di Piano lifts (a) and (c) for its ambito's users.

Both checks run in an authentication backend, so the admin's login form is held to them too.
The records live in the database, shared by every web process and visible in the axes admin.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.forms.utils import ErrorDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

from .forms import LoginForm
from .models import SbloccoAccessi


@dataclass(frozen=True)
class Limite:
    """Why a login is refused now, and until when."""

    motivo: str  # "utente_indirizzo", "indirizzo" or "utente"
    fino_a: datetime

    @property
    def secondi(self) -> int:
        return max(1, math.ceil((self.fino_a - timezone.now()).total_seconds()))


def _finestra():
    return timezone.now() - get_cool_off()


def _fallimenti(tentativi):
    riepilogo = tentativi.filter(attempt_time__gte=_finestra()).aggregate(
        numero=Sum("failures_since_start"), ultimo=Max("attempt_time")
    )
    return riepilogo["numero"] or 0, riepilogo["ultimo"]


def blocco_utente_indirizzo(username, indirizzo) -> Limite | None:
    numero, ultimo = _fallimenti(
        AccessAttempt.objects.filter(username=username, ip_address=indirizzo)
    )
    if numero >= settings.AXES_FAILURE_LIMIT:
        return Limite("utente_indirizzo", ultimo + get_cool_off())
    return None


def blocco_indirizzo(indirizzo) -> Limite | None:
    numero, ultimo = _fallimenti(AccessAttempt.objects.filter(ip_address=indirizzo))
    if numero >= settings.PDZ_LOGIN_ADDRESS_FAILURE_LIMIT:
        return Limite("indirizzo", ultimo + get_cool_off())
    return None


def indirizzo_noto(username, indirizzo) -> bool:
    giorni = timedelta(days=settings.PDZ_LOGIN_KNOWN_ADDRESS_DAYS)
    return AccessLog.objects.filter(
        username=username, ip_address=indirizzo, attempt_time__gte=timezone.now() - giorni
    ).exists()


def fine_attesa(username, indirizzo) -> tuple[datetime, datetime] | None:
    """For (c): when the delay due after the last failure ends, and that failure's time; None
    when the username is under the limit or the address is one its owner signs in from."""
    if not username or indirizzo_noto(username, indirizzo):
        return None
    tentativi = AccessAttempt.objects.filter(username=username)
    ultimo_accesso = AccessLog.objects.filter(username=username).aggregate(Max("attempt_time"))
    if ultimo_accesso["attempt_time__max"]:
        tentativi = tentativi.filter(attempt_time__gt=ultimo_accesso["attempt_time__max"])
    numero, ultimo = _fallimenti(tentativi)
    oltre = numero - settings.PDZ_LOGIN_USER_FAILURE_LIMIT
    if oltre < 0:
        return None
    massimo = settings.PDZ_LOGIN_MAX_DELAY.total_seconds()
    return ultimo + timedelta(seconds=min(2 ** min(oltre, 30), massimo)), ultimo


def attesa_utente(username, indirizzo) -> Limite | None:
    """The growing delay of (c), or None when this attempt may go ahead."""
    attesa = fine_attesa(username, indirizzo)
    if attesa is None:
        return None
    fino_a, ultimo = attesa
    if fino_a > timezone.now():
        return Limite("utente", fino_a)
    # The delay is over: one attempt may go ahead, not a burst of them sent in parallel. The
    # first to take the slot opened by the last failure wins (an atomic add, in Redis across
    # all web processes); the others are told to wait a second.
    posto = f"pdz-accesso-posto:{username}:{ultimo.timestamp()}"
    durata = int(settings.PDZ_LOGIN_MAX_DELAY.total_seconds()) + 1
    if not cache.add(posto, True, timeout=durata):
        return Limite("utente", timezone.now() + timedelta(seconds=1))
    return None


class ThrottlingBackend:
    """Refuses, before any password is checked, a login that limit (b) or (c) holds back.

    Listed after axes' backend, which enforces (a). Refusing raises PermissionDenied, which
    Django's authenticate() turns into a failed login; flagging the request as locked out tells
    axes not to count it (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False) and to answer
    with risposta_blocco."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        indirizzo = get_client_ip_address(request)
        limite = blocco_indirizzo(indirizzo) or attesa_utente(username, indirizzo)
        if limite is not None:
            request.pdz_limite = limite
            request.axes_locked_out = True
            raise PermissionDenied
        return None


def risposta_blocco(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: say in Italian what is held back and until when (429)."""
    limite = getattr(request, "pdz_limite", None)
    username = get_client_username(request, credentials)
    if limite is None:
        limite = blocco_utente_indirizzo(username, get_client_ip_address(request)) or Limite(
            "utente_indirizzo", timezone.now() + get_cool_off()
        )
    if limite.motivo == "utente":
        # A delay, not a lock: the login form again, with the wait next to it.
        form = LoginForm(request, data=request.POST)
        # Marked as validated: validating it would authenticate once more.
        form._errors, form.cleaned_data = ErrorDict(), {}
        form.add_error(
            None,
            ngettext(
                "Troppi tentativi per questo utente: riprova tra %(n)s secondo.",
                "Troppi tentativi per questo utente: riprova tra %(n)s secondi.",
                limite.secondi,
            )
            % {"n": limite.secondi},
        )
        return render(request, "registration/login.html", {"form": form}, status=429)
    return render(
        request,
        "registration/lockout.html",
        {
            "per_indirizzo": limite.motivo == "indirizzo",
            "fino_a": timezone.localtime(limite.fino_a),
            "minuti": math.ceil(limite.secondi / 60),
        },
        status=429,
    )


# --- The Ufficio di Piano lifts the limits of its ambito's users -------------------------------


def tentativi_recenti():
    """Per username, the failed logins still counted: how many, from how many addresses (one is
    likely the owner mistyping, many an attack) and the last one."""
    righe = (
        AccessAttempt.objects.filter(attempt_time__gte=_finestra())
        .values("username")
        .annotate(
            fallimenti=Sum("failures_since_start"),
            indirizzi=Count("ip_address", distinct=True),
            ultimo=Max("attempt_time"),
        )
    )
    return {r.pop("username"): r for r in righe}


@transaction.atomic
def sblocca_accessi(*, utente, ambito, sbloccato_da) -> int:
    """Forget the user's failed logins from every address: (a) and (c) end now. The address
    limit (b) stays, since it is about a machine, not a person; the administrator lifts it."""
    rimossi, _dettaglio = AccessAttempt.objects.filter(username=utente.get_username()).delete()
    SbloccoAccessi.objects.create(
        utente=utente, ambito=ambito, sbloccato_da=sbloccato_da, tentativi_rimossi=rimossi
    )
    return rimossi
