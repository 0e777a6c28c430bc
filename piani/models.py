from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import flusso
from core.firma import DocumentoPubblicato


class Piano(models.Model):
    """The Piano di Zona of one ambito for one period, written section by section."""

    class Stato(models.TextChoices):
        BOZZA = "bozza", _("Bozza")
        IN_REVISIONE = "in_revisione", _("In revisione")
        PER_ASSEMBLEA = "per_assemblea", _("Versione per l'Assemblea")
        APPROVATO = "approvato", _("Approvato")
        RESPINTO = "respinto", _("Respinto")

    ambito = models.ForeignKey(
        "ambiti.Ambito", on_delete=models.PROTECT, related_name="piani", verbose_name=_("ambito")
    )
    periodo = models.ForeignKey(
        "ambiti.Periodo",
        on_delete=models.PROTECT,
        related_name="piani",
        verbose_name=_("periodo"),
    )
    titolo = models.CharField(_("titolo"), max_length=200)
    stato = models.CharField(_("stato"), max_length=15, choices=Stato.choices, default=Stato.BOZZA)
    creato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    creato_il = models.DateTimeField(auto_now_add=True)
    # The Ufficio di Piano opens the review to the participating enti too: while the plan is in
    # review and this is on, they comment on it as the sindaci do (services.apri_revisione_enti).
    revisione_enti_aperta = models.BooleanField(
        _("revisione aperta agli enti partecipanti"), default=False
    )
    # By when the reviewers should have commented: they are reminded some days before and on
    # the day (piani.tasks.promemoria_scadenze_revisione).
    scadenza_revisione = models.DateField(
        _("scadenza della revisione"),
        null=True,
        blank=True,
        help_text=_(
            "Chi rivede il piano riceve un promemoria qualche giorno prima e il giorno stesso."
        ),
    )

    class Meta:
        ordering = ["ambito", "-periodo__anno_inizio"]
        verbose_name = _("Piano di Zona")
        verbose_name_plural = _("Piani di Zona")
        constraints = [
            models.UniqueConstraint(fields=["ambito", "periodo"], name="un_piano_per_periodo")
        ]

    def __str__(self):
        return self.titolo

    @property
    def modificabile(self):
        return self.stato in (self.Stato.BOZZA, self.Stato.IN_REVISIONE)


class Sezione(models.Model):
    """A section of the plan: rich text, a live block filled from the portal's data, or both."""

    class Blocco(models.TextChoices):
        NESSUNO = "", _("Nessuno (solo testo)")
        COMUNI = "comuni", _("Comuni e popolazione")
        POPOLAZIONE = "popolazione", _("Grafico della popolazione per comune")
        TAVOLI = "tavoli", _("Tavoli tematici e incontri")
        OBIETTIVI = "obiettivi", _("Obiettivi per area di policy")
        RISORSE = "risorse", _("Riepilogo delle risorse per fondo e anno")
        VALUTAZIONE = "valutazione", _("Valutazione del piano precedente")

    piano = models.ForeignKey(
        Piano, on_delete=models.CASCADE, related_name="sezioni", verbose_name=_("piano")
    )
    ordine = models.PositiveSmallIntegerField(_("ordine"))
    titolo = models.CharField(_("titolo"), max_length=200)
    testo = models.TextField(_("testo"), blank=True)
    blocco = models.CharField(
        _("blocco di dati"), max_length=15, choices=Blocco.choices, blank=True, default=""
    )
    area = models.ForeignKey(
        "ambiti.AreaPolicy",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area di policy (per il blocco obiettivi)"),
    )
    # Bumped by every save: a form carries the version it was opened at, and a save from an older
    # version is a conflict, never a silent overwrite.
    versione = models.PositiveIntegerField(default=1)
    modificata_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    modificata_il = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["piano", "ordine", "pk"]
        verbose_name = _("sezione")
        verbose_name_plural = _("sezioni")

    def __str__(self):
        return self.titolo


class RevisioneSezione(models.Model):
    sezione = models.ForeignKey(
        Sezione, on_delete=models.CASCADE, related_name="revisioni", verbose_name=_("sezione")
    )
    versione = models.PositiveIntegerField(_("versione"))
    titolo = models.CharField(_("titolo"), max_length=200)
    testo = models.TextField(_("testo"), blank=True)
    autore = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    creata_il = models.DateTimeField(auto_now_add=True)
    nota = models.CharField(_("nota"), max_length=200, blank=True)

    class Meta:
        ordering = ["sezione", "-versione"]
        verbose_name = _("revisione della sezione")
        verbose_name_plural = _("revisioni delle sezioni")
        constraints = [
            models.UniqueConstraint(
                fields=["sezione", "versione"], name="una_revisione_per_versione"
            )
        ]

    def __str__(self):
        return f"{self.sezione} v{self.versione}"


