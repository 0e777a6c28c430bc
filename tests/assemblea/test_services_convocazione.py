"""First and second call: a session opens in first call from the first call's time; in second call
only from the second call's time and after the first was recorded deserted (quorum not reached),
with the presences and the quorum of that moment kept for the minutes.

The Cremasco has 48 comuni. One vote per comune, quorum in heads: the first call needs more than
half (2 x presenti > 48, so 25), the second a third (3 x presenti >= 48, so 16)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction

from ambiti.models import Comune
from assemblea import services
from assemblea.models import Presenza, RegolaVoto, Seduta
from core.flusso import OperazioneNonAmmessa
from tests.utils.concorrenza import Bloccante

ROMA = ZoneInfo("Europe/Rome")
PRIMA = datetime(2027, 3, 12, 9, 0, tzinfo=ROMA)
SECONDA = datetime(2027, 3, 12, 18, 0, tzinfo=ROMA)
Convocazione = Seduta.Convocazione

SECONDA_NON_ANCORA = (
    "La seconda convocazione è fissata per le 18:00 del 12 marzo 2027: "
    "la seduta non può essere aperta prima."
)
PRIMA_NON_ANCORA = (
    "La prima convocazione è fissata per le 09:00 del 12 marzo 2027: "
    "la seduta non può essere aperta prima."
)
SENZA_DESERTA = (
    "La seduta si apre in seconda convocazione solo dopo aver dichiarato deserta la prima, "
    "con il quorum non raggiunto."
)


@pytest.fixture
def regola(cremasco, ufficio_piano_crema):
    return services.nuova_regola(
        RegolaVoto(
            ambito=cremasco,
            peso=RegolaVoto.Peso.UNO,
            quorum=RegolaVoto.Misura.TESTE,
            quorum_seconda=RegolaVoto.QuorumSeconda.UN_TERZO,
        ),
        utente=ufficio_piano_crema,
    )


@pytest.fixture
def seduta(cremasco, ufficio_piano_crema, regola):
    return Seduta.objects.create(
        ambito=cremasco,
        titolo="Approvazione del Piano di Zona 2025-2027",
        modalita=Seduta.Modalita.PRESENZA,
        luogo="Crema, Sala degli Ostaggi",
        prima_convocazione=PRIMA,
        seconda_convocazione=SECONDA,
        convocata_da=ufficio_piano_crema,
    )


def presenti(seduta, quanti):
    for comune in Comune.objects.filter(ambito=seduta.ambito).order_by("nome")[:quanti]:
        Presenza.objects.create(
            seduta=seduta, comune=comune, persona="Sindaco", qualita="sindaco", via="segreteria"
        )


def _alle(momento):
    return time_machine.travel(momento, tick=False)


def _apri(seduta, convocazione, utente=None):
    return services.apri_seduta(seduta, utente=utente, convocazione=convocazione)


def test_tre_giorni_prima_non_si_apre_in_seconda_ne_in_prima(seduta, ufficio_piano_crema):
    """The case of the issue: today the session could be opened in second call three days early."""
    presenti(seduta, 20)
    with _alle(SECONDA - timedelta(days=3)):
        with pytest.raises(OperazioneNonAmmessa) as errore:
            _apri(seduta, Convocazione.SECONDA)
        assert str(errore.value) == SECONDA_NON_ANCORA
        with pytest.raises(OperazioneNonAmmessa) as errore:
            _apri(seduta, Convocazione.PRIMA)
        assert str(errore.value) == PRIMA_NON_ANCORA
        with pytest.raises(OperazioneNonAmmessa) as errore:
            services.dichiara_prima_deserta(seduta, utente=ufficio_piano_crema)
        assert str(errore.value) == (
            "La prima convocazione è fissata per le 09:00 del 12 marzo 2027: "
            "non può essere dichiarata deserta prima."
        )
    seduta.refresh_from_db()
    assert seduta.stato == Seduta.Stato.CONVOCATA
    assert seduta.prima_deserta_il is None and seduta.convocazione == ""


def test_all_ora_della_seconda_ma_senza_prima_deserta_non_si_apre(seduta):
    presenti(seduta, 20)
    with _alle(SECONDA), pytest.raises(OperazioneNonAmmessa) as errore:
        _apri(seduta, Convocazione.SECONDA)
    assert str(errore.value) == SENZA_DESERTA
    seduta.refresh_from_db()
    assert seduta.stato == Seduta.Stato.CONVOCATA


def test_col_quorum_raggiunto_la_prima_non_e_deserta(seduta, ufficio_piano_crema):
    # 25 of 48: 2 x 25 = 50 > 48.
    presenti(seduta, 25)
    with _alle(PRIMA + timedelta(minutes=15)):
        with pytest.raises(OperazioneNonAmmessa) as errore:
            services.dichiara_prima_deserta(seduta, utente=ufficio_piano_crema)
        assert str(errore.value) == (
            "Il quorum della prima convocazione è raggiunto (presenti 25 comuni su 48): la "
            "prima convocazione non è deserta, la seduta si apre in prima convocazione."
        )
        seduta.refresh_from_db()
        assert seduta.prima_deserta_il is None and seduta.quorum_prima is None
        aperta = _apri(seduta, Convocazione.PRIMA, ufficio_piano_crema)
    assert aperta.convocazione == Convocazione.PRIMA
    assert aperta.aperta_il == PRIMA + timedelta(minutes=15)
    assert aperta.quorum_apertura["raggiunto"] is True


def test_prima_deserta_poi_seconda_dalla_sua_ora(seduta, ufficio_piano_crema):
    # 20 of 48: first call 2 x 20 = 40, not more than 48; second call 3 x 20 = 60 >= 48.
    presenti(seduta, 20)
    deserta_alle = PRIMA + timedelta(minutes=30)
    with _alle(deserta_alle):
        deserta = services.dichiara_prima_deserta(seduta, utente=ufficio_piano_crema)
    assert deserta.prima_deserta_il == deserta_alle
    assert deserta.prima_deserta_da == ufficio_piano_crema
    quorum = deserta.quorum_prima
    assert datetime.fromisoformat(quorum["calcolato_il"]) == deserta_alle
    assert quorum["aventi_diritto"]["teste"] == 48
    assert quorum["presenti"]["teste"] == 20
    assert quorum["raggiunto"] is False
    assert [(v["richiesto"], v["ottenuto"], v["superata"]) for v in quorum["verifiche"]] == [
        ("più della metà di 48", 20, False)
    ]
    with (
        _alle(deserta_alle + timedelta(minutes=5)),
        pytest.raises(OperazioneNonAmmessa, match="già stata dichiarata deserta"),
    ):
        services.dichiara_prima_deserta(seduta, utente=ufficio_piano_crema)
    # A minute early is still early; in first call never again.
    with _alle(SECONDA - timedelta(minutes=1)):
        with pytest.raises(OperazioneNonAmmessa) as errore:
            _apri(seduta, Convocazione.SECONDA)
        assert str(errore.value) == SECONDA_NON_ANCORA
        with pytest.raises(OperazioneNonAmmessa) as errore:
            _apri(seduta, Convocazione.PRIMA)
        assert str(errore.value) == (
            "La prima convocazione è andata deserta: la seduta si apre solo in seconda "
            "convocazione."
        )
    with _alle(SECONDA):
        aperta = _apri(seduta, Convocazione.SECONDA, ufficio_piano_crema)
    assert aperta.stato == Seduta.Stato.APERTA
    assert aperta.convocazione == Convocazione.SECONDA
    assert aperta.aperta_il == SECONDA
    # The second call's quorum, a third: 20 of 48 suffice.
    assert [(v["ottenuto"], v["superata"]) for v in aperta.quorum_apertura["verifiche"]] == [
        (20, True)
    ]
    # The snapshot of the first call stays as it was.
    aperta.refresh_from_db()
    assert aperta.quorum_prima == quorum


def test_senza_seconda_convocazione_la_prima_non_si_dichiara_deserta(seduta, ufficio_piano_crema):
    Seduta.objects.filter(pk=seduta.pk).update(seconda_convocazione=None)
    with _alle(PRIMA + timedelta(hours=1)), pytest.raises(OperazioneNonAmmessa) as errore:
        services.dichiara_prima_deserta(seduta, utente=ufficio_piano_crema)
    assert str(errore.value) == (
        "La seduta non prevede una seconda convocazione: la prima non si dichiara deserta."
    )


def test_il_database_rifiuta_la_seconda_senza_prima_deserta(seduta):
    with pytest.raises(IntegrityError), transaction.atomic():
        Seduta.objects.filter(pk=seduta.pk).update(
            stato=Seduta.Stato.APERTA, convocazione=Convocazione.SECONDA, aperta_il=SECONDA
        )
    # Nor a first call deserted before its time, or without the quorum of that moment.
    with pytest.raises(IntegrityError), transaction.atomic():
        Seduta.objects.filter(pk=seduta.pk).update(
            prima_deserta_il=PRIMA - timedelta(minutes=1), quorum_prima={"raggiunto": False}
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Seduta.objects.filter(pk=seduta.pk).update(prima_deserta_il=PRIMA)
    # And a session opened in first call has no deserted first call.
    with pytest.raises(IntegrityError), transaction.atomic():
        Seduta.objects.filter(pk=seduta.pk).update(
            convocazione=Convocazione.PRIMA, prima_deserta_il=PRIMA, quorum_prima={}
        )


# --- On PostgreSQL: two secretaries at once ----------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_la_dichiarazione_aspetta_l_apertura_in_prima_dell_altra_segretaria(
    seduta, ufficio_piano_crema
):
    presenti(seduta, 20)
    letta = Seduta.objects.get(pk=seduta.pk)
    with _alle(PRIMA + timedelta(minutes=20)):
        apertura = Bloccante(lambda: _apri(seduta, Convocazione.PRIMA))
        with apertura:
            apertura.rilascia_tra(0.3)
            with pytest.raises(OperazioneNonAmmessa, match="già stata aperta"):
                services.dichiara_prima_deserta(letta, utente=ufficio_piano_crema)
    seduta.refresh_from_db()
    assert seduta.convocazione == Convocazione.PRIMA
    assert seduta.prima_deserta_il is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_l_apertura_in_prima_aspetta_la_dichiarazione_dell_altra_segretaria(
    seduta, ufficio_piano_crema
):
    presenti(seduta, 20)
    letta = Seduta.objects.get(pk=seduta.pk)
    with _alle(PRIMA + timedelta(minutes=20)):
        dichiarazione = Bloccante(
            lambda: services.dichiara_prima_deserta(seduta, utente=ufficio_piano_crema)
        )
        with dichiarazione:
            dichiarazione.rilascia_tra(0.3)
            with pytest.raises(OperazioneNonAmmessa, match="andata deserta"):
                _apri(letta, Convocazione.PRIMA)
    seduta.refresh_from_db()
    assert seduta.stato == Seduta.Stato.CONVOCATA
    assert seduta.prima_deserta_il == PRIMA + timedelta(minutes=20)
