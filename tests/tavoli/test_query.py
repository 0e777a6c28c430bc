"""The pages of the thematic tables run a fixed number of queries, however much data they show:
each test counts the queries of one page at a small and at a large size."""

import datetime
from itertools import cycle

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Ruolo
from ambiti.models import AreaPolicy, SubAmbito
from tavoli.models import (
    Allegato,
    Commento,
    Esito,
    Incontro,
    Presenza,
    RevisioneVerbale,
    Transizione,
)
from tests.factories import (
    EnteFactory,
    IncontroFactory,
    IscrizioneFactory,
    MembroFactory,
    RuoloFactory,
    TavoloFactory,
    UserFactory,
)

Tipo = Esito.Tipo
Valutazione = Esito.Valutazione


def _conta(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        risposta = client.get(url, **extra)
    assert risposta.status_code == 200
    return len(queries), risposta.content.decode()


def _confronta(client, url, cresci, **extra):
    """Query count of the page before and after `cresci()` adds data; the warm-up request keeps
    one-off lookups (content types, the session) out of the comparison."""
    client.get(url, **extra)
    piccola, _html = _conta(client, url, **extra)
    cresci()
    grande, html = _conta(client, url, **extra)
    assert grande == piccola, f"{piccola} query con pochi dati, {grande} con molti"
    return html


@pytest.fixture
def operatore_tavoli(cremasco):
    user = UserFactory(username="operatore_tavoli")
    RuoloFactory(user=user, tipo=Ruolo.Tipo.OPERATORE, ambito=cremasco)
    return user


@pytest.fixture
def aree(territorio):
    return list(AreaPolicy.objects.all()[:6])


def _ente_membro(ambito):
    return IscrizioneFactory(ambito=ambito, ente=EnteFactory()).ente


def _utente(nome):
    return UserFactory(username=nome, first_name=nome.capitalize())


# --- The list of tables ------------------------------------------------------------------------


def _tavoli(ambito, quanti, *, aree, ente, operatore, inizio):
    sub_ambito, _creato = SubAmbito.objects.get_or_create(ambito=ambito, nome="Crema nord")
    adesso = timezone.now()
    for i in range(inizio, inizio + quanti):
        tavolo = TavoloFactory(
            ambito=ambito,
            titolo=f"Tavolo {i:03d}",
            sub_ambito=sub_ambito if i % 2 else None,
            operatori=[operatore],
            coordinatori=[_utente(f"coordinatore{i}")],
        )
        tavolo.aree_policy.set(aree[i % 3 : i % 3 + 2])
        MembroFactory(tavolo=tavolo, ente=ente)
        passato = IncontroFactory(tavolo=tavolo, inizio=adesso - datetime.timedelta(days=30 + i))
        IncontroFactory(tavolo=tavolo, inizio=adesso + datetime.timedelta(days=7 + i))
        for tipo in (Tipo.PROPOSTA, Tipo.PROPOSTA, Tipo.BISOGNO):
            Esito.objects.create(incontro=passato, tipo=tipo, testo=f"{tipo} {i}")


@pytest.mark.parametrize("persona", ["ufficio_piano_crema", "operatore_tavoli", "ente_crema"])
def test_elenco_dei_tavoli(client, request, cremasco, iscrizione_crema, aree, persona):
    user = request.getfixturevalue(persona)
    operatore = request.getfixturevalue("operatore_tavoli")
    dati = {"aree": aree, "ente": iscrizione_crema.ente, "operatore": operatore}
    _tavoli(cremasco, 3, inizio=0, **dati)
    client.force_login(user)
    html = _confronta(
        client,
        reverse("tavoli:elenco", args=["cremasco"]),
        lambda: _tavoli(cremasco, 27, inizio=3, **dati),
    )
    assert html.count('scope="row"') == 30


# --- The page of a table -----------------------------------------------------------------------


def _membri_e_incontri(tavolo, quanti, *, inizio):
    for i in range(inizio, inizio + quanti):
        if i % 2:
            membro = MembroFactory(tavolo=tavolo, ente=_ente_membro(tavolo.ambito))
        else:
            membro = MembroFactory(tavolo=tavolo, nome=f"Persona {i}", utente=_utente(f"p{i}"))
        incontro = IncontroFactory(tavolo=tavolo, titolo=f"Incontro {i:03d}")
        Presenza.objects.create(incontro=incontro, membro=membro, partecipanti=2)
        Esito.objects.create(incontro=incontro, tipo=Tipo.PROPOSTA, testo=f"Proposta {i}")
        tavolo.coordinatori.add(_utente(f"coordinatore{i}"))


@pytest.mark.parametrize("persona", ["ufficio_piano_crema", "operatore_tavoli", "ente_crema"])
def test_dettaglio_del_tavolo(client, request, cremasco, iscrizione_crema, aree, persona):
    user = request.getfixturevalue(persona)
    tavolo = TavoloFactory(ambito=cremasco, operatori=[request.getfixturevalue("operatore_tavoli")])
    tavolo.aree_policy.set(aree[:2])
    MembroFactory(tavolo=tavolo, ente=iscrizione_crema.ente)
    _membri_e_incontri(tavolo, 2, inizio=0)
    client.force_login(user)
    html = _confronta(
        client,
        reverse("tavoli:dettaglio", args=["cremasco", tavolo.pk]),
        lambda: _membri_e_incontri(tavolo, 18, inizio=2),
    )
    assert "Incontro 019" in html
    assert "Persona 18" in html


# --- The page of a meeting ---------------------------------------------------------------------


def _contenuto_incontro(incontro, *, esiti, membri, allegati, commenti, aree, inizio):
    tipi = cycle(Tipo.values)
    for i in range(inizio, inizio + esiti):
        Esito.objects.create(
            incontro=incontro,
            tipo=next(tipi),
            testo=f"Esito {i:03d}",
            area_policy=aree[i % len(aree)],
            target="Anziani",
            ordine=i,
        )
    for i in range(inizio, inizio + membri):
        if i % 2:
            membro = MembroFactory(
                tavolo=incontro.tavolo, ente=_ente_membro(incontro.tavolo.ambito)
            )
        else:
            membro = MembroFactory(
                tavolo=incontro.tavolo, nome=f"Persona {i}", utente=_utente(f"p{i}")
            )
        Presenza.objects.create(incontro=incontro, membro=membro, partecipanti=1 + i % 3)
    for i in range(inizio, inizio + allegati):
        Allegato.objects.create(
            incontro=incontro,
            file=ContentFile(b"%PDF-1.4 test", name=f"a{i}.pdf"),
            nome=f"allegato-{i:03d}.pdf",
            dimensione=13,
            caricato_da=_utente(f"caricatore{i}"),
        )
    for i in range(inizio, inizio + commenti):
        Commento.objects.create(
            incontro=incontro, revisione=1, autore=_utente(f"commentatore{i}"), testo=f"C{i}"
        )


# Where the page only lists the attendance (members, approved minutes), each present ente's name is
# shown: it must come with the prefetched presenze, not one query per ente.


@pytest.mark.parametrize(
    ("persona", "stato"),
    [
        ("ufficio_piano_crema", Incontro.Stato.BOZZA),
        ("operatore_tavoli", Incontro.Stato.BOZZA),
        ("operatore_tavoli", Incontro.Stato.IN_REVISIONE),
        # Approved minutes are read-only for editors too: the page lists instead of editing.
        ("ufficio_piano_crema", Incontro.Stato.APPROVATO),
        ("ente_crema", Incontro.Stato.BOZZA),
        ("ente_crema", Incontro.Stato.IN_REVISIONE),
        ("ente_crema", Incontro.Stato.APPROVATO),
    ],
)
def test_pagina_dell_incontro(
    client, request, settings, tmp_path, cremasco, iscrizione_crema, aree, persona, stato
):
    settings.MEDIA_ROOT = tmp_path
    user = request.getfixturevalue(persona)
    tavolo = TavoloFactory(
        ambito=cremasco,
        operatori=[request.getfixturevalue("operatore_tavoli")],
        coordinatori=[_utente("coordinatrice")],
    )
    MembroFactory(tavolo=tavolo, ente=iscrizione_crema.ente)
    incontro = IncontroFactory(
        tavolo=tavolo,
        verbale="Il verbale dell'incontro.",
        stato=stato,
        testo_approvato="Il verbale dell'incontro." if stato == Incontro.Stato.APPROVATO else "",
        approvato_il=timezone.now() if stato == Incontro.Stato.APPROVATO else None,
        approvato_da=_utente("approvatrice") if stato == Incontro.Stato.APPROVATO else None,
    )
    dati = {"aree": aree}
    _contenuto_incontro(incontro, esiti=3, membri=2, allegati=1, commenti=2, inizio=0, **dati)
    client.force_login(user)
    html = _confronta(
        client,
        reverse("tavoli:incontro", args=["cremasco", tavolo.pk, incontro.pk]),
        lambda: _contenuto_incontro(
            incontro, esiti=27, membri=18, allegati=9, commenti=18, inizio=3, **dati
        ),
    )
    vede_tutto = persona != "ente_crema" or stato != Incontro.Stato.BOZZA
    assert ("Esito 029" in html) == vede_tutto
    assert ("allegato-011.pdf" in html) == vede_tutto
    assert "Persona 20" in html


# --- The proposals of the ambito ---------------------------------------------------------------


def _proposte(ambito, *, tavoli, proposte, aree, valutatore, inizio):
    """`proposte` proposals over `tavoli` new tables: a third accepted, some merged into an
    earlier one, some not accepted, the rest still to evaluate."""
    incontri = [
        IncontroFactory(tavolo=TavoloFactory(ambito=ambito, titolo=f"Tavolo {inizio + t:03d}"))
        for t in range(tavoli)
    ]
    accolte = []
    for i in range(proposte):
        incontro = incontri[i % tavoli]
        campi = {}
        if i % 5 == 0:
            campi = {"valutazione": Valutazione.ACCOLTA}
        elif i % 5 == 1 and accolte:
            campi = {"valutazione": Valutazione.ACCORPATA, "accorpata_in": accolte[-1]}
        elif i % 5 == 2:
            campi = {"valutazione": Valutazione.NON_ACCOLTA, "motivazione": "Fuori tema."}
        if campi:
            campi |= {"valutata_da": valutatore, "valutata_il": timezone.now()}
        proposta = Esito.objects.create(
            incontro=incontro,
            tipo=Tipo.PROPOSTA,
            testo=f"Proposta {inizio + i:03d}",
            area_policy=aree[i % len(aree)] if i % 4 else None,
            target="Famiglie" if i % 2 else "",
            ordine=i,
            **campi,
        )
        if proposta.valutazione == Valutazione.ACCOLTA:
            accolte.append(proposta)
        Esito.objects.create(incontro=incontro, tipo=Tipo.BISOGNO, testo=f"Bisogno {i}")


@pytest.mark.parametrize("htmx", [False, True], ids=["pagina", "htmx"])
def test_proposte_dell_ambito(client, cremasco, ufficio_piano_crema, aree, htmx):
    dati = {"aree": aree, "valutatore": ufficio_piano_crema}
    _proposte(cremasco, tavoli=3, proposte=5, inizio=0, **dati)
    client.force_login(ufficio_piano_crema)
    html = _confronta(
        client,
        reverse("tavoli:proposte", args=["cremasco"]),
        lambda: _proposte(cremasco, tavoli=9, proposte=75, inizio=100, **dati),
        headers={"HX-Request": "true"} if htmx else {},
    )
    assert "80 proposte" in html
    assert Esito.objects.filter(valutazione=Valutazione.ACCORPATA).count() > 5


# --- The history of the minutes ----------------------------------------------------------------


def _storia(incontro, quante, *, inizio):
    stati = cycle(
        [
            (Incontro.Stato.BOZZA, Incontro.Stato.IN_REVISIONE),
            (Incontro.Stato.IN_REVISIONE, Incontro.Stato.BOZZA),
        ]
    )
    for i in range(inizio, inizio + quante):
        RevisioneVerbale.objects.create(
            incontro=incontro,
            revisione=1,
            versione=i + 2,
            testo=f"Versione {i:03d} del verbale",
            autore=_utente(f"autore{i}"),
        )
        da, a = next(stati)
        Transizione.objects.create(
            incontro=incontro, da_stato=da, a_stato=a, revisione=1, utente=_utente(f"chi{i}")
        )


@pytest.mark.parametrize("persona", ["ufficio_piano_crema", "operatore_tavoli"])
def test_storia_del_verbale(client, request, cremasco, persona):
    tavolo = TavoloFactory(ambito=cremasco, operatori=[request.getfixturevalue("operatore_tavoli")])
    incontro = IncontroFactory(tavolo=tavolo)
    _storia(incontro, 2, inizio=0)
    client.force_login(request.getfixturevalue(persona))
    html = _confronta(
        client,
        reverse("tavoli:storia", args=["cremasco", tavolo.pk, incontro.pk]),
        lambda: _storia(incontro, 18, inizio=2),
    )
    assert "Versione 019 del verbale" in html
