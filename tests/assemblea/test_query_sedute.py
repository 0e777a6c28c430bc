"""The pages of the Assemblea run a fixed number of queries, however many sessions, agenda items,
delegations, presences and adoptions: each test counts the queries of one page at a small and at
a large size."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Ruolo
from ambiti.models import Comune
from assemblea.models import (
    Delega,
    Presenza,
    PuntoOdg,
    Recepimento,
    RegolaVoto,
    Seduta,
    Votazione,
)
from piani.models import RenderPDF, VersionePiano
from tests.assemblea.test_views_sedute import ROMA, crea_regola, crea_seduta, crea_versione
from tests.factories import RuoloFactory, UserFactory
from tests.utils.html import trova

PERSONE = ["ufficio_piano_crema", "sindaco_crema"]


def _conta(client, url):
    with CaptureQueriesContext(connection) as queries:
        risposta = client.get(url)
    assert risposta.status_code == 200
    return len(queries), risposta


def _confronta(client, url, cresci):
    """Query count of the page before and after `cresci()` adds data; the warm-up request keeps
    one-off lookups (the session, content types) out of the comparison."""
    client.get(url)
    piccola, _risposta = _conta(client, url)
    cresci()
    grande, risposta = _conta(client, url)
    assert grande == piccola, f"{piccola} query con pochi dati, {grande} con molti"
    return risposta


@pytest.fixture
def regola(cremasco, ufficio_piano_crema):
    return crea_regola(cremasco, ufficio_piano_crema)


@pytest.fixture
def seduta(cremasco, ufficio_piano_crema):
    return crea_seduta(cremasco, ufficio_piano_crema)


def _comuni(ambito):
    return list(Comune.objects.filter(ambito=ambito).order_by("nome"))


# --- The list of sessions --------------------------------------------------------------------


def _sedute(ambito, utente, regola, quante, *, inizio):
    for i in range(inizio, inizio + quante):
        seduta = crea_seduta(
            ambito,
            utente,
            titolo=f"Seduta {i:03d}",
            prima_convocazione=datetime.datetime(2026, 1, 1, 17, 0, tzinfo=ROMA)
            + datetime.timedelta(days=i),
            seconda_convocazione=None,
        )
        if i % 2:
            Seduta.objects.filter(pk=seduta.pk).update(stato=Seduta.Stato.CHIUSA)
        for ordine in (1, 2):
            punto = PuntoOdg.objects.create(seduta=seduta, ordine=ordine, titolo=f"Punto {ordine}")
            if ordine == 2:
                Votazione.objects.create(punto=punto, regola=regola)


@pytest.mark.parametrize("persona", PERSONE)
def test_elenco_delle_sedute(client, request, cremasco, ufficio_piano_crema, regola, persona):
    client.force_login(request.getfixturevalue(persona))
    _sedute(cremasco, ufficio_piano_crema, regola, 2, inizio=0)
    risposta = _confronta(
        client,
        reverse("assemblea:sedute", args=["cremasco"]),
        lambda: _sedute(cremasco, ufficio_piano_crema, regola, 18, inizio=2),
    )
    assert len(trova(risposta, data_testid="seduta")) == 20
    assert "Seduta 019" in risposta.content.decode()


# --- The session's page ----------------------------------------------------------------------


def _punti(seduta, regola, versione_base, quante, *, inizio):
    piano = versione_base.piano
    comuni = _comuni(seduta.ambito)
    for i in range(inizio, inizio + quante):
        html = f"<p>Versione {i + 2}</p>"
        versione = VersionePiano.objects.create(
            piano=piano,
            numero=i + 2,
            html=html,
            sha256_html=hashlib.sha256(html.encode()).hexdigest(),
            esito=VersionePiano.Esito.APPROVATA if i % 2 else VersionePiano.Esito.IN_ATTESA,
        )
        RenderPDF.objects.create(
            piano=piano,
            versione=versione,
            sha256_html=versione.sha256_html,
            stato=RenderPDF.Stato.COMPLETATO,
            progresso=100,
            sha256_pdf=f"{i:064d}",
            file=f"piani/pdf/{i}.pdf",
        )
        punto = PuntoOdg.objects.create(
            seduta=seduta,
            ordine=i + 1,
            titolo=f"Punto {i:03d}",
            descrizione="Descrizione",
            versione_piano=versione,
        )
        if i % 3:
            Votazione.objects.create(punto=punto, regola=regola)
        # A delegation and a presence per item, to grow those lists as well.
        comune = comuni[i + 1]
        delegato = UserFactory(username=f"delegato{i}")
        RuoloFactory(user=delegato, tipo=Ruolo.Tipo.DELEGATO, ambito=seduta.ambito, comune=comune)
        Delega.objects.create(seduta=seduta, comune=comune, delegato=delegato, atto=f"atto {i}")
        Presenza.objects.create(
            seduta=seduta, comune=comune, persona=f"Delegato {i}", qualita="delegato", via="online"
        )


@pytest.mark.parametrize("persona", PERSONE)
def test_pagina_della_seduta(
    client, request, cremasco, ufficio_piano_crema, regola, seduta, persona
):
    client.force_login(request.getfixturevalue(persona))
    versione = crea_versione(cremasco, ufficio_piano_crema)
    _punti(seduta, regola, versione, 2, inizio=0)
    risposta = _confronta(
        client,
        reverse("assemblea:seduta", args=["cremasco", seduta.pk]),
        lambda: _punti(seduta, regola, versione, 18, inizio=2),
    )
    assert len(trova(risposta, data_testid="punto")) == 20
    assert len(trova(risposta, data_testid="pdf-punto")) == 20
    assert len(trova(risposta, data_testid="link-recepimenti")) == 10
    assert "atto 19" in risposta.content.decode()


# --- The register of presences ---------------------------------------------------------------


def _presenze(seduta, comuni):
    for i, comune in enumerate(comuni):
        Presenza.objects.create(
            seduta=seduta,
            comune=comune,
            persona=f"Persona {comune.nome}",
            qualita="sindaco",
            via="online" if i % 2 else "segreteria",
            uscita_il=datetime.datetime(2026, 3, 10, 19, 0, tzinfo=ROMA) if i % 5 == 4 else None,
        )


@pytest.mark.parametrize("persona", PERSONE)
@pytest.mark.parametrize("htmx", [False, True], ids=["pagina", "htmx"])
def test_registro_delle_presenze(client, request, cremasco, regola, seduta, persona, htmx):
    client.force_login(request.getfixturevalue(persona))
    comuni = _comuni(cremasco)
    _presenze(seduta, comuni[:5])
    intestazioni = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url = reverse("assemblea:presenze", args=["cremasco", seduta.pk])

    def richiesta():
        with CaptureQueriesContext(connection) as queries:
            risposta = client.get(url, **intestazioni)
        assert risposta.status_code == 200
        return len(queries), risposta

    richiesta()
    piccola, _r = richiesta()
    _presenze(seduta, comuni[5:])
    grande, risposta = richiesta()
    assert grande == piccola, f"{piccola} query con 5 presenze, {grande} con 48"
    righe = trova(risposta, data_testid="riga-presenza")
    assert len(righe) == 48
    assert sum(dict(r.attributes)["data-presente"] == "si" for r in righe) == 48 - 48 // 5


# --- Adoption by the councils ----------------------------------------------------------------


def _recepimenti(versione, comuni):
    for i, comune in enumerate(comuni):
        Recepimento.objects.create(
            versione=versione,
            comune=comune,
            data_atto=datetime.date(2026, 4, 1),
            numero_atto=str(i + 1),
        )


@pytest.mark.parametrize("persona", PERSONE)
def test_recepimenti(client, request, cremasco, ufficio_piano_crema, persona):
    client.force_login(request.getfixturevalue(persona))
    versione = crea_versione(cremasco, ufficio_piano_crema, esito=VersionePiano.Esito.APPROVATA)
    comuni = [c for c in _comuni(cremasco) if c.nome != "Crema"]
    _recepimenti(versione, comuni[:5])
    risposta = _confronta(
        client,
        reverse(
            "assemblea:recepimenti",
            kwargs={"slug": "cremasco", "pk": versione.piano_id, "numero": versione.numero},
        ),
        lambda: _recepimenti(versione, comuni[5:]),
    )
    assert len(trova(risposta, data_testid="riga-recepimento")) == 48


# --- The voting rules and their history ---------------------------------------------------------


def _versione_a_quote(ambito, utente):
    quote = {c.pk: Decimal("20.5") for c in _comuni(ambito)}
    return crea_regola(
        ambito, utente, peso=RegolaVoto.Peso.QUOTE, fonte_popolazione="", quote=quote
    )


@pytest.mark.parametrize("persona", PERSONE)
def test_regole_e_storia_con_le_quote(client, request, cremasco, ufficio_piano_crema, persona):
    client.force_login(request.getfixturevalue(persona))
    _versione_a_quote(cremasco, ufficio_piano_crema)

    def cresci():
        for _ in range(3):
            _versione_a_quote(cremasco, ufficio_piano_crema)
        crea_regola(cremasco, ufficio_piano_crema)

    risposta = _confronta(client, reverse("assemblea:regole", args=["cremasco"]), cresci)
    # Four versions with 48 shares each in the history (the first and three more), the
    # current one by population.
    assert len(trova(risposta, data_testid="quota")) == 4 * 48


# --- The frozen plan's HTML is never read to list it -------------------------------------------


def _letture_html(queries):
    """The queries that read a frozen version's HTML: the whole plan, megabytes each."""
    return [
        q["sql"] for q in queries.captured_queries if '"piani_versionepiano"."html"' in q["sql"]
    ]


@pytest.mark.parametrize("persona", PERSONE)
def test_le_pagine_della_seduta_non_leggono_il_testo_del_piano(
    client, request, cremasco, ufficio_piano_crema, regola, seduta, persona
):
    """The session's page and the vote's show a version's number, fingerprint and PDF: none
    of them reads the version's HTML."""
    client.force_login(request.getfixturevalue(persona))
    versione = crea_versione(cremasco, ufficio_piano_crema)
    _punti(seduta, regola, versione, 3, inizio=0)
    punto = PuntoOdg.objects.filter(seduta=seduta, votazione__isnull=False).first()
    for indirizzo in (
        reverse("assemblea:seduta", args=["cremasco", seduta.pk]),
        reverse(
            "assemblea:votazione",
            kwargs={"slug": "cremasco", "pk": seduta.pk, "punto": punto.pk},
        ),
    ):
        with CaptureQueriesContext(connection) as queries:
            risposta = client.get(indirizzo)
        assert risposta.status_code == 200
        assert trova(risposta, data_testid="pdf-punto") or trova(
            risposta, data_testid="sha256-pdf"
        ), indirizzo
        assert _letture_html(queries) == [], indirizzo
