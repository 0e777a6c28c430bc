"""The minutes of a closed session, archived and sealed: printed once when the session closes
(assemblea.verbale), stored with their SHA-256, and signed (core.firma) as a copy next to
them, the archived file staying untouched. Run by tasks.archivia_e_firma_verbale once the
closing is committed, and by `manage.py firma_documenti` for the sessions closed before."""

import logging
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import firma

from .models import Seduta
from .verbale import verbale_pdf

logger = logging.getLogger(__name__)


def _nome(seduta: Seduta) -> str:
    return f"verbale-{seduta.pk}-{slugify(seduta.titolo)[:60]}.pdf"


def archivia_verbale(seduta_id: int) -> Seduta | None:
    """Print and store the minutes of closed session `seduta_id`, once; None if not closed."""
    seduta = Seduta.objects.filter(pk=seduta_id).first()
    if seduta is None or seduta.stato != Seduta.Stato.CHIUSA:
        return None
    if seduta.verbale:
        return seduta
    # Printed outside the lock (seconds of WeasyPrint); a closed session no longer changes, so
    # two runs print the same minutes and the first one stored is kept.
    dati = verbale_pdf(seduta)
    with transaction.atomic():
        seduta = Seduta.objects.select_for_update().get(pk=seduta_id)
        if seduta.verbale:
            return seduta
        seduta.verbale.save(_nome(seduta), ContentFile(dati), save=False)
        seduta.sha256_verbale = firma.impronta(dati)
        seduta.verbale_il = timezone.now()
        seduta.save(update_fields=["verbale", "sha256_verbale", "verbale_il"])
    logger.info("Seduta %s: verbale archiviato", seduta_id)
    return seduta


def motivo(seduta: Seduta) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Verbale dell'Assemblea dei Sindaci — %(s)s") % {"s": seduta.titolo}


def firma_verbale(seduta_id: int, *, rifai: bool = False) -> Seduta | None:
    """Sign the archived minutes of session `seduta_id`, once (`rifai` signs them again).
    None when there is nothing to sign: no seal configured, or no archived minutes."""
    if not firma.configurata():
        logger.info(
            "Seduta %s: nessun certificato di firma, il verbale resta non firmato", seduta_id
        )
        return None
    with transaction.atomic():
        seduta = Seduta.objects.select_for_update().filter(pk=seduta_id).first()
        if seduta is None or not seduta.verbale:
            return None
        if seduta.sha256_verbale_firmato and not rifai:
            return seduta
        firmato = firma.firma_originale(
            seduta.verbale, seduta.sha256_verbale, motivo=motivo(seduta)
        )
        sostituito = firma.salva_firmato(
            seduta.verbale_firmato, _nome(seduta).removesuffix(".pdf") + "-firmato.pdf", firmato
        )
        seduta.sha256_verbale_firmato = firma.impronta(firmato)
        seduta.verbale_firmato_il = timezone.now()
        seduta.save(
            update_fields=["verbale_firmato", "sha256_verbale_firmato", "verbale_firmato_il"]
        )
        if sostituito:
            transaction.on_commit(partial(seduta.verbale_firmato.storage.delete, sostituito))
    logger.info("Seduta %s: verbale firmato", seduta_id)
    return seduta


def accoda(seduta_id: int) -> None:
    """Queue the archiving and signature of the minutes; call it on commit of the closing."""
    from . import tasks

    if getattr(settings, "PDZ_TASK_IN_SFONDO", False):
        # Embedded mode (no broker, tasks eager): after the response, not inside the request
        # that closed the session (the minutes take seconds to print).
        from core.sfondo import in_sfondo

        in_sfondo(tasks.archivia_e_firma_verbale.apply, args=(seduta_id,))
        return
    tasks.archivia_e_firma_verbale.delay(seduta_id)
