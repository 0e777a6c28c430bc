"""Beyond one machine (issue 16): two web instances and two workers on one PostgreSQL and Redis.

The module starts, once for its three tests, what two machines behind a load balancer run:
`gunicorn -c gunicorn.conf.py pdz.wsgi:application` twice (two ports) and `celery -A pdz worker`
twice (nodes a@ and b@), all on production settings (pdz.settings, DEBUG off, the manifest's
static files collected once into their own STATIC_ROOT), on this run's test database and Redis
database, with one MEDIA_ROOT folder both machines mount (DJANGO_MEDIA_ROOT). Then:

1. the Ufficio di Piano asks for the plan's PDF on instance A and watches and downloads it on
   instance B with the same session: the same bytes whichever instance serves them;
2. every sindaco of the 123 comuni votes at the same moment, half through A and half through B,
   then changes his vote through the other one: one ballot per comune, its last choice, one log
   entry per accepted call;
3. the worker rendering a PDF dies with its machine (SIGKILL to its whole process group): the
   other worker renders it, once, when Redis gives the unacknowledged message back.

Redis gives a message back to the queue once it has been out unacknowledged for the broker's
visibility timeout (15 minutes in production); this module sets CELERY_VISIBILITY_TIMEOUT to
VISIBILITA seconds for its processes, so that test 3 waits seconds and not a quarter of an hour.

PostgreSQL and Redis only (marks worker and postgres): on SQLite the test database lives in this
process, where no other process can reach it.
"""

import hashlib
import io
import os
import re
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pypdf
import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Ruolo
from ambiti.demo import carica_periodo
from ambiti.models import AreaPolicy, Comune
from assemblea import services as assemblea
from assemblea.models import EventoVoto, PuntoOdg, RegolaVoto, Scelta, Seduta, Votazione, Voto
from pdz.celery import app as celery_app
from pdz.demo import CHIAVE_TOTP_DEMO
from piani import services as piani
from piani.models import RenderPDF
from tests.conftest import PASSWORD
from tests.factories import AzioneFactory, ObiettivoFactory, RuoloFactory, UserFactory
from tests.utils.processi import (
    GUNICORN,
    WORKER,
    Processo,
    RegistriNeiFallimenti,
    ambiente_produzione,
    attendi,
    ferma_tutti,
    porta_libera,
    statici_raccolti,
    url_database,
)
from tests_production.client import Browser, Cookie, parse_page

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    # The first test starts the stack: collectstatic (when its sources changed: minutes of CPU
    # on a busy machine) and four processes loading Django. A hung process still fails it.
    pytest.mark.timeout(600),
]

Stato = RenderPDF.Stato
# Seconds a message may stay unacknowledged before Redis gives it to another worker: longer than
# any rendering here takes (else a live worker's job would be handed to the other one too).
VISIBILITA = 15
AVVIO_MASSIMO = 120
ATTESA_PDF = 60
LOGIN = "/account/accesso/"
RIUSCITO = re.compile(r"Task piani\.tasks\.rendi_pdf_piano\[[\w-]+\] succeeded")


# --- The stack ------------------------------------------------------------------------------------


@dataclass
class Pila:
    web_a: Processo
    web_b: Processo
    worker_a: Processo
    worker_b: Processo
    url_a: str
    url_b: str
    secret_key: str
    media: Path

    @property
    def processi(self):
        return [self.web_a, self.web_b, self.worker_a, self.worker_b]

    @property
    def workers(self):
        return [self.worker_a, self.worker_b]


def _svuota_broker():
    """No message of an earlier run, waiting or taken by a worker that died, is delivered."""
    celery_app.control.purge()
    with celery_app.connection_for_write() as conn:
        canale = conn.default_channel
        canale.client.delete(canale.unacked_key, canale.unacked_index_key)


def _non_confermati() -> int:
    with celery_app.connection_for_write() as conn:
        canale = conn.default_channel
        return canale.client.hlen(canale.unacked_key)


def _in_coda() -> int:
    with celery_app.connection_for_write() as conn:
        return conn.default_channel.client.llen("celery")


