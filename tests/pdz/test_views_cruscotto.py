"""The ambito's dashboard points sindaci to the sessions under way and to the votes open now."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assemblea import services
from assemblea.models import PuntoOdg, Votazione
from tests.assemblea.test_views_sedute import crea_regola, crea_seduta
from tests.utils.html import testo_visibile as leggi
from tests.utils.html import trova

URL = reverse("cruscotto", args=["cremasco"])


def _sedute(ambito, utente, quante):
    regola = crea_regola(ambito, utente)
    sedute = []
    for n in range(quante):
        seduta = crea_seduta(ambito, utente, titolo=f"Seduta {n + 1}")
        punto = PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo=f"Delibera {n + 1}")
        services.apri_seduta(seduta, utente=utente, convocazione="prima")
        votazione = Votazione.objects.create(punto=punto, regola=regola)
        services.apri_votazione(votazione, utente=utente)
        sedute.append(seduta)
    return sedute


def test_il_sindaco_vede_la_votazione_aperta(client, cremasco, ufficio_piano_crema, sindaco_crema):
    (seduta,) = _sedute(cremasco, ufficio_piano_crema, 1)
    client.force_login(sindaco_crema)
    risposta = client.get(URL)
    (avviso,) = trova(risposta, data_testid="votazione-aperta")
    punto = seduta.punti.get()
    link = reverse("assemblea:votazione", args=["cremasco", seduta.pk, punto.pk])
    assert link in risposta.content.decode()
    assert "Votazione aperta: Delibera 1" in leggi(avviso)


def test_una_seduta_chiusa_non_compare(client, cremasco, ufficio_piano_crema, sindaco_crema):
    (seduta,) = _sedute(cremasco, ufficio_piano_crema, 1)
    services.chiudi_votazione(seduta.punti.get().votazione, utente=ufficio_piano_crema)
    services.chiudi_seduta(seduta, utente=ufficio_piano_crema)
    client.force_login(sindaco_crema)
    assert trova(client.get(URL), data_testid="sedute-in-corso") == []


def test_chi_non_partecipa_all_assemblea_non_la_vede(
    client, cremasco, ufficio_piano_crema, operatore_crema
):
    _sedute(cremasco, ufficio_piano_crema, 1)
    client.force_login(operatore_crema)
    risposta = client.get(URL)
    assert risposta.status_code == 200
    assert trova(risposta, data_testid="sedute-in-corso") == []


@pytest.mark.parametrize("persona", ["sindaco_crema", "ufficio_piano_crema"])
def test_query_costanti(client, request, cremasco, ufficio_piano_crema, persona):
    client.force_login(request.getfixturevalue(persona))
    _sedute(cremasco, ufficio_piano_crema, 1)
    client.get(URL)
    with CaptureQueriesContext(connection) as poche:
        client.get(URL)
    _sedute(cremasco, ufficio_piano_crema, 2)
    with CaptureQueriesContext(connection) as tante:
        risposta = client.get(URL)
    assert len(trova(risposta, data_testid="votazione-aperta")) == 3
    assert len(tante) == len(poche)
