"""Who may see or do what, in one place (DESIGN.md §3).

Predicates answer "may this user do Y to X?" and are used by views and templates alike.
Access helpers fetch an object for a user or fail: Http404 when the user may not even know the
object exists (another ambito's data), PermissionDenied when she may see it but not act on it.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ambiti.models import Ambito, Iscrizione

from .models import Ruolo

Tipo = Ruolo.Tipo


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


def _has_role(user, ambito, *tipi) -> bool:
    return any(r.ambito_id == ambito.pk and (not tipi or r.tipo in tipi) for r in ruoli_di(user))


# --- Predicates -------------------------------------------------------------------------------


def can_view_ambito(user, ambito) -> bool:
    return is_amministratore(user) or _has_role(user, ambito)


def can_manage_ambito(user, ambito) -> bool:
    """Ufficio di Piano work: the register, tables, objectives, the plan, sessions and votes."""
    return is_amministratore(user) or _has_role(user, ambito, Tipo.UFFICIO_PIANO)


def can_view_registro(user, ambito) -> bool:
    # The register of participating bodies is public within the ambito's community.
    return can_view_ambito(user, ambito)


def can_manage_registro(user, ambito) -> bool:
    return can_manage_ambito(user, ambito)


# --- Querysets --------------------------------------------------------------------------------


def ambiti_visibili(user):
    if is_amministratore(user):
        return Ambito.objects.all()
    return Ambito.objects.filter(pk__in={r.ambito_id for r in ruoli_di(user)})


# --- Access helpers ---------------------------------------------------------------------------


def get_ambito_for_user(user, slug) -> Ambito:
    ambito = Ambito.objects.select_related("ente_capofila", "ats").filter(slug=slug).first()
    if ambito is None or not can_view_ambito(user, ambito):
        raise Http404
    return ambito


def get_ambito_for_manager(user, slug) -> Ambito:
    ambito = get_ambito_for_user(user, slug)
    if not can_manage_ambito(user, ambito):
        raise PermissionDenied
    return ambito


def get_iscrizione_for_user(user, ambito, pk) -> Iscrizione:
    if not can_view_registro(user, ambito):
        raise Http404
    iscrizione = (
        Iscrizione.objects.select_related("ente", "ambito")
        .prefetch_related("aree_policy")
        .filter(ambito=ambito, pk=pk)
        .first()
    )
    if iscrizione is None:
        raise Http404
    return iscrizione


def get_iscrizione_for_manager(user, ambito, pk) -> Iscrizione:
    iscrizione = get_iscrizione_for_user(user, ambito, pk)
    if not can_manage_registro(user, ambito):
        raise PermissionDenied
    return iscrizione
