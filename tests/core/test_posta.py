"""core.posta: what the e-mails of every app share."""

import datetime
from zoneinfo import ZoneInfo

from django.core import mail
from django.utils import translation

from core import posta


def test_base_url(settings):
    settings.PDZ_BASE_URL = ""
    assert posta.base_url() == "http://127.0.0.1:8000"
    settings.PDZ_BASE_URL = "https://pdz.example.org/"
    assert posta.base_url() == "https://pdz.example.org"
    assert posta.base_url("https://altro.example.org/") == "https://altro.example.org"


def test_indirizzi_unici():
    indirizzi = [" Mario@Example.org", "", None, "anna@example.org", "mario@example.org "]
    assert posta.indirizzi_unici(indirizzi) == ["anna@example.org", "Mario@Example.org"]
    assert posta.indirizzi_unici([]) == []


def test_messaggio_a_un_destinatario():
    messaggio = posta.messaggio("Oggetto", "Corpo", "a@example.org", rispondi_a="up@example.org")
    assert messaggio.to == ["a@example.org"]
    assert messaggio.cc == messaggio.bcc == []
    assert messaggio.reply_to == ["up@example.org"]
    assert posta.messaggio("O", "C", "a@example.org").reply_to == []


def test_allegato_ics():
    parte = posta.allegato_ics("BEGIN:VCALENDAR\r\nà\r\n".encode(), nome_file="convocazione.ics")
    assert parte.get_content_type() == "text/calendar"
    assert parte.get_param("method") == "REQUEST"
    assert parte.get_content_charset() == "utf-8"
    assert parte.get_filename() == "convocazione.ics"
    assert parte["Content-Disposition"] == 'attachment; filename="convocazione.ics"'
    # One charset parameter, not two (what Django's attach() with a mimetype would write).
    assert parte["Content-Type"].count("charset") == 1
    assert parte.get_payload(decode=True).decode() == "BEGIN:VCALENDAR\r\nà\r\n"


def test_invia_su_una_connessione(db, mailoutbox, monkeypatch):
    aperte = []
    originale = posta.get_connection

    def conta(*args, **kwargs):
        aperte.append(1)
        return originale(*args, **kwargs)

    monkeypatch.setattr(posta, "get_connection", conta)
    messaggi = (posta.messaggio("O", "C", f"{n}@example.org") for n in range(3))
    assert posta.invia(messaggi) == 3
    assert len(aperte) == 1
    assert [m.to for m in mail.outbox] == [["0@example.org"], ["1@example.org"], ["2@example.org"]]
    assert posta.invia([]) == 0


def test_giorno_in_italiano_e_a_roma():
    # 23:30 UTC on 13 October is already the 14th in Rome.
    momento = datetime.datetime(2025, 10, 13, 23, 30, tzinfo=ZoneInfo("UTC"))
    with translation.override("it"):
        assert posta.giorno(momento) == "martedì 14 ottobre 2025"
