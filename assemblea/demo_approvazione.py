"""The Oglio Po Assemblea approves its plan, so that the demo's public pages (/pubblico/oglio-po/)
have an approved plan, a closed session with its vote and a few councils' adoptions to show.

Everything goes through the services a secretary's clicks go through: freeze, session, presences,
vote, closing. Only the PDF is printed here, in this process: in the portal the worker prints it
before the vote (the session's page shows its SHA-256), while a seed that only queued it would
record the vote before the PDF existed, and the public page would have no voted PDF to publish.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from ambiti.models import Ambito, Comune
from piani import services as piani_services
from piani import tasks as piani_tasks
from piani.models import Piano, RenderPDF

from . import services
from .demo import punti_approvazione
from .models import Presenza, Qualita, Recepimento, Scelta, Seduta, Voto

SLUG = "oglio-po"
VIADANA = "020066"
# The mayors' seats left empty, the abstentions and the vote against: a believable Assemblea,
# whose quorum and double majority (heads and shares, ARCHITECTURE.md) pass all the same.
ASSENTI = ("Calvatone", "Spineda")
ASTENUTI = ("Commessaggio", "Torricella del Pizzo")
CONTRARI = ("San Martino dall'Argine",)
# (comune, number of the council's deliberation): the councils that adopted the plan first.
RECEPIMENTI = (("Viadana", "42"), ("Casalmaggiore", "37"))


def _utente(ambito, tipo, comune=None):
    ruoli = {"ruoli__ambito": ambito, "ruoli__tipo": tipo}
    if comune is not None:
        ruoli["ruoli__comune"] = comune
    return User.objects.filter(**ruoli).first()


def _stampa_pdf_votato(versione) -> None:
    """Print the frozen version's PDF now (the request queued by congela runs on commit, finds it
    done and does nothing)."""
    for render in RenderPDF.objects.filter(versione=versione, stato=RenderPDF.Stato.IN_CODA):
        piani_tasks.rendi_pdf_piano.apply(args=(render.pk,))
    if versione.pdf_votato is None:
        raise RuntimeError(
            "Il PDF della versione per l'Assemblea dell'Oglio Po non è stato stampato."
        )


@transaction.atomic
def carica_approvazione_demo() -> int:
    """The Oglio Po plan 2025-2027 frozen, voted and approved in a closed session; 1 if done now,
    0 if the ambito already has a session (or no plan in draft to approve)."""
    ambito = Ambito.objects.filter(slug=SLUG).first()
    if ambito is None or Seduta.objects.filter(ambito=ambito).exists():
        return 0
    piano = Piano.objects.filter(
        ambito=ambito, periodo__nome="2025-2027", stato=Piano.Stato.BOZZA
    ).first()
    segreteria = _utente(ambito, "ufficio_piano")
    if piano is None or services.regola_corrente(ambito) is None:
        return 0
    versione = piani_services.congela(piano=piano, utente=segreteria)
    _stampa_pdf_votato(versione)

    # Convened for two hours ago, so that it may be opened now in first call.
    inizio = (timezone.now() - timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    seduta = Seduta.objects.create(
        ambito=ambito,
        titolo="Assemblea dei Sindaci: approvazione del Piano di Zona 2025-2027",
        modalita=Seduta.Modalita.MISTA,
        luogo="Viadana, Sala consiliare del Municipio, piazza Matteotti 2",
        link_online="https://meet.example.invalid/assemblea-oglio-po",
        prima_convocazione=inizio,
        convocata_da=segreteria,
    )
    punto = punti_approvazione(seduta, versione)

    comuni = list(Comune.objects.filter(ambito=ambito).exclude(nome__in=ASSENTI).order_by("nome"))
    viadana = next(c for c in comuni if c.codice_istat == VIADANA)
    sindaco = _utente(ambito, "sindaco", viadana)
    # Viadana's mayor follows online with his account; the others sign the register in the room.
    in_sala = [
        services.Rappresentanza(c, Qualita.SINDACO, f"Sindaco di {c.nome}")
        for c in comuni
        if c != viadana or sindaco is None
    ]
    services.registra_presenze(seduta, in_sala, registrata_da=segreteria)
    collegato = None
    if sindaco is not None:
        collegato = services.rappresentanze(sindaco, seduta)[0]
        services.registra_presenza(
            seduta, collegato, utente=sindaco, via=Presenza.Via.ONLINE, registrata_da=sindaco
        )
    seduta = services.apri_seduta(seduta, utente=segreteria, convocazione=Seduta.Convocazione.PRIMA)
    votazione = services.prepara_votazione(punto)
    votazione = services.apri_votazione(votazione, utente=segreteria)
    for rappresentanza in in_sala:
        nome = rappresentanza.comune.nome
        scelta = (
            Scelta.ASTENUTO
            if nome in ASTENUTI
            else Scelta.CONTRARIO
            if nome in CONTRARI
            else Scelta.FAVOREVOLE
        )
        # A secret ballot in the room: the secretary records each paper ballot.
        services.vota(
            votazione, rappresentanza, scelta, utente=segreteria, canale=Voto.Canale.CARTACEO
        )
    if collegato is not None:
        services.vota(votazione, collegato, Scelta.FAVOREVOLE, utente=sindaco)
    services.chiudi_votazione(votazione, utente=segreteria)
    services.chiudi_seduta(seduta, utente=segreteria)

    oggi = timezone.localdate()
    per_nome = {c.nome: c for c in comuni}
    for nome, numero in RECEPIMENTI:
        Recepimento.objects.create(
            versione=versione,
            comune=per_nome[nome],
            data_atto=oggi,
            numero_atto=f"{numero}/{oggi.year}",
            registrato_da=segreteria,
        )
    return 1
