"""Who writes, reviews and reads the Piano di Zona (rule: see accounts.permissions).

The Ufficio di Piano writes the plan. The sindaci and delegati of the ambito review it: they read
it from the moment it is sent for review, comment while it is in review, and always read the
frozen versions. Nobody else sees it.
"""

from accounts.permissions import can_manage_ambito, check_access, is_sindaco_ambito

from .models import Piano

_STATI_PER_I_SINDACI = ("in_revisione", "per_assemblea", "approvato", "respinto")


def can_view_piani(user, ambito) -> bool:
    """The pages of the ambito's plans (the list apart, open to every role); each plan is then
    shown only if can_view_piano says so."""
    return can_manage_ambito(user, ambito) or is_sindaco_ambito(user, ambito)


def can_edit_piano(user, piano) -> bool:
    return can_manage_ambito(user, piano.ambito)


def can_view_piano(user, piano) -> bool:
    return can_edit_piano(user, piano) or (
        is_sindaco_ambito(user, piano.ambito) and piano.stato in _STATI_PER_I_SINDACI
    )


def can_comment_piano(user, piano) -> bool:
    return can_edit_piano(user, piano) or (
        is_sindaco_ambito(user, piano.ambito) and piano.stato == "in_revisione"
    )


def can_resolve_commento(user, commento, piano) -> bool:
    """Mark a comment resolved or reopen it: whoever may comment on the plan now, if she wrote
    it or is the Ufficio di Piano (a sindaco closes only her own threads, never a colleague's)."""
    return can_comment_piano(user, piano) and (
        can_edit_piano(user, piano) or commento.autore_id == user.pk
    )


def can_view_versione(user, versione) -> bool:
    ambito = versione.piano.ambito
    return can_manage_ambito(user, ambito) or is_sindaco_ambito(user, ambito)


def get_piano_for_reader(user, ambito, pk) -> Piano:
    piano = Piano.objects.select_related("ambito", "periodo").filter(ambito=ambito, pk=pk).first()
    check_access(can_view=piano is not None and can_view_piano(user, piano))
    return piano


def get_piano_for_editor(user, ambito, pk) -> Piano:
    piano = get_piano_for_reader(user, ambito, pk)
    check_access(can_act=can_edit_piano(user, piano))
    return piano
