"""Rule: no menu entry leads to an empty or forbidden page for the role that sees it. Every
persona opens the ambito's home page and follows each entry of the main navigation: each answers
200, and none is a page that can only ever say there is nothing for her."""

import pytest
from django.urls import reverse

from accounts.models import Ruolo
from ambiti.demo import carica_periodo
from ambiti.models import Ambito
from piani import services
from tests.factories import (
    MembroFactory,
    ObiettivoFactory,
    RuoloFactory,
    TavoloFactory,
    UserFactory,
)
from tests.utils.html import testo_visibile as _testo
from tests.utils.html import trova, uno

# What a page shows when it has nothing for this reader and never will.
VUOTI_PER_SEMPRE = (
    "Nessun piano da mostrare",
    "Non partecipi a nessun tavolo",
)

TAVOLI, PIANO, ASSEMBLEA, PROPOSTE = "Tavoli", "Piano", "Assemblea", "Proposte"
UTENTI = "Utenti"  # the Ufficio di Piano manages its people (ambiti/views_utenti.py)
ATTIVITA = "Attività"  # and reads its ambito's audit trail (pdz/attivita.py)
MESSAGGI = "Messaggi inviati"  # and its e-mail log (ambiti/views_email.py)
COMUNI = ["Cruscotto", "Cremasco", "Comuni", "Obiettivi", "Cambia password"]
VOCI = {
    "ufficio_piano_crema": {
        TAVOLI,
        PIANO,
        ASSEMBLEA,
        PROPOSTE,
        "Gestione registro enti",
        UTENTI,
        ATTIVITA,
        MESSAGGI,
    },
    "amministratore": {
        TAVOLI,
        PIANO,
        ASSEMBLEA,
        PROPOSTE,
        "Gestione registro enti",
        UTENTI,
        ATTIVITA,
        MESSAGGI,
    },
    "sindaco_crema": {PIANO, ASSEMBLEA, "Registro enti"},
    "delegato_pandino": {PIANO, ASSEMBLEA, "Registro enti"},
    "operatore_crema": {TAVOLI, "Registro enti"},
    "coordinatrice": {TAVOLI, "Registro enti"},
    "ente_crema": {TAVOLI, PIANO, "Registro enti"},
}


@pytest.fixture
def scena(
    cremasco,
    ufficio_piano_crema,
    amministratore,
    sindaco_crema,
    delegato_pandino,
    operatore_crema,
    ente_crema,
    iscrizione_crema,
):
    coordinatrice = UserFactory(username="coordinatrice")
    RuoloFactory(user=coordinatrice, tipo=Ruolo.Tipo.OPERATORE, ambito=cremasco)
    tavolo = TavoloFactory(
        ambito=cremasco, operatori=[operatore_crema], coordinatori=[coordinatrice]
    )
    MembroFactory(tavolo=tavolo, ente=iscrizione_crema.ente)
    periodo = carica_periodo()
    ObiettivoFactory(ambito=cremasco, periodo=periodo, codice="1.1", titolo="Trasporto sociale")
    piano = services.crea_piano(ambito=cremasco, periodo=periodo, utente=ufficio_piano_crema)
    services.invia_in_revisione(piano=piano, utente=ufficio_piano_crema)
    return {
        "ufficio_piano_crema": ufficio_piano_crema,
        "amministratore": amministratore,
        "sindaco_crema": sindaco_crema,
        "delegato_pandino": delegato_pandino,
        "operatore_crema": operatore_crema,
        "coordinatrice": coordinatrice,
        "ente_crema": ente_crema,
    }


def _voci(risposta):
    menu = uno(risposta, "div", id="nav-principale")
    return {_testo(a): dict(a.attributes)["href"] for a in trova(menu, "a")}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(VOCI))
def test_ogni_voce_del_menu_porta_a_una_pagina_utile(client, scena, persona):
    client.force_login(scena[persona])
    voci = _voci(client.get(reverse("cruscotto", args=["cremasco"])))
    attese = set(COMUNI) | VOCI[persona]
    if persona == "amministratore":
        # She sees every ambito (each entry leads to its home page) and the admin site.
        attese |= {"Amministrazione", *Ambito.objects.values_list("nome", flat=True)}
    assert set(voci) == attese
    for nome, indirizzo in voci.items():
        # The portal's home sends whoever works in one ambito to that ambito's page.
        risposta = client.get(indirizzo, follow=True)
        assert risposta.status_code == 200, (nome, indirizzo)
        testo = risposta.content.decode()
        for vuoto in VUOTI_PER_SEMPRE:
            assert vuoto not in testo, (nome, vuoto)
