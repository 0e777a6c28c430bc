"""The table's and the meeting's pages write their dates in one style: Django's named formats
(core/formati), month and day names in lowercase, never "Marzo" next to "marzo"."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import IncontroFactory, TavoloFactory
from tests.utils.html import testo_visibile as _testo
from tests.utils.html import uno as _uno

MESI = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
]
GIORNI = ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"]


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _nomi_maiuscoli(testo):
    parole = set(re.findall(r"\w+", testo))
    return sorted(p for p in parole if p.lower() in MESI + GIORNI and p != p.lower())


@pytest.fixture
def tavolo(cremasco, operatore_crema):
    return TavoloFactory(
        ambito=cremasco,
        titolo="Anziani",
        operatori=[operatore_crema],
        data_inizio=datetime.date(2026, 3, 3),
    )


def test_pagina_del_tavolo_date_in_minuscolo(tavolo, operatore_crema):
    IncontroFactory(
        tavolo=tavolo,
        inizio=timezone.make_aware(datetime.datetime(2026, 3, 10, 17, 30)),
        fine=timezone.make_aware(datetime.datetime(2026, 3, 10, 19, 0)),
    )
    pagina = _client(operatore_crema).get(
        reverse("tavoli:dettaglio", kwargs={"slug": "cremasco", "pk": tavolo.pk})
    )
    testo = _testo(_uno(pagina, "main"))
    assert "martedì 10 marzo 2026, 17:30" in testo
    assert _nomi_maiuscoli(testo) == []


def test_pagina_dell_incontro_date_in_minuscolo(tavolo, operatore_crema):
    incontro = IncontroFactory(
        tavolo=tavolo,
        inizio=timezone.make_aware(datetime.datetime(2026, 3, 10, 17, 30)),
        fine=timezone.make_aware(datetime.datetime(2026, 3, 10, 19, 0)),
    )
    pagina = _client(operatore_crema).get(
        reverse("tavoli:incontro", kwargs={"slug": "cremasco", "pk": tavolo.pk, "ipk": incontro.pk})
    )
    testo = _testo(_uno(pagina, "main"))
    assert "martedì 10 marzo 2026, 17:30–19:00" in testo
    assert _nomi_maiuscoli(testo) == []


@pytest.mark.parametrize(
    ("inizio", "fine", "atteso"),
    [
        (datetime.date(2026, 3, 3), None, "dal 3 marzo 2026"),
        (
            datetime.date(2026, 3, 3),
            datetime.date(2026, 12, 31),
            "dal 3 marzo 2026 al 31 dicembre 2026",
        ),
        (None, datetime.date(2026, 12, 31), "fino al 31 dicembre 2026"),
        (None, None, "non indicato"),
    ],
)
def test_periodo_del_tavolo(cremasco, operatore_crema, inizio, fine, atteso):
    tavolo = TavoloFactory(
        ambito=cremasco, operatori=[operatore_crema], data_inizio=inizio, data_fine=fine
    )
    pagina = _client(operatore_crema).get(
        reverse("tavoli:dettaglio", kwargs={"slug": "cremasco", "pk": tavolo.pk})
    )
    periodo = _testo(_uno(pagina, data_testid="periodo"))
    assert periodo == atteso
    assert "—" not in periodo
