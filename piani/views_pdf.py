"""The plan's PDF in the browser: ask for it, watch it being made, download it, retry it.

The page never waits for the rendering: `genera` queues it and answers at once with the status
fragment, which polls `stato` every second (htmx) until the rendering is finished.

Who: the Ufficio di Piano of the ambito asks for the draft's PDF, retries failed renderings and
reads all of them; the sindaci and delegati and the participating enti of the ambito read the
PDFs of the frozen versions (the sindaci vote on those) and never learn that a draft's rendering
exists (404).
"""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import check_access
from ambiti.permissions import get_ambito_for_manager, get_ambito_for_reader
from core.flusso import OperazioneNonAmmessa

from . import rendering
from .models import Piano, RenderPDF
from .permissions import can_edit_piano, can_view_versione


def _renderings(ambito, pk):
    return RenderPDF.objects.select_related("piano__ambito", "piano__periodo", "versione").filter(
        piano__ambito=ambito, piano__pk=pk
    )


def _puo_leggere(user, render) -> bool:
    if render.versione_id:
        render.versione.piano = render.piano
        return can_view_versione(user, render.versione)
    return can_edit_piano(user, render.piano)


def _render_per_lettore(request, slug, pk, rpk) -> RenderPDF:
    ambito = get_ambito_for_reader(request.user, slug)
    render_pdf = _renderings(ambito, pk).filter(pk=rpk).first()
    check_access(can_view=render_pdf is not None and _puo_leggere(request.user, render_pdf))
    return render_pdf


def _contesto(request, render_pdf):
    piano = render_pdf.piano
    return {
        "ambito": piano.ambito,
        "piano": piano,
        "render": render_pdf,
        "puo_riprovare": can_edit_piano(request.user, piano),
    }


def _risposta_stato(request, render_pdf):
    if request.htmx:
        return render(request, "piani/_stato_pdf.html#stato", _contesto(request, render_pdf))
    return redirect(
        "piani_pdf:stato",
        slug=render_pdf.piano.ambito.slug,
        pk=render_pdf.piano_id,
        rpk=render_pdf.pk,
    )


@require_POST
def genera(request, slug, pk):
    ambito = get_ambito_for_manager(request.user, slug)
    piano = get_object_or_404(
        Piano.objects.select_related("ambito", "periodo"), ambito=ambito, pk=pk
    )
    render_pdf = rendering.richiedi_pdf(piano=piano, utente=request.user)
    return _risposta_stato(request, render_pdf)


@require_GET
def stato(request, slug, pk, rpk):
    render_pdf = _render_per_lettore(request, slug, pk, rpk)
    if rendering.segna_bloccati(RenderPDF.objects.filter(pk=render_pdf.pk)):
        render_pdf.refresh_from_db()
    if request.htmx:
        return render(request, "piani/_stato_pdf.html#stato", _contesto(request, render_pdf))
    return render(request, "piani/stato_pdf.html", _contesto(request, render_pdf))


@require_POST
def riprova(request, slug, pk, rpk):
    ambito = get_ambito_for_manager(request.user, slug)
    render_pdf = get_object_or_404(_renderings(ambito, pk), pk=rpk)
    try:
        render_pdf = rendering.riprova(render_pdf, request.user)
    except OperazioneNonAmmessa as errore:
        # A second click, or a rendering that went through meanwhile: show where it stands.
        if not request.htmx:
            messages.info(request, str(errore))
    return _risposta_stato(request, render_pdf)


@require_GET
def scarica(request, slug, pk, rpk):
    render_pdf = _render_per_lettore(request, slug, pk, rpk)
    if render_pdf.stato != RenderPDF.Stato.COMPLETATO or not render_pdf.file:
        raise Http404
    try:
        file = render_pdf.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    risposta = FileResponse(
        file,
        as_attachment=True,
        filename=rendering.nome_file(render_pdf),
        content_type="application/pdf",
    )
    risposta["Cache-Control"] = "private, no-store"
    return risposta
