"""Headless Chromium (Debian's package) driven by Playwright against the live test server."""

import contextlib
import functools
import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls our fixtures make here
# are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not path:
        pytest.fail("Chromium non trovato: `make test` lo installa (pacchetto Debian chromium).")
    return path


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Every page reports to Python what its Content-Security-Policy blocked, as it happens, so that
# a later navigation cannot lose it.
SENTINELLA_CSP = """
document.addEventListener("securitypolicyviolation", (evento) => {
  window.pdzViolazioneCsp(
    `${evento.effectiveDirective} bloccò ${evento.blockedURI || "inline"}` +
    ` in ${evento.documentURI} (${evento.sourceFile || ""}:${evento.lineNumber || ""})`
  );
}, true);
"""
# Chromium also tells the console, even when the event cannot reach a script; and the console
# is where it complains of a Permissions-Policy it does not understand.
AVVISI_DI_POLITICA = ("Content Security Policy", "Permissions-Policy", "Permissions Policy")


@pytest.fixture
def violazioni_csp():
    """What the policies of the pages a test visited complained of: the test fails if any."""
    return []


@pytest.fixture
def nuovo_contesto(browser, live_server, violazioni_csp):
    """Browser contexts (one per person) whose pages report their policy violations; at the end
    the test fails if any page reported one."""
    contesti = []

    def nuovo(**opzioni):
        context = browser.new_context(base_url=live_server.url, locale="it-IT", **opzioni)
        context.expose_function("pdzViolazioneCsp", lambda testo: violazioni_csp.append(testo))
        context.add_init_script(SENTINELLA_CSP)

        def console(messaggio):
            if any(avviso in messaggio.text for avviso in AVVISI_DI_POLITICA):
                violazioni_csp.append(f"console: {messaggio.text}")

        context.on("console", console)
        contesti.append(context)
        return context

    yield nuovo
    for context in contesti:
        # Let the events of the last page still on their way arrive before judging.
        for aperta in context.pages:
            with contextlib.suppress(PlaywrightError):
                aperta.evaluate("() => new Promise((fatto) => setTimeout(fatto, 50))")
        with contextlib.suppress(PlaywrightError):
            context.close()
    if violazioni_csp:
        pytest.fail("La pagina ha violato le sue politiche:\n" + "\n".join(violazioni_csp))


@pytest.fixture
def page(nuovo_contesto):
    context = nuovo_contesto()
    context.set_default_timeout(10_000)
    return context.new_page()


def accedi(page, username, password):
    page.goto("/account/accesso/")
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Accedi").last.click()
    page.wait_for_load_state()


# axe-core (devDependency in package.json, never served as a static file) checks a page against
# WCAG 2.1 A and AA. Its source is evaluated in the page through Playwright, which the page's
# Content-Security-Policy does not see: an injected <script> would be an inline script it forbids.
AXE_CORE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@functools.cache
def _sorgente_axe() -> str:
    if not AXE_CORE.exists():
        pytest.fail(f"axe-core non trovato in {AXE_CORE}: `npm ci` lo installa.")
    return AXE_CORE.read_text(encoding="utf-8")


def violazioni_axe(page) -> list[dict]:
    """What axe-core finds against WCAG 2.1 A/AA on the page as it is now: one dict per rule,
    with the selectors of the offending elements."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_sorgente_axe())
    return page.evaluate(
        """async (etichette) => {
          const esito = await window.axe.run(document, {
            runOnly: {type: "tag", values: etichette},
            resultTypes: ["violations"],
          });
          return esito.violations.map((v) => ({
            id: v.id,
            impatto: v.impact,
            descrizione: v.help,
            elementi: v.nodes.map((n) => n.target.join(" ")),
          }));
        }""",
        WCAG_21_AA,
    )


def descrivi_violazioni_axe(violazioni: list[dict]) -> str:
    return "\n".join(
        f"  {v['id']} ({v['impatto']}): {v['descrizione']} -> {', '.join(v['elementi'][:5])}"
        for v in violazioni
    )
