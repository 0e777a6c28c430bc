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


@shared_task
def invia_riepiloghi() -> int:
    """The daily digest: one message per person with the reminders she asked to receive that
    way (accounts.notifiche), those recorded before the last digest hour (PDZ_RIEPILOGO_ORA,
    Europe/Rome): run at any time, or many times, it sends a day's reminders once, the morning
    after. Each person's waiting reminders are taken under their lock and marked sent with the
    message, so a second run finds none. Returns the messages sent."""
    import datetime

    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from core.calendario import ROMA

    from .models import Frequenza, Notifica
    from .notifiche import invia_riepilogo

    adesso = timezone.localtime(timezone.now(), ROMA)
    ultimo = adesso.replace(hour=settings.PDZ_RIEPILOGO_ORA, minute=0, second=0, microsecond=0)
    if ultimo > adesso:
        ultimo -= datetime.timedelta(days=1)
    in_attesa = Notifica.objects.filter(
        frequenza=Frequenza.RIEPILOGO, inviata_il=None, creata_il__lt=ultimo
    )
    inviati = 0
    for utente_id in in_attesa.values_list("utente_id", flat=True).distinct().order_by():
        with transaction.atomic():
            voci = list(
                in_attesa.select_for_update()
                .filter(utente_id=utente_id)
                .select_related("utente")
                .order_by("creata_il", "pk")
            )
            if not voci:
                continue
            Notifica.objects.filter(pk__in=[v.pk for v in voci]).update(inviata_il=timezone.now())
            utente = voci[0].utente
        if utente.is_active and utente.email:
            inviati += invia_riepilogo(utente, voci)
    return inviati
