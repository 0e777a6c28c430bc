"""The Ufficio di Piano manages its ambito's people: invitations, roles given and revoked,
accounts deactivated and reactivated, mayors imported from a file.

Here rather than in accounts: every operation is bounded by an ambito and checks that a comune or
an ente belongs to it (ambiti.Comune, ambiti.Iscrizione), which accounts, below ambiti, does not
know. Each function re-checks server-side what the forms already offer, so that a tampered POST
cannot reach another ambito: the forms limit the choices, these functions refuse the rest.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Ruolo
from accounts.services import trova_persona
from core import posta
from core.flusso import OperazioneNonAmmessa

from .import_sindaci import ErroreImportazione, analizza
from .models import Comune, Iscrizione, normalizza_codice_fiscale

Tipo = Ruolo.Tipo
User = get_user_model()

LUNGHEZZA_USERNAME = 30


# --- Who the people of an ambito are --------------------------------------------------------------


def persone_dell_ambito(ambito):
    """Everyone with a role in the ambito, in whatever state: the page lists history too."""
    return User.objects.filter(pk__in=Ruolo.objects.filter(ambito=ambito).values("user_id"))


def ruoli_in_altri_ambiti(utente, ambito):
    """The user's roles that still count (not revoked, not ended) outside this ambito. Callers
    only ask whether there is one: its ambito is never shown."""
    oggi = timezone.localdate()
    return (
        Ruolo.objects.filter(user=utente, attivo=True)
        .exclude(ambito=ambito)
        .filter(Q(al__isnull=True) | Q(al__gte=oggi))
    )


def _solo_di_questo_ambito(utente, ambito) -> bool:
    """Whether the user's data are this Ufficio's to complete: no role, in any state, elsewhere."""
    return not Ruolo.objects.filter(user=utente).exclude(ambito=ambito).exists()


# --- Scope checks (server side) -------------------------------------------------------------------


def _verifica_ambito_del_ruolo(*, ambito, tipo, comune, ente):
    """The role stays within the ambito whatever was posted: its type is one of the five, its
    comune is one of the ambito's, its ente is in the ambito's register."""
    if tipo not in Tipo.values:
        raise ValidationError({"tipo": _("Ruolo non valido.")})
    if tipo in (Tipo.SINDACO, Tipo.DELEGATO):
        if comune is None:
            raise ValidationError({"comune": _("Indica il comune.")})
        if comune.ambito_id != ambito.pk:
            raise ValidationError({"comune": _("Il comune non fa parte di questo ambito.")})
    elif comune is not None:
        raise ValidationError({"comune": _("Il comune si indica solo per sindaci e delegati.")})
    if tipo == Tipo.ENTE:
        if ente is None:
            raise ValidationError({"ente": _("Indica l'ente.")})
        if not Iscrizione.objects.attive().filter(ambito=ambito, ente=ente).exists():
            raise ValidationError(
                {"ente": _("L'ente non è iscritto al registro di questo ambito.")}
            )
    elif ente is not None:
        raise ValidationError({"ente": _("L'ente si indica solo per gli enti partecipanti.")})


def _chiudi_scaduti(utente):
    # A role whose end date passed still counts for the database constraints until the nightly
    # task closes it: closing it now lets a new role be given the day after the old one ended.
    for ruolo in Ruolo.objects.scaduti().filter(user=utente):
        ruolo.attivo = False
        ruolo.save(update_fields=["attivo"])


def _verifica_unicita(*, utente, tipo, ambito, ente):
    """The database allows one comune per sindaco or delegato, one ambito per UdP member or
    operatore: say so in words, without naming the other ambito."""
    attivi = Ruolo.objects.filter(user=utente, attivo=True)
    if (
        tipo in (Tipo.SINDACO, Tipo.DELEGATO)
        and attivi.filter(tipo__in=[Tipo.SINDACO, Tipo.DELEGATO]).exists()
    ):
        raise ValidationError(
            {
                "tipo": _(
                    "Questa persona è già sindaco o delegato di un comune: revoca prima quel ruolo."
                )
            }
        )
    if tipo in (Tipo.UFFICIO_PIANO, Tipo.OPERATORE) and attivi.filter(tipo=tipo).exists():
        raise ValidationError(
            {"tipo": _("Questa persona ha già questo ruolo in un ambito: revoca prima quel ruolo.")}
        )
    if tipo == Tipo.ENTE and attivi.filter(tipo=Tipo.ENTE, ambito=ambito, ente=ente).exists():
        raise ValidationError({"ente": _("Questa persona rappresenta già questo ente.")})


# --- Roles ----------------------------------------------------------------------------------------


def assegna_ruolo(*, ambito, utente, tipo, comune=None, ente=None, dal=None, al=None, da) -> Ruolo:
    """Give `utente` a role in `ambito`. Raises ValidationError (per field) for a role outside
    the ambito, an overlap with another sindaco, a duplicate; OperazioneNonAmmessa for an
    administrator's account."""
    with transaction.atomic():
        _verifica_ambito_del_ruolo(ambito=ambito, tipo=tipo, comune=comune, ente=ente)
        # The user's row guards her roles (one comune, one ambito); the comune's guards its
        # sindaci (no two overlapping mandates).
        utente = User.objects.select_for_update().get(pk=utente.pk)
        if utente.is_superuser or utente.is_staff:
            raise OperazioneNonAmmessa(
                _(
                    "Questa persona amministra il portale: i suoi ruoli li gestisce l'amministratore."
                )
            )
        if comune is not None:
            Comune.objects.select_for_update().filter(pk=comune.pk).first()
        _chiudi_scaduti(utente)
        _verifica_unicita(utente=utente, tipo=tipo, ambito=ambito, ente=ente)
        ruolo = Ruolo(
            user=utente,
            tipo=tipo,
            ambito=ambito,
            comune=comune,
            ente=ente,
            dal=dal or timezone.localdate(),
            al=al,
        )
        # Fields and clean() (a sindaco's overlapping period, named next to «dal»); the
        # database constraints were checked above in words and stay as the last guard.
        ruolo.clean_fields(exclude=["user", "ambito", "comune", "ente"])
        ruolo.clean()
        ruolo.save()
        if not utente.is_active:
            # A person given a role again: the account that was switched off comes back.
            utente.is_active = True
            utente.save(update_fields=["is_active"])
        return ruolo


