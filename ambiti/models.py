from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.db.models import Case, Count, F, Q, Subquery, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.ordinamento import in_ordine_italiano

from .validators import validate_codice_fiscale_ente

codice_istat_validator = RegexValidator(r"^\d{6}$", _("Il codice ISTAT è formato da 6 cifre."))
sigla_provincia_validator = RegexValidator(
    r"^[A-Z]{2}$", _("La sigla della provincia è formata da 2 lettere maiuscole.")
)


class PeriodoQuerySet(models.QuerySet):
    def in_ordine_di_attualita(self):
        """The period containing this year first, then the most recent ones."""
        anno = timezone.localdate().year
        return self.annotate(
            _fuori=Case(
                When(anno_inizio__lte=anno, anno_fine__gte=anno, then=Value(0)), default=Value(1)
            )
        ).order_by("_fuori", "-anno_inizio")

    def corrente(self):
        return self.in_ordine_di_attualita().first()


class Periodo(models.Model):
    """A programming period of the Piani di Zona, e.g. 2025-2027 (DGR XII/2167 of 2024)."""

    nome = models.CharField(_("nome"), max_length=20, unique=True)
    anno_inizio = models.PositiveSmallIntegerField(_("primo anno"))
    anno_fine = models.PositiveSmallIntegerField(_("ultimo anno"))
    riferimento_normativo = models.CharField(
        _("linee di indirizzo regionali"), max_length=200, blank=True
    )

    objects = PeriodoQuerySet.as_manager()

    class Meta:
        # Moved here from obiettivi (ambiti and tavoli need periods too): the table keeps its old
        # name so that deployed data stays put, and the triggers frozen in obiettivi/0002 read it.
        db_table = "obiettivi_periodo"
        ordering = ["-anno_inizio"]
        verbose_name = _("periodo di programmazione")
        verbose_name_plural = _("periodi di programmazione")
        constraints = [
            models.CheckConstraint(
                condition=Q(anno_fine__gte=F("anno_inizio"))
                & Q(anno_fine__lte=F("anno_inizio") + 5),
                name="periodo_anni_coerenti",
            )
        ]

    def __str__(self):
        return self.nome

    @property
    def anni(self) -> list[int]:
        return list(range(self.anno_inizio, self.anno_fine + 1))

    def contiene(self, anno) -> bool:
        return self.anno_inizio <= anno <= self.anno_fine


class AreaPolicyQuerySet(models.QuerySet):
    def correnti(self):
        """The areas of the current period, in one query with the rest."""
        corrente = Periodo.objects.in_ordine_di_attualita().values("pk")[:1]
        return self.filter(periodo=Subquery(corrente))


class AreaPolicy(models.Model):
    """A policy area of the regional guidelines for one period (e.g. «Politiche abitative»)."""

    periodo = models.ForeignKey(
        Periodo, on_delete=models.PROTECT, related_name="aree", verbose_name=_("periodo")
    )
    nome = models.CharField(_("nome"), max_length=150)
    slug = models.SlugField(_("codice"), max_length=80)
    descrizione = models.TextField(_("descrizione"), blank=True)
    ordine = models.PositiveSmallIntegerField(_("ordine"), default=0)
    integrazione_sociosanitaria = models.BooleanField(
        _("a integrazione socio-sanitaria"), default=False
    )
    trasversale = models.BooleanField(_("trasversale"), default=False)

    objects = AreaPolicyQuerySet.as_manager()

    class Meta:
        # Moved here from obiettivi (ambiti and tavoli need policy areas too): the table keeps its
        # old name so that deployed data and the foreign keys pointing at it stay untouched.
        db_table = "obiettivi_areapolicy"
        ordering = ["periodo", "ordine", "nome"]
        verbose_name = _("area di policy")
        verbose_name_plural = _("aree di policy")
        constraints = [
            models.UniqueConstraint(fields=["periodo", "nome"], name="area_nome_unico_per_periodo"),
            models.UniqueConstraint(fields=["periodo", "slug"], name="area_slug_unico_per_periodo"),
        ]

    def __str__(self):
        return self.nome


