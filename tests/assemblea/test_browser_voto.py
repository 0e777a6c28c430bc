"""Three sindaci vote in three browser contexts, one changes his vote, the secretary closes the
vote; the result page and the minutes PDF show the right totals."""

import io
from datetime import timedelta

import pypdf
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Ruolo
from ambiti.demo import carica_periodo
from ambiti.models import Comune
from assemblea import services
from assemblea.models import PuntoOdg, RegolaVoto, Seduta, Votazione, Voto
from piani import services as piani_services
from piani.models import VersionePiano
from tests.browser_fixtures import accedi
from tests.conftest import PASSWORD
from tests.factories import RuoloFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Residents (ANPR, 1 January 2025) of the three comuni that vote.
CREMA, OFFANENGO, CASTELLEONE = 34204, 5926, 9385


def _sindaco(ambito, username, nome, comune):
    user = UserFactory(username=username, first_name=nome, last_name="Sindaco")
    RuoloFactory(
        user=user, tipo=Ruolo.Tipo.SINDACO, ambito=ambito, comune=Comune.objects.get(nome=comune)
    )
    return user


@pytest.fixture
def seduta(cremasco, ufficio_piano_crema):
    # Weighted by population, majority in residents: one large comune can outweigh two small.
    services.nuova_regola(
        RegolaVoto(
            ambito=cremasco,
            peso=RegolaVoto.Peso.POPOLAZIONE,
            quorum=RegolaVoto.Misura.NESSUNA,
            misura_maggioranza=RegolaVoto.Misura.POPOLAZIONE,
        ),
        utente=ufficio_piano_crema,
    )
    piano = piani_services.crea_piano(
        ambito=cremasco, periodo=carica_periodo("2025-2027"), utente=ufficio_piano_crema
    )
    versione = piani_services.congela(piano=piano, utente=ufficio_piano_crema)
    seduta = Seduta.objects.create(
        ambito=cremasco,
        titolo="Approvazione del Piano di Zona",
        modalita=Seduta.Modalita.ONLINE,
        link_online="https://riunioni.example.org/assemblea",
        prima_convocazione=timezone.now() - timedelta(minutes=10),
    )
    punto = PuntoOdg.objects.create(
        seduta=seduta,
        ordine=1,
        titolo="Approvazione del Piano di Zona 2025-2027",
        versione_piano=versione,
    )
    services.apri_seduta(seduta, utente=ufficio_piano_crema, convocazione="prima")
    Votazione.objects.create(punto=punto, regola=services.regola_corrente(cremasco))
    return seduta


def _vota(pagina, scelta, comune):
    pagina.get_by_role("button", name=f"{scelta}, per il comune di {comune}").click()
    expect(pagina.get_by_test_id("scelta-corrente")).to_have_text(scelta)


def _totale(pagina, scelta):
    riga = pagina.locator(f'[data-testid="totale"][data-scelta="{scelta}"]')
    return int(riga.get_attribute("data-teste")), int(riga.get_attribute("data-popolazione"))


