"""The pages of the Piano di Zona run a fixed number of queries, however long the plan: each test
counts the queries of one page at a small and at a large size."""

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ambiti.demo import carica_periodo
from ambiti.models import AreaPolicy
from piani.models import (
    CommentoSezione,
    Piano,
    RevisioneSezione,
    Sezione,
    TransizionePiano,
    VersionePiano,
)
from tests.factories import UserFactory
from tests.utils.html import trova

Stato = Piano.Stato


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


def _utente(nome):
    return UserFactory(username=nome, first_name=nome.capitalize(), last_name="Prova")


@pytest.fixture
def piano(cremasco, ufficio_piano_crema):
    return Piano.objects.create(
        ambito=cremasco,
        periodo=carica_periodo(),
        titolo="Piano di Zona 2025-2027",
        stato=Stato.IN_REVISIONE,
        creato_da=ufficio_piano_crema,
    )


PERSONE = ["ufficio_piano_crema", "sindaco_crema"]


# --- The plan's page ---------------------------------------------------------------------------


def _sezioni_con_commenti(piano, quante, *, inizio):
    aree = list(AreaPolicy.objects.filter(periodo=piano.periodo).order_by("ordine"))
    blocchi = [b for b in Sezione.Blocco.values if b]
    for i in range(inizio, inizio + quante):
        autore = _utente(f"redattore{i}")
        blocco = blocchi[i % len(blocchi)]
        sezione = Sezione.objects.create(
            piano=piano,
            ordine=i + 1,
            titolo=f"Sezione {i:03d}",
            testo=f"<p>Testo {i}</p>",
            blocco=blocco,
            area=aree[i % len(aree)] if blocco == Sezione.Blocco.OBIETTIVI else None,
            versione=1 + i % 4,
            modificata_da=autore,
        )
        commento = CommentoSezione.objects.create(
            sezione=sezione, autore=autore, testo=f"Commento {i}"
        )
        CommentoSezione.objects.create(
            sezione=sezione,
            autore=_utente(f"risponde{i}"),
            testo=f"Risposta {i}",
            risposta_a=commento,
            risolto=bool(i % 2),
            risolto_da=autore if i % 2 else None,
        )
        # The plan's history grows with it: a frozen version and a change of state per section.
        html = f"<p>Versione {i + 1}</p>"
        VersionePiano.objects.create(
            piano=piano,
            numero=i + 1,
            html=html,
            sha256_html=hashlib.sha256(html.encode()).hexdigest(),
            creata_da=autore,
        )
        TransizionePiano.objects.create(
            piano=piano, da_stato=Stato.BOZZA, a_stato=Stato.IN_REVISIONE, utente=autore
        )


@pytest.mark.parametrize("persona", PERSONE)
def test_pagina_del_piano(client, request, piano, persona):
    client.force_login(request.getfixturevalue(persona))
    _sezioni_con_commenti(piano, 5, inizio=0)
    risposta = _confronta(
        client,
        reverse("piani:dettaglio", args=["cremasco", piano.pk]),
        lambda: _sezioni_con_commenti(piano, 35, inizio=5),
    )
    assert len(trova(risposta, data_testid="sezione")) == 40
    html = risposta.content.decode()
    assert "Sezione 039" in html
    assert "Redattore39 Prova" in html


# --- The revisions of a section ----------------------------------------------------------------


def _revisioni(sezione, quante, *, inizio):
    for v in range(inizio + 1, inizio + quante + 1):
        RevisioneSezione.objects.create(
            sezione=sezione,
            versione=v,
            titolo=sezione.titolo,
            testo=f"<p>Testo della versione {v}</p>",
            autore=_utente(f"autore{v}"),
            nota=f"Nota {v}",
        )
    Sezione.objects.filter(pk=sezione.pk).update(versione=inizio + quante)


@pytest.mark.parametrize("confronto", [False, True])
def test_pagina_delle_revisioni(client, piano, ufficio_piano_crema, confronto):
    sezione = Sezione.objects.create(
        piano=piano, ordine=1, titolo="Introduzione", modificata_da=ufficio_piano_crema
    )
    _revisioni(sezione, 2, inizio=0)
    client.force_login(ufficio_piano_crema)
    url = reverse("piani:revisioni", args=["cremasco", piano.pk, sezione.pk])
    if confronto:
        url += "?a=1&b=2"
    risposta = _confronta(client, url, lambda: _revisioni(sezione, 18, inizio=2))
    html = risposta.content.decode()
    assert "Autore20 Prova" in html
    assert html.count("Nota ") == 20
    assert bool(trova(risposta, data_testid="confronto")) == confronto


# --- The comments of a section -----------------------------------------------------------------


def _discussioni(sezione, quante, *, inizio):
    for i in range(inizio, inizio + quante):
        autore = _utente(f"commentatore{i}")
        commento = CommentoSezione.objects.create(
            sezione=sezione,
            autore=autore,
            testo=f"Commento {i:03d}",
            risolto=bool(i % 2),
            risolto_da=_utente(f"risolutore{i}") if i % 2 else None,
        )
        for n in range(3):
            CommentoSezione.objects.create(
                sezione=sezione,
                autore=_utente(f"risposta{i}_{n}"),
                testo=f"Risposta {i:03d}.{n}",
                risposta_a=commento,
            )


@pytest.mark.parametrize("persona", PERSONE)
def test_pagina_dei_commenti(client, request, piano, persona):
    sezione = Sezione.objects.create(piano=piano, ordine=1, titolo="Introduzione")
    _discussioni(sezione, 2, inizio=0)
    client.force_login(request.getfixturevalue(persona))
    risposta = _confronta(
        client,
        reverse("piani:commenti", args=["cremasco", piano.pk, sezione.pk]),
        lambda: _discussioni(sezione, 18, inizio=2),
    )
    assert len(trova(risposta, data_testid="commento")) == 20
    html = risposta.content.decode()
    assert "Risposta 019.2" in html
    assert "Risposta19_2 Prova" in html


# --- What the plan's page does not read --------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONE)
def test_pagina_del_piano_senza_i_testi(client, request, piano, persona):
    """The outline lists sections and frozen versions: it reads neither a version's HTML (the
    whole plan, megabytes each) nor a section's text."""
    client.force_login(request.getfixturevalue(persona))
    _sezioni_con_commenti(piano, 3, inizio=0)
    with CaptureQueriesContext(connection) as queries:
        risposta = client.get(reverse("piani:dettaglio", args=["cremasco", piano.pk]))
    assert risposta.status_code == 200
    assert len(trova(risposta, data_testid="sezione")) == 3
    assert "Versione 3" in risposta.content.decode()
    letture = [
        q["sql"]
        for q in queries.captured_queries
        if '"piani_versionepiano"."html"' in q["sql"] or '"piani_sezione"."testo"' in q["sql"]
    ]
    assert letture == []
