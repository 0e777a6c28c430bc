from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ambiti.models import AreaPolicy, Periodo
from tavoli.models import Esito


class Fondo(models.Model):
    """A source of funding: FNPS, Fondo Sociale Regionale, Fondo Povertà, comuni's own..."""

    nome = models.CharField(_("nome"), max_length=120, unique=True)
    sigla = models.CharField(_("sigla"), max_length=20, unique=True)
    ordine = models.PositiveSmallIntegerField(_("ordine"), default=0)
    attivo = models.BooleanField(_("attivo"), default=True)

    class Meta:
        ordering = ["ordine", "nome"]
        verbose_name = _("fondo")
        verbose_name_plural = _("fondi")

    def __str__(self):
        return self.nome


class ObiettivoQuerySet(models.QuerySet):
    def dell_ambito(self, ambito, periodo):
        return self.filter(ambito=ambito, periodo=periodo)

    def con_dettagli(self):
        """Everything the detail page, the exports and the plan show.

        Each prefetch orders on its own columns, in the order its Meta.ordering gives within one
        objective: that ordering starts from the objective (and the value's from the indicator),
        which expands to Obiettivo.Meta.ordering and joined every prefetch to the objectives, their
        ambiti and periods (issue 16)."""
        return self.select_related("periodo", "ambito").prefetch_related(
            "aree_policy",
            "asst",
            "gruppi_destinatari",
            models.Prefetch(
                "azioni",
                queryset=Azione.objects.select_related("responsabile")
                .prefetch_related("partner")
                .order_by("ordine", "pk"),
            ),
            models.Prefetch(
                "risorse",
                queryset=Risorsa.objects.select_related("fondo").order_by(
                    "anno", "fondo__ordine", "fondo__nome"
                ),
            ),
            models.Prefetch(
                "indicatori",
                queryset=Indicatore.objects.order_by("pk").prefetch_related(
                    models.Prefetch(
                        "valori", queryset=ValoreIndicatore.objects.order_by("tipo", "anno")
                    )
                ),
            ),
            models.Prefetch(
                "proposte",
                queryset=Esito.objects.select_related("incontro__tavolo", "area_policy"),
            ),
        )


class DestinatarioQuerySet(models.QuerySet):
    def per_ambito(self, ambito):
        """The shared list and the groups this ambito added for itself."""
        return self.filter(Q(ambito__isnull=True) | Q(ambito=ambito))


class Destinatario(models.Model):
    """A target group of the plan's objectives (anziani, minori, famiglie...).

    One list shared by every ambito, seeded by obiettivi/0004 and kept by the administrator, so
    that figures by target group compare across ambiti as the regional reporting does; an ambito
    may add groups of its own (`ambito` set), which only its objectives can use.
    """

    nome = models.CharField(_("nome"), max_length=80)
    slug = models.SlugField(_("codice"), max_length=80)
    ambito = models.ForeignKey(
        "ambiti.Ambito",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="destinatari",
        verbose_name=_("ambito"),
        help_text=_("Vuoto per i gruppi comuni a tutti gli ambiti."),
    )
    ordine = models.PositiveSmallIntegerField(_("ordine"), default=0)
    attivo = models.BooleanField(
        _("attivo"),
        default=True,
        help_text=_("Un gruppo non attivo resta sugli obiettivi che lo hanno, non si sceglie più."),
    )

    objects = DestinatarioQuerySet.as_manager()

    class Meta:
        ordering = ["ordine", "nome"]
        verbose_name = _("gruppo di destinatari")
        verbose_name_plural = _("gruppi di destinatari")
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(ambito__isnull=True),
                name="destinatario_comune_unico",
            ),
            models.UniqueConstraint(
                fields=["ambito", "slug"], name="destinatario_unico_per_ambito"
            ),
        ]

    def __str__(self):
        return self.nome


