"""Who may see or do what (ARCHITECTURE.md, "Who may do what"): the roles, and the rule every
app's helpers follow.

Each app keeps its own helpers in its `permissions` module, named alike everywhere:

- predicates `can_view_X`, `can_edit_X`, `can_manage_X` (and the domain ones, such as
  `can_approve_verbale` or `can_comment_piano`) answer "may this user do Y to X?", for views and
  templates alike;
- access helpers `get_X_for_reader(user, ...)`, `get_X_for_editor(user, ...)` and
  `get_X_for_manager(user, ...)` fetch an object for a user or refuse.

The rule of every refusal: Http404 when the user may not even know the object exists (another
ambito's data, a table she does not belong to), PermissionDenied when she may see it but not do
what she asked. `check_access` is that rule in code: helpers and views call it rather than raising.

This module reads only Ruolo: it sits below ambiti, so it takes an ambito instance and compares
ids, never importing the ambiti app.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Ruolo

Tipo = Ruolo.Tipo
# The roles that work for an ambito, as opposed to speaking for a comune or an ente.
TIPI_STAFF = (Tipo.UFFICIO_PIANO, Tipo.OPERATORE)


def check_access(*, can_view: bool = True, can_act: bool = True) -> None:
    """Refuse as the module docstring says: not found before forbidden."""
    if not can_view:
        raise Http404
    if not can_act:
        raise PermissionDenied


def ruoli_di(user) -> list[Ruolo]:
    """The user's active roles, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_pdz_ruoli"):
        user._pdz_ruoli = list(
            Ruolo.objects.attivi().filter(user=user).select_related("ambito", "comune", "ente")
        )
    return user._pdz_ruoli


def is_amministratore(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_superuser


def has_role(user, ambito, *tipi) -> bool:
    """An active role in the ambito, of one of the given types (any type if none is given)."""
    return any(r.ambito_id == ambito.pk and (not tipi or r.tipo in tipi) for r in ruoli_di(user))


def can_view_ambito(user, ambito) -> bool:
    return is_amministratore(user) or has_role(user, ambito)


def can_manage_ambito(user, ambito) -> bool:
    """Ufficio di Piano work: the register, tables, objectives, the plan, sessions and votes."""
    return is_amministratore(user) or has_role(user, ambito, Tipo.UFFICIO_PIANO)


def is_sindaco_ambito(user, ambito) -> bool:
    """A sindaco or delegato of one of the ambito's comuni: reviews the plan, votes on it."""
    return has_role(user, ambito, Tipo.SINDACO, Tipo.DELEGATO)
