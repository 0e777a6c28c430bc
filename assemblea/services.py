"""Operations of the Assemblea that span several rows: they lock what they change.

Casting and closing both lock the Votazione row (SELECT ... FOR UPDATE), so a ballot is either
in before the closing or rejected after it, never half counted.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Ruolo
from ambiti.models import Ambito, Comune, Popolazione
from core.flusso import OperazioneNonAmmessa, blocca
from core.traccia import istantanee, registra_modifiche
from piani import services as piani_services
from piani.models import Piano, VersionePiano

from . import calcolo, tasks
from . import convocazione as regole_convocazione
from .firma import accoda as accoda_verbale
from .models import (
    AventeDiritto,
    Delega,
    EventoVoto,
    Presenza,
    PuntoOdg,
    Qualita,
    QuotaComune,
    RegolaVoto,
    Scelta,
    Seduta,
    Votazione,
    Voto,
    nuovo_codice_ricevuta,
)
from .notifiche import destinatari_seduta


class VotazioneGiaPreparata(OperazioneNonAmmessa):
    """The item has its vote already: nothing to do, nothing wrong."""


class VotoRifiutato(OperazioneNonAmmessa):
    """The ballot was not recorded (vote closed, comune not entitled...)."""


class RettificaNecessaria(VotoRifiutato):
    """A paper ballot for a comune that voted online: only an explicit correction replaces it."""


# --- Rules ------------------------------------------------------------------------------------


def regola_corrente(ambito) -> RegolaVoto | None:
    return RegolaVoto.objects.filter(ambito=ambito).order_by("-versione").first()


@transaction.atomic
def nuova_regola(regola: RegolaVoto, *, utente, quote=None) -> RegolaVoto:
    """Save an unsaved RegolaVoto as the ambito's next version; quote: comune pk → share, one
    for every comune of the ambito when the rule weighs by quote, none otherwise."""
    Ambito.objects.select_for_update().get(pk=regola.ambito_id)
    quote = _quote_valide(regola, quote or {})
    ultima = RegolaVoto.objects.filter(ambito_id=regola.ambito_id).aggregate(n=Max("versione"))
    regola.versione = (ultima["n"] or 0) + 1
    regola.creata_da = utente
    regola.save()
    # One by one, not in bulk: each share enters the audit trail.
    for comune_id, quota in quote.items():
        QuotaComune.objects.create(regola=regola, comune_id=comune_id, quota=quota)
    return regola


def _quote_valide(regola, quote: dict) -> dict:
    if not regola.a_quote:
        if quote:
            raise OperazioneNonAmmessa(
                _("Le quote valgono solo con il voto ponderato sulle quote dell'Accordo.")
            )
        return {}
    comuni = dict(Comune.objects.filter(ambito_id=regola.ambito_id).values_list("pk", "nome"))
    mancanti = sorted(nome for pk, nome in comuni.items() if quote.get(pk) is None)
    if mancanti:
        raise OperazioneNonAmmessa(
            _("Mancano le quote di: %(c)s. Ogni comune dell'ambito deve avere la sua quota.")
            % {"c": ", ".join(mancanti)}
        )
    estranei = set(quote) - set(comuni)
    if estranei:
        raise OperazioneNonAmmessa(_("Le quote riguardano solo i comuni dell'ambito."))
    non_positive = sorted(comuni[pk] for pk, q in quote.items() if Decimal(q) <= 0)
    if non_positive:
        raise OperazioneNonAmmessa(
            _("Le quote devono essere positive: %(c)s.") % {"c": ", ".join(non_positive)}
        )
    return {pk: Decimal(q) for pk, q in quote.items()}


def pesi_elettorato(votazione) -> dict:
    """comune pk → the weight frozen when the vote opened: the share, or the residents."""
    return {
        c: p if q is None else q
        # No ordering: a dict needs none, and the default one joins the comuni for their names.
        for c, p, q in votazione.elettorato.order_by().values_list(
            "comune_id", "popolazione", "quota"
        )
    }


def pesi_comuni(regola: RegolaVoto, ambito) -> list[AventeDiritto]:
    """Unsaved AventeDiritto rows for every comune of the ambito, with the rule's population and,
    when the rule weighs by quote, the comune's share (then the weight)."""
    aventi = _pesi_popolazione(regola, ambito)
    if regola.a_quote:
        quote = dict(regola.quote.values_list("comune_id", "quota"))
        mancanti = [a.comune.nome for a in aventi if a.comune.pk not in quote]
        if mancanti:
            raise OperazioneNonAmmessa(
                _("Mancano le quote di: %(c)s.") % {"c": ", ".join(mancanti)}
            )
        for a in aventi:
            a.quota = quote[a.comune.pk]
    return aventi