class Obiettivo(models.Model):
    class Priorita(models.TextChoices):
        ALTA = "alta", _("Alta")
        MEDIA = "media", _("Media")
        BASSA = "bassa", _("Bassa")

    class Stato(models.TextChoices):
        PROPOSTO = "proposto", _("Proposto")
        APPROVATO = "approvato", _("Approvato")
        IN_CORSO = "in_corso", _("In corso")
        CONCLUSO = "concluso", _("Concluso")
        SOSPESO = "sospeso", _("Sospeso")

    ambito = models.ForeignKey(
        "ambiti.Ambito",
        on_delete=models.PROTECT,
        related_name="obiettivi",
        verbose_name=_("ambito"),
    )
    periodo = models.ForeignKey(
        Periodo, on_delete=models.PROTECT, related_name="obiettivi", verbose_name=_("periodo")
    )
    codice = models.CharField(_("codice"), max_length=20, help_text=_("Ad esempio 4.2"))
    titolo = models.CharField(_("titolo"), max_length=250)
    descrizione = models.TextField(_("descrizione"), blank=True)
    aree_policy = models.ManyToManyField(
        AreaPolicy, related_name="obiettivi", verbose_name=_("aree di policy")
    )
    gruppi_destinatari = models.ManyToManyField(
        Destinatario, blank=True, related_name="obiettivi", verbose_name=_("destinatari")
    )
    destinatari = models.CharField(_("note sui destinatari"), max_length=250, blank=True)
    proposte = models.ManyToManyField(
        "tavoli.Esito",
        blank=True,
        related_name="obiettivi",
        verbose_name=_("proposte dei tavoli da cui nasce"),
    )
    integrazione_sociosanitaria = models.BooleanField(
        _("integrazione socio-sanitaria"), default=False
    )
    asst = models.ManyToManyField(
        "ambiti.Asst", blank=True, related_name="obiettivi", verbose_name=_("ASST coinvolte")
    )
    trasversale = models.BooleanField(_("trasversale a più aree"), default=False)
    priorita = models.CharField(
        _("priorità"), max_length=5, choices=Priorita.choices, default=Priorita.MEDIA
    )
    stato = models.CharField(
        _("stato"), max_length=10, choices=Stato.choices, default=Stato.PROPOSTO
    )
    creato_il = models.DateTimeField(auto_now_add=True)
    modificato_il = models.DateTimeField(auto_now=True)

    objects = ObiettivoQuerySet.as_manager()

    class Meta:
        ordering = ["ambito", "periodo", "codice"]
        verbose_name = _("obiettivo")
        verbose_name_plural = _("obiettivi")
        constraints = [
            models.UniqueConstraint(
                fields=["ambito", "periodo", "codice"], name="codice_obiettivo_unico"
            )
        ]

    def __str__(self):
        return f"{self.codice} {self.titolo}"

    @property
    def avanzamento(self):
        from .calcoli import avanzamento

        return avanzamento(self.azioni.all())

    @property
    def totale_risorse(self):
        return sum((r.importo for r in self.risorse.all()), Decimal("0"))


