"""The life of a request to join the register (ambiti.Candidatura), from the public form to the
Ufficio di Piano's answer.

1. The form stores it "in attesa di verifica dell'e-mail" and sends a link to the address given:
   a value signed with the portal's secret key (django.core.signing) holding the request's id and
   the time it was signed, valid for PDZ_CANDIDATURA_LINK_ORE. No table of tokens: a forged or
   altered link fails the signature, an old one its age. A request never confirmed is deleted
   once its link has expired (at the next request sent from the form).
2. Opening the link and confirming makes it "da esaminare": only now does the Ufficio di Piano
   see it (and is told by e-mail, when its address is known).
3. The Ufficio di Piano accepts it (the ente enters the register with the areas it chose: the
   same Ente if the body is already in the portal for another ambito, never a copy) or refuses it
   with a reason. The ente is told either way. Both run under the request's row lock, so that two
   clicks cannot enter the register twice.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core import posta
from core.flusso import OperazioneNonAmmessa, blocca

from .models import Candidatura, Ente, Iscrizione

SALE_VERIFICA = "ambiti.candidatura.verifica-email"
TIPO_POSTA = "candidatura"


class LinkNonValido(Exception):
    """The link was not signed by the portal, or not for this purpose."""


class LinkScaduto(LinkNonValido):
    """The link is genuine but older than PDZ_CANDIDATURA_LINK_ORE."""


def durata_link() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.PDZ_CANDIDATURA_LINK_ORE)


def firma(candidatura) -> str:
    return signing.dumps(candidatura.pk, salt=SALE_VERIFICA)


def leggi_firma(token: str) -> int:
    """The id of the request the link was made for, or LinkScaduto / LinkNonValido."""
    try:
        pk = signing.loads(token, salt=SALE_VERIFICA, max_age=durata_link())
    except signing.SignatureExpired as errore:
        raise LinkScaduto from errore
    except signing.BadSignature as errore:
        raise LinkNonValido from errore
    if not isinstance(pk, int):
        raise LinkNonValido
    return pk


def link_verifica(candidatura, *, base_url=None) -> str:
    percorso = reverse(
        "adesione:conferma",
        kwargs={"ambito": candidatura.ambito.slug, "token": firma(candidatura)},
    )
    return posta.base_url(base_url) + percorso


def _invia(candidatura, oggetto, modello, destinatario, **contesto) -> int:
    corpo = render_to_string(modello, {"candidatura": candidatura, **contesto})
    ambito = candidatura.ambito
    return posta.invia(
        [posta.messaggio(oggetto, corpo, destinatario, rispondi_a=ambito.email_ufficio_piano)],
        ambito_id=ambito.pk,
        tipo=TIPO_POSTA,
    )


def dimentica_non_confermate() -> int:
    """Delete the requests whose link expired unopened: nobody confirmed the address, so the
    data (someone's e-mail, maybe typed by another) has no reason to stay. Run at every new
    request, which is when they pile up: no periodic job needed."""
    scadute = Candidatura.objects.filter(
        stato=Candidatura.Stato.VERIFICA_EMAIL, creata_il__lt=timezone.now() - durata_link()
    )
    return scadute.delete()[1].get(Candidatura._meta.label, 0)


def registra(form, *, base_url=None) -> Candidatura:
    """Store the request of a valid public form and send the confirmation link."""
    with transaction.atomic():
        dimentica_non_confermate()
        candidatura = form.save()
        transaction.on_commit(lambda: invia_verifica(candidatura, base_url=base_url))
    return candidatura


def invia_verifica(candidatura, *, base_url=None) -> int:
    oggetto = _("Conferma la richiesta di adesione al registro degli enti — ambito %(nome)s") % {
        "nome": candidatura.ambito.nome
    }
    return _invia(
        candidatura,
        oggetto,
        "ambiti/candidature/email_verifica.txt",
        candidatura.email,
        link=link_verifica(candidatura, base_url=base_url),
        ore=settings.PDZ_CANDIDATURA_LINK_ORE,
    )


def _gia_nel_registro(candidatura) -> bool:
    return Iscrizione.objects.filter(
        ambito_id=candidatura.ambito_id, ente__codice_fiscale=candidatura.codice_fiscale
    ).exists()


def conferma_email(*, candidatura, base_url=None) -> bool:
    """The ente opened its link and confirmed: the request goes to the Ufficio di Piano.
    Returns False when it had been confirmed already (a second click changes nothing)."""
    with transaction.atomic():
        candidatura = blocca(candidatura)
        if candidatura.stato != Candidatura.Stato.VERIFICA_EMAIL:
            return False
        if _gia_nel_registro(candidatura):
            raise OperazioneNonAmmessa(
                _("Nel frattempo l'ente è stato iscritto al registro: la richiesta non serve più.")
            )
        altra = (
            Candidatura.objects.in_esame()
            .filter(ambito_id=candidatura.ambito_id, codice_fiscale=candidatura.codice_fiscale)
            .exists()
        )
        if altra:
            raise OperazioneNonAmmessa(
                _(
                    "Per questo codice fiscale è già in esame un'altra richiesta di adesione: "
                    "l'Ufficio di Piano risponderà a quella."
                )
            )
        candidatura.stato = Candidatura.Stato.DA_ESAMINARE
        candidatura.email_verificata_il = timezone.now()
        candidatura.save(update_fields=["stato", "email_verificata_il"])
        if candidatura.ambito.email_ufficio_piano:
            transaction.on_commit(lambda: avvisa_ufficio(candidatura, base_url=base_url))
    return True


def avvisa_ufficio(candidatura, *, base_url=None) -> int:
    ambito = candidatura.ambito
    oggetto = _("Nuova richiesta di adesione al registro: %(ente)s") % {
        "ente": candidatura.denominazione
    }
    link = posta.base_url(base_url) + reverse(
        "ambiti:candidatura", kwargs={"slug": ambito.slug, "pk": candidatura.pk}
    )
    return _invia(
        candidatura,
        oggetto,
        "ambiti/candidature/email_ufficio.txt",
        ambito.email_ufficio_piano,
        link=link,
    )


def _blocca_in_esame(candidatura) -> Candidatura:
    candidatura = blocca(candidatura, Candidatura.objects.select_related("ambito"))
    if candidatura.stato != Candidatura.Stato.DA_ESAMINARE:
        raise OperazioneNonAmmessa(
            _("La richiesta è già stata decisa (%(stato)s): non si può decidere di nuovo.")
            % {"stato": candidatura.get_stato_display().lower()}
        )
    return candidatura


def accetta(*, candidatura, da) -> Iscrizione:
    """Enter the ente in the ambito's register, with the areas it chose, and tell it."""
    with transaction.atomic():
        candidatura = _blocca_in_esame(candidatura)
        if _gia_nel_registro(candidatura):
            raise OperazioneNonAmmessa(
                _(
                    "Un ente con questo codice fiscale è già iscritto al registro: respingi la "
                    "richiesta indicandolo come motivo."
                )
            )
        # The body may already be in the portal for another ambito: the same Ente is linked, its
        # data untouched (it belongs to every register it is in).
        ente = Ente.objects.select_for_update().con_codice_fiscale(candidatura.codice_fiscale)
        if ente is None:
            ente = Ente.objects.create(
                denominazione=candidatura.denominazione,
                tipo=candidatura.tipo,
                codice_fiscale=candidatura.codice_fiscale,
                email=candidatura.email,
                referente=candidatura.referente,
            )
        iscrizione = Iscrizione.objects.create(
            ambito=candidatura.ambito,
            ente=ente,
            data_iscrizione=timezone.localdate(),
            note=_("Iscritto su richiesta di adesione del %(data)s.")
            % {
                "data": formats.date_format(
                    timezone.localdate(candidatura.creata_il), "SHORT_DATE_FORMAT"
                )
            },
        )
        iscrizione.aree_policy.set(candidatura.aree_policy.all())
        candidatura.stato = Candidatura.Stato.ACCETTATA
        candidatura.iscrizione = iscrizione
        candidatura.decisa_il = timezone.now()
        candidatura.decisa_da = da
        candidatura.save(update_fields=["stato", "iscrizione", "decisa_il", "decisa_da"])
        transaction.on_commit(lambda: _comunica_esito(candidatura))
    return iscrizione


def respingi(*, candidatura, motivo, da) -> Candidatura:
    """Refuse the request with a reason, which the ente receives."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise OperazioneNonAmmessa(_("Scrivi il motivo del rifiuto: l'ente lo riceverà."))
    with transaction.atomic():
        candidatura = _blocca_in_esame(candidatura)
        candidatura.stato = Candidatura.Stato.RESPINTA
        candidatura.motivo_rifiuto = motivo
        candidatura.decisa_il = timezone.now()
        candidatura.decisa_da = da
        candidatura.save(update_fields=["stato", "motivo_rifiuto", "decisa_il", "decisa_da"])
        transaction.on_commit(lambda: _comunica_esito(candidatura))
    return candidatura


def _comunica_esito(candidatura) -> int:
    accettata = candidatura.stato == Candidatura.Stato.ACCETTATA
    valori = {"nome": candidatura.ambito.nome}
    if accettata:
        oggetto = _("Richiesta accolta: l'ente è iscritto al registro — ambito %(nome)s") % valori
    else:
        oggetto = _("Richiesta di adesione al registro non accolta — ambito %(nome)s") % valori
    return _invia(
        candidatura,
        oggetto,
        "ambiti/candidature/email_esito.txt",
        candidatura.email,
        accettata=accettata,
    )
