import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from core import flusso

from .validators import validate_allegato

# "1.", "2)", "3 -", "a)", "-", "•" at the start of an agenda line; "2.000 euro" is not a number
# of a point.
NUMERO_DEL_PUNTO = re.compile(
    r"^\s*(?:\d{1,3}\s*[.)](?!\d)|[a-z][.)](?=\s)|\d{1,3}\s+[-–—](?=\s)|[-–—•*·](?=\s))\s*"
)


def _token():
    return secrets.token_urlsafe(24)


class TavoloQuerySet(models.QuerySet):
    def nell_ambito(self, ambito):
        return self.filter(ambito=ambito)


class Tavolo(models.Model):
    """A thematic table (tavolo tematico) of one ambito's co-programming."""

    ambito = models.ForeignKey(
        "ambiti.Ambito", on_delete=models.CASCADE, related_name="tavoli", verbose_name=_("ambito")
    )
    titolo = models.CharField(_("titolo"), max_length=200)
    descrizione = models.TextField(_("descrizione"), blank=True)
    aree_policy = models.ManyToManyField(
        "ambiti.AreaPolicy", blank=True, related_name="tavoli", verbose_name=_("aree di policy")
    )
    sub_ambito = models.ForeignKey(
        "ambiti.SubAmbito",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tavoli",
        verbose_name=_("sub-ambito"),
    )
    coordinatori = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="tavoli_coordinati",
        verbose_name=_("coordinatori"),
    )
    operatori = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="tavoli_operati",
        verbose_name=_("operatori"),
    )
    data_inizio = models.DateField(_("inizio dei lavori"), null=True, blank=True)
    data_fine = models.DateField(_("fine dei lavori"), null=True, blank=True)
    # Calendar apps cannot sign in: the feed URL carries this secret instead.
    token_calendario = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    # The Ufficio di Piano decides what reaches the public pages (pubblico/selezioni.py).
    pubblico = models.BooleanField(_("pubblico"), default=False)
    creato_il = models.DateTimeField(auto_now_add=True)

    objects = TavoloQuerySet.as_manager()

    class Meta:
        ordering = ["ambito", "titolo"]
        verbose_name = _("tavolo tematico")
        verbose_name_plural = _("tavoli tematici")
        constraints = [
            models.UniqueConstraint(fields=["ambito", "titolo"], name="titolo_tavolo_unico"),
            models.CheckConstraint(
                condition=Q(data_fine__isnull=True)
                | Q(data_inizio__isnull=True)
                | Q(data_fine__gte=models.F("data_inizio")),
                name="tavolo_fine_dopo_inizio",
            ),
        ]

    def __str__(self):
        return self.titolo

    def rinnova_token_calendario(self) -> str:
        """A new secret for the feed: the old URL stops working at once (404). Written with an
        UPDATE of that column alone, so that it never overwrites a concurrent edit of the table."""
        self.token_calendario = _token()
        Tavolo.objects.filter(pk=self.pk).update(token_calendario=self.token_calendario)
        return self.token_calendario

    def clean(self):
        if self.sub_ambito_id and self.sub_ambito.ambito_id != self.ambito_id:
            raise ValidationError({"sub_ambito": _("Il sub-ambito deve appartenere all'ambito.")})
        if self.data_inizio and self.data_fine and self.data_fine < self.data_inizio:
            raise ValidationError(
                {"data_fine": _("La fine dei lavori non può precedere l'inizio.")}
            )


