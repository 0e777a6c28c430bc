"""Operations on objectives that touch several rows at once."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.traccia import istantanee, registra_modifiche

from .models import Azione, Indicatore, Obiettivo, Risorsa, ValoreIndicatore


@transaction.atomic
def salva_risorse(*, obiettivo: Obiettivo, importi: dict[tuple[int, int], Decimal]) -> None:
    """Make the objective's resource lines exactly `importi` ((anno, fondo_id) → euro)."""
    esistenti = {(r.anno, r.fondo_id): r for r in obiettivo.risorse.select_for_update()}
    da_eliminare = [r.pk for chiave, r in esistenti.items() if chiave not in importi]
    # The deletion sends auditlog its signals row by row; the bulk writes below do not, so
    # their entries come from registra_modifiche.
    Risorsa.objects.filter(pk__in=da_eliminare).delete()
    prima = istantanee(esistenti.values())
    nuove, cambiate = [], []
    for (anno, fondo_id), importo in importi.items():
        risorsa = esistenti.get((anno, fondo_id))
        if risorsa is None:
            nuove.append(
                Risorsa(obiettivo=obiettivo, anno=anno, fondo_id=fondo_id, importo=importo)
            )
        elif risorsa.importo != importo:
            risorsa.importo = importo
            cambiate.append(risorsa)
    Risorsa.objects.bulk_create(nuove)
    Risorsa.objects.bulk_update(cambiate, ["importo"])
    rimaste = [r for chiave, r in esistenti.items() if chiave in importi]
    registra_modifiche(prima, rimaste + nuove)


@transaction.atomic
def salva_indicatore(*, indicatore: Indicatore, target: dict[int, Decimal]) -> Indicatore:
    indicatore.save()
    indicatore.valori.filter(tipo=ValoreIndicatore.Tipo.TARGET).exclude(anno__in=target).delete()
    for anno, valore in target.items():
        ValoreIndicatore.objects.update_or_create(
            indicatore=indicatore,
            tipo=ValoreIndicatore.Tipo.TARGET,
            anno=anno,
            defaults={"valore": valore},
        )
    return indicatore


def registra_misura(*, indicatore: Indicatore, anno: int, valore: Decimal, nota: str, utente):
    misura, _creata = ValoreIndicatore.objects.update_or_create(
        indicatore=indicatore,
        tipo=ValoreIndicatore.Tipo.MISURA,
        anno=anno,
        defaults={"valore": valore, "nota": nota, "registrato_da": utente},
    )
    return misura


def aggiorna_avanzamento(*, azione: Azione, avanzamento: int, nota: str) -> Azione:
    azione.avanzamento = avanzamento
    azione.nota_avanzamento = nota
    azione.avanzamento_aggiornato_il = timezone.now()
    azione.save(update_fields=["avanzamento", "nota_avanzamento", "avanzamento_aggiornato_il"])
    return azione
