"""The e-mail queue's periodic job: the failed sends are tried again, and the queued ones sent."""

import datetime
import logging

from celery import shared_task
from django.core.cache import cache
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from post_office.mail import send_queued
from post_office.models import STATUS, Email
from post_office.settings import get_max_retries, get_retry_timedelta

logger = logging.getLogger(__name__)

# Two runs at once (a slow batch overlapping the next beat) would send the same message twice.
CHIAVE_BLOCCO = "pdz:posta-in-coda"
DURATA_BLOCCO = 600
# Longer than any sending on one connection takes: a message still without a status after this
# was being sent by a process that died, and goes back to the queue.
INVIO_INTERROTTO = datetime.timedelta(hours=1)


def rimetti_in_coda() -> int:
    """Failed messages with attempts left, past the retry interval, go back to the queue; so do
    those a dead process left without a status.

    A message sent at once ("now") that fails is recorded failed by post_office, which retries
    only what it queued itself: this gives those their MAX_RETRIES too.
    """
    adesso = timezone.now()
    limite = adesso - get_retry_timedelta()
    # A message recorded but never given a status: the process that was sending it died.
    interrotti = Q(status__isnull=True, created__lte=adesso - INVIO_INTERROTTO)
    return Email.objects.filter(
        Q(number_of_retries__isnull=True) | Q(number_of_retries__lt=get_max_retries()),
        (Q(status=STATUS.failed) & Q(last_updated__lte=limite)) | interrotti,
    ).update(
        status=STATUS.requeued,
        scheduled_time=None,
        # The attempt is counted here, so that MAX_RETRIES bounds these too.
        number_of_retries=Coalesce(F("number_of_retries"), 0) + 1,
        last_updated=timezone.now(),
    )


@shared_task
def invia_posta_in_coda() -> int:
    """Requeue the failed messages that may be retried, then send the queue; idempotent."""
    if not cache.add(CHIAVE_BLOCCO, 1, DURATA_BLOCCO):
        logger.info("Coda della posta: un altro invio è in corso")
        return 0
    try:
        rimetti_in_coda()
        inviati, _falliti, _rimessi = send_queued(processes=1)
        return inviati
    finally:
        cache.delete(CHIAVE_BLOCCO)


@shared_task
def battito() -> str:
    """A job that only says it ran: the production stack's test schedules it to see beat and the
    worker at work (settings PDZ_BEAT_PROVA_SECONDI)."""
    logger.info("Battito del pianificatore: il worker esegue i lavori periodici")
    return "battito"