@pytest.fixture(scope="module")
def pila(request, tmp_path_factory):
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.fail(
            "Le repliche richiedono PostgreSQL e Redis (DATABASE_URL=postgres://… "
            f"REDIS_URL=redis://…): il database è {connection.vendor}, Redis "
            f"{settings.REDIS_URL or 'assente'}. Sulla SQLite si escludono con -m 'not worker'."
        )
    cartella = tmp_path_factory.mktemp("repliche")
    segreto = secrets.token_urlsafe(50)
    base = {
        "redis_url": settings.REDIS_URL,
        "secret_key": segreto,
        "cartella": cartella,
    }
    # collectstatic while pytest-django creates the test database (when it has not yet).
    raccolta = ThreadPoolExecutor(max_workers=1).submit(
        statici_raccolti,
        ambiente_produzione(database_url="sqlite:///:memory:", **base),
        cartella,
    )
    request.getfixturevalue("django_db_setup")
    ambiente = ambiente_produzione(
        database_url=url_database(connection.settings_dict),
        **base,
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITA),
        WEB_CONCURRENCY="2",
    )
    _svuota_broker()
    avviati: list[Processo] = []
    registri = RegistriNeiFallimenti(avviati)
    request.config.pluginmanager.register(registri)
    try:
        # Distinct node names: the broker and the logs tell the two machines apart.
        for lettera in "ab":
            nodo = f"{lettera}-{os.getpid()}@%h"
            avviati.append(
                Processo.avvia(
                    f"worker-{lettera}",
                    [
                        *WORKER,
                        "--concurrency=1",
                        "-n",
                        nodo,
                        "--without-mingle",
                        "--without-gossip",
                    ],
                    ambiente,
                    cartella,
                )
            )
        statici = raccolta.result(timeout=600)
        porte = [porta_libera()]
        while len(porte) < 2:
            porte = list(dict.fromkeys([*porte, porta_libera()]))
        for lettera, porta in zip("ab", porte, strict=True):
            avviati.append(
                Processo.avvia(
                    f"web-{lettera}",
                    GUNICORN,
                    ambiente
                    | {
                        "DJANGO_STATIC_ROOT": str(statici),
                        "GUNICORN_BIND": f"127.0.0.1:{porta}",
                        # Each machine has its own; on one machine they would share the default.
                        "GUNICORN_CMD_ARGS": f"--control-socket {cartella / f'web-{lettera}.ctl'}",
                    },
                    cartella,
                )
            )
        worker_a, worker_b, web_a, web_b = avviati
        risultato = Pila(
            web_a=web_a,
            web_b=web_b,
            worker_a=worker_a,
            worker_b=worker_b,
            url_a=f"http://127.0.0.1:{porte[0]}",
            url_b=f"http://127.0.0.1:{porte[1]}",
            secret_key=segreto,
            media=cartella / "media",
        )

        def pronti():
            for url in (risultato.url_a, risultato.url_b):
                try:
                    risposta = Browser(url, forwarded_proto=None).request("GET", "/salute/")
                except OSError:
                    return False
                if risposta.status != 200:
                    return False
            return all(" ready." in worker.testo() for worker in risultato.workers)

        attendi(pronti, timeout=AVVIO_MASSIMO, descrizione="la pila non è pronta", processi=avviati)
        yield risultato
    finally:
        ferma_tutti(avviati)
        request.config.pluginmanager.unregister(registri)
        _svuota_broker()


@pytest.fixture
def stack_pulita(pila, settings):
    """Each test starts with an empty broker; the files both machines write are theirs."""
    _svuota_broker()
    settings.MEDIA_ROOT = pila.media
    return pila


# --- People and the plan -------------------------------------------------------------------------


def _ufficio_di_piano(ambito, username):
    """An Ufficio di Piano user who signs in with her password and her authenticator app (the
    demo's key, which the test's client types the codes of), as production asks of her."""
    user = UserFactory(username=username)
    # The production instances know no MD5 (the test settings' fast hasher).
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    RuoloFactory(user=user, tipo=Ruolo.Tipo.UFFICIO_PIANO, ambito=ambito)
    TOTPDevice.objects.create(user=user, name="App", key=CHIAVE_TOTP_DEMO, confirmed=True)
    return user


def _accedi(url, username) -> Browser:
    """Through the login form, as a person would: its CSRF token, the POST, the code."""
    browser = Browser(url)
    pagina = browser.get(LOGIN)[-1]
    assert pagina.status == 200, pagina.text()[:2000]
    (modulo,) = [f for f in parse_page(pagina.text()).forms if f.method == "post"]
    catena = browser.post(LOGIN, {**modulo.inputs, "username": username, "password": PASSWORD})
    assert catena[0].status == 302, f"{username}: accesso rifiutato ({catena[0].status})"
    assert catena[-1].status == 200 and "/account/" not in catena[-1].url, catena[-1].url
    return browser


