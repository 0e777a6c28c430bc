"""Factories of the tables' data for the export tests."""

import datetime

import factory

from tavoli.models import Esito, Incontro, Membro, Presenza, Tavolo


class TavoloFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tavolo
        skip_postgeneration_save = True

    titolo = factory.Sequence(lambda n: f"Tavolo di prova {n}")


class MembroFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membro

    tavolo = factory.SubFactory(TavoloFactory)
    nome = factory.Sequence(lambda n: f"Persona {n}")


class IncontroFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incontro

    tavolo = factory.SubFactory(TavoloFactory)
    titolo = factory.Sequence(lambda n: f"Incontro {n}")
    # 17:00-19:00 in Crema, during daylight saving time.
    inizio = datetime.datetime(2025, 10, 14, 15, 0, tzinfo=datetime.UTC)
    fine = factory.LazyAttribute(lambda o: o.inizio + datetime.timedelta(hours=2))
    luogo = "Sala consiliare, Crema"


class PresenzaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Presenza

    incontro = factory.SubFactory(IncontroFactory)
    membro = factory.SubFactory(MembroFactory, tavolo=factory.SelfAttribute("..incontro.tavolo"))
    partecipanti = 1


class EsitoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Esito

    incontro = factory.SubFactory(IncontroFactory)
    tipo = Esito.Tipo.PROPOSTA
    testo = factory.Sequence(lambda n: f"Proposta numero {n}")