def _pesi_popolazione(regola: RegolaVoto, ambito) -> list[AventeDiritto]:
    comuni = list(Comune.objects.filter(ambito=ambito).order_by("nome"))
    if regola.data_popolazione is None:
        return [
            AventeDiritto(
                comune=c,
                popolazione=c.popolazione,
                fonte=c.popolazione_fonte,
                data_riferimento=c.popolazione_data,
            )
            for c in comuni
        ]
    per_comune: dict[int, list] = {}
    for rilevazione in Popolazione.objects.filter(
        comune__in=comuni, data_riferimento=regola.data_popolazione
    ).select_related("comune"):
        per_comune.setdefault(rilevazione.comune_id, []).append(rilevazione)
    rilevazioni = {pk: _una_rilevazione(regola, trovate) for pk, trovate in per_comune.items()}
    mancanti = [c.nome for c in comuni if c.pk not in rilevazioni]
    if mancanti:
        raise OperazioneNonAmmessa(
            _("Manca la popolazione al %(d)s per: %(c)s.")
            % {
                "d": date_format(regola.data_popolazione, "SHORT_DATE_FORMAT"),
                "c": ", ".join(mancanti),
            }
        )
    return [
        AventeDiritto(
            comune=c,
            popolazione=rilevazioni[c.pk].residenti,
            fonte=rilevazioni[c.pk].fonte,
            data_riferimento=regola.data_popolazione,
        )
        for c in comuni
    ]


def _una_rilevazione(regola, trovate):
    """The population record the rule means when several sources share its date."""
    if len(trovate) == 1:
        return trovate[0]
    fonte = regola.fonte_popolazione.strip().casefold()
    scelte = [r for r in trovate if r.fonte.strip().casefold() == fonte]
    if len(scelte) == 1:
        return scelte[0]
    raise OperazioneNonAmmessa(
        _(
            "Per %(c)s ci sono più rilevazioni al %(d)s: indicare nelle regole la fonte, una tra %(f)s."
        )
        % {
            "c": trovate[0].comune.nome,
            "d": date_format(regola.data_popolazione, "SHORT_DATE_FORMAT"),
            "f": ", ".join(sorted(r.fonte for r in trovate)),
        }
    )


# --- Who speaks for a comune ------------------------------------------------------------------


@dataclass(frozen=True)
class Rappresentanza:
    comune: Comune
    qualita: str
    persona: str


def rappresentanze(user, seduta) -> list[Rappresentanza]:
    """The comuni this user may speak for in this session: as their sindaco, or as the delegate
    whose delegation for this session is recorded."""
    if not user.is_authenticated:
        return []
    persona = user.get_full_name() or user.username
    risultato = []
    ruoli = Ruolo.objects.attivi().filter(
        user=user, ambito_id=seduta.ambito_id, tipo__in=[Ruolo.Tipo.SINDACO, Ruolo.Tipo.DELEGATO]
    )
    delegati = set(
        Delega.objects.filter(seduta=seduta, delegato=user).values_list("comune_id", flat=True)
    )
    for ruolo in ruoli.select_related("comune").order_by("comune__nome"):
        if ruolo.tipo == Ruolo.Tipo.SINDACO:
            risultato.append(Rappresentanza(ruolo.comune, Qualita.SINDACO, persona))
        elif ruolo.comune_id in delegati:
            risultato.append(Rappresentanza(ruolo.comune, Qualita.DELEGATO, persona))
    return risultato


# --- Session ----------------------------------------------------------------------------------


def _seduta_bloccata(seduta) -> Seduta:
    return blocca(seduta, Seduta.objects)


