"""Who may see or do what, in one place (DESIGN.md §3).

Predicates answer "may this user do Y to X?" and are used by views and templates alike.
Access helpers fetch an object for a user or fail: Http404 when the user may not even know the
object exists (another ambito's data), PermissionDenied when she may see it but not act on it.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from ambiti.models import Ambito, Iscrizione

from .models import Ruolo

Tipo = Ruolo.Tipo
# The roles that work for an ambito, as opposed to speaking for a comune or an ente.
TIPI_STAFF = (Tipo.UFFICIO_PIANO, Tipo.OPERATORE)


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


# --- Tavoli tematici --------------------------------------------------------------------------
# Who sees a table: the ambito's Ufficio di Piano, the table's operators and coordinators, and
# its members (an ente partecipante through its role, or a named person with an account).


def _tavoli_ids(user, attributo):
    """Ids of the tables the user operates, coordinates or belongs to, read once per request."""
    cache = getattr(user, "_pdz_tavoli", None)
    if cache is None:
        from tavoli.models import Membro, Tavolo

        enti = [r.ente_id for r in ruoli_di(user) if r.tipo == Tipo.ENTE]
        operatori = {r.ambito_id for r in ruoli_di(user) if r.tipo == Tipo.OPERATORE}
        # A coordinator approves minutes as staff of the ambito: her powers end with her active
        # role there (Ufficio di Piano or operator), even if she is still listed on the table.
        staff = {r.ambito_id for r in ruoli_di(user) if r.tipo in TIPI_STAFF}
        cache = {"operati": set(), "coordinati": set(), "membro": set()}
        for tavolo_id, ambito_id in Tavolo.objects.filter(operatori=user).values_list(
            "pk", "ambito_id"
        ):
            if ambito_id in operatori:
                cache["operati"].add(tavolo_id)
        for tavolo_id, ambito_id in Tavolo.objects.filter(coordinatori=user).values_list(
            "pk", "ambito_id"
        ):
            if ambito_id in staff:
                cache["coordinati"].add(tavolo_id)
        cache["membro"] = set(
            Membro.objects.filter(Q(utente=user) | Q(ente_id__in=enti)).values_list(
                "tavolo_id", flat=True
            )
        )
        user._pdz_tavoli = cache
    return cache[attributo]


def can_manage_tavoli(user, ambito) -> bool:
    return can_manage_ambito(user, ambito)


def can_edit_incontri(user, tavolo) -> bool:
    """Schedule meetings and record attendance, outcomes and minutes."""
    return (
        can_manage_ambito(user, tavolo.ambito)
        or tavolo.pk in _tavoli_ids(user, "operati")
        or tavolo.pk in _tavoli_ids(user, "coordinati")
    )


def can_approve_verbale(user, tavolo) -> bool:
    return can_manage_ambito(user, tavolo.ambito) or tavolo.pk in _tavoli_ids(user, "coordinati")


def is_membro_tavolo(user, tavolo) -> bool:
    return tavolo.pk in _tavoli_ids(user, "membro")


def can_view_tavolo(user, tavolo) -> bool:
    return can_edit_incontri(user, tavolo) or is_membro_tavolo(user, tavolo)


def can_view_verbale(user, incontro) -> bool:
    """Editors see the draft; members see the minutes once sent for review or approved."""
    if can_edit_incontri(user, incontro.tavolo):
        return True
    return is_membro_tavolo(user, incontro.tavolo) and (
        incontro.stato != incontro.Stato.BOZZA or bool(incontro.testo_approvato)
    )


def can_comment_verbale(user, incontro) -> bool:
    return incontro.stato == incontro.Stato.IN_REVISIONE and can_view_tavolo(user, incontro.tavolo)


def tavoli_visibili(user, ambito):
    from tavoli.models import Tavolo

    tavoli = Tavolo.objects.filter(ambito=ambito)
    if can_manage_ambito(user, ambito):
        return tavoli
    ids = (
        _tavoli_ids(user, "operati") | _tavoli_ids(user, "coordinati") | _tavoli_ids(user, "membro")
    )
    return tavoli.filter(pk__in=ids)


def get_tavolo_for_user(user, ambito, pk):
    from tavoli.models import Tavolo

    tavolo = (
        Tavolo.objects.select_related("ambito", "sub_ambito").filter(ambito=ambito, pk=pk).first()
    )
    if tavolo is None or not can_view_tavolo(user, tavolo):
        raise Http404
    return tavolo


def get_tavolo_for_editor(user, ambito, pk):
    tavolo = get_tavolo_for_user(user, ambito, pk)
    if not can_edit_incontri(user, tavolo):
        raise PermissionDenied
    return tavolo


def get_incontro_for_user(user, tavolo, pk):
    incontro = tavolo.incontri.filter(pk=pk).first()
    if incontro is None:
        raise Http404
    incontro.tavolo = tavolo
    return incontro


def get_incontro_for_editor(user, tavolo, pk):
    if not can_edit_incontri(user, tavolo):
        raise PermissionDenied
    return get_incontro_for_user(user, tavolo, pk)


# --- Obiettivi del piano ----------------------------------------------------------------------
# Everyone with a role in the ambito reads its objectives (members of its tables, operators,
# sindaci of its comuni); only its Ufficio di Piano changes them.


def can_view_obiettivi(user, ambito) -> bool:
    return can_view_ambito(user, ambito)


def can_manage_obiettivi(user, ambito) -> bool:
    return can_manage_ambito(user, ambito)


def get_obiettivo_for_user(user, ambito, pk):
    from obiettivi.models import Obiettivo

    if not can_view_obiettivi(user, ambito):
        raise Http404
    obiettivo = Obiettivo.objects.filter(ambito=ambito, pk=pk).con_dettagli().first()
    if obiettivo is None:
        raise Http404
    return obiettivo


def get_obiettivo_for_manager(user, ambito, pk):
    obiettivo = get_obiettivo_for_user(user, ambito, pk)
    if not can_manage_obiettivi(user, ambito):
        raise PermissionDenied
    return obiettivo


# --- Piano di Zona ----------------------------------------------------------------------------
# The Ufficio di Piano writes the plan. The sindaci and delegati of the ambito review it: they
# read it from the moment it is sent for review, comment while it is in review, and always read
# the frozen versions. Nobody else sees it.

_STATI_PER_I_SINDACI = ("in_revisione", "per_assemblea", "approvato", "respinto")


def is_sindaco_ambito(user, ambito) -> bool:
    return _has_role(user, ambito, Tipo.SINDACO, Tipo.DELEGATO)


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


def get_piano_for_user(user, ambito, pk):
    from piani.models import Piano

    piano = Piano.objects.select_related("ambito", "periodo").filter(ambito=ambito, pk=pk).first()
    if piano is None or not can_view_piano(user, piano):
        raise Http404
    return piano


def get_piano_for_editor(user, ambito, pk):
    piano = get_piano_for_user(user, ambito, pk)
    if not can_edit_piano(user, piano):
        raise PermissionDenied
    return piano


# --- Assemblea dei Sindaci --------------------------------------------------------------------
# The Ufficio di Piano convenes sessions, keeps the register of presences and runs the votes
# (it acts as the session's secretary). Sindaci and delegati of the ambito read the sessions and
# vote for their own comune (assemblea.services.rappresentanze). Nobody else sees them.


def can_manage_sedute(user, ambito) -> bool:
    return can_manage_ambito(user, ambito)


def can_view_sedute(user, ambito) -> bool:
    return can_manage_sedute(user, ambito) or is_sindaco_ambito(user, ambito)


def get_seduta_for_user(user, ambito, pk):
    from assemblea.models import Seduta

    if not can_view_sedute(user, ambito):
        raise Http404
    seduta = Seduta.objects.filter(ambito=ambito, pk=pk).first()
    if seduta is None:
        raise Http404
    return seduta


def get_seduta_for_manager(user, ambito, pk):
    seduta = get_seduta_for_user(user, ambito, pk)
    if not can_manage_sedute(user, ambito):
        raise PermissionDenied
    return seduta
