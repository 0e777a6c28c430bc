"""The audit trail (django-auditlog): which models it records, what it leaves out, and how each
entry knows its request and its ambito.

Registered here, in the project layer, because the list spans every app and only pdz may import
them all; `PdzConfig.ready()` calls `registra_modelli()`.

What every entry carries:
- who: the user of the request (auditlog's middleware, subclassed below so that the address is
  the one pdz.proxy settled, not a header the client typed); None in a task or a command;
- when, and what changed, field by field, before and after;
- from which request: `cid` is the request id of pdz.osservabilita (the X-Request-ID the error
  page and the logs show), or `celery:<task>:<id>` in a task, or `comando:<name>` in a command;
- the ambito the object belongs to, as `additional_data["ambito_id"]`, so that the Ufficio di
  Piano's page (pdz/attivita.py) selects its entries with one indexed key. Enti and users belong
  to every ambito they are registered in or hold a role in: for them the page asks the register
  and the roles at read time (`AMBITO_AL_MOMENTO_DELLA_LETTURA`).

What never enters it: passwords, login times and calendar tokens; the choice of a ballot
(`Voto.scelta`, for every vote: a list of entries cannot tell a secret vote from an open one,
and an open vote's choices are public in the portal anyway) and its receipt code, which
pdz.osservabilita keeps out of every log too. `EventoVoto`, the ballots' own append-only log, is
not registered: its text names the receipt. The long texts that keep their own history
(a section's text, the minutes, the frozen plan's HTML) are left out; their version numbers stay,
so the trail says who changed them and when, and the revisions say what.
"""

import sys

from auditlog.middleware import AuditlogMiddleware as _AuditlogMiddleware
from auditlog.registry import auditlog
from celery import current_task
from django.contrib.auth import get_user_model

from .osservabilita import request_id_corrente


class AuditlogMiddleware(_AuditlogMiddleware):
    """auditlog's middleware, with the client address pdz.proxy settled in REMOTE_ADDR: the
    library would take the left-most X-Forwarded-For, which is whatever the client wrote."""

    @staticmethod
    def _get_remote_addr(request):
        return request.META.get("REMOTE_ADDR")

    @staticmethod
    def _get_remote_port(request):
        return None


def correlazione() -> str | None:
    """AUDITLOG_CID_GETTER: what the entry was written by, to find it in the logs."""
    richiesta = request_id_corrente()
    if richiesta:
        return richiesta
    task = current_task
    if task and task.request.id:
        return f"celery:{task.name}:{task.request.id}"[:255]
    if len(sys.argv) > 1 and sys.argv[0].endswith("manage.py"):
        return f"comando:{sys.argv[1]}"[:255]
    return None