class Azione(models.Model):
    obiettivo = models.ForeignKey(
        Obiettivo, on_delete=models.CASCADE, related_name="azioni", verbose_name=_("obiettivo")
    )
    descrizione = models.TextField(_("descrizione"))
    responsabile = models.ForeignKey(
        "ambiti.Ente",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="azioni_responsabile",
        verbose_name=_("ente responsabile (dal registro)"),
    )
    responsabile_altro = models.CharField(
        _("altro responsabile"),
        max_length=200,
        blank=True,
        help_text=_("Ad esempio l'ente gestore o l'Ufficio di Piano."),
    )
    partner = models.ManyToManyField(
        "ambiti.Ente", blank=True, related_name="azioni_partner", verbose_name=_("partner")
    )
    data_inizio = models.DateField(_("inizio"), null=True, blank=True)
    data_fine = models.DateField(_("fine"), null=True, blank=True)
    # The part of the objective's resources this action uses: it weighs the action's progress.
    risorse_assegnate = models.DecimalField(
        _("risorse assegnate (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    avanzamento = models.PositiveSmallIntegerField(
        _("avanzamento (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    nota_avanzamento = models.TextField(_("nota sull'avanzamento"), blank=True)
    avanzamento_aggiornato_il = models.DateTimeField(null=True, blank=True)
    ordine = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["obiettivo", "ordine", "pk"]
        verbose_name = _("azione")
        verbose_name_plural = _("azioni")
        constraints = [
            models.CheckConstraint(
                condition=Q(avanzamento__gte=0, avanzamento__lte=100),
                name="avanzamento_tra_0_e_100",
            ),
            models.CheckConstraint(
                condition=Q(risorse_assegnate__isnull=True) | Q(risorse_assegnate__gte=0),
                name="risorse_assegnate_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(data_fine__isnull=True)
                | Q(data_inizio__isnull=True)
                | Q(data_fine__gte=F("data_inizio")),
                name="azione_fine_dopo_inizio",
            ),
        ]

    def __str__(self):
        return self.descrizione[:80]

    @property
    def nome_responsabile(self):
        return str(self.responsabile) if self.responsabile_id else self.responsabile_altro


def _anno_nel_periodo(instance, anno, campo="anno"):
    periodo = instance.periodo_di_riferimento
    if anno is not None and periodo is not None and not periodo.contiene(anno):
        raise ValidationError(
            {
                campo: _("L'anno deve essere compreso nel periodo %(periodo)s.")
                % {"periodo": periodo.nome}
            }
        )


class Risorsa(models.Model):
    """Euro of one fund for one objective in one year of the plan."""

    obiettivo = models.ForeignKey(
        Obiettivo, on_delete=models.CASCADE, related_name="risorse", verbose_name=_("obiettivo")
    )
    anno = models.PositiveSmallIntegerField(_("anno"))
    fondo = models.ForeignKey(
        Fondo, on_delete=models.PROTECT, related_name="risorse", verbose_name=_("fondo")
    )
    importo = models.DecimalField(
        _("importo (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        ordering = ["obiettivo", "anno", "fondo__ordine"]
        verbose_name = _("risorsa")
        verbose_name_plural = _("risorse")
        constraints = [
            models.UniqueConstraint(
                fields=["obiettivo", "anno", "fondo"], name="una_risorsa_per_anno_e_fondo"
            ),
            models.CheckConstraint(condition=Q(importo__gte=0), name="importo_non_negativo"),
        ]

    def __str__(self):
        return f"{self.obiettivo.codice} {self.anno} {self.fondo}: {self.importo}"

    @property
    def periodo_di_riferimento(self):
        return self.obiettivo.periodo if self.obiettivo_id else None

    def clean(self):
        _anno_nel_periodo(self, self.anno)


class Indicatore(models.Model):
    obiettivo = models.ForeignKey(
        Obiettivo, on_delete=models.CASCADE, related_name="indicatori", verbose_name=_("obiettivo")
    )
    nome = models.CharField(_("nome"), max_length=200)
    unita = models.CharField(_("unità di misura"), max_length=50)
    fonte = models.CharField(_("fonte del dato"), max_length=200, blank=True)
    valore_base = models.DecimalField(_("valore di partenza"), max_digits=14, decimal_places=2)
    anno_base = models.PositiveSmallIntegerField(_("anno del valore di partenza"))

    class Meta:
        ordering = ["obiettivo", "pk"]
        verbose_name = _("indicatore")
        verbose_name_plural = _("indicatori")
        constraints = [
            models.UniqueConstraint(fields=["obiettivo", "nome"], name="indicatore_unico")
        ]

    def __str__(self):
        return f"{self.nome} ({self.unita})"

    def valori_per_anno(self, anni):
        """[(anno, target, misura)] from the prefetched values."""
        per_chiave = {(v.tipo, v.anno): v for v in self.valori.all()}
        return [
            (
                anno,
                per_chiave.get((ValoreIndicatore.Tipo.TARGET, anno)),
                per_chiave.get((ValoreIndicatore.Tipo.MISURA, anno)),
            )
            for anno in anni
        ]


class ValoreIndicatore(models.Model):
    """A yearly value of an indicator: the target set in the plan, or the value measured."""

    class Tipo(models.TextChoices):
        TARGET = "target", _("Valore atteso")
        MISURA = "misura", _("Valore misurato")

    indicatore = models.ForeignKey(
        Indicatore, on_delete=models.CASCADE, related_name="valori", verbose_name=_("indicatore")
    )
    tipo = models.CharField(_("tipo"), max_length=6, choices=Tipo.choices)
    anno = models.PositiveSmallIntegerField(_("anno"))
    valore = models.DecimalField(_("valore"), max_digits=14, decimal_places=2)
    nota = models.CharField(_("nota"), max_length=250, blank=True)
    registrato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    registrato_il = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicatore", "tipo", "anno"]
        verbose_name = _("valore dell'indicatore")
        verbose_name_plural = _("valori degli indicatori")
        constraints = [
            models.UniqueConstraint(
                fields=["indicatore", "tipo", "anno"], name="un_valore_per_tipo_e_anno"
            )
        ]

    def __str__(self):
        return f"{self.indicatore} {self.anno}: {self.valore}"

    @property
    def periodo_di_riferimento(self):
        return self.indicatore.obiettivo.periodo if self.indicatore_id else None

    def clean(self):
        _anno_nel_periodo(self, self.anno)


class Valutazione(models.Model):
    """How far an objective of the previous plan was reached, and what follows from it."""

    class Grado(models.TextChoices):
        RAGGIUNTO = "raggiunto", _("Raggiunto")
        PARZIALE = "parziale", _("Parzialmente raggiunto")
        NON_RAGGIUNTO = "non_raggiunto", _("Non raggiunto")

    obiettivo = models.OneToOneField(
        Obiettivo, on_delete=models.CASCADE, related_name="valutazione", verbose_name=_("obiettivo")
    )
    grado = models.CharField(_("grado di raggiungimento"), max_length=15, choices=Grado.choices)
    criticita = models.TextField(_("criticità rilevate"), blank=True)
    prosegue = models.BooleanField(_("prosegue nel nuovo piano"), default=False)
    obiettivo_successivo = models.ForeignKey(
        Obiettivo,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="obiettivi_precedenti",
        verbose_name=_("obiettivo del nuovo piano"),
    )
    valutato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    valutato_il = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("valutazione del piano precedente")
        verbose_name_plural = _("valutazioni del piano precedente")
        constraints = [
            models.CheckConstraint(
                condition=Q(prosegue=True) | Q(obiettivo_successivo__isnull=True),
                name="successivo_solo_se_prosegue",
            )
        ]

    def __str__(self):
        return f"{self.obiettivo}: {self.get_grado_display()}"

    def clean(self):
        successivo = self.obiettivo_successivo
        if successivo is not None and self.obiettivo_id:
            if successivo.ambito_id != self.obiettivo.ambito_id:
                raise ValidationError(
                    {"obiettivo_successivo": _("L'obiettivo deve essere dello stesso ambito.")}
                )
            if successivo.periodo.anno_inizio <= self.obiettivo.periodo.anno_inizio:
                raise ValidationError(
                    {"obiettivo_successivo": _("L'obiettivo deve essere di un piano successivo.")}
                )


class SpesaEffettiva(models.Model):
    """Euro actually spent on an objective from one fund in one year: set against its Risorsa
    (what was planned) in the evaluation of the plan."""

    obiettivo = models.ForeignKey(
        Obiettivo,
        on_delete=models.CASCADE,
        related_name="spese_effettive",
        verbose_name=_("obiettivo"),
    )
    anno = models.PositiveSmallIntegerField(_("anno"))
    fondo = models.ForeignKey(
        Fondo, on_delete=models.PROTECT, related_name="spese_effettive", verbose_name=_("fondo")
    )
    importo = models.DecimalField(
        _("speso (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    registrato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    registrato_il = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["obiettivo", "anno", "fondo__ordine"]
        verbose_name = _("spesa effettiva")
        verbose_name_plural = _("spese effettive")
        constraints = [
            models.UniqueConstraint(
                fields=["obiettivo", "anno", "fondo"], name="una_spesa_per_anno_e_fondo"
            ),
            models.CheckConstraint(condition=Q(importo__gte=0), name="spesa_non_negativa"),
        ]

    def __str__(self):
        return f"{self.obiettivo.codice} {self.anno} {self.fondo}: {self.importo}"

    @property
    def periodo_di_riferimento(self):
        return self.obiettivo.periodo if self.obiettivo_id else None

    def clean(self):
        _anno_nel_periodo(self, self.anno)


class DisponibilitaQuerySet(models.QuerySet):
    def dell_ambito(self, ambito, periodo):
        return self.filter(ambito=ambito, periodo=periodo)


class Disponibilita(models.Model):
    """Euro one fund assigns to the ambito for one year: what the objectives may allocate."""

    ambito = models.ForeignKey(
        "ambiti.Ambito",
        on_delete=models.PROTECT,
        related_name="disponibilita",
        verbose_name=_("ambito"),
    )
    periodo = models.ForeignKey(
        Periodo, on_delete=models.PROTECT, related_name="disponibilita", verbose_name=_("periodo")
    )
    fondo = models.ForeignKey(
        Fondo, on_delete=models.PROTECT, related_name="disponibilita", verbose_name=_("fondo")
    )
    anno = models.PositiveSmallIntegerField(_("anno"))
    importo = models.DecimalField(
        _("importo disponibile (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    atto = models.CharField(
        _("atto di assegnazione"),
        max_length=250,
        blank=True,
        help_text=_("Ad esempio il decreto o la delibera di riparto."),
    )
    modificato_il = models.DateTimeField(auto_now=True)

    objects = DisponibilitaQuerySet.as_manager()

    class Meta:
        ordering = ["ambito", "fondo__ordine", "anno"]
        verbose_name = _("disponibilità di un fondo")
        verbose_name_plural = _("disponibilità dei fondi")
        constraints = [
            models.UniqueConstraint(
                fields=["ambito", "fondo", "anno"], name="una_disponibilita_per_fondo_e_anno"
            ),
            models.CheckConstraint(condition=Q(importo__gte=0), name="disponibilita_non_negativa"),
        ]

    def __str__(self):
        return f"{self.ambito} {self.anno} {self.fondo}: {self.importo}"

    @property
    def periodo_di_riferimento(self):
        return self.periodo if self.periodo_id else None

    def clean(self):
        _anno_nel_periodo(self, self.anno)


class RisorsaAzione(models.Model):
    """Euro of one fund that one action uses in one year, out of its objective's resources."""

    azione = models.ForeignKey(
        Azione, on_delete=models.CASCADE, related_name="risorse", verbose_name=_("azione")
    )
    anno = models.PositiveSmallIntegerField(_("anno"))
    fondo = models.ForeignKey(
        Fondo, on_delete=models.PROTECT, related_name="risorse_azioni", verbose_name=_("fondo")
    )
    importo = models.DecimalField(
        _("importo (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        ordering = ["azione", "anno", "fondo__ordine"]
        verbose_name = _("risorsa di un'azione")
        verbose_name_plural = _("risorse delle azioni")
        constraints = [
            models.UniqueConstraint(
                fields=["azione", "anno", "fondo"], name="una_risorsa_azione_per_anno_e_fondo"
            ),
            models.CheckConstraint(condition=Q(importo__gte=0), name="risorsa_azione_non_negativa"),
        ]

    def __str__(self):
        return f"{self.azione} {self.anno} {self.fondo}: {self.importo}"

    @property
    def periodo_di_riferimento(self):
        return self.azione.obiettivo.periodo if self.azione_id else None

    def clean(self):
        _anno_nel_periodo(self, self.anno)
