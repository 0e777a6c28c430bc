"""The production configuration, built on this machine and used as every demo persona.

    make test-production    (or: .venv/bin/python -m pytest tests_production)

What the Dockerfile and docker-compose.yml ship, reproduced without Docker:
1. `collectstatic --noinput` with the manifest storage into a temporary STATIC_ROOT;
2. a dedicated PostgreSQL database, dropped and created again (PDZ_PRODUCTION_DATABASE_URL,
   default postgres://postgres@127.0.0.1:5432/pdz_produzione), `migrate`, `seed_demo`;
3. `gunicorn -c gunicorn.conf.py pdz.wsgi:application` on a free port of 127.0.0.1 and
   `celery -A pdz worker`, with DJANGO_DEBUG=false, a random secret key, and a dedicated Redis
   database, emptied first (PDZ_PRODUCTION_REDIS_URL, default redis://127.0.0.1:6379/14);
4. `celery -A pdz beat`, the periodic jobs' scheduler, with one more job every few seconds
   (PDZ_BEAT_PROVA_SECONDI) that the worker is seen to run.

The security settings stay as in production (redirect to https, Secure cookies, HSTS): the client
plays the TLS proxy, sending `X-Forwarded-Proto: https` and keeping the Secure cookies itself.

Each demo persona logs in through the login form and follows the plain links of its landing page
to depth 2 (GET only, never the logout): no page may answer 5xx. The static files those pages
use, and what their stylesheets load (the fonts), answer 200 with a cache of at least a year.
The Ufficio di Piano asks for the plan's PDF; the worker renders it and it is downloaded.
The figures are printed at the end of the run.
"""

import io
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pypdf
import pytest
import redis

from pdz.demo import ACCOUNT_DEMO, PASSWORD_DEMO

from . import report
from .client import Browser, Form, Response, parse_page

# Building the stack (collectstatic, migrate, seed_demo) runs in the first test: more than the
# suite's 300 s on a busy machine.
pytestmark = [pytest.mark.production, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get(
    "PDZ_PRODUCTION_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pdz_produzione"
)
REDIS_URL = os.environ.get("PDZ_PRODUCTION_REDIS_URL", "redis://127.0.0.1:6379/14")

# The commands of the Dockerfile and docker-compose.yml (test_docker_ships_these_commands).
COLLECTSTATIC = ["python", "manage.py", "collectstatic", "--noinput"]
GUNICORN = ["gunicorn", "-c", "gunicorn.conf.py", "pdz.wsgi:application"]
WORKER = ["celery", "-A", "pdz", "worker", "--loglevel=info"]
WORKER_HEALTHCHECK = ["celery", "-A", "pdz", "inspect", "ping", "--timeout", "5", "--destination"]
BEAT = ["celery", "-A", "pdz", "beat", "--loglevel=info", "--schedule", "/tmp/celerybeat-schedule"]
# Seconds between the runs of the test's own periodic job (core.tasks.battito).
BEAT_TEST_SECONDS = 3
BEAT_TIMEOUT = 30

LOGIN = "/account/accesso/"
PUBBLICO = "/pubblico/"
NOT_FOLLOWED = ("/account/uscita/", "/admin/logout/", "/static/", "/media/")
DEPTH = 2
ONE_YEAR = 365 * 24 * 3600
PDF_TIMEOUT = 120
START_TIMEOUT = 90


def _command(command: list[str]) -> list[str]:
    """The same command with this virtualenv's executables."""
    executable = sys.executable if command[0] == "python" else str(BIN / command[0])
    return [executable, *command[1:]]


# --- The stack --------------------------------------------------------------------------------


@dataclass
class Stack:
    url: str
    env: dict[str, str]
    folder: Path
    worker_name: str

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace")[-6000:] if path.exists() else ""


def _environment(folder: Path, port: int) -> dict[str, str]:
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "GUNICORN_", "PDZ_"))
        and key not in ("DATABASE_URL", "REDIS_URL", "WEB_CONCURRENCY")
    }
    return inherited | {
        "DJANGO_SETTINGS_MODULE": "pdz.settings",
        "DJANGO_READ_DOT_ENV": "0",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # The proxy's address, for when X-Forwarded-* are trusted only from listed proxies.
        "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "PDZ_BEAT_PROVA_SECONDI": str(BEAT_TEST_SECONDS),
    }