class Ats(models.Model):
    """Agenzia di Tutela della Salute: the regional health agency the ambiti belong to."""

    nome = models.CharField(_("nome"), max_length=150, unique=True)

    class Meta:
        ordering = ["nome"]
        verbose_name = _("ATS")
        verbose_name_plural = _("ATS")

    def __str__(self):
        return self.nome


class Asst(models.Model):
    """Azienda Socio-Sanitaria Territoriale: signs the Accordo di Programma of its ambiti."""

    nome = models.CharField(_("nome"), max_length=150, unique=True)
    ats = models.ForeignKey(
        Ats, on_delete=models.PROTECT, related_name="asst", verbose_name=_("ATS")
    )

    class Meta:
        ordering = ["nome"]
        verbose_name = _("ASST")
        verbose_name_plural = _("ASST")

    def __str__(self):
        return self.nome


class AmbitoQuerySet(models.QuerySet):
    def con_totali(self):
        return self.annotate(
            numero_comuni=Count("comuni", distinct=True),
            popolazione_totale=Sum("comuni__popolazione"),
        )


class Ambito(models.Model):
    """An ambito territoriale sociale: the comuni that write one Piano di Zona together."""

    nome = models.CharField(_("nome"), max_length=150, unique=True)
    slug = models.SlugField(_("identificativo nell'indirizzo"), max_length=60, unique=True)
    regione = models.CharField(_("regione"), max_length=60, default="Lombardia")
    # Nullable because the capofila is one of the ambito's own comuni, created after the ambito.
    ente_capofila = models.ForeignKey(
        "Comune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ente capofila"),
    )
    ente_gestore = models.CharField(
        _("ente gestore"),
        max_length=200,
        blank=True,
        help_text=_("Lasciare vuoto se la gestione è affidata per sub-ambito."),
    )
    ats = models.ForeignKey(
        Ats, on_delete=models.PROTECT, related_name="ambiti", verbose_name=_("ATS")
    )
    asst = models.ManyToManyField(Asst, related_name="ambiti", verbose_name=_("ASST competenti"))
    email_ufficio_piano = models.EmailField(_("e-mail dell'Ufficio di Piano"), blank=True)

    class AccessoVoto(models.TextChoices):
        QUALSIASI = "qualsiasi", _("Qualsiasi accesso")
        FORTE = "forte", _("SPID o CIE di livello 2, oppure secondo fattore")

    # The regolamento of some Assemblee asks that an online vote be cast only by a person
    # identified strongly (accounts.otp.accesso_forte); the others accept a password login.
    voto_online_accesso = models.CharField(
        _("accesso richiesto per votare online"),
        max_length=10,
        choices=AccessoVoto.choices,
        default=AccessoVoto.QUALSIASI,
        help_text=_(
            "Con «SPID o CIE di livello 2, oppure secondo fattore», chi è entrato con la sola "
            "password deve prima confermare l'accesso con il codice della sua app di "
            "autenticazione (o entrare con SPID o CIE) per vedere la scheda e votare."
        ),
    )

    # Who runs the public pages (/pubblico/): the header names it with its logo, the footer gives
    # its contacts, as the AgID guidelines ask of a public body's site.
    gestore_sito = models.CharField(
        _("ente che gestisce le pagine pubbliche"),
        max_length=200,
        blank=True,
        help_text=_(
            "Per esempio: Comune di Crema — Ufficio di Piano. Se vuoto: l'Ufficio di Piano "
            "dell'ambito."
        ),
    )
    logo = models.FileField(
        _("logo dell'ente"),
        upload_to="ambiti/loghi/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg"])],
        help_text=_("Immagine PNG o JPEG, al massimo 500 kB."),
    )
    indirizzo_gestore = models.CharField(_("indirizzo dell'ente"), max_length=250, blank=True)
    telefono_gestore = models.CharField(_("telefono dell'ufficio"), max_length=30, blank=True)
    pec_gestore = models.EmailField(_("PEC dell'ente"), blank=True)
    url_dichiarazione_accessibilita = models.URLField(
        _("dichiarazione di accessibilità"),
        blank=True,
        help_text=_(
            "L'indirizzo della dichiarazione pubblicata su form.agid.gov.it. Se vuoto, il "
            "portale ne mostra una sintesi con il meccanismo di feedback."
        ),
    )

    objects = AmbitoQuerySet.as_manager()

    class Meta:
        ordering = ["nome"]
        verbose_name = _("ambito territoriale")
        verbose_name_plural = _("ambiti territoriali")

    def __str__(self):
        return self.nome

    @property
    def nome_gestore_sito(self) -> str:
        return self.gestore_sito or _("Ufficio di Piano — Ambito %(nome)s") % {"nome": self.nome}

    def clean(self):
        if self.ente_capofila_id and self.ente_capofila.ambito_id != self.pk:
            raise ValidationError(
                {"ente_capofila": _("L'ente capofila deve essere un comune dell'ambito.")}
            )


