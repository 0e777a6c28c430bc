"""Factories for the objectives of the plan: objective, action, resource, indicator and value.

The period defaults to 2025-2027 (carica_periodo()), the fund to the FNPS (carica_fondi()): both
are looked up or created, never duplicated. Years default to the period's first year, so that the
database triggers (obiettivi/migrations/0002_piano_obiettivi.py) accept them.
"""

from decimal import Decimal

import factory

from ambiti.demo import carica_periodo
from ambiti.models import Ambito
from obiettivi.demo import carica_fondi
from obiettivi.models import (
    Azione,
    Disponibilita,
    Indicatore,
    Obiettivo,
    Risorsa,
    RisorsaAzione,
    ValoreIndicatore,
)


class ObiettivoFactory(factory.django.DjangoModelFactory):
    """ObiettivoFactory(ambito=..., aree=[area, ...], proposte=[esito, ...], asst=[...])."""

    class Meta:
        model = Obiettivo
        skip_postgeneration_save = True

    # The Cremasco by default: the tests load the real territory (the «territorio» fixture).
    ambito = factory.LazyFunction(lambda: Ambito.objects.get(slug="cremasco"))
    periodo = factory.LazyFunction(carica_periodo)
    codice = factory.Sequence(lambda n: f"{n // 10 + 1}.{n % 10 + 1}")
    titolo = factory.Sequence(lambda n: f"Obiettivo di prova {n}")
    descrizione = ""

    @factory.post_generation
    def aree(self, create, extracted, **kwargs):
        if create and extracted:
            self.aree_policy.set(extracted)

    @factory.post_generation
    def proposte(self, create, extracted, **kwargs):
        if create and extracted:
            self.proposte.set(extracted)

    @factory.post_generation
    def asst(self, create, extracted, **kwargs):
        if create and extracted:
            self.asst.set(extracted)


class AzioneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Azione
        skip_postgeneration_save = True

    obiettivo = factory.SubFactory(ObiettivoFactory)
    descrizione = factory.Sequence(lambda n: f"Azione di prova {n}")
    responsabile_altro = "Ufficio di Piano"
    avanzamento = 0
    ordine = factory.Sequence(lambda n: n)

    @factory.post_generation
    def partner(self, create, extracted, **kwargs):
        if create and extracted:
            self.partner.set(extracted)


def _fondo_predefinito():
    return carica_fondi()[0]


class RisorsaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risorsa

    obiettivo = factory.SubFactory(ObiettivoFactory)
    anno = factory.LazyAttribute(lambda r: r.obiettivo.periodo.anno_inizio)
    fondo = factory.LazyFunction(_fondo_predefinito)
    importo = Decimal("1000.00")


class RisorsaAzioneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RisorsaAzione

    azione = factory.SubFactory(AzioneFactory)
    anno = factory.LazyAttribute(lambda r: r.azione.obiettivo.periodo.anno_inizio)
    fondo = factory.LazyFunction(_fondo_predefinito)
    importo = Decimal("500.00")


class DisponibilitaFactory(factory.django.DjangoModelFactory):
    """The FNPS of the Cremasco for the first year of 2025-2027 by default."""

    class Meta:
        model = Disponibilita

    ambito = factory.LazyFunction(lambda: Ambito.objects.get(slug="cremasco"))
    periodo = factory.LazyFunction(carica_periodo)
    anno = factory.LazyAttribute(lambda d: d.periodo.anno_inizio)
    fondo = factory.LazyFunction(_fondo_predefinito)
    importo = Decimal("100000.00")
    atto = ""


class IndicatoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicatore

    obiettivo = factory.SubFactory(ObiettivoFactory)
    nome = factory.Sequence(lambda n: f"Indicatore di prova {n}")
    unita = "persone"
    fonte = ""
    valore_base = Decimal("10")
    anno_base = factory.LazyAttribute(lambda i: i.obiettivo.periodo.anno_inizio - 1)


class ValoreIndicatoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ValoreIndicatore

    indicatore = factory.SubFactory(IndicatoreFactory)
    tipo = ValoreIndicatore.Tipo.TARGET
    anno = factory.LazyAttribute(lambda v: v.indicatore.obiettivo.periodo.anno_inizio)
    valore = Decimal("20")
