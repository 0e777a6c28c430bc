"""Invitations to the meetings of a table, by e-mail with the event attached."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.core.mail.message import SafeMIMEText
from django.db.models import Q
from django.utils import formats, translation
from django.utils.translation import gettext as _

from accounts.models import Ruolo
from core.validatori import in_una_riga

from .calendario import ROMA, calendario, descrizione, percorso_incontro
from .models import Membro, Tavolo

BASE_URL_PREDEFINITO = "http://127.0.0.1:8000"


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

    unici = {}
    for indirizzo in indirizzi:
        indirizzo = (indirizzo or "").strip()
        if indirizzo:
            unici.setdefault(indirizzo.casefold(), indirizzo)
    return [unici[chiave] for chiave in sorted(unici)]


def _giorno(momento):
    # Django's Italian names are capitalised; in running text Italian writes them lowercase.
    return formats.date_format(momento, "l j F Y").lower()


def quando(incontro) -> str:
    """E.g. "martedì 14 ottobre 2025, 17:30–19:00", in Europe/Rome."""
    inizio = incontro.inizio.astimezone(ROMA)
    fine = incontro.fine.astimezone(ROMA)
    if inizio.date() == fine.date():
        return f"{_giorno(inizio)}, {inizio:%H:%M}–{fine:%H:%M}"
    return f"{_giorno(inizio)}, {inizio:%H:%M} – {_giorno(fine)}, {fine:%H:%M}"


def _oggetto(incontro, aggiornamento):
    # A line break in a subject would make Django refuse the whole message (BadHeaderError).
    valori = {
        "tavolo": incontro.tavolo.titolo,
        "titolo": incontro.titolo,
        "data": _giorno(incontro.inizio.astimezone(ROMA)),
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


def _allegato_ics(contenuto):
    # Built by hand because Django, given "text/calendar; method=REQUEST; charset=utf-8" as the
    # mimetype of attach(), would repeat the charset parameter in the header.
    parte = SafeMIMEText(contenuto.decode(), "calendar", "utf-8")
    parte.set_param("method", "REQUEST")
    parte.add_header("Content-Disposition", "attachment", filename="invito.ics")
    return parte


def _base_url(base_url=None):
    return (base_url or getattr(settings, "PDZ_BASE_URL", "") or BASE_URL_PREDEFINITO).rstrip("/")


def notifica_revisione(incontro, *, base_url=None) -> int:
    """Tell everyone concerned that the minutes await their reading and comments."""
    destinatari = destinatari_incontro(incontro)
    if not destinatari:
        return 0
    tavolo = incontro.tavolo
    url = _base_url(base_url) + percorso_incontro(incontro)
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
    messaggi = [EmailMessage(oggetto, corpo, to=[d]) for d in destinatari]
    return get_connection().send_messages(messaggi) or 0


def invia_inviti(incontro, *, aggiornamento=False, base_url=None) -> int:
    """Send the invitation to every recipient, one message each so that nobody sees the others'
    addresses. Returns how many messages were sent.

    For an update the caller raises `incontro.sequenza_ics` first: calendar apps replace the
    event they hold with the one of higher SEQUENCE.
    """
    base_url = _base_url(base_url)
    destinatari = destinatari_incontro(incontro)
    if not destinatari:
        return 0
    tavolo = incontro.tavolo
    url = base_url + percorso_incontro(incontro)
    reply_to = [tavolo.ambito.email_ufficio_piano] if tavolo.ambito.email_ufficio_piano else None
    with translation.override(settings.LANGUAGE_CODE):
        oggetto = _oggetto(incontro, aggiornamento)
        corpo = _corpo(incontro, url, aggiornamento)
        messaggi = []
        for destinatario in destinatari:
            ics = calendario(
                [incontro],
                nome=tavolo.titolo,
                metodo="REQUEST",
                url_di=lambda _incontro: url,
                partecipante=destinatario,
            )
            messaggio = EmailMessage(oggetto, corpo, to=[destinatario], reply_to=reply_to)
            messaggio.attach(_allegato_ics(ics))
            messaggi.append(messaggio)
    connessione = get_connection()
    return connessione.send_messages(messaggi) or 0
