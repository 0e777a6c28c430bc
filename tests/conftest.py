"""Named personas whose rights are obvious from their names, on the real territory."""

import pytest

from accounts.models import Ruolo
from ambiti.demo import carica_aree_policy
from ambiti.models import Ambito, Comune
from ambiti.territorio import carica_territorio
from tests.factories import IscrizioneFactory, RuoloFactory, UserFactory

# The browser tests sit in their apps' folders; their fixtures (and the guard that fails a test
# whose pages violated their Content-Security-Policy) reach every one of them from here; so do
# the test CA's fixtures of the signature tests.
pytest_plugins = ["tests.browser_fixtures", "tests.utils.migrazioni", "tests.utils.firma"]

PASSWORD = "password-di-prova"


@pytest.fixture
def territorio(db):
    carica_territorio()
    carica_aree_policy()
    return Ambito.objects.in_bulk(field_name="slug")


@pytest.fixture
def cremasco(territorio):
    return territorio["cremasco"]


@pytest.fixture
def cremonese(territorio):
    return territorio["cremonese"]


def _persona(username, tipo, ambito, **scope):
    user = UserFactory(username=username)
    RuoloFactory(user=user, tipo=tipo, ambito=ambito, **scope)
    return user


@pytest.fixture
def ufficio_piano_crema(cremasco):
    return _persona("up_crema", Ruolo.Tipo.UFFICIO_PIANO, cremasco)


@pytest.fixture
def ufficio_piano_cremona(cremonese):
    return _persona("up_cremona", Ruolo.Tipo.UFFICIO_PIANO, cremonese)


@pytest.fixture
def operatore_crema(cremasco):
    return _persona("operatore_crema", Ruolo.Tipo.OPERATORE, cremasco)


@pytest.fixture
def iscrizione_crema(cremasco):
    return IscrizioneFactory(ambito=cremasco, ente__denominazione="Cooperativa Il Ponte")


@pytest.fixture
def iscrizione_cremona(cremonese):
    return IscrizioneFactory(ambito=cremonese, ente__denominazione="Cooperativa La Rete")


@pytest.fixture
def ente_crema(cremasco, iscrizione_crema):
    return _persona("ente_crema", Ruolo.Tipo.ENTE, cremasco, ente=iscrizione_crema.ente)


@pytest.fixture
def sindaco_crema(cremasco):
    return _persona(
        "sindaco_crema", Ruolo.Tipo.SINDACO, cremasco, comune=Comune.objects.get(nome="Crema")
    )


@pytest.fixture
def delegato_pandino(cremasco):
    return _persona(
        "delegato_pandino",
        Ruolo.Tipo.DELEGATO,
        cremasco,
        comune=Comune.objects.get(nome="Pandino"),
    )


@pytest.fixture
def sindaco_cremona(cremonese):
    return _persona(
        "sindaco_cremona",
        Ruolo.Tipo.SINDACO,
        cremonese,
        comune=Comune.objects.get(nome="Cremona"),
    )


@pytest.fixture
def amministratore(db):
    return UserFactory(username="amministratore", is_staff=True, is_superuser=True)


@pytest.fixture
def senza_ruolo(db):
    return UserFactory(username="senza_ruolo")
