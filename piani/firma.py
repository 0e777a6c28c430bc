"""The seal on the approved plan: the PDF the Assemblea voted, signed (core.firma) and kept next
to the original, which stays untouched. Run by tasks.firma_pdf_approvato once the approval is
committed, and by `manage.py firma_documenti` for what was approved before (or to sign again
with a new certificate)."""

import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import firma

from .models import RenderPDF, VersionePiano

logger = logging.getLogger(__name__)


def motivo(versione: VersionePiano) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "%(piano)s, versione n. %(n)s, approvata dall'Assemblea dei Sindaci: il documento "
            "votato"
        ) % {"piano": versione.piano.titolo, "n": versione.numero}


def firma_pdf_votato(versione_id: int, *, rifai: bool = False) -> RenderPDF | None:
    """Sign the voted PDF of approved version `versione_id`, once (`rifai` signs it again).

    Returns the signed rendering; None when there is nothing to sign: no seal configured, the
    version is not approved, or no PDF was printed before the vote."""
    if not firma.configurata():
        logger.info(
            "Versione %s: nessun certificato di firma, il PDF resta non firmato", versione_id
        )
        return None
    versione = VersionePiano.objects.select_related("piano").filter(pk=versione_id).first()
    if versione is None or not versione.approvata:
        return None
    votato = versione.pdf_votato
    if votato is None:
        logger.warning("Versione %s approvata senza il PDF votato: niente da firmare", versione_id)
        return None
    with transaction.atomic():
        # One signature at a time for a rendering: a redelivered task waits, then finds it done.
        render = RenderPDF.objects.select_for_update().get(pk=votato.pk)
        if render.sha256_firmato and not rifai:
            return render
        firmato = firma.firma_originale(render.file, render.sha256_pdf, motivo=motivo(versione))
        nome = render.file.name.rsplit("/", 1)[-1].removesuffix(".pdf") + "-firmato.pdf"
        sostituito = firma.salva_firmato(render.file_firmato, nome, firmato)
        render.sha256_firmato = firma.impronta(firmato)
        render.firmato_il = timezone.now()
        render.save(update_fields=["file_firmato", "sha256_firmato", "firmato_il"])
        if sostituito:
            transaction.on_commit(partial(render.file_firmato.storage.delete, sostituito))
    logger.info("Versione %s: PDF votato firmato (rendering %s)", versione_id, render.pk)
    return render


def accoda_firma(versione_id: int) -> None:
    """Queue the signature of an approved version; call it on commit of the approval."""
    from . import tasks

    if getattr(settings, "PDZ_TASK_IN_SFONDO", False):
        # Embedded mode (no broker, tasks eager): after the response, like the PDF itself, so
        # that a slow timestamping service never holds up the page that recorded the vote.
        from core.sfondo import in_sfondo

        in_sfondo(tasks.firma_pdf_approvato.apply, args=(versione_id,))
        return
    tasks.firma_pdf_approvato.delay(versione_id)
