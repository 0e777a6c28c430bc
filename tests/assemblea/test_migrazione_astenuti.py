"""assemblea/0004-0005 on a database that already holds rules: the one flag on abstentions becomes the
two, each rule keeping its meaning (abstainers present counted for the quorum and among the votes
cast; abstainers not present counted for neither); back to 0003 the quorum flag is the old one."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PRIMA = [("assemblea", "0003_presidente_e_segretario")]
DOPO = [("assemblea", "0005_astenuti_senza_vecchio_flag")]


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
    """Back to the latest migrations afterwards: the tests that follow (and their worker
    processes) use this database with today's schema."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _regole(apps, ambiti):
    RegolaVoto = apps.get_model("assemblea", "RegolaVoto")
    return {
        flag: RegolaVoto.objects.create(
            ambito_id=ambito.pk, versione=1, peso="uno", astenuti_presenti=flag
        ).pk
        for flag, ambito in zip((True, False), ambiti, strict=True)
    }


def test_il_vecchio_flag_diventa_i_due_nuovi(cremasco, cremonese):
    pk = _regole(_migra(PRIMA).apps, (cremasco, cremonese))

    RegolaVoto = _migra(DOPO).apps.get_model("assemblea", "RegolaVoto")
    dopo = {
        r.pk: (r.astenuti_nel_quorum, r.astenuti_tra_i_votanti)
        for r in RegolaVoto.objects.filter(pk__in=pk.values())
    }
    assert dopo == {pk[True]: (True, True), pk[False]: (False, False)}

    # Back: the old flag follows the quorum.
    RegolaVoto.objects.filter(pk=pk[True]).update(astenuti_tra_i_votanti=False)
    RegolaVoto = _migra(PRIMA).apps.get_model("assemblea", "RegolaVoto")
    indietro = dict(
        RegolaVoto.objects.filter(pk__in=pk.values()).values_list("pk", "astenuti_presenti")
    )
    assert indietro == {pk[True]: True, pk[False]: False}
