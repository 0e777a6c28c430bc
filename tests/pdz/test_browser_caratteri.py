"""Bootstrap Italia's fonts reach the browser from static/css/fonts.css (no script involved)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_la_pagina_usa_i_caratteri_di_bootstrap_italia(page):
    caricati = []
    page.on(
        "response",
        lambda risposta: caricati.append(risposta) if ".woff" in risposta.url else None,
    )
    page.goto("/account/accesso/")
    famiglie = page.evaluate(
        "document.fonts.ready.then(() => [...document.fonts]"
        ".filter(f => f.status === 'loaded').map(f => f.family.replaceAll('\"', '')))"
    )
    assert "Titillium Web" in famiglie
    assert caricati and all(risposta.status == 200 for risposta in caricati)
    assert "Titillium Web" in page.evaluate(
        "getComputedStyle(document.querySelector('h1, h2, .h1, body')).fontFamily"
    )
