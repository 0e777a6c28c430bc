import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _token_calendario():
    return secrets.token_urlsafe(24)


class User(AbstractUser):
    """A person who signs in. What she may do comes from her roles (Ruolo) and, for the
    administrator of the whole portal, from Django's superuser flag."""

    email = models.EmailField(_("indirizzo e-mail"), blank=True)
    # How SPID and CIE logins find the person: the Ufficio di Piano registers it, the first
    # login with that tax code binds the account (accounts.spid).
    codice_fiscale = models.CharField(
        _("codice fiscale"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Per l'accesso con SPID o CIE."),
    )
    # Calendar apps cannot sign in: the personal feed URL carries this secret instead.
    token_calendario = models.CharField(
        max_length=64, unique=True, default=_token_calendario, editable=False
    )

    class Meta:
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")

    def __str__(self):
        return self.get_full_name() or self.username

    def rinnova_token_calendario(self) -> str:
        """A new secret for the personal feed, for when its URL went where it should not: the
        old URL stops working at once (404)."""
        self.token_calendario = _token_calendario()
        User.objects.filter(pk=self.pk).update(token_calendario=self.token_calendario)
        return self.token_calendario


class RuoloQuerySet(models.QuerySet):
    def attivi(self, giorno=None):
        """The roles that give access on that day (today, Europe/Rome): not revoked, begun, not
        yet ended. A role whose end date passed stops here without anyone acting."""
        giorno = giorno or timezone.localdate()
        return self.filter(attivo=True, dal__lte=giorno).filter(
            Q(al__isnull=True) | Q(al__gte=giorno)
        )

    def scaduti(self, giorno=None):
        """Still marked active, but their end date has passed (accounts.tasks closes them)."""
        giorno = giorno or timezone.localdate()
        return self.filter(attivo=True, al__lt=giorno)


class Ruolo(models.Model):
    """One role of a user, bound to the scope the role works in (ARCHITECTURE.md, "Who may do
    what")."""

    class Tipo(models.TextChoices):
        UFFICIO_PIANO = "ufficio_piano", _("Ufficio di Piano")
        OPERATORE = "operatore", _("Operatore")
        ENTE = "ente", _("Ente partecipante")
        SINDACO = "sindaco", _("Sindaco")
        DELEGATO = "delegato", _("Delegato del sindaco")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="ruoli", verbose_name=_("utente")
    )
    tipo = models.CharField(_("ruolo"), max_length=20, choices=Tipo.choices)
    ambito = models.ForeignKey(
        "ambiti.Ambito", on_delete=models.CASCADE, related_name="ruoli", verbose_name=_("ambito")
    )
    comune = models.ForeignKey(
        "ambiti.Comune",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ruoli",
        verbose_name=_("comune"),
        help_text=_("Per sindaci e delegati."),
    )
    ente = models.ForeignKey(
        "ambiti.Ente",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ruoli",
        verbose_name=_("ente"),
        help_text=_("Per chi rappresenta un ente partecipante."),
    )
    attivo = models.BooleanField(_("attivo"), default=True)
    # Mayors change at elections, staff move on: the role works from `dal` to `al` included.
    dal = models.DateField(_("dal"), default=timezone.localdate)
    al = models.DateField(_("al"), null=True, blank=True, help_text=_("Vuoto: senza scadenza."))
    assegnato_il = models.DateTimeField(_("assegnato il"), auto_now_add=True)

    objects = RuoloQuerySet.as_manager()

    class Meta:
        ordering = ["user", "tipo"]
        verbose_name = _("ruolo")
        verbose_name_plural = _("ruoli")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(tipo__in=["sindaco", "delegato"], comune__isnull=False)
                    | (~Q(tipo__in=["sindaco", "delegato"]) & Q(comune__isnull=True))
                ),
                name="comune_solo_e_sempre_per_sindaco_o_delegato",
            ),
            models.CheckConstraint(
                condition=(
                    Q(tipo="ente", ente__isnull=False) | (~Q(tipo="ente") & Q(ente__isnull=True))
                ),
                name="ente_solo_e_sempre_per_ente_partecipante",
            ),
            # A sindaco or delegato speaks for one comune; Ufficio di Piano staff and operators
            # work for one ambito.
            # Only roles not revoked count: an ended role stays as history (who was sindaco).
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(tipo__in=["sindaco", "delegato"], attivo=True),
                name="un_solo_comune_per_sindaco_o_delegato",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(tipo="ufficio_piano", attivo=True),
                name="un_solo_ambito_per_ufficio_piano",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(tipo="operatore", attivo=True),
                name="un_solo_ambito_per_operatore",
            ),
            # An outgoing mayor has an end date; the one elected has none yet (overlapping
            # periods are refused by clean()).
            models.UniqueConstraint(
                fields=["comune"],
                condition=Q(tipo="sindaco", attivo=True, al__isnull=True),
                name="un_sindaco_in_carica_per_comune",
            ),
            models.UniqueConstraint(
                fields=["user", "ambito", "ente"],
                condition=Q(tipo="ente", attivo=True),
                name="ente_partecipante_unico_per_ambito",
            ),
            models.CheckConstraint(
                condition=Q(al__isnull=True) | Q(al__gte=models.F("dal")),
                name="ruolo_fine_non_prima_inizio",
            ),
        ]

    def __str__(self):
        scope = self.comune or self.ente or self.ambito
        return f"{self.get_tipo_display()} — {scope}"

    def clean(self):
        errors = {}
        if self.comune_id and self.ambito_id and self.comune.ambito_id != self.ambito_id:
            errors["comune"] = _("Il comune deve appartenere all'ambito del ruolo.")
        if (
            self.ente_id
            and self.ambito_id
            and not self.ente.iscrizioni.filter(ambito_id=self.ambito_id).exists()
        ):
            errors["ente"] = _("L'ente deve essere iscritto al registro dell'ambito.")
        if self.dal and self.al and self.al < self.dal:
            errors["al"] = _("La fine del ruolo non può precedere il suo inizio.")
        sindaco_in_carica = self.tipo == self.Tipo.SINDACO and self.comune_id and self.attivo
        if sindaco_in_carica and "al" not in errors and self.sovrapposti().exists():
            errors["dal"] = _(
                "Il comune ha già un sindaco in carica in questo periodo: indica la fine del "
                "mandato precedente."
            )
        if errors:
            raise ValidationError(errors)

    def sovrapposti(self):
        """The comune's other active sindaco roles whose period overlaps this one."""
        altri = Ruolo.objects.filter(tipo=self.Tipo.SINDACO, comune_id=self.comune_id, attivo=True)
        altri = altri.exclude(pk=self.pk).filter(Q(al__isnull=True) | Q(al__gte=self.dal))
        if self.al:
            altri = altri.filter(dal__lte=self.al)
        return altri