def test_tre_sindaci_votano_la_segreteria_chiude(nuovo_contesto, cremasco, seduta):
    _sindaco(cremasco, "sindaco_crema", "Paolo", "Crema")
    _sindaco(cremasco, "sindaco_offanengo", "Roberto", "Offanengo")
    _sindaco(cremasco, "sindaca_castelleone", "Marta", "Castelleone")
    punto = seduta.punti.get()
    url_seduta = f"/ambiti/cremasco/assemblea/sedute/{seduta.pk}/"
    url = f"{url_seduta}punti/{punto.pk}/votazione/"
    contesti = [nuovo_contesto() for _ in range(4)]
    segreteria, crema, offanengo, castelleone = (c.new_page() for c in contesti)
    for pagina in (segreteria, crema, offanengo, castelleone):
        pagina.set_default_timeout(15_000)
    segreteria.on("dialog", lambda dialogo: dialogo.accept())
    try:
        accedi(segreteria, "up_crema", PASSWORD)
        segreteria.goto(url)
        segreteria.get_by_role("button", name="Apri la votazione").click()
        segreteria.get_by_role("dialog").get_by_role("button", name="Apri la votazione").click()
        expect(segreteria.get_by_test_id("stato-votazione")).to_have_attribute(
            "data-stato", "aperta"
        )

        for pagina, username in (
            (crema, "sindaco_crema"),
            (offanengo, "sindaco_offanengo"),
            (castelleone, "sindaca_castelleone"),
        ):
            accedi(pagina, username, PASSWORD)
            pagina.goto(url)
        _vota(crema, "Favorevole", "Crema")
        _vota(offanengo, "Contrario", "Offanengo")
        _vota(castelleone, "Favorevole", "Castelleone")
        prima_ricevuta = castelleone.get_by_test_id("ricevuta").inner_text()

        # Castelleone changes her mind: only the last choice counts, with a new receipt.
        castelleone.get_by_text("Cambia voto").click()
        _vota(castelleone, "Contrario", "Castelleone")
        ultima_ricevuta = castelleone.get_by_test_id("ricevuta").inner_text()
        assert ultima_ricevuta != prima_ricevuta

        # The secretary's live panel sees the ballots come in (open ballot: partial totals).
        expect(segreteria.get_by_test_id("votanti")).to_contain_text("3 su 48")
        segreteria.get_by_role("button", name="Chiudi la votazione").click()
        segreteria.get_by_role("dialog").get_by_role("button", name="Chiudi la votazione").click()
        # Tasks run eagerly in the tests: the close request itself renders the plan's PDF with
        # the outcome on its cover (a worker does it in production), which a busy machine takes
        # well over the default five seconds to do.
        expect(segreteria.get_by_test_id("esito")).to_be_visible(timeout=60_000)

        # Heads say no (1 against 2), residents say yes: the rule is a population majority.
        assert _totale(segreteria, "favorevole") == (1, CREMA)
        assert _totale(segreteria, "contrario") == (2, OFFANENGO + CASTELLEONE)
        assert _totale(segreteria, "astenuto") == (0, 0)
        expect(segreteria.get_by_test_id("esito")).to_contain_text("Approvata")
        assert Voto.objects.count() == 3
        assert VersionePiano.objects.get().esito == VersionePiano.Esito.APPROVATA

        # A sindaco's page turns to the result by itself. Castelleone's does too: wait for it, so
        # that her next navigation is not cut short by the page's own reload.
        expect(crema.get_by_test_id("esito")).to_be_visible()
        expect(castelleone.get_by_test_id("esito")).to_be_visible()

        # Castelleone checks her receipt: the code is posted, never put in the address.
        castelleone.goto(url)
        castelleone.get_by_test_id("verifica-ricevuta").get_by_role(
            "button", name="Verifica la ricevuta"
        ).click()
        expect(castelleone.get_by_test_id("verdetto")).to_have_text(
            "Questo voto è stato conteggiato nel risultato."
        )
        assert ultima_ricevuta not in castelleone.url and "codice" not in castelleone.url

        segreteria.goto(url_seduta)
        segreteria.get_by_test_id("chiudi-seduta").click()
        segreteria.get_by_role("dialog").get_by_role("button", name="Chiudi la seduta").click()
        with segreteria.expect_download() as scaricamento:
            segreteria.get_by_test_id("verbale-pdf").click()
        pdf = pypdf.PdfReader(io.BytesIO(scaricamento.value.path().read_bytes()))
        testo = "\n".join(p.extract_text() for p in pdf.pages)
        assert "Hanno partecipato 3 comuni su 48" in testo
        assert "Favorevoli 1 34.204" in testo
        assert "Contrari 2 15.311" in testo
        assert "Esito: Approvata" in testo
        righe = testo.splitlines()
        assert any("Castelleone" in r and "Contrario" in r for r in righe)
        assert any("Crema" in r and "Favorevole" in r for r in righe)
    finally:
        for contesto in contesti:
            contesto.close()
