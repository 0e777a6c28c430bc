"""ambiti.services_utenti refuses by itself what the forms do not offer: a tampered call with a
comune or an ente of another ambito, an unknown type, an administrator's account."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Ruolo
from ambiti import services_utenti as servizi
from ambiti.models import Comune, Iscrizione
from core.flusso import OperazioneNonAmmessa
from tests.factories import RuoloFactory, UserFactory
from tests.utils.fotografia import fotografia

Tipo = Ruolo.Tipo


@pytest.fixture
def persona(cremasco):
    utente = UserFactory(username="persona")
    RuoloFactory(user=utente, tipo=Tipo.OPERATORE, ambito=cremasco, attivo=False)
    return utente


@pytest.mark.parametrize(
    ("tipo", "scope", "campo"),
    [
        (Tipo.SINDACO, "comune_cremona", "comune"),
        (Tipo.DELEGATO, "comune_cremona", "comune"),
        (Tipo.ENTE, "ente_cremona", "ente"),
        (Tipo.OPERATORE, "comune_crema", "comune"),
        ("amministratore", None, "tipo"),
    ],
)
def test_assegna_ruolo_fuori_dall_ambito_e_rifiutato(
    cremasco, persona, ufficio_piano_crema, iscrizione_cremona, tipo, scope, campo
):
    valori = {
        "comune_cremona": {"comune": Comune.objects.get(nome="Cremona")},
        "comune_crema": {"comune": Comune.objects.get(nome="Crema")},
        "ente_cremona": {"ente": iscrizione_cremona.ente},
        None: {},
    }[scope]
    prima = fotografia(Ruolo)
    with pytest.raises(ValidationError) as errore:
        servizi.assegna_ruolo(
            ambito=cremasco, utente=persona, tipo=tipo, da=ufficio_piano_crema, **valori
        )
    assert campo in errore.value.error_dict
    assert fotografia(Ruolo) == prima


def test_un_ente_con_l_iscrizione_sospesa_non_riceve_utenti(
    cremasco, persona, ufficio_piano_crema, iscrizione_crema
):
    Iscrizione.objects.filter(pk=iscrizione_crema.pk).update(stato=Iscrizione.Stato.SOSPESA)
    with pytest.raises(ValidationError):
        servizi.assegna_ruolo(
            ambito=cremasco,
            utente=persona,
            tipo=Tipo.ENTE,
            ente=iscrizione_crema.ente,
            da=ufficio_piano_crema,
        )


def test_nessun_ruolo_a_un_amministratore(cremasco, amministratore, ufficio_piano_crema):
    with pytest.raises(OperazioneNonAmmessa):
        servizi.assegna_ruolo(
            ambito=cremasco, utente=amministratore, tipo=Tipo.OPERATORE, da=ufficio_piano_crema
        )
    assert not amministratore.ruoli.exists()


def test_un_ruolo_scaduto_non_impedisce_il_successivo(cremasco, ufficio_piano_crema):
    persona = UserFactory(username="scaduto")
    vecchio = RuoloFactory(
        user=persona,
        tipo=Tipo.OPERATORE,
        ambito=cremasco,
        dal=datetime.date(2020, 1, 1),
        al=datetime.date(2021, 1, 1),
    )
    servizi.assegna_ruolo(
        ambito=cremasco, utente=persona, tipo=Tipo.OPERATORE, da=ufficio_piano_crema
    )
    vecchio.refresh_from_db()
    assert not vecchio.attivo
    assert Ruolo.objects.attivi().filter(user=persona).count() == 1


def test_revocare_un_ruolo_non_ancora_iniziato_lo_annulla(cremasco, ufficio_piano_crema):
    ruolo = RuoloFactory(
        user=UserFactory(username="futuro"),
        tipo=Tipo.OPERATORE,
        ambito=cremasco,
        dal=datetime.date(2999, 1, 1),
    )
    servizi.revoca_ruolo(ambito=cremasco, ruolo=ruolo, da=ufficio_piano_crema)
    ruolo.refresh_from_db()
    assert not ruolo.attivo and ruolo.al is None


def test_la_revoca_non_allunga_un_ruolo(cremasco, ufficio_piano_crema, operatore_crema):
    ruolo = operatore_crema.ruoli.get()
    ruolo.al = datetime.date(2999, 1, 31)
    ruolo.save()
    servizi.revoca_ruolo(
        ambito=cremasco, ruolo=ruolo, al=datetime.date(2999, 12, 31), da=ufficio_piano_crema
    )
    ruolo.refresh_from_db()
    assert ruolo.al == datetime.date(2999, 1, 31)


def test_revocare_un_ruolo_di_un_altro_ambito_attraverso_questo(
    cremasco, ufficio_piano_crema, sindaco_cremona
):
    with pytest.raises(OperazioneNonAmmessa):
        servizi.revoca_ruolo(
            ambito=cremasco, ruolo=sindaco_cremona.ruoli.get(), da=ufficio_piano_crema
        )
    assert sindaco_cremona.ruoli.get().attivo


@pytest.mark.parametrize(
    ("nome", "cognome", "atteso"),
    [
        ("Mario", "Rossi", "mario.rossi"),
        ("Anna Maria", "De Luca", "anna.maria.de.luca"),
        ("Niccolò", "Dell'Orto", "niccolo.dellorto"),
        ("", "", "utente"),
        ("李", "王", "utente"),
    ],
)
def test_username_derivato(db, nome, cognome, atteso):
    assert servizi.username_libero(nome, cognome) == atteso
    UserFactory(username=atteso)
    assert servizi.username_libero(nome, cognome) == f"{atteso}2"
