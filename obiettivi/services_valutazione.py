"""Writing what was actually spent on an objective of an evaluated plan."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.traccia import istantanee, registra_modifiche

from .models import Obiettivo, SpesaEffettiva


@transaction.atomic
def salva_spese(*, obiettivo: Obiettivo, importi: dict[tuple[int, int], Decimal], utente) -> None:
    """Make the objective's spent figures exactly `importi` ((anno, fondo_id) → euro)."""
    esistenti = {(s.anno, s.fondo_id): s for s in obiettivo.spese_effettive.select_for_update()}
    # Deleted row by row by QuerySet.delete(), which auditlog sees; the bulk writes below are
    # logged by registra_modifiche.
    SpesaEffettiva.objects.filter(
        pk__in=[s.pk for chiave, s in esistenti.items() if chiave not in importi]
    ).delete()
    prima = istantanee(esistenti.values())
    nuove, cambiate = [], []
    for (anno, fondo_id), importo in importi.items():
        spesa = esistenti.get((anno, fondo_id))
        if spesa is None:
            nuove.append(
                SpesaEffettiva(
                    obiettivo=obiettivo,
                    anno=anno,
                    fondo_id=fondo_id,
                    importo=importo,
                    registrato_da=utente,
                )
            )
        elif spesa.importo != importo:
            spesa.importo, spesa.registrato_da = importo, utente
            cambiate.append(spesa)
    SpesaEffettiva.objects.bulk_create(nuove)
    # bulk_update does not run auto_now: registrato_il is set by hand, as save() would.
    adesso = timezone.now()
    for spesa in cambiate:
        spesa.registrato_il = adesso
    SpesaEffettiva.objects.bulk_update(cambiate, ["importo", "registrato_da", "registrato_il"])
    rimaste = [s for chiave, s in esistenti.items() if chiave in importi]
    registra_modifiche(prima, rimaste + nuove)
