"""The periodic jobs without celery beat: `manage.py promemoria` and the runserver's thread."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command

from pdz import promemoria
from tavoli.models import Membro
from tests.factories import IncontroFactory, TavoloFactory, UserFactory

ROMA = ZoneInfo("Europe/Rome")


def test_il_comando_esegue_ogni_lavoro_una_volta(cremasco, settings, mailoutbox):
    tavolo = TavoloFactory(ambito=cremasco)
    Membro.objects.create(tavolo=tavolo, nome="Anna", utente=UserFactory(username="anna"))
    inizio = datetime.datetime(2027, 4, 8, 17, 0, tzinfo=ROMA)
    IncontroFactory(tavolo=tavolo, inizio=inizio, fine=inizio + datetime.timedelta(hours=1))
    uscita = StringIO()
    with time_machine.travel(datetime.datetime(2027, 4, 7, 12, 0, tzinfo=ROMA), tick=False):
        call_command("promemoria", stdout=uscita)
        call_command("promemoria", stdout=StringIO())
    for nome in settings.CELERY_BEAT_SCHEDULE:
        assert f"{nome}:" in uscita.getvalue()
    assert "promemoria-incontri: 1" in uscita.getvalue()
    assert [m.to for m in mailoutbox] == [["anna@example.org"]]


def test_un_lavoro_che_fallisce_non_ferma_gli_altri(db, settings, monkeypatch):
    settings.CELERY_BEAT_SCHEDULE = {
        "rotto": {"task": "modulo.che.non.esiste", "schedule": 60},
        "battito": {"task": "core.tasks.battito", "schedule": 60},
    }
    assert promemoria.esegui_tutti() == {"rotto": None, "battito": "battito"}


def test_il_thread_parte_solo_con_runserver_in_modalita_incorporata(settings, monkeypatch):
    avviati = []
    monkeypatch.setattr(promemoria, "avvia_in_processo", lambda: avviati.append(1) or object())
    monkeypatch.setenv("RUN_MAIN", "true")
    settings.PDZ_PROMEMORIA_IN_PROCESSO = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert promemoria.avvia_se_runserver(["manage.py", "runserver"])
    assert not promemoria.avvia_se_runserver(["manage.py", "migrate"])
    assert not promemoria.avvia_se_runserver(["celery", "-A", "pdz", "worker"])
    # With a broker, celery beat runs them.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert not promemoria.avvia_se_runserver(["manage.py", "runserver"])
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PDZ_PROMEMORIA_IN_PROCESSO = False
    assert not promemoria.avvia_se_runserver(["manage.py", "runserver"])
    # The autoreloader's parent process does not serve: only its child starts the thread.
    settings.PDZ_PROMEMORIA_IN_PROCESSO = True
    monkeypatch.delenv("RUN_MAIN")
    assert not promemoria.avvia_se_runserver(["manage.py", "runserver"])
    assert promemoria.avvia_se_runserver(["manage.py", "runserver", "--noreload"])
    assert len(avviati) == 2


def test_il_thread_esegue_i_lavori_nello_sfondo(monkeypatch):
    eseguiti = []
    monkeypatch.setattr(promemoria, "in_sfondo", lambda funzione: eseguiti.append(funzione))

    class Fermo:
        """Stops the loop at its third turn, without waiting."""

        giri = 0

        def wait(self, intervallo):
            Fermo.giri += 1
            return Fermo.giri > 2

    promemoria._ciclo(300, Fermo())
    assert eseguiti == [promemoria.esegui_tutti, promemoria.esegui_tutti]
