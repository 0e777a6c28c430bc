"""The ambiti a user sees, and the register of participating bodies (rule: see accounts.permissions)."""

from accounts.permissions import (
    can_manage_ambito,
    can_view_ambito,
    check_access,
    is_amministratore,
    ruoli_di,
)

from .models import Ambito, Candidatura, Iscrizione


def can_view_registro(user, ambito) -> bool:
    # The register of participating bodies is public within the ambito's community.
    return can_view_ambito(user, ambito)


def can_manage_registro(user, ambito) -> bool:
    return can_manage_ambito(user, ambito)


def ambiti_visibili(user):
    if is_amministratore(user):
        return Ambito.objects.all()
    return Ambito.objects.filter(pk__in={r.ambito_id for r in ruoli_di(user)})


def get_ambito_for_reader(user, slug) -> Ambito:
    ambito = Ambito.objects.select_related("ente_capofila", "ats").filter(slug=slug).first()
    check_access(can_view=ambito is not None and can_view_ambito(user, ambito))
    return ambito


def get_ambito_for_manager(user, slug) -> Ambito:
    ambito = get_ambito_for_reader(user, slug)
    check_access(can_act=can_manage_ambito(user, ambito))
    return ambito


def get_iscrizione_for_reader(user, ambito, pk) -> Iscrizione:
    check_access(can_view=can_view_registro(user, ambito))
    iscrizione = (
        Iscrizione.objects.select_related("ente", "ambito")
        .prefetch_related("aree_policy")
        .filter(ambito=ambito, pk=pk)
        .first()
    )
    check_access(can_view=iscrizione is not None)
    return iscrizione


def get_iscrizione_for_manager(user, ambito, pk) -> Iscrizione:
    iscrizione = get_iscrizione_for_reader(user, ambito, pk)
    check_access(can_act=can_manage_registro(user, ambito))
    return iscrizione


def get_ambito_pubblico(slug) -> Ambito:
    """The ambito of a public page (no login): any ambito exists for everyone."""
    ambito = Ambito.objects.filter(slug=slug).first()
    check_access(can_view=ambito is not None)
    return ambito


def can_manage_candidature(user, ambito) -> bool:
    # Requests to join the register are register work: the Ufficio di Piano's.
    return can_manage_registro(user, ambito)


def get_candidatura_for_manager(user, ambito, pk) -> Candidatura:
    """A request the Ufficio di Piano may decide. One still waiting for its e-mail confirmation
    has not been submitted yet: for the Ufficio it does not exist."""
    check_access(can_act=can_manage_candidature(user, ambito))
    candidatura = (
        Candidatura.objects.select_related("ambito", "decisa_da", "iscrizione")
        .prefetch_related("aree_policy")
        .exclude(stato=Candidatura.Stato.VERIFICA_EMAIL)
        .filter(ambito=ambito, pk=pk)
        .first()
    )
    check_access(can_view=candidatura is not None)
    return candidatura