def _ultimo_ruolo_udp(ruolo, da) -> bool:
    return (
        ruolo.tipo == Tipo.UFFICIO_PIANO
        and ruolo.user_id == da.pk
        and not (da.is_superuser and da.is_active)
    )


def revoca_ruolo(*, ambito, ruolo, al=None, da) -> Ruolo:
    """End a role of the ambito on `al` (today if not given), keeping it as history. From a
    day not after today the role stops giving access at once; from a later day it runs until
    then. A role not yet begun is cancelled.

    A member of the Ufficio di Piano cannot end her own UdP role: the ambito would risk having
    nobody left to manage it; another member or the administrator does it."""
    oggi = timezone.localdate()
    al = al or oggi
    with transaction.atomic():
        ruolo = Ruolo.objects.select_for_update().filter(pk=ruolo.pk, ambito=ambito).first()
        if ruolo is None:
            raise OperazioneNonAmmessa(_("Il ruolo non esiste più."))
        if _ultimo_ruolo_udp(ruolo, da):
            raise OperazioneNonAmmessa(
                _(
                    "Non puoi revocare il tuo ruolo nell'Ufficio di Piano: chiedilo a un altro "
                    "componente dell'Ufficio o all'amministratore del portale."
                )
            )
        if ruolo.user.is_superuser:
            raise OperazioneNonAmmessa(
                _(
                    "Questa persona amministra il portale: i suoi ruoli li gestisce l'amministratore."
                )
            )
        if not ruolo.attivo:
            raise OperazioneNonAmmessa(_("Il ruolo è già revocato."))
        if al < ruolo.dal:
            ruolo.attivo = False
        else:
            # Never lengthens a role: an end already set earlier stays.
            ruolo.al = min(al, ruolo.al) if ruolo.al else al
            ruolo.attivo = ruolo.al > oggi
        ruolo.save(update_fields=["al", "attivo"])
        return ruolo


