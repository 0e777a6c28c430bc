"""123 sindaci vote at once, twice each, while the secretary closes each vote in the middle.

On PostgreSQL only: SQLite has no row locks and one writer at a time, so it would prove nothing.
The three ambiti vote at the same time, one vote each (48 + 48 + 27 = 123 comuni): 123 voter
threads and 3 closing threads, each with its own database connection. What must hold:
- exactly one Voto per comune that had a ballot accepted, none for the others;
- every accepted call is in the log, and the last accepted call of each comune is the ballot
  counted (its choice and its receipt); the totals stored at the closing equal the stored ballots;
- every refused call raised VotoRifiutato saying the vote is closed, and left nothing behind;
- nothing was accepted after the closing;
- no IntegrityError, deadlock or other error reached a voter.
"""

import random
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from accounts.models import Ruolo
from ambiti.models import Comune
from assemblea import services
from assemblea.models import (
    EventoVoto,
    PuntoOdg,
    Qualita,
    RegolaVoto,
    Scelta,
    Seduta,
    Votazione,
    Voto,
)
from tests.factories import RuoloFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MESSAGGIO_CHIUSA = "La votazione è chiusa: il voto non è stato registrato."
SCELTE = [Scelta.FAVOREVOLE, Scelta.CONTRARIO, Scelta.ASTENUTO]
REGOLE = {
    "cremonese": {"peso": RegolaVoto.Peso.UNO},
    "cremasco": {
        "peso": RegolaVoto.Peso.POPOLAZIONE,
        "quorum": RegolaVoto.Misura.ENTRAMBE,
        "misura_maggioranza": RegolaVoto.Misura.POPOLAZIONE,
        "minimo_comuni_favorevoli": 11,
    },
    "oglio-po": {
        "peso": RegolaVoto.Peso.POPOLAZIONE,
        "quorum": RegolaVoto.Misura.POPOLAZIONE,
        "misura_maggioranza": RegolaVoto.Misura.ENTRAMBE,
        "scrutinio": RegolaVoto.Scrutinio.SEGRETO,
    },
}
# Random pauses before each ballot, so that the calls spread over the closing instead of all
# being queued before it. Seeded: a failure can be replayed.
PAUSA_MASSIMA_S = 0.3


@pytest.fixture(autouse=True)
def solo_postgresql():
    if connection.vendor != "postgresql":
        pytest.fail(
            "Il test di concorrenza richiede PostgreSQL (DATABASE_URL=postgres://...): "
            "su SQLite si esclude con -m 'not postgres'."
        )


