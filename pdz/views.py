import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponseForbidden, HttpResponseServerError, JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.permissions import ambiti_visibili

from .osservabilita import request_id_corrente

logger = logging.getLogger(__name__)

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
        return redirect("ambiti:dashboard", slug=ambiti[0].slug)
    return render(request, "home.html", {"ambiti": ambiti})


@login_not_required
@never_cache
@require_GET
def health(request):
    """For the load balancer and docker-compose: the database and, when configured, Redis."""
    status = {"database": "ok"}
    code = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        status["database"] = "errore"
        code = 503
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            status["redis"] = "ok"
        except redis.RedisError:
            status["redis"] = "errore"
            code = 503
    return JsonResponse(status, status=code)


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
