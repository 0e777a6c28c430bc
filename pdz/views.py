import json
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import (
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseServerError,
    JsonResponse,
)
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from ambiti.permissions import ambiti_visibili
from core.limiti import oltre_il_limite

from . import health as health_checks
from .osservabilita import request_id_corrente

logger = logging.getLogger(__name__)
logger_csp = logging.getLogger("pdz.csp")

# A real report is a few hundred bytes; anything much larger is not worth reading.
CSP_REPORT_MAX_BYTES = 8 * 1024
CSP_REPORT_FIELDS = ("document-uri", "violated-directive", "effective-directive", "blocked-uri")

# When even 500.html cannot be drawn (a static file missing from the manifest, a broken
# template), the user still reads Italian.
PAGINA_500_MINIMA = (
    '<!doctype html><html lang="it"><meta charset="utf-8"><title>Errore del portale · pdz</title>'
    "<h1>Errore del portale</h1><p>Si è verificato un errore imprevisto. Riprova tra qualche "
    'minuto.</p><p><a href="/">Torna alla pagina iniziale</a></p></html>'
)


@require_GET
def home(request):
    ambiti = list(ambiti_visibili(request.user).con_totali().select_related("ente_capofila"))
    if len(ambiti) == 1:
        return redirect("cruscotto", slug=ambiti[0].slug)
    return render(request, "home.html", {"ambiti": ambiti})


@login_not_required
@never_cache
@require_GET
def health(request):
    """Liveness, for the container health check: the database and, when configured, Redis."""
    stato = health_checks.liveness()
    return JsonResponse(stato, status=200 if health_checks.all_ok(stato) else 503)


@login_not_required
@never_cache
@require_GET
def readiness(request):
    """Readiness, for a deployment or a monitor: liveness, and a Celery worker is listening."""
    stato = health_checks.readiness()
    return JsonResponse(stato, status=200 if health_checks.all_ok(stato) else 503)


@login_not_required
@csrf_exempt
@require_POST
def csp_report(request):
    """What browsers say the Content-Security-Policy blocked, logged as a warning.

    Anyone may post here (a browser sends no cookie or token with a report), so the body is
    capped in size, each client address in rate, and only a few short fields reach the log.
    """
    nessun_contenuto = HttpResponse(status=204)
    try:
        lunghezza = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        lunghezza = 0
    if not 0 < lunghezza <= CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413) if lunghezza else HttpResponse(status=400)
    chiave = f"csp-report:{request.META.get('REMOTE_ADDR', '')}"
    if oltre_il_limite(chiave, massimo=settings.CSP_REPORTS_PER_MINUTE, secondi=60):
        return nessun_contenuto
    try:
        rapporto = json.loads(request.read(CSP_REPORT_MAX_BYTES))
    except (UnicodeDecodeError, ValueError):
        return HttpResponse(status=400)
    rapporto = rapporto.get("csp-report") if isinstance(rapporto, dict) else None
    if not isinstance(rapporto, dict):
        return HttpResponse(status=400)
    logger_csp.warning(
        "CSP violation: %s",
        {campo: str(rapporto.get(campo, ""))[:200] for campo in CSP_REPORT_FIELDS},
    )
    return nessun_contenuto


def server_error(request):
    """handler500: Django's 500 page, plus the request id to quote to the help desk. Like
    Django's, the template gets a bare context, no context processors: with the database down,
    nothing in it may touch the database or the session."""
    try:
        corpo = loader.render_to_string("500.html", {"request_id": request_id_corrente()})
    except Exception:
        logger.exception("La pagina 500.html non si può disegnare")
        corpo = PAGINA_500_MINIMA
    return HttpResponseServerError(corpo)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent with an expired or missing token, most often a page left
    open past the session, or reopened from the browser's history."""
    if getattr(request, "htmx", False):
        # Plain text: static/js/pdz.js shows it in the page's alert zone.
        return HttpResponseForbidden(
            _("La pagina è scaduta: ricaricala e riprova."),
            content_type="text/plain; charset=utf-8",
        )
    provenienza = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        provenienza, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        provenienza = ""
    return render(
        request,
        "403_csrf.html",
        {"provenienza": provenienza, "senza_cookie": reason == REASON_NO_CSRF_COOKIE},
        status=403,
    )
