"""The selects of the tables' pages say what an empty choice means: "Scegli…", "— nessuno —",
"Qualsiasi" for a filter; never "---------"."""

import pytest
from django.test import Client
from django.urls import reverse

from tavoli.models import Esito
from tests.factories import IncontroFactory, TavoloFactory
from tests.utils.html import testo_visibile as _testo
from tests.utils.html import trova, uno

TRATTINI = "---------"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _prima_opzione(risposta, **attributi):
    return _testo(trova(uno(risposta, "select", **attributi), "option")[0])


@pytest.fixture
def incontro(cremasco, operatore_crema):
    tavolo = TavoloFactory(ambito=cremasco, operatori=[operatore_crema])
    return IncontroFactory(tavolo=tavolo)


def test_pagina_dell_incontro(incontro, operatore_crema):
    risposta = _client(operatore_crema).get(
        reverse(
            "tavoli:incontro",
            kwargs={"slug": "cremasco", "pk": incontro.tavolo_id, "ipk": incontro.pk},
        )
    )
    assert TRATTINI not in risposta.content.decode()
    assert _prima_opzione(risposta, name="proposta-area_policy") == "— nessuno —"


def test_nuovo_tavolo(cremasco, ufficio_piano_crema):
    risposta = _client(ufficio_piano_crema).get(reverse("tavoli:nuovo", args=["cremasco"]))
    assert risposta.status_code == 200
    assert TRATTINI not in risposta.content.decode()


def test_proposte_filtri_e_valutazione(incontro, ufficio_piano_crema):
    proposta = Esito.objects.create(incontro=incontro, tipo=Esito.Tipo.PROPOSTA, testo="Navetta")
    client = _client(ufficio_piano_crema)
    pagina = client.get(reverse("tavoli:proposte", args=["cremasco"]))
    assert TRATTINI not in pagina.content.decode()
    assert _prima_opzione(pagina, name="tavolo") == "Qualsiasi"
    assert _prima_opzione(pagina, name="area") == "Qualsiasi"
    modulo = client.get(
        reverse("tavoli:valuta", args=["cremasco", proposta.pk]), headers={"HX-Request": "true"}
    )
    assert TRATTINI not in modulo.content.decode()
