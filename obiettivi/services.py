"""Operations on objectives that touch several rows at once."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.flusso import OperazioneNonAmmessa
from core.traccia import istantanee, registra_modifiche

from .calcoli import descrivi_eccedenze, riconcilia_azioni
from .models import (
    Azione,
    Disponibilita,
    Fondo,
    Indicatore,
    Obiettivo,
    Risorsa,
    RisorsaAzione,
    ValoreIndicatore,
)


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


def _allinea(modello, esistenti: dict, valori: dict, nuova, aggiorna) -> None:
    """Make the rows `esistenti` ((anno, fondo_id) → row, locked) exactly `valori`: delete the
    missing keys, create the new ones with `nuova(chiave, valore)`, change the others through
    `aggiorna(row, valore)` (the fields it changed), and log the bulk writes."""
    da_eliminare = [r.pk for chiave, r in esistenti.items() if chiave not in valori]
    # The deletion sends auditlog its signals row by row; the bulk writes below do not, so
    # their entries come from registra_modifiche.
    modello.objects.filter(pk__in=da_eliminare).delete()
    prima = istantanee(esistenti.values())
    nuove, cambiate, campi = [], [], set()
    for chiave, valore in valori.items():
        riga = esistenti.get(chiave)
        if riga is None:
            nuove.append(nuova(chiave, valore))
        elif cambiati := aggiorna(riga, valore):
            campi |= cambiati
            cambiate.append(riga)
    modello.objects.bulk_create(nuove)
    if cambiate:
        modello.objects.bulk_update(cambiate, sorted(campi))
    rimaste = [r for chiave, r in esistenti.items() if chiave in valori]
    registra_modifiche(prima, rimaste + nuove)


def _importo(riga, importo):
    if riga.importo == importo:
        return set()
    riga.importo = importo
    return {"importo"}


@transaction.atomic
def salva_disponibilita(
    *, ambito, periodo, valori: dict[tuple[int, int], tuple[Decimal, str]]
) -> None:
    """Make the ambito's available funds of the period exactly `valori`
    ((anno, fondo_id) → (euro, atto di assegnazione))."""
    esistenti = {
        (d.anno, d.fondo_id): d
        for d in Disponibilita.objects.dell_ambito(ambito, periodo).select_for_update()
    }

    def aggiorna(riga, valore):
        importo, atto = valore
        cambiati = _importo(riga, importo)
        if riga.atto != atto:
            riga.atto = atto
            cambiati.add("atto")
        return cambiati

    _allinea(
        Disponibilita,
        esistenti,
        valori,
        lambda chiave, valore: Disponibilita(
            ambito=ambito,
            periodo=periodo,
            anno=chiave[0],
            fondo_id=chiave[1],
            importo=valore[0],
            atto=valore[1],
        ),
        aggiorna,
    )


@transaction.atomic
def salva_azione(
    *, azione: Azione, importi: dict[tuple[int, int], Decimal], conferma_eccedenza: bool
) -> Azione:
    """Save the action with its euro per (anno, fondo_id). Under the lock of its objective the
    actions' sums are checked against the objective's resources again: an excess another user
    caused since the form was checked is refused unless the user confirmed one."""
    obiettivo = Obiettivo.objects.select_for_update().get(pk=azione.obiettivo_id)
    if not conferma_eccedenza:
        altre = RisorsaAzione.objects.filter(azione__obiettivo=obiettivo)
        if azione.pk:
            altre = altre.exclude(azione=azione)
        confronto = riconcilia_azioni(
            obiettivo.risorse.all(), altre, importi, fondi=Fondo.objects.all()
        )
        if eccedenze := confronto.eccedenze():
            raise OperazioneNonAmmessa(
                _("%(eccedenze)s Conferma per salvare comunque.")
                % {"eccedenze": descrivi_eccedenze(eccedenze)}
            )
    # The total keeps weighing the action's progress (calcoli.avanzamento).
    azione.risorse_assegnate = sum(importi.values(), Decimal("0")) if importi else None
    azione.save()
    esistenti = {(r.anno, r.fondo_id): r for r in azione.risorse.select_for_update()}
    _allinea(
        RisorsaAzione,
        esistenti,
        importi,
        lambda chiave, importo: RisorsaAzione(
            azione=azione, anno=chiave[0], fondo_id=chiave[1], importo=importo
        ),
        _importo,
    )
    return azione


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
