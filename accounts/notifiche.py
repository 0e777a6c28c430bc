"""Reminders to one person, as she chose to receive them (accounts.PreferenzaNotifica).

`notifica(utente, tipo, oggetto, testo, url, chiave)` sends the reminder now, keeps it for
tomorrow's digest, or drops it, per the person's choice for that kind; and does it once: the
reminder is recorded under (person, `chiave`), a unique pair, so a job that runs twice or a
task delivered again finds it there and sends nothing. The keys say what and when, e.g.
"incontro:12:2026-03-14": a meeting moved to another day is a new reminder.

The Assemblea's convocations do not come here: they are always sent (assemblea/notifiche.py).
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import posta
from core.validatori import in_una_riga

from .models import Frequenza, Notifica, PreferenzaNotifica, TipoNotifica

logger = logging.getLogger(__name__)

# The Assemblea's convocations, shown on the preferences page as always sent.
CONVOCAZIONI_SEMPRE = gettext_lazy(
    "Le convocazioni dell'Assemblea dei Sindaci ti arrivano sempre, con un messaggio: "
    "sono l'atto con cui la seduta è convocata e non si possono disattivare."
)


def frequenze(utente) -> dict[str, str]:
    """Every kind with the person's choice (immediately where she made none)."""
    scelte = dict(PreferenzaNotifica.objects.filter(utente=utente).values_list("tipo", "frequenza"))
    return {tipo: scelte.get(tipo, Frequenza.IMMEDIATA) for tipo in TipoNotifica.values}


def frequenza(utente, tipo) -> str:
    scelta = (
        PreferenzaNotifica.objects.filter(utente=utente, tipo=tipo)
        .values_list("frequenza", flat=True)
        .first()
    )
    return scelta or Frequenza.IMMEDIATA


def imposta_frequenze(utente, scelte: dict[str, str]) -> None:
    for tipo, scelta in scelte.items():
        PreferenzaNotifica.objects.update_or_create(
            utente=utente, tipo=tipo, defaults={"frequenza": scelta}
        )


def piede() -> str:
    return _(
        "Questo messaggio è inviato automaticamente dal portale del Piano di Zona. Scegli quali "
        "promemoria ricevere, e quando, nella pagina delle notifiche del tuo profilo: %(url)s"
    ) % {"url": posta.base_url() + "/account/notifiche/"}


def notifica(utente, tipo, oggetto, testo, url="", chiave="", *, ambito_id=None) -> str | None:
    """Send, queue for the digest or drop one reminder to `utente`; once per (utente, chiave).

    Returns the frequency applied ("immediata", "riepilogo", "nessuna"), or None when this
    reminder was already recorded (or the person has no address or is disabled).
    """
    if not chiave:
        raise ValueError("Una notifica senza chiave potrebbe partire due volte.")
    if not utente.is_active or not (utente.email or "").strip():
        return None
    scelta = frequenza(utente, tipo)
    try:
        with transaction.atomic():
            voce = Notifica.objects.create(
                utente=utente,
                tipo=tipo,
                chiave=chiave[:200],
                frequenza=scelta,
                oggetto=in_una_riga(oggetto)[:200],
                testo=testo,
                url=url,
                ambito_id=ambito_id,
                inviata_il=timezone.now() if scelta == Frequenza.IMMEDIATA else None,
            )
    except IntegrityError:
        return None
    if scelta == Frequenza.IMMEDIATA:
        _invia_subito(voce)
    return scelta


def _invia_subito(voce: Notifica) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        corpo = "\n".join([voce.testo, "", *([voce.url, ""] if voce.url else []), piede()])
        messaggio = posta.messaggio(voce.oggetto, corpo, voce.utente.email)
    posta.invia([messaggio], ambito_id=voce.ambito_id, tipo=voce.tipo)


def invia_riepilogo(utente, voci: list[Notifica]) -> bool:
    """One message with every reminder waiting for the digest of `utente`."""
    if not voci:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        oggetto = _("Riepilogo del portale del Piano di Zona: %(n)d promemoria") % {"n": len(voci)}
        righe = [_("Ecco i promemoria delle ultime ore."), ""]
        for voce in voci:
            righe += [f"• {voce.oggetto}", voce.testo]
            if voce.url:
                righe.append(voce.url)
            righe.append("")
        righe.append(piede())
        messaggio = posta.messaggio(oggetto, "\n".join(righe), utente.email)
    ambiti = {v.ambito_id for v in voci}
    # A digest about one ambito shows in its log; one across ambiti belongs to none of them.
    posta.invia([messaggio], ambito_id=ambiti.pop() if len(ambiti) == 1 else None, tipo="riepilogo")
    return True
