"""The frozen versions of the plan: what the Assemblea dei Sindaci reads and votes."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from accounts.permissions import check_access
from ambiti.permissions import get_ambito_for_reader

from .models import VersionePiano
from .permissions import can_edit_piano, can_view_versione


def _versione(request, slug, pk, numero, *, testo=False):
    ambito = get_ambito_for_reader(request.user, slug)
    versioni = VersionePiano.objects.select_related("piano__ambito", "piano__periodo", "creata_da")
    if not testo:
        # The frozen HTML is the whole plan: only its own page (versione_testo) reads it.
        versioni = versioni.defer("html")
    versione = get_object_or_404(
        versioni,
        piano__ambito=ambito,
        piano__pk=pk,
        numero=numero,
    )
    check_access(can_view=can_view_versione(request.user, versione))
    return ambito, versione


@require_GET
def versione(request, slug, pk, numero):
    ambito, versione = _versione(request, slug, pk, numero)
    return render(
        request,
        "piani/versione.html",
        {
            "ambito": ambito,
            "piano": versione.piano,
            "versione": versione,
            "rendering": versione.rendering.order_by("-richiesto_il").first(),
            "successiva": versione.piano.versioni.filter(numero__gt=versione.numero)
            .order_by("numero")
            .first()
            if versione.is_superata
            else None,
            "puo_riprovare": can_edit_piano(request.user, versione.piano),
        },
    )


@require_GET
def versione_testo(request, slug, pk, numero):
    """The frozen HTML itself, in a sandbox: it is the document, not a page of the portal."""
    _ambito, versione = _versione(request, slug, pk, numero, testo=True)
    risposta = HttpResponse(versione.html)
    risposta["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    return risposta
