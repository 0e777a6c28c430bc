from celery import shared_task

from .notifiche import evento_per_rettifica, invia_convocazione, invia_rettifica, seduta_per_invio


# A retry after a failure half-way through sends again to everyone, including those already
# served: harmless, since the invitation keeps its UID and SEQUENCE and calendar apps just refresh
# the event they hold. So the task only reads the session and sends, nothing else.
@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invia_convocazione_seduta(seduta_id, nuovo_invio=False):
    """Send the convocation of a session; call it on commit of the transaction that ordered it."""
    seduta = seduta_per_invio(seduta_id)
    if seduta is None:
        return 0
    return invia_convocazione(seduta, nuovo_invio=nuovo_invio)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notifica_rettifica_voto(evento_id):
    """Tell the comune's sindaco that the secretary corrected its online ballot; on commit."""
    evento = evento_per_rettifica(evento_id)
    if evento is None:
        return 0
    return invia_rettifica(evento)
