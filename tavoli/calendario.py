"""iCalendar data for the meetings of the tables: subscribable feeds and e-mail invitations.

Times are written in Europe/Rome with the VTIMEZONE that defines it, not in UTC: a meeting at
17:30 stays at 17:30 for whoever opens it, also across a change of daylight saving rules.
"""

import datetime
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from core.validatori import in_una_riga

ROMA = ZoneInfo("Europe/Rome")
PRODID = "-//pdz//Piano di Zona//IT"


def percorso_incontro(incontro):
    """Path of the meeting's page in the portal."""
    from django.urls import reverse

    tavolo = incontro.tavolo
    return reverse(
        "tavoli:incontro",
        kwargs={"slug": tavolo.ambito.slug, "pk": tavolo.pk, "ipk": incontro.pk},
    )


def _indirizzo(email):
    return vCalAddress(f"mailto:{email}")


def _organizzatore():
    nome, indirizzo = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizzatore = _indirizzo(indirizzo or settings.DEFAULT_FROM_EMAIL)
    if nome:
        organizzatore.params["CN"] = vText(nome)
    return organizzatore


def descrizione(incontro, *, url=None):
    """Plain text of the agenda and the links, shared by the event and the e-mail body."""
    parti = []
    punti = incontro.punti_odg
    if punti:
        righe = [_("Ordine del giorno:")]
        righe += [f"{numero}. {punto}" for numero, punto in enumerate(punti, start=1)]
        parti.append("\n".join(righe))
    collegamenti = []
    if incontro.link_online:
        collegamenti.append(_("Partecipazione online: %(link)s") % {"link": incontro.link_online})
    if url:
        collegamenti.append(_("Pagina dell'incontro: %(url)s") % {"url": url})
    if collegamenti:
        parti.append("\n".join(collegamenti))
    return "\n\n".join(parti)


def evento(incontro, *, metodo_request=False, url=None, partecipante=None):
    """The VEVENT of one meeting; `incontro.tavolo` should already be loaded.

    As an invitation (METHOD:REQUEST) RFC 5546 wants at least one ATTENDEE: `partecipante` is
    the address the invitation goes to. Replies are not collected, hence RSVP=FALSE.
    """
    event = Event()
    event.add("uid", f"{incontro.uid}@pdz")
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", incontro.inizio.astimezone(ROMA))
    event.add("dtend", incontro.fine.astimezone(ROMA))
    event.add("sequence", incontro.sequenza_ics)
    event.add("summary", in_una_riga(f"{incontro.tavolo.titolo} — {incontro.titolo}"))
    if incontro.luogo or incontro.link_online:
        event.add("location", incontro.luogo or incontro.link_online)
    testo = descrizione(incontro, url=url)
    if testo:
        event.add("description", testo)
    if url or incontro.link_online:
        event.add("url", url or incontro.link_online)
    if incontro.creato_il:
        event.add("created", incontro.creato_il.astimezone(datetime.UTC))
    event.add("status", "CONFIRMED")
    event.add("organizer", _organizzatore())
    if metodo_request and partecipante:
        invitato = _indirizzo(partecipante)
        invitato.params["ROLE"] = "REQ-PARTICIPANT"
        invitato.params["PARTSTAT"] = "NEEDS-ACTION"
        invitato.params["RSVP"] = "FALSE"
        event.add("attendee", invitato)
    return event


def calendario(incontri, *, nome, metodo=None, url_di=None, partecipante=None):
    """The VCALENDAR of the meetings, as bytes ready to be served or attached.

    `metodo="REQUEST"` makes it an invitation; `url_di`, if given, maps a meeting to the
    absolute URL of its page.
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
    incontri = list(incontri)
    for incontro in incontri:
        cal.add_component(
            evento(
                incontro,
                metodo_request=metodo == "REQUEST",
                url=url_di(incontro) if url_di else None,
                partecipante=partecipante,
            )
        )
    if incontri:
        # The transitions only for the years the meetings span: a feed of a few meetings would
        # otherwise carry seventy years of daylight saving dates.
        primo = min(i.inizio.astimezone(ROMA) for i in incontri).date()
        ultimo = max(i.fine.astimezone(ROMA) for i in incontri).date()
        cal.add_missing_timezones(
            first_date=datetime.date(primo.year - 1, 1, 1),
            last_date=datetime.date(ultimo.year + 2, 1, 1),
        )
    return cal.to_ical()
