"""Operations on tables and meetings that span rows or carry a rule."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import check_access
from core.flusso import (
    ConflittoDiVersione,
    OperazioneNonAmmessa,
    blocca,
    nuova_versione,
    passa_di_stato,
)
from core.traccia import istantanee, registra_modifiche

from .models import (
    Allegato,
    BozzaLocale,
    Commento,
    Esito,
    Incontro,
    Membro,
    Presenza,
    RevisioneVerbale,
    Tavolo,
    Transizione,
)
from .permissions import can_approve_verbale, can_publish_tavoli

Stato = Incontro.Stato


@dataclass
class ConflittoVerbale(ConflittoDiVersione):
    """Someone saved the minutes after this user opened them."""


def _transizione(incontro, *, da, a, utente, nota=""):
    Transizione.objects.create(
        incontro=incontro,
        da_stato=da,
        a_stato=a,
        revisione=incontro.revisione,
        utente=utente,
        nota=nota,
    )


# --- Membership and the table's calendar feed ----------------------------------------------------
# The feed URL is the only credential a calendar app has: whoever leaves the table must lose it,
# so every removal renews the token. Those still at the table find the new URL on its page.


def _blocca_tavolo(tavolo) -> Tavolo:
    return Tavolo.objects.select_for_update().get(pk=tavolo.pk)


def _persone_del_tavolo(tavolo) -> set[int]:
    coordinatori = Tavolo.coordinatori.through.objects.filter(tavolo_id=tavolo.pk)
    operatori = Tavolo.operatori.through.objects.filter(tavolo_id=tavolo.pk)
    return set(coordinatori.values_list("user_id", flat=True)) | set(
        operatori.values_list("user_id", flat=True)
    )


@transaction.atomic
def rinnova_calendario_tavolo(*, tavolo: Tavolo) -> str:
    """A new feed URL for the table; the old one answers 404 from now on."""
    return _blocca_tavolo(tavolo).rinnova_token_calendario()


@transaction.atomic
def rimuovi_membro(*, membro: Membro) -> str:
    """Take a member off the table and renew its feed URL; returns the new token."""
    tavolo = _blocca_tavolo(membro.tavolo)
    if membro.presenze.exists():
        raise OperazioneNonAmmessa(
            _("%(membro)s risulta presente a un incontro: non può essere tolto dal tavolo.")
            % {"membro": membro}
        )
    membro.delete()
    return tavolo.rinnova_token_calendario()


@transaction.atomic
def aggiorna_tavolo(*, form) -> bool:
    """Save a valid TavoloForm of an existing table. Whoever is no longer among its coordinators
    or operators loses the feed: returns whether its URL was renewed."""
    bloccato = _blocca_tavolo(form.instance)
    prima = _persone_del_tavolo(bloccato)
    # The form's copy of the row was read before the lock: keep the token as it is now.
    form.instance.token_calendario = bloccato.token_calendario
    form.instance.pubblico = bloccato.pubblico
    tavolo = form.save()
    if prima - _persone_del_tavolo(tavolo):
        tavolo.rinnova_token_calendario()
        return True
    return False


# --- Meetings -------------------------------------------------------------------------------------


@transaction.atomic
def programma_incontro(*, incontro: Incontro, utente, invia_inviti: bool = True) -> Incontro:
    incontro.creato_da = utente
    incontro.save()
    if invia_inviti:
        from .tasks import invia_inviti_incontro

        transaction.on_commit(lambda: invia_inviti_incontro.delay(incontro.pk))
    return incontro


# What the meeting's form edits: the minutes and their state are never written from a copy read
# before the lock.
DATI_INCONTRO = ("titolo", "inizio", "fine", "luogo", "link_online", "ordine_del_giorno")


@transaction.atomic
def aggiorna_incontro(*, incontro: Incontro, invia_inviti: bool = True) -> Incontro:
    """Changes to date, place or agenda go out as an update of the same calendar event. They are
    printed in the approved minutes: locked with them."""
    attuale = blocca(incontro)
    verifica_modificabile(attuale)
    incontro.sequenza_ics = attuale.sequenza_ics + 1
    incontro.save(update_fields=[*DATI_INCONTRO, "sequenza_ics"])
    if invia_inviti:
        from .tasks import invia_inviti_incontro

        transaction.on_commit(lambda: invia_inviti_incontro.delay(incontro.pk, aggiornamento=True))
    return incontro


@transaction.atomic
def salva_verbale(*, incontro: Incontro, testo: str, versione_letta: int, utente) -> Incontro:
    attuale = blocca(incontro)
    verifica_modificabile(attuale)

    def conflitto():
        ultima = attuale.revisioni.select_related("autore").first()
        return ConflittoVerbale(
            testo_attuale=attuale.verbale,
            versione_attuale=attuale.versione,
            autore=str(ultima.autore) if ultima and ultima.autore else _("un altro utente"),
            testo_proposto=testo,
        )

    if nuova_versione(
        attuale, versione_letta=versione_letta, valori={"verbale": testo}, conflitto=conflitto
    ):
        attuale.save(update_fields=["verbale", "versione"])
        RevisioneVerbale.objects.create(
            incontro=attuale,
            revisione=attuale.revisione,
            versione=attuale.versione,
            testo=testo,
            autore=utente,
        )
    BozzaLocale.objects.filter(incontro=attuale, utente=utente).delete()
    return attuale


@transaction.atomic
def salva_bozza(*, incontro: Incontro, testo: str, versione_base: int, utente) -> BozzaLocale:
    if blocca(incontro).is_bloccato:
        raise OperazioneNonAmmessa(_("Il verbale è approvato e bloccato."))
    bozza, _creata = BozzaLocale.objects.update_or_create(
        incontro=incontro,
        utente=utente,
        defaults={"testo": testo, "versione_base": versione_base},
    )
    return bozza


@transaction.atomic
def invia_in_revisione(*, incontro: Incontro, utente) -> Incontro:
    attuale, precedente = passa_di_stato(
        incontro,
        da=(Stato.BOZZA,),
        a=Stato.IN_REVISIONE,
        messaggio=_("Solo un verbale in bozza può essere inviato in revisione."),
    )
    if not attuale.verbale.strip():
        raise OperazioneNonAmmessa(_("Il verbale è vuoto: scrivilo prima di inviarlo."))
    attuale.save(update_fields=["stato"])
    _transizione(attuale, da=precedente, a=attuale.stato, utente=utente)
    from .tasks import notifica_verbale_in_revisione

    transaction.on_commit(lambda: notifica_verbale_in_revisione.delay(attuale.pk))
    return attuale


@transaction.atomic
def rimanda_in_bozza(*, incontro: Incontro, utente, nota: str = "") -> Incontro:
    attuale, precedente = passa_di_stato(
        incontro,
        da=(Stato.IN_REVISIONE,),
        a=Stato.BOZZA,
        messaggio=_("Solo un verbale in revisione può tornare in bozza."),
    )
    attuale.save(update_fields=["stato"])
    _transizione(attuale, da=precedente, a=attuale.stato, utente=utente, nota=nota)
    return attuale


def _verifica_approvatore(incontro, utente):
    # Checked again here, not only by the view: whoever calls the service (a task, a command)
    # cannot approve for a coordinator who no longer has her role in the ambito.
    check_access(can_act=can_approve_verbale(utente, incontro.tavolo))


@transaction.atomic
def approva_verbale(*, incontro: Incontro, utente) -> Incontro:
    attuale, precedente = passa_di_stato(
        incontro,
        da=(Stato.IN_REVISIONE,),
        a=Stato.APPROVATO,
        messaggio=_("Solo un verbale in revisione può essere approvato."),
    )
    _verifica_approvatore(attuale, utente)
    attuale.testo_approvato = attuale.verbale
    attuale.approvato_il = timezone.now()
    attuale.approvato_da = utente
    attuale.save(update_fields=["stato", "testo_approvato", "approvato_il", "approvato_da"])
    _transizione(attuale, da=precedente, a=attuale.stato, utente=utente)
    return attuale


@transaction.atomic
def apri_nuova_revisione(*, incontro: Incontro, utente, nota: str = "") -> Incontro:
    """An approved record changes only through a new revision; the approved text is kept."""
    attuale, precedente = passa_di_stato(
        incontro,
        da=(Stato.APPROVATO,),
        a=Stato.BOZZA,
        messaggio=_("Si apre una nuova revisione solo di un verbale approvato."),
    )
    _verifica_approvatore(attuale, utente)
    attuale.revisione += 1
    # Only approved minutes are public: the reopened ones leave the public pages at once, and
    # the Ufficio di Piano publishes the next approved text again if it wants to.
    attuale.verbale_pubblico = False
    attuale.save(update_fields=["stato", "revisione", "verbale_pubblico"])
    _transizione(attuale, da=precedente, a=attuale.stato, utente=utente, nota=nota)
    return attuale


def verifica_modificabile(incontro: Incontro) -> None:
    if incontro.is_bloccato:
        raise OperazioneNonAmmessa(
            _("Il verbale è approvato: per modificarlo apri una nuova revisione.")
        )


@transaction.atomic
def registra_presenze(*, incontro: Incontro, partecipanti: dict[int, int]) -> None:
    """`partecipanti` maps each present member's id to how many people came; absent members
    are simply not in it."""
    verifica_modificabile(blocca(incontro))
    # The deletion sends auditlog its signals row by row; the bulk writes below do not, so
    # their entries come from registra_modifiche.
    Presenza.objects.filter(incontro=incontro).exclude(membro_id__in=partecipanti).delete()
    esistenti = {
        p.membro_id: p
        for p in Presenza.objects.filter(incontro=incontro).select_related("incontro__tavolo")
    }
    prima = istantanee(esistenti.values())
    nuove, cambiate = [], []
    for membro_id, numero in partecipanti.items():
        presenza = esistenti.get(membro_id)
        if presenza is None:
            nuove.append(Presenza(incontro=incontro, membro_id=membro_id, partecipanti=numero))
        elif presenza.partecipanti != numero:
            presenza.partecipanti = numero
            cambiate.append(presenza)
    Presenza.objects.bulk_create(nuove)
    Presenza.objects.bulk_update(cambiate, ["partecipanti"])
    registra_modifiche(prima, [*esistenti.values(), *nuove])


# Outcomes, attachments and comments belong to the minutes: they change only while the minutes
# may, checked under the meeting's lock against an approval in between.


@transaction.atomic
def aggiungi_esito(*, incontro: Incontro, esito: Esito, utente) -> Esito:
    attuale = blocca(incontro)
    verifica_modificabile(attuale)
    esito.incontro = attuale
    esito.creato_da = utente
    esito.ordine = attuale.esiti.filter(tipo=esito.tipo).count() + 1
    esito.save()
    return esito


@transaction.atomic
def elimina_esito(*, incontro: Incontro, esito: Esito) -> None:
    verifica_modificabile(blocca(incontro))
    # valuta_proposta locks the proposal: an evaluation in between is seen here.
    esito = blocca(esito)
    if esito.tipo == Esito.Tipo.PROPOSTA and esito.valutazione != Esito.Valutazione.DA_VALUTARE:
        raise OperazioneNonAmmessa(_("La proposta è già stata valutata: non si può eliminare."))
    if esito.accorpate.exists():
        raise OperazioneNonAmmessa(
            _("Altre proposte sono state accorpate in questa: non si può eliminare.")
        )
    esito.delete()


@transaction.atomic
def aggiungi_allegato(*, incontro: Incontro, allegato: Allegato, file, utente) -> Allegato:
    verifica_modificabile(blocca(incontro))
    allegato.incontro = incontro
    allegato.nome = file.name[:200]
    allegato.dimensione = file.size
    allegato.caricato_da = utente
    allegato.save()
    return allegato


@transaction.atomic
def commenta_verbale(*, incontro: Incontro, commento: Commento, utente) -> Commento:
    """Members comment on the minutes while they are in review, on the revision being reviewed."""
    attuale = blocca(incontro)
    if attuale.stato != Stato.IN_REVISIONE:
        raise OperazioneNonAmmessa(_("Si commenta solo un verbale in revisione."))
    commento.incontro = attuale
    commento.autore = utente
    commento.revisione = attuale.revisione
    commento.save()
    return commento


@transaction.atomic
def valuta_proposta(
    *, proposta: Esito, valutazione: str, motivazione: str, accorpata_in: Esito | None, utente
) -> Esito:
    proposta = Esito.objects.select_for_update().get(pk=proposta.pk)
    proposta.valutazione = valutazione
    proposta.motivazione = motivazione
    proposta.accorpata_in = accorpata_in if valutazione == Esito.Valutazione.ACCORPATA else None
    proposta.valutata_da = utente
    proposta.valutata_il = timezone.now()
    proposta.full_clean(exclude=["incontro", "creato_da"])
    proposta.save()
    return proposta


# --- What the public pages show ------------------------------------------------------------------
# The Ufficio di Piano alone decides it; checked here as well as in the views, as for approvals.


@transaction.atomic
def pubblica_tavolo(*, tavolo: Tavolo, pubblico: bool, utente) -> Tavolo:
    attuale = _blocca_tavolo(tavolo)
    check_access(can_act=can_publish_tavoli(utente, attuale.ambito))
    if attuale.pubblico != pubblico:
        attuale.pubblico = pubblico
        attuale.save(update_fields=["pubblico"])
    return attuale


@transaction.atomic
def pubblica_incontro(*, incontro: Incontro, pubblico: bool, utente) -> Incontro:
    attuale = blocca(incontro, Incontro.objects.select_related("tavolo__ambito"))
    check_access(can_act=can_publish_tavoli(utente, attuale.tavolo.ambito))
    if attuale.pubblico != pubblico:
        attuale.pubblico = pubblico
        attuale.save(update_fields=["pubblico"])
    return attuale


@transaction.atomic
def pubblica_verbale(*, incontro: Incontro, pubblico: bool, utente) -> Incontro:
    """Publish or withdraw the approved minutes. Under the meeting's lock: a new revision opened
    in between is seen, and draft minutes never become public."""
    attuale = blocca(incontro, Incontro.objects.select_related("tavolo__ambito"))
    check_access(can_act=can_publish_tavoli(utente, attuale.tavolo.ambito))
    if pubblico and attuale.stato != Stato.APPROVATO:
        raise OperazioneNonAmmessa(_("Si pubblica solo un verbale approvato."))
    if attuale.verbale_pubblico != pubblico:
        attuale.verbale_pubblico = pubblico
        attuale.save(update_fields=["verbale_pubblico"])
    return attuale