class SubAmbito(models.Model):
    ambito = models.ForeignKey(
        Ambito, on_delete=models.CASCADE, related_name="sub_ambiti", verbose_name=_("ambito")
    )
    nome = models.CharField(_("nome"), max_length=150)
    ente_gestore = models.CharField(_("ente gestore"), max_length=200, blank=True)

    class Meta:
        ordering = ["ambito", "nome"]
        verbose_name = _("sub-ambito")
        verbose_name_plural = _("sub-ambiti")
        constraints = [
            models.UniqueConstraint(fields=["ambito", "nome"], name="sub_ambito_unico_per_ambito")
        ]

    def __str__(self):
        return self.nome


class ComuneQuerySet(models.QuerySet):
    def nell_ambito(self, ambito):
        return self.filter(ambito=ambito)


class Comune(models.Model):
    codice_istat = models.CharField(
        _("codice ISTAT"), max_length=6, unique=True, validators=[codice_istat_validator]
    )
    nome = models.CharField(_("nome"), max_length=150)
    provincia = models.CharField(
        _("provincia"), max_length=2, validators=[sigla_provincia_validator]
    )
    ambito = models.ForeignKey(
        Ambito, on_delete=models.PROTECT, related_name="comuni", verbose_name=_("ambito")
    )
    sub_ambito = models.ForeignKey(
        SubAmbito,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comuni",
        verbose_name=_("sub-ambito"),
    )
    # The population in force, copied from the latest Popolazione row that was applied: lists and
    # vote weights read it without a join, and the history stays in Popolazione.
    popolazione = models.PositiveIntegerField(_("popolazione residente"))
    popolazione_data = models.DateField(_("data di riferimento della popolazione"))
    popolazione_fonte = models.CharField(_("fonte della popolazione"), max_length=120)

    objects = ComuneQuerySet.as_manager()

    class Meta:
        # Italian alphabetical order wherever comuni are listed: "Casaletto di Sopra" before
        # "Casaletto Vaprio", whatever the database's own collation.
        ordering = [in_ordine_italiano("nome"), "codice_istat"]
        verbose_name = _("comune")
        verbose_name_plural = _("comuni")
        indexes = [models.Index(fields=["ambito", "nome"], name="comune_ambito_nome_idx")]
        # A comune with no residents would vote with no weight: no path may store one.
        constraints = [
            models.CheckConstraint(
                condition=Q(popolazione__gt=0), name="comune_popolazione_positiva"
            )
        ]

    def __str__(self):
        return self.nome

    def clean(self):
        if self.sub_ambito_id and self.sub_ambito.ambito_id != self.ambito_id:
            raise ValidationError(
                {"sub_ambito": _("Il sub-ambito deve appartenere all'ambito del comune.")}
            )


class Popolazione(models.Model):
    """One resident count of a comune, as published by a source for a reference date."""

    comune = models.ForeignKey(
        Comune, on_delete=models.CASCADE, related_name="rilevazioni", verbose_name=_("comune")
    )
    data_riferimento = models.DateField(_("data di riferimento"))
    fonte = models.CharField(_("fonte"), max_length=120)
    residenti = models.PositiveIntegerField(_("residenti"))
    importata_il = models.DateTimeField(_("importata il"), auto_now_add=True)

    class Meta:
        ordering = ["comune", "-data_riferimento"]
        verbose_name = _("rilevazione della popolazione")
        verbose_name_plural = _("rilevazioni della popolazione")
        constraints = [
            models.UniqueConstraint(
                fields=["comune", "fonte", "data_riferimento"],
                name="una_rilevazione_per_comune_fonte_data",
            ),
            models.CheckConstraint(
                condition=Q(residenti__gt=0), name="rilevazione_residenti_positivi"
            ),
        ]

    def __str__(self):
        return f"{self.comune} {self.data_riferimento:%m/%Y}: {self.residenti}"