def _stessa_sessione(browser: Browser, url: str) -> Browser:
    """The same person's browser on the other instance: the load balancer sent her there."""
    altro = Browser(url)
    altro.cookies = dict(browser.cookies)
    return altro


def _piano(ambito, utente, *, obiettivi=4, paragrafi=0):
    piano = piani.crea_piano(ambito=ambito, periodo=carica_periodo(), utente=utente)
    aree = list(AreaPolicy.objects.filter(periodo=piano.periodo).order_by("ordine"))
    for numero in range(1, obiettivi + 1):
        obiettivo = ObiettivoFactory(
            ambito=ambito,
            codice=f"{numero}.1",
            titolo=f"Obiettivo {numero}: servizi per le famiglie del territorio",
            aree=[aree[numero % len(aree)]],
        )
        AzioneFactory(obiettivo=obiettivo, descrizione=f"Azione dell'obiettivo {numero}")
    if paragrafi:
        testo = "".join(
            f"<h3>Analisi {n}</h3><p>{'Il bisogno rilevato dai tavoli tematici. ' * 40}</p>"
            for n in range(paragrafi)
        )
        piano.sezioni.filter(blocco="").update(testo=testo)
    return piano


def _chiedi_pdf(browser: Browser, piano) -> str:
    """«Genera PDF» on the plan's page; returns the status page it sends to."""
    pagina = browser.get(
        reverse("piani:dettaglio", kwargs={"slug": piano.ambito.slug, "pk": piano.pk})
    )[-1]
    assert pagina.status == 200, pagina.text()[:2000]
    (modulo,) = [f for f in parse_page(pagina.text()).forms if f.action.endswith("/pdf/genera/")]
    risposta = browser.post(modulo.action, modulo.inputs, follow=False)[0]
    assert risposta.status == 302, risposta.text()[:2000]
    return browser.same_origin_path(modulo.action, risposta.headers["Location"])


def _stato_pdf(browser: Browser, url_stato: str):
    pagina = browser.get(url_stato)
    assert len(pagina) == 1 and pagina[0].status == 200, [(p.url, p.status) for p in pagina]
    return re.search(r'data-stato="(\w+)"', pagina[0].text()).group(1), pagina[0]


def _attendi_pdf(browser, url_stato, pila, *, timeout=ATTESA_PDF):
    def finito():
        stato, pagina = _stato_pdf(browser, url_stato)
        return (stato, pagina) if stato not in ("in_coda", "in_corso") else None

    stato, pagina = attendi(
        finito,
        timeout=timeout,
        descrizione="il PDF non è pronto",
        processi=pila.processi,
        intervallo=0.5,
    )
    assert stato == "completato", stato
    (scarica,) = [link for link in parse_page(pagina.text()).links if link.endswith("/scarica/")]
    return browser.same_origin_path(url_stato, scarica)


def _scarica(browser, url) -> bytes:
    risposta = browser.get(url)[-1]
    assert risposta.status == 200
    assert risposta.content_type == "application/pdf"
    assert risposta.body.startswith(b"%PDF")
    return risposta.body


# --- 1. A PDF asked on one instance, downloaded from the other ----------------------------------


def test_il_pdf_chiesto_su_una_istanza_si_scarica_dall_altra(stack_pulita, cremasco):
    pila = stack_pulita
    up = _ufficio_di_piano(cremasco, "up_repliche_pdf")
    piano = _piano(cremasco, up)

    su_a = _accedi(pila.url_a, up.username)
    url_stato = _chiedi_pdf(su_a, piano)
    # The same session cookie on B: the session is in the database, not in A's memory.
    su_b = _stessa_sessione(su_a, pila.url_b)
    url_scarica = _attendi_pdf(su_b, url_stato, pila)

    da_b = _scarica(su_b, url_scarica)
    da_a = _scarica(su_a, url_scarica)
    assert da_a == da_b
    render = RenderPDF.objects.get(piano=piano)
    assert (render.stato, render.tentativi) == (Stato.COMPLETATO, 1)
    assert hashlib.sha256(da_b).hexdigest() == render.sha256_pdf
    assert (pila.media / render.file.name).read_bytes() == da_b
    assert len(pypdf.PdfReader(io.BytesIO(da_b)).pages) == render.pagine


# --- 2. A vote burst over both instances ----------------------------------------------------------