# --- Accounts -------------------------------------------------------------------------------------


def _verifica_non_amministratore(utente):
    if utente.is_superuser or utente.is_staff:
        raise OperazioneNonAmmessa(
            _("Questa persona amministra il portale: solo l'amministratore può disattivarla.")
        )


@dataclass
class EsitoDisattivazione:
    ruoli_chiusi: int
    account_disattivato: bool


def disattiva_utente(*, ambito, utente, da) -> EsitoDisattivazione:
    """End every role the user holds in this ambito; switch the account off only when no role
    elsewhere still needs it (another ambito's people are not this Ufficio's to lock out)."""
    if utente.pk == da.pk:
        raise OperazioneNonAmmessa(_("Non puoi disattivare il tuo stesso account."))
    oggi = timezone.localdate()
    with transaction.atomic():
        utente = User.objects.select_for_update().get(pk=utente.pk)
        _verifica_non_amministratore(utente)
        chiusi = 0
        for ruolo in Ruolo.objects.filter(user=utente, ambito=ambito, attivo=True):
            if ruolo.dal <= oggi and (ruolo.al is None or ruolo.al > oggi):
                ruolo.al = oggi
            ruolo.attivo = False
            ruolo.save(update_fields=["al", "attivo"])
            chiusi += 1
        disattivato = not ruoli_in_altri_ambiti(utente, ambito).exists()
        if disattivato and utente.is_active:
            utente.is_active = False
            utente.save(update_fields=["is_active"])
        return EsitoDisattivazione(ruoli_chiusi=chiusi, account_disattivato=disattivato)


def riattiva_utente(*, ambito, utente, da) -> None:
    """Switch the account back on. Its ended roles stay ended: the Ufficio gives the ones it
    needs again (and a reactivated account with no role sees nothing)."""
    with transaction.atomic():
        utente = User.objects.select_for_update().get(pk=utente.pk)
        _verifica_non_amministratore(utente)
        if not utente.is_active:
            utente.is_active = True
            utente.save(update_fields=["is_active"])


# --- Invitations ----------------------------------------------------------------------------------


def username_libero(nome: str, cognome: str) -> str:
    """A username from the name, ASCII, lower case, e.g. «mario.rossi», «mario.rossi2» when
    taken. Only letters, digits and dots: nothing a login form or a URL would trip on."""
    base = slugify(f"{nome} {cognome}").replace("-", ".")[:LUNGHEZZA_USERNAME].strip(".")
    base = base or "utente"
    presi = set(User.objects.filter(username__istartswith=base).values_list("username", flat=True))
    presi = {p.casefold() for p in presi}
    candidato, n = base, 1
    while candidato.casefold() in presi:
        n += 1
        candidato = f"{base}{n}"
    return candidato


@dataclass
class EsitoInvito:
    utente: object
    ruolo: Ruolo
    creato: bool
    email_inviata: bool