def _connessioni_disponibili(voluti: int) -> int:
    """How many voters may hold a connection at the same time on this server: all of them if
    it allows, else what max_connections leaves free with a margin for everyone else."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        massimo = int(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM pg_stat_activity")
        in_uso = cursor.fetchone()[0]
    return max(10, min(voluti, massimo - in_uso - 25))


@dataclass
class Chiamata:
    votazione_id: int
    comune_id: int
    turno: int
    scelta: str
    inizio: float
    fine: float = 0.0
    ricevuta: str | None = None
    errore: Exception | None = None


def _prepara(territorio):
    """For each ambito: rules, an open session, an item and an open vote; a sindaco per comune."""
    votazioni = {}
    sindaci = []
    for slug, campi in REGOLE.items():
        ambito = territorio[slug]
        up = UserFactory(username=f"up_{slug}")
        RuoloFactory(user=up, tipo=Ruolo.Tipo.UFFICIO_PIANO, ambito=ambito)
        regola = services.nuova_regola(RegolaVoto(ambito=ambito, **campi), utente=up)
        seduta = Seduta.objects.create(
            ambito=ambito,
            titolo=f"Assemblea {ambito.nome}",
            modalita=Seduta.Modalita.ONLINE,
            link_online="https://riunioni.example.org/assemblea",
            prima_convocazione=timezone.now() - timedelta(minutes=10),
        )
        seduta = services.apri_seduta(seduta, utente=up, convocazione=Seduta.Convocazione.PRIMA)
        punto = PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Piano di Zona")
        votazione = services.apri_votazione(
            Votazione.objects.create(punto=punto, regola=regola), utente=up
        )
        votazioni[votazione.pk] = (votazione, up)
        for comune in Comune.objects.filter(ambito=ambito).order_by("nome"):
            user = UserFactory(username=f"sindaco_{comune.codice_istat}")
            RuoloFactory(user=user, tipo=Ruolo.Tipo.SINDACO, ambito=ambito, comune=comune)
            sindaci.append((votazione.pk, user, comune))
    return votazioni, sindaci


def test_cento_e_ventitre_sindaci_votano_due_volte_mentre_si_chiude(territorio):
    votazioni, sindaci = _prepara(territorio)
    assert len(sindaci) == 123
    elettori = Counter(v for v, _, _ in sindaci)
    caso = random.Random(6)
    piani_di_voto = []
    for votazione_id, user, comune in sindaci:
        prima = caso.choice(SCELTE)
        seconda = caso.choice([s for s in SCELTE if s != prima])
        pause = (caso.uniform(0, PAUSA_MASSIMA_S), caso.uniform(0, PAUSA_MASSIMA_S))
        piani_di_voto.append((votazione_id, user, comune, (prima, seconda), pause))

    connessioni = _connessioni_disponibili(len(sindaci))
    posti = threading.BoundedSemaphore(connessioni)
    via = threading.Barrier(len(sindaci) + len(votazioni))
    blocco = threading.Lock()
    chiamate: list[Chiamata] = []
    accettate = Counter()
    a_meta = {pk: threading.Event() for pk in votazioni}
    chiusure = {}
    errori_chiusura = []

    def elettore(votazione_id, user, comune, scelte, pause):
        votazione = votazioni[votazione_id][0]
        rappresentanza = services.Rappresentanza(comune, Qualita.SINDACO, user.username)
        try:
            via.wait()
            for turno, (scelta, pausa) in enumerate(zip(scelte, pause, strict=True)):
                time.sleep(pausa)
                chiamata = Chiamata(votazione_id, comune.pk, turno, scelta, time.monotonic())
                with posti:
                    try:
                        voto = services.vota(votazione, rappresentanza, scelta, utente=user)
                        chiamata.ricevuta = voto.ricevuta
                    except Exception as errore:
                        chiamata.errore = errore
                    finally:
                        chiamata.fine = time.monotonic()
                        connection.close()
                with blocco:
                    chiamate.append(chiamata)
                    if chiamata.errore is None:
                        accettate[votazione_id] += 1
                        # A quarter of the calls of this vote are in: time to close it. The
                        # closing then waits for the lock behind the ballots already queued,
                        # so it lands about halfway.
                        if 4 * accettate[votazione_id] >= 2 * elettori[votazione_id]:
                            a_meta[votazione_id].set()
        finally:
            connections.close_all()

    def segretario(votazione_id):
        votazione, up = votazioni[votazione_id]
        try:
            via.wait()
            # If the voters are all refused or slow, close anyway: the test must end.
            a_meta[votazione_id].wait(timeout=30)
            inizio = time.monotonic()
            services.chiudi_votazione(votazione, utente=up)
            chiusure[votazione_id] = (inizio, time.monotonic())
        except Exception as errore:
            errori_chiusura.append(errore)
        finally:
            connections.close_all()

    fili = [threading.Thread(target=elettore, args=p) for p in piani_di_voto]
    fili += [threading.Thread(target=segretario, args=(pk,)) for pk in votazioni]
    for filo in fili:
        filo.start()
    for filo in fili:
        filo.join(timeout=120)
    assert not any(filo.is_alive() for filo in fili), "un elettore è rimasto bloccato"
    assert errori_chiusura == []
    assert len(chiamate) == 2 * 123

    # Every failure is the closed-vote refusal: no IntegrityError, no deadlock, nothing else.
    imprevisti = [
        c.errore for c in chiamate if c.errore and type(c.errore) is not services.VotoRifiutato
    ]
    assert imprevisti == []
    rifiutate = [c for c in chiamate if c.errore is not None]
    assert {str(c.errore) for c in rifiutate} <= {MESSAGGIO_CHIUSA}
    accolte = [c for c in chiamate if c.errore is None]
    # The closing really fell in the middle: some calls before it, some after.
    assert accolte
    assert rifiutate

    print(
        f"\n{len(sindaci)} elettori, {connessioni} connessioni al massimo, "
        f"{len(accolte)} voti accolti, {len(rifiutate)} rifiutati a votazione chiusa"
    )
    per_comune = defaultdict(list)
    for c in sorted(accolte, key=lambda c: c.turno):
        per_comune[(c.votazione_id, c.comune_id)].append(c)

    for votazione_id, (votazione, _) in votazioni.items():
        votazione.refresh_from_db()
        assert votazione.stato == Votazione.Stato.CHIUSA
        voti = {v.comune_id: v for v in Voto.objects.filter(votazione=votazione)}
        # One ballot per comune, only for the comuni that had one accepted.
        assert Voto.objects.filter(votazione=votazione).count() == len(voti)
        assert set(voti) == {c for (v, c) in per_comune if v == votazione_id}
        for comune_id, voto in voti.items():
            ultima = per_comune[(votazione_id, comune_id)][-1]
            assert (voto.scelta, voto.ricevuta) == (ultima.scelta, ultima.ricevuta)
            assert voto.modifiche == len(per_comune[(votazione_id, comune_id)]) - 1
            # Nothing accepted after the closing.
            assert voto.espresso_il <= votazione.chiusa_il
            assert ultima.inizio <= chiusure[votazione_id][1]
        # Every accepted call is in the log, with its receipt; nothing else is.
        eventi = list(EventoVoto.objects.filter(votazione=votazione))
        ricevute = {c.ricevuta for c in accolte if c.votazione_id == votazione_id}
        assert {e.ricevuta for e in eventi} == ricevute
        assert len(eventi) == len(ricevute)
        assert all(e.registrato_il <= votazione.chiusa_il for e in eventi)
        # A refused call came back after the closing had started (it waited for the lock).
        inizio_chiusura = chiusure[votazione_id][0]
        assert all(c.fine >= inizio_chiusura for c in rifiutate if c.votazione_id == votazione_id)
        # The totals stored at the closing are the stored ballots, in heads and residents.
        pesi = dict(votazione.elettorato.values_list("comune_id", "popolazione"))
        for scelta, chiave in [
            (Scelta.FAVOREVOLE, "favorevoli"),
            (Scelta.CONTRARIO, "contrari"),
            (Scelta.ASTENUTO, "astenuti"),
        ]:
            comuni = [c for c, v in voti.items() if v.scelta == scelta]
            assert votazione.risultato[chiave] == {
                "teste": len(comuni),
                "popolazione": sum(pesi[c] for c in comuni),
            }
        # Each voter can check his receipt: the last accepted one counts, the earlier does not.
        for chiamate_comune in (per_comune[k] for k in per_comune if k[0] == votazione_id):
            for c in chiamate_comune:
                esito = services.verifica_ricevuta(c.ricevuta)
                assert esito.conteggiata is (c is chiamate_comune[-1])
                assert esito.votazione_chiusa is True
