"""Who sees and works on the thematic tables (rule: see accounts.permissions).

Who sees a table: the ambito's Ufficio di Piano, the table's operators and coordinators, and its
members (an ente partecipante through its role, or a named person with an account).
"""

from django.db.models import Count, Q

from accounts.permissions import TIPI_STAFF, Tipo, can_manage_ambito, check_access, ruoli_di

from .models import Membro, Tavolo


def _tavoli_ids(user, attributo):
    """Ids of the tables the user operates, coordinates or belongs to, read once per request."""
    cache = getattr(user, "_pdz_tavoli", None)
    if cache is None:
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


def can_publish_tavoli(user, ambito) -> bool:
    """Make a table, a meeting or approved minutes public: the Ufficio di Piano's decision, not
    the operators' nor the coordinators'."""
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
    tavoli = Tavolo.objects.filter(ambito=ambito)
    if can_manage_ambito(user, ambito):
        return tavoli
    ids = (
        _tavoli_ids(user, "operati") | _tavoli_ids(user, "coordinati") | _tavoli_ids(user, "membro")
    )
    return tavoli.filter(pk__in=ids)


def riepilogo_tavoli(user, ambito) -> dict:
    """For the ambito's dashboard: how many tables she sees, and their proposals to evaluate."""
    return tavoli_visibili(user, ambito).aggregate(
        numero=Count("pk", distinct=True),
        proposte_da_valutare=Count(
            "incontri__esiti",
            filter=Q(incontri__esiti__tipo="proposta", incontri__esiti__valutazione="da_valutare"),
        ),
    )


def get_tavolo_for_reader(user, ambito, pk) -> Tavolo:
    tavolo = (
        Tavolo.objects.select_related("ambito", "sub_ambito").filter(ambito=ambito, pk=pk).first()
    )
    check_access(can_view=tavolo is not None and can_view_tavolo(user, tavolo))
    return tavolo


def get_tavolo_for_editor(user, ambito, pk) -> Tavolo:
    tavolo = get_tavolo_for_reader(user, ambito, pk)
    check_access(can_act=can_edit_incontri(user, tavolo))
    return tavolo


def get_incontro_for_reader(user, tavolo, pk):
    """A meeting of a table the caller has already fetched for this user."""
    incontro = tavolo.incontri.filter(pk=pk).first()
    check_access(can_view=incontro is not None)
    incontro.tavolo = tavolo
    return incontro


def get_incontro_for_editor(user, tavolo, pk):
    check_access(can_act=can_edit_incontri(user, tavolo))
    return get_incontro_for_reader(user, tavolo, pk)