class SbloccoAccessi(models.Model):
    """The Ufficio di Piano lifted the login limits of one of its ambito's users: who, when,
    how many recorded failures it forgot (accounts.throttling.sblocca_accessi)."""

    utente = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="sblocchi_accessi", verbose_name=_("utente")
    )
    ambito = models.ForeignKey(
        "ambiti.Ambito", on_delete=models.CASCADE, related_name="+", verbose_name=_("ambito")
    )
    sbloccato_da = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sbloccato da"),
    )
    sbloccato_il = models.DateTimeField(_("sbloccato il"), auto_now_add=True)
    tentativi_rimossi = models.PositiveIntegerField(_("tentativi rimossi"))

    class Meta:
        ordering = ["-sbloccato_il"]
        verbose_name = _("sblocco degli accessi")
        verbose_name_plural = _("sblocchi degli accessi")

    def __str__(self):
        return f"{self.utente} — {self.sbloccato_il:%Y-%m-%d %H:%M}"


# --- Reminders and notifications (issue 13; accounts/notifiche.py sends them) ------------------


class TipoNotifica(models.TextChoices):
    """The kinds of reminder a person chooses how to receive. The Assemblea's convocations are
    not among them: they are always sent (a sindaco must never miss one)."""

    PROMEMORIA_INCONTRO = "promemoria_incontro", _("Promemoria degli incontri dei tavoli")
    VERBALE_DA_RIVEDERE = "verbale_da_rivedere", _("Verbali in attesa della tua revisione")
    SCADENZA_REVISIONE = "scadenza_revisione", _("Scadenza della revisione del piano")
    VOTAZIONE_APERTURA = "votazione_apertura", _("Votazioni aperte dell'Assemblea")
    VOTAZIONE_CHIUSURA = "votazione_chiusura", _("Votazioni dell'Assemblea in chiusura")


class Frequenza(models.TextChoices):
    IMMEDIATA = "immediata", _("Subito, con un messaggio")
    RIEPILOGO = "riepilogo", _("Nel riepilogo giornaliero")
    NESSUNA = "nessuna", _("Mai")


class PreferenzaNotifica(models.Model):
    """How a person wants one kind of reminder; no row means immediately."""

    utente = models.ForeignKey(User, on_delete=models.CASCADE, related_name="preferenze_notifiche")
    tipo = models.CharField(_("tipo"), max_length=30, choices=TipoNotifica.choices)
    frequenza = models.CharField(
        _("frequenza"), max_length=10, choices=Frequenza.choices, default=Frequenza.IMMEDIATA
    )

    class Meta:
        verbose_name = _("preferenza di notifica")
        verbose_name_plural = _("preferenze di notifica")
        constraints = [
            models.UniqueConstraint(fields=["utente", "tipo"], name="una_preferenza_per_tipo")
        ]

    def __str__(self):
        return f"{self.utente} — {self.get_tipo_display()}: {self.get_frequenza_display()}"


class Notifica(models.Model):
    """One reminder to one person, with the key that makes it happen once: the same reminder
    (same person, same `chiave`) is never recorded, hence never sent, twice, whichever job or
    redelivered task tries again. Those for the daily digest wait here (`in_riepilogo`, not yet
    `inviata_il`) until accounts.tasks.invia_riepiloghi sends them together."""

    utente = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifiche")
    tipo = models.CharField(_("tipo"), max_length=30, choices=TipoNotifica.choices)
    chiave = models.CharField(_("chiave"), max_length=200)
    frequenza = models.CharField(_("frequenza"), max_length=10, choices=Frequenza.choices)
    oggetto = models.CharField(_("oggetto"), max_length=200)
    testo = models.TextField(_("testo"))
    url = models.CharField(_("indirizzo"), max_length=500, blank=True)
    # The ambito the reminder is about, for the e-mail log of its Ufficio di Piano.
    ambito = models.ForeignKey(
        "ambiti.Ambito", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    creata_il = models.DateTimeField(_("creata il"), default=timezone.now)
    inviata_il = models.DateTimeField(_("inviata il"), null=True, blank=True)

    class Meta:
        ordering = ["creata_il", "pk"]
        verbose_name = _("notifica")
        verbose_name_plural = _("notifiche")
        constraints = [
            models.UniqueConstraint(fields=["utente", "chiave"], name="notifica_una_volta")
        ]
        indexes = [
            models.Index(fields=["frequenza", "inviata_il"], name="notifica_riepilogo_in_attesa")
        ]

    def __str__(self):
        return f"{self.utente} — {self.chiave}"
