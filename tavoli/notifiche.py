"""Invitations to the meetings of a table, by e-mail with the event attached."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Ruolo
from core import posta
from core.calendario import ROMA, calendario
from core.validatori import in_una_riga

from .calendario import descrizione, evento_incontro, percorso_incontro
from .models import Membro, Tavolo


def destinatari_incontro(incontro) -> list[str]:
    """Addresses of everyone concerned by a meeting, sorted, each once whatever its case.

    Two queries: the members with their ente, then every account tied to the table (member
    accounts, representatives of member enti, operators, coordinators). Disabled accounts are
    left out; the member's own address still counts.
    """
    tavolo_id = incontro.tavolo_id
    ambito_id = Tavolo.objects.filter(pk=tavolo_id).values("ambito_id")
    membri = list(Membro.objects.filter(tavolo_id=tavolo_id).select_related("ente"))
    indirizzi = [membro.indirizzo_email for membro in membri]

    enti_membri = Membro.objects.filter(tavolo_id=tavolo_id, ente__isnull=False).values("ente_id")
    rappresentanti = Ruolo.objects.attivi().filter(
        tipo=Ruolo.Tipo.ENTE, ambito_id__in=ambito_id, ente_id__in=enti_membri
    )
    operatori = Tavolo.operatori.through.objects.filter(tavolo_id=tavolo_id)
    coordinatori = Tavolo.coordinatori.through.objects.filter(tavolo_id=tavolo_id)
    utenti = get_user_model().objects.filter(
        Q(pk__in=rappresentanti.values("user_id"))
        | Q(pk__in=Membro.objects.filter(tavolo_id=tavolo_id).values("utente_id"))
        | Q(pk__in=operatori.values("user_id"))
        | Q(pk__in=coordinatori.values("user_id")),
        is_active=True,
    )
    indirizzi += utenti.values_list("email", flat=True)
    return posta.indirizzi_unici(indirizzi)


def quando(incontro) -> str:
    """E.g. "martedì 14 ottobre 2025, 17:30–19:00", in Europe/Rome."""
    inizio = incontro.inizio.astimezone(ROMA)
    fine = incontro.fine.astimezone(ROMA)
    if inizio.date() == fine.date():
        return f"{posta.giorno(inizio)}, {inizio:%H:%M}–{fine:%H:%M}"
    return f"{posta.giorno(inizio)}, {inizio:%H:%M} – {posta.giorno(fine)}, {fine:%H:%M}"


def _oggetto(incontro, aggiornamento):
    # A line break in a subject would make Django refuse the whole message (BadHeaderError).
    valori = {
        "tavolo": incontro.tavolo.titolo,
        "titolo": incontro.titolo,
        "data": posta.giorno(incontro.inizio),
    }
    if aggiornamento:
        return in_una_riga(_("Aggiornamento: %(tavolo)s — %(titolo)s, %(data)s") % valori)
    return in_una_riga(_("Invito: %(tavolo)s — %(titolo)s, %(data)s") % valori)


def _corpo(incontro, url, aggiornamento):
    tavolo = incontro.tavolo
    if aggiornamento:
        apertura = _("L'incontro del tavolo «%(tavolo)s» è stato modificato.")
    else:
        apertura = _("Sei invitato all'incontro del tavolo «%(tavolo)s».")
    righe = [
        apertura % {"tavolo": tavolo.titolo},
        "",
        incontro.titolo,
        _("Quando: %(quando)s") % {"quando": quando(incontro)},
    ]
    if incontro.luogo:
        righe.append(_("Dove: %(luogo)s") % {"luogo": incontro.luogo})
    elif incontro.link_online:
        righe.append(_("Dove: online"))
    righe += ["", descrizione(incontro, url=url), ""]
    righe.append(
        _(
            "In allegato trovi l'invito (invito.ics) da aggiungere al tuo calendario. "
            "Questo messaggio è inviato automaticamente dal portale del Piano di Zona "
            "dell'ambito %(ambito)s."
        )
        % {"ambito": tavolo.ambito.nome}
    )
    return "\n".join(righe)


def notifica_revisione(incontro, *, base_url=None) -> int:
    """Tell everyone concerned that the minutes await their reading and comments."""
    destinatari = destinatari_incontro(incontro)
    if not destinatari:
        return 0
    tavolo = incontro.tavolo
    url = posta.base_url(base_url) + percorso_incontro(incontro)
    with translation.override(settings.LANGUAGE_CODE):
        valori = {"tavolo": tavolo.titolo, "titolo": incontro.titolo, "url": url}
        oggetto = in_una_riga(_("Verbale in revisione: %(tavolo)s — %(titolo)s") % valori)
        corpo = (
            _(
                "Il verbale dell'incontro «%(titolo)s» del tavolo «%(tavolo)s» è pronto per la "
                "revisione. Puoi leggerlo e commentarlo qui:\n\n%(url)s\n"
            )
            % valori
        )
    return posta.invia(posta.messaggio(oggetto, corpo, d) for d in destinatari)


def invia_inviti(incontro, *, aggiornamento=False, base_url=None) -> int:
    """Send the invitation to every recipient, one message each so that nobody sees the others'
    addresses. Returns how many messages were sent.

    For an update the caller raises `incontro.sequenza_ics` first: calendar apps replace the
    event they hold with the one of higher SEQUENCE.
    """
    destinatari = destinatari_incontro(incontro)
    if not destinatari:
        return 0
    tavolo = incontro.tavolo
    url = posta.base_url(base_url) + percorso_incontro(incontro)
    with translation.override(settings.LANGUAGE_CODE):
        oggetto = _oggetto(incontro, aggiornamento)
        corpo = _corpo(incontro, url, aggiornamento)
        evento = evento_incontro(incontro, url=url)
        messaggi = []
        for destinatario in destinatari:
            ics = calendario(
                [evento], nome=tavolo.titolo, metodo="REQUEST", partecipante=destinatario
            )
            messaggio = posta.messaggio(
                oggetto, corpo, destinatario, rispondi_a=tavolo.ambito.email_ufficio_piano
            )
            messaggio.attach(posta.allegato_ics(ics, nome_file="invito.ics"))
            messaggi.append(messaggio)
    return posta.invia(messaggi)
