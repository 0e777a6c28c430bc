"""Operations on the plan: creation from the template, saving sections without losing a word,
the review states and the frozen versions for the Assemblea."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    Piano,
    PresenzaEditor,
    RevisioneSezione,
    Sezione,
    TransizionePiano,
    VersionePiano,
)

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


class OperazioneNonAmmessa(Exception):
    """The plan's state does not allow it; the message says why, in Italian."""


@dataclass
class ConflittoSezione(Exception):
    """Someone saved the section after this user opened it: both texts go back to her."""

    titolo_attuale: str
    testo_attuale: str
    versione_attuale: int
    autore: str
    titolo_proposto: str
    testo_proposto: str


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
    return piano


def verifica_modificabile(piano: Piano) -> None:
    if not piano.modificabile:
        raise OperazioneNonAmmessa(
            _("Il piano è congelato per l'Assemblea: crea una nuova bozza per modificarlo.")
        )


@transaction.atomic
def salva_sezione(*, sezione, titolo, testo, versione_letta, utente, nota="") -> Sezione:
    attuale = Sezione.objects.select_for_update().select_related("piano").get(pk=sezione.pk)
    verifica_modificabile(attuale.piano)
    testo = _pulisci(testo)
    if attuale.versione != versione_letta:
        raise ConflittoSezione(
            titolo_attuale=attuale.titolo,
            testo_attuale=attuale.testo,
            versione_attuale=attuale.versione,
            autore=str(attuale.modificata_da or _("un altro utente")),
            titolo_proposto=titolo,
            testo_proposto=testo,
        )
    if (titolo, testo) != (attuale.titolo, attuale.testo):
        if not attuale.revisioni.exists():
            # Keep the text as it was before the first edit, so it can be restored too.
            RevisioneSezione.objects.create(
                sezione=attuale,
                versione=attuale.versione,
                titolo=attuale.titolo,
                testo=attuale.testo,
                autore=attuale.modificata_da,
                nota=_("Testo iniziale"),
            )
        attuale.titolo, attuale.testo = titolo, testo
        attuale.versione += 1
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
    verifica_modificabile(sezione.piano)
    sezioni = list(sezione.piano.sezioni.select_for_update().order_by("ordine", "pk"))
    indice = next(i for i, s in enumerate(sezioni) if s.pk == sezione.pk)
    altro = indice + verso
    if 0 <= altro < len(sezioni):
        sezioni[indice], sezioni[altro] = sezioni[altro], sezioni[indice]
    for ordine, s in enumerate(sezioni, start=1):
        s.ordine = ordine
    Sezione.objects.bulk_update(sezioni, ["ordine"])


@transaction.atomic
def aggiungi_sezione(*, piano: Piano, titolo, blocco="", area=None, utente) -> Sezione:
    verifica_modificabile(piano)
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
    verifica_modificabile(sezione.piano)
    sezione.delete()


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
    attuale = Piano.objects.select_for_update().get(pk=piano.pk)
    if attuale.stato not in da:
        raise OperazioneNonAmmessa(messaggio)
    TransizionePiano.objects.create(
        piano=attuale, da_stato=attuale.stato, a_stato=a, utente=utente, nota=nota
    )
    attuale.stato = a
    attuale.save(update_fields=["stato"])
    return attuale


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
def registra_esito(*, versione: VersionePiano, approvata: bool, utente) -> VersionePiano:
    """The Assemblea's outcome on a frozen version: the plan becomes approvato or respinto."""
    versione = VersionePiano.objects.select_for_update().get(pk=versione.pk)
    if versione.esito != VersionePiano.Esito.IN_ATTESA:
        raise OperazioneNonAmmessa(_("Questa versione ha già un esito."))
    ultima = versione.piano.versioni.order_by("-numero").values_list("numero", flat=True).first()
    if versione.numero != ultima:
        raise OperazioneNonAmmessa(
            _("La versione %(n)s è stata superata dalla versione %(u)s: si vota l'ultima.")
            % {"n": versione.numero, "u": ultima}
        )
    versione.esito = VersionePiano.Esito.APPROVATA if approvata else VersionePiano.Esito.RESPINTA
    versione.save(update_fields=["esito"])
    _passa(
        versione.piano,
        da=(Stato.PER_ASSEMBLEA,),
        a=Stato.APPROVATO if approvata else Stato.RESPINTO,
        utente=utente,
        messaggio=_("Il piano non è in attesa del voto dell'Assemblea."),
        nota=_("Esito della versione %(n)s") % {"n": versione.numero},
    )
    return versione
