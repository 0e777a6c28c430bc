"""Who writes, reviews and reads the Piano di Zona (rule: see accounts.permissions).

The Ufficio di Piano writes the plan. The sindaci and delegati of the ambito review it: they read
it from the moment it is sent for review, comment while it is in review, and always read the
frozen versions. The participating enti of the ambito (a role of an ente with an active
registration in the ambito's register) read it while it is in review, frozen for the Assemblea
or approved, and always read the frozen versions; they comment only while it is in review and
the Ufficio di Piano has opened the review to them (Piano.revisione_enti_aperta). A draft is the
Ufficio's alone; a rejected plan, about to be rewritten, stays with the sindaci who rejected it
(the enti still read its frozen versions). Nobody else sees it.
"""

from accounts.permissions import (
    Tipo,
    can_manage_ambito,
    check_access,
    is_sindaco_ambito,
    ruoli_di,
)
from ambiti.models import Iscrizione

from .models import Piano

_STATI_PER_I_SINDACI = ("in_revisione", "per_assemblea", "approvato", "respinto")
_STATI_PER_GLI_ENTI = ("in_revisione", "per_assemblea", "approvato")


def is_ente_partecipante(user, ambito) -> bool:
    """A role of an ente whose registration in the ambito's register is active (read once per
    request: the ambiti whose register lists one of the user's enti)."""
    enti = {r.ente_id for r in ruoli_di(user) if r.tipo == Tipo.ENTE and r.ambito_id == ambito.pk}
    if not enti:
        return False
    cache = getattr(user, "_pdz_ambiti_ente", None)
    if cache is None:
        tutti = {r.ente_id for r in ruoli_di(user) if r.tipo == Tipo.ENTE}
        cache = set(
            Iscrizione.objects.attive()
            .filter(ente_id__in=tutti)
            .values_list("ambito_id", "ente_id")
        )
        user._pdz_ambiti_ente = cache
    return any((ambito.pk, ente) in cache for ente in enti)


def can_view_piani(user, ambito) -> bool:
    """The pages of the ambito's plans (the list apart, open to every role); each plan is then
    shown only if can_view_piano says so."""
    return (
        can_manage_ambito(user, ambito)
        or is_sindaco_ambito(user, ambito)
        or is_ente_partecipante(user, ambito)
    )


def can_edit_piano(user, piano) -> bool:
    return can_manage_ambito(user, piano.ambito)


def can_view_piano(user, piano) -> bool:
    return (
        can_edit_piano(user, piano)
        or (is_sindaco_ambito(user, piano.ambito) and piano.stato in _STATI_PER_I_SINDACI)
        or (is_ente_partecipante(user, piano.ambito) and piano.stato in _STATI_PER_GLI_ENTI)
    )


def can_comment_piano(user, piano) -> bool:
    if can_edit_piano(user, piano):
        return True
    if piano.stato != Piano.Stato.IN_REVISIONE:
        return False
    return is_sindaco_ambito(user, piano.ambito) or (
        piano.revisione_enti_aperta and is_ente_partecipante(user, piano.ambito)
    )


def can_resolve_commento(user, commento, piano) -> bool:
    """Mark a comment resolved or reopen it: whoever may comment on the plan now, if she wrote
    it or is the Ufficio di Piano (a sindaco or an ente closes only her own threads, never a
    colleague's)."""
    return can_comment_piano(user, piano) and (
        can_edit_piano(user, piano) or commento.autore_id == user.pk
    )


def can_view_versioni(user, ambito) -> bool:
    """The frozen versions of the ambito's plans: the documents put to the Assemblea."""
    return can_view_piani(user, ambito)


def can_view_versione(user, versione) -> bool:
    return can_view_versioni(user, versione.piano.ambito)


def get_piano_for_reader(user, ambito, pk) -> Piano:
    piano = Piano.objects.select_related("ambito", "periodo").filter(ambito=ambito, pk=pk).first()
    check_access(can_view=piano is not None and can_view_piano(user, piano))
    return piano


def get_piano_for_editor(user, ambito, pk) -> Piano:
    piano = get_piano_for_reader(user, ambito, pk)
    check_access(can_act=can_edit_piano(user, piano))
    return piano
