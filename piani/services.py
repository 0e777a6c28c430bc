"""Operations on the plan: creation from the template, saving sections without losing a word,
the review states and the frozen versions for the Assemblea."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.flusso import ConflittoDiVersione, OperazioneNonAmmessa, nuova_versione, passa_di_stato
from core.traccia import istantanee, registra_modifiche

from .models import (
    CommentoSezione,
    Piano,
    PresenzaEditor,
    RevisioneSezione,
    Sezione,
    TransizionePiano,
    VersionePiano,
)
from .permissions import can_comment_piano, can_resolve_commento

Stato = Piano.Stato
EDITOR_ATTIVO_PER = timedelta(seconds=45)

# The usual outline of a Piano di Zona (DGR XII/2167): the areas' objectives are added per area.
MODELLO = (
    (
        "Introduzione",
        "",
        "<p>Il Piano di Zona è lo strumento di programmazione sociale dell'ambito.</p>",
    ),
    ("Il territorio e la popolazione", Sezione.Blocco.COMUNI, ""),
    ("La popolazione per comune", Sezione.Blocco.POPOLAZIONE, ""),
    ("Valutazione del piano precedente", Sezione.Blocco.VALUTAZIONE, ""),
    ("Governance e partecipazione", Sezione.Blocco.TAVOLI, ""),
    ("Le risorse", Sezione.Blocco.RISORSE, ""),
    ("Allegati", "", ""),
)


@dataclass
class ConflittoSezione(ConflittoDiVersione):
    """Someone saved the section after this user opened it: both titles go back too."""

    titolo_attuale: str
    titolo_proposto: str


def _pulisci(html):
    from .sanitizzazione import pulisci

    return pulisci(html)


@transaction.atomic
def crea_piano(*, ambito, periodo, utente) -> Piano:
    piano = Piano.objects.create(
        ambito=ambito,
        periodo=periodo,
        titolo=_("Piano di Zona %(periodo)s — Ambito %(ambito)s")
        % {"periodo": periodo.nome, "ambito": ambito.nome},
        creato_da=utente,
    )
    sezioni = [
        Sezione(piano=piano, titolo=titolo, blocco=blocco, testo=testo, modificata_da=utente)
        for titolo, blocco, testo in MODELLO[:5]
    ]
    sezioni += [
        Sezione(
            piano=piano,
            titolo=_("Obiettivi: %(area)s") % {"area": area.nome},
            blocco=Sezione.Blocco.OBIETTIVI,
            area=area,
            modificata_da=utente,
        )
        for area in periodo.aree.order_by("ordine")
    ]
    sezioni += [
        Sezione(piano=piano, titolo=titolo, blocco=blocco, testo=testo, modificata_da=utente)
        for titolo, blocco, testo in MODELLO[5:]
    ]
    for ordine, sezione in enumerate(sezioni, start=1):
        sezione.ordine = ordine
    Sezione.objects.bulk_create(sezioni)
    registra_modifiche([], sezioni)
    return piano


def verifica_modificabile(piano: Piano) -> None:
    if not piano.modificabile:
        raise OperazioneNonAmmessa(
            _("Il piano è congelato per l'Assemblea: crea una nuova bozza per modificarlo.")
        )


def _piano_bloccato(pk) -> Piano:
    """The plan's row locked, always before any of its sections: whoever changes the plan's
    state (congela) or its sections waits for the others, in the same order, never in a cycle."""
    return Piano.objects.select_for_update().get(pk=pk)


def _piano_modificabile(pk) -> Piano:
    piano = _piano_bloccato(pk)
    verifica_modificabile(piano)
    return piano


@transaction.atomic
def salva_sezione(*, sezione, titolo, testo, versione_letta, utente, nota="") -> Sezione:
    piano = _piano_modificabile(sezione.piano_id)
    attuale = Sezione.objects.select_for_update().get(pk=sezione.pk)
    attuale.piano = piano
    testo = _pulisci(testo)
    scritta_il = attuale.modificata_il
    # Kept if this is the first edit, so that the text as it was before can be restored too.
    iniziale = RevisioneSezione(
        sezione=attuale,
        versione=attuale.versione,
        titolo=attuale.titolo,
        testo=attuale.testo,
        autore_id=attuale.modificata_da_id,
        nota=_("Testo iniziale"),
    )

    def conflitto():
        return ConflittoSezione(
            titolo_attuale=attuale.titolo,
            testo_attuale=attuale.testo,
            versione_attuale=attuale.versione,
            autore=str(attuale.modificata_da or _("un altro utente")),
            titolo_proposto=titolo,
            testo_proposto=testo,
        )

    if nuova_versione(
        attuale,
        versione_letta=versione_letta,
        valori={"titolo": titolo, "testo": testo},
        conflitto=conflitto,
    ):
        if not attuale.revisioni.exists():
            iniziale.save()
            # The initial text was written when the section was last saved, not now (creata_il
            # is set on insert, hence the update).
            RevisioneSezione.objects.filter(pk=iniziale.pk).update(creata_il=scritta_il)
        attuale.modificata_da = utente
        attuale.save(
            update_fields=["titolo", "testo", "versione", "modificata_da", "modificata_il"]
        )
        RevisioneSezione.objects.create(
            sezione=attuale,
            versione=attuale.versione,
            titolo=titolo,
            testo=testo,
            autore=utente,
            nota=nota,
        )
    return attuale


def ripristina_revisione(*, revisione: RevisioneSezione, utente) -> Sezione:
    """An old text comes back as a new revision: nothing in the history is rewritten."""
    sezione = revisione.sezione
    return salva_sezione(
        sezione=sezione,
        titolo=revisione.titolo,
        testo=revisione.testo,
        versione_letta=Sezione.objects.get(pk=sezione.pk).versione,
        utente=utente,
        nota=_("Ripristino della versione %(n)s") % {"n": revisione.versione},
    )


@transaction.atomic
def sposta_sezione(*, sezione: Sezione, verso: int) -> None:
    _piano_modificabile(sezione.piano_id)
    sezioni = list(sezione.piano.sezioni.select_for_update().order_by("ordine", "pk"))
    prima = istantanee(sezioni)
    indice = next(i for i, s in enumerate(sezioni) if s.pk == sezione.pk)
    altro = indice + verso
    if 0 <= altro < len(sezioni):
        sezioni[indice], sezioni[altro] = sezioni[altro], sezioni[indice]
    for ordine, s in enumerate(sezioni, start=1):
        s.ordine = ordine
    Sezione.objects.bulk_update(sezioni, ["ordine"])
    registra_modifiche(prima, sezioni)


@transaction.atomic
def aggiungi_sezione(*, piano: Piano, titolo, blocco="", area=None, utente) -> Sezione:
    _piano_modificabile(piano.pk)
    ultimo = piano.sezioni.order_by("-ordine").values_list("ordine", flat=True).first() or 0
    return Sezione.objects.create(
        piano=piano,
        titolo=titolo,
        blocco=blocco,
        area=area,
        ordine=ultimo + 1,
        modificata_da=utente,
    )


@transaction.atomic
def elimina_sezione(*, sezione: Sezione) -> None:
    _piano_modificabile(sezione.piano_id)
    sezione.delete()


# Who may comment depends on the plan's state (the sindaci, only while it is in review): checked
# again under the plan's lock, against a state change after the page was loaded.


def _piano_bloccato_come(piano) -> Piano:
    bloccato = _piano_bloccato(piano.pk)
    # The permissions read the ambito: the caller's copy already has it.
    bloccato.ambito = piano.ambito
    return bloccato


def _verifica_commentabile(piano, utente) -> None:
    if not can_comment_piano(utente, piano):
        raise OperazioneNonAmmessa(_("Il piano non è più in revisione: i commenti sono chiusi."))


@transaction.atomic
def commenta_sezione(
    *, piano: Piano, sezione: Sezione, utente, testo, risposta_a=None
) -> CommentoSezione:
    _verifica_commentabile(_piano_bloccato_come(piano), utente)
    return CommentoSezione.objects.create(
        sezione=sezione, autore=utente, testo=testo, risposta_a=risposta_a
    )


@transaction.atomic
def risolvi_commento(*, commento: CommentoSezione, piano: Piano, utente) -> CommentoSezione:
    """Mark the comment resolved, or reopen it."""
    bloccato = _piano_bloccato_come(piano)
    _verifica_commentabile(bloccato, utente)
    commento = CommentoSezione.objects.select_for_update().get(pk=commento.pk)
    if not can_resolve_commento(utente, commento, bloccato):
        raise OperazioneNonAmmessa(_("Non puoi risolvere questo commento."))
    commento.risolto = not commento.risolto
    commento.risolto_da = utente if commento.risolto else None
    commento.save(update_fields=["risolto", "risolto_da"])
    return commento


def segna_presenza(*, sezione: Sezione, utente) -> list:
    """Record that `utente` has the section open; return the others who do."""
    PresenzaEditor.objects.update_or_create(sezione=sezione, utente=utente)
    soglia = timezone.now() - EDITOR_ATTIVO_PER
    return [
        p.utente
        for p in PresenzaEditor.objects.filter(sezione=sezione, visto_il__gte=soglia)
        .exclude(utente=utente)
        .select_related("utente")
    ]


def _passa(piano, *, da, a, utente, messaggio, nota=""):
    attuale, precedente = passa_di_stato(piano, da=da, a=a, messaggio=messaggio)
    TransizionePiano.objects.create(
        piano=attuale, da_stato=precedente, a_stato=a, utente=utente, nota=nota
    )
    # The enti's review ends with the review: the next one is opened to them again, or not.
    attuale.revisione_enti_aperta = False
    attuale.save(update_fields=["stato", "revisione_enti_aperta"])
    return attuale


def _imposta_revisione_enti(piano, *, aperta: bool, utente) -> Piano:
    attuale = _piano_bloccato(piano.pk)
    if attuale.stato != Stato.IN_REVISIONE:
        raise OperazioneNonAmmessa(
            _("La revisione degli enti si apre e si chiude solo con il piano in revisione.")
        )
    if attuale.revisione_enti_aperta == aperta:
        raise OperazioneNonAmmessa(
            _("La revisione è già aperta agli enti.")
            if aperta
            else _("La revisione è già chiusa agli enti.")
        )
    attuale.revisione_enti_aperta = aperta
    attuale.save(update_fields=["revisione_enti_aperta"])
    return attuale


@transaction.atomic
def apri_revisione_enti(*, piano, utente) -> Piano:
    """The participating enti may comment on the plan in review, as the sindaci do."""
    return _imposta_revisione_enti(piano, aperta=True, utente=utente)


@transaction.atomic
def chiudi_revisione_enti(*, piano, utente) -> Piano:
    """The enti read the plan in review but no longer comment on it."""
    return _imposta_revisione_enti(piano, aperta=False, utente=utente)


@transaction.atomic
def invia_in_revisione(*, piano, utente) -> Piano:
    return _passa(
        piano,
        da=(Stato.BOZZA,),
        a=Stato.IN_REVISIONE,
        utente=utente,
        messaggio=_("Solo una bozza può essere inviata in revisione."),
    )


@transaction.atomic
def riporta_in_bozza(*, piano, utente) -> Piano:
    return _passa(
        piano,
        da=(Stato.IN_REVISIONE, Stato.PER_ASSEMBLEA, Stato.RESPINTO),
        a=Stato.BOZZA,
        utente=utente,
        messaggio=_("Il piano è già in bozza o è approvato."),
        nota=_("Nuova bozza: le versioni congelate restano invariate."),
    )


@transaction.atomic
def congela(*, piano, utente) -> VersionePiano:
    """Freeze the current text as the next numbered version and have its PDF rendered."""
    from .assemblaggio import html_piano
    from .rendering import richiedi_pdf

    attuale = _passa(
        piano,
        da=(Stato.BOZZA, Stato.IN_REVISIONE),
        a=Stato.PER_ASSEMBLEA,
        utente=utente,
        messaggio=_("Si congela solo un piano in bozza o in revisione."),
    )
    numero = (
        attuale.versioni.order_by("-numero").values_list("numero", flat=True).first() or 0
    ) + 1
    html = html_piano(attuale, numero_versione=numero, data=timezone.localdate())
    # The versions still waiting for the vote are replaced by this one: nobody votes on them.
    superate = list(attuale.versioni.filter(esito=VersionePiano.Esito.IN_ATTESA))
    prima = istantanee(superate)
    adesso = timezone.now()
    for superata in superate:
        superata.esito, superata.esito_il = VersionePiano.Esito.SUPERATA, adesso
    VersionePiano.objects.bulk_update(superate, ["esito", "esito_il"])
    registra_modifiche(prima, superate)
    versione = VersionePiano.objects.create(
        piano=attuale,
        numero=numero,
        html=html,
        sha256_html=hashlib.sha256(html.encode()).hexdigest(),
        creata_da=utente,
    )
    richiedi_pdf(piano=attuale, utente=utente, versione=versione)
    return versione


@transaction.atomic
def registra_esito(
    *, versione: VersionePiano, approvata: bool, utente, quando=None
) -> VersionePiano:
    """The Assemblea's outcome on a frozen version: the plan becomes approvato or respinto.
    `quando` is the moment of the vote (now by default): the approved PDF's cover prints it."""
    versione = VersionePiano.objects.select_for_update().get(pk=versione.pk)
    ultima = versione.piano.versioni.order_by("-numero").values_list("numero", flat=True).first()
    if versione.is_superata or versione.numero != ultima:
        raise OperazioneNonAmmessa(
            _("La versione %(n)s è stata superata dalla versione %(u)s: si vota l'ultima.")
            % {"n": versione.numero, "u": ultima}
        )
    if versione.esito != VersionePiano.Esito.IN_ATTESA:
        raise OperazioneNonAmmessa(_("Questa versione ha già un esito."))
    versione.esito = VersionePiano.Esito.APPROVATA if approvata else VersionePiano.Esito.RESPINTA
    versione.esito_il = quando or timezone.now()
    versione.save(update_fields=["esito", "esito_il"])
    _passa(
        versione.piano,
        da=(Stato.PER_ASSEMBLEA,),
        a=Stato.APPROVATO if approvata else Stato.RESPINTO,
        utente=utente,
        messaggio=_("Il piano non è in attesa del voto dell'Assemblea."),
        nota=_("Esito della versione %(n)s") % {"n": versione.numero},
    )
    # Its PDF now says the outcome on the cover (rendering.html_da_rendere): print that copy.
    from .firma import accoda_firma
    from .rendering import richiedi_pdf

    richiedi_pdf(piano=versione.piano, utente=utente, versione=versione)
    if approvata:
        # The PDF that was voted is published signed with the seal, once this is committed.
        transaction.on_commit(partial(accoda_firma, versione.pk))
    return versione


@transaction.atomic
def imposta_scadenza_revisione(*, piano, utente, scadenza) -> Piano:
    """The review's deadline (None removes it), for the reviewers' reminders; while the plan is
    a draft about to be sent, or in review."""
    attuale = _piano_bloccato(piano.pk)
    if attuale.stato not in (Stato.BOZZA, Stato.IN_REVISIONE):
        raise OperazioneNonAmmessa(
            _("La scadenza della revisione si fissa solo per una bozza o un piano in revisione.")
        )
    attuale.scadenza_revisione = scadenza
    attuale.save(update_fields=["scadenza_revisione"])
    return attuale
