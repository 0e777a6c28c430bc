"""The Assemblea dei Sindaci: voting rules, sessions, presences, delegations, votes, adoptions.

The rules differ between assemblies (ARCHITECTURE.md, "The domain in brief"), so they are data:
a versioned RegolaVoto per ambito, and every Votazione keeps the version and the weights it was opened with.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ambiti.models import Ambito, Comune
from core.firma import DocumentoPubblicato
from piani.models import VersionePiano

User = settings.AUTH_USER_MODEL


class RegolaVoto(models.Model):
    """One version of an ambito's voting rules. Versions are never edited: a change is a new one."""

    class Peso(models.TextChoices):
        UNO = "uno", _("Un voto per comune")
        POPOLAZIONE = "popolazione", _("Voto ponderato sulla popolazione residente")
        QUOTE = "quote", _("Voto ponderato sulle quote dell'Accordo di Programma")

    # "popolazione" is the weighted measure: the residents, or the shares when the rule weighs
    # by quote. The stored value keeps its name so that existing rules keep their meaning.
    class Misura(models.TextChoices):
        TESTE = "teste", _("Per teste (comuni)")
        POPOLAZIONE = "popolazione", _("Per peso (popolazione o quote)")
        ENTRAMBE = "entrambe", _("Per teste e per peso")
        NESSUNA = "nessuna", _("Nessuno")

    class Maggioranza(models.TextChoices):
        SEMPLICE = "semplice", _("Semplice (favorevoli più dei contrari)")
        ASSOLUTA = "assoluta", _("Assoluta (favorevoli più della metà della base)")
        DUE_TERZI = "due_terzi", _("Dei due terzi (favorevoli almeno i due terzi della base)")
        TRE_QUINTI = "tre_quinti", _("Dei tre quinti (favorevoli almeno i tre quinti della base)")

    class Base(models.TextChoices):
        VOTANTI = "votanti", _("Dei voti espressi")
        PRESENTI = "presenti", _("Dei presenti")
        AVENTI_DIRITTO = "aventi_diritto", _("Di tutti i comuni aventi diritto")

    class QuorumSeconda(models.TextChoices):
        UGUALE = "uguale", _("Lo stesso della prima convocazione")
        UN_TERZO = "un_terzo", _("Almeno un terzo")
        NESSUNO = "nessuno", _("Nessun quorum")

    class Scrutinio(models.TextChoices):
        PALESE = "palese", _("Palese (voto nominale)")
        SEGRETO = "segreto", _("Segreto")

    ambito = models.ForeignKey(
        Ambito, on_delete=models.PROTECT, related_name="regole_voto", verbose_name=_("ambito")
    )
    versione = models.PositiveIntegerField(_("versione"))
    peso = models.CharField(_("peso del voto"), max_length=12, choices=Peso.choices)
    fonte_popolazione = models.CharField(
        _("fonte della popolazione"),
        max_length=120,
        blank=True,
        help_text=_("Per esempio: ANPR, popolazione residente."),
    )
    data_popolazione = models.DateField(
        _("data di riferimento della popolazione"),
        null=True,
        blank=True,
        help_text=_("Vuota: la popolazione più recente registrata nel portale."),
    )
    quorum = models.CharField(
        _("quorum costitutivo"), max_length=12, choices=Misura.choices, default=Misura.TESTE
    )
    quorum_seconda = models.CharField(
        _("quorum in seconda convocazione"),
        max_length=10,
        choices=QuorumSeconda.choices,
        default=QuorumSeconda.UGUALE,
    )
    maggioranza = models.CharField(
        _("maggioranza richiesta"),
        max_length=10,
        choices=Maggioranza.choices,
        default=Maggioranza.SEMPLICE,
    )
    base = models.CharField(
        _("base della maggioranza"),
        max_length=16,
        choices=Base.choices,
        default=Base.VOTANTI,
        help_text=_("Su che cosa si calcola la maggioranza assoluta o qualificata."),
    )
    misura_maggioranza = models.CharField(
        _("maggioranza calcolata"),
        max_length=12,
        choices=[c for c in Misura.choices if c[0] != "nessuna"],
        default=Misura.TESTE,
    )
    minimo_comuni_favorevoli = models.PositiveSmallIntegerField(
        _("numero minimo di comuni favorevoli"),
        null=True,
        blank=True,
        help_text=_("Per esempio 11: i comuni più popolosi non decidono da soli."),
    )
    astenuti_nel_quorum = models.BooleanField(
        _("gli astenuti contano per il quorum"),
        default=True,
        help_text=_(
            "Se no, chi si astiene non è contato tra i presenti, né per il quorum né "
            "quando la maggioranza si calcola sui presenti."
        ),
    )
    astenuti_tra_i_votanti = models.BooleanField(
        _("gli astenuti contano tra i voti espressi"),
        default=True,
        help_text=_(
            "Se no, la maggioranza dei voti espressi si calcola sui soli favorevoli e "
            "contrari. Chi non conta per il quorum non conta neanche tra i voti espressi."
        ),
    )
    scrutinio = models.CharField(
        _("scrutinio"), max_length=10, choices=Scrutinio.choices, default=Scrutinio.PALESE
    )
    note = models.TextField(_("riferimento al regolamento"), blank=True)
    creata_da = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    creata_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ambito", "-versione"]
        verbose_name = _("regole di voto")
        verbose_name_plural = _("regole di voto")
        constraints = [
            models.UniqueConstraint(fields=["ambito", "versione"], name="versione_regole_unica"),
            models.CheckConstraint(
                condition=Q(peso__in=["popolazione", "quote"])
                | (~Q(quorum__in=["popolazione", "entrambe"]) & Q(misura_maggioranza="teste")),
                name="peso_solo_con_voto_ponderato",
            ),
            # A vote cast is a presence: an abstainer among the votes cast is present.
            models.CheckConstraint(
                condition=Q(astenuti_nel_quorum=True) | Q(astenuti_tra_i_votanti=False),
                name="astenuti_votanti_solo_se_presenti",
            ),
            models.CheckConstraint(
                condition=Q(minimo_comuni_favorevoli__isnull=True)
                | Q(minimo_comuni_favorevoli__gte=1),
                name="minimo_comuni_positivo",
            ),
        ]

    def __str__(self):
        return f"{self.ambito} — regole v{self.versione}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("Le regole di voto non si modificano: se ne crea una nuova versione.")
        super().save(*args, **kwargs)

    @property
    def ponderato(self) -> bool:
        return self.peso != self.Peso.UNO

    @property
    def a_quote(self) -> bool:
        return self.peso == self.Peso.QUOTE

    @property
    def segreto(self) -> bool:
        return self.scrutinio == self.Scrutinio.SEGRETO

    def descrizione(self) -> list[str]:
        """The rule in plain Italian, the one wording the rules page, the vote and the minutes
        quote."""
        from .descrizione import descrivi

        return descrivi(self)


