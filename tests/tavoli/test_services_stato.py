"""What the state of the minutes guards holds when it changes after the page was loaded: the
minutes are approved (or sent back to draft) between the view's read and its write, and the
service, reading the meeting again under its lock, refuses."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.flusso import OperazioneNonAmmessa
from tavoli import services, views_incontri
from tavoli.models import Allegato, BozzaLocale, Commento, Esito, Incontro, Membro, Presenza
from tests.factories import IncontroFactory, TavoloFactory
from tests.utils.concorrenza import Bloccante, dopo_la_lettura

Stato = Incontro.Stato
HTMX = {"HX-Request": "true"}
BLOCCATO = "Il verbale è approvato: per modificarlo apri una nuova revisione."


@pytest.fixture
def incontro(cremasco, operatore_crema):
    tavolo = TavoloFactory(ambito=cremasco, titolo="Anziani", operatori=[operatore_crema])
    return IncontroFactory(tavolo=tavolo, titolo="Primo incontro", verbale="Presenti sei enti.")


@pytest.fixture
def operatore(client, operatore_crema):
    client.force_login(operatore_crema)
    return client


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _url(nome, incontro, **extra):
    kwargs = {"slug": "cremasco", "pk": incontro.tavolo_id, "ipk": incontro.pk}
    return reverse(f"tavoli:{nome}", kwargs=kwargs | extra)


def _passa_a(stato):
    return lambda incontro: Incontro.objects.filter(pk=incontro.pk).update(stato=stato)


def _approvato_dopo(monkeypatch, nome="get_incontro_for_editor"):
    dopo_la_lettura(monkeypatch, views_incontri, nome, _passa_a(Stato.APPROVATO))


def test_dati_dell_incontro_cambiati_dopo_l_approvazione(operatore, incontro, monkeypatch):
    _approvato_dopo(monkeypatch)
    risposta = operatore.post(
        _url("incontro-modifica", incontro),
        {
            "titolo": "Titolo nuovo",
            "inizio": "2025-10-14T17:30",
            "fine": "2025-10-14T19:00",
            "luogo": "Sala consiliare, Crema",
        },
    )
    assert (risposta.status_code, risposta.content.decode()) == (409, BLOCCATO)
    incontro.refresh_from_db()
    assert incontro.titolo == "Primo incontro"


def test_l_aggiornamento_dell_incontro_non_riscrive_il_verbale(incontro):
    letto = Incontro.objects.get(pk=incontro.pk)
    Incontro.objects.filter(pk=incontro.pk).update(verbale="Scritto nel frattempo", versione=2)
    letto.titolo = "Titolo nuovo"
    services.aggiorna_incontro(incontro=letto, invia_inviti=False)
    incontro.refresh_from_db()
    assert (incontro.titolo, incontro.verbale, incontro.versione) == (
        "Titolo nuovo",
        "Scritto nel frattempo",
        2,
    )


def test_presenze_dopo_l_approvazione(operatore, incontro, iscrizione_crema, monkeypatch):
    membro = Membro.objects.create(tavolo=incontro.tavolo, ente=iscrizione_crema.ente)
    _approvato_dopo(monkeypatch)
    risposta = operatore.post(
        _url("presenze", incontro),
        {f"presente_{membro.pk}": "on", f"partecipanti_{membro.pk}": "2"},
        headers=HTMX,
    )
    assert (risposta.status_code, risposta.content.decode()) == (409, BLOCCATO)
    assert not Presenza.objects.exists()


def test_esito_aggiunto_dopo_l_approvazione(operatore, incontro, monkeypatch):
    _approvato_dopo(monkeypatch)
    risposta = operatore.post(
        _url("esito-nuovo", incontro, tipo="bisogno"),
        {"bisogno-tipo": "bisogno", "bisogno-testo": "Solitudine"},
        headers=HTMX,
    )
    assert (risposta.status_code, risposta.content.decode()) == (409, BLOCCATO)
    assert not Esito.objects.exists()


def test_esito_eliminato_dopo_l_approvazione(operatore, incontro, monkeypatch):
    esito = Esito.objects.create(incontro=incontro, tipo=Esito.Tipo.BISOGNO, testo="Solitudine")
    _approvato_dopo(monkeypatch)
    risposta = operatore.post(_url("esito-elimina", incontro, epk=esito.pk), follow=True)
    assert [str(m) for m in risposta.context["messages"]] == [BLOCCATO]
    assert Esito.objects.filter(pk=esito.pk).exists()


def test_proposta_valutata_dopo_la_lettura_non_si_elimina(incontro, ufficio_piano_crema):
    letta = Esito.objects.create(incontro=incontro, tipo=Esito.Tipo.PROPOSTA, testo="Un centro")
    Esito.objects.filter(pk=letta.pk).update(valutazione=Esito.Valutazione.ACCOLTA)
    with pytest.raises(OperazioneNonAmmessa, match="già stata valutata"):
        services.elimina_esito(incontro=incontro, esito=letta)
    assert Esito.objects.filter(pk=letta.pk).exists()


def test_allegato_dopo_l_approvazione(operatore, incontro, media, monkeypatch):
    _approvato_dopo(monkeypatch)
    risposta = operatore.post(
        _url("allegato-nuovo", incontro),
        {"file": SimpleUploadedFile("nota.pdf", b"%PDF-1.4 prova")},
        headers=HTMX,
    )
    assert (risposta.status_code, risposta.content.decode()) == (409, BLOCCATO)
    assert not Allegato.objects.exists()


def test_bozza_locale_dopo_l_approvazione(operatore, incontro, monkeypatch):
    _approvato_dopo(monkeypatch)
    risposta = operatore.post(
        _url("verbale-bozza", incontro), {"testo": "Ancora una riga", "versione": 1}
    )
    assert risposta.status_code == 409
    assert risposta.json() == {"errore": "Il verbale è approvato e bloccato."}
    assert not BozzaLocale.objects.exists()


def test_commento_al_verbale_tornato_in_bozza(client, incontro, operatore_crema, monkeypatch):
    Incontro.objects.filter(pk=incontro.pk).update(stato=Stato.IN_REVISIONE)
    client.force_login(operatore_crema)
    dopo_la_lettura(monkeypatch, views_incontri, "get_incontro_for_reader", _passa_a(Stato.BOZZA))
    risposta = client.post(_url("commento-nuovo", incontro), {"testo": "Manca un ente."})
    assert risposta.status_code == 409
    assert risposta.content.decode() == "Si commenta solo un verbale in revisione."
    assert not Commento.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_l_esito_aspetta_l_approvazione_in_corso(cremasco, operatore_crema):
    tavolo = TavoloFactory(ambito=cremasco, titolo="Anziani", operatori=[operatore_crema])
    incontro = IncontroFactory(tavolo=tavolo, verbale="Presenti sei enti.")
    letto = Incontro.objects.get(pk=incontro.pk)
    approvazione = Bloccante(
        lambda: Incontro.objects.filter(pk=incontro.pk).update(stato=Stato.APPROVATO)
    )
    with approvazione:
        approvazione.rilascia_tra(0.3)
        with pytest.raises(OperazioneNonAmmessa, match="approvato"):
            services.aggiungi_esito(
                incontro=letto,
                esito=Esito(tipo=Esito.Tipo.BISOGNO, testo="Solitudine"),
                utente=operatore_crema,
            )
    assert not Esito.objects.exists()