def _recreate_database() -> None:
    parts = urllib.parse.urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    assert name.replace("_", "").isalnum(), f"nome di database non valido: {name!r}"
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(command, env, folder, name) -> subprocess.Popen:
    log = (folder / f"{name}.log").open("wb")
    # Its own process group: stopping it stops its children too (gunicorn's and celery's).
    return subprocess.Popen(
        _command(command),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _run(command, env, folder, name, timeout=180) -> None:
    process = _start(command, env, folder, name)
    try:
        code = process.wait(timeout=timeout)
    finally:
        _stop(process)
    assert code == 0, (
        f"{' '.join(command)} non è riuscito:\n"
        + ((folder / f"{name}.log").read_text(errors="replace")[-6000:])
    )


def _stop(process: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
            # The group may outlive its leader for a moment: make sure it is gone.
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            return
        except subprocess.TimeoutExpired:
            continue


def _wait_ready(stack: Stack, processes) -> dict:
    """Readiness answers 200 once gunicorn serves and the worker answers its ping."""
    deadline = time.monotonic() + START_TIMEOUT
    last = None
    while time.monotonic() < deadline:
        for name, process in processes.items():
            if process.poll() is not None:
                pytest.fail(f"{name} si è fermato all'avvio:\n{stack.log(name)}")
        # Plain HTTP, as the container health check calls it: exempt from the https redirect.
        with suppress(OSError):
            last = Browser(stack.url, forwarded_proto=None).request("GET", "/salute/pronto/")
            if last.status == 200:
                return json.loads(last.body)
        time.sleep(0.5)
    pytest.fail(
        f"Il portale non è pronto dopo {START_TIMEOUT} s "
        f"({last.status if last else 'nessuna risposta'}: {last.text() if last else ''})\n"
        f"gunicorn:\n{stack.log('gunicorn')}\nworker:\n{stack.log('worker')}"
    )


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("produzione")
    port = _free_port()
    env = _environment(folder, port)
    started = time.monotonic()
    processes: dict[str, subprocess.Popen] = {}
    try:
        collectstatic = _start(COLLECTSTATIC, env, folder, "collectstatic")
        processes["collectstatic"] = collectstatic
        _recreate_database()
        redis.Redis.from_url(REDIS_URL).flushdb()
        _run(["python", "manage.py", "migrate", "--noinput"], env, folder, "migrate")
        # The demo accounts have a known password: seed_demo asks to be sure in production.
        _run(
            ["python", "manage.py", "seed_demo", "--consenti-in-produzione"],
            env,
            folder,
            "seed_demo",
        )
        processes["worker"] = _start(WORKER, env, folder, "worker")
        # The schedule's state in the run's folder, not in the machine's /tmp.
        beat = [*BEAT[:-1], str(folder / "celerybeat-schedule")]
        processes["beat"] = _start(beat, env, folder, "beat")
        assert collectstatic.wait(timeout=180) == 0, (folder / "collectstatic.log").read_text()
        del processes["collectstatic"]
        assert json.loads((folder / "static" / "staticfiles.json").read_text())["paths"]
        processes["gunicorn"] = _start(GUNICORN, env, folder, "gunicorn")
        result = Stack(f"http://127.0.0.1:{port}", env, folder, f"celery@{socket.gethostname()}")
        readiness = _wait_ready(result, processes)
        report.add(
            f"avvio: collectstatic, migrate, seed_demo, gunicorn, worker e beat in "
            f"{time.monotonic() - started:.0f} s; /salute/pronto/ {readiness}"
        )
        yield result
    finally:
        for process in processes.values():
            _stop(process)


# --- Crawling ---------------------------------------------------------------------------------


@dataclass
class Crawl:
    persona: str
    browser: Browser
    landing: str
    statuses: Counter = field(default_factory=Counter)
    pages: dict[str, int] = field(default_factory=dict)
    server_errors: list[tuple[str, int]] = field(default_factory=list)
    client_errors: list[tuple[str, int]] = field(default_factory=list)
    assets: set[str] = field(default_factory=set)
    forms: list[tuple[str, Form]] = field(default_factory=list)


def log_in(stack: Stack, username: str) -> tuple[Browser, list[Response]]:
    """Through the login form, as a person would: its CSRF token, then the POST."""
    browser = Browser(stack.url)
    form_page = browser.get(LOGIN)[-1]
    assert form_page.status == 200, form_page.text()[:2000]
    (form,) = [f for f in parse_page(form_page.text()).forms if f.method == "post"]
    assert form.inputs.get("csrfmiddlewaretoken")
    chain = browser.post(
        browser.same_origin_path(LOGIN, form.action or LOGIN),
        {**form.inputs, "username": username, "password": PASSWORD_DEMO},
    )
    assert chain[0].status == 302, f"{username}: accesso rifiutato ({chain[0].status})"
    assert browser.cookies["sessionid"].secure and browser.cookies["sessionid"].httponly
    return browser, chain


def _link_target(browser: Browser, page: str, href: str) -> str | None:
    if href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    target = browser.same_origin_path(page, href)
    if target is None or target.startswith(NOT_FOLLOWED):
        return None
    return target


def crawl(stack: Stack, username: str) -> Crawl:
    browser, chain = log_in(stack, username)
    result = Crawl(username, browser, chain[-1].url)
    return explore(result, chain[-1].url, {response.url for response in chain}, DEPTH)


def explore(
    result: Crawl, start: str, seen: set[str], depth_limit: int, prefix: str = "/"
) -> Crawl:
    """Breadth-first from `start` to `depth_limit` links away, following links under `prefix`."""
    browser = result.browser
    level = [start]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for depth in range(depth_limit + 1):
            following = []
            for url, responses in zip(level, pool.map(browser.get, level), strict=True):
                for response in responses:
                    result.statuses[response.status] += 1
                    result.pages[response.url] = response.status
                    if response.status >= 500:
                        result.server_errors.append((response.url, response.status))
                    elif response.status >= 400:
                        result.client_errors.append((response.url, response.status))
                    seen.add(response.url)
                final = responses[-1]
                if not (final.is_html and final.status == 200):
                    continue
                page = parse_page(final.text())
                result.assets |= page.assets
                result.forms.extend((final.url, form) for form in page.forms)
                if depth == depth_limit:
                    continue
                for href in page.links:
                    target = _link_target(browser, final.url or url, href)
                    if target is not None and target.startswith(prefix) and target not in seen:
                        seen.add(target)
                        following.append(target)
            level = following
    return result


@pytest.fixture(scope="module")
def crawls(stack):
    """Each persona crawled once, whichever test asks first."""
    done: dict[str, Crawl] = {}

    def of(username: str) -> Crawl:
        if username not in done:
            done[username] = crawl(stack, username)
        return done[username]

    yield of
    if done:
        pages = stack.folder / "pagine.json"
        pages.write_text(json.dumps({u: c.pages for u, c in done.items()}, indent=1))
        report.add(f"pagine visitate, persona per persona: {pages}")


# --- The tests --------------------------------------------------------------------------------


def test_docker_ships_these_commands():
    """What this module runs is what the image and compose run: keep them in step."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    compose = (ROOT / "docker-compose.yml").read_text()
    assert f"CMD {json.dumps(GUNICORN)}" in dockerfile
    assert " ".join(COLLECTSTATIC) in dockerfile
    assert " ".join(GUNICORN) in compose
    assert f"command: {' '.join(WORKER)}" in compose
    assert " ".join(WORKER_HEALTHCHECK) in compose
    assert f"command: {' '.join(BEAT)}" in compose
    assert "/salute/" in compose


def test_readiness_with_the_real_worker(stack):
    response = Browser(stack.url, forwarded_proto=None).request("GET", "/salute/pronto/")
    assert response.status == 200
    assert json.loads(response.body) == {"database": "ok", "redis": "ok", "worker": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]
    # The worker's container health check, as docker-compose.yml runs it.
    healthcheck = subprocess.run(
        _command([*WORKER_HEALTHCHECK, stack.worker_name]),
        cwd=ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert healthcheck.returncode == 0, healthcheck.stdout + healthcheck.stderr
    assert "pong" in healthcheck.stdout


def test_beat_schedules_and_the_worker_runs_the_periodic_job(stack):
    """celery beat sends the due jobs to the broker, and the worker runs them: the test's own
    job (every few seconds), and the schedule's real jobs are known to beat."""
    started = time.monotonic()
    ran = False
    while time.monotonic() - started < BEAT_TIMEOUT:
        if "Battito del pianificatore" in stack.log("worker"):
            ran = True
            break
        time.sleep(0.5)
    beat = stack.log("beat")
    assert ran, (
        f"il worker non ha eseguito il lavoro periodico\nbeat:\n{beat}\nworker:\n{stack.log('worker')}"
    )
    assert "Sending due task prova-beat (core.tasks.battito)" in beat, beat
    assert re.search(r"Task core\.tasks\.battito\[[\w-]+\] succeeded", stack.log("worker"))
    runs = stack.log("worker").count("Battito del pianificatore")
    report.add(
        f"celery beat: il lavoro periodico di prova (ogni {BEAT_TEST_SECONDS} s) mandato da beat "
        f"ed eseguito dal worker; esecuzioni nel log del worker: {runs}"
    )


def test_login_page_over_the_proxy(stack):
    browser = Browser(stack.url)
    response = browser.request("GET", LOGIN)
    assert response.status == 200, response.text()[:3000] + stack.log("gunicorn")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert browser.cookies["csrftoken"].secure
    # Without the proxy's header the request is plain HTTP: production sends it to https.
    direct = Browser(stack.url, forwarded_proto=None).request("GET", LOGIN)
    assert direct.status == 301
    assert direct.headers["Location"].startswith("https://")


@pytest.mark.parametrize("account", ACCOUNT_DEMO, ids=lambda account: account.username)
def test_every_persona_crawls_without_server_errors(stack, crawls, account):
    result = crawls(account.username)
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(result.statuses.items()))
    report.add(
        f"{account.username:<20} da {result.landing}: {len(result.pages)} pagine ({statuses})"
    )
    for url, status in result.client_errors:
        report.add(f"{'':<20} {status} {url}")
    assert len(result.pages) > 1, f"{account.username}: nessun collegamento dalla pagina iniziale"
    assert not result.server_errors, f"{result.server_errors}\n{stack.log('gunicorn')}"


def test_the_public_pages_without_login(stack):
    """Anyone reads /pubblico/ on the production stack: every page and PDF reachable from the
    index answers, and reading sets no cookie (the enti's join form sets only the CSRF one)."""
    result = explore(Crawl("anonimo", Browser(stack.url), PUBBLICO), PUBBLICO, set(), 5, PUBBLICO)
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(result.statuses.items()))
    report.add(f"{'anonimo':<20} da {PUBBLICO}: {len(result.pages)} pagine ({statuses})")
    assert not result.server_errors, f"{result.server_errors}\n{stack.log('gunicorn')}"
    assert not result.client_errors, result.client_errors
    assert len(result.pages) > 10, result.pages
    assert set(result.browser.cookies) <= {"csrftoken"}, result.browser.cookies
    assert "sessionid" not in result.browser.cookies