def _seduta_convocata(seduta, messaggio) -> Seduta:
    """The session locked, still only convened (its data and agenda change only until it opens:
    apri_seduta takes the same lock)."""
    seduta = _seduta_bloccata(seduta)
    if seduta.stato != Seduta.Stato.CONVOCATA:
        raise OperazioneNonAmmessa(str(messaggio))
    return seduta


def _seduta_non_chiusa(seduta, messaggio) -> Seduta:
    seduta = _seduta_bloccata(seduta)
    if seduta.stato == Seduta.Stato.CHIUSA:
        raise OperazioneNonAmmessa(str(messaggio))
    return seduta


_ODG_CHIUSO = gettext_lazy("La seduta è già stata aperta: l'ordine del giorno non cambia più.")
_PRESENZE_CHIUSE = gettext_lazy("La seduta è chiusa: le presenze non cambiano più.")
_DELEGHE_CHIUSE = gettext_lazy("La seduta è chiusa: le deleghe non cambiano più.")


@transaction.atomic
def modifica_seduta(form) -> Seduta:
    """Save a valid SedutaForm of an existing session, if it is still only convened."""
    bloccata = _seduta_convocata(
        form.instance, _("La seduta è già stata aperta: i suoi dati non si modificano.")
    )
    if bloccata.prima_deserta_il and any(
        form.cleaned_data.get(campo) != getattr(bloccata, campo)
        for campo in ("prima_convocazione", "seconda_convocazione")
    ):
        raise OperazioneNonAmmessa(
            _(
                "La prima convocazione è già stata dichiarata deserta: le date di convocazione "
                "non si modificano più."
            )
        )
    seduta = form.save(commit=False)
    # Only what the form edits: the state and the convocation's dates are the lock holder's.
    seduta.save(update_fields=form._meta.fields)
    seduta.inviti_inviati_il = bloccata.inviti_inviati_il
    return seduta


@transaction.atomic
def aggiungi_punto(form) -> PuntoOdg:
    """Save a valid PuntoForm. An IntegrityError means a simultaneous request took its number."""
    _seduta_convocata(form.seduta, _ODG_CHIUSO)
    return form.save()


@transaction.atomic
def elimina_punto(seduta, punto: PuntoOdg) -> None:
    _seduta_convocata(seduta, _ODG_CHIUSO)
    if Votazione.objects.filter(punto=punto).exists():
        raise OperazioneNonAmmessa(_("Il punto ha una votazione: non si può eliminare."))
    punto.delete()


@transaction.atomic
def convoca_seduta(seduta) -> tuple[bool, int]:
    """Queue the convocation to the sindaci and delegati: whether it was sent before, and to how
    many people it goes."""
    bloccata = _seduta_convocata(
        seduta, _("La seduta è già stata aperta: la convocazione non si invia più.")
    )
    if not bloccata.punti.exists():
        raise OperazioneNonAmmessa(
            _("Aggiungi almeno un punto all'ordine del giorno prima di inviare la convocazione.")
        )
    destinatari = destinatari_seduta(seduta)
    if not destinatari:
        raise OperazioneNonAmmessa(
            _(
                "Nessun sindaco o delegato dei comuni dell'ambito ha un indirizzo e-mail: "
                "la convocazione non è stata inviata."
            )
        )
    nuovo_invio = bloccata.inviti_inviati_il is not None
    bloccata.inviti_inviati_il = timezone.now()
    bloccata.save(update_fields=["inviti_inviati_il"])
    transaction.on_commit(
        lambda: tasks.invia_convocazione_seduta.delay(bloccata.pk, nuovo_invio=nuovo_invio)
    )
    return nuovo_invio, len(destinatari)


@transaction.atomic
def registra_delega(form, *, utente) -> Delega:
    """Save a valid DelegaForm. An IntegrityError means a simultaneous request recorded the same
    comune first."""
    _seduta_non_chiusa(form.seduta, _DELEGHE_CHIUSE)
    delega = form.save(commit=False)
    delega.registrata_da = utente
    delega.save()
    return delega


@transaction.atomic
def elimina_delega(seduta, delega: Delega) -> None:
    _seduta_non_chiusa(seduta, _DELEGHE_CHIUSE)
    delega.delete()


