from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.permissions import ambiti_visibili


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