class Membro(models.Model):
    """A member of a table: an ente of the register, or a named person."""

    tavolo = models.ForeignKey(
        Tavolo, on_delete=models.CASCADE, related_name="membri", verbose_name=_("tavolo")
    )
    ente = models.ForeignKey(
        "ambiti.Ente",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partecipazioni",
        verbose_name=_("ente"),
    )
    nome = models.CharField(_("nome e cognome"), max_length=150, blank=True)
    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partecipazioni_tavoli",
        verbose_name=_("account del portale"),
    )
    ruolo = models.CharField(_("ruolo o organizzazione"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["tavolo_id", "ente__denominazione", "nome"]
        verbose_name = _("membro del tavolo")
        verbose_name_plural = _("membri del tavolo")
        constraints = [
            models.CheckConstraint(
                condition=Q(ente__isnull=False) | ~Q(nome=""), name="membro_ente_o_persona"
            ),
            models.UniqueConstraint(
                fields=["tavolo", "ente"],
                condition=Q(ente__isnull=False),
                name="ente_membro_una_volta",
            ),
        ]

    def __str__(self):
        return str(self.ente) if self.ente_id else self.nome

    def clean(self):
        from accounts.models import Ruolo

        if (
            self.utente_id
            and self.tavolo_id
            and not Ruolo.objects.attivi()
            .filter(user=self.utente, ambito=self.tavolo.ambito_id)
            .exists()
        ):
            raise ValidationError(
                {"utente": _("L'account deve avere un ruolo nell'ambito del tavolo.")}
            )

    @property
    def indirizzo_email(self):
        return self.email or (self.ente.email if self.ente_id else "")


class IncontroQuerySet(models.QuerySet):
    def futuri(self, adesso):
        return self.filter(fine__gte=adesso)


class Incontro(models.Model):
    """One meeting of a table, with its minutes (verbale) and their review loop."""

    class Stato(models.TextChoices):
        BOZZA = "bozza", _("Bozza")
        IN_REVISIONE = "in_revisione", _("In revisione")
        APPROVATO = "approvato", _("Approvato")

    tavolo = models.ForeignKey(
        Tavolo, on_delete=models.CASCADE, related_name="incontri", verbose_name=_("tavolo")
    )
    titolo = models.CharField(_("titolo"), max_length=200)
    inizio = models.DateTimeField(_("inizio"))
    fine = models.DateTimeField(_("fine"))
    luogo = models.CharField(_("luogo"), max_length=200, blank=True)
    link_online = models.URLField(_("collegamento per la partecipazione online"), blank=True)
    ordine_del_giorno = models.TextField(
        _("ordine del giorno"), blank=True, help_text=_("Un punto per riga.")
    )
    verbale = models.TextField(_("verbale"), blank=True)
    stato = models.CharField(
        _("stato del verbale"), max_length=15, choices=Stato.choices, default=Stato.BOZZA
    )
    revisione = models.PositiveIntegerField(_("revisione"), default=1)
    # The last approved minutes stay readable by the members while a new revision is drafted.
    testo_approvato = models.TextField(_("verbale approvato"), blank=True)
    approvato_il = models.DateTimeField(_("approvato il"), null=True, blank=True)
    approvato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Bumped by every save of the minutes: a form carries the version it was opened at, and a
    # save from an older version is a conflict, never a silent overwrite.
    versione = models.PositiveIntegerField(default=1)
    creato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    creato_il = models.DateTimeField(auto_now_add=True)
    uid = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    sequenza_ics = models.PositiveIntegerField(default=0)
    # Public pages show a meeting only of a public table, and its minutes only once approved and
    # marked so: a new revision takes them back (services.apri_nuova_revisione).
    pubblico = models.BooleanField(_("incontro pubblico"), default=False)
    verbale_pubblico = models.BooleanField(_("verbale pubblico"), default=False)

    objects = IncontroQuerySet.as_manager()

    class Meta:
        ordering = ["-inizio"]
        verbose_name = _("incontro")
        verbose_name_plural = _("incontri")
        constraints = [
            models.CheckConstraint(
                condition=Q(fine__gt=models.F("inizio")), name="incontro_fine_dopo_inizio"
            ),
            models.CheckConstraint(
                condition=~Q(luogo="") | ~Q(link_online=""), name="incontro_luogo_o_link"
            ),
            models.CheckConstraint(
                condition=Q(verbale_pubblico=False) | Q(stato="approvato"),
                name="pubblico_solo_il_verbale_approvato",
            ),
        ]

    def __str__(self):
        # The day in Rome: a meeting at 00:30 is not on the previous day.
        giorno = formats.date_format(timezone.localtime(self.inizio), "SHORT_DATE_FORMAT")
        return f"{self.titolo} ({giorno})"

    @property
    def punti_odg(self):
        """The agenda's points, without the numbers or bullets typed before them: the page,
        the minutes and the calendar number the points themselves ("1. 1. Presentazione")."""
        punti = (
            NUMERO_DEL_PUNTO.sub("", riga, count=1).strip()
            for riga in self.ordine_del_giorno.splitlines()
        )
        return [punto for punto in punti if punto]

    @property
    def is_bloccato(self):
        return self.stato == self.Stato.APPROVATO


class Presenza(models.Model):
    incontro = models.ForeignKey(
        Incontro, on_delete=models.CASCADE, related_name="presenze", verbose_name=_("incontro")
    )
    membro = models.ForeignKey(
        Membro, on_delete=models.CASCADE, related_name="presenze", verbose_name=_("membro")
    )
    partecipanti = models.PositiveSmallIntegerField(_("numero di partecipanti"), default=1)

    class Meta:
        ordering = ["membro__ente__denominazione", "membro__nome"]
        verbose_name = _("presenza")
        verbose_name_plural = _("presenze")
        constraints = [
            models.UniqueConstraint(fields=["incontro", "membro"], name="una_presenza_per_membro"),
            models.CheckConstraint(
                condition=Q(partecipanti__gte=1), name="presenza_almeno_un_partecipante"
            ),
        ]

    def __str__(self):
        return f"{self.membro} ({self.partecipanti})"


class EsitoQuerySet(models.QuerySet):
    def proposte(self):
        return self.filter(tipo=Esito.Tipo.PROPOSTA)

    def nell_ambito(self, ambito):
        return self.filter(incontro__tavolo__ambito=ambito)


class Esito(models.Model):
    """Something that emerged at a meeting: a need, a resource, or a proposal for the plan."""

    class Tipo(models.TextChoices):
        BISOGNO = "bisogno", _("Bisogno")
        RISORSA = "risorsa", _("Risorsa od opportunità")
        PROPOSTA = "proposta", _("Proposta o raccomandazione")

    class Valutazione(models.TextChoices):
        DA_VALUTARE = "da_valutare", _("Da valutare")
        ACCOLTA = "accolta", _("Accolta")
        ACCORPATA = "accorpata", _("Accorpata")
        NON_ACCOLTA = "non_accolta", _("Non accolta")

    incontro = models.ForeignKey(
        Incontro, on_delete=models.CASCADE, related_name="esiti", verbose_name=_("incontro")
    )
    tipo = models.CharField(_("tipo"), max_length=10, choices=Tipo.choices)
    testo = models.TextField(_("testo"))
    area_policy = models.ForeignKey(
        "ambiti.AreaPolicy",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="esiti",
        verbose_name=_("area di policy"),
    )
    target = models.CharField(_("destinatari"), max_length=150, blank=True)
    ordine = models.PositiveIntegerField(default=0)
    valutazione = models.CharField(
        _("valutazione"),
        max_length=12,
        choices=Valutazione.choices,
        default=Valutazione.DA_VALUTARE,
    )
    motivazione = models.TextField(_("motivazione"), blank=True)
    # PROTECT: deleting a proposal that others were merged into would orphan them.
    accorpata_in = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accorpate",
        verbose_name=_("accorpata nella proposta"),
    )
    valutata_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    valutata_il = models.DateTimeField(null=True, blank=True)
    creato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    creato_il = models.DateTimeField(auto_now_add=True)

    objects = EsitoQuerySet.as_manager()

    class Meta:
        ordering = ["incontro", "tipo", "ordine", "pk"]
        verbose_name = _("esito dell'incontro")
        verbose_name_plural = _("esiti degli incontri")
        constraints = [
            models.CheckConstraint(
                condition=Q(tipo="proposta") | Q(valutazione="da_valutare"),
                name="solo_le_proposte_si_valutano",
            ),
            models.CheckConstraint(
                condition=Q(valutazione="accorpata", accorpata_in__isnull=False)
                | (~Q(valutazione="accorpata") & Q(accorpata_in__isnull=True)),
                name="accorpata_indica_la_proposta",
            ),
            models.CheckConstraint(
                condition=~Q(valutazione="non_accolta") | ~Q(motivazione=""),
                name="non_accolta_con_motivazione",
            ),
        ]

    def __str__(self):
        return self.testo[:80]


def _percorso_allegato(allegato, filename):
    return f"tavoli/{allegato.incontro.tavolo_id}/{allegato.incontro_id}/{filename}"


class Allegato(models.Model):
    incontro = models.ForeignKey(
        Incontro, on_delete=models.CASCADE, related_name="allegati", verbose_name=_("incontro")
    )
    file = models.FileField(_("file"), upload_to=_percorso_allegato, validators=[validate_allegato])
    nome = models.CharField(_("nome"), max_length=200)
    dimensione = models.PositiveIntegerField(_("dimensione in byte"))
    caricato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    caricato_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["caricato_il"]
        verbose_name = _("allegato")
        verbose_name_plural = _("allegati")

    def __str__(self):
        return self.nome


class RevisioneVerbale(models.Model):
    """A kept copy of the minutes: every save while drafting, and each approved text."""

    incontro = models.ForeignKey(
        Incontro, on_delete=models.CASCADE, related_name="revisioni", verbose_name=_("incontro")
    )
    revisione = models.PositiveIntegerField(_("revisione"))
    versione = models.PositiveIntegerField(_("versione"))
    testo = models.TextField(_("testo"))
    autore = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    salvata_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["incontro_id", "-versione"]
        verbose_name = _("revisione del verbale")
        verbose_name_plural = _("revisioni del verbale")
        constraints = [
            models.UniqueConstraint(fields=["incontro", "versione"], name="una_copia_per_versione")
        ]

    def __str__(self):
        return f"{self.incontro} — rev. {self.revisione}.{self.versione}"


class Transizione(flusso.TransizioneDiStato):
    """Audit row of the minutes' review loop: who moved them, from what state to what, when."""

    oggetto = "incontro"

    incontro = models.ForeignKey(
        Incontro, on_delete=models.CASCADE, related_name="transizioni", verbose_name=_("incontro")
    )
    da_stato = models.CharField(max_length=15, choices=Incontro.Stato.choices)
    a_stato = models.CharField(max_length=15, choices=Incontro.Stato.choices)
    revisione = models.PositiveIntegerField()

    class Meta:
        ordering = ["incontro_id", "avvenuta_il"]
        verbose_name = _("passaggio di stato del verbale")
        verbose_name_plural = _("passaggi di stato del verbale")


class Commento(flusso.Commento):
    incontro = models.ForeignKey(
        Incontro, on_delete=models.CASCADE, related_name="commenti", verbose_name=_("incontro")
    )
    revisione = models.PositiveIntegerField()

    class Meta:
        ordering = ["incontro_id", "creato_il"]
        verbose_name = _("commento al verbale")
        verbose_name_plural = _("commenti al verbale")


class BozzaLocale(models.Model):
    """Work in progress on the minutes, autosaved per user before it is saved for real, so
    that a closed tab or an expired session loses nothing."""

    incontro = models.ForeignKey(Incontro, on_delete=models.CASCADE, related_name="+")
    utente = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    testo = models.TextField()
    versione_base = models.PositiveIntegerField()
    salvata_il = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incontro", "utente"], name="una_bozza_per_utente")
        ]

    def __str__(self):
        return f"{self.incontro} — {self.utente}"
