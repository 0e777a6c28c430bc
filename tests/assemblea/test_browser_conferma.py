"""No irreversible step of the Assemblea by one click: a dialog says what will happen and what
cannot be undone; Esc or "Annulla" leave everything as it was, the confirm button does it. All
by keyboard."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ambiti.demo import carica_periodo
from assemblea import services
from assemblea.models import PuntoOdg, RegolaVoto, Seduta, Votazione
from piani import services as piani_services
from piani.models import Sezione, VersionePiano
from tests.browser_fixtures import accedi
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seduta(cremasco, ufficio_piano_crema, sindaco_crema):
    services.nuova_regola(RegolaVoto(ambito=cremasco, peso=RegolaVoto.Peso.UNO), utente=None)
    seduta = Seduta.objects.create(
        ambito=cremasco,
        titolo="Seduta di prova",
        modalita=Seduta.Modalita.ONLINE,
        link_online="https://riunioni.example.org/assemblea",
        prima_convocazione=timezone.now() - timedelta(minutes=10),
    )
    PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Comunicazioni")
    return seduta


def _stato(seduta):
    seduta.refresh_from_db()
    return seduta.stato


def _resta(seduta, stato):
    assert _stato(seduta) == stato


def _nessuna_versione(piano):
    assert not VersionePiano.objects.filter(piano=piano).exists()


def _annulla_poi_conferma(page, pulsante, titolo, invariato, *, con_esc=True):
    """Open the dialog from the button by keyboard, leave it (Esc or Annulla: nothing done, focus
    back on the button), open it again and confirm."""
    pulsante.focus()
    page.keyboard.press("Enter")
    dialogo = page.get_by_role("dialog", name=titolo)
    expect(dialogo).to_be_visible()
    expect(dialogo).to_contain_text("Non si può annullare:")
    expect(dialogo.get_by_role("button", name="Annulla")).to_be_focused()
    # Annulla has the focus: Enter on it, or Esc anywhere in the dialog.
    page.keyboard.press("Escape" if con_esc else "Enter")
    expect(dialogo).to_be_hidden()
    expect(pulsante).to_be_focused()
    page.wait_for_timeout(300)
    invariato()

    page.keyboard.press("Enter")
    expect(dialogo).to_be_visible()
    expect(dialogo.get_by_role("button", name="Annulla")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def test_convocazione_apertura_e_chiusura_della_seduta(page, seduta, mailoutbox):
    accedi(page, "up_crema", PASSWORD)
    page.goto(f"/ambiti/cremasco/assemblea/sedute/{seduta.pk}/")

    def mai_inviata():
        seduta.refresh_from_db()
        assert seduta.inviti_inviati_il is None
        assert not mailoutbox

    _annulla_poi_conferma(
        page, page.get_by_test_id("invia-convocazione"), "Inviare la convocazione?", mai_inviata
    )
    expect(page.get_by_role("alert").filter(has_text="Convocazione inviata a")).to_be_visible()
    seduta.refresh_from_db()
    assert seduta.inviti_inviati_il is not None

    _annulla_poi_conferma(
        page,
        page.get_by_test_id("apri-seduta-pulsante"),
        "Aprire la seduta?",
        lambda: _resta(seduta, Seduta.Stato.CONVOCATA),
        con_esc=False,
    )
    expect(page.get_by_test_id("stato-seduta")).to_have_text("Aperta")
    assert _stato(seduta) == Seduta.Stato.APERTA

    _annulla_poi_conferma(
        page,
        page.get_by_test_id("chiudi-seduta"),
        "Chiudere la seduta?",
        lambda: _resta(seduta, Seduta.Stato.APERTA),
    )
    expect(page.get_by_test_id("stato-seduta")).to_have_text("Chiusa")
    assert _stato(seduta) == Seduta.Stato.CHIUSA


def test_prima_convocazione_deserta_poi_apertura_in_seconda(page, seduta):
    # Both calls are past and nobody is present: the first call is deserted, the second opens.
    adesso = timezone.now()
    Seduta.objects.filter(pk=seduta.pk).update(
        prima_convocazione=adesso - timedelta(minutes=40),
        seconda_convocazione=adesso - timedelta(minutes=5),
    )
    accedi(page, "up_crema", PASSWORD)
    page.goto(f"/ambiti/cremasco/assemblea/sedute/{seduta.pk}/")

    def non_deserta():
        seduta.refresh_from_db()
        assert seduta.prima_deserta_il is None

    _annulla_poi_conferma(
        page,
        page.get_by_test_id("prima-deserta-pulsante"),
        "Dichiarare deserta la prima convocazione?",
        non_deserta,
    )
    expect(page.get_by_role("alert").filter(has_text="dichiarata deserta")).to_be_visible()
    seduta.refresh_from_db()
    assert seduta.prima_deserta_il is not None
    expect(page.get_by_label("Seconda convocazione")).to_be_checked()
    expect(page.get_by_label("Prima convocazione")).to_have_count(0)

    _annulla_poi_conferma(
        page,
        page.get_by_test_id("apri-seduta-pulsante"),
        "Aprire la seduta?",
        lambda: _resta(seduta, Seduta.Stato.CONVOCATA),
    )
    expect(page.get_by_test_id("convocazione")).to_have_text("Seconda convocazione")
    seduta.refresh_from_db()
    assert seduta.convocazione == Seduta.Convocazione.SECONDA


def test_apertura_e_chiusura_della_votazione(page, seduta, ufficio_piano_crema):
    services.apri_seduta(seduta, utente=ufficio_piano_crema, convocazione="prima")
    punto = seduta.punti.get()
    votazione = services.prepara_votazione(punto)
    accedi(page, "up_crema", PASSWORD)
    page.goto(f"/ambiti/cremasco/assemblea/sedute/{seduta.pk}/punti/{punto.pk}/votazione/")

    def stato(atteso):
        votazione.refresh_from_db()
        assert votazione.stato == atteso

    _annulla_poi_conferma(
        page,
        page.get_by_test_id("apri-votazione"),
        "Aprire la votazione?",
        lambda: stato(Votazione.Stato.PREPARATA),
    )
    expect(page.get_by_test_id("stato-votazione")).to_have_attribute("data-stato", "aperta")
    stato(Votazione.Stato.APERTA)

    _annulla_poi_conferma(
        page,
        page.get_by_test_id("chiudi-votazione"),
        "Chiudere la votazione?",
        lambda: stato(Votazione.Stato.APERTA),
        con_esc=False,
    )
    expect(page.get_by_test_id("esito")).to_be_visible()
    stato(Votazione.Stato.CHIUSA)


def test_congelare_una_versione_per_l_assemblea(page, cremasco, ufficio_piano_crema):
    piano = piani_services.crea_piano(
        ambito=cremasco, periodo=carica_periodo("2025-2027"), utente=ufficio_piano_crema
    )
    Sezione.objects.create(piano=piano, ordine=1, titolo="Premessa", testo="<p>T</p>", versione=1)
    accedi(page, "up_crema", PASSWORD)
    page.goto(f"/ambiti/cremasco/piani/{piano.pk}/")
    _annulla_poi_conferma(
        page,
        page.get_by_test_id("congela"),
        "Congelare la versione per l'Assemblea?",
        lambda: _nessuna_versione(piano),
    )
    # Freezing renders the PDF (eagerly in the tests): the page takes its time.
    expect(page.get_by_test_id("congela")).to_have_count(0, timeout=60_000)
    assert VersionePiano.objects.filter(piano=piano).count() == 1
