import datetime

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Ruolo, TipoNotifica
from accounts.notifiche import notifica
from core import firma, posta

from .models import AventeDiritto, Delega, Votazione, Voto
from .notifiche import evento_per_rettifica, invia_convocazione, invia_rettifica, seduta_per_invio


# A retry after a failure half-way through sends again to everyone, including those already
# served: harmless, since the invitation keeps its UID and SEQUENCE and calendar apps just refresh
# the event they hold. So the task only reads the session and sends, nothing else.
@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invia_convocazione_seduta(seduta_id, nuovo_invio=False):
    """Send the convocation of a session; call it on commit of the transaction that ordered it."""
    seduta = seduta_per_invio(seduta_id)
    if seduta is None:
        return 0
    # Recorded for the ambito, whose Ufficio di Piano proves it went out (core.posta.per_ambito).
    with posta.per_ambito(seduta.ambito_id, "convocazione"):
        return invia_convocazione(seduta, nuovo_invio=nuovo_invio)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notifica_rettifica_voto(evento_id):
    """Tell the comune's sindaco that the secretary corrected its online ballot; on commit."""
    evento = evento_per_rettifica(evento_id)
    if evento is None:
        return 0
    with posta.per_ambito(evento.votazione.punto.seduta.ambito_id, "rettifica_voto"):
        return invia_rettifica(evento)


@shared_task(bind=True, acks_late=True, max_retries=4)
def archivia_e_firma_verbale(self, seduta_id, rifai=False):
    """Archive the minutes of a closed session and sign them; queued on commit of the closing.
    Safe to run again: archived minutes are not printed again, signed ones are not signed
    again unless `rifai`."""
    from .firma import archivia_verbale, firma_verbale

    def lavoro():
        if archivia_verbale(seduta_id) is None:
            return None
        firma_verbale(seduta_id, rifai=rifai)
        return seduta_id

    return firma.in_un_task(self, lavoro, descrizione=f"Verbale della seduta {seduta_id}")


# --- Votes opening and closing (a periodic job: settings.CELERY_BEAT_SCHEDULE) ------------------


def _da_sollecitare(votazione):
    """For each comune entitled to vote that has not voted yet, the accounts that vote for it:
    its active sindaci and the delegato registered for the session. Whether a comune voted is
    all this reads: never a choice (a secret ballot keeps none anyway)."""
    seduta = votazione.punto.seduta
    votanti = Voto.objects.filter(votazione=votazione).values("comune_id")
    comuni = AventeDiritto.objects.filter(votazione=votazione).exclude(comune_id__in=votanti)
    sindaci = Ruolo.objects.attivi().filter(
        tipo=Ruolo.Tipo.SINDACO,
        ambito_id=seduta.ambito_id,
        comune_id__in=comuni.values("comune_id"),
    )
    delegati = Delega.objects.filter(seduta=seduta, comune_id__in=comuni.values("comune_id"))
    utenti = get_user_model().objects.filter(is_active=True)
    return utenti.filter(pk__in=sindaci.values("user_id")) | utenti.filter(
        pk__in=delegati.values("delegato_id")
    )


@shared_task
def promemoria_votazioni() -> int:
    """An open vote: at once, to whoever votes for a comune that has not voted, "the vote is
    open"; after PDZ_PROMEMORIA_VOTO_CHIUSURA_MINUTI, to those still missing, "the vote is
    closing" (the secretary closes it during the session: it has no scheduled end). Never to a
    comune that voted; once per person, vote and moment."""
    adesso = timezone.now()
    soglia = adesso - datetime.timedelta(minutes=settings.PDZ_PROMEMORIA_VOTO_CHIUSURA_MINUTI)
    inviati = 0
    for votazione in Votazione.objects.filter(stato=Votazione.Stato.APERTA).select_related(
        "punto__seduta__ambito"
    ):
        punto = votazione.punto
        seduta = punto.seduta
        url = posta.base_url() + reverse(
            "assemblea:votazione",
            kwargs={"slug": seduta.ambito.slug, "pk": seduta.pk, "punto": punto.pk},
        )
        in_chiusura = votazione.aperta_il is not None and votazione.aperta_il <= soglia
        with translation.override(settings.LANGUAGE_CODE):
            valori = {"punto": punto.titolo, "seduta": seduta.titolo}
            if in_chiusura:
                tipo, momento = TipoNotifica.VOTAZIONE_CHIUSURA, "chiusura"
                oggetto = _("Votazione in chiusura: %(punto)s") % valori
                testo = (
                    _(
                        "La votazione sul punto «%(punto)s» della seduta «%(seduta)s» sta per "
                        "chiudersi e per il tuo comune non risulta ancora un voto."
                    )
                    % valori
                )
            else:
                tipo, momento = TipoNotifica.VOTAZIONE_APERTURA, "apertura"
                oggetto = _("Votazione aperta: %(punto)s") % valori
                testo = (
                    _(
                        "È aperta la votazione sul punto «%(punto)s» della seduta «%(seduta)s»: "
                        "puoi votare per il tuo comune dalla pagina della votazione."
                    )
                    % valori
                )
        for utente in _da_sollecitare(votazione).order_by("pk"):
            inviati += bool(
                notifica(
                    utente,
                    tipo,
                    oggetto,
                    testo,
                    url,
                    f"votazione:{votazione.pk}:{momento}",
                    ambito_id=seduta.ambito_id,
                )
            )
    return inviati