class QuotaComune(models.Model):
    """A comune's share (e.g. millesimi) set by the Accordo di Programma, for one rule version.

    Shares belong to the version that weighs by them: a new version carries its own set, so a vote
    keeps the shares it was opened with like it keeps the rules."""

    regola = models.ForeignKey(
        RegolaVoto, on_delete=models.CASCADE, related_name="quote", verbose_name=_("regole di voto")
    )
    comune = models.ForeignKey(
        Comune, on_delete=models.PROTECT, related_name="+", verbose_name=_("comune")
    )
    quota = models.DecimalField(
        _("quota"),
        max_digits=12,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001"))],
    )

    class Meta:
        ordering = ["regola", "comune__nome"]
        verbose_name = _("quota di un comune")
        verbose_name_plural = _("quote dei comuni")
        constraints = [
            models.UniqueConstraint(fields=["regola", "comune"], name="una_quota_per_comune"),
            models.CheckConstraint(condition=Q(quota__gt=0), name="quota_positiva"),
        ]

    def __str__(self):
        return f"{self.comune} ({self.quota})"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("Le quote non si modificano: si crea una nuova versione delle regole.")
        super().save(*args, **kwargs)


class Declinazione(models.TextChoices):
    """How a person's office is declined in the minutes: "il presidente", "la presidente"."""

    MASCHILE = "maschile", _("Al maschile (il presidente, il segretario)")
    FEMMINILE = "femminile", _("Al femminile (la presidente, la segretaria)")