REGOLE = {
    "cremonese": {"peso": RegolaVoto.Peso.UNO},
    "cremasco": {
        "peso": RegolaVoto.Peso.POPOLAZIONE,
        "quorum": RegolaVoto.Misura.ENTRAMBE,
        "misura_maggioranza": RegolaVoto.Misura.POPOLAZIONE,
    },
    "oglio-po": {"peso": RegolaVoto.Peso.POPOLAZIONE, "scrutinio": RegolaVoto.Scrutinio.SEGRETO},
}
SCELTE = [Scelta.FAVOREVOLE, Scelta.CONTRARIO, Scelta.ASTENUTO]


@dataclass
class Elettore:
    comune: Comune
    votazione: Votazione
    url_voto: str
    url_pagina: str
    sessione: str
    scelte: tuple[str, str]
    # Where he votes first (0: A, 1: B); he changes his vote on the other instance.
    istanza: int
    # The ballot form's CSRF token and the cookie it goes with, from the vote's page.
    token: str = ""
    csrf: str = ""


def _prepara_votazioni(territorio, pila, settings):
    """Rules, an open session, an item and an open vote per ambito; a sindaco per comune, signed
    in: his session made here with the instances' secret key, as their login would make it
    (123 password logins would spend most of the test hashing passwords)."""
    settings.SECRET_KEY = pila.secret_key
    elettori = []
    numero = 0
    for slug, campi in REGOLE.items():
        ambito = territorio[slug]
        up = UserFactory(username=f"up_voto_{slug}")
        RuoloFactory(user=up, tipo=Ruolo.Tipo.UFFICIO_PIANO, ambito=ambito)
        regola = assemblea.nuova_regola(RegolaVoto(ambito=ambito, **campi), utente=up)
        seduta = Seduta.objects.create(
            ambito=ambito,
            titolo=f"Assemblea {ambito.nome}",
            modalita=Seduta.Modalita.ONLINE,
            link_online="https://riunioni.example.org/assemblea",
            prima_convocazione=timezone.now() - timedelta(minutes=10),
        )
        seduta = assemblea.apri_seduta(seduta, utente=up, convocazione=Seduta.Convocazione.PRIMA)
        punto = PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Piano di Zona")
        votazione = assemblea.apri_votazione(
            Votazione.objects.create(punto=punto, regola=regola), utente=up
        )
        kwargs = {"slug": slug, "pk": seduta.pk, "punto": punto.pk}
        for comune in Comune.objects.filter(ambito=ambito).order_by("nome"):
            sindaco = UserFactory(username=f"sindaco_{comune.codice_istat}")
            RuoloFactory(user=sindaco, tipo=Ruolo.Tipo.SINDACO, ambito=ambito, comune=comune)
            client = Client()
            client.force_login(sindaco)
            prima = SCELTE[numero % 3]
            elettori.append(
                Elettore(
                    comune=comune,
                    votazione=votazione,
                    url_voto=reverse("assemblea:vota", kwargs=kwargs),
                    url_pagina=reverse("assemblea:votazione", kwargs=kwargs),
                    sessione=client.cookies[settings.SESSION_COOKIE_NAME].value,
                    scelte=(prima, SCELTE[(numero + 1 + numero // 3 % 2) % 3]),
                    istanza=numero % 2,
                )
            )
            numero += 1
    return elettori


def _browser(pila, elettore, turno) -> Browser:
    url = (pila.url_a, pila.url_b)[(elettore.istanza + turno) % 2]
    browser = Browser(url)
    browser.cookies = {
        settings.SESSION_COOKIE_NAME: Cookie(elettore.sessione, secure=True, httponly=True),
        **({"csrftoken": Cookie(elettore.csrf, True, False)} if elettore.csrf else {}),
    }
    return browser


def _raffica(pila, elettori, turno):
    """Every sindaco posts his ballot at the same moment; the answers, in the voters' order."""
    via = threading.Barrier(len(elettori))

    def vota(elettore):
        browser = _browser(pila, elettore, turno)
        dati = {
            "csrfmiddlewaretoken": elettore.token,
            "scelta": elettore.scelte[turno],
            "comune": elettore.comune.pk,
        }
        via.wait()
        return browser.request("POST", elettore.url_voto, data=dati).status

    with ThreadPoolExecutor(max_workers=len(elettori)) as pool:
        return list(pool.map(vota, elettori))


def test_una_raffica_di_voti_su_due_istanze_non_perde_ne_duplica(
    stack_pulita, territorio, settings
):
    pila = stack_pulita
    elettori = _prepara_votazioni(territorio, pila, settings)
    assert len(elettori) == Comune.objects.count() == 123

    def token(elettore):
        # The vote's page, on the instance he votes on first: its form's CSRF token.
        browser = _browser(pila, elettore, 0)
        pagina = browser.get(elettore.url_pagina)[-1]
        assert pagina.status == 200, pagina.text()[:1000]
        (scheda,) = [f for f in parse_page(pagina.text()).forms if f.action == elettore.url_voto]
        elettore.token = scheda.inputs["csrfmiddlewaretoken"]
        elettore.csrf = browser.cookies["csrftoken"].value

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(token, elettori))

    primi = _raffica(pila, elettori, 0)
    cambi = _raffica(pila, elettori, 1)

    assert primi == [303] * len(elettori)
    assert cambi == [303] * len(elettori)
    votazioni = {e.votazione.pk for e in elettori}
    voti = Voto.objects.filter(votazione__in=votazioni)
    salvati = {(v.votazione_id, v.comune_id): v for v in voti}
    attesi = {(e.votazione.pk, e.comune.pk): e.scelte[1] for e in elettori}
    persi = [k for k, scelta in attesi.items() if k not in salvati or salvati[k].scelta != scelta]
    doppi = voti.values("votazione", "comune").annotate(n=Count("pk")).filter(n__gt=1)
    assert (len(persi), doppi.count(), len(salvati)) == (0, 0, len(elettori))
    assert {v.modifiche for v in salvati.values()} == {1}
    # One log entry per accepted call, the last of each comune with the receipt it holds.
    eventi = EventoVoto.objects.filter(votazione__in=votazioni).order_by("registrato_il", "pk")
    assert eventi.count() == len(primi) + len(cambi)
    ultimi = {(e.votazione_id, e.comune_id): e.ricevuta for e in eventi}
    assert ultimi == {k: v.ricevuta for k, v in salvati.items()}


# --- 3. A worker killed mid-render ---------------------------------------------------------------


def test_un_worker_ucciso_a_meta_lascia_finire_l_altro(stack_pulita, cremasco):
    pila = stack_pulita
    up = _ufficio_di_piano(cremasco, "up_repliche_worker")
    # Big enough that the rendering takes seconds, time to kill its worker in the middle.
    piano = _piano(cremasco, up, obiettivi=8, paragrafi=10)
    inizio_registri = {w.nome: w.lunghezza() for w in pila.workers}

    su_a = _accedi(pila.url_a, up.username)
    url_stato = _chiedi_pdf(su_a, piano)
    render = RenderPDF.objects.get(piano=piano)

    def preso():
        render.refresh_from_db()
        return render.stato == Stato.IN_CORSO

    attendi(preso, timeout=ATTESA_PDF, descrizione="nessun worker ha preso il PDF", intervallo=0.05)
    (chi,) = [w for w in pila.workers if "rendi_pdf_piano" in w.testo(inizio_registri[w.nome])]
    altro = pila.worker_b if chi is pila.worker_a else pila.worker_a
    chi.uccidi()

    render.refresh_from_db()
    assert (render.stato, render.tentativi) == (Stato.IN_CORSO, 1), "finito prima di morire"
    # Taken, never acknowledged (acks_late): Redis still holds it as delivered.
    assert _non_confermati() == 1

    # The Ufficio di Piano watches from B; the page says it is still being made until it is.
    su_b = _stessa_sessione(su_a, pila.url_b)
    url_scarica = _attendi_pdf(su_b, url_stato, pila, timeout=VISIBILITA * 3)
    pdf = _scarica(su_b, url_scarica)

    render.refresh_from_db()
    assert (render.stato, render.tentativi) == (Stato.COMPLETATO, 2)
    assert hashlib.sha256(pdf).hexdigest() == render.sha256_pdf
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == render.pagine
    # Finished by the other worker, once, and nothing left in the broker to run it again.
    assert len(RIUSCITO.findall(altro.testo(inizio_registri[altro.nome]))) == 1
    assert not RIUSCITO.findall(chi.testo(inizio_registri[chi.nome]))
    assert (_non_confermati(), _in_coda()) == (0, 0)
    # One file for this rendering, no temporary one left by the worker that died.
    finale = pila.media / render.file.name
    assert sorted(p.name for p in finale.parent.glob(f"*{finale.name}*")) == [finale.name]
