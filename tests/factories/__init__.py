"""The factories every test shares: `from tests.factories import TavoloFactory`.

tavoli_esportazioni holds the simpler tables, meetings and outcomes (fixed times, named members)
the exports' expected files are written against; import them from that module by name.
"""

from .accounts import RuoloFactory, UserFactory, codice_fiscale_persona
from .ambiti import CandidaturaFactory, EnteFactory, IscrizioneFactory
from .obiettivi import (
    AzioneFactory,
    DisponibilitaFactory,
    IndicatoreFactory,
    ObiettivoFactory,
    RisorsaAzioneFactory,
    RisorsaFactory,
    ValoreIndicatoreFactory,
)
from .tavoli import IncontroFactory, MembroFactory, TavoloFactory

__all__ = [
    "AzioneFactory",
    "CandidaturaFactory",
    "DisponibilitaFactory",
    "EnteFactory",
    "IncontroFactory",
    "IndicatoreFactory",
    "IscrizioneFactory",
    "MembroFactory",
    "ObiettivoFactory",
    "RisorsaAzioneFactory",
    "RisorsaFactory",
    "RuoloFactory",
    "TavoloFactory",
    "UserFactory",
    "ValoreIndicatoreFactory",
    "codice_fiscale_persona",
]
