"""The ambito's e-mail log: who sees it, what it shows, filters, "Riprova", constant queries."""

import datetime
import smtplib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as Locmem
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from post_office.models import STATUS, Email

from core import posta

ROMA = ZoneInfo("Europe/Rome")
PERSONE = {
    "ufficio_piano_crema": 200,
    "amministratore": 200,
    "ufficio_piano_cremona": 404,
    "sindaco_crema": 403,
    "operatore_crema": 403,
    "ente_crema": 403,
    "senza_ruolo": 404,
}


class Rifiuta(Locmem):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"Casella inesistente")})


def _url(ambito, **query):
    url = reverse("ambiti:email", kwargs={"slug": ambito.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _riprova(ambito, email):
    return reverse("ambiti:email-riprova", kwargs={"slug": ambito.slug, "pk": email.pk})


@pytest.fixture
def posta_inviata(cremasco, cremonese, settings):
    with time_machine.travel(datetime.datetime(2027, 2, 1, 9, 0, tzinfo=ROMA), tick=False):
        posta.invia(
            [posta.messaggio("Convocazione dell'Assemblea", "Testo", "sindaco@example.org")],
            ambito_id=cremasco.pk,
        )
    settings.POST_OFFICE = {**settings.POST_OFFICE, "BACKENDS": {"default": f"{__name__}.Rifiuta"}}
    with time_machine.travel(datetime.datetime(2027, 2, 3, 9, 0, tzinfo=ROMA), tick=False):
        posta.invia(
            [posta.messaggio("Invito al tavolo", "Testo", "x@example.org")], ambito_id=cremasco.pk
        )
        posta.invia(
            [posta.messaggio("Segreto di Cremona", "Testo", "c@example.org")],
            ambito_id=cremonese.pk,
        )
    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": "django.core.mail.backends.locmem.EmailBackend"},
    }
    mail.outbox.clear()
    return {e.subject: e for e in Email.objects.all()}


@pytest.mark.parametrize(("persona", "atteso"), PERSONE.items())
def test_chi_vede_il_registro(client, cremasco, posta_inviata, persona, atteso, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(cremasco)).status_code == atteso


def test_anonimo_va_all_accesso(client, cremasco):
    risposta = client.get(_url(cremasco))
    assert risposta.status_code == 302
    assert reverse("accounts:login") in risposta["Location"]


def test_mostra_i_messaggi_dell_ambito_con_stato_ed_errore(
    client, cremasco, posta_inviata, ufficio_piano_crema
):
    client.force_login(ufficio_piano_crema)
    testo = client.get(_url(cremasco)).content.decode()
    assert "sindaco@example.org" in testo
    assert "Convocazione dell&#x27;Assemblea" in testo
    assert 'data-stato="inviata"' in testo
    assert 'data-stato="non_riuscita"' in testo
    assert "Casella inesistente" in testo
    assert "Riprova" in testo
    # Another ambito's messages are not there.
    assert "Segreto di Cremona" not in testo


@pytest.mark.parametrize(
    ("query", "attesi"),
    [
        ({"stato": "inviata"}, ["Convocazione"]),
        ({"stato": "non_riuscita"}, ["Invito al tavolo"]),
        ({"testo": "sindaco@"}, ["Convocazione"]),
        ({"testo": "invito"}, ["Invito al tavolo"]),
        ({"dal": "2027-02-02"}, ["Invito al tavolo"]),
        ({"al": "2027-02-01"}, ["Convocazione"]),
        ({"stato": "in_coda"}, []),
    ],
)
def test_filtri(client, cremasco, posta_inviata, ufficio_piano_crema, query, attesi):
    client.force_login(ufficio_piano_crema)
    testo = client.get(_url(cremasco, **query)).content.decode()
    for oggetto in ["Convocazione", "Invito al tavolo"]:
        assert (oggetto in testo) == (oggetto in attesi), (query, oggetto)


def test_filtro_non_valido_errore_accanto_al_campo(
    client, cremasco, posta_inviata, ufficio_piano_crema
):
    client.force_login(ufficio_piano_crema)
    risposta = client.get(_url(cremasco, dal="ieri"))
    assert risposta.status_code == 200
    assert "Inserisci una data valida" in risposta.content.decode()


def test_riprova_invia_e_segna_inviata(
    client, cremasco, posta_inviata, ufficio_piano_crema, mailoutbox
):
    client.force_login(ufficio_piano_crema)
    fallita = posta_inviata["Invito al tavolo"]
    risposta = client.post(_riprova(cremasco, fallita))
    assert risposta.status_code == 302
    fallita.refresh_from_db()
    assert fallita.status == STATUS.sent
    assert [m.to for m in mailoutbox] == [["x@example.org"]]


@pytest.mark.parametrize(
    ("persona", "atteso"), [("sindaco_crema", 403), ("ufficio_piano_cremona", 404)]
)
def test_riprova_rifiutato(client, cremasco, posta_inviata, persona, atteso, request, mailoutbox):
    client.force_login(request.getfixturevalue(persona))
    fallita = posta_inviata["Invito al tavolo"]
    assert client.post(_riprova(cremasco, fallita)).status_code == atteso
    fallita.refresh_from_db()
    assert fallita.status == STATUS.failed
    assert mailoutbox == []


def test_riprova_di_un_messaggio_di_un_altro_ambito(
    client, cremasco, posta_inviata, ufficio_piano_crema, mailoutbox
):
    client.force_login(ufficio_piano_crema)
    altrui = posta_inviata["Segreto di Cremona"]
    assert client.post(_riprova(cremasco, altrui)).status_code == 404
    altrui.refresh_from_db()
    assert altrui.status == STATUS.failed
    assert mailoutbox == []


def test_metodi_sbagliati(client, cremasco, posta_inviata, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    assert client.post(_url(cremasco)).status_code == 405
    assert client.get(_riprova(cremasco, posta_inviata["Invito al tavolo"])).status_code == 405


def test_query_costanti(client, cremasco, ufficio_piano_crema, settings):
    client.force_login(ufficio_piano_crema)

    def conta():
        with CaptureQueriesContext(connection) as query:
            assert client.get(_url(cremasco)).status_code == 200
        return len(query)

    posta.invia([posta.messaggio("O", "C", "a@example.org")], ambito_id=cremasco.pk)
    poche = conta()
    settings.POST_OFFICE = {**settings.POST_OFFICE, "BACKENDS": {"default": f"{__name__}.Rifiuta"}}
    posta.invia(
        [posta.messaggio("O", "C", f"{n}@example.org") for n in range(30)], ambito_id=cremasco.pk
    )
    assert conta() == poche


def test_nel_menu_per_l_ufficio_di_piano(client, cremasco, ufficio_piano_crema, sindaco_crema):
    client.force_login(ufficio_piano_crema)
    pagina = reverse("cruscotto", kwargs={"slug": cremasco.slug})
    assert _url(cremasco) in client.get(pagina).content.decode()
    client.force_login(sindaco_crema)
    assert _url(cremasco) not in client.get(pagina).content.decode()