def presenti(seduta) -> set[int]:
    return set(
        # No ordering: the default one joins the session, its ambito and the comuni.
        Presenza.objects.filter(seduta=seduta, uscita_il__isnull=True)
        .order_by()
        .values_list("comune_id", flat=True)
    )


def quorum_seduta(seduta, regola, *, pesi=None, presenti_ora=None) -> dict:
    """The constitutive quorum now, over every comune of the ambito. pesi (comune pk → weight,
    as pesi_comuni gives them) and presenti_ora (the pks present) spare a page that has them
    already the same queries."""
    if pesi is None:
        pesi = {a.comune.pk: a.peso for a in pesi_comuni(regola, seduta.ambito)}
    if presenti_ora is None:
        presenti_ora = presenti(seduta)
    presenti_ora = calcolo.somma(pesi, presenti_ora)
    totale = calcolo.somma(pesi, pesi)
    verifiche = calcolo.verifica_quorum(
        regola, seduta.convocazione or Seduta.Convocazione.PRIMA, presenti_ora, totale
    )
    return calcolo.in_json(
        {
            "calcolato_il": timezone.now().isoformat(),
            "regola": regola.versione,
            "aventi_diritto": {"teste": totale.teste, "popolazione": totale.popolazione},
            "presenti": {"teste": presenti_ora.teste, "popolazione": presenti_ora.popolazione},
            "verifiche": [v.__dict__ for v in verifiche],
            "raggiunto": all(v.superata for v in verifiche),
        }
    )


@transaction.atomic
def dichiara_prima_deserta(seduta, *, utente) -> Seduta:
    """Record the first call as deserted: from its time, if the quorum of the first call is not
    reached now. The quorum and presences of this moment are kept for the minutes."""
    seduta = _seduta_bloccata(seduta)
    adesso = timezone.now()
    impedimento = regole_convocazione.impedimento_prima_deserta(seduta, adesso)
    if impedimento:
        raise OperazioneNonAmmessa(impedimento)
    regola = regola_corrente(seduta.ambito)
    if regola is None:
        raise OperazioneNonAmmessa(_("L'ambito non ha ancora regole di voto."))
    # Presences are written under the same lock: the quorum read here is the one of now.
    quorum = quorum_seduta(seduta, regola)
    if quorum["raggiunto"]:
        raise OperazioneNonAmmessa(
            _(
                "Il quorum della prima convocazione è raggiunto (presenti %(p)d comuni su "
                "%(t)d): la prima convocazione non è deserta, la seduta si apre in prima "
                "convocazione."
            )
            % {"p": quorum["presenti"]["teste"], "t": quorum["aventi_diritto"]["teste"]}
        )
    seduta.prima_deserta_il = adesso
    seduta.prima_deserta_da = utente
    seduta.quorum_prima = quorum
    seduta.save(update_fields=["prima_deserta_il", "prima_deserta_da", "quorum_prima"])
    return seduta


@transaction.atomic
def apri_seduta(seduta, *, utente, convocazione) -> Seduta:
    seduta = _seduta_bloccata(seduta)
    if seduta.stato != Seduta.Stato.CONVOCATA:
        raise OperazioneNonAmmessa(_("La seduta è già stata aperta."))
    regola = regola_corrente(seduta.ambito)
    if regola is None:
        raise OperazioneNonAmmessa(_("L'ambito non ha ancora regole di voto."))
    adesso = timezone.now()
    impedimento = regole_convocazione.impedimento_apertura(seduta, convocazione, adesso)
    if impedimento:
        raise OperazioneNonAmmessa(impedimento)
    seduta.convocazione = convocazione
    seduta.stato = Seduta.Stato.APERTA
    seduta.aperta_il = adesso
    seduta.aperta_da = utente
    seduta.quorum_apertura = quorum_seduta(seduta, regola)
    seduta.save()
    return seduta


@transaction.atomic
def chiudi_seduta(seduta, *, utente) -> Seduta:
    seduta = _seduta_bloccata(seduta)
    if seduta.stato != Seduta.Stato.APERTA:
        raise OperazioneNonAmmessa(_("La seduta non è aperta."))
    if Votazione.objects.filter(punto__seduta=seduta, stato=Votazione.Stato.APERTA).exists():
        raise OperazioneNonAmmessa(_("Chiudere prima le votazioni aperte."))
    seduta.stato = Seduta.Stato.CHIUSA
    seduta.chiusa_il = timezone.now()
    seduta.save(update_fields=["stato", "chiusa_il"])
    # The minutes are final now: archived and signed with the seal once this is committed.
    transaction.on_commit(partial(accoda_verbale, seduta.pk))
    return seduta


