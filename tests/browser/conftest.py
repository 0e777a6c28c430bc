"""Headless Chromium (Debian's package) driven by Playwright against the live test server."""

import os
import shutil

import pytest
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


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="it-IT")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def accedi(page, username, password):
    page.goto("/account/accesso/")
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Accedi").last.click()
    page.wait_for_load_state()
