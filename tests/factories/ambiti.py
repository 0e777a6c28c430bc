import datetime

import factory
from stdnum import luhn

from ambiti.models import Candidatura, Ente, Iscrizione


def _codice_fiscale(n: int) -> str:
    base = f"92{n:05d}019"
    return base + luhn.calc_check_digit(base)


class EnteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ente

    denominazione = factory.Sequence(lambda n: f"Ente di prova {n:04d}")
    tipo = Ente.Tipo.APS
    codice_fiscale = factory.Sequence(_codice_fiscale)
    email = factory.Sequence(lambda n: f"ente{n}@example.org")


class IscrizioneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Iscrizione
        skip_postgeneration_save = True

    ente = factory.SubFactory(EnteFactory)
    data_iscrizione = datetime.date(2024, 6, 1)

    @factory.post_generation
    def aree_policy(self, create, extracted, **kwargs):
        if create and extracted:
            self.aree_policy.set(extracted)


class CandidaturaFactory(factory.django.DjangoModelFactory):
    """A request to join a register, confirmed and waiting for the Ufficio di Piano."""

    class Meta:
        model = Candidatura
        skip_postgeneration_save = True

    denominazione = "Associazione Amici del Serio"
    tipo = Ente.Tipo.ODV
    codice_fiscale = "91234500196"
    email = "amici@example.org"
    dichiara_requisiti = True
    consenso_privacy = True
    stato = Candidatura.Stato.DA_ESAMINARE

    @factory.post_generation
    def aree_policy(self, create, extracted, **kwargs):
        if create and extracted:
            self.aree_policy.set(extracted)
