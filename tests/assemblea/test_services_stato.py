"""What the state of a session guards holds when the state changes after the page was loaded:
the session is opened or closed between the view's read and its write, and the service,
reading it again under its lock, refuses with the message the page shows."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from ambiti.models import Comune
from assemblea import services, views_sedute, views_voto
from assemblea.models import Delega, Presenza, PuntoOdg, Qualita, RegolaVoto, Seduta, Votazione
from core.flusso import OperazioneNonAmmessa
from tests.utils.concorrenza import Bloccante, dopo_la_lettura

ROMA = ZoneInfo("Europe/Rome")
Stato = Seduta.Stato


@pytest.fixture
def seduta(cremasco, ufficio_piano_crema):
    return Seduta.objects.create(
        ambito=cremasco,
        titolo="Approvazione del Piano di Zona",
        modalita=Seduta.Modalita.MISTA,
        luogo="Sala degli Ostaggi, Crema",
        link_online="https://meet.example.org/assemblea",
        prima_convocazione=datetime.datetime(2026, 3, 10, 17, 30, tzinfo=ROMA),
        convocata_da=ufficio_piano_crema,
    )


@pytest.fixture
def up(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    return client


@pytest.fixture
def regola(cremasco, ufficio_piano_crema):
    return services.nuova_regola(RegolaVoto(ambito=cremasco), utente=ufficio_piano_crema)


def _url(nome, seduta, **kwargs):
    return reverse(f"assemblea:{nome}", kwargs={"slug": "cremasco", "pk": seduta.pk} | kwargs)


def _messaggi(risposta):
    return [str(m) for m in risposta.context["messages"]]


def _passa_a(stato):
    return lambda seduta: Seduta.objects.filter(pk=seduta.pk).update(stato=stato)


def _aperta_dopo(monkeypatch, modulo=views_sedute, nome="get_seduta_for_manager"):
    dopo_la_lettura(monkeypatch, modulo, nome, _passa_a(Stato.APERTA))


def _chiusa_dopo(monkeypatch, modulo=views_sedute, nome="get_seduta_for_manager"):
    dopo_la_lettura(monkeypatch, modulo, nome, _passa_a(Stato.CHIUSA))


def _pandino():
    return Comune.objects.get(nome="Pandino")


# --- Data and agenda: only while convened ------------------------------------------------------


def test_modifica_della_seduta_aperta_nel_frattempo(up, seduta, monkeypatch):
    _aperta_dopo(monkeypatch)
    risposta = up.post(
        _url("seduta-modifica", seduta),
        {
            "titolo": "Titolo nuovo",
            "modalita": "mista",
            "luogo": "Sala degli Ostaggi, Crema",
            "link_online": "https://meet.example.org/assemblea",
            "prima_convocazione": "2026-03-10T17:30",
        },
        follow=True,
    )
    assert _messaggi(risposta) == ["La seduta è già stata aperta: i suoi dati non si modificano."]
    seduta.refresh_from_db()
    assert (seduta.titolo, seduta.stato) == ("Approvazione del Piano di Zona", Stato.APERTA)


def test_la_modifica_non_cancella_una_convocazione_inviata_nel_frattempo(seduta, cremasco):
    from assemblea.forms import SedutaForm

    letta = Seduta.objects.get(pk=seduta.pk)
    inviata = timezone.now()
    Seduta.objects.filter(pk=seduta.pk).update(inviti_inviati_il=inviata)
    form = SedutaForm(
        {
            "titolo": "Titolo nuovo",
            "modalita": "mista",
            "luogo": "Sala degli Ostaggi, Crema",
            "link_online": "https://meet.example.org/assemblea",
            "prima_convocazione": "2026-03-10T17:30",
        },
        instance=letta,
        ambito=cremasco,
    )
    assert form.is_valid(), form.errors
    assert services.modifica_seduta(form).inviti_inviati_il == inviata
    seduta.refresh_from_db()
    assert (seduta.titolo, seduta.inviti_inviati_il) == ("Titolo nuovo", inviata)


def test_punto_aggiunto_a_seduta_aperta_nel_frattempo(up, seduta, monkeypatch):
    _aperta_dopo(monkeypatch)
    risposta = up.post(
        _url("punto-aggiungi", seduta), {"ordine": "1", "titolo": "Varie"}, follow=True
    )
    assert _messaggi(risposta) == [
        "La seduta è già stata aperta: l'ordine del giorno non cambia più."
    ]
    assert not PuntoOdg.objects.exists()


def test_punto_eliminato_da_seduta_aperta_nel_frattempo(up, seduta, monkeypatch):
    punto = PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Comunicazioni")
    _aperta_dopo(monkeypatch)
    risposta = up.post(_url("punto-elimina", seduta, punto=punto.pk), follow=True)
    assert _messaggi(risposta) == [
        "La seduta è già stata aperta: l'ordine del giorno non cambia più."
    ]
    assert PuntoOdg.objects.filter(pk=punto.pk).exists()


def test_convocazione_di_seduta_aperta_nel_frattempo(up, seduta, monkeypatch):
    PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Comunicazioni")
    _aperta_dopo(monkeypatch)
    risposta = up.post(_url("seduta-convoca", seduta), follow=True)
    assert _messaggi(risposta) == [
        "La seduta è già stata aperta: la convocazione non si invia più."
    ]
    seduta.refresh_from_db()
    assert seduta.inviti_inviati_il is None


# --- Delegations and presences: until closed ---------------------------------------------------


def test_delega_registrata_a_seduta_chiusa_nel_frattempo(up, seduta, delegato_pandino, monkeypatch):
    _chiusa_dopo(monkeypatch)
    risposta = up.post(
        _url("deleghe", seduta),
        {"comune": _pandino().pk, "delegato": delegato_pandino.pk, "atto": "decreto n. 5"},
        follow=True,
    )
    assert _messaggi(risposta) == ["La seduta è chiusa: le deleghe non cambiano più."]
    assert not Delega.objects.exists()


def test_delega_eliminata_da_seduta_chiusa_nel_frattempo(up, seduta, delegato_pandino, monkeypatch):
    delega = Delega.objects.create(
        seduta=seduta, comune=_pandino(), delegato=delegato_pandino, atto="decreto"
    )
    _chiusa_dopo(monkeypatch)
    risposta = up.post(_url("deleghe", seduta), {"elimina": delega.pk}, follow=True)
    assert _messaggi(risposta) == ["La seduta è chiusa: le deleghe non cambiano più."]
    assert Delega.objects.filter(pk=delega.pk).exists()


def test_presenza_registrata_a_seduta_chiusa_nel_frattempo(up, seduta, monkeypatch):
    Seduta.objects.filter(pk=seduta.pk).update(stato=Stato.APERTA)
    _chiusa_dopo(monkeypatch)
    risposta = up.post(
        _url("presenze", seduta),
        {
            "comuni": [_pandino().pk],
            f"qualita_{_pandino().pk}": Qualita.SINDACO,
            f"persona_{_pandino().pk}": "Mario Rossi",
        },
        headers={"HX-Request": "true"},
    )
    assert "La seduta è chiusa: le presenze non cambiano più." in risposta.content.decode()
    assert not Presenza.objects.exists()


def test_uscita_segnata_a_seduta_chiusa_nel_frattempo(up, seduta, monkeypatch):
    Seduta.objects.filter(pk=seduta.pk).update(stato=Stato.APERTA)
    presenza = Presenza.objects.create(
        seduta=seduta, comune=_pandino(), persona="Mario Rossi", qualita=Qualita.SINDACO
    )
    _chiusa_dopo(monkeypatch)
    risposta = up.post(
        _url("presenza-uscita", seduta, comune=_pandino().pk), headers={"HX-Request": "true"}
    )
    assert risposta.status_code == 409
    assert risposta.content.decode() == "La seduta è chiusa: le presenze non cambiano più."
    presenza.refresh_from_db()
    assert presenza.uscita_il is None


def test_checkin_a_seduta_chiusa_nel_frattempo(client, seduta, sindaco_crema, monkeypatch):
    Seduta.objects.filter(pk=seduta.pk).update(stato=Stato.APERTA)
    client.force_login(sindaco_crema)
    _chiusa_dopo(monkeypatch, nome="get_seduta_for_reader")
    risposta = client.post(_url("checkin", seduta), headers={"HX-Request": "true"})
    assert risposta.status_code == 409
    assert risposta.content.decode() == "La seduta è chiusa: le presenze non cambiano più."
    assert not Presenza.objects.exists()


# --- The vote of an item: prepared only while the session is open ------------------------------


def test_votazione_preparata_a_seduta_chiusa_nel_frattempo(up, seduta, regola, monkeypatch):
    Seduta.objects.filter(pk=seduta.pk).update(stato=Stato.APERTA)
    punto = PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Approvazione")
    _chiusa_dopo(monkeypatch, modulo=views_voto)
    risposta = up.post(_url("votazione-crea", seduta, punto=punto.pk), follow=True)
    assert _messaggi(risposta) == ["La votazione si prepara a seduta aperta."]
    assert not Votazione.objects.exists()


def test_votazione_preparata_nel_frattempo_da_altri(seduta, regola):
    Seduta.objects.filter(pk=seduta.pk).update(stato=Stato.APERTA)
    punto = PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Approvazione")
    punto.seduta.ambito = seduta.ambito
    letto = PuntoOdg.objects.get(pk=punto.pk)
    letto.seduta = punto.seduta
    Votazione.objects.create(punto=punto, regola=regola)
    with pytest.raises(services.VotazioneGiaPreparata, match="già stata preparata"):
        services.prepara_votazione(letto)
    assert Votazione.objects.count() == 1


# --- On PostgreSQL: the services wait for the session's lock -----------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_la_presenza_aspetta_la_chiusura_in_corso(seduta):
    Seduta.objects.filter(pk=seduta.pk).update(stato=Stato.APERTA)
    letta = Seduta.objects.get(pk=seduta.pk)
    rappresentanza = services.Rappresentanza(_pandino(), Qualita.SINDACO, "Mario Rossi")
    chiusura = Bloccante(lambda: Seduta.objects.filter(pk=seduta.pk).update(stato=Stato.CHIUSA))
    with chiusura:
        chiusura.rilascia_tra(0.3)
        with pytest.raises(OperazioneNonAmmessa, match="presenze non cambiano più"):
            services.registra_presenza(
                letta, rappresentanza, utente=None, via="segreteria", registrata_da=None
            )
    assert not Presenza.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_l_eliminazione_del_punto_aspetta_l_apertura_in_corso(seduta):
    punto = PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Comunicazioni")
    letta = Seduta.objects.get(pk=seduta.pk)
    apertura = Bloccante(lambda: Seduta.objects.filter(pk=seduta.pk).update(stato=Stato.APERTA))
    with apertura:
        apertura.rilascia_tra(0.3)
        with pytest.raises(OperazioneNonAmmessa, match="ordine del giorno non cambia più"):
            services.elimina_punto(letta, punto)
    assert PuntoOdg.objects.filter(pk=punto.pk).exists()
