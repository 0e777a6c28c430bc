from celery import shared_task

from .models import Incontro
from .notifiche import invia_inviti, notifica_revisione


# A retry after a failure half-way through sends again to everyone, including those already
# served: harmless, since the invitation carries the same UID and SEQUENCE and calendar apps
# just refresh the event they hold. So the task only reads the meeting and sends, nothing else.
@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invia_inviti_incontro(incontro_id, aggiornamento=False):
    """Send the invitations of a meeting; call it on commit of the transaction that saved it."""
    incontro = Incontro.objects.select_related("tavolo__ambito").filter(pk=incontro_id).first()
    if incontro is None:
        return 0
    return invia_inviti(incontro, aggiornamento=aggiornamento)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notifica_verbale_in_revisione(incontro_id):
    incontro = Incontro.objects.select_related("tavolo__ambito").filter(pk=incontro_id).first()
    if incontro is None:
        return 0
    return notifica_revisione(incontro)
