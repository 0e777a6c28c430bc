"""iCalendar data of the portal: subscribable feeds and e-mail invitations, whatever the event.

An app maps what it schedules (a table's meeting, a session of the Assemblea) to an `Evento`;
this module writes it. Times are written in Europe/Rome with the VTIMEZONE that defines it, not
in UTC: a meeting at 17:30 stays at 17:30 for whoever opens it, also across a change of daylight
saving rules.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from .validatori import in_una_riga

ROMA = ZoneInfo("Europe/Rome")
PRODID = "-//pdz//Piano di Zona//IT"
# Every UID of the portal ends so, unique across apps as long as each app prefixes its own.
DOMINIO_UID = "pdz"


@dataclass(frozen=True)
class Evento:
    """One VEVENT, as the app that owns it describes it.

    `uid` must stay the same for the life of the event, and `sequenza` grow with every change
    sent out: calendar apps replace the event they hold with the one of higher SEQUENCE.
    """

    uid: str
    titolo: str
    inizio: datetime.datetime
    fine: datetime.datetime
    sequenza: int = 0
    luogo: str = ""
    descrizione: str = ""
    url: str = ""
    creato_il: datetime.datetime | None = None


def descrizione(punti_odg: Iterable[str] = (), *, link_online: str = "", url: str = "") -> str:
    """Plain text of an agenda and of the links, for an event and for the e-mail that carries
    it: the numbered points, then the online link and the page in the portal."""
    parti = []
    punti = list(punti_odg)
    if punti:
        righe = [_("Ordine del giorno:")]
        righe += [f"{numero}. {punto}" for numero, punto in enumerate(punti, start=1)]
        parti.append("\n".join(righe))
    collegamenti = []
    if link_online:
        collegamenti.append(_("Partecipazione online: %(link)s") % {"link": link_online})
    if url:
        collegamenti.append(_("Pagina dell'incontro: %(url)s") % {"url": url})
    if collegamenti:
        parti.append("\n".join(collegamenti))
    return "\n\n".join(parti)


def _indirizzo(email):
    return vCalAddress(f"mailto:{email}")


def organizzatore() -> vCalAddress:
    """The portal's sender address (DEFAULT_FROM_EMAIL), with its display name if it has one."""
    nome, indirizzo = parseaddr(settings.DEFAULT_FROM_EMAIL)
    risultato = _indirizzo(indirizzo or settings.DEFAULT_FROM_EMAIL)
    if nome:
        risultato.params["CN"] = vText(nome)
    return risultato


def vevento(evento: Evento, *, partecipante: str | None = None) -> Event:
    """The VEVENT of `evento`. `partecipante`, for an invitation, is its ATTENDEE.

    As an invitation (METHOD:REQUEST) RFC 5546 wants at least one ATTENDEE: the address the
    invitation goes to. Replies are not collected, hence RSVP=FALSE.
    """
    event = Event()
    event.add("uid", f"{evento.uid}@{DOMINIO_UID}")
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", evento.inizio.astimezone(ROMA))
    event.add("dtend", evento.fine.astimezone(ROMA))
    event.add("sequence", evento.sequenza)
    # A header-like property: a line break saved in a title would break the whole calendar.
    event.add("summary", in_una_riga(evento.titolo))
    if evento.luogo:
        event.add("location", evento.luogo)
    if evento.descrizione:
        event.add("description", evento.descrizione)
    if evento.url:
        event.add("url", evento.url)
    if evento.creato_il:
        event.add("created", evento.creato_il.astimezone(datetime.UTC))
    event.add("status", "CONFIRMED")
    event.add("organizer", organizzatore())
    if partecipante:
        invitato = _indirizzo(partecipante)
        invitato.params["ROLE"] = "REQ-PARTICIPANT"
        invitato.params["PARTSTAT"] = "NEEDS-ACTION"
        invitato.params["RSVP"] = "FALSE"
        event.add("attendee", invitato)
    return event


def calendario(
    eventi: Iterable[Evento],
    *,
    nome: str,
    metodo: str | None = None,
    partecipante: str | None = None,
) -> bytes:
    """The VCALENDAR of `eventi`, as bytes ready to be served or attached.

    `metodo="REQUEST"` makes it an invitation to `partecipante`, written as each event's ATTENDEE.
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if metodo:
        cal.add("method", metodo)
    # icalendar refuses a raw line break here, and the whole feed would fail with it.
    cal.add("x-wr-calname", in_una_riga(nome))
    cal.add("x-wr-timezone", str(ROMA))
    eventi = list(eventi)
    invitato = partecipante if metodo == "REQUEST" else None
    for evento in eventi:
        cal.add_component(vevento(evento, partecipante=invitato))
    if eventi:
        # The transitions only for the years the events span: a feed of a few meetings would
        # otherwise carry seventy years of daylight saving dates.
        primo = min(e.inizio.astimezone(ROMA) for e in eventi).date()
        ultimo = max(e.fine.astimezone(ROMA) for e in eventi).date()
        cal.add_missing_timezones(
            first_date=datetime.date(primo.year - 1, 1, 1),
            last_date=datetime.date(ultimo.year + 2, 1, 1),
        )
    return cal.to_ical()
