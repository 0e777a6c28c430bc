"""Testing a data migration on rows that exist before it: `migra` takes the database to a point
of the migration graph and returns the historical models there; the fixture `migrazione`
(PostgreSQL only) brings the database back to today's schema afterwards, because the tests that
follow, and the worker processes they start, use this database and expect every column."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migra(bersagli):
    return MigrationExecutor(connection).migrate(bersagli)


@pytest.fixture
def migrazione():
    if connection.vendor != "postgresql":
        pytest.fail(
            "Il test della migrazione richiede PostgreSQL (DATABASE_URL=postgres://...): "
            "su SQLite si esclude con -m 'not postgres'."
        )
    yield migra
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
