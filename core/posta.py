"""What every e-mail of the portal shares: the portal's address in links, the recipients' list,
one message per recipient, the calendar attachment, the sending on one connection, and the
record of every message with its status (django-post-office), so that the Ufficio di Piano can
prove a convocation went out. The texts are each app's own (tavoli/notifiche.py,
assemblea/notifiche.py, accounts/notifiche.py).

**Which ambito a message belongs to.** post_office's `Email` knows no ambito, and the log page
(ambiti/views_email.py) shows an Ufficio di Piano only its own ambito's messages. The ambito is
written when the message is recorded, in the record's `context` (`{"ambito": id, "tipo": ...}`):
post_office reads `context` only to render a stored template, which these messages never have,
so the tag is never sent to anyone (a header would be) and needs no table of its own or a
join; and core stays free of any app (a model pointing to `ambiti.Ambito` could not live here).
Whoever sends for an ambito says so with `invia(..., ambito_id=...)` or, around code that calls
`invia` without knowing it, `with per_ambito(ambito_id): ...`.
"""

import base64
from collections import OrderedDict
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from email.mime.base import MIMEBase

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.core.mail.message import SafeMIMEText
from django.db import transaction
from django.utils import formats
from post_office import mail as post_office_mail
from post_office.models import STATUS, Email
from post_office.settings import get_backend
from post_office.utils import create_attachments

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


_etichetta: ContextVar[dict | None] = ContextVar("pdz_posta_etichetta", default=None)


@contextmanager
def per_ambito(ambito_id, tipo: str = ""):
    """Every message recorded inside the block belongs to this ambito (see the module's note)."""
    segno = _etichetta.set({"ambito": ambito_id, "tipo": tipo})
    try:
        yield
    finally:
        _etichetta.reset(segno)


def _registra(messaggio: EmailMessage, etichetta: dict | None) -> Email:
    """The record of one message, as post_office's own backend writes it, with the ambito."""
    headers = dict(messaggio.extra_headers)
    if messaggio.reply_to:
        headers.setdefault("Reply-To", ", ".join(str(v) for v in messaggio.reply_to))
    html = next(
        (c for c, tipo in getattr(messaggio, "alternatives", []) if tipo == "text/html"), ""
    )
    email = post_office_mail.create(
        sender=messaggio.from_email,
        recipients=messaggio.to,
        cc=messaggio.cc,
        bcc=messaggio.bcc,
        subject=messaggio.subject,
        message=messaggio.body,
        html_message=html,
        headers=headers or None,
        priority="now",
        commit=False,
    )
    email.context = etichetta
    email.save()
    allegati = {}
    for allegato in messaggio.attachments:
        if isinstance(allegato, MIMEBase):
            # post_office puts the stored bytes back as the part's body, as they are: stored
            # in base64 and said so, the calendar's accented letters survive any mail server.
            intestazioni = OrderedDict(
                (k, v) for k, v in allegato.items() if k.lower() != "content-transfer-encoding"
            )
            intestazioni["Content-Transfer-Encoding"] = "base64"
            allegati[allegato.get_filename()] = {
                "file": ContentFile(base64.encodebytes(allegato.get_payload(decode=True))),
                "mimetype": allegato.get_content_type(),
                "headers": intestazioni,
            }
        else:
            allegati[allegato[0]] = {"file": ContentFile(allegato[1]), "mimetype": allegato[2]}
    if allegati:
        email.attachments.add(*create_attachments(allegati))
    return email


def connessione():
    """A connection to the real backend (post_office's BACKENDS default), not to post_office's:
    the message is recorded here already."""
    return get_connection(get_backend())


def invia(messaggi: Iterable[EmailMessage], *, ambito_id=None, tipo: str = "") -> int:
    """Record every message (post_office.Email, tagged with the ambito) and send them on one
    connection (one SMTP session, not one per recipient); returns how many were sent.

    A message that fails is recorded as failed with its error, not raised: core.tasks retries it
    (a retry of the caller's task would send again to those already served).
    """
    etichetta = {"ambito": ambito_id, "tipo": tipo} if ambito_id else _etichetta.get()
    with transaction.atomic():
        registrati = [_registra(m, etichetta) for m in messaggi]
    return spedisci(registrati)


def spedisci(registrati: list[Email]) -> int:
    """Send recorded messages on one connection; each record gets its status and a log line."""
    if not registrati:
        return 0
    inviati = 0
    collegamento = connessione()
    try:
        collegamento.open()
    except Exception as errore:
        for email in registrati:
            _fallita(email, errore)
        return 0
    try:
        for email in registrati:
            esito = email.dispatch(connection=collegamento, disconnect_after_delivery=False)
            inviati += esito == STATUS.sent
    finally:
        collegamento.close()
    return inviati


def _fallita(email: Email, errore: Exception) -> None:
    email.status = STATUS.failed
    email.save(update_fields=["status"])
    email.logs.create(
        status=STATUS.failed, message=str(errore), exception_type=type(errore).__name__
    )


def riprova(email_id) -> Email | None:
    """Send a failed message again now (the Ufficio di Piano's "Riprova"); None if it is not
    failed any more (sent meanwhile by the periodic retry, or by another click)."""
    # Sent under the row's lock: the periodic retry (core.tasks) waits, then finds it sent.
    with transaction.atomic():
        email = Email.objects.select_for_update().filter(pk=email_id, status=STATUS.failed).first()
        if email is None:
            return None
        email.number_of_retries = (email.number_of_retries or 0) + 1
        email.save(update_fields=["number_of_retries"])
        spedisci([email])
    email.refresh_from_db()
    return email


def giorno(momento) -> str:
    """E.g. "martedì 14 ottobre 2025", the day in Europe/Rome, for running text."""
    # Django's Italian names are capitalised; in running text Italian writes them lowercase.
    return formats.date_format(momento.astimezone(ROMA), "l j F Y").lower()
