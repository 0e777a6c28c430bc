"""Who reads and changes the plan's objectives (rule: see accounts.permissions).

Everyone with a role in the ambito reads its objectives (members of its tables, operators,
sindaci of its comuni); only its Ufficio di Piano changes them.
"""

from accounts.permissions import can_manage_ambito, can_view_ambito, check_access

from .models import Obiettivo


def can_view_obiettivi(user, ambito) -> bool:
    return can_view_ambito(user, ambito)


def can_manage_obiettivi(user, ambito) -> bool:
    return can_manage_ambito(user, ambito)


def get_obiettivo_for_reader(user, ambito, pk) -> Obiettivo:
    check_access(can_view=can_view_obiettivi(user, ambito))
    obiettivo = Obiettivo.objects.filter(ambito=ambito, pk=pk).con_dettagli().first()
    check_access(can_view=obiettivo is not None)
    return obiettivo


def get_obiettivo_for_manager(user, ambito, pk) -> Obiettivo:
    obiettivo = get_obiettivo_for_reader(user, ambito, pk)
    check_access(can_act=can_manage_obiettivi(user, ambito))
    return obiettivo