class Seduta(models.Model):
    class Modalita(models.TextChoices):
        PRESENZA = "presenza", _("In presenza")
        ONLINE = "online", _("Online")
        MISTA = "mista", _("Mista")

    class Stato(models.TextChoices):
        CONVOCATA = "convocata", _("Convocata")
        APERTA = "aperta", _("Aperta")
        CHIUSA = "chiusa", _("Chiusa")

    class Convocazione(models.TextChoices):
        PRIMA = "prima", _("Prima convocazione")
        SECONDA = "seconda", _("Seconda convocazione")

    ambito = models.ForeignKey(
        Ambito, on_delete=models.PROTECT, related_name="sedute", verbose_name=_("ambito")
    )
    titolo = models.CharField(_("titolo"), max_length=200)
    modalita = models.CharField(_("modalità"), max_length=10, choices=Modalita.choices)
    luogo = models.CharField(_("luogo"), max_length=200, blank=True)
    link_online = models.URLField(_("collegamento online"), blank=True)
    prima_convocazione = models.DateTimeField(_("prima convocazione"))
    seconda_convocazione = models.DateTimeField(_("seconda convocazione"), null=True, blank=True)
    stato = models.CharField(max_length=10, choices=Stato.choices, default=Stato.CONVOCATA)
    convocazione = models.CharField(
        _("convocazione"), max_length=10, choices=Convocazione.choices, blank=True
    )
    convocata_da = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    creata_il = models.DateTimeField(auto_now_add=True)
    inviti_inviati_il = models.DateTimeField(null=True, blank=True)
    aperta_il = models.DateTimeField(null=True, blank=True)
    aperta_da = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    chiusa_il = models.DateTimeField(null=True, blank=True)
    # The constitutive quorum as computed at the opening, for the minutes.
    quorum_apertura = models.JSONField(null=True, blank=True)
    # The first call recorded as deserted (quorum not reached at its time), with the quorum then:
    # what allows the opening in second call, and what the minutes say of the first call.
    prima_deserta_il = models.DateTimeField(
        _("prima convocazione deserta il"), null=True, blank=True
    )
    prima_deserta_da = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    quorum_prima = models.JSONField(null=True, blank=True)
    # Who chairs the session and who takes the minutes: named, with their office, at the end of
    # the minutes above their signature lines.
    presidente = models.CharField(_("presidente della seduta"), max_length=150, blank=True)
    presidente_qualifica = models.CharField(
        _("qualifica del presidente"),
        max_length=200,
        blank=True,
        help_text=_("Per esempio: Sindaca di Crema, presidente dell'Assemblea dei Sindaci."),
    )
    presidente_declinazione = models.CharField(
        _("il presidente o la presidente"),
        max_length=10,
        choices=Declinazione.choices,
        default=Declinazione.MASCHILE,
    )
    segretario = models.CharField(_("segretario verbalizzante"), max_length=150, blank=True)
    segretario_qualifica = models.CharField(
        _("qualifica del segretario"),
        max_length=200,
        blank=True,
        help_text=_("Per esempio: Responsabile dell'Ufficio di Piano."),
    )
    segretario_declinazione = models.CharField(
        _("il segretario o la segretaria"),
        max_length=10,
        choices=Declinazione.choices,
        default=Declinazione.MASCHILE,
    )
    # The minutes as printed once the session closed (assemblea/firma.py), with their SHA-256,
    # and the same file signed with the seal (core.firma): the original's bytes followed by the
    # signature. What the public page publishes (documento_pubblicato).
    verbale = models.FileField(_("verbale"), upload_to="assemblea/verbali/", blank=True)
    sha256_verbale = models.CharField(_("impronta del verbale"), max_length=64, blank=True)
    verbale_il = models.DateTimeField(_("verbale archiviato il"), null=True, blank=True)
    verbale_firmato = models.FileField(
        _("verbale firmato"), upload_to="assemblea/verbali/firmati/", blank=True
    )
    sha256_verbale_firmato = models.CharField(
        _("impronta del verbale firmato"), max_length=64, blank=True
    )
    verbale_firmato_il = models.DateTimeField(_("verbale firmato il"), null=True, blank=True)

    class Meta:
        ordering = ["ambito", "-prima_convocazione"]
        verbose_name = _("seduta dell'Assemblea")
        verbose_name_plural = _("sedute dell'Assemblea")
        constraints = [
            models.CheckConstraint(
                condition=Q(seconda_convocazione__isnull=True)
                | Q(seconda_convocazione__gt=F("prima_convocazione")),
                name="seconda_dopo_prima_convocazione",
            ),
            models.CheckConstraint(
                condition=~Q(modalita="presenza") | ~Q(luogo=""),
                name="luogo_per_seduta_in_presenza",
            ),
            models.CheckConstraint(
                condition=~Q(modalita="online") | ~Q(link_online=""),
                name="collegamento_per_seduta_online",
            ),
            # The first call is deserted only at or after its time, in a session with a second
            # call, with the quorum of that moment kept.
            models.CheckConstraint(
                condition=Q(prima_deserta_il__isnull=True, quorum_prima__isnull=True)
                | Q(
                    prima_deserta_il__gte=F("prima_convocazione"),
                    quorum_prima__isnull=False,
                    seconda_convocazione__isnull=False,
                ),
                name="prima_deserta_dopo_la_sua_ora_con_quorum",
            ),
            # In second call only after the first was deserted; in first call only if it was not.
            # (Not before the second call's time: the service's rule, since sessions opened
            # early before it existed keep their true opening time.)
            models.CheckConstraint(
                condition=~Q(convocazione="seconda") | Q(prima_deserta_il__isnull=False),
                name="seconda_convocazione_dopo_prima_deserta",
            ),
            models.CheckConstraint(
                condition=~Q(convocazione="prima") | Q(prima_deserta_il__isnull=True),
                name="prima_convocazione_non_deserta",
            ),
            # The minutes are archived once the session is closed, always with their hash; the
            # signed copy only next to them.
            models.CheckConstraint(
                condition=Q(verbale="", sha256_verbale="", verbale_il__isnull=True)
                | (
                    Q(stato="chiusa", verbale_il__isnull=False)
                    & ~Q(verbale="")
                    & ~Q(sha256_verbale="")
                ),
                name="verbale_archiviato_a_seduta_chiusa",
            ),
            models.CheckConstraint(
                condition=Q(
                    verbale_firmato="", sha256_verbale_firmato="", verbale_firmato_il__isnull=True
                )
                | (
                    ~Q(verbale="")
                    & ~Q(verbale_firmato="")
                    & ~Q(sha256_verbale_firmato="")
                    & Q(verbale_firmato_il__isnull=False)
                ),
                name="verbale_firmato_con_impronta",
            ),
        ]

    def __str__(self):
        return self.titolo

    def documento_pubblicato(self) -> DocumentoPubblicato | None:
        """The minutes to publish: the archived file, signed with the seal when it has been
        (the signed file begins with the archived bytes); None until they are archived."""
        if not self.verbale:
            return None
        return DocumentoPubblicato.di(
            originale=self.verbale,
            sha256=self.sha256_verbale,
            firmato=self.verbale_firmato,
            sha256_firmato=self.sha256_verbale_firmato,
        )

    @property
    def titolo_presidente(self) -> str:
        if self.presidente_declinazione == Declinazione.FEMMINILE:
            return _("La presidente")
        return _("Il presidente")

    @property
    def titolo_segretario(self) -> str:
        if self.segretario_declinazione == Declinazione.FEMMINILE:
            return _("La segretaria verbalizzante")
        return _("Il segretario verbalizzante")


