"""The tables' work as rows of a table (proposals, attendance), for the CSV and XLSX writers of
core.esportazioni: pure functions from querysets to rows, that know nothing of requests.
"""

from django.db.models import Q
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core.esportazioni import data_locale
from core.moduli import intero_o_none

from .models import Esito

LUNGHEZZA_ACCORPATA = 80


# --- Proposals --------------------------------------------------------------------------------


def filtra_proposte(queryset, params):
    """The filters of the proposals list, read from a QueryDict (or any mapping).

    The same as tavoli.filters.PropostaFilter, without a form: values that are not well formed
    are ignored rather than answered with an error, as an export link is often a bookmarked or
    hand-edited URL. The text is searched in the proposal and in its target.
    """
    if area := intero_o_none(params.get("area")):
        queryset = queryset.filter(area_policy_id=area)
    if tavolo := intero_o_none(params.get("tavolo")):
        queryset = queryset.filter(incontro__tavolo_id=tavolo)
    valutazione = params.get("valutazione")
    if valutazione in Esito.Valutazione.values:
        queryset = queryset.filter(valutazione=valutazione)
    if testo := (params.get("q") or "").strip():
        queryset = queryset.filter(Q(testo__icontains=testo) | Q(target__icontains=testo))
    return queryset


def proposte_righe(queryset):
    intestazione = [
        _("Ambito"),
        _("Tavolo"),
        _("Incontro"),
        _("Data incontro"),
        _("Area di policy"),
        _("Destinatari"),
        _("Testo"),
        _("Valutazione"),
        _("Motivazione"),
        _("Accorpata in"),
    ]
    righe = [intestazione]
    for proposta in queryset.select_related(
        "incontro__tavolo__ambito", "area_policy", "accorpata_in"
    ):
        incontro = proposta.incontro
        righe.append(
            [
                incontro.tavolo.ambito.nome,
                incontro.tavolo.titolo,
                incontro.titolo,
                data_locale(incontro.inizio),
                proposta.area_policy.nome if proposta.area_policy_id else "",
                proposta.target,
                proposta.testo,
                proposta.get_valutazione_display(),
                proposta.motivazione,
                (
                    Truncator(proposta.accorpata_in.testo).chars(LUNGHEZZA_ACCORPATA)
                    if proposta.accorpata_in_id
                    else ""
                ),
            ]
        )
    return righe


# --- Attendance -------------------------------------------------------------------------------


def presenze_righe(incontro):
    presenze = sorted(
        incontro.presenze.select_related("membro__ente"),
        # Sorted here: databases disagree on where the persons (no ente, NULL) go.
        key=lambda p: str(p.membro).casefold(),
    )
    righe = [[_("Ente o persona"), _("Tipo di ente"), _("Partecipanti")]]
    for presenza in presenze:
        membro = presenza.membro
        righe.append(
            [
                str(membro),
                membro.ente.get_tipo_display() if membro.ente_id else "",
                presenza.partecipanti,
            ]
        )
    righe.append([_("Totale"), "", sum(p.partecipanti for p in presenze)])
    return righe
