"""Who convenes, reads and runs the sessions of the Assemblea (rule: see accounts.permissions).

The Ufficio di Piano convenes sessions, keeps the register of presences and runs the votes (it
acts as the session's secretary). Sindaci and delegati of the ambito read the sessions and vote
for their own comune (assemblea.services.rappresentanze). Nobody else sees them.
"""

from accounts.permissions import can_manage_ambito, check_access, is_sindaco_ambito

from .models import Seduta, Votazione


def can_manage_sedute(user, ambito) -> bool:
    return can_manage_ambito(user, ambito)


def can_view_sedute(user, ambito) -> bool:
    return can_manage_sedute(user, ambito) or is_sindaco_ambito(user, ambito)


def get_seduta_for_reader(user, ambito, pk) -> Seduta:
    check_access(can_view=can_view_sedute(user, ambito))
    seduta = Seduta.objects.filter(ambito=ambito, pk=pk).first()
    check_access(can_view=seduta is not None)
    return seduta


def get_seduta_for_manager(user, ambito, pk) -> Seduta:
    seduta = get_seduta_for_reader(user, ambito, pk)
    check_access(can_act=can_manage_sedute(user, ambito))
    return seduta


def sedute_in_corso(user, ambito) -> list[Seduta]:
    """The sessions not yet closed, with the votes open now: what a sindaco logs in for."""
    if not can_view_sedute(user, ambito):
        return []
    sedute = list(
        Seduta.objects.filter(ambito=ambito)
        .exclude(stato=Seduta.Stato.CHIUSA)
        .order_by("prima_convocazione")[:3]
    )
    aperte = Votazione.objects.filter(
        punto__seduta__in=sedute, stato=Votazione.Stato.APERTA
    ).select_related("punto")
    for seduta in sedute:
        seduta.votazioni_aperte = [v for v in aperte if v.punto.seduta_id == seduta.pk]
    return sedute
