"""When a session may be opened, and in which call: the rule the service enforces under the
session's lock and the page shows the secretary beforehand, with the same words.

A session opens in first call from the first call's time. If by then the quorum is not reached,
the secretary records the first call as deserted (assemblea.services.dichiara_prima_deserta);
only after that, and from the second call's time, the session opens in second call, where the
regolamento may ask a lower quorum (RegolaVoto.quorum_seconda).
"""

from django.utils import formats
from django.utils.translation import gettext as _

from core.calendario import ROMA

from .models import Seduta

PRIMA, SECONDA = Seduta.Convocazione.PRIMA, Seduta.Convocazione.SECONDA


def momento(quando) -> dict:
    """{"ora": "18:00", "giorno": "12 marzo 2027"}, in Europe/Rome, for running text."""
    locale = quando.astimezone(ROMA)
    # Django's Italian month names are capitalised; in running text Italian writes them lowercase.
    return {
        "ora": formats.time_format(locale, "H:i"),
        "giorno": formats.date_format(locale, "j F Y").lower(),
    }


def impedimento_prima_deserta(seduta, adesso) -> str | None:
    """Why the first call cannot be recorded as deserted now, if it cannot (the quorum aside,
    which the service computes under the lock)."""
    if seduta.stato != Seduta.Stato.CONVOCATA:
        return _("La seduta è già stata aperta.")
    if seduta.prima_deserta_il:
        return _("La prima convocazione è già stata dichiarata deserta.")
    if not seduta.seconda_convocazione:
        return _(
            "La seduta non prevede una seconda convocazione: la prima non si dichiara deserta."
        )
    if adesso < seduta.prima_convocazione:
        return _(
            "La prima convocazione è fissata per le %(ora)s del %(giorno)s: non può essere dichiarata "
            "deserta prima."
        ) % momento(seduta.prima_convocazione)
    return None


def impedimento_apertura(seduta, convocazione, adesso) -> str | None:
    """Why the session cannot be opened now in this call, if it cannot."""
    if seduta.stato != Seduta.Stato.CONVOCATA:
        return _("La seduta è già stata aperta.")
    if convocazione == PRIMA:
        if seduta.prima_deserta_il:
            return _(
                "La prima convocazione è andata deserta: la seduta si apre solo in seconda "
                "convocazione."
            )
        if adesso < seduta.prima_convocazione:
            return _(
                "La prima convocazione è fissata per le %(ora)s del %(giorno)s: la seduta non può essere "
                "aperta prima."
            ) % momento(seduta.prima_convocazione)
        return None
    if not seduta.seconda_convocazione:
        return _("La seduta non prevede una seconda convocazione.")
    if adesso < seduta.seconda_convocazione:
        return _(
            "La seconda convocazione è fissata per le %(ora)s del %(giorno)s: la seduta non può essere "
            "aperta prima."
        ) % momento(seduta.seconda_convocazione)
    if not seduta.prima_deserta_il:
        return _(
            "La seduta si apre in seconda convocazione solo dopo aver dichiarato deserta la "
            "prima, con il quorum non raggiunto."
        )
    return None


def possibilita(seduta, adesso) -> dict:
    """What the secretary may do now to open a convened session, and when the rest becomes
    possible: the page's buttons and the lines under them."""
    dichiarabile = impedimento_prima_deserta(seduta, adesso) is None
    prima = impedimento_apertura(seduta, PRIMA, adesso) is None
    seconda = impedimento_apertura(seduta, SECONDA, adesso) is None
    note = []
    if not seduta.prima_deserta_il and adesso < seduta.prima_convocazione:
        note.append(
            _("La seduta potrà essere aperta in prima convocazione dalle %(ora)s del %(giorno)s.")
            % momento(seduta.prima_convocazione)
        )
    if seduta.seconda_convocazione and not seconda:
        if seduta.prima_deserta_il:
            note.append(
                _(
                    "La seduta potrà essere aperta in seconda convocazione dalle %(ora)s del %(giorno)s."
                )
                % momento(seduta.seconda_convocazione)
            )
        else:
            note.append(
                _(
                    "In seconda convocazione la seduta potrà essere aperta dalle %(ora)s del %(giorno)s, "
                    "solo dopo aver dichiarato deserta la prima (quorum non raggiunto)."
                )
                % momento(seduta.seconda_convocazione)
            )
    return {"dichiara_deserta": dichiarabile, "prima": prima, "seconda": seconda, "note": note}
