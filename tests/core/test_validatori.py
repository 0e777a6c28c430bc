"""Titles go into e-mail subjects and calendar events: one line, no control characters."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from assemblea.forms import PuntoForm, SedutaForm
from assemblea.models import Seduta
from core.validatori import in_una_riga, valida_riga_singola
from tavoli import services
from tavoli.models import Incontro, Tavolo
from tavoli.notifiche import invia_inviti, notifica_revisione
from tests.factories import IncontroFactory, MembroFactory, TavoloFactory
from tests.utils.html import testo_visibile as _testo
from tests.utils.html import uno as _uno

ROMA = ZoneInfo("Europe/Rome")
ERRORE = "Il titolo non può contenere a capo o caratteri di controllo."
TITOLI_SPORCHI = [
    "Primo incontro\r\nBcc: tutti@example.org",
    "Primo incontro\nsecondo rigo",
    "Primo\rincontro",
    "Primo\tincontro",
    "Primo\x00incontro",
    "Primo\x1bincontro",
    "Primo\u2028incontro",
    "Primo\x85incontro",
]


@pytest.mark.parametrize("titolo", TITOLI_SPORCHI)
def test_il_validatore_rifiuta_i_caratteri_di_controllo(titolo):
    with pytest.raises(ValidationError) as errore:
        valida_riga_singola(titolo)
    assert errore.value.messages == [ERRORE]


@pytest.mark.parametrize(
    "titolo", ["Anziani e domiciliarità", "Tavolo «Fragilità» — 2°", "Ünïcode ✓"]
)
def test_il_validatore_ammette_una_riga_qualsiasi(titolo):
    valida_riga_singola(titolo)


def test_in_una_riga():
    assert in_una_riga("Invito:\r\n  Primo\x00incontro\u2028fine ") == "Invito: Primo incontro fine"


# --- Tables and meetings, through their pages ---------------------------------------------------


@pytest.fixture
def tavolo(cremasco, operatore_crema, iscrizione_crema):
    tavolo = TavoloFactory(ambito=cremasco, titolo="Fragilità", operatori=[operatore_crema])
    MembroFactory(tavolo=tavolo, ente=iscrizione_crema.ente)
    return tavolo


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _dati_incontro(titolo):
    return {
        "titolo": titolo,
        "inizio": "2025-11-20T17:30",
        "fine": "2025-11-20T19:00",
        "luogo": "Sala consiliare, Crema",
        "link_online": "",
        "ordine_del_giorno": "Presentazioni",
    }


def _errore_del_campo(risposta, campo):
    """The message is on the page, right under the field (crispy's error_1_id_<field>)."""
    assert risposta.context["form"].errors[campo] == [ERRORE]
    assert _testo(_uno(risposta, id=f"error_1_id_{campo}")) == ERRORE


@pytest.mark.parametrize("titolo", TITOLI_SPORCHI[:3])
def test_un_incontro_con_un_a_capo_nel_titolo_e_un_errore_del_modulo(
    tavolo, operatore_crema, mailoutbox, django_capture_on_commit_callbacks, titolo
):
    url = reverse("tavoli:incontro-nuovo", args=[tavolo.ambito.slug, tavolo.pk])
    with django_capture_on_commit_callbacks(execute=True):
        risposta = _client(operatore_crema).post(url, _dati_incontro(titolo))
    assert risposta.status_code == 200
    _errore_del_campo(risposta, "titolo")
    assert not Incontro.objects.exists()
    assert mailoutbox == []


def test_modificare_un_incontro_con_un_a_capo_nel_titolo(
    tavolo, operatore_crema, django_capture_on_commit_callbacks
):
    incontro = IncontroFactory(tavolo=tavolo, titolo="Primo incontro")
    url = reverse("tavoli:incontro-modifica", args=[tavolo.ambito.slug, tavolo.pk, incontro.pk])
    with django_capture_on_commit_callbacks(execute=True):
        risposta = _client(operatore_crema).post(url, _dati_incontro("Primo\r\nincontro"))
    assert risposta.status_code == 200
    _errore_del_campo(risposta, "titolo")
    incontro.refresh_from_db()
    assert incontro.titolo == "Primo incontro"


def test_un_tavolo_con_un_a_capo_nel_titolo(cremasco, ufficio_piano_crema, tavolo):
    client = _client(ufficio_piano_crema)
    risposta = client.post(
        reverse("tavoli:nuovo", args=[cremasco.slug]), {"titolo": "Disabilità\r\nBcc: x@y.z"}
    )
    assert risposta.status_code == 200
    _errore_del_campo(risposta, "titolo")
    risposta = client.post(
        reverse("tavoli:modifica", args=[cremasco.slug, tavolo.pk]), {"titolo": "Fragilità\n2"}
    )
    assert risposta.status_code == 200
    _errore_del_campo(risposta, "titolo")
    assert list(Tavolo.objects.values_list("titolo", flat=True)) == ["Fragilità"]


# --- Defense in depth: a title saved before the rule still goes out --------------------------


def test_un_titolo_gia_salvato_con_un_a_capo_non_ferma_gli_inviti(tavolo, mailoutbox):
    incontro = IncontroFactory(
        tavolo=tavolo,
        titolo="Primo incontro\r\nBcc: tutti@example.org",
        inizio=datetime.datetime(2025, 10, 14, 17, 30, tzinfo=ROMA),
        fine=datetime.datetime(2025, 10, 14, 19, 0, tzinfo=ROMA),
    )
    Tavolo.objects.filter(pk=tavolo.pk).update(titolo="Fragilità\nanziani")
    incontro.refresh_from_db()
    assert invia_inviti(incontro) == 2
    assert notifica_revisione(incontro) == 2
    invito, revisione = mailoutbox[0], mailoutbox[2]
    assert invito.subject == (
        "Invito: Fragilità anziani — Primo incontro Bcc: tutti@example.org, martedì 14 ottobre 2025"
    )
    assert revisione.subject == (
        "Verbale in revisione: Fragilità anziani — Primo incontro Bcc: tutti@example.org"
    )
    for messaggio in mailoutbox:
        assert messaggio.bcc == []
        assert "\n" not in messaggio.message()["Subject"].replace("\n ", "")


def test_l_aggiornamento_di_un_titolo_sporco_parte(
    tavolo, mailoutbox, django_capture_on_commit_callbacks
):
    incontro = IncontroFactory(tavolo=tavolo, titolo="Primo\nincontro")
    with django_capture_on_commit_callbacks(execute=True):
        services.aggiorna_incontro(incontro=incontro)
    assert mailoutbox
    assert {m.subject.split(",")[0] for m in mailoutbox} == {
        "Aggiornamento: Fragilità — Primo incontro"
    }


# --- The Assemblea's sessions and agenda items ---------------------------------------------------


def _dati_seduta(titolo):
    return {
        "titolo": titolo,
        "modalita": Seduta.Modalita.PRESENZA,
        "luogo": "Sala consiliare, Crema",
        "link_online": "",
        "prima_convocazione": "2025-11-20T17:30",
        "seconda_convocazione": "",
    }


def test_una_seduta_con_un_a_capo_nel_titolo(cremasco):
    form = SedutaForm(_dati_seduta("Seduta\r\nBcc: x@y.z"), ambito=cremasco)
    assert form.errors["titolo"] == [ERRORE]
    assert SedutaForm(_dati_seduta("Seduta di novembre"), ambito=cremasco).is_valid()


def test_un_punto_con_un_a_capo_nel_titolo(cremasco):
    seduta = Seduta.objects.create(
        ambito=cremasco,
        titolo="Seduta di novembre",
        modalita=Seduta.Modalita.PRESENZA,
        luogo="Crema",
        prima_convocazione=datetime.datetime(2025, 11, 20, 17, 30, tzinfo=ROMA),
    )
    form = PuntoForm({"ordine": 1, "titolo": "Bilancio\nsociale", "descrizione": ""}, seduta=seduta)
    assert form.errors["titolo"] == [ERRORE]
    form = PuntoForm({"ordine": 1, "titolo": "Bilancio sociale", "descrizione": ""}, seduta=seduta)
    assert form.is_valid(), form.errors


def test_il_calendario_di_un_tavolo_con_un_a_capo_nel_titolo_si_legge(client, tavolo):
    IncontroFactory(tavolo=tavolo, titolo="Primo\r\nincontro")
    Tavolo.objects.filter(pk=tavolo.pk).update(titolo="Fragilità\nanziani")
    risposta = client.get(reverse("calendario:tavolo", args=[tavolo.token_calendario]))
    assert risposta.status_code == 200
    ics = risposta.content.decode()
    assert "X-WR-CALNAME:Fragilità anziani — Cremasco" in ics.replace("\r\n ", "")
    assert "SUMMARY:Fragilità anziani — Primo incontro" in ics.replace("\r\n ", "")
