"""Two Ufficio di Piano staff edit the same section; then the plan's PDF is generated and
downloaded from the page while its progress shows, in a real browser."""

import threading

import pytest
from playwright.sync_api import expect

from accounts.models import Ruolo
from ambiti.demo import carica_periodo
from obiettivi.demo import carica_fondi
from piani import services, tasks
from piani.models import RevisioneSezione
from tests.browser_fixtures import accedi
from tests.conftest import PASSWORD
from tests.factories import RuoloFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def piano(cremasco, ufficio_piano_crema):
    carica_fondi()
    return services.crea_piano(
        ambito=cremasco, periodo=carica_periodo(), utente=ufficio_piano_crema
    )


@pytest.fixture
def collega(cremasco):
    user = UserFactory(username="up_crema_2", first_name="Marta", last_name="Riva")
    RuoloFactory(user=user, tipo=Ruolo.Tipo.UFFICIO_PIANO, ambito=cremasco)
    return user


def test_conflitto_tra_due_redattori_e_pdf_con_avanzamento(
    nuovo_contesto, live_server, piano, ufficio_piano_crema, collega, monkeypatch
):
    sezione = piano.sezioni.get(titolo="Introduzione")
    url = f"{live_server.url}/ambiti/cremasco/piani/{piano.pk}/sezioni/{sezione.pk}/"
    contesti = [nuovo_contesto() for _ in range(2)]
    prima, seconda = (c.new_page() for c in contesti)
    try:
        for pagina, username in ((prima, "up_crema"), (seconda, "up_crema_2")):
            accedi(pagina, username, PASSWORD)
            pagina.goto(url)
        seconda.reload()
        expect(seconda.get_by_test_id("altri-editor")).to_contain_text("Nome Cognome")

        # The text is written in the editor (tests/piani/test_browser_editor.py has its toolbar).
        prima.get_by_role("textbox", name="Testo").fill("Testo della prima redattrice.")
        prima.get_by_role("button", name="Salva la sezione").click()
        expect(prima.get_by_role("alert")).to_contain_text("Sezione salvata")

        seconda.get_by_role("textbox", name="Testo").fill("Testo della seconda redattrice.")
        seconda.get_by_role("button", name="Salva la sezione").click()
        expect(seconda.get_by_test_id("conflitto")).to_be_visible()
        expect(seconda.get_by_test_id("testo-altrui")).to_contain_text("prima redattrice")
        expect(seconda.locator("textarea[name=testo]")).to_have_value(
            "<p>Testo della seconda redattrice.</p>"
        )
        sezione.refresh_from_db()
        assert "prima redattrice" in sezione.testo

        # She keeps both texts and saves again: now it goes through.
        editor = seconda.get_by_role("textbox", name="Testo")
        editor.click()
        seconda.keyboard.press("Control+Home")
        seconda.keyboard.type("Testo della prima redattrice.")
        seconda.keyboard.press("Enter")
        seconda.get_by_role("button", name="Salva la sezione").click()
        expect(seconda.get_by_role("alert")).to_contain_text("Sezione salvata")
        sezione.refresh_from_db()
        assert "prima redattrice" in sezione.testo and "seconda redattrice" in sezione.testo
        autori = set(
            RevisioneSezione.objects.filter(sezione=sezione).values_list(
                "autore__username", flat=True
            )
        )
        assert {"up_crema", "up_crema_2"} <= autori

        # The PDF: the worker runs in a thread here, slowed down so that the page shows progress.
        accodati = []
        monkeypatch.setattr(tasks.rendi_pdf_piano, "delay", lambda pk: accodati.append(pk))
        monkeypatch.setenv(tasks.RITARDO_ENV, "2")
        prima.goto(f"{live_server.url}/ambiti/cremasco/piani/{piano.pk}/")
        prima.get_by_role("button", name="Genera PDF").click()
        stato = prima.get_by_test_id("stato-pdf")
        expect(stato).to_have_attribute("data-stato", "in_coda")
        assert len(accodati) == 1
        lavoro = threading.Thread(target=tasks.rendi_pdf_piano.apply, args=(accodati,))
        lavoro.start()
        expect(stato).to_contain_text("In elaborazione", timeout=15_000)
        expect(prima.get_by_role("progressbar")).to_be_visible()
        expect(stato).to_have_attribute("data-stato", "completato", timeout=60_000)
        lavoro.join(timeout=60)
        with prima.expect_download() as scaricamento:
            prima.get_by_test_id("scarica-pdf").click()
        percorso = scaricamento.value.path()
        with open(percorso, "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
        assert scaricamento.value.suggested_filename.endswith(".pdf")
    finally:
        for contesto in contesti:
            contesto.close()
