"""The Cremasco «Fragilità» table, from the meeting to the approved minutes, in a real browser."""

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tavoli.models import Esito, Incontro, Membro
from tests.browser_fixtures import accedi
from tests.conftest import PASSWORD
from tests.factories import IscrizioneFactory, TavoloFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROPOSTE = (
    "Servizio di trasporto sociale di ambito",
    "Albo delle assistenti familiari",
    "Sportello unico per la protezione giuridica",
)


@pytest.fixture
def fragilita(cremasco, operatore_crema, ufficio_piano_crema, iscrizione_crema, ente_crema):
    tavolo = TavoloFactory(
        ambito=cremasco,
        titolo="Fragilità",
        operatori=[operatore_crema],
        coordinatori=[ufficio_piano_crema],
    )
    enti = [iscrizione_crema.ente] + [
        IscrizioneFactory(ambito=cremasco, ente__denominazione=nome).ente
        for nome in ("Auser Crema", "Cooperativa Koala", "ANFFAS Crema")
    ]
    for ente in enti:
        Membro.objects.create(tavolo=tavolo, ente=ente)
    return tavolo


def esci(page):
    page.get_by_role("button", name="Esci").click()
    page.wait_for_load_state()


def test_dal_programma_al_verbale_approvato(
    page, fragilita, ufficio_piano_cremona, iscrizione_crema, operatore_crema
):
    accedi(page, "operatore_crema", PASSWORD)
    page.get_by_role("link", name="Tavoli", exact=True).click()
    page.get_by_role("link", name="Fragilità").click()
    page.get_by_role("link", name="Programma un incontro").click()
    page.get_by_label("Titolo").fill("Domiciliarità: lettura dei bisogni")
    page.get_by_label("Inizio").fill("2025-10-14T17:30")
    page.get_by_label("Fine").fill("2025-10-14T17:00")
    page.get_by_label("Luogo").fill("Crema, sala Ostaggi")
    page.get_by_role("button", name="Salva e invia gli inviti").click()
    expect(page.locator("#error_1_id_fine")).to_contain_text("successiva all'inizio")
    assert not Incontro.objects.exists()

    page.get_by_label("Fine").fill("2025-10-14T19:30")
    page.get_by_label("Ordine del giorno").fill("Dati del territorio\nProposte per il Piano")
    page.get_by_role("button", name="Salva e invia gli inviti").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Domiciliarità: lettura dei bisogni")
    incontro = Incontro.objects.get()
    assert timezone.localtime(incontro.inizio).strftime("%d/%m/%Y %H:%M") == "14/10/2025 17:30"
    invitati = {m.to[0] for m in mail.outbox}
    assert {iscrizione_crema.ente.email, operatore_crema.email} <= invitati
    assert all("invito.ics" in m.message().as_string() for m in mail.outbox)

    # Attendance and three proposals, without reloading the page.
    page.evaluate("window.__stessaPagina = true")
    for nome, persone in (("Auser Crema", "2"), ("Cooperativa Koala", "1"), ("ANFFAS Crema", "3")):
        riga = page.locator("#presenze tr", has_text=nome)
        riga.locator("label").click()
        riga.locator("input[type=number]").fill(persone)
    page.get_by_role("button", name="Registra le presenze").click()
    expect(page.locator("#presenze")).to_contain_text("Presenze registrate.")
    expect(page.get_by_test_id("totale-partecipanti")).to_have_text("6 partecipanti")

    modulo = page.get_by_test_id("form-proposta")
    modulo.get_by_role("button").click()
    expect(page.locator("#esiti-proposta")).to_contain_text("un elemento vuoto non si registra")
    for testo in PROPOSTE:
        modulo = page.get_by_test_id("form-proposta")
        modulo.get_by_label("Testo").fill(testo)
        modulo.get_by_label("Area di policy").select_option(label="Domiciliarità e anziani")
        modulo.get_by_label("Destinatari").fill("anziani soli")
        modulo.get_by_role("button").click()
        expect(page.locator("#esiti-proposta")).to_contain_text(testo)
    expect(page.get_by_test_id("conteggio-proposta")).to_have_text("3")

    page.get_by_label("Testo del verbale").fill("Presenti tre enti. Emergono tre proposte.")
    page.get_by_role("button", name="Salva il verbale").click()
    expect(page.locator("#verbale")).to_contain_text("Salvato alle")
    assert page.evaluate("window.__stessaPagina") is True, "la pagina è stata ricaricata"
    assert sorted(incontro.presenze.values_list("partecipanti", flat=True)) == [1, 2, 3]

    page.get_by_role("button", name="Invia in revisione ai membri").click()
    expect(page.get_by_test_id("stato-verbale")).to_have_text("In revisione")
    url_incontro = page.url
    url_tavolo = url_incontro.split("incontri/")[0]
    esci(page)

    # The Ufficio di Piano approves the minutes and accepts two proposals.
    accedi(page, "up_crema", PASSWORD)
    page.goto(url_incontro)
    page.get_by_role("button", name="Approva il verbale").click()
    expect(page.get_by_test_id("stato-verbale")).to_have_text("Approvato")
    page.get_by_role("link", name="Proposte", exact=True).click()
    for testo in PROPOSTE[:2]:
        riga = page.get_by_test_id("proposta").filter(has_text=testo)
        riga.get_by_role("button", name="Valuta").click()
        modulo = page.locator("form", has_text="Salva la valutazione")
        modulo.get_by_label("Valutazione").select_option(label="Accolta")
        modulo.get_by_role("button", name="Salva la valutazione").click()
        riga = page.get_by_test_id("proposta").filter(has_text=testo)
        expect(riga.get_by_test_id("valutazione")).to_have_text("Accolta")
    assert Esito.objects.filter(valutazione=Esito.Valutazione.ACCOLTA).count() == 2
    esci(page)

    # A member ente reads the approved minutes and the outcomes.
    accedi(page, "ente_crema", PASSWORD)
    page.goto(url_incontro)
    expect(page.get_by_test_id("testo-verbale")).to_contain_text("Emergono tre proposte")
    expect(page.locator("#esiti-proposta")).to_contain_text("Accolta")
    expect(page.get_by_role("button", name="Salva il verbale")).to_have_count(0)
    esci(page)

    # Nobody outside the ambito sees anything of it.
    accedi(page, "up_cremona", PASSWORD)
    for url in (url_tavolo, url_incontro, url_incontro + "storia/", url_incontro + "verbale.pdf"):
        assert page.goto(url).status == 404, url
