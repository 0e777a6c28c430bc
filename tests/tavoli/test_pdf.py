"""The minutes as PDF: content read back with pypdf, escaping, no network, who reads which text."""

import datetime
import io

import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ambiti.models import AreaPolicy, Ente
from core.pdf import SoloRisorseStatiche
from tavoli.models import Esito, Incontro
from tests.factories import EnteFactory
from tests.factories.tavoli_esportazioni import (
    EsitoFactory,
    IncontroFactory,
    MembroFactory,
    PresenzaFactory,
    TavoloFactory,
)

BOZZA = "Verbale non approvato — bozza"
TESTO_BOZZA = "Il tavolo discute la bozza riservata del nuovo verbale."
TESTO_APPROVATO = "Il tavolo ha approvato all'unanimità le proposte sul trasporto sociale."


@pytest.fixture
def tavolo(cremasco):
    return TavoloFactory(ambito=cremasco, titolo="Anziani e domiciliarità")


@pytest.fixture
def incontro(tavolo, iscrizione_crema, territorio):
    incontro = IncontroFactory(
        tavolo=tavolo,
        titolo="Primo incontro del tavolo",
        ordine_del_giorno="Presentazione dei partecipanti\nAnalisi dei bisogni",
        verbale=TESTO_BOZZA,
    )
    auser = EnteFactory(denominazione="Auser Crema", tipo=Ente.Tipo.ODV)
    for ente, partecipanti in ((iscrizione_crema.ente, 2), (auser, 1)):
        PresenzaFactory(
            incontro=incontro,
            membro=MembroFactory(tavolo=tavolo, ente=ente, nome=""),
            partecipanti=partecipanti,
        )
    PresenzaFactory(incontro=incontro, membro=MembroFactory(tavolo=tavolo, nome="Maria Rossi"))
    EsitoFactory(incontro=incontro, tipo=Esito.Tipo.BISOGNO, testo="Solitudine degli anziani")
    EsitoFactory(incontro=incontro, tipo=Esito.Tipo.RISORSA, testo="Rete dei volontari Auser")
    anziani = AreaPolicy.objects.get(nome="Domiciliarità e anziani")
    EsitoFactory(
        incontro=incontro,
        testo="Potenziare il trasporto sociale",
        area_policy=anziani,
        target="Anziani soli",
        ordine=1,
    )
    EsitoFactory(incontro=incontro, testo="Aprire un centro diurno a Pandino", ordine=2)
    return incontro


def _url(incontro):
    return reverse(
        "esportazioni:verbale",
        kwargs={"slug": incontro.tavolo.ambito.slug, "pk": incontro.tavolo.pk, "ipk": incontro.pk},
    )


def _leggi(contenuto):
    lettore = pypdf.PdfReader(io.BytesIO(contenuto))
    testo = "\n".join(pagina.extract_text() for pagina in lettore.pages)
    # Line breaks depend on the layout: the tests look for words, not for lines.
    return lettore, " ".join(testo.split())


def _pdf(client, user, incontro):
    client.force_login(user)
    response = client.get(_url(incontro))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response, *_leggi(response.content)


def _approva(incontro, approvatore, *, stato=Incontro.Stato.APPROVATO, verbale=TESTO_APPROVATO):
    incontro.testo_approvato = TESTO_APPROVATO
    incontro.approvato_il = datetime.datetime(2025, 10, 20, 9, 0, tzinfo=datetime.UTC)
    incontro.approvato_da = approvatore
    incontro.stato = stato
    incontro.verbale = verbale
    incontro.save()