_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


def test_static_files_have_far_future_cache(stack, crawls):
    browser = Browser(stack.url)
    pending = set(parse_page(browser.get(LOGIN)[-1].text()).assets)
    for account in ACCOUNT_DEMO:
        pending |= crawls(account.username).assets
    checked: dict[str, Response] = {}
    while pending:
        path = pending.pop()
        response = checked[path] = browser.request("GET", path)
        if response.content_type == "text/css" and response.status == 200:
            for _quote, url in _CSS_URL.findall(response.text()):
                target = None if url.startswith("data:") else browser.same_origin_path(path, url)
                if target is not None and target.split("#")[0] not in checked:
                    pending.add(target.split("#")[0])
    failures = []
    for path, response in sorted(checked.items()):
        max_age = re.search(r"max-age=(\d+)", response.headers.get("Cache-Control", ""))
        if response.status != 200 or not max_age or int(max_age.group(1)) < ONE_YEAR:
            failures.append(f"{response.status} {path} {response.headers.get('Cache-Control')}")
    fonts = [path for path in checked if path.endswith((".woff2", ".woff"))]
    kinds = Counter(Path(urllib.parse.urlsplit(path).path).suffix for path in checked)
    report.add(
        f"file statici controllati: {len(checked)} ({', '.join(f'{k}: {n}' for k, n in kinds.most_common())})"
    )
    assert not failures, "\n".join(failures)
    assert fonts, "nessuna pagina carica i caratteri di Bootstrap Italia"


