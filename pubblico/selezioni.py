"""What is public: the one place that says it, for the public pages and whatever later reads them
(an API, the open-data exports).

A Piano di Zona is a public act once the Assemblea dei Sindaci has approved it; before, it is work
in progress. So the public sees, per ambito:
- the approved plan only: a frozen version whose outcome is «approvata» in a plan whose state is
  «approvato» (a draft, a plan in review, a version awaiting or refused by the vote never);
- the vote that approved it, with its totals; the named votes only of an open ballot;
- each comune's council adoption of that version;
- the objectives of the approved plan's period, once they are no longer a proposal, with their
  actions, resources and indicators (never the tables' proposals behind them, nor the notes on
  progress, which are the Ufficio di Piano's working notes);
- the register of enti with an active registration: name, type, policy areas, adhesion to the
  Accordo di Programma; never a contact (the queries do not even read those columns);
- the Assemblea's sessions once closed: agenda, outcomes, minutes;
- the thematic tables the Ufficio di Piano marks as public, with their public meetings (title,
  time, place, agenda; not the online room) and, of those, the approved minutes it marks as
  public (never who was there, the drafts, the outcomes nor the members).
"""

from django.db.models import Prefetch, QuerySet

from ambiti.models import Ambito, Comune, Ente, Iscrizione
from assemblea.models import PuntoOdg, Recepimento, RegolaVoto, Seduta, Votazione, Voto
from obiettivi.models import Azione, Indicatore, Obiettivo, Risorsa, ValoreIndicatore
from piani.models import Piano, RenderPDF, VersionePiano
from tavoli.models import Incontro, Tavolo

# The columns of an ente anyone may read: none of them reaches a person.
CAMPI_ENTE_PUBBLICI = ("ente__denominazione", "ente__tipo", "ente__sito_web")


def ambiti() -> QuerySet[Ambito]:
    return Ambito.objects.select_related("ente_capofila").order_by("nome")


def versioni_approvate() -> QuerySet[VersionePiano]:
    return VersionePiano.objects.filter(
        esito=VersionePiano.Esito.APPROVATA, piano__stato=Piano.Stato.APPROVATO
    ).select_related("piano__periodo", "piano__ambito")


def piani_approvati(ambito) -> list[VersionePiano]:
    """The approved version of each of the ambito's plans, the most recent period first."""
    return list(
        versioni_approvate()
        .filter(piano__ambito=ambito)
        # The list names them; the frozen text is read only by the plan's own page.
        .defer("html")
        .order_by("-piano__periodo__anno_inizio", "-numero")
    )


def versione_approvata(ambito, piano_pk) -> VersionePiano | None:
    return (
        versioni_approvate()
        .filter(piano__ambito=ambito, piano__pk=piano_pk)
        .order_by("-numero")
        .first()
    )


def documento_votato(versione):
    """The PDF the sindaci voted, as published: signed with the seal once it has been (the signed
    file begins with the voted bytes, whose SHA-256 the vote recorded), else as it was voted.
    Returns (DocumentoPubblicato, RenderPDF) or (None, None) when no voted PDF was finished."""
    render = versione.pdf_votato
    if render is None:
        return None, None
    return render.documento_pubblicato(), render


def copia_approvata(versione, votato) -> RenderPDF | None:
    """The reprint whose cover says «approvato» (piani prints it after the vote): the same text,
    another file and fingerprint, which no vote recorded and nobody signs."""
    copia = versione.pdf
    if copia is None or (votato is not None and copia.pk == votato.pk):
        return None
    return copia


def votazione_di_approvazione(versione) -> Votazione | None:
    return (
        Votazione.objects.filter(
            punto__versione_piano=versione,
            stato=Votazione.Stato.CHIUSA,
            esito=Votazione.Esito.APPROVATA,
            punto__seduta__stato=Seduta.Stato.CHIUSA,
        )
        .select_related("punto__seduta", "regola")
        .order_by("-chiusa_il")
        .first()
    )


def voti_nominali(votazione) -> list[Voto]:
    """How each comune voted, only in an open ballot: a secret one stays secret everywhere."""
    if votazione is None or votazione.regola.segreto or votazione.stato != Votazione.Stato.CHIUSA:
        return []
    return list(
        Voto.objects.filter(votazione=votazione)
        .select_related("comune")
        .only("scelta", "comune__nome", "votazione")
        .order_by("comune__nome")
    )


def recepimenti(versione) -> list[tuple[Comune, Recepimento | None]]:
    """Every comune of the ambito with its council's adoption of the version, or None yet."""
    atti = {
        r.comune_id: r
        for r in Recepimento.objects.filter(versione=versione).only(
            "comune", "data_atto", "numero_atto", "organo", "versione"
        )
    }
    comuni = Comune.objects.nell_ambito(versione.piano.ambito).only("nome", "codice_istat")
    return [(comune, atti.get(comune.pk)) for comune in comuni]


