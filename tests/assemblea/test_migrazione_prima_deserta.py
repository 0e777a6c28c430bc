"""assemblea/0006 on a database that already holds sessions: one opened in second call before the
portal recorded deserted first calls gets its first call marked deserted at the first call's time,
saying that its presences were not recorded; the others are left as they were."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assemblea.models import Seduta

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PRIMA = [("assemblea", "0005_astenuti_senza_vecchio_flag")]
DOPO = [("assemblea", "0006_prima_convocazione_deserta")]
ORA = datetime.datetime(2026, 3, 10, 16, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def solo_postgresql():
    if connection.vendor != "postgresql":
        pytest.fail(
            "Il test della migrazione richiede PostgreSQL (DATABASE_URL=postgres://...): "
            "su SQLite si esclude con -m 'not postgres'."
        )


def _migra(bersagli):
    return MigrationExecutor(connection).migrate(bersagli)


@pytest.fixture(autouse=True)
def schema_completo_dopo():
    """Back to the latest migrations afterwards, for the tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_le_sedute_gia_aperte_in_seconda_hanno_la_prima_deserta(cremasco):
    Vecchia = _migra(PRIMA).apps.get_model("assemblea", "Seduta")

    def seduta(titolo, **campi):
        return Vecchia.objects.create(
            ambito_id=cremasco.pk,
            titolo=titolo,
            modalita="online",
            link_online="https://riunioni.example.org/a",
            prima_convocazione=ORA,
            seconda_convocazione=ORA + datetime.timedelta(days=1),
            **campi,
        )

    # Opened in second call three days early, as the portal allowed.
    in_seconda = seduta(
        "In seconda",
        stato="aperta",
        convocazione="seconda",
        aperta_il=ORA - datetime.timedelta(days=2),
    )
    in_prima = seduta("In prima", stato="aperta", convocazione="prima", aperta_il=ORA)
    convocata = seduta("Convocata")

    _migra(DOPO)
    dopo = {s.pk: s for s in Seduta.objects.all()}
    assert dopo[in_seconda.pk].prima_deserta_il == ORA
    assert dopo[in_seconda.pk].quorum_prima == {"ricostruita": True}
    # Its true opening time stays.
    assert dopo[in_seconda.pk].aperta_il == ORA - datetime.timedelta(days=2)
    for altra in (in_prima, convocata):
        assert dopo[altra.pk].prima_deserta_il is None
        assert dopo[altra.pk].quorum_prima is None
