"""Voting rules for the three ambiti and a convened session of the Cremasco Assemblea.

The rules are believable variants of what Lombard regolamenti say (ARCHITECTURE.md, "The domain
in brief"): the portal's demo shows that they are data, not code. The Cremasco plan is frozen as version 1 so that the
session has a document to approve.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from ambiti.models import Ambito, Comune
from piani import services as piani_services
from piani.models import Piano

from . import services
from .models import PuntoOdg, RegolaVoto, Seduta

ROMA = ZoneInfo("Europe/Rome")
Misura = RegolaVoto.Misura

REGOLE = {
    # One comune, one vote; quorum and simple majority in heads.
    "cremonese": {
        "peso": RegolaVoto.Peso.UNO,
        "quorum": Misura.TESTE,
        "misura_maggioranza": Misura.TESTE,
        "note": "Regolamento dell'Assemblea dei Sindaci, art. 6 (dimostrativo).",
    },
    # Weighted by population; quorum in heads and population; absolute population majority of
    # those present together with at least 11 comuni, so that Crema cannot decide alone.
    "cremasco": {
        "peso": RegolaVoto.Peso.POPOLAZIONE,
        "fonte_popolazione": "ANPR, popolazione residente",
        "quorum": Misura.ENTRAMBE,
        "quorum_seconda": RegolaVoto.QuorumSeconda.UN_TERZO,
        "maggioranza": RegolaVoto.Maggioranza.ASSOLUTA,
        "base": RegolaVoto.Base.PRESENTI,
        "misura_maggioranza": Misura.POPOLAZIONE,
        "minimo_comuni_favorevoli": 11,
        "note": "Regolamento dell'Assemblea dei Sindaci, artt. 5-7 (dimostrativo).",
    },
    # Weighed by the shares of the Accordo di Programma; quorum in shares; double majority in
    # heads and shares, abstainers present for the quorum but not among the votes cast; secret.
    "oglio-po": {
        "peso": RegolaVoto.Peso.QUOTE,
        "quorum": Misura.POPOLAZIONE,
        "maggioranza": RegolaVoto.Maggioranza.ASSOLUTA,
        "misura_maggioranza": Misura.ENTRAMBE,
        "astenuti_nel_quorum": True,
        "astenuti_tra_i_votanti": False,
        "scrutinio": RegolaVoto.Scrutinio.SEGRETO,
        "note": "Regolamento dell'Assemblea dei Sindaci, art. 9 (dimostrativo).",
    },
}


def _quote_demo(ambito) -> dict:
    """Millesimi as many Accordi split them: half in equal parts, half by residents, to the
    thousandth. Believable, not any ambito's real table."""
    comuni = dict(Comune.objects.filter(ambito=ambito).values_list("pk", "popolazione"))
    totale = sum(comuni.values())
    millesimo = Decimal("0.001")
    return {
        pk: (Decimal(500) / len(comuni) + Decimal(500) * residenti / totale).quantize(millesimo)
        for pk, residenti in comuni.items()
    }


def _ufficio_piano(ambito):
    return User.objects.filter(ruoli__ambito=ambito, ruoli__tipo="ufficio_piano").first()


@transaction.atomic
def carica_assemblea_demo() -> int:
    ambiti = Ambito.objects.in_bulk(field_name="slug")
    for slug, regola in REGOLE.items():
        ambito = ambiti.get(slug)
        if ambito is None or services.regola_corrente(ambito) is not None:
            continue
        quote = _quote_demo(ambito) if regola["peso"] == RegolaVoto.Peso.QUOTE else None
        services.nuova_regola(
            RegolaVoto(ambito=ambito, **regola), utente=_ufficio_piano(ambito), quote=quote
        )
    cremasco = ambiti.get("cremasco")
    if cremasco is None or Seduta.objects.filter(ambito=cremasco).exists():
        return 0
    autore = _ufficio_piano(cremasco)
    piano = Piano.objects.filter(ambito=cremasco).first()
    versione = None
    if piano is not None and piano.stato == Piano.Stato.BOZZA:
        versione = piani_services.congela(piano=piano, utente=autore)
    giorno = timezone.localdate() + timedelta(days=14)
    seduta = Seduta.objects.create(
        ambito=cremasco,
        titolo="Assemblea dei Sindaci: approvazione del Piano di Zona 2025-2027",
        modalita=Seduta.Modalita.MISTA,
        luogo="Crema, Sala degli Ostaggi, piazza Duomo 25",
        link_online="https://meet.example.invalid/assemblea-cremasco",
        prima_convocazione=datetime.combine(giorno, time(8, 30), ROMA),
        seconda_convocazione=datetime.combine(giorno, time(17, 30), ROMA),
        convocata_da=autore,
    )
    punti_approvazione(seduta, versione)
    return 1


def punti_approvazione(seduta, versione) -> PuntoOdg:
    """The agenda of a session that approves the plan; returns the item voted on."""
    PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Comunicazioni del Presidente")
    return PuntoOdg.objects.create(
        seduta=seduta,
        ordine=2,
        titolo="Approvazione del Piano di Zona 2025-2027",
        descrizione="Esame e voto della versione per l'Assemblea.",
        versione_piano=versione,
    )