def obiettivi(ambito, periodo) -> list[Obiettivo]:
    """The objectives of a period past their proposal, with what the public pages show of them.

    Each prefetch orders on its own columns, as Obiettivo.objects.con_dettagli() does: the
    models' orderings start from the objective, and would join every prefetch to the region's
    objectives (issue 16)."""
    return list(
        Obiettivo.objects.dell_ambito(ambito, periodo)
        .exclude(stato=Obiettivo.Stato.PROPOSTO)
        .select_related("periodo")
        .prefetch_related(
            "aree_policy",
            "gruppi_destinatari",
            Prefetch(
                "azioni",
                queryset=Azione.objects.select_related("responsabile")
                .only(
                    "obiettivo",
                    "descrizione",
                    "responsabile__denominazione",
                    "responsabile_altro",
                    "data_inizio",
                    "data_fine",
                    "risorse_assegnate",
                    "avanzamento",
                    "ordine",
                )
                .prefetch_related(
                    Prefetch("partner", queryset=Ente.objects.only("denominazione")),
                )
                .order_by("ordine", "pk"),
            ),
            Prefetch(
                "risorse",
                queryset=Risorsa.objects.select_related("fondo").order_by(
                    "anno", "fondo__ordine", "fondo__nome"
                ),
            ),
            Prefetch(
                "indicatori",
                queryset=Indicatore.objects.order_by("pk").prefetch_related(
                    Prefetch("valori", queryset=ValoreIndicatore.objects.order_by("tipo", "anno"))
                ),
            ),
        )
    )


def registro(ambito) -> QuerySet[Iscrizione]:
    return (
        Iscrizione.objects.attive()
        .filter(ambito=ambito)
        .select_related("ente")
        .only("aderisce_adp", "data_adesione_adp", "ambito", *CAMPI_ENTE_PUBBLICI)
        .prefetch_related("aree_policy")
        .order_by("ente__denominazione", "pk")
    )


def sedute(ambito) -> QuerySet[Seduta]:
    return (
        Seduta.objects.filter(ambito=ambito, stato=Seduta.Stato.CHIUSA)
        .only("titolo", "prima_convocazione", "chiusa_il", "ambito", "modalita", "luogo")
        .order_by("-prima_convocazione")
    )


def seduta(ambito, pk) -> Seduta | None:
    """A closed session with what its minutes page publishes: the archived (and signed) file."""
    return (
        sedute(ambito)
        .only(
            "titolo",
            "prima_convocazione",
            "chiusa_il",
            "ambito",
            "modalita",
            "luogo",
            "verbale",
            "sha256_verbale",
            "verbale_firmato",
            "sha256_verbale_firmato",
        )
        .filter(pk=pk)
        .first()
    )


def punti(seduta) -> list[PuntoOdg]:
    """The agenda of a closed session with each item's vote and, in an open ballot, the named
    votes (punto.nominali)."""
    punti = list(
        PuntoOdg.objects.filter(seduta=seduta)
        .select_related("votazione__regola", "versione_piano__piano")
        .prefetch_related(
            Prefetch(
                "votazione__voti",
                queryset=Voto.objects.select_related("comune")
                .only("scelta", "comune__nome", "votazione")
                .order_by("comune__nome"),
            )
        )
        .order_by("ordine")
    )
    for punto in punti:
        votazione = getattr(punto, "votazione", None)
        punto.voto = votazione if votazione and votazione.stato == Votazione.Stato.CHIUSA else None
        punto.nominali = (
            list(votazione.voti.all()) if punto.voto and not votazione.regola.segreto else []
        )
        versione = punto.versione_piano
        # A plan version is pointed to publicly only once it is the approved plan.
        punto.piano_pubblico = (
            versione
            if versione is not None
            and versione.esito == VersionePiano.Esito.APPROVATA
            and versione.piano.stato == Piano.Stato.APPROVATO
            else None
        )
    return punti


# --- The open data: whole tables of what the pages above show, one query each. -----------------


def periodi_approvati(ambito) -> QuerySet:
    """The periods of the ambito's approved plans, as a subquery: their objectives are public."""
    return versioni_approvate().filter(piano__ambito=ambito).values("piano__periodo")


def obiettivi_pubblicati(ambito) -> QuerySet[Obiettivo]:
    """Every objective of the ambito the public pages show, whichever approved plan's period."""
    return Obiettivo.objects.filter(ambito=ambito, periodo__in=periodi_approvati(ambito)).exclude(
        stato=Obiettivo.Stato.PROPOSTO
    )


def comuni(ambito) -> QuerySet[Comune]:
    return Comune.objects.nell_ambito(ambito).only(
        "codice_istat",
        "nome",
        "provincia",
        "popolazione",
        "popolazione_data",
        "popolazione_fonte",
        "ambito",
    )