def test_il_pdf_contiene_il_lavoro_del_tavolo(client, ufficio_piano_crema, incontro):
    response, lettore, testo = _pdf(client, ufficio_piano_crema, incontro)
    assert response["Content-Disposition"] == (
        'inline; filename="verbale-anziani-e-domiciliarita-2025-10-14-bozza.pdf"'
    )
    for atteso in [
        "Primo incontro del tavolo",
        "Ambito Cremasco",
        "Anziani e domiciliarità",
        "martedì 14 ottobre 2025",
        "dalle 17:00 alle 19:00",
        "Sala consiliare, Crema",
        "Ordine del giorno Presentazione dei partecipanti Analisi dei bisogni",
        "Ente o persona Tipo di ente Partecipanti",
        "Auser Crema Organizzazione di volontariato (ODV) 1",
        "Cooperativa Il Ponte Associazione di promozione sociale (APS) 2",
        "Maria Rossi 1",
        "Totale 4",
        "Solitudine degli anziani",
        "Rete dei volontari Auser",
        "Potenziare il trasporto sociale",
        "Area di policy: Domiciliarità e anziani · Destinatari: Anziani soli",
        "Aprire un centro diurno a Pandino",
        "Area di policy: non indicata · Destinatari: non indicati",
        TESTO_BOZZA,
        BOZZA,
    ]:
        assert atteso in testo, atteso
    assert f"Pagina 1 di {len(lettore.pages)}" in testo
    assert lettore.metadata.title == "Verbale: Primo incontro del tavolo"
    assert lettore.metadata.author == "Tavolo «Anziani e domiciliarità» — Ambito Cremasco"
    assert lettore.pages[0].mediabox.width == pytest.approx(595.28, abs=1)


def test_intestazione_e_numero_di_pagina_su_ogni_pagina(client, ufficio_piano_crema, incontro):
    incontro.verbale = "\n\n".join(f"Paragrafo {n} del verbale, " * 12 for n in range(60))
    incontro.save()
    PresenzaFactory.create_batch(70, incontro=incontro, membro__ente=None, membro__nome="Cittadino")
    _response, lettore, testo = _pdf(client, ufficio_piano_crema, incontro)
    # The total closes the table once, not under each page's part of it.
    assert testo.count("Totale 74") == 1
    pagine = len(lettore.pages)
    assert pagine > 2
    for numero, pagina in enumerate(lettore.pages, start=1):
        testo = " ".join(pagina.extract_text().split())
        assert f"Pagina {numero} di {pagine}" in testo
        assert "Ambito Cremasco" in testo
    # The attendance table goes on the next page with its header repeated.
    secondo = " ".join(lettore.pages[1].extract_text().split())
    assert "Ente o persona Tipo di ente Partecipanti" in secondo


def test_il_testo_degli_utenti_resta_testo(client, ufficio_piano_crema, incontro, monkeypatch):
    richieste = []
    fetch = SoloRisorseStatiche.fetch

    def spia(self, url, headers=None):
        richieste.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(SoloRisorseStatiche, "fetch", spia)
    incontro.verbale = (
        'Primo punto <script>alert(1)</script>\n<img src="http://example.org/x.png"> fine'
    )
    incontro.titolo = "Incontro <b>grassetto</b>"
    incontro.save()
    EsitoFactory(incontro=incontro, testo="<i>corsivo</i> & altro")
    _response, lettore, testo = _pdf(client, ufficio_piano_crema, incontro)
    assert "Primo punto <script>alert(1)</script>" in testo
    assert '<img src="http://example.org/x.png"> fine' in testo
    assert "Incontro <b>grassetto</b>" in testo
    assert "<i>corsivo</i> & altro" in testo
    assert lettore.metadata.title == "Verbale: Incontro <b>grassetto</b>"
    assert not [url for url in richieste if not url.startswith(("file:", "data:"))]


def test_editore_di_un_verbale_approvato(client, ufficio_piano_crema, incontro):
    _approva(incontro, ufficio_piano_crema)
    response, _lettore, testo = _pdf(client, ufficio_piano_crema, incontro)
    assert TESTO_APPROVATO in testo
    assert "Verbale approvato il 20/10/2025 da" in testo
    assert BOZZA not in testo
    assert not response["Content-Disposition"].endswith('-bozza.pdf"')