def _registra_presenza(seduta, rappresentanza, *, utente, via, registrata_da) -> Presenza:
    presenza, creata = Presenza.objects.get_or_create(
        seduta=seduta,
        comune=rappresentanza.comune,
        defaults={
            "persona": rappresentanza.persona,
            "qualita": rappresentanza.qualita,
            "utente": utente,
            "via": via,
            "registrata_da": registrata_da,
        },
    )
    if not creata and (presenza.uscita_il or presenza.persona != rappresentanza.persona):
        presenza.uscita_il = None
        presenza.persona = rappresentanza.persona
        presenza.qualita = rappresentanza.qualita
        presenza.utente = utente
        presenza.via = via
        presenza.registrata_da = registrata_da
        presenza.save()
    return presenza


@transaction.atomic
def registra_presenza(seduta, rappresentanza, *, utente, via, registrata_da) -> Presenza:
    # Locked like chiudi_seduta does: the register of a closed session is the minutes'.
    seduta = _seduta_non_chiusa(seduta, _PRESENZE_CHIUSE)
    return _registra_presenza(
        seduta, rappresentanza, utente=utente, via=via, registrata_da=registrata_da
    )


@transaction.atomic
def registra_presenze(seduta, rappresentanze, *, registrata_da) -> list[Presenza]:
    """The secretary's presences in the room for many comuni: all recorded, or none."""
    seduta = _seduta_non_chiusa(seduta, _PRESENZE_CHIUSE)
    return [
        _registra_presenza(
            seduta, r, utente=None, via=Presenza.Via.SEGRETERIA, registrata_da=registrata_da
        )
        for r in rappresentanze
    ]


@transaction.atomic
def segna_uscita(seduta, comune) -> None:
    seduta = _seduta_non_chiusa(seduta, _PRESENZE_CHIUSE)
    presenti = list(Presenza.objects.filter(seduta=seduta, comune=comune, uscita_il__isnull=True))
    for presenza in presenti:
        presenza.seduta = seduta  # its ambito, for the trail, without a query
    prima = istantanee(presenti)
    adesso = timezone.now()
    for presenza in presenti:
        presenza.uscita_il = adesso
    # bulk_update sends no signal: the exit enters the trail through registra_modifiche.
    Presenza.objects.bulk_update(presenti, ["uscita_il"])
    registra_modifiche(prima, presenti)


# --- Votes ------------------------------------------------------------------------------------


def _votazione_bloccata(votazione) -> Votazione:
    return (
        Votazione.objects.select_for_update(of=("self",))
        .select_related("punto__seduta", "regola")
        .get(pk=votazione.pk)
    )


def _verifica_versione_votabile(versione) -> None:
    """The plan version of an item is still the one waiting for the Assemblea."""
    versione = VersionePiano.objects.select_related("piano").get(pk=versione.pk)
    ultima = versione.piano.versioni.order_by("-numero").values_list("numero", flat=True).first()
    if (
        versione.esito != VersionePiano.Esito.IN_ATTESA
        or versione.piano.stato != Piano.Stato.PER_ASSEMBLEA
        or versione.numero != ultima
    ):
        raise OperazioneNonAmmessa(
            _(
                "La versione %(n)s del piano non è più quella in attesa del voto dell'Assemblea "
                "(ha già un esito, è stata superata o il piano è tornato in bozza)."
            )
            % {"n": versione.numero}
        )


def versioni_votabili(ambito):
    """Frozen plan versions of the ambito waiting for the Assemblea: the latest of each plan."""
    return VersionePiano.objects.filter(
        piano__ambito=ambito,
        piano__stato=Piano.Stato.PER_ASSEMBLEA,
        esito=VersionePiano.Esito.IN_ATTESA,
    ).select_related("piano__periodo")