class PuntoOdg(models.Model):
    """An item of the agenda; the approval of the plan points to a frozen version of it."""

    seduta = models.ForeignKey(
        Seduta, on_delete=models.CASCADE, related_name="punti", verbose_name=_("seduta")
    )
    ordine = models.PositiveSmallIntegerField(_("numero"))
    titolo = models.CharField(_("oggetto"), max_length=300)
    descrizione = models.TextField(_("descrizione"), blank=True)
    versione_piano = models.ForeignKey(
        VersionePiano,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="punti_odg",
        verbose_name=_("versione del piano da approvare"),
    )

    class Meta:
        ordering = ["seduta", "ordine"]
        verbose_name = _("punto all'ordine del giorno")
        verbose_name_plural = _("punti all'ordine del giorno")
        constraints = [
            models.UniqueConstraint(fields=["seduta", "ordine"], name="ordine_punto_unico")
        ]

    def __str__(self):
        return f"{self.ordine}. {self.titolo}"


class Delega(models.Model):
    """The sindaco of a comune delegates someone to represent it at one session."""

    seduta = models.ForeignKey(Seduta, on_delete=models.CASCADE, related_name="deleghe")
    comune = models.ForeignKey(Comune, on_delete=models.PROTECT, related_name="+")
    delegato = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="deleghe", verbose_name=_("delegato")
    )
    atto = models.CharField(
        _("atto di delega"), max_length=200, help_text=_("Per esempio: decreto n. 5 del 2/3/2026.")
    )
    registrata_da = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    registrata_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delega")
        verbose_name_plural = _("deleghe")
        constraints = [
            models.UniqueConstraint(fields=["seduta", "comune"], name="una_delega_per_comune")
        ]

    def __str__(self):
        return f"{self.comune} — {self.delegato}"


