import datetime

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Ruolo, TipoNotifica
from accounts.notifiche import notifica
from core import posta
from core.calendario import ROMA

from .calendario import percorso_incontro
from .models import Commento, Incontro, Membro, Tavolo
from .notifiche import invia_inviti, notifica_revisione, quando


# A retry after a failure half-way through sends again to everyone, including those already
# served: harmless, since the invitation carries the same UID and SEQUENCE and calendar apps
# just refresh the event they hold. So the task only reads the meeting and sends, nothing else.
@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invia_inviti_incontro(incontro_id, aggiornamento=False):
    """Send the invitations of a meeting; call it on commit of the transaction that saved it."""
    incontro = Incontro.objects.select_related("tavolo__ambito").filter(pk=incontro_id).first()
    if incontro is None:
        return 0
    # The e-mail log of the ambito's Ufficio di Piano lists them (core.posta.per_ambito).
    with posta.per_ambito(incontro.tavolo.ambito_id, "invito_incontro"):
        return invia_inviti(incontro, aggiornamento=aggiornamento)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notifica_verbale_in_revisione(incontro_id):
    incontro = Incontro.objects.select_related("tavolo__ambito").filter(pk=incontro_id).first()
    if incontro is None:
        return 0
    with posta.per_ambito(incontro.tavolo.ambito_id, "verbale_in_revisione"):
        return notifica_revisione(incontro)


# --- Reminders (periodic jobs: settings.CELERY_BEAT_SCHEDULE, `manage.py promemoria`) ---------


def _utenti(filtro):
    return get_user_model().objects.filter(filtro, is_active=True).order_by("pk")


def _membri(tavolo):
    """The accounts that sit at the table: members by name, representatives of member enti."""
    enti = Membro.objects.filter(tavolo=tavolo, ente__isnull=False).values("ente_id")
    rappresentanti = Ruolo.objects.attivi().filter(
        tipo=Ruolo.Tipo.ENTE, ambito_id=tavolo.ambito_id, ente_id__in=enti
    )
    return Q(pk__in=rappresentanti.values("user_id")) | Q(
        pk__in=Membro.objects.filter(tavolo=tavolo).values("utente_id")
    )


def utenti_del_tavolo(tavolo):
    """Every account the table's meetings concern: members, operators and coordinators."""
    operatori = Tavolo.operatori.through.objects.filter(tavolo_id=tavolo.pk)
    coordinatori = Tavolo.coordinatori.through.objects.filter(tavolo_id=tavolo.pk)
    return _utenti(
        _membri(tavolo)
        | Q(pk__in=operatori.values("user_id"))
        | Q(pk__in=coordinatori.values("user_id"))
    )


def _inizio_giorno(giorno: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(giorno, datetime.time.min, tzinfo=ROMA)


@shared_task
def promemoria_incontri() -> int:
    """The day before a meeting (in Europe/Rome), a reminder to everyone it concerns; once per
    person and start time (a meeting moved to another day is reminded again)."""
    domani = timezone.localdate(timezone=ROMA) + datetime.timedelta(days=1)
    incontri = Incontro.objects.filter(
        inizio__gte=_inizio_giorno(domani),
        inizio__lt=_inizio_giorno(domani + datetime.timedelta(days=1)),
    ).select_related("tavolo__ambito")
    inviati = 0
    for incontro in incontri:
        tavolo = incontro.tavolo
        url = posta.base_url() + percorso_incontro(incontro)
        with translation.override(settings.LANGUAGE_CODE):
            valori = {"tavolo": tavolo.titolo, "titolo": incontro.titolo}
            oggetto = _("Domani: %(tavolo)s — %(titolo)s") % valori
            righe = [
                _("Domani si tiene l'incontro «%(titolo)s» del tavolo «%(tavolo)s».") % valori,
                _("Quando: %(quando)s") % {"quando": quando(incontro)},
            ]
            if incontro.luogo:
                righe.append(_("Dove: %(luogo)s") % {"luogo": incontro.luogo})
            elif incontro.link_online:
                righe.append(_("Collegamento: %(link)s") % {"link": incontro.link_online})
        for utente in utenti_del_tavolo(tavolo):
            inviati += bool(
                notifica(
                    utente,
                    TipoNotifica.PROMEMORIA_INCONTRO,
                    oggetto,
                    "\n".join(righe),
                    url,
                    f"incontro:{incontro.pk}:{incontro.inizio.isoformat()}",
                    ambito_id=tavolo.ambito_id,
                )
            )
    return inviati


@shared_task
def promemoria_verbali() -> int:
    """Minutes in review for PDZ_PROMEMORIA_VERBALE_GIORNI days: a reminder to the table's
    members who have not commented on this revision yet (the operators and coordinators wrote
    them); once per person and revision."""
    limite = timezone.now() - datetime.timedelta(days=settings.PDZ_PROMEMORIA_VERBALE_GIORNI)
    incontri = (
        Incontro.objects.filter(stato=Incontro.Stato.IN_REVISIONE)
        .annotate(
            in_revisione_dal=Max(
                "transizioni__avvenuta_il",
                filter=Q(transizioni__a_stato=Incontro.Stato.IN_REVISIONE),
            )
        )
        .filter(in_revisione_dal__lte=limite)
        .select_related("tavolo__ambito")
    )
    inviati = 0
    for incontro in incontri:
        tavolo = incontro.tavolo
        url = posta.base_url() + percorso_incontro(incontro)
        hanno_commentato = Commento.objects.filter(
            incontro=incontro, revisione=incontro.revisione
        ).values("autore_id")
        with translation.override(settings.LANGUAGE_CODE):
            valori = {"tavolo": tavolo.titolo, "titolo": incontro.titolo}
            oggetto = _("Verbale da rivedere: %(tavolo)s — %(titolo)s") % valori
            testo = (
                _(
                    "Il verbale dell'incontro «%(titolo)s» del tavolo «%(tavolo)s» attende la tua "
                    "lettura e i tuoi commenti prima dell'approvazione."
                )
                % valori
            )
        for utente in _utenti(_membri(tavolo)).exclude(pk__in=hanno_commentato):
            inviati += bool(
                notifica(
                    utente,
                    TipoNotifica.VERBALE_DA_RIVEDERE,
                    oggetto,
                    testo,
                    url,
                    f"verbale:{incontro.pk}:{incontro.revisione}",
                    ambito_id=tavolo.ambito_id,
                )
            )
    return inviati