class PresenzaEditor(models.Model):
    """Who has a section open in the editor, refreshed by the page while it stays open."""

    sezione = models.ForeignKey(Sezione, on_delete=models.CASCADE, related_name="editor")
    utente = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    visto_il = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sezione", "utente"], name="una_presenza_editor")
        ]

    def __str__(self):
        return f"{self.utente} — {self.sezione}"


class CommentoSezione(flusso.Commento):
    sezione = models.ForeignKey(
        Sezione, on_delete=models.CASCADE, related_name="commenti", verbose_name=_("sezione")
    )
    risposta_a = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="risposte"
    )
    risolto = models.BooleanField(_("risolto"), default=False)
    risolto_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["sezione", "creato_il"]
        verbose_name = _("commento alla sezione")
        verbose_name_plural = _("commenti alle sezioni")


class TransizionePiano(flusso.TransizioneDiStato):
    oggetto = "piano"

    piano = models.ForeignKey(Piano, on_delete=models.CASCADE, related_name="transizioni")
    da_stato = models.CharField(max_length=15, choices=Piano.Stato.choices)
    a_stato = models.CharField(max_length=15, choices=Piano.Stato.choices)

    class Meta:
        ordering = ["piano", "avvenuta_il"]
        verbose_name = _("passaggio di stato del piano")
        verbose_name_plural = _("passaggi di stato del piano")


class VersionePianoQuerySet(models.QuerySet):
    def superate(self):
        """Versions replaced by a newer frozen version before the Assemblea voted on them."""
        return self.filter(esito=VersionePiano.Esito.SUPERATA)


class VersionePiano(models.Model):
    """A frozen, numbered, immutable version of the plan: what the Assemblea reads and votes."""

    class Esito(models.TextChoices):
        IN_ATTESA = "in_attesa", _("In attesa del voto")
        APPROVATA = "approvata", _("Approvata")
        RESPINTA = "respinta", _("Respinta")
        # A newer version was frozen before the vote (services.congela): nobody votes on this
        # one any more.
        SUPERATA = "superata", _("Superata")

    # The fields that may change after the freeze: the outcome, and when the Assemblea gave it.
    CAMPI_ESITO = ("esito", "esito_il")

    piano = models.ForeignKey(
        Piano, on_delete=models.PROTECT, related_name="versioni", verbose_name=_("piano")
    )
    numero = models.PositiveIntegerField(_("numero"))
    html = models.TextField(_("contenuto congelato"))
    sha256_html = models.CharField(max_length=64)
    esito = models.CharField(
        _("esito"), max_length=10, choices=Esito.choices, default=Esito.IN_ATTESA
    )
    # When the outcome was recorded: the Assemblea's vote (approvata, respinta) or the freeze of
    # the newer version (superata). The approved PDF's cover prints it.
    esito_il = models.DateTimeField(_("esito registrato il"), null=True, blank=True)
    creata_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    creata_il = models.DateTimeField(auto_now_add=True)

    objects = VersionePianoQuerySet.as_manager()

    class Meta:
        ordering = ["piano", "-numero"]
        verbose_name = _("versione per l'Assemblea")
        verbose_name_plural = _("versioni per l'Assemblea")
        constraints = [
            models.UniqueConstraint(fields=["piano", "numero"], name="numero_versione_unico")
        ]

    def __str__(self):
        return f"{self.piano} — versione {self.numero}"

    def save(self, *args, **kwargs):
        # Frozen means frozen: only the outcome of the vote may change after creation.
        campi = kwargs.get("update_fields")
        if self.pk and (not campi or not set(campi) <= set(self.CAMPI_ESITO)):
            raise ValueError("Una versione per l'Assemblea non si modifica.")
        super().save(*args, **kwargs)

    @property
    def is_superata(self) -> bool:
        """A newer version was frozen before the Assemblea voted on this one."""
        return self.esito == self.Esito.SUPERATA

    @property
    def approvata(self) -> bool:
        return self.esito == self.Esito.APPROVATA

    @property
    def pdf(self):
        return self.rendering.filter(stato=RenderPDF.Stato.COMPLETATO).first()

    @property
    def pdf_votato(self):
        """The PDF the Assemblea voted on: the frozen text as printed before the outcome was
        recorded, whose SHA-256 the session's page, the convocation and the vote showed.

        After the vote the plan is printed again with the outcome on its cover (another file,
        another hash, which no vote recorded): that copy is `pdf`, not this one."""
        votati = self.rendering.filter(
            stato=RenderPDF.Stato.COMPLETATO, sha256_html=self.sha256_html
        ).exclude(file="")
        if self.esito_il is not None and self.esito != self.Esito.IN_ATTESA:
            votati = votati.filter(completato_il__lte=self.esito_il)
        return votati.order_by("-completato_il", "-pk").first()

    def documento_pubblicato(self) -> DocumentoPubblicato | None:
        """What the public page publishes of an approved version: the voted PDF, signed with
        the seal when it has been (the signed file begins with the voted bytes); None for a
        version not approved, or approved without a voted PDF."""
        if not self.approvata:
            return None
        votato = self.pdf_votato
        return votato.documento_pubblicato() if votato is not None else None


