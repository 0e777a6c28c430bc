"""The Ufficio di Piano decides what of the tables reaches the public pages: a table, a meeting,
approved minutes. Nobody else may, and minutes that are not approved are never published."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from core.flusso import OperazioneNonAmmessa
from tavoli import services
from tavoli.forms import TavoloForm
from tavoli.models import Incontro, Membro, Tavolo
from tests.factories import IncontroFactory, TavoloFactory

pytestmark = pytest.mark.django_db

Stato = Incontro.Stato


@pytest.fixture
def tavolo(cremasco, operatore_crema, ente_crema):
    tavolo = TavoloFactory(ambito=cremasco, titolo="Disabilità", operatori=[operatore_crema])
    Membro.objects.create(tavolo=tavolo, ente=ente_crema.ruoli.get().ente)
    return tavolo


@pytest.fixture
def approvato(tavolo):
    return IncontroFactory(
        tavolo=tavolo,
        verbale="Testo approvato",
        testo_approvato="Testo approvato",
        stato=Stato.APPROVATO,
    )


def _client(utente):
    client = Client()
    client.force_login(utente)
    return client


def _url(nome, tavolo, incontro=None):
    args = [tavolo.ambito.slug, tavolo.pk] + ([incontro.pk] if incontro else [])
    return reverse(f"tavoli:{nome}", args=args)


def test_l_ufficio_di_piano_pubblica_e_ritira_il_tavolo(tavolo, ufficio_piano_crema):
    client = _client(ufficio_piano_crema)
    pagina = client.get(_url("dettaglio", tavolo)).content.decode()
    assert "Pubblica il tavolo" in pagina

    risposta = client.post(_url("pubblica-tavolo", tavolo), {"pubblico": "1"})
    assert risposta.status_code == 302
    tavolo.refresh_from_db()
    assert tavolo.pubblico
    pagina = client.get(_url("dettaglio", tavolo)).content.decode()
    assert "Togli dalle pagine pubbliche" in pagina

    client.post(_url("pubblica-tavolo", tavolo), {"pubblico": "0"})
    tavolo.refresh_from_db()
    assert not tavolo.pubblico


def test_una_richiesta_senza_scelta_non_cambia_nulla(tavolo, ufficio_piano_crema):
    risposta = _client(ufficio_piano_crema).post(_url("pubblica-tavolo", tavolo), {"pubblico": "x"})
    assert risposta.status_code == 400
    tavolo.refresh_from_db()
    assert not tavolo.pubblico


def test_l_ufficio_di_piano_pubblica_incontro_e_verbale_approvato(approvato, ufficio_piano_crema):
    client = _client(ufficio_piano_crema)
    tavolo = approvato.tavolo
    pagina = client.get(_url("incontro", tavolo, approvato)).content.decode()
    assert "Pubblica l'incontro" in pagina
    assert "Pubblica il verbale" in pagina

    client.post(_url("pubblica-incontro", tavolo, approvato), {"pubblico": "1"})
    client.post(_url("pubblica-verbale", tavolo, approvato), {"pubblico": "1"})
    approvato.refresh_from_db()
    assert approvato.pubblico and approvato.verbale_pubblico
    pagina = client.get(_url("incontro", tavolo, approvato)).content.decode()
    assert "Ritira il verbale" in pagina

    client.post(_url("pubblica-verbale", tavolo, approvato), {"pubblico": "0"})
    approvato.refresh_from_db()
    assert not approvato.verbale_pubblico


@pytest.mark.parametrize("stato", [Stato.BOZZA, Stato.IN_REVISIONE])
def test_un_verbale_non_approvato_non_si_pubblica(tavolo, ufficio_piano_crema, stato):
    incontro = IncontroFactory(tavolo=tavolo, verbale="Bozza", stato=stato)
    client = _client(ufficio_piano_crema)
    pagina = client.get(_url("incontro", tavolo, incontro)).content.decode()
    assert "Pubblica il verbale" not in pagina

    risposta = client.post(
        _url("pubblica-verbale", tavolo, incontro), {"pubblico": "1"}, follow=True
    )
    assert "Si pubblica solo un verbale approvato." in risposta.content.decode()
    incontro.refresh_from_db()
    assert not incontro.verbale_pubblico


def test_il_database_rifiuta_un_verbale_pubblico_non_approvato(tavolo):
    with pytest.raises(IntegrityError), transaction.atomic():
        IncontroFactory(tavolo=tavolo, stato=Stato.BOZZA, verbale_pubblico=True)


def test_una_nuova_revisione_ritira_il_verbale(approvato, ufficio_piano_crema):
    services.pubblica_verbale(incontro=approvato, pubblico=True, utente=ufficio_piano_crema)
    services.apri_nuova_revisione(incontro=approvato, utente=ufficio_piano_crema)
    approvato.refresh_from_db()
    assert approvato.stato == Stato.BOZZA
    assert not approvato.verbale_pubblico
    with pytest.raises(OperazioneNonAmmessa):
        services.pubblica_verbale(incontro=approvato, pubblico=True, utente=ufficio_piano_crema)


def test_il_servizio_controlla_chi_pubblica(approvato, operatore_crema):
    with pytest.raises(PermissionDenied):
        services.pubblica_verbale(incontro=approvato, pubblico=True, utente=operatore_crema)
    with pytest.raises(PermissionDenied):
        services.pubblica_tavolo(tavolo=approvato.tavolo, pubblico=True, utente=operatore_crema)
    approvato.refresh_from_db()
    assert not approvato.verbale_pubblico


def test_modificare_il_tavolo_non_annulla_la_pubblicazione(tavolo, ufficio_piano_crema):
    # The form's copy was read before the switch: saving it keeps the table public.
    letto = Tavolo.objects.get(pk=tavolo.pk)
    Tavolo.objects.filter(pk=tavolo.pk).update(pubblico=True)
    form = TavoloForm({"titolo": "Disabilità e lavoro"}, instance=letto, ambito=tavolo.ambito)
    assert form.is_valid(), form.errors
    services.aggiorna_tavolo(form=form)
    tavolo.refresh_from_db()
    assert tavolo.pubblico


@pytest.mark.parametrize(
    ("chi", "codice"),
    [("operatore_crema", 403), ("ente_crema", 403), ("ufficio_piano_cremona", 404)],
)
def test_altri_ruoli_non_pubblicano(request, approvato, chi, codice):
    client = _client(request.getfixturevalue(chi))
    tavolo = approvato.tavolo
    for nome, incontro in [
        ("pubblica-tavolo", None),
        ("pubblica-incontro", approvato),
        ("pubblica-verbale", approvato),
    ]:
        risposta = client.post(_url(nome, tavolo, incontro), {"pubblico": "1"})
        assert risposta.status_code == codice, (nome, risposta.status_code)
    approvato.refresh_from_db()
    tavolo.refresh_from_db()
    assert not (tavolo.pubblico or approvato.pubblico or approvato.verbale_pubblico)


def test_chi_non_pubblica_non_vede_i_pulsanti(approvato, operatore_crema):
    client = _client(operatore_crema)
    tavolo = approvato.tavolo
    assert "Pubblica il tavolo" not in client.get(_url("dettaglio", tavolo)).content.decode()
    pagina = client.get(_url("incontro", tavolo, approvato)).content.decode()
    assert "Pubblica il verbale" not in pagina
    assert 'data-testid="pubblicazione-incontro"' not in pagina
