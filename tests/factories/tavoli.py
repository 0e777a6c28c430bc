import datetime
from zoneinfo import ZoneInfo

import factory

from tavoli.models import Incontro, Membro, Tavolo

ROMA = ZoneInfo("Europe/Rome")


class TavoloFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tavolo
        skip_postgeneration_save = True

    titolo = factory.Sequence(lambda n: f"Tavolo di prova {n}")

    @factory.post_generation
    def operatori(self, create, extracted, **kwargs):
        if create and extracted:
            self.operatori.set(extracted)

    @factory.post_generation
    def coordinatori(self, create, extracted, **kwargs):
        if create and extracted:
            self.coordinatori.set(extracted)


class MembroFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membro

    tavolo = factory.SubFactory(TavoloFactory)


class IncontroFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incontro

    tavolo = factory.SubFactory(TavoloFactory)
    titolo = factory.Sequence(lambda n: f"Incontro {n}")
    inizio = factory.Sequence(
        lambda n: datetime.datetime(2025, 10, 14, 17, 30, tzinfo=ROMA) + datetime.timedelta(days=n)
    )
    fine = factory.LazyAttribute(lambda i: i.inizio + datetime.timedelta(hours=1, minutes=30))
    luogo = "Sala consiliare, Crema"