@transaction.atomic
def apri_votazione(votazione, *, utente) -> Votazione:
    votazione = _votazione_bloccata(votazione)
    # Locked like chiudi_seduta does: a vote never opens in a session being closed.
    seduta = _seduta_bloccata(votazione.punto.seduta)
    if seduta.stato != Seduta.Stato.APERTA:
        raise OperazioneNonAmmessa(_("Si vota solo a seduta aperta."))
    if votazione.stato != Votazione.Stato.PREPARATA:
        raise OperazioneNonAmmessa(_("La votazione è già stata aperta."))
    versione = votazione.punto.versione_piano
    if versione is not None:
        _verifica_versione_votabile(versione)
    # A vote keeps the rules it was opened with: the ones in force now, not at preparation.
    regola = regola_corrente(seduta.ambito)
    if regola is None:
        raise OperazioneNonAmmessa(_("L'ambito non ha ancora regole di voto."))
    votazione.regola = regola
    AventeDiritto.objects.bulk_create(
        [
            AventeDiritto(votazione=votazione, **{k: getattr(a, k) for k in _CAMPI_PESO})
            for a in pesi_comuni(votazione.regola, seduta.ambito)
        ]
    )
    votazione.stato = Votazione.Stato.APERTA
    votazione.aperta_il = timezone.now()
    votazione.aperta_da = utente
    votazione.save()
    return votazione


_CAMPI_PESO = ("comune", "popolazione", "quota", "fonte", "data_riferimento")


@transaction.atomic
def prepara_votazione(punto: PuntoOdg) -> Votazione:
    """The vote of an agenda item, with the rules in force now; it opens with apri_votazione."""
    seduta = _seduta_bloccata(punto.seduta)
    if seduta.stato != Seduta.Stato.APERTA:
        raise OperazioneNonAmmessa(_("La votazione si prepara a seduta aperta."))
    gia_preparata = VotazioneGiaPreparata(_("La votazione di questo punto è già stata preparata."))
    if Votazione.objects.filter(punto=punto).exists():
        raise gia_preparata
    regola = regola_corrente(punto.seduta.ambito)
    if regola is None:
        raise OperazioneNonAmmessa(
            _("L'ambito non ha ancora regole di voto: l'Ufficio di Piano deve prima stabilirle.")
        )
    try:
        with transaction.atomic():
            return Votazione.objects.create(punto=punto, regola=regola)
    except IntegrityError:
        # Where the lock is a no-op (SQLite), a simultaneous request may still come first.
        raise gia_preparata from None


def vota(
    votazione,
    rappresentanza: Rappresentanza,
    scelta: str,
    *,
    utente,
    canale=Voto.Canale.ONLINE,
    motivo_rettifica: str = "",
) -> Voto:
    """Cast or change the ballot of a comune. Returns the ballot with its new receipt.

    A paper ballot never silently replaces what a comune cast online: once the comune has voted
    online in this vote, the secretary's paper ballot is refused unless it is a correction with
    its reason (motivo_rettifica), which is logged, listed in the minutes and notified to the
    comune's sindaco when the transaction commits."""
    if scelta not in Scelta.values:
        raise VotoRifiutato(_("Scelta di voto non valida."))
    motivo_rettifica = motivo_rettifica.strip()
    with transaction.atomic():
        votazione = _votazione_bloccata(votazione)
        if votazione.stato != Votazione.Stato.APERTA:
            raise VotoRifiutato(
                _("La votazione è chiusa: il voto non è stato registrato.")
                if votazione.stato == Votazione.Stato.CHIUSA
                else _("La votazione non è ancora aperta: il voto non è stato registrato.")
            )
        comune = rappresentanza.comune
        if not AventeDiritto.objects.filter(votazione=votazione, comune=comune).exists():
            raise VotoRifiutato(_("Il comune non ha diritto di voto in questa votazione."))
        rettifica = canale == Voto.Canale.CARTACEO and _ha_votato_online(votazione, comune)
        if rettifica and not motivo_rettifica:
            raise RettificaNecessaria(
                _(
                    "%(c)s ha già votato online in questa votazione: il voto cartaceo non è stato "
                    "registrato. Se va corretto, segna la rettifica e scrivine il motivo: il "
                    "sindaco ne sarà informato e la rettifica comparirà nel verbale."
                )
                % {"c": comune.nome}
            )
        adesso = timezone.now()
        dati = {
            "scelta": scelta,
            "canale": canale,
            "qualita": rappresentanza.qualita,
            "persona": rappresentanza.persona,
            "espresso_da": utente,
            "ricevuta": nuovo_codice_ricevuta(),
            "espresso_il": adesso,
        }
        voto = Voto.objects.filter(votazione=votazione, comune=comune).first()
        if voto is None:
            voto = Voto.objects.create(votazione=votazione, comune=comune, **dati)
        else:
            for campo, valore in dati.items():
                setattr(voto, campo, valore)
            voto.modifiche += 1
            voto.save()
        evento = EventoVoto.objects.create(
            votazione=votazione,
            comune=comune,
            ricevuta=voto.ricevuta,
            scelta="" if votazione.regola.segreto else scelta,
            canale=canale,
            qualita=rappresentanza.qualita,
            persona=rappresentanza.persona,
            utente=utente,
            rettifica=rettifica,
            motivo_rettifica=motivo_rettifica if rettifica else "",
        )
        # The log row of this ballot, for the caller to tell what was recorded.
        voto.evento = evento
        if rettifica:
            transaction.on_commit(lambda: tasks.notifica_rettifica_voto.delay(evento.pk))
        # Whoever votes is present: an online vote is also the online check-in.
        _registra_presenza(
            votazione.punto.seduta,
            rappresentanza,
            utente=utente if canale == Voto.Canale.ONLINE else None,
            via=Presenza.Via.ONLINE if canale == Voto.Canale.ONLINE else Presenza.Via.SEGRETERIA,
            registrata_da=utente,
        )
    return voto


