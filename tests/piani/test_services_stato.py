"""What the state of the plan guards holds when it changes after the page was loaded: the plan
is frozen for the Assemblea between the view's read and its write, and the service, reading it
again under its lock, refuses."""

import pytest
from django.urls import reverse

from ambiti.demo import carica_periodo
from core.flusso import OperazioneNonAmmessa
from piani import services, views
from piani.models import CommentoSezione, Piano, Sezione
from tests.utils.concorrenza import Bloccante, dopo_la_lettura

Stato = Piano.Stato
CONGELATO = "Il piano è congelato per l'Assemblea: crea una nuova bozza per modificarlo."


@pytest.fixture
def piano(cremasco, ufficio_piano_crema):
    return services.crea_piano(
        ambito=cremasco, periodo=carica_periodo(), utente=ufficio_piano_crema
    )


@pytest.fixture
def up(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    return client


def _url(nome, piano, **kwargs):
    return reverse(f"piani:{nome}", kwargs={"slug": "cremasco", "pk": piano.pk} | kwargs)


def _messaggi(risposta):
    return [str(m) for m in risposta.context["messages"]]


def _passa_a(stato):
    return lambda piano: Piano.objects.filter(pk=piano.pk).update(stato=stato)


def _congelato_dopo(monkeypatch, nome="get_piano_for_editor"):
    dopo_la_lettura(monkeypatch, views, nome, _passa_a(Stato.PER_ASSEMBLEA))


def _ordine(piano):
    return list(piano.sezioni.order_by("ordine").values_list("pk", flat=True))


def test_sezione_aggiunta_a_piano_congelato_nel_frattempo(up, piano, monkeypatch):
    prima = _ordine(piano)
    _congelato_dopo(monkeypatch)
    risposta = up.post(
        _url("sezione-aggiungi", piano), {"titolo": "Nuova", "blocco": ""}, follow=True
    )
    assert _messaggi(risposta) == [CONGELATO]
    assert _ordine(piano) == prima


def test_sezione_spostata_in_piano_congelato_nel_frattempo(up, piano, monkeypatch):
    prima = _ordine(piano)
    _congelato_dopo(monkeypatch)
    risposta = up.post(_url("sezione-sposta", piano, spk=prima[1], verso="su"), follow=True)
    assert _messaggi(risposta) == [CONGELATO]
    assert _ordine(piano) == prima


def test_sezione_eliminata_da_piano_congelato_nel_frattempo(up, piano, monkeypatch):
    prima = _ordine(piano)
    _congelato_dopo(monkeypatch)
    risposta = up.post(_url("sezione-elimina", piano, spk=prima[-1]), follow=True)
    assert _messaggi(risposta) == [CONGELATO]
    assert _ordine(piano) == prima


@pytest.fixture
def in_revisione(piano):
    Piano.objects.filter(pk=piano.pk).update(stato=Stato.IN_REVISIONE)
    return piano


def test_commento_del_sindaco_a_revisione_finita_nel_frattempo(
    client, in_revisione, sindaco_crema, monkeypatch
):
    sezione = in_revisione.sezioni.first()
    client.force_login(sindaco_crema)
    dopo_la_lettura(monkeypatch, views, "get_piano_for_reader", _passa_a(Stato.PER_ASSEMBLEA))
    risposta = client.post(
        _url("commenti", in_revisione, spk=sezione.pk), {"testo": "Manca un ente."}, follow=True
    )
    assert _messaggi(risposta) == ["Il piano non è più in revisione: i commenti sono chiusi."]
    assert not CommentoSezione.objects.exists()


def test_commento_risolto_dal_sindaco_a_revisione_finita_nel_frattempo(
    client, in_revisione, sindaco_crema, monkeypatch
):
    sezione = in_revisione.sezioni.first()
    commento = CommentoSezione.objects.create(
        sezione=sezione, autore=sindaco_crema, testo="Manca il trasporto sociale."
    )
    client.force_login(sindaco_crema)
    dopo_la_lettura(monkeypatch, views, "get_piano_for_reader", _passa_a(Stato.PER_ASSEMBLEA))
    risposta = client.post(
        _url("commento-risolvi", in_revisione, spk=sezione.pk, cpk=commento.pk), follow=True
    )
    assert _messaggi(risposta) == ["Il piano non è più in revisione: i commenti sono chiusi."]
    commento.refresh_from_db()
    assert not commento.risolto


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_l_eliminazione_della_sezione_aspetta_il_congelamento_in_corso(
    cremasco, ufficio_piano_crema
):
    piano = services.crea_piano(
        ambito=cremasco, periodo=carica_periodo(), utente=ufficio_piano_crema
    )
    sezione = piano.sezioni.order_by("ordine").last()
    congelamento = Bloccante(
        lambda: Piano.objects.filter(pk=piano.pk).update(stato=Stato.PER_ASSEMBLEA)
    )
    with congelamento:
        congelamento.rilascia_tra(0.3)
        with pytest.raises(OperazioneNonAmmessa, match="congelato"):
            services.elimina_sezione(sezione=sezione)
    assert Sezione.objects.filter(pk=sezione.pk).exists()


# --- The review opened to the participating enti -------------------------------------------


def test_la_revisione_si_apre_agli_enti_solo_con_il_piano_in_revisione(piano, ufficio_piano_crema):
    for azione in (services.apri_revisione_enti, services.chiudi_revisione_enti):
        with pytest.raises(OperazioneNonAmmessa):
            azione(piano=piano, utente=ufficio_piano_crema)
    services.invia_in_revisione(piano=piano, utente=ufficio_piano_crema)
    with pytest.raises(OperazioneNonAmmessa, match="già chiusa"):
        services.chiudi_revisione_enti(piano=piano, utente=ufficio_piano_crema)
    assert services.apri_revisione_enti(
        piano=piano, utente=ufficio_piano_crema
    ).revisione_enti_aperta
    with pytest.raises(OperazioneNonAmmessa, match="già aperta"):
        services.apri_revisione_enti(piano=piano, utente=ufficio_piano_crema)
    assert not services.chiudi_revisione_enti(
        piano=piano, utente=ufficio_piano_crema
    ).revisione_enti_aperta


def test_la_revisione_degli_enti_finisce_con_la_revisione(piano, ufficio_piano_crema):
    """Back to draft and sent again for review: the enti's review is closed until reopened."""
    services.invia_in_revisione(piano=piano, utente=ufficio_piano_crema)
    services.apri_revisione_enti(piano=piano, utente=ufficio_piano_crema)
    services.riporta_in_bozza(piano=piano, utente=ufficio_piano_crema)
    services.invia_in_revisione(piano=piano, utente=ufficio_piano_crema)
    piano.refresh_from_db()
    assert (piano.stato, piano.revisione_enti_aperta) == (Stato.IN_REVISIONE, False)


def test_il_commento_dell_ente_dopo_la_chiusura_della_revisione_e_rifiutato(
    client, piano, ufficio_piano_crema, ente_crema, monkeypatch
):
    """The Ufficio closes the enti's review between the ente's page load and her comment: the
    service, reading the plan again under its lock, refuses it."""
    from piani import views_sezioni

    services.invia_in_revisione(piano=piano, utente=ufficio_piano_crema)
    services.apri_revisione_enti(piano=piano, utente=ufficio_piano_crema)
    chiudi = lambda p: Piano.objects.filter(pk=p.pk).update(revisione_enti_aperta=False)  # noqa: E731
    dopo_la_lettura(monkeypatch, views_sezioni, "richiedi_commentatore", lambda r: chiudi(r[1]))
    client.force_login(ente_crema)
    sezione = piano.sezioni.first()
    risposta = client.post(
        _url("commenti", piano, spk=sezione.pk), {"testo": "Osservazione dell'ente"}, follow=True
    )
    assert "i commenti sono chiusi" in " ".join(_messaggi(risposta))
    assert not CommentoSezione.objects.filter(autore=ente_crema).exists()


def test_l_ufficio_apre_e_chiude_la_revisione_agli_enti_dalla_pagina(
    up, piano, ufficio_piano_crema
):
    services.invia_in_revisione(piano=piano, utente=ufficio_piano_crema)
    pagina = up.get(_url("dettaglio", piano)).content.decode()
    assert _url("transizione", piano, azione="apri-enti") in pagina
    up.post(_url("transizione", piano, azione="apri-enti"))
    piano.refresh_from_db()
    assert piano.revisione_enti_aperta
    pagina = up.get(_url("dettaglio", piano)).content.decode()
    assert _url("transizione", piano, azione="chiudi-enti") in pagina
    up.post(_url("transizione", piano, azione="chiudi-enti"))
    piano.refresh_from_db()
    assert not piano.revisione_enti_aperta
