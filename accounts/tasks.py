from celery import shared_task

from .models import Ruolo


@shared_task
def chiudi_ruoli_scaduti() -> int:
    """Marks as revoked the roles whose end date has passed. Access already stopped at the end
    date (Ruolo.objects.attivi() reads the dates); this keeps the flag, the constraints and the
    audit trail in step with them. Saved one by one so the audit trail records each. Idempotent."""
    chiusi = 0
    for ruolo in Ruolo.objects.scaduti():
        ruolo.attivo = False
        ruolo.save(update_fields=["attivo"])
        chiusi += 1
    return chiusi