def invita(
    *,
    ambito,
    nome,
    cognome,
    email="",
    codice_fiscale="",
    tipo,
    comune=None,
    ente=None,
    dal=None,
    al=None,
    da,
    base_url=None,
) -> EsitoInvito:
    """Register a person (or find the one already in the portal) and give her a first role in
    the ambito. A new account has no usable password: the e-mail carries the link to choose one;
    without an e-mail, the first SPID or CIE login with the tax code binds it."""
    codice_fiscale = normalizza_codice_fiscale(codice_fiscale)
    email = (email or "").strip()
    with transaction.atomic():
        esistente = trova_persona(email=email, codice_fiscale=codice_fiscale)
        if esistente is None:
            utente = User(
                username=username_libero(nome, cognome),
                first_name=nome.strip(),
                last_name=cognome.strip(),
                email=email,
                codice_fiscale=codice_fiscale or None,
            )
            utente.set_unusable_password()
            utente.save()
        else:
            utente = esistente
            if _solo_di_questo_ambito(utente, ambito):
                # Completes what is missing, never overwrites: the person may have set it.
                campi = []
                if codice_fiscale and not utente.codice_fiscale:
                    utente.codice_fiscale = codice_fiscale
                    campi.append("codice_fiscale")
                if email and not utente.email:
                    utente.email = email
                    campi.append("email")
                if campi:
                    utente.save(update_fields=campi)
            elif codice_fiscale and not utente.codice_fiscale:
                # Whoever holds the tax code logs in with SPID as this account: only an
                # Ufficio that alone knows the person may bind it.
                raise ValidationError(
                    {
                        "codice_fiscale": _(
                            "Questa persona è già registrata nel portale senza codice fiscale: "
                            "invitala senza codice fiscale, o chiedi all'amministratore di "
                            "aggiungerlo."
                        )
                    }
                )
        ruolo = assegna_ruolo(
            ambito=ambito,
            utente=utente,
            tipo=tipo,
            comune=comune,
            ente=ente,
            dal=dal,
            al=al,
            da=da,
        )
        utente.refresh_from_db()
        da_invitare = bool(utente.email) and not utente.has_usable_password()
        if da_invitare:
            transaction.on_commit(lambda: invia_invito(utente, ambito, base_url=base_url))
    return EsitoInvito(
        utente=utente, ruolo=ruolo, creato=esistente is None, email_inviata=da_invitare
    )


def link_password(utente, *, base_url=None) -> str:
    """The link that lets the person choose her password (Django's reset token: it stops
    working once the password is set, or after PASSWORD_RESET_TIMEOUT)."""
    percorso = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(utente.pk)),
            "token": default_token_generator.make_token(utente),
        },
    )
    return posta.base_url(base_url) + percorso


def invia_invito(utente, ambito, *, base_url=None) -> int:
    contesto = {
        "utente": utente,
        "ambito": ambito,
        "link": link_password(utente, base_url=base_url),
        "accesso": posta.base_url(base_url) + reverse("accounts:login"),
    }
    oggetto = _("Invito al portale dei Piani di Zona — ambito %(nome)s") % {"nome": ambito.nome}
    corpo = render_to_string("ambiti/utenti/invito_email.txt", contesto)
    return posta.invia(
        [posta.messaggio(oggetto, corpo, utente.email, rispondi_a=ambito.email_ufficio_piano)]
    )


# --- Mayors from a file ---------------------------------------------------------------------------


def giorno_prima(giorno: datetime.date) -> datetime.date:
    return giorno - datetime.timedelta(days=1)


def importa_sindaci(*, ambito, contenuto: bytes, da, base_url=None):
    """Apply a mayors' file, all or nothing. The file is validated again here, under the locks
    of the ambito's comuni, so that what the preview showed is what is written, or nothing
    (ValidationError with the rows' errors) if someone changed a mayor in between."""
    with transaction.atomic():
        list(Comune.objects.select_for_update().filter(ambito=ambito).order_by("pk"))
        piano = analizza(contenuto, ambito=ambito)
        if piano.errori:
            raise ErroreImportazione(piano.errori)
        creati = 0
        for riga in piano.righe:
            if riga.invariata:
                continue
            if riga.da_chiudere is not None:
                uscente = Ruolo.objects.select_for_update().get(pk=riga.da_chiudere.pk)
                uscente.al = giorno_prima(riga.dal)
                uscente.attivo = uscente.al >= timezone.localdate()
                uscente.save(update_fields=["al", "attivo"])
            invita(
                ambito=ambito,
                nome=riga.nome,
                cognome=riga.cognome,
                email=riga.email,
                codice_fiscale=riga.codice_fiscale,
                tipo=Tipo.SINDACO,
                comune=riga.comune,
                dal=riga.dal,
                da=da,
                base_url=base_url,
            )
            creati += 1
        return creati


def sindaci_in_carica(ambito):
    return (
        Ruolo.objects.attivi()
        .filter(ambito=ambito, tipo=Tipo.SINDACO)
        .select_related("user", "comune")
        .order_by("comune__codice_istat")
    )
