"""Roles are bound to their scope by the database, not only by forms."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Ruolo
from ambiti.models import Comune
from tests.factories import RuoloFactory, UserFactory


def test_sindaco_senza_comune_rifiutato(cremasco):
    with pytest.raises(IntegrityError):
        RuoloFactory(tipo=Ruolo.Tipo.SINDACO, ambito=cremasco)


def test_ufficio_piano_con_comune_rifiutato(cremasco):
    with pytest.raises(IntegrityError):
        RuoloFactory(
            tipo=Ruolo.Tipo.UFFICIO_PIANO, ambito=cremasco, comune=Comune.objects.get(nome="Crema")
        )


def test_ente_partecipante_senza_ente_rifiutato(cremasco):
    with pytest.raises(IntegrityError):
        RuoloFactory(tipo=Ruolo.Tipo.ENTE, ambito=cremasco)


def test_un_sindaco_un_solo_comune(sindaco_crema, cremasco):
    with pytest.raises(IntegrityError):
        RuoloFactory(
            user=sindaco_crema,
            tipo=Ruolo.Tipo.DELEGATO,
            ambito=cremasco,
            comune=Comune.objects.get(nome="Pandino"),
        )


def test_un_solo_sindaco_in_carica_per_comune(sindaco_crema, cremasco):
    crema = Comune.objects.get(nome="Crema")
    with pytest.raises(IntegrityError), transaction.atomic():
        RuoloFactory(tipo=Ruolo.Tipo.SINDACO, ambito=cremasco, comune=crema)
    # The former mayor's role, once inactive, leaves room for the new one.
    Ruolo.objects.filter(user=sindaco_crema).update(attivo=False)
    RuoloFactory(tipo=Ruolo.Tipo.SINDACO, ambito=cremasco, comune=crema)


def test_ufficio_piano_di_un_solo_ambito(ufficio_piano_crema, cremonese):
    with pytest.raises(IntegrityError):
        RuoloFactory(user=ufficio_piano_crema, tipo=Ruolo.Tipo.UFFICIO_PIANO, ambito=cremonese)


def test_piu_ruoli_per_la_stessa_persona(cremasco, iscrizione_crema):
    user = UserFactory()
    RuoloFactory(user=user, tipo=Ruolo.Tipo.OPERATORE, ambito=cremasco)
    RuoloFactory(user=user, tipo=Ruolo.Tipo.ENTE, ambito=cremasco, ente=iscrizione_crema.ente)
    assert user.ruoli.count() == 2


def test_comune_di_altro_ambito_rifiutato_dalla_validazione(cremasco):
    ruolo = Ruolo(
        user=UserFactory(),
        tipo=Ruolo.Tipo.SINDACO,
        ambito=cremasco,
        comune=Comune.objects.get(nome="Cremona"),
    )
    with pytest.raises(ValidationError) as errore:
        ruolo.full_clean()
    assert "comune" in errore.value.message_dict


def test_ente_non_iscritto_rifiutato_dalla_validazione(cremasco, iscrizione_cremona):
    ruolo = Ruolo(
        user=UserFactory(), tipo=Ruolo.Tipo.ENTE, ambito=cremasco, ente=iscrizione_cremona.ente
    )
    with pytest.raises(ValidationError) as errore:
        ruolo.full_clean()
    assert "ente" in errore.value.message_dict
