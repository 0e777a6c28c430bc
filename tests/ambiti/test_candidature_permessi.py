"""Who may see and decide the requests to join the register: only the Ufficio di Piano of the
ambito (and the administrator). The public form is for everyone. Plus the list's queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from stdnum import luhn

from ambiti.models import AreaPolicy, Candidatura, Iscrizione
from tests.factories import CandidaturaFactory

PAGINE = ["candidature", "candidatura"]
AZIONI = ["candidatura-accetta", "candidatura-respingi"]

GESTORI = ["ufficio_piano_crema", "amministratore"]
# They see the ambito, not this work: 403.
LETTORI = ["operatore_crema", "ente_crema", "sindaco_crema", "delegato_pandino"]
# They may not even know the ambito's requests exist: 404.
ESTRANEI = ["ufficio_piano_cremona", "sindaco_cremona", "senza_ruolo"]


def codice_fiscale(n: int) -> str:
    base = f"80{n:05d}001"
    return base + luhn.calc_check_digit(base)


def crea(ambito, n, stato=Candidatura.Stato.DA_ESAMINARE, aree=()):
    return CandidaturaFactory(
        ambito=ambito,
        denominazione=f"Ente candidato {n:03d}",
        codice_fiscale=codice_fiscale(n),
        stato=stato,
        aree_policy=list(aree),
    )


@pytest.fixture
def candidatura(cremasco, territorio):
    return crea(cremasco, 1, aree=list(AreaPolicy.objects.correnti()[:2]))


@pytest.fixture
def persone(
    request,
    ufficio_piano_crema,
    ufficio_piano_cremona,
    operatore_crema,
    ente_crema,
    sindaco_crema,
    delegato_pandino,
    sindaco_cremona,
    amministratore,
    senza_ruolo,
):
    return {nome: request.getfixturevalue(nome) for nome in [*GESTORI, *LETTORI, *ESTRANEI]}


def url(nome, candidatura, slug="cremasco"):
    kwargs = {"slug": slug}
    if nome != "candidature":
        kwargs["pk"] = candidatura.pk
    return reverse(f"ambiti:{nome}", kwargs=kwargs)


@pytest.mark.parametrize("nome", PAGINE + AZIONI)
def test_anonimo_va_al_login(client, candidatura, nome):
    for metodo in (client.get, client.post):
        risposta = metodo(url(nome, candidatura))
        assert risposta.status_code == 302
        assert risposta["Location"].startswith(reverse("accounts:login"))
    candidatura.refresh_from_db()
    assert candidatura.stato == Candidatura.Stato.DA_ESAMINARE


@pytest.mark.parametrize("nome", PAGINE)
def test_le_pagine_solo_all_ufficio_di_piano_dell_ambito(client, persone, candidatura, nome):
    attesi = {p: 200 for p in GESTORI} | {p: 403 for p in LETTORI} | {p: 404 for p in ESTRANEI}
    ottenuti = {}
    for persona, user in persone.items():
        client.force_login(user)
        ottenuti[persona] = client.get(url(nome, candidatura)).status_code
    assert ottenuti == attesi


@pytest.mark.parametrize("nome", AZIONI)
@pytest.mark.parametrize("persona", LETTORI + ESTRANEI)
def test_chi_non_gestisce_non_decide(client, persone, candidatura, nome, persona, mailoutbox):
    client.force_login(persone[persona])
    risposta = client.post(url(nome, candidatura), {"motivo": "Perché no"})
    assert risposta.status_code == (403 if persona in LETTORI else 404)
    candidatura.refresh_from_db()
    assert candidatura.stato == Candidatura.Stato.DA_ESAMINARE
    assert not Iscrizione.objects.filter(ente__codice_fiscale=candidatura.codice_fiscale).exists()
    assert mailoutbox == []


@pytest.mark.parametrize("nome", PAGINE + AZIONI)
def test_l_ufficio_di_un_altro_ambito_non_la_trova_neanche_dal_suo(
    client, ufficio_piano_cremona, candidatura, nome
):
    """The request of the Cremasco, asked for under the Cremonese's own address: not found."""
    client.force_login(ufficio_piano_cremona)
    metodo = client.get if nome in PAGINE else client.post
    assert metodo(url(nome, candidatura, slug="cremonese")).status_code == (
        200 if nome == "candidature" else 404
    )
    candidatura.refresh_from_db()
    assert candidatura.stato == Candidatura.Stato.DA_ESAMINARE


def test_una_richiesta_non_confermata_non_esiste_per_l_ufficio(
    client, ufficio_piano_crema, cremasco
):
    in_attesa = crea(cremasco, 2, stato=Candidatura.Stato.VERIFICA_EMAIL)
    client.force_login(ufficio_piano_crema)
    assert client.get(url("candidatura", in_attesa)).status_code == 404
    assert client.post(url("candidatura-accetta", in_attesa)).status_code == 404
    in_attesa.refresh_from_db()
    assert in_attesa.stato == Candidatura.Stato.VERIFICA_EMAIL


@pytest.mark.parametrize("nome", ["modulo", "inviata"])
def test_il_modulo_pubblico_e_per_tutti(client, persone, cremasco, nome):
    indirizzo = reverse(f"adesione:{nome}", kwargs={"ambito": "cremasco"})
    assert client.get(indirizzo).status_code == 200
    for user in persone.values():
        client.force_login(user)
        assert client.get(indirizzo).status_code == 200


def test_il_modulo_pubblico_non_accetta_altri_metodi(client, cremasco):
    indirizzo = reverse("adesione:modulo", kwargs={"ambito": "cremasco"})
    assert client.put(indirizzo).status_code == 405
    assert (
        client.post(reverse("adesione:inviata", kwargs={"ambito": "cremasco"})).status_code == 405
    )


def _query_dell_elenco(client, stato="da_esaminare"):
    with CaptureQueriesContext(connection) as query:
        risposta = client.get(
            reverse("ambiti:candidature", kwargs={"slug": "cremasco"}), {"stato": stato}
        )
    assert risposta.status_code == 200
    return len(query), risposta


@pytest.mark.parametrize("stato", ["da_esaminare", "accettata"])
def test_elenco_a_query_costanti(client, ufficio_piano_crema, cremasco, territorio, stato):
    aree = list(AreaPolicy.objects.correnti())
    client.force_login(ufficio_piano_crema)
    crea(cremasco, 1, stato=stato, aree=aree[:1])
    poche, risposta = _query_dell_elenco(client, stato)
    assert risposta.content.decode().count('data-testid="candidatura"') == 1
    for n in range(2, 31):
        crea(cremasco, n, stato=stato, aree=aree[: 1 + n % 3])
    tante, risposta = _query_dell_elenco(client, stato)
    assert risposta.content.decode().count('data-testid="candidatura"') == 30
    assert tante == poche


def test_l_amministratore_le_legge_ma_non_le_cambia_dall_admin(client, amministratore, candidatura):
    client.force_login(amministratore)
    elenco = client.get(reverse("admin:ambiti_candidatura_changelist"))
    assert elenco.status_code == 200
    assert "Ente candidato 001" in elenco.content.decode()
    assert client.get(reverse("admin:ambiti_candidatura_add")).status_code == 403
    modifica = reverse("admin:ambiti_candidatura_change", args=[candidatura.pk])
    risposta = client.post(modifica, {"stato": "accettata"})
    assert risposta.status_code == 403
    candidatura.refresh_from_db()
    assert candidatura.stato == Candidatura.Stato.DA_ESAMINARE
