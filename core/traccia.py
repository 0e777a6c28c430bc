"""The audit trail for writes that bypass save() and delete().

auditlog records from the model signals; `bulk_create`, `bulk_update` and `QuerySet.update()` send
none (unlike `QuerySet.delete()`, which sends the delete signals row by row), so a service that writes in bulk hands this module the rows as
they were and as they are, and gets the entries a save() would have left: the
same diff (auditlog's, honouring each model's excluded fields), the same `pre_log`/`post_log`
signals, the fields `LogEntry.objects.log_create` fills (the correlation id from
AUDITLOG_CID_GETTER, the additional data from the model's `get_additional_data`) and those
auditlog's context fills on the entry's pre_save (actor, address), exactly as for a
signal-made entry. The entries are then inserted in bulk: an import of a national file
changes some thousand rows, and one INSERT each would be most of its time.
"""

import copy
from collections.abc import Iterable

from auditlog import get_logentry_model
from auditlog.context import auditlog_disabled
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntryManager
from auditlog.registry import auditlog
from auditlog.signals import post_log, pre_log
from django.conf import settings
from django.db.models.signals import pre_save


def istantanee(oggetti: Iterable) -> list:
    """Copies of the rows as they are now, to pass as `vecchi` once they have been changed in
    place (a model's copy has its own state and relation cache)."""
    return [copy.copy(oggetto) for oggetto in oggetti]


def _chiave(oggetto):
    return (type(oggetto)._meta.concrete_model, oggetto.pk)


def registra_modifiche(vecchi: Iterable, nuovi: Iterable) -> int:
    """Log the difference between `vecchi` (the rows before a bulk write) and `nuovi` (after).

    Rows are matched by model and primary key: one only in `nuovi` was created, one in both was
    changed if an audited field differs; an unchanged row leaves no entry, and one only in
    `vecchi` none either: `QuerySet.delete()` sends the delete signals for each row of a model
    with receivers, so auditlog records those itself. Models auditlog does not record are
    skipped. Returns the entries written.
    """
    if auditlog_disabled.get():
        return 0
    LogEntry = get_logentry_model()
    prima = {_chiave(o): o for o in vecchi}
    voci = []
    for istanza in nuovi:
        vecchio = prima.get(_chiave(istanza))
        azione = LogEntry.Action.CREATE if vecchio is None else LogEntry.Action.UPDATE
        modello = type(istanza)
        if not auditlog.contains(modello):
            continue
        risultati = pre_log.send(modello, instance=istanza, action=azione)
        if any(risposta is False for _ricevitore, risposta in risultati):
            continue
        modifiche = model_instance_diff(vecchio, istanza, use_json_for_changes=_json())
        if not modifiche:
            continue
        voce = _Raccolta(LogEntry).log_create(istanza, action=azione, changes=modifiche)
        # What auditlog's context (set_actor, set by its middleware) does to an entry saved.
        pre_save.send(LogEntry, instance=voce, raw=False, using=None, update_fields=None)
        voci.append((modello, istanza, azione, vecchio, modifiche, risultati, voce))

    LogEntry.objects.bulk_create([voce for *_resto, voce in voci], batch_size=500)
    for modello, istanza, azione, vecchio, modifiche, risultati, voce in voci:
        post_log.send(
            modello,
            instance=istanza,
            instance_old=vecchio,
            action=azione,
            error=None,
            pre_log_results=risultati,
            changes=modifiche,
            log_entry=voce,
            log_created=True,
            use_json_for_changes=_json(),
        )
    return len(voci)


def _json() -> bool:
    return settings.AUDITLOG_STORE_JSON_CHANGES


class _Raccolta(LogEntryManager):
    """auditlog's manager, whose log_create fills an entry's fields, with `create` building
    the entry without saving it, so that the entries go in with one bulk INSERT."""

    def __init__(self, modello):
        super().__init__()
        self.model = modello

    def create(self, **campi):
        return self.model(**campi)
