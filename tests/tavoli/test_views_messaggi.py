"""A confirmation is shown once: base.html prints the messages of a full page, the sections of
the table and meeting pages print them only when htmx swaps the section in alone."""

import pytest
from django.test import Client
from django.urls import reverse

from tavoli.models import Incontro
from tests.factories import IncontroFactory, MembroFactory, TavoloFactory

HTMX = {"HX-Request": "true"}


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def tavolo(cremasco, operatore_crema):
    return TavoloFactory(ambito=cremasco, titolo="Disabilità", operatori=[operatore_crema])


def test_tavolo_creato_messaggio_una_volta(cremasco, ufficio_piano_crema):
    risposta = _client(ufficio_piano_crema).post(
        reverse("tavoli:nuovo", kwargs={"slug": "cremasco"}),
        {"titolo": "Famiglie e minori", "descrizione": ""},
        follow=True,
    )
    assert risposta.status_code == 200
    assert risposta.content.decode().count("Tavolo creato. Ora aggiungi i membri.") == 1


def test_verbale_inviato_messaggio_una_volta(tavolo, operatore_crema):
    incontro = IncontroFactory(tavolo=tavolo, verbale="Presenti sei enti.")
    risposta = _client(operatore_crema).post(
        reverse(
            "tavoli:transizione",
            kwargs={"slug": "cremasco", "pk": tavolo.pk, "ipk": incontro.pk, "azione": "invia"},
        ),
        follow=True,
    )
    incontro.refresh_from_db()
    assert incontro.stato == Incontro.Stato.IN_REVISIONE
    assert risposta.content.decode().count("Verbale inviato in revisione.") == 1


def test_messaggio_nel_frammento_htmx_una_volta(tavolo, ufficio_piano_crema):
    membro = MembroFactory(tavolo=tavolo, ente=None, nome="Maria Rossi")
    client = _client(ufficio_piano_crema)
    url = reverse(
        "tavoli:membro-rimuovi",
        kwargs={"slug": "cremasco", "pk": tavolo.pk, "membro_pk": membro.pk},
    )
    frammento = client.post(url, headers=HTMX).content.decode()
    # The fragment replaces the members' section alone: the message has to come with it.
    assert frammento.count("alert-info") == 1
    # ...and, shown there, it does not come back on the next page.
    pagina = client.get(reverse("tavoli:dettaglio", kwargs={"slug": "cremasco", "pk": tavolo.pk}))
    assert "alert-info" not in pagina.content.decode()
