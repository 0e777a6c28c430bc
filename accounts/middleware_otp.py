"""A password login is complete only with the second factor, where one is due.

After OTPMiddleware (which reads the session's verified device). When the setting
PDZ_SECONDO_FATTORE_OBBLIGATORIO is on (the default without DEBUG), a signed-in user whose
session is not strong (accounts.otp.accesso_forte: SPID/CIE level 2 or a verified device) is
sent:
- to /account/verifica/ if she has an authenticator app: whoever set one up is asked for it,
  whatever her roles;
- to /account/sicurezza/ to set one up if she is Ufficio di Piano staff or an administrator.
Everyone else passes. Until then only those two pages, the logout, the static files, the
CSP reports and the public pages (/pubblico/) answer; the Django admin is covered like any other page.

A middleware rather than a wrapper around the login view's redirect: the same rule must hold
after every way in (the login form, the admin's login form, a level-1 SPID login, a session that
predates the rule or a role granted while signed in) and on every later request, not only on
the page the login redirects to. The login view stays Django's own.
"""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from . import otp


class SecondoFattoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.PDZ_SECONDO_FATTORE_OBBLIGATORIO:
            risposta = self._rimanda(request)
            if risposta is not None:
                return risposta
        return self.get_response(request)

    def _rimanda(self, request):
        user = request.user
        if not user.is_authenticated or self._libera(request.path_info):
            return None
        if otp.accesso_forte(request):
            return None
        if otp.ha_dispositivo(request):
            destinazione = "accounts:otp-verifica"
        elif otp.obbligato(user):
            # Rare, so the database is asked: an app set up in another session since.
            if otp.ha_dispositivo(request, rileggi=True):
                destinazione = "accounts:otp-verifica"
            else:
                destinazione = "accounts:sicurezza"
        else:
            return None
        url = reverse(destinazione)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            # An htmx fragment would draw the verification page inside the page: go there.
            risposta = HttpResponse(status=204)
            risposta["HX-Redirect"] = url
            return risposta
        return redirect(url)

    @staticmethod
    def _libera(percorso: str) -> bool:
        liberi = (
            reverse("accounts:sicurezza"),
            reverse("accounts:otp-verifica"),
            reverse("accounts:logout"),
            reverse("csp-report"),
            # A SPID/CIE login (the identity provider's POST to the ACS) replaces a weak
            # session, and a level-1 SPID session must be able to log out there.
            "/spid/",
            settings.STATIC_URL,
            # The public pages are everyone's, a half-finished login included.
            "/pubblico/",
        )
        return percorso.startswith(liberi)
