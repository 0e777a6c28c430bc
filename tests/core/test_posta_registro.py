"""core.posta and core.tasks: every message recorded with its status, retried when it fails."""

import datetime
import email as email_lib
import smtplib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as Locmem
from post_office.models import STATUS, Email

from core import posta
from core.tasks import invia_posta_in_coda

ROMA = ZoneInfo("Europe/Rome")
ADESSO = datetime.datetime(2027, 3, 10, 9, 0, tzinfo=ROMA)


class BackendGuasto(Locmem):
    """A mail server that refuses every message while `guasto` is on."""

    guasto = True

    def send_messages(self, messages):
        if BackendGuasto.guasto:
            raise smtplib.SMTPServerDisconnected("Connessione chiusa dal server")
        return super().send_messages(messages)


@pytest.fixture
def server_guasto(settings):
    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": f"{__name__}.BackendGuasto"},
        "MAX_RETRIES": 2,
        "RETRY_INTERVAL": datetime.timedelta(minutes=10),
    }
    BackendGuasto.guasto = True
    yield BackendGuasto
    BackendGuasto.guasto = False


def _con_invito(destinatario="a@example.org"):
    messaggio = posta.messaggio("Convocazione", "Testo", destinatario, rispondi_a="up@example.org")
    ics = "BEGIN:VCALENDAR\r\nSUMMARY:Assemblea à Crema\r\nEND:VCALENDAR\r\n".encode()
    messaggio.attach(posta.allegato_ics(ics, nome_file="convocazione.ics"))
    return messaggio


def _calendario(inviato):
    grezzo = email_lib.message_from_bytes(inviato.message().as_bytes())
    (parte,) = [p for p in grezzo.walk() if p.get_content_type() == "text/calendar"]
    return parte


def test_ogni_messaggio_registrato_come_inviato_con_il_suo_ambito(db, mailoutbox):
    assert posta.invia([_con_invito("a@example.org"), _con_invito("b@example.org")], ambito_id=7)
    registrati = Email.objects.order_by("pk")
    assert [(e.to, e.status, e.context["ambito"]) for e in registrati] == [
        (["a@example.org"], STATUS.sent, 7),
        (["b@example.org"], STATUS.sent, 7),
    ]
    assert [m.to for m in mailoutbox] == [["a@example.org"], ["b@example.org"]]
    # The tag stays in the record: nothing of it reaches the recipient.
    assert "ambito" not in mailoutbox[0].message().as_string().lower()


def test_l_invito_ics_arriva_intatto(db, mailoutbox):
    posta.invia([_con_invito()])
    parte = _calendario(mailoutbox[0])
    assert parte.get_param("method") == "REQUEST"
    assert parte.get_filename() == "convocazione.ics"
    assert "SUMMARY:Assemblea à Crema" in parte.get_payload(decode=True).decode()
    assert mailoutbox[0].message()["Reply-To"] == "up@example.org"


def test_per_ambito_etichetta_chi_invia_senza_saperlo(db, mailoutbox):
    with posta.per_ambito(3, "convocazione"):
        posta.invia([posta.messaggio("O", "C", "a@example.org")])
    posta.invia([posta.messaggio("O", "C", "b@example.org")])
    assert Email.objects.get(to="a@example.org").context == {"ambito": 3, "tipo": "convocazione"}
    assert Email.objects.get(to="b@example.org").context is None


def test_un_invio_non_riuscito_e_registrato_e_poi_ritentato(db, mailoutbox, server_guasto):
    with time_machine.travel(ADESSO, tick=False):
        assert posta.invia([_con_invito()], ambito_id=1) == 0
    email = Email.objects.get()
    assert email.status == STATUS.failed
    assert "Connessione chiusa dal server" in email.logs.get(status=STATUS.failed).message
    assert mailoutbox == []

    # Before the retry interval nothing is tried again.
    with time_machine.travel(ADESSO + datetime.timedelta(minutes=5), tick=False):
        invia_posta_in_coda()
    email.refresh_from_db()
    assert email.status == STATUS.failed

    # The server is back: the periodic job sends it, with its calendar.
    server_guasto.guasto = False
    with time_machine.travel(ADESSO + datetime.timedelta(minutes=11), tick=False):
        assert invia_posta_in_coda() == 1
    email.refresh_from_db()
    assert email.status == STATUS.sent
    assert email.number_of_retries == 1
    assert "SUMMARY:Assemblea" in _calendario(mailoutbox[0]).get_payload(decode=True).decode()

    # A second run sends nothing again.
    with time_machine.travel(ADESSO + datetime.timedelta(minutes=30), tick=False):
        assert invia_posta_in_coda() == 0
    assert len(mailoutbox) == 1


def test_i_tentativi_hanno_un_limite(db, mailoutbox, server_guasto):
    with time_machine.travel(ADESSO, tick=False):
        posta.invia([posta.messaggio("O", "C", "a@example.org")])
    for minuti in range(11, 200, 11):
        with time_machine.travel(ADESSO + datetime.timedelta(minutes=minuti), tick=False):
            invia_posta_in_coda()
    email = Email.objects.get()
    assert email.status == STATUS.failed
    assert email.number_of_retries == 2
    assert mailoutbox == []


def test_riprova_subito(db, mailoutbox, server_guasto):
    posta.invia([posta.messaggio("O", "C", "a@example.org")])
    email = Email.objects.get()
    server_guasto.guasto = False
    assert posta.riprova(email.pk).status == STATUS.sent
    assert len(mailoutbox) == 1
    # Not failed any more: a second click sends nothing.
    assert posta.riprova(email.pk) is None
    assert len(mailoutbox) == 1


def test_un_server_irraggiungibile_registra_tutto_non_riuscito(db, mailoutbox, monkeypatch):
    class Chiuso(Locmem):
        def open(self):
            raise ConnectionRefusedError("Connessione rifiutata")

    monkeypatch.setattr(posta, "connessione", lambda: Chiuso())
    assert posta.invia([posta.messaggio("O", "C", f"{n}@example.org") for n in range(2)]) == 0
    assert list(Email.objects.values_list("status", flat=True)) == [STATUS.failed] * 2
    assert Email.objects.filter(logs__message="Connessione rifiutata").count() == 2


def test_la_posta_di_django_passa_dal_registro(db, settings):
    """Django's own messages (password reset, errors) are recorded too (EMAIL_BACKEND)."""
    from django.core.mail import send_mail

    settings.EMAIL_BACKEND = "post_office.EmailBackend"
    mail.outbox = []
    send_mail("Recupero password", "Testo", None, ["a@example.org"])
    assert Email.objects.get().status == STATUS.sent
    assert len(mail.outbox) == 1


def test_un_invio_interrotto_torna_in_coda(db, mailoutbox):
    """The process died between recording and sending: after an hour the message is sent."""
    with time_machine.travel(ADESSO, tick=False):
        email = posta._registra(posta.messaggio("O", "C", "a@example.org"), None)
    assert email.status is None
    with time_machine.travel(ADESSO + datetime.timedelta(minutes=30), tick=False):
        assert invia_posta_in_coda() == 0
    with time_machine.travel(ADESSO + datetime.timedelta(minutes=61), tick=False):
        assert invia_posta_in_coda() == 1
    email.refresh_from_db()
    assert email.status == STATUS.sent
    assert [m.to for m in mailoutbox] == [["a@example.org"]]
