"""The pages of the objectives run a fixed number of queries, however much data they show: each
test counts the queries of one page at a small and at a large size. Data are written with
bulk_create, so that the large sizes stay fast."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ambiti.demo import carica_aree_policy, carica_periodo
from obiettivi.demo import carica_fondi
from obiettivi.models import (
    Azione,
    Destinatario,
    Disponibilita,
    Indicatore,
    Obiettivo,
    Risorsa,
    RisorsaAzione,
    SpesaEffettiva,
    ValoreIndicatore,
    Valutazione,
)
from tavoli.models import Esito
from tests.factories import (
    EnteFactory,
    IncontroFactory,
    IscrizioneFactory,
    ObiettivoFactory,
    TavoloFactory,
)
from tests.utils.html import trova

AreeObiettivo = Obiettivo.aree_policy.through
ProposteObiettivo = Obiettivo.proposte.through
PartnerAzione = Azione.partner.through
GruppiObiettivo = Obiettivo.gruppi_destinatari.through


def _conta(client, url):
    with CaptureQueriesContext(connection) as queries:
        risposta = client.get(url)
    assert risposta.status_code == 200
    return len(queries), risposta


def _confronta(client, url, cresci):
    """Query count of the page before and after `cresci()` adds data; the warm-up request keeps
    one-off lookups (content types, the session) out of the comparison."""
    client.get(url)
    piccola, _risposta = _conta(client, url)
    cresci()
    grande, risposta = _conta(client, url)
    assert grande == piccola, f"{piccola} query con pochi dati, {grande} con molti"
    return risposta


@pytest.fixture
def piano(cremasco, iscrizione_crema):
    periodo = carica_periodo()
    return {
        "ambito": cremasco,
        "periodo": periodo,
        "aree": list(periodo.aree.order_by("ordine")),
        "fondi": carica_fondi(),
        "enti": [
            iscrizione_crema.ente,
            IscrizioneFactory(ambito=cremasco, ente=EnteFactory()).ente,
        ],
    }


def _azioni(obiettivi, quante, *, enti, inizio=0):
    """`quante` actions per objective: alternately with an ente of the register as responsible
    and two partners, or with another responsible; each with its euro of two funds in the first
    year."""
    azioni = Azione.objects.bulk_create(
        [
            Azione(
                obiettivo=obiettivo,
                descrizione=f"Azione {inizio + j} di {obiettivo.codice}",
                responsabile=enti[0] if j % 2 == 0 else None,
                responsabile_altro="" if j % 2 == 0 else "Ufficio di Piano",
                risorse_assegnate=Decimal("1000.50") * (j + 1),
                avanzamento=(10 * j) % 101,
                ordine=inizio + j,
            )
            for obiettivo in obiettivi
            for j in range(quante)
        ]
    )
    PartnerAzione.objects.bulk_create(
        [
            PartnerAzione(azione_id=azione.pk, ente_id=ente.pk)
            for azione in azioni
            if azione.responsabile_id
            for ente in enti
        ]
    )
    fondi = carica_fondi()[:2]
    RisorsaAzione.objects.bulk_create(
        [
            RisorsaAzione(
                azione=azione,
                anno=azione.obiettivo.periodo.anno_inizio,
                fondo=fondo,
                importo=azione.risorse_assegnate / 2,
            )
            for azione in azioni
            for fondo in fondi
        ]
    )
    return azioni


def _disponibilita(piano, fondi, anni):
    Disponibilita.objects.bulk_create(
        [
            Disponibilita(
                ambito=piano["ambito"],
                periodo=piano["periodo"],
                fondo=fondo,
                anno=anno,
                importo=Decimal("5000.00"),
                atto=f"Riparto {fondo.sigla} {anno}",
            )
            for fondo in fondi
            for anno in anni
        ]
    )


def _indicatori(obiettivi, quanti, *, periodo, inizio=0):
    indicatori = Indicatore.objects.bulk_create(
        [
            Indicatore(
                obiettivo=obiettivo,
                nome=f"Indicatore {inizio + j}",
                unita="persone",
                valore_base=Decimal("10.5"),
                anno_base=periodo.anno_inizio - 1,
            )
            for obiettivo in obiettivi
            for j in range(quanti)
        ]
    )
    valori = [
        ValoreIndicatore(
            indicatore=indicatore, tipo=ValoreIndicatore.Tipo.TARGET, anno=anno, valore=20
        )
        for indicatore in indicatori
        for anno in periodo.anni
    ]
    valori += [
        ValoreIndicatore(
            indicatore=indicatore,
            tipo=ValoreIndicatore.Tipo.MISURA,
            anno=periodo.anno_inizio,
            valore=Decimal("12.25"),
            nota="Primo anno",
        )
        for indicatore in indicatori
    ]
    ValoreIndicatore.objects.bulk_create(valori)
    return indicatori


def _obiettivi(piano, quanti, *, inizio, periodo=None, ambito=None):
    """Objectives with 1-2 areas, 2 actions, 6 resources (3 years × 2 funds) and one indicator
    with its targets and a measured value."""
    periodo = periodo or piano["periodo"]
    ambito = ambito or piano["ambito"]
    aree = list(periodo.aree.order_by("ordine"))
    obiettivi = Obiettivo.objects.bulk_create(
        [
            Obiettivo(
                ambito=ambito,
                periodo=periodo,
                codice=f"{i // 10 + 1}.{i % 10 + 1}",
                titolo=f"Obiettivo {i:03d}",
                integrazione_sociosanitaria=bool(i % 2),
                priorita=Obiettivo.Priorita.values[i % 3],
                stato=Obiettivo.Stato.values[i % 5],
            )
            for i in range(inizio, inizio + quanti)
        ]
    )
    AreeObiettivo.objects.bulk_create(
        [
            AreeObiettivo(obiettivo_id=obiettivo.pk, areapolicy_id=area.pk)
            for n, obiettivo in enumerate(obiettivi, start=inizio)
            for area in aree[n % 7 : n % 7 + 1 + n % 2]
        ]
    )
    # 0-2 target groups each, from the seeded list.
    gruppi = list(Destinatario.objects.filter(ambito=None))
    GruppiObiettivo.objects.bulk_create(
        [
            GruppiObiettivo(obiettivo_id=obiettivo.pk, destinatario_id=gruppo.pk)
            for n, obiettivo in enumerate(obiettivi, start=inizio)
            for gruppo in gruppi[n % 5 : n % 5 + n % 3]
        ]
    )
    _azioni(obiettivi, 2, enti=piano["enti"])
    Risorsa.objects.bulk_create(
        [
            Risorsa(obiettivo=obiettivo, anno=anno, fondo=fondo, importo=Decimal("1234.56"))
            for obiettivo in obiettivi
            for anno in periodo.anni
            for fondo in piano["fondi"][:2]
        ]
    )
    _indicatori(obiettivi, 1, periodo=periodo)
    return obiettivi


# --- The overview ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["ufficio_piano_crema", "operatore_crema", "amministratore"])
def test_panoramica(client, request, piano, persona):
    client.force_login(request.getfixturevalue(persona))
    _obiettivi(piano, 10, inizio=0)
    _disponibilita(piano, piano["fondi"][:1], [2025])
    anni = piano["periodo"].anni

    def cresci():
        _obiettivi(piano, 190, inizio=10)
        _disponibilita(piano, piano["fondi"][:1], anni[1:])
        _disponibilita(piano, piano["fondi"][1:], anni)

    risposta = _confronta(client, reverse("obiettivi:panoramica", args=["cremasco"]), cresci)
    assert len(trova(risposta, "tr", data_testid="obiettivo")) == 200
    assert risposta.context["totale"].totale == Decimal("1234.56") * 6 * 200
    assert risposta.context["riepilogo_destinatari"].totale.numero == 200
    # 5 funds × 3 years at 5.000,00 each against the allocations.
    assert risposta.context["riconciliazione"].totale.tetto == Decimal("75000.00")


def test_pagina_delle_disponibilita(client, ufficio_piano_crema, piano):
    client.force_login(ufficio_piano_crema)
    _disponibilita(piano, piano["fondi"][:1], [2025])
    risposta = _confronta(
        client,
        reverse("obiettivi:disponibilita", args=["cremasco"]),
        lambda: _disponibilita(piano, piano["fondi"][1:], piano["periodo"].anni),
    )
    assert len(trova(risposta, "table", data_testid="disponibilita-fondo")) == 5


def test_modulo_dell_azione(client, ufficio_piano_crema, piano):
    """The form checks the action against its objective and the other actions: their lines
    come in one query, however many."""
    client.force_login(ufficio_piano_crema)
    obiettivo = ObiettivoFactory(ambito=piano["ambito"], codice="1.1")
    Risorsa.objects.bulk_create(
        [Risorsa(obiettivo=obiettivo, anno=2025, fondo=f, importo=1) for f in piano["fondi"]]
    )
    azione = _azioni([obiettivo], 2, enti=piano["enti"])[0]
    risposta = _confronta(
        client,
        reverse("obiettivi:azione", args=["cremasco", obiettivo.pk, azione.pk]),
        lambda: _azioni([obiettivo], 18, enti=piano["enti"], inizio=2),
    )
    assert len(risposta.context["form"].righe_altre_azioni) == 19 * 2


@pytest.mark.parametrize("persona", ["ufficio_piano_crema", "sindaco_crema"])
def test_panoramica_filtrata_per_destinatari(client, request, piano, persona):
    client.force_login(request.getfixturevalue(persona))
    _obiettivi(piano, 10, inizio=0)
    anziani = Destinatario.objects.get(slug="anziani", ambito=None)
    url = reverse("obiettivi:panoramica", args=["cremasco"]) + f"?destinatari={anziani.pk}"
    risposta = _confronta(client, url, lambda: _obiettivi(piano, 90, inizio=10))
    # Anziani is the first group: the objectives with n % 5 == 0 and n % 3 > 0.
    attesi = [n for n in range(100) if n % 5 == 0 and n % 3]
    assert len(trova(risposta, "tr", data_testid="obiettivo")) == len(attesi)


# --- The detail of an objective ----------------------------------------------------------------


def _proposte(obiettivo, quante, *, inizio):
    """Accepted proposals of as many tables and meetings, linked to the objective."""
    proposte = []
    for i in range(inizio, inizio + quante):
        incontro = IncontroFactory(
            tavolo=TavoloFactory(ambito=obiettivo.ambito, titolo=f"Tavolo {i}"),
            titolo=f"Incontro {i}",
        )
        proposte.append(
            Esito(
                incontro=incontro,
                tipo=Esito.Tipo.PROPOSTA,
                testo=f"Proposta {i}",
                valutazione=Esito.Valutazione.ACCOLTA,
                area_policy=obiettivo.aree_policy.first(),
            )
        )
    proposte = Esito.objects.bulk_create(proposte)
    ProposteObiettivo.objects.bulk_create(
        [ProposteObiettivo(obiettivo_id=obiettivo.pk, esito_id=p.pk) for p in proposte]
    )


def _precedenti(piano, obiettivo, quanti, *, inizio):
    """Objectives of the previous plan that continue in this one."""
    precedente = carica_periodo("2021-2023")
    carica_aree_policy(precedente)
    vecchi = _obiettivi(piano, quanti, inizio=inizio, periodo=precedente)
    Valutazione.objects.bulk_create(
        [
            Valutazione(
                obiettivo=vecchio,
                grado=Valutazione.Grado.PARZIALE,
                prosegue=True,
                obiettivo_successivo=obiettivo,
            )
            for vecchio in vecchi
        ]
    )


@pytest.mark.parametrize("persona", ["ufficio_piano_crema", "sindaco_crema"])
def test_dettaglio(client, request, piano, persona):
    client.force_login(request.getfixturevalue(persona))
    obiettivo = ObiettivoFactory(
        ambito=piano["ambito"],
        codice="1.1",
        aree=piano["aree"][:2],
        integrazione_sociosanitaria=True,
        asst=list(piano["ambito"].asst.all()),
    )
    Risorsa.objects.bulk_create(
        [Risorsa(obiettivo=obiettivo, anno=2025, fondo=f, importo=1) for f in piano["fondi"]]
    )
    _azioni([obiettivo], 2, enti=piano["enti"])
    _indicatori([obiettivo], 2, periodo=piano["periodo"])
    _proposte(obiettivo, 1, inizio=0)
    _precedenti(piano, obiettivo, 1, inizio=0)

    def cresci():
        _azioni([obiettivo], 18, enti=piano["enti"], inizio=2)
        _indicatori([obiettivo], 8, periodo=piano["periodo"], inizio=2)
        _proposte(obiettivo, 9, inizio=1)
        _precedenti(piano, obiettivo, 9, inizio=1)

    risposta = _confronta(
        client, reverse("obiettivi:dettaglio", args=["cremasco", obiettivo.pk]), cresci
    )
    assert len(trova(risposta, "tr", data_testid="azione")) == 20
    confronto = risposta.context["confronto_azioni"].cella(2025, piano["fondi"][0])
    # Each action puts half of 1.000,50 × (j + 1) in the FNPS of 2025, j counting 0-1 in the
    # first batch and 0-17 in the second: 500,25 × (3 + 171) = 87.043,50.
    assert confronto.impegnato == Decimal("87043.50")
    assert len(trova(risposta, "table", data_testid="indicatore")) == 10
    assert risposta.content.decode().count("Prosegue l'obiettivo") == 10


# --- The evaluation of the previous plan -------------------------------------------------------


def _da_valutare(piano, quanti, *, inizio, successivi):
    precedente = carica_periodo("2021-2023")
    carica_aree_policy(precedente)
    vecchi = _obiettivi(piano, quanti, inizio=inizio, periodo=precedente)
    # Every objective spent something on each of its planned lines.
    SpesaEffettiva.objects.bulk_create(
        [
            SpesaEffettiva(
                obiettivo=r.obiettivo, anno=r.anno, fondo_id=r.fondo_id, importo=Decimal("1000.01")
            )
            for r in Risorsa.objects.filter(obiettivo__in=vecchi).select_related("obiettivo")
        ]
    )
    # Two thirds evaluated, half of these continuing in an objective of the current plan.
    Valutazione.objects.bulk_create(
        [
            Valutazione(
                obiettivo=vecchio,
                grado=Valutazione.Grado.values[n % 3],
                criticita=f"Criticità {n}",
                prosegue=bool(n % 2),
                obiettivo_successivo=successivi[n % len(successivi)] if n % 2 else None,
            )
            for n, vecchio in enumerate(vecchi)
            if n % 3
        ]
    )


@pytest.mark.parametrize(
    "persona",
    ["ufficio_piano_crema", "operatore_crema"],
)
def test_valutazione(client, request, piano, persona):
    client.force_login(request.getfixturevalue(persona))
    successivi = _obiettivi(piano, 5, inizio=500)
    _da_valutare(piano, 3, inizio=0, successivi=successivi)
    risposta = _confronta(
        client,
        reverse("obiettivi:valutazione", args=["cremasco"]),
        lambda: _da_valutare(piano, 27, inizio=3, successivi=successivi),
    )
    assert len(risposta.context["righe"]) == 30
    assert len(trova(risposta, "section")) == 30
    # 30 objectives × 6 lines: 1234,56 planned and 1000,01 spent on each.
    totale = risposta.context["confronto_piano"].totale
    assert (totale.programmato, totale.speso) == (
        Decimal("1234.56") * 180,
        Decimal("1000.01") * 180,
    )
    assert len(trova(risposta, "table", data_testid="confronto-spesa")) == 30