def normalizza_codice_fiscale(codice) -> str:
    """The tax code as stored: upper case, without the spaces people type in it."""
    return (codice or "").strip().upper().replace(" ", "")


class EnteQuerySet(models.QuerySet):
    def con_codice_fiscale(self, codice):
        """The ente with this tax code however it was typed, or None."""
        codice = normalizza_codice_fiscale(codice)
        return self.filter(codice_fiscale=codice).first() if codice else None


class Ente(models.Model):
    """A body that takes part in the co-programming: third sector, public, diocesan, union.

    One Ente per legal body in the whole portal; its contacts are shown only to the ambiti whose
    register it is in."""

    class Tipo(models.TextChoices):
        ODV = "odv", _("Organizzazione di volontariato (ODV)")
        APS = "aps", _("Associazione di promozione sociale (APS)")
        COOPERATIVA = "cooperativa", _("Cooperativa sociale")
        CONSORZIO = "consorzio", _("Consorzio di cooperative sociali")
        FONDAZIONE = "fondazione", _("Fondazione")
        IMPRESA_SOCIALE = "impresa_sociale", _("Impresa sociale")
        ENTE_RELIGIOSO = "ente_religioso", _("Ente religioso o diocesano")
        SINDACATO = "sindacato", _("Organizzazione sindacale")
        ENTE_PUBBLICO = "ente_pubblico", _("Ente pubblico")
        ALTRO = "altro", _("Altro ente del terzo settore")

    denominazione = models.CharField(_("denominazione"), max_length=200)
    tipo = models.CharField(_("tipo di ente"), max_length=20, choices=Tipo.choices)
    codice_fiscale = models.CharField(
        _("codice fiscale"),
        max_length=16,
        blank=True,
        validators=[validate_codice_fiscale_ente],
        help_text=_("11 cifre (o 16 caratteri per le persone fisiche)."),
    )
    indirizzo = models.CharField(_("indirizzo"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    pec = models.EmailField(_("PEC"), blank=True)
    telefono = models.CharField(_("telefono"), max_length=30, blank=True)
    sito_web = models.URLField(_("sito web"), blank=True)
    referente = models.CharField(_("referente"), max_length=150, blank=True)

    objects = EnteQuerySet.as_manager()

    class Meta:
        ordering = ["denominazione"]
        verbose_name = _("ente")
        verbose_name_plural = _("enti")
        constraints = [
            models.UniqueConstraint(
                fields=["codice_fiscale"],
                condition=~Q(codice_fiscale=""),
                name="codice_fiscale_ente_unico",
            )
        ]

    def __str__(self):
        return self.denominazione


class IscrizioneQuerySet(models.QuerySet):
    def attive(self):
        return self.filter(stato=Iscrizione.Stato.ATTIVA)


class Iscrizione(models.Model):
    """The registration of an ente in the register of participating bodies of one ambito."""

    class Stato(models.TextChoices):
        ATTIVA = "attiva", _("Attiva")
        SOSPESA = "sospesa", _("Sospesa")
        CESSATA = "cessata", _("Cessata")

    ambito = models.ForeignKey(
        Ambito, on_delete=models.CASCADE, related_name="iscrizioni", verbose_name=_("ambito")
    )
    ente = models.ForeignKey(
        Ente, on_delete=models.PROTECT, related_name="iscrizioni", verbose_name=_("ente")
    )
    data_iscrizione = models.DateField(_("data di iscrizione"))
    stato = models.CharField(_("stato"), max_length=10, choices=Stato.choices, default=Stato.ATTIVA)
    aree_policy = models.ManyToManyField(
        "AreaPolicy",
        blank=True,
        related_name="iscrizioni",
        verbose_name=_("aree di policy scelte"),
    )
    aderisce_adp = models.BooleanField(_("aderisce all'Accordo di Programma"), default=False)
    data_adesione_adp = models.DateField(_("data di adesione all'AdP"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    creata_il = models.DateTimeField(auto_now_add=True)
    modificata_il = models.DateTimeField(auto_now=True)

    objects = IscrizioneQuerySet.as_manager()

    class Meta:
        ordering = ["ente__denominazione", "pk"]
        verbose_name = _("iscrizione al registro")
        verbose_name_plural = _("iscrizioni al registro")
        constraints = [
            models.UniqueConstraint(fields=["ambito", "ente"], name="una_iscrizione_per_ambito"),
            models.CheckConstraint(
                condition=Q(aderisce_adp=True) | Q(data_adesione_adp__isnull=True),
                name="data_adesione_solo_se_aderisce",
            ),
        ]

    def __str__(self):
        return f"{self.ente} — {self.ambito}"

    def clean(self):
        if self.data_adesione_adp and not self.aderisce_adp:
            raise ValidationError(
                {"data_adesione_adp": _("Indicare la data solo se l'ente aderisce all'AdP.")}
            )


class CandidaturaQuerySet(models.QuerySet):
    def in_esame(self):
        return self.filter(stato=Candidatura.Stato.DA_ESAMINARE)


class Candidatura(models.Model):
    """A manifestazione di interesse: a body asks, from the public form, to join the register of
    one ambito. It reaches the Ufficio di Piano only once the ente has confirmed its e-mail
    address (ambiti/services_candidature.py); accepting it enters the ente in the register."""

    class Stato(models.TextChoices):
        VERIFICA_EMAIL = "verifica_email", _("In attesa di verifica dell'e-mail")
        DA_ESAMINARE = "da_esaminare", _("Da esaminare")
        ACCETTATA = "accettata", _("Accettata")
        RESPINTA = "respinta", _("Respinta")

    ambito = models.ForeignKey(
        Ambito, on_delete=models.CASCADE, related_name="candidature", verbose_name=_("ambito")
    )
    denominazione = models.CharField(_("denominazione"), max_length=200)
    tipo = models.CharField(_("tipo di ente"), max_length=20, choices=Ente.Tipo.choices)
    codice_fiscale = models.CharField(
        _("codice fiscale dell'ente"), max_length=16, validators=[validate_codice_fiscale_ente]
    )
    email = models.EmailField(_("e-mail di contatto"))
    referente = models.CharField(_("referente"), max_length=150, blank=True)
    aree_policy = models.ManyToManyField(
        AreaPolicy,
        blank=True,
        related_name="candidature",
        verbose_name=_("aree di policy scelte"),
    )
    # What the ente declared, and when (the time of the request): the form refuses it without.
    dichiara_requisiti = models.BooleanField(_("dichiara i requisiti"), default=False)
    consenso_privacy = models.BooleanField(_("ha letto l'informativa privacy"), default=False)
    stato = models.CharField(
        _("stato"), max_length=20, choices=Stato.choices, default=Stato.VERIFICA_EMAIL
    )
    creata_il = models.DateTimeField(_("inviata il"), auto_now_add=True)
    email_verificata_il = models.DateTimeField(_("e-mail verificata il"), null=True, blank=True)
    decisa_il = models.DateTimeField(_("decisa il"), null=True, blank=True)
    decisa_da = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decisa da"),
    )
    motivo_rifiuto = models.TextField(_("motivo del rifiuto"), blank=True)
    iscrizione = models.ForeignKey(
        Iscrizione,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="candidature",
        verbose_name=_("iscrizione al registro"),
    )

    objects = CandidaturaQuerySet.as_manager()

    class Meta:
        ordering = ["-creata_il", "-pk"]
        verbose_name = _("richiesta di adesione al registro")
        verbose_name_plural = _("richieste di adesione al registro")
        indexes = [models.Index(fields=["ambito", "stato"], name="candidatura_ambito_stato_idx")]
        constraints = [
            # One request under examination per body and ambito: a second one would be a
            # duplicate for the Ufficio di Piano to spot by eye.
            models.UniqueConstraint(
                fields=["ambito", "codice_fiscale"],
                condition=Q(stato="da_esaminare"),
                name="una_candidatura_in_esame_per_ente",
            ),
            models.CheckConstraint(
                condition=~Q(stato="respinta") | ~Q(motivo_rifiuto=""),
                name="candidatura_respinta_con_motivo",
            ),
        ]

    def __str__(self):
        return f"{self.denominazione} — {self.ambito}"