class Qualita(models.TextChoices):
    SINDACO = "sindaco", _("Sindaco")
    DELEGATO = "delegato", _("Delegato")


class Presenza(models.Model):
    class Via(models.TextChoices):
        ONLINE = "online", _("Accesso online")
        SEGRETERIA = "segreteria", _("Registrata dalla segreteria")

    seduta = models.ForeignKey(Seduta, on_delete=models.CASCADE, related_name="presenze")
    comune = models.ForeignKey(Comune, on_delete=models.PROTECT, related_name="+")
    persona = models.CharField(_("nome e cognome"), max_length=150)
    qualita = models.CharField(_("in qualità di"), max_length=10, choices=Qualita.choices)
    utente = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    via = models.CharField(max_length=12, choices=Via.choices)
    registrata_da = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    entrata_il = models.DateTimeField(auto_now_add=True)
    uscita_il = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["seduta", "comune__nome"]
        verbose_name = _("presenza")
        verbose_name_plural = _("presenze")
        constraints = [
            models.UniqueConstraint(fields=["seduta", "comune"], name="una_presenza_per_comune")
        ]

    def __str__(self):
        return f"{self.comune} — {self.persona}"

    @property
    def presente(self) -> bool:
        return self.uscita_il is None


class Votazione(models.Model):
    class Stato(models.TextChoices):
        PREPARATA = "preparata", _("Preparata")
        APERTA = "aperta", _("Aperta")
        CHIUSA = "chiusa", _("Chiusa")

    class Esito(models.TextChoices):
        APPROVATA = "approvata", _("Approvata")
        RESPINTA = "respinta", _("Respinta")
        NON_VALIDA = "non_valida", _("Non valida: quorum non raggiunto")

    punto = models.OneToOneField(PuntoOdg, on_delete=models.PROTECT, related_name="votazione")
    regola = models.ForeignKey(RegolaVoto, on_delete=models.PROTECT, related_name="votazioni")
    stato = models.CharField(max_length=10, choices=Stato.choices, default=Stato.PREPARATA)
    esito = models.CharField(max_length=10, choices=Esito.choices, blank=True)
    risultato = models.JSONField(null=True, blank=True)
    aperta_il = models.DateTimeField(null=True, blank=True)
    aperta_da = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    chiusa_il = models.DateTimeField(null=True, blank=True)
    chiusa_da = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("votazione")
        verbose_name_plural = _("votazioni")
        constraints = [
            models.CheckConstraint(
                condition=Q(stato="chiusa", chiusa_il__isnull=False)
                | (~Q(stato="chiusa") & Q(esito="")),
                name="esito_solo_a_votazione_chiusa",
            )
        ]

    def __str__(self):
        return str(self.punto)


class AventeDiritto(models.Model):
    """A comune entitled to vote, with the weight frozen when the vote opened."""

    votazione = models.ForeignKey(Votazione, on_delete=models.CASCADE, related_name="elettorato")
    comune = models.ForeignKey(Comune, on_delete=models.PROTECT, related_name="+")
    popolazione = models.PositiveIntegerField()
    fonte = models.CharField(max_length=120)
    data_riferimento = models.DateField()
    # The comune's share when the rule weighs by quote: then it is the weight, not the residents.
    quota = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["votazione", "comune__nome"]
        constraints = [
            models.UniqueConstraint(fields=["votazione", "comune"], name="avente_diritto_unico"),
            models.CheckConstraint(
                condition=Q(quota__isnull=True) | Q(quota__gt=0), name="quota_avente_positiva"
            ),
        ]

    def __str__(self):
        return f"{self.comune} ({self.peso})"

    @property
    def peso(self):
        return self.popolazione if self.quota is None else self.quota


