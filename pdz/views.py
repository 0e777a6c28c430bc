from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.permissions import ambiti_visibili

from . import health as health_checks


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
