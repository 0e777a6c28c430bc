"""The portal's URLs plus a few views that fail on purpose, for the error pages, the reports and
the logs (pytest.mark.urls("tests.pdz.urls_errori"))."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpResponse
from django.urls import path

from pdz.urls import handler500
from pdz.urls import urlpatterns as portale

__all__ = ["handler500", "urlpatterns"]

logger = logging.getLogger("tests.viste")


@login_not_required
def esplode(request):
    # Named like the secrets a real view holds, so that a report or an event that kept the
    # frame's variables would show them.
    password = request.POST.get("password")  # noqa: F841
    codice = request.POST.get("codice") or request.GET.get("codice")  # noqa: F841
    scelta = request.POST.get("scelta")  # noqa: F841
    raise RuntimeError("guasto di prova")


@login_not_required
def sospetta(request):
    raise SuspiciousOperation("intestazione manomessa")


def vietata(request, slug):
    raise PermissionDenied("Solo l'Ufficio di Piano può chiudere questa seduta.")


def registra(request, slug):
    logger.info("Dentro la vista", extra={"dati": {"password": "parola-nel-registro", "n": 3}})
    return HttpResponse("ok")


urlpatterns = [
    path("prova/esplode/", esplode),
    path("prova/sospetta/", sospetta),
    path("ambiti/<slug:slug>/prova/vietata/", vietata),
    path("ambiti/<slug:slug>/prova/registra/", registra),
    *portale,
]
