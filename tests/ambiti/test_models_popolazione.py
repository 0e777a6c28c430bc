"""The database refuses a population of zero, whatever path writes it (admin, shell, import)."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from ambiti.models import Comune, Popolazione
from ambiti.territorio import carica_territorio


@pytest.fixture
def crema(db):
    carica_territorio()
    return Comune.objects.get(codice_istat="019035")


def test_comune_cannot_have_zero_residents(crema):
    with pytest.raises(IntegrityError), transaction.atomic():
        Comune.objects.filter(pk=crema.pk).update(popolazione=0)
    crema.refresh_from_db()
    assert crema.popolazione == 34204


def test_count_of_zero_residents_is_refused(crema):
    with pytest.raises(IntegrityError), transaction.atomic():
        Popolazione.objects.create(
            comune=crema, fonte="ANPR", data_riferimento=datetime.date(2025, 2, 1), residenti=0
        )
    assert not crema.rilevazioni.filter(data_riferimento=datetime.date(2025, 2, 1)).exists()