def _ha_votato_online(votazione, comune) -> bool:
    """Read under the vote's row lock, like every ballot of the vote is written."""
    return EventoVoto.objects.filter(
        votazione=votazione, comune=comune, canale=Voto.Canale.ONLINE
    ).exists()


def calcola_risultato(votazione) -> calcolo.Risultato:
    pesi = pesi_elettorato(votazione)
    voti = dict(votazione.voti.values_list("comune_id", "scelta"))
    return calcolo.calcola(
        votazione.regola,
        pesi=pesi,
        presenti=presenti(votazione.punto.seduta),
        voti=voti,
        convocazione=votazione.punto.seduta.convocazione or Seduta.Convocazione.PRIMA,
    )


@transaction.atomic
def chiudi_votazione(votazione, *, utente) -> Votazione:
    votazione = _votazione_bloccata(votazione)
    if votazione.stato != Votazione.Stato.APERTA:
        raise OperazioneNonAmmessa(_("La votazione non è aperta."))
    risultato = calcola_risultato(votazione)
    votazione.stato = Votazione.Stato.CHIUSA
    votazione.chiusa_il = timezone.now()
    votazione.chiusa_da = utente
    votazione.esito = risultato.esito
    votazione.risultato = risultato.as_dict()
    votazione.save()
    versione = votazione.punto.versione_piano
    if versione is not None and risultato.esito != Votazione.Esito.NON_VALIDA:
        try:
            with transaction.atomic():
                piani_services.registra_esito(
                    versione=versione,
                    approvata=risultato.esito == Votazione.Esito.APPROVATA,
                    utente=utente,
                )
        except OperazioneNonAmmessa as errore:
            # The vote is closed all the same: leaving it open would block the session and its
            # minutes. The result says why the plan's state did not follow.
            votazione.risultato["avviso_piano"] = str(errore)
            votazione.save(update_fields=["risultato"])
    return votazione


@dataclass(frozen=True)
class EsitoRicevuta:
    evento: EventoVoto
    conteggiata: bool
    votazione_chiusa: bool


def verifica_ricevuta(codice: str) -> EsitoRicevuta | None:
    """Is the ballot with this receipt the one that counts? Says nothing of the choice."""
    codice = codice.strip().upper()
    evento = (
        EventoVoto.objects.select_related("votazione__punto__seduta", "comune")
        .filter(ricevuta=codice)
        .first()
    )
    if evento is None:
        return None
    conteggiata = Voto.objects.filter(votazione=evento.votazione_id, ricevuta=codice).exists()
    return EsitoRicevuta(evento, conteggiata, evento.votazione.stato == Votazione.Stato.CHIUSA)