@pytest.fixture
def membro(ente_crema):
    """ente_crema's ente is already a member of the table (see the incontro fixture)."""
    return ente_crema


def test_il_membro_legge_solo_il_testo_approvato(client, ufficio_piano_crema, membro, incontro):
    ufficio_piano_crema.first_name, ufficio_piano_crema.last_name = "Giulia", "Bianchi"
    ufficio_piano_crema.save()
    # Approved once, then reopened: the editors draft a second revision.
    _approva(incontro, ufficio_piano_crema, stato=Incontro.Stato.BOZZA, verbale=TESTO_BOZZA)
    _response, _lettore, testo = _pdf(client, membro, incontro)
    assert TESTO_APPROVATO in testo
    assert "Verbale approvato il 20/10/2025 da Giulia Bianchi." in testo
    assert "bozza riservata" not in testo
    assert BOZZA not in testo
    # The editor, meanwhile, prints her draft.
    _response, _lettore, testo = _pdf(client, ufficio_piano_crema, incontro)
    assert TESTO_BOZZA in testo
    assert TESTO_APPROVATO not in testo
    assert BOZZA in testo


def test_il_membro_legge_il_testo_in_revisione(client, membro, incontro):
    incontro.stato = Incontro.Stato.IN_REVISIONE
    incontro.save()
    _response, _lettore, testo = _pdf(client, membro, incontro)
    assert TESTO_BOZZA in testo
    assert f"{BOZZA} · in revisione" in testo


def test_il_membro_non_vede_una_bozza_mai_inviata(client, membro, incontro):
    client.force_login(membro)
    assert client.get(_url(incontro)).status_code == 404


@pytest.mark.parametrize(
    ("persona", "stato"),
    [
        ("ufficio_piano_crema", 200),
        ("amministratore", 200),
        ("ente_crema", 200),
        ("operatore_crema", 404),
        ("sindaco_crema", 404),
        ("ufficio_piano_cremona", 404),
        ("senza_ruolo", 404),
    ],
)
def test_permessi(client, request, ufficio_piano_crema, incontro, persona, stato):
    _approva(incontro, ufficio_piano_crema)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(incontro)).status_code == stato


def test_operatore_del_tavolo(client, operatore_crema, incontro):
    incontro.tavolo.operatori.add(operatore_crema)
    _response, _lettore, testo = _pdf(client, operatore_crema, incontro)
    assert TESTO_BOZZA in testo


def test_anonimo_post_e_incontro_di_altro_tavolo(client, ufficio_piano_crema, incontro):
    response = client.get(_url(incontro))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    client.force_login(ufficio_piano_crema)
    assert client.post(_url(incontro)).status_code == 405
    altro = IncontroFactory(tavolo=TavoloFactory(ambito=incontro.tavolo.ambito))
    url = reverse(
        "esportazioni:verbale",
        kwargs={"slug": "cremasco", "pk": incontro.tavolo.pk, "ipk": altro.pk},
    )
    assert client.get(url).status_code == 404


def test_query_costanti(client, ufficio_piano_crema, cremasco):
    client.force_login(ufficio_piano_crema)
    conteggi = []
    for numero in (3, 30):
        incontro = IncontroFactory(tavolo=TavoloFactory(ambito=cremasco))
        _approva(incontro, ufficio_piano_crema)
        for n in range(numero):
            PresenzaFactory(incontro=incontro, membro__ente=EnteFactory(), membro__nome="")
            EsitoFactory(
                incontro=incontro,
                testo=f"Proposta {n}",
                area_policy=AreaPolicy.objects.order_by("?").first(),
            )
            EsitoFactory(incontro=incontro, tipo=Esito.Tipo.BISOGNO)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_url(incontro))
        assert response.status_code == 200
        conteggi.append(len(queries))
        _lettore, testo = _leggi(response.content)
        assert f"Proposta {numero - 1}" in testo
    assert conteggi[0] == conteggi[1]
