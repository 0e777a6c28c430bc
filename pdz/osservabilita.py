"""What the portal tells the people who run it: one line per event on stdout (JSON in
production), each with the request id, the user id and the ambito of the request it belongs to;
errors by e-mail to ADMINS (pdz/rapporti.py) and, when SENTRY_DSN is set, to Sentry.

None of them ever carries a password, a receipt code or the choice of a secret ballot. Three
layers keep them out: the views mark their sensitive POST fields (sensitive_post_parameters);
logs, reports and Sentry events drop every value whose name says it is secret (RISERVATE); and
every text is searched for the shape of a receipt code before it leaves the process, because a
code can turn up anywhere: a URL, an exception message, a repr.

This module is imported by the settings (for Sentry) and by the logging configuration: it must
not import Django's models, views or settings.
"""

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import getaddresses

import sentry_sdk
from celery import current_task
from django.utils.functional import LazyObject, empty
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

# --- What is secret -------------------------------------------------------------------------

RISERVATO = "[riservato]"
# Names of fields, keys and variables whose value never leaves the process: passwords and
# tokens, the session and CSRF cookies, receipt codes (`ricevuta`, the `codice` the receipt
# check asks for) and ballot choices (`scelta`).
RISERVATE = re.compile(
    r"pass|secret|token|csrf|session|cookie|authorization|ricevut|codice|scelt", re.IGNORECASE
)
# A receipt code as assemblea.models.nuovo_codice_ricevuta makes it: five groups of four hex
# digits. Matched in any text, whatever its name.
CODICE_RICEVUTA = re.compile(r"\b[0-9A-F]{4}(?:-[0-9A-F]{4}){4}\b", re.IGNORECASE)


def maschera_testo(testo: str) -> str:
    return CODICE_RICEVUTA.sub(RISERVATO, testo)


def maschera_dati(valore, chiave=""):
    """The value with every secret field, at any depth, replaced by RISERVATO."""
    if chiave and RISERVATE.search(str(chiave)):
        return RISERVATO
    if isinstance(valore, str):
        return maschera_testo(valore)
    if isinstance(valore, Mapping):
        return {k: maschera_dati(v, k) for k, v in valore.items()}
    if isinstance(valore, list | tuple):
        return type(valore)(maschera_dati(v) for v in valore)
    return valore


def amministratori(testo: str) -> list[tuple[str, str]]:
    """ADMINS from DJANGO_ADMINS: "Nome Cognome <a@b.it>, altro@c.it"."""
    return [(nome, indirizzo) for nome, indirizzo in getaddresses([testo]) if indirizzo]


# --- The request a log record belongs to ----------------------------------------------------


@dataclass
class ContestoRichiesta:
    request_id: str
    user_id: int | None = None
    ambito: str | None = None


_contesto: contextvars.ContextVar[ContestoRichiesta | None] = contextvars.ContextVar(
    "pdz_contesto_richiesta", default=None
)


def request_id_corrente() -> str | None:
    contesto = _contesto.get()
    return contesto.request_id if contesto else None


# An id from the proxy in front (nginx's $request_id, a UUID) is kept so that its log and ours
# can be joined; anything else could forge or break a log line, so it is replaced.
_REQUEST_ID_VALIDO = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")


def _nuovo_request_id(proposto: str) -> str:
    return proposto if _REQUEST_ID_VALIDO.fullmatch(proposto) else uuid.uuid4().hex


def _id_utente(request) -> int | None:
    """The user's id if the request has already loaded the user: never a query of its own
    (the health check must answer with the database down)."""
    utente = getattr(request, "user", None)
    if utente is None or (isinstance(utente, LazyObject) and utente._wrapped is empty):
        return None
    return utente.pk if utente.is_authenticated else None


def _percorso(request) -> str:
    """The path without the query string, and without the tokens some paths carry (calendar
    feeds, password reset links)."""
    percorso = request.path
    match = request.resolver_match
    if match is not None:
        for nome, valore in match.kwargs.items():
            if RISERVATE.search(nome) and valore:
                percorso = percorso.replace(str(valore), RISERVATO)
    return percorso


registro_richieste = logging.getLogger("pdz.richieste")