def _modelli():
    """(model, path from the model to its ambito's id or None, registration options)."""
    from accounts.models import Ruolo
    from ambiti.models import (
        Ambito,
        Candidatura,
        Comune,
        Ente,
        Iscrizione,
        Popolazione,
        SubAmbito,
    )
    from assemblea.models import (
        Delega,
        PuntoOdg,
        QuotaComune,
        Recepimento,
        RegolaVoto,
        Seduta,
        Votazione,
        Voto,
    )
    from assemblea.models import Presenza as PresenzaSeduta
    from obiettivi.models import (
        Azione,
        Destinatario,
        Disponibilita,
        Indicatore,
        Obiettivo,
        Risorsa,
        RisorsaAzione,
        SpesaEffettiva,
        ValoreIndicatore,
        Valutazione,
    )
    from piani.models import Piano, Sezione, VersionePiano
    from tavoli.models import Esito, Incontro, Membro, Tavolo
    from tavoli.models import Presenza as PresenzaIncontro

    User = get_user_model()
    return [
        # ambiti: the territory as it bears on votes (population weighs them), the register.
        (Ambito, "pk", {"m2m_fields": {"asst"}}),
        (SubAmbito, "ambito_id", {}),
        (Comune, "ambito_id", {}),
        (Popolazione, "comune__ambito_id", {}),
        (Ente, None, {}),
        (Iscrizione, "ambito_id", {"m2m_fields": {"aree_policy"}}),
        # The requests to join it: who accepted or refused them, and why.
        (Candidatura, "ambito_id", {"m2m_fields": {"aree_policy"}}),
        # accounts: people and what they may do.
        (User, None, {"exclude_fields": ["password", "last_login", "token_calendario"]}),
        (Ruolo, "ambito_id", {}),
        # tavoli: tables, their members, meetings, attendance, outcomes and minutes.
        (
            Tavolo,
            "ambito_id",
            {
                "exclude_fields": ["token_calendario"],
                "m2m_fields": {"aree_policy", "coordinatori", "operatori"},
            },
        ),
        (Membro, "tavolo__ambito_id", {}),
        (
            Incontro,
            "tavolo__ambito_id",
            # The minutes' texts are kept by RevisioneVerbale, copy by copy.
            {"exclude_fields": ["verbale", "testo_approvato", "uid", "sequenza_ics"]},
        ),
        (PresenzaIncontro, "incontro__tavolo__ambito_id", {}),
        (Esito, "incontro__tavolo__ambito_id", {}),
        # obiettivi: objectives, actions, resources (theirs, their actions', the funds' available
        # amounts), indicators and the evaluation.
        # The shared target groups (ambito empty) belong to no ambito's page.
        (Destinatario, "ambito_id", {}),
        (
            Obiettivo,
            "ambito_id",
            {"m2m_fields": {"aree_policy", "proposte", "asst", "gruppi_destinatari"}},
        ),
        (Azione, "obiettivo__ambito_id", {"m2m_fields": {"partner"}}),
        (Risorsa, "obiettivo__ambito_id", {}),
        (RisorsaAzione, "azione__obiettivo__ambito_id", {}),
        (Disponibilita, "ambito_id", {}),
        (Indicatore, "obiettivo__ambito_id", {}),
        (ValoreIndicatore, "indicatore__obiettivo__ambito_id", {}),
        (Valutazione, "obiettivo__ambito_id", {}),
        (SpesaEffettiva, "obiettivo__ambito_id", {}),
        # piani: the plan's states, its sections (their texts are in RevisioneSezione), the
        # frozen versions (their HTML has a checksum).
        (Piano, "ambito_id", {}),
        (Sezione, "piano__ambito_id", {"exclude_fields": ["testo"]}),
        (VersionePiano, "piano__ambito_id", {"exclude_fields": ["html"]}),
        # assemblea: rules, sessions, agenda, proxies, attendance, votes, adoptions.
        (RegolaVoto, "ambito_id", {}),
        (QuotaComune, "regola__ambito_id", {}),
        (Seduta, "ambito_id", {}),
        (PuntoOdg, "seduta__ambito_id", {}),
        (Delega, "seduta__ambito_id", {}),
        (PresenzaSeduta, "seduta__ambito_id", {}),
        (Votazione, "punto__seduta__ambito_id", {}),
        (
            Voto,
            "votazione__punto__seduta__ambito_id",
            {"exclude_fields": list(CAMPI_SEGRETI_VOTO)},
        ),
        (Recepimento, "comune__ambito_id", {}),
    ]


# A ballot's choice and its receipt code: never in the trail, whatever the vote.
CAMPI_SEGRETI_VOTO = ("scelta", "ricevuta")

# Filled by registra_modelli(): model → path to its ambito's id (None: read-time, see above).
PERCORSI_AMBITO: dict = {}


def modelli_registrati() -> list:
    return list(PERCORSI_AMBITO)


def ambito_di(istanza, percorso: str | None) -> int | None:
    """The id of the instance's ambito, following `percorso` (Django lookup syntax) through the
    relations already loaded and, past the first that is not, with one query."""
    if percorso is None:
        return None
    oggetto = istanza
    passi = percorso.split("__")
    for i, passo in enumerate(passi[:-1]):
        campo = oggetto._meta.get_field(passo)
        if campo.is_cached(oggetto):
            oggetto = campo.get_cached_value(oggetto)
            if oggetto is None:
                return None
            continue
        chiave = getattr(oggetto, campo.attname)
        if chiave is None:
            return None
        resto = "__".join(passi[i + 1 :])
        return (
            campo.related_model._base_manager.filter(pk=chiave)
            .values_list(resto, flat=True)
            .first()
        )
    return getattr(oggetto, passi[-1])


def _dati_aggiuntivi(percorso):
    def get_additional_data(self):
        # auditlog calls this on the instance it records (create, change, delete, m2m).
        ambito_id = ambito_di(self, percorso)
        return {"ambito_id": ambito_id} if ambito_id is not None else None

    return get_additional_data


def registra_modelli() -> None:
    """Register every audited model with auditlog, once."""
    for modello, percorso, opzioni in _modelli():
        if auditlog.contains(modello):
            continue
        if hasattr(modello, "get_additional_data"):
            raise RuntimeError(f"{modello.__name__} defines get_additional_data already.")
        PERCORSI_AMBITO[modello] = percorso
        modello.get_additional_data = _dati_aggiuntivi(percorso)
        # auditlog appends to the lists it is given: a fresh copy for each model.
        auditlog.register(
            modello,
            exclude_fields=list(opzioni.get("exclude_fields", [])),
            m2m_fields=set(opzioni.get("m2m_fields", set())),
        )