def test_plan_pdf_rendered_by_the_worker(stack, crawls):
    result = crawls("up.cremasco")
    browser = result.browser
    generate = [
        (page, form)
        for page, form in result.forms
        if form.method == "post" and form.action.endswith("/pdf/genera/")
    ]
    assert generate, "nessun pulsante «Genera PDF» raggiunto dall'Ufficio di Piano"
    page, form = generate[0]
    started = time.monotonic()
    chain = browser.post(browser.same_origin_path(page, form.action), form.inputs)
    assert chain[0].status == 302, chain[0].text()[:2000]
    status_url = chain[-1].url
    state = None
    while time.monotonic() - started < PDF_TIMEOUT:
        status_page = browser.get(status_url)[-1]
        assert status_page.status == 200
        state = re.search(r'data-stato="(\w+)"', status_page.text()).group(1)
        if state not in ("in_coda", "in_corso"):
            break
        time.sleep(1)
    assert state == "completato", f"stato {state}\nworker:\n{stack.log('worker')}"
    elapsed = time.monotonic() - started
    (download,) = [
        link for link in parse_page(status_page.text()).links if link.endswith("/scarica/")
    ]
    pdf = browser.get(browser.same_origin_path(status_url, download))[-1]
    assert pdf.status == 200
    assert pdf.content_type == "application/pdf"
    assert pdf.body.startswith(b"%PDF")
    pages = len(pypdf.PdfReader(io.BytesIO(pdf.body)).pages)
    assert pages > 0
    report.add(
        f"PDF del piano ({result.landing}): {pages} pagine, {len(pdf.body):,} byte, "
        f"reso dal worker e scaricato in {elapsed:.1f} s"
    )


def test_security_headers_and_error_pages(stack):
    """The policies reach the production responses, and a user who follows a link to another
    ambito reads the portal's own Italian page, drawn with the manifest's static files."""
    browser, _chain = log_in(stack, "up.cremasco")
    other_ambito = browser.request("GET", "/ambiti/cremonese/")
    assert other_ambito.status == 404
    text = other_ambito.text()
    assert "Pagina non trovata" in text
    assert 'href="/"' in text
    # The hashed name: the layout was drawn with the manifest.
    assert re.search(r"/static/css/pdz\.[0-9a-f]{12}\.css", text)
    policy = other_ambito.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "camera=()" in other_ambito.headers["Permissions-Policy"]
    assert other_ambito.headers["X-Request-ID"]
    report.add(f"Content-Security-Policy: {policy}")
    report.add(f"Permissions-Policy: {other_ambito.headers['Permissions-Policy']}")
