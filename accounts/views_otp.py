"""The second factor's pages: set it up, see the recovery codes once, regenerate them, remove it
(/account/sicurezza/...), and complete a password login with a code (/account/verifica/).

Every page is the user's own: there is nobody else's device to reach, so no ambito check. The
pages that change the factor ask for proof of it: removing it takes a current code, regenerating
the codes a session already verified by it.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import otp
from .forms_otp import AttivazioneForm, CodiceForm


def _prossima(request) -> str:
    """Where to go once done: the page the user was sent away from, if it is one of ours."""
    prossima = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        prossima, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return prossima
    return reverse(settings.LOGIN_REDIRECT_URL)


def _con_prossima(nome, request, prossima=None) -> str:
    """The URL of `nome`, passing on where to go afterwards."""
    prossima = prossima or request.POST.get("next") or request.GET.get("next")
    url = reverse(nome)
    if prossima and url_has_allowed_host_and_scheme(
        prossima, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        url += "?" + urlencode({"next": prossima})
    return url


def _obbligato(user) -> bool:
    return otp.obbligatorio_in_vigore() and otp.obbligato(user)


def _pagina_attivo(request, app, form_rimuovi, status=200):
    contesto = {
        "app": app,
        "codici_rimasti": otp.codici_rimasti(request.user),
        "verificato": request.user.is_verified(),
        "form_rimuovi": form_rimuovi,
        "obbligato": _obbligato(request.user),
    }
    return render(request, "accounts/otp_sicurezza.html", contesto, status=status)


@never_cache
@sensitive_post_parameters("codice")
@require_http_methods(["GET", "POST"])
def sicurezza(request):
    """With no app yet: the QR code, the key in text and the first code that confirms it. With
    one: its state, the recovery codes left, and the actions on them."""
    user = request.user
    app = otp.dispositivo_app(user)
    if app is not None:
        return _pagina_attivo(request, app, CodiceForm(request=request, prefix="rimuovi"))
    form = AttivazioneForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        request.session[otp.CODICI_DA_MOSTRARE] = form.codici
        messages.success(
            request,
            _("Secondo fattore attivato: da ora, dopo la password, ti chiederemo un codice."),
        )
        return redirect(_con_prossima("accounts:otp-codici", request))
    chiave = otp.chiave_in_preparazione(request)
    contesto = {
        "form": form,
        "qr": otp.qr_svg(
            otp.url_configurazione(user, chiave),
            _("Codice QR da inquadrare con l'app di autenticazione"),
        ),
        "segreto": otp.segreto_leggibile(chiave),
        "obbligato": _obbligato(user),
        "next": request.GET.get("next") or request.POST.get("next") or "",
    }
    return render(request, "accounts/otp_attiva.html", contesto)


@never_cache
@require_GET
def codici(request):
    """The recovery codes, shown this once: the session forgets them as the page is drawn."""
    da_mostrare = request.session.pop(otp.CODICI_DA_MOSTRARE, None)
    if da_mostrare is None:
        return redirect("accounts:sicurezza")
    return render(
        request,
        "accounts/otp_codici.html",
        {"codici": da_mostrare, "prossima": _prossima(request)},
    )


@require_POST
def rigenera(request):
    if otp.dispositivo_app(request.user) is None:
        return redirect("accounts:sicurezza")
    if not request.user.is_verified():
        messages.info(request, _("Per rigenerare i codici conferma prima l'accesso con un codice."))
        return redirect(
            _con_prossima("accounts:otp-verifica", request, reverse("accounts:sicurezza"))
        )
    request.session[otp.CODICI_DA_MOSTRARE] = otp.rigenera_codici(request.user)
    messages.success(request, _("Nuovi codici di recupero generati: i precedenti non valgono più."))
    return redirect("accounts:otp-codici")


@sensitive_post_parameters("rimuovi-codice")
@require_POST
def rimuovi(request):
    app = otp.dispositivo_app(request.user)
    if app is None:
        return redirect("accounts:sicurezza")
    form = CodiceForm(request.POST, request=request, prefix="rimuovi")
    if not form.is_valid():
        return _pagina_attivo(request, app, form, status=400)
    otp.rimuovi(request)
    messages.success(
        request,
        _("Secondo fattore rimosso: l'app e i codici di recupero non valgono più."),
    )
    return redirect("accounts:sicurezza")


@never_cache
@sensitive_post_parameters("codice")
@require_http_methods(["GET", "POST"])
def verifica(request):
    """After the password: a code of the app or a recovery code (each used once)."""
    if request.user.is_verified():
        return redirect(_prossima(request))
    if otp.dispositivo_app(request.user) is None:
        # Removed from another session: nothing to verify with.
        request.session[otp.HA_DISPOSITIVO] = False
        return redirect(_con_prossima("accounts:sicurezza", request))
    form = CodiceForm(request.POST or None, request=request)
    form.fields["codice"].widget.attrs["autofocus"] = True
    if request.method == "POST" and form.is_valid():
        otp.entra(request, form.dispositivo)
        if otp.e_codice_di_recupero(form.dispositivo):
            rimasti = form.dispositivo.token_set.count()
            messages.warning(
                request,
                ngettext(
                    "Hai usato un codice di recupero: te ne resta %(n)s. Generane di nuovi "
                    "dalla pagina Sicurezza dell'account.",
                    "Hai usato un codice di recupero: te ne restano %(n)s. Se hai perso il "
                    "telefono, generane di nuovi dalla pagina Sicurezza dell'account.",
                    rimasti,
                )
                % {"n": rimasti},
            )
        return redirect(_prossima(request))
    return render(
        request,
        "accounts/otp_verifica.html",
        {"form": form, "next": request.GET.get("next") or request.POST.get("next") or ""},
        status=400 if form.is_bound else 200,
    )