class ImprontaRighe(models.Model):
    """The last hash of the rows a plan's draft is assembled from (piani.impronta), with the
    PostgreSQL snapshot it holds in: while no source table has been written by a transaction
    that snapshot does not see, the hash is still the rows' hash and need not be computed again.
    A cache: losing a row costs one computation."""

    piano = models.OneToOneField(
        Piano, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    righe = models.TextField()
    # pg_snapshot as text, and the start of the PostgreSQL server it was taken on: transaction
    # ids are only comparable within one server's history (a restored dump brings another's).
    istantanea = models.TextField()
    avvio_server = models.DateTimeField()

    class Meta:
        verbose_name = _("impronta delle righe del piano")
        verbose_name_plural = _("impronte delle righe dei piani")

    def __str__(self):
        return f"{self.piano_id}: {self.righe[:12]}"


class RenderPDF(models.Model):
    """One rendering of the plan to PDF by the worker, with its progress and its outcome."""

    class Stato(models.TextChoices):
        IN_CODA = "in_coda", _("In coda")
        IN_CORSO = "in_corso", _("In elaborazione")
        COMPLETATO = "completato", _("Completato")
        FALLITO = "fallito", _("Non riuscito")

    piano = models.ForeignKey(Piano, on_delete=models.CASCADE, related_name="rendering")
    versione = models.ForeignKey(
        VersionePiano, on_delete=models.PROTECT, null=True, blank=True, related_name="rendering"
    )
    sha256_html = models.CharField(_("impronta del contenuto"), max_length=64)
    # The draft's fingerprint of its data and code (piani.impronta), with the sha256_html it was
    # recorded with: a request for an unchanged draft finds its PDF by it without assembling the
    # HTML. It counts only while sha256_html is still that one: the worker assembles the draft
    # again and, if it changed meanwhile, prints the new one and records its hash, so a
    # fingerprint of the old data no longer describes the stored PDF.
    impronta_dati = models.CharField(
        _("impronta dei dati"), max_length=64, blank=True, default="", db_index=True
    )
    impronta_dati_html = models.CharField(max_length=64, blank=True, default="")
    stato = models.CharField(max_length=10, choices=Stato.choices, default=Stato.IN_CODA)
    progresso = models.PositiveSmallIntegerField(default=0)
    errore = models.TextField(blank=True)
    file = models.FileField(upload_to="piani/pdf/", blank=True)
    sha256_pdf = models.CharField(max_length=64, blank=True)
    # The same PDF signed with the seal (core.firma): the original's bytes followed by the
    # signature, an incremental update. The original above stays as it is.
    file_firmato = models.FileField(_("PDF firmato"), upload_to="piani/pdf/firmati/", blank=True)
    sha256_firmato = models.CharField(_("impronta del PDF firmato"), max_length=64, blank=True)
    firmato_il = models.DateTimeField(_("firmato il"), null=True, blank=True)
    pagine = models.PositiveIntegerField(null=True, blank=True)
    durata_ms = models.PositiveIntegerField(null=True, blank=True)
    tentativi = models.PositiveSmallIntegerField(default=0)
    richiesto_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    richiesto_il = models.DateTimeField(auto_now_add=True)
    completato_il = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-richiesto_il"]
        verbose_name = _("PDF del piano")
        verbose_name_plural = _("PDF del piano")
        constraints = [
            models.CheckConstraint(condition=Q(progresso__lte=100), name="progresso_massimo_100"),
            models.CheckConstraint(
                condition=~Q(stato="completato") | ~Q(sha256_pdf=""),
                name="completato_con_impronta",
            ),
            models.CheckConstraint(
                condition=Q(file_firmato="", sha256_firmato="", firmato_il__isnull=True)
                | (~Q(file_firmato="") & ~Q(sha256_firmato="") & Q(firmato_il__isnull=False)),
                name="pdf_firmato_con_impronta",
            ),
        ]

    def __str__(self):
        return f"{self.piano} — {self.get_stato_display()}"

    def documento_pubblicato(self) -> DocumentoPubblicato:
        return DocumentoPubblicato.di(
            originale=self.file,
            sha256=self.sha256_pdf,
            firmato=self.file_firmato,
            sha256_firmato=self.sha256_firmato,
        )
