"""What every e-mail of the portal shares: the portal's address in links, the recipients' list,
one message per recipient, the calendar attachment, the sending on one connection. The texts
are each app's own (tavoli/notifiche.py, assemblea/notifiche.py)."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.message import SafeMIMEText
from django.utils import formats

from .calendario import ROMA

BASE_URL_PREDEFINITO = "http://127.0.0.1:8000"


def base_url(base_url: str | None = None) -> str:
    """The portal's address the links of a message start with, without the trailing slash:
    `base_url` if given, else the PDZ_BASE_URL setting, else the development server's.

    A message is sent by a worker, outside any request: the host cannot come from one.
    """
    return (base_url or getattr(settings, "PDZ_BASE_URL", "") or BASE_URL_PREDEFINITO).rstrip("/")


def indirizzi_unici(indirizzi: Iterable[str | None]) -> list[str]:
    """The non-empty addresses, stripped, each once whatever its case (the first spelling wins),
    sorted ignoring case."""
    unici = {}
    for indirizzo in indirizzi:
        indirizzo = (indirizzo or "").strip()
        if indirizzo:
            unici.setdefault(indirizzo.casefold(), indirizzo)
    return [unici[chiave] for chiave in sorted(unici)]


def messaggio(oggetto: str, corpo: str, destinatario: str, *, rispondi_a: str = "") -> EmailMessage:
    """A message to one recipient, so that nobody sees the others' addresses; replies go to
    `rispondi_a` when there is one (the office that organises, not the portal's no-reply)."""
    return EmailMessage(
        oggetto, corpo, to=[destinatario], reply_to=[rispondi_a] if rispondi_a else None
    )


def allegato_ics(contenuto: bytes, *, nome_file: str, metodo: str = "REQUEST") -> SafeMIMEText:
    """The calendar part of an invitation, `text/calendar; method=...` as mail clients want it
    to offer "add to calendar"."""
    # Built by hand because Django, given "text/calendar; method=REQUEST; charset=utf-8" as the
    # mimetype of attach(), would repeat the charset parameter in the header.
    parte = SafeMIMEText(contenuto.decode(), "calendar", "utf-8")
    parte.set_param("method", metodo)
    parte.add_header("Content-Disposition", "attachment", filename=nome_file)
    return parte


def invia(messaggi: Iterable[EmailMessage]) -> int:
    """Send every message on one connection (one SMTP session, not one per recipient); returns
    how many were sent."""
    return get_connection().send_messages(list(messaggi)) or 0


def giorno(momento) -> str:
    """E.g. "martedì 14 ottobre 2025", the day in Europe/Rome, for running text."""
    # Django's Italian names are capitalised; in running text Italian writes them lowercase.
    return formats.date_format(momento.astimezone(ROMA), "l j F Y").lower()