def votazioni_chiuse(ambito) -> QuerySet[Votazione]:
    """The closed votes of the ambito's closed sessions, with their totals (never the ballots)."""
    return (
        Votazione.objects.filter(
            punto__seduta__ambito=ambito,
            punto__seduta__stato=Seduta.Stato.CHIUSA,
            stato=Votazione.Stato.CHIUSA,
        )
        .select_related("punto__seduta", "regola")
        .order_by("punto__seduta__prima_convocazione", "punto__ordine", "pk")
    )


def voti_palesi(ambito) -> QuerySet[Voto]:
    """How each comune voted in the open ballots of votazioni_chiuse: comune and choice only,
    never who cast it; a secret ballot's choices are not even read."""
    return (
        Voto.objects.filter(
            votazione__in=votazioni_chiuse(ambito).filter(
                regola__scrutinio=RegolaVoto.Scrutinio.PALESE
            )
        )
        .select_related("votazione__punto__seduta", "comune")
        .only(
            "scelta",
            "comune__nome",
            "comune__codice_istat",
            "votazione__punto__ordine",
            "votazione__punto__titolo",
            "votazione__punto__seduta__titolo",
            "votazione__punto__seduta__prima_convocazione",
        )
        .order_by(
            "votazione__punto__seduta__prima_convocazione",
            "votazione__punto__ordine",
            "comune__nome",
        )
    )


# --- Thematic tables -----------------------------------------------------------------------------

CAMPI_TAVOLO_PUBBLICI = ("ambito", "titolo", "descrizione", "data_inizio", "data_fine", "pubblico")
# What a calendar event and the public pages show of a meeting; never the minutes' texts, nor
# the online room (as for the Assemblea's sessions: a meeting without a place is said «online»).
CAMPI_INCONTRO_PUBBLICI = (
    "tavolo",
    "titolo",
    "inizio",
    "fine",
    "luogo",
    "ordine_del_giorno",
    "uid",
    "sequenza_ics",
    "creato_il",
)


def tavoli_pubblici_qs(ambito) -> QuerySet[Tavolo]:
    return (
        Tavolo.objects.filter(ambito=ambito, pubblico=True)
        .only(*CAMPI_TAVOLO_PUBBLICI)
        .order_by("titolo")
    )


def incontri_pubblici(ambito, tavolo=None) -> QuerySet[Incontro]:
    """The public meetings of the ambito's public tables (of one, with `tavolo`), by time, each
    with the few columns of its table the pages and the calendar name."""
    incontri = Incontro.objects.filter(pubblico=True, tavolo__pubblico=True, tavolo__ambito=ambito)
    if tavolo is not None:
        incontri = incontri.filter(tavolo=tavolo)
    return (
        incontri.select_related("tavolo")
        .only(*CAMPI_INCONTRO_PUBBLICI, *(f"tavolo__{c}" for c in CAMPI_TAVOLO_PUBBLICI))
        .order_by("inizio", "pk")
    )


def tavoli_pubblici(ambito) -> list[Tavolo]:
    """The public tables, each with its public meetings in `incontri_pubblici`, by time."""
    return list(
        tavoli_pubblici_qs(ambito).prefetch_related(
            Prefetch(
                "incontri",
                queryset=Incontro.objects.filter(pubblico=True)
                .only(*CAMPI_INCONTRO_PUBBLICI)
                .order_by("inizio", "pk"),
                to_attr="incontri_pubblici",
            )
        )
    )


def tavolo_pubblico(ambito, pk) -> Tavolo | None:
    return tavoli_pubblici_qs(ambito).filter(pk=pk).first()


def incontro_pubblico(ambito, tavolo_pk, pk) -> Incontro | None:
    """A public meeting of a public table, with what says whether its minutes are public."""
    return (
        incontri_pubblici(ambito)
        .filter(tavolo_id=tavolo_pk, pk=pk)
        .only(
            *CAMPI_INCONTRO_PUBBLICI,
            *(f"tavolo__{c}" for c in CAMPI_TAVOLO_PUBBLICI),
            "stato",
            "verbale_pubblico",
            "approvato_il",
        )
        .first()
    )


def verbale_pubblico(incontro) -> str:
    """The text of the meeting's minutes the public reads: the approved one, only when the
    Ufficio di Piano published it; "" otherwise. Read only then, and only that column."""
    if not (incontro.verbale_pubblico and incontro.stato == Incontro.Stato.APPROVATO):
        return ""
    return (
        Incontro.objects.filter(
            pk=incontro.pk, verbale_pubblico=True, stato=Incontro.Stato.APPROVATO
        )
        .values_list("testo_approvato", flat=True)
        .first()
        or ""
    )


def verbali_pubblici(incontri) -> dict[int, str]:
    """The published approved minutes of these meetings, by meeting id, in one query (the API's
    list of a table's meetings)."""
    return dict(
        Incontro.objects.filter(
            pk__in=[i.pk for i in incontri], verbale_pubblico=True, stato=Incontro.Stato.APPROVATO
        ).values_list("pk", "testo_approvato")
    )
