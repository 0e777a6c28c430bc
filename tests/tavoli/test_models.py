"""tavoli.models: the agenda's points as the page, the minutes and the calendar number them."""

import pytest
from django.test import Client
from django.urls import reverse

from tavoli.calendario import descrizione
from tavoli.models import Incontro
from tests.factories import IncontroFactory, TavoloFactory
from tests.utils.html import testo_visibile as _testo
from tests.utils.html import trova, uno

ODG_NUMERATO = "1. Presentazione\n2) Lavoro in gruppi\n\n3 - Sintesi\n- Varie ed eventuali"


@pytest.mark.parametrize(
    ("testo", "punti"),
    [
        (ODG_NUMERATO, ["Presentazione", "Lavoro in gruppi", "Sintesi", "Varie ed eventuali"]),
        ("Presentazione\n  Lavoro in gruppi  ", ["Presentazione", "Lavoro in gruppi"]),
        ("• Accoglienza\na) Bilancio", ["Accoglienza", "Bilancio"]),
        # Numbers that are the point's own words stay.
        (
            "2.000 euro per il trasporto\n2025: i dati",
            ["2.000 euro per il trasporto", "2025: i dati"],
        ),
    ],
)
def test_punti_senza_la_numerazione_scritta_a_mano(testo, punti):
    assert Incontro(ordine_del_giorno=testo).punti_odg == punti


@pytest.mark.django_db
def test_pagina_e_calendario_numerano_una_volta(cremasco, operatore_crema):
    tavolo = TavoloFactory(ambito=cremasco, operatori=[operatore_crema])
    incontro = IncontroFactory(tavolo=tavolo, ordine_del_giorno=ODG_NUMERATO)
    client = Client()
    client.force_login(operatore_crema)

    pagina = client.get(
        reverse("tavoli:incontro", kwargs={"slug": "cremasco", "pk": tavolo.pk, "ipk": incontro.pk})
    )
    punti = [_testo(li) for li in trova(uno(pagina, data_testid="ordine-del-giorno"), "li")]
    assert punti == ["Presentazione", "Lavoro in gruppi", "Sintesi", "Varie ed eventuali"]

    testo = descrizione(incontro)
    assert "1. Presentazione\n2. Lavoro in gruppi\n3. Sintesi\n4. Varie ed eventuali" in testo
    assert "1. 1." not in testo
