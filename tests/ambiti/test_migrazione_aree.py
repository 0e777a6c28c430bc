"""Periodo and AreaPolicy moved from obiettivi to ambiti without touching a row (ambiti/0003).

Deployed databases already hold periods, areas and the rows pointing at them: the move changes
only Django's state and the content types, in both directions."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ambiti.models import AreaPolicy, Iscrizione, Periodo
from tavoli.models import Tavolo

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# The last migration of each app that took part, before the move.
PRIMA = [
    ("ambiti", "0002_alter_iscrizione_options"),
    ("obiettivi", "0002_piano_obiettivi"),
    ("piani", "0001_initial"),
    ("tavoli", "0001_initial"),
]


@pytest.fixture(autouse=True)
def solo_postgresql():
    if connection.vendor != "postgresql":
        pytest.fail(
            "Il test della migrazione richiede PostgreSQL (DATABASE_URL=postgres://...): "
            "su SQLite si esclude con -m 'not postgres'."
        )


def _migra(bersagli):
    """Migrates to the targets and returns the state the database is then in."""
    executor = MigrationExecutor(connection)
    return executor.migrate(bersagli)


def _etichette_dei_tipi():
    tipi = ContentType.objects.filter(model__in=["periodo", "areapolicy"])
    return dict(tipi.values_list("model", "app_label"))


def _dati_prima_dello_spostamento(apps):
    Periodo = apps.get_model("obiettivi", "Periodo")
    AreaPolicy = apps.get_model("obiettivi", "AreaPolicy")
    Ats = apps.get_model("ambiti", "Ats")
    Ambito = apps.get_model("ambiti", "Ambito")
    Ente = apps.get_model("ambiti", "Ente")
    Iscrizione = apps.get_model("ambiti", "Iscrizione")
    Tavolo = apps.get_model("tavoli", "Tavolo")

    periodo = Periodo.objects.create(nome="2030-2032", anno_inizio=2030, anno_fine=2032)
    area = AreaPolicy.objects.create(periodo=periodo, nome="Politiche abitative", slug="casa")
    ambito = Ambito.objects.create(
        nome="Ambito di prova", slug="prova", ats=Ats.objects.create(nome="ATS di prova")
    )
    ente = Ente.objects.create(denominazione="Cooperativa di prova", tipo="cooperativa")
    iscrizione = Iscrizione.objects.create(
        ambito=ambito, ente=ente, data_iscrizione=datetime.date(2030, 1, 15)
    )
    iscrizione.aree_policy.add(area)
    tavolo = Tavolo.objects.create(ambito=ambito, titolo="Abitare", token_calendario="t" * 64)
    tavolo.aree_policy.add(area)
    return periodo.pk, area.pk, iscrizione.pk, tavolo.pk


def _verifica_dopo(periodo_pk, area_pk, iscrizione_pk, tavolo_pk):
    area = AreaPolicy.objects.select_related("periodo").get(pk=area_pk)
    assert (area.nome, area.slug, area.periodo.pk) == ("Politiche abitative", "casa", periodo_pk)
    assert Periodo.objects.get(pk=periodo_pk).anni == [2030, 2031, 2032]
    assert list(Iscrizione.objects.get(pk=iscrizione_pk).aree_policy.all()) == [area]
    assert list(Tavolo.objects.get(pk=tavolo_pk).aree_policy.all()) == [area]
    assert list(area.iscrizioni.values_list("pk", flat=True)) == [iscrizione_pk]


def test_periodi_e_aree_passano_ad_ambiti_con_i_loro_dati():
    ultime = MigrationExecutor(connection).loader.graph.leaf_nodes()
    indietro = False
    try:
        prima = _migra(PRIMA).apps
        indietro = True
        chiavi = _dati_prima_dello_spostamento(prima)
        assert _etichette_dei_tipi() == {"periodo": "obiettivi", "areapolicy": "obiettivi"}

        _migra(ultime)
        indietro = False
        _verifica_dopo(*chiavi)
        assert _etichette_dei_tipi() == {"periodo": "ambiti", "areapolicy": "ambiti"}

        # Back before the move: the old models read the same rows, the types return.
        prima = _migra(PRIMA).apps
        indietro = True
        AreaPolicyPrima = prima.get_model("obiettivi", "AreaPolicy")
        aree = AreaPolicyPrima.objects.filter(iscrizioni__pk=chiavi[2], tavoli__pk=chiavi[3])
        assert list(aree.values_list("pk", "periodo_id")) == [(chiavi[1], chiavi[0])]
        assert _etichette_dei_tipi() == {"periodo": "obiettivi", "areapolicy": "obiettivi"}

        _migra(ultime)
        indietro = False
        _verifica_dopo(*chiavi)
        assert _etichette_dei_tipi() == {"periodo": "ambiti", "areapolicy": "ambiti"}
    finally:
        # The next tests need the whole schema, whatever failed here.
        if indietro:
            _migra(ultime)