class RichiestaMiddleware:
    """Gives every request an id, echoed in the X-Request-ID response header, puts the id, the
    user and the ambito on every log record written while it runs (FiltroContesto), and writes
    the request's own line: method, path, status, duration.

    Placed after SecurityMiddleware and WhiteNoise: static files are not logged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        contesto = ContestoRichiesta(_nuovo_request_id(request.headers.get("X-Request-ID", "")))
        request.request_id = contesto.request_id
        token = _contesto.set(contesto)
        inizio = time.perf_counter()
        try:
            sentry_sdk.set_tag("request_id", contesto.request_id)
            response = self.get_response(request)
            durata = round((time.perf_counter() - inizio) * 1000, 1)
            # A login changes the user during the request.
            contesto.user_id = _id_utente(request) or contesto.user_id
            response["X-Request-ID"] = contesto.request_id
            status = response.status_code
            livello = (
                logging.ERROR
                if status >= 500
                else logging.WARNING
                if status >= 400
                else logging.INFO
            )
            percorso = _percorso(request)
            registro_richieste.log(
                livello,
                "%s %s %s",
                request.method,
                percorso,
                status,
                extra={
                    "method": request.method,
                    "path": percorso,
                    "status": status,
                    "duration_ms": durata,
                },
            )
            return response
        finally:
            _contesto.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        contesto = _contesto.get()
        if contesto is None:
            return None
        match = request.resolver_match
        if match is not None and match.route.startswith("ambiti/"):
            contesto.ambito = view_kwargs.get("slug")
            sentry_sdk.set_tag("ambito", contesto.ambito)
        if getattr(view_func, "login_required", True):
            # LoginRequiredMiddleware, next, loads the user anyway.
            request.user.is_authenticated  # noqa: B018
            contesto.user_id = _id_utente(request)
            if contesto.user_id is not None:
                sentry_sdk.set_user({"id": str(contesto.user_id)})
        return None


# --- Logging: filters and formats (settings.LOGGING) ----------------------------------------


class FiltroContesto(logging.Filter):
    """Adds request_id, user_id and ambito to every record (None outside a request), and
    task_id and task_name inside a Celery task."""

    def filter(self, record):
        contesto = _contesto.get()
        for campo in ("request_id", "user_id", "ambito"):
            if not hasattr(record, campo):
                setattr(record, campo, getattr(contesto, campo, None))
        task = current_task
        if task and task.request.id and not hasattr(record, "task_id"):
            record.task_id = task.request.id
            record.task_name = task.name
        return True


_ATTRIBUTI_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "request_id",
    "user_id",
    "ambito",
}


class FiltroRiservato(logging.Filter):
    """Defence in depth: masks the secret values of a record's `extra`, of its arguments by
    name, and the receipt codes in its message, whoever wrote it."""

    def filter(self, record):
        for chiave, valore in list(record.__dict__.items()):
            if chiave not in _ATTRIBUTI_STANDARD:
                record.__dict__[chiave] = maschera_dati(valore, chiave)
        if isinstance(record.args, Mapping):
            record.args = maschera_dati(record.args)
        try:
            messaggio = record.getMessage()
        except Exception:
            # A malformed call is the handler's to report, as logging always does.
            return True
        pulito = maschera_testo(messaggio)
        if pulito != messaggio:
            record.msg, record.args = pulito, None
        return True


class FormatoJson(JsonFormatter):
    """One JSON object per line: timestamp, level, logger, message, the request's context and
    the record's `extra`. Tracebacks go in `exc_info`, escaped onto the same line."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", True)
        kwargs.setdefault("json_ensure_ascii", False)
        # Django puts the request object on its records: its repr has the query string.
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__(*args, **kwargs)

    def format(self, record):
        return maschera_testo(super().format(record))


class FormatoTesto(logging.Formatter):
    """For a developer's terminal (DEBUG): the same fields, read at a glance."""

    def __init__(self, fmt=None, *args, **kwargs):
        fmt = fmt or (
            "%(asctime)s %(levelname)s %(name)s [%(request_id)s u=%(user_id)s a=%(ambito)s] "
            "%(message)s"
        )
        super().__init__(fmt, *args, **kwargs)

    def format(self, record):
        return maschera_testo(super().format(record))


# --- Sentry ---------------------------------------------------------------------------------

# Keys of a Sentry event that describe the program, not the request: left as they are.
_STRUTTURA_SENTRY = {"modules", "sdk", "debug_meta", "_meta"}


def pulisci_evento(evento, _hint=None):
    """before_send: the secret fields and the receipt codes out of the whole event (request
    data, frame variables, breadcrumbs, messages), after Sentry's own EventScrubber."""
    return {
        chiave: valore if chiave in _STRUTTURA_SENTRY else maschera_dati(valore, chiave)
        for chiave, valore in evento.items()
    }


def inizializza_sentry(*, dsn: str, environment: str = "", release: str = "", **opzioni) -> bool:
    """Sentry for the portal and the worker, when a DSN is given; no traces unless
    traces_sample_rate says so. `opzioni` go to sentry_sdk.init (the tests pass a transport).

    No personal data: send_default_pii is left at its default, off (recent sentry-sdk
    deprecates the option, and warns when it is given, in favour of data_collection, whose
    default is the same)."""
    if not dsn:
        return False
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import ignore_logger
    from sentry_sdk.scrubber import DEFAULT_DENYLIST, EventScrubber

    opzioni.setdefault("traces_sample_rate", 0.0)
    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # A frame's variables are masked by name only, and a secret ballot's choices can sit in
        # one under any name (a comune -> choice map while a vote closes): send none of them.
        include_local_variables=False,
        event_scrubber=EventScrubber(
            denylist=[*DEFAULT_DENYLIST, "ricevuta", "codice", "scelta", "password1", "password2"],
            recursive=True,
        ),
        before_send=pulisci_evento,
        before_send_transaction=pulisci_evento,
        **opzioni,
    )
    # A 5xx request line would become a second event beside the exception itself.
    ignore_logger("pdz.richieste")
    return True