class Scelta(models.TextChoices):
    FAVOREVOLE = "favorevole", _("Favorevole")
    CONTRARIO = "contrario", _("Contrario")
    ASTENUTO = "astenuto", _("Astenuto")


def nuovo_codice_ricevuta() -> str:
    # 80 bits, grouped for reading aloud: guessing another comune's receipt is hopeless.
    grezzo = secrets.token_hex(10).upper()
    return "-".join(grezzo[i : i + 4] for i in range(0, 20, 4))


class Voto(models.Model):
    """The ballot of a comune in a vote: one per comune, the last choice cast."""

    class Canale(models.TextChoices):
        ONLINE = "online", _("Online")
        CARTACEO = "cartaceo", _("Cartaceo, registrato dalla segreteria")

    votazione = models.ForeignKey(Votazione, on_delete=models.PROTECT, related_name="voti")
    comune = models.ForeignKey(Comune, on_delete=models.PROTECT, related_name="+")
    scelta = models.CharField(max_length=10, choices=Scelta.choices)
    canale = models.CharField(max_length=10, choices=Canale.choices)
    qualita = models.CharField(max_length=10, choices=Qualita.choices)
    persona = models.CharField(max_length=150)
    espresso_da = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    ricevuta = models.CharField(max_length=24, unique=True, default=nuovo_codice_ricevuta)
    modifiche = models.PositiveSmallIntegerField(default=0)
    espresso_il = models.DateTimeField()

    class Meta:
        ordering = ["votazione", "comune__nome"]
        verbose_name = _("voto")
        verbose_name_plural = _("voti")
        constraints = [
            models.UniqueConstraint(fields=["votazione", "comune"], name="un_voto_per_comune")
        ]

    def __str__(self):
        return f"{self.votazione} — {self.comune}"


class EventoVoto(models.Model):
    """Every ballot cast or changed, with its receipt. In a secret ballot the choice is not kept."""

    votazione = models.ForeignKey(Votazione, on_delete=models.CASCADE, related_name="eventi")
    comune = models.ForeignKey(Comune, on_delete=models.PROTECT, related_name="+")
    ricevuta = models.CharField(max_length=24, unique=True)
    scelta = models.CharField(max_length=10, choices=Scelta.choices, blank=True)
    canale = models.CharField(max_length=10, choices=Voto.Canale.choices)
    qualita = models.CharField(max_length=10, choices=Qualita.choices)
    persona = models.CharField(max_length=150)
    utente = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    registrato_il = models.DateTimeField(auto_now_add=True)
    # A paper ballot that replaces a ballot the comune cast online: allowed only as a stated
    # correction, which the sindaco is told of and the minutes list.
    rettifica = models.BooleanField(_("rettifica di un voto online"), default=False)
    motivo_rettifica = models.TextField(_("motivo della rettifica"), blank=True)

    class Meta:
        ordering = ["votazione", "registrato_il", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rettifica=False, motivo_rettifica="")
                | (Q(rettifica=True, canale="cartaceo") & ~Q(motivo_rettifica="")),
                name="rettifica_cartacea_con_motivo",
            )
        ]

    def __str__(self):
        return f"{self.votazione} — {self.comune} ({self.ricevuta})"


class Recepimento(models.Model):
    """A comune's council adopts the approved plan."""

    versione = models.ForeignKey(
        VersionePiano, on_delete=models.PROTECT, related_name="recepimenti"
    )
    comune = models.ForeignKey(Comune, on_delete=models.PROTECT, related_name="recepimenti")
    data_atto = models.DateField(_("data della delibera"))
    numero_atto = models.CharField(_("numero della delibera"), max_length=40)
    organo = models.CharField(_("organo"), max_length=80, default="Consiglio comunale")
    registrato_da = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    registrato_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["versione", "comune__nome"]
        verbose_name = _("recepimento")
        verbose_name_plural = _("recepimenti")
        constraints = [
            models.UniqueConstraint(fields=["versione", "comune"], name="un_recepimento_per_comune")
        ]

    def __str__(self):
        return f"{self.comune} — {self.numero_atto}"
