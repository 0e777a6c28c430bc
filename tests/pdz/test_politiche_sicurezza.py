"""Content-Security-Policy and Permissions-Policy: on every response, strict, and the pages keep to
them (no inline script, inline handler or style= attribute in the web templates or in what they
render); the endpoint where browsers report violations."""

import json
import logging
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from ambiti.demo import carica_periodo
from ambiti.models import AreaPolicy
from obiettivi.models import ValoreIndicatore
from piani.models import Piano, Sezione
from tests.factories import (
    AzioneFactory,
    IncontroFactory,
    MembroFactory,
    ObiettivoFactory,
    RisorsaFactory,
    TavoloFactory,
    ValoreIndicatoreFactory,
)
from tests.utils.html import uno

TEMPLATES = Path(settings.BASE_DIR) / "templates"

DIRETTIVE_ATTESE = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'", "data:"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
    "report-uri": {"/csp-report/"},
}
FUNZIONI_NEGATE = ("camera", "microphone", "geolocation", "payment", "usb")


def direttive(risposta):
    politica = risposta["Content-Security-Policy"]
    return {
        nome: set(valori)
        for nome, *valori in (parte.split() for parte in politica.split(";") if parte.strip())
    }


def _controlla_intestazioni(risposta):
    assert direttive(risposta) == DIRETTIVE_ATTESE
    assert "unsafe" not in risposta["Content-Security-Policy"]
    negate = dict(parte.strip().split("=") for parte in risposta["Permissions-Policy"].split(","))
    for funzione in FUNZIONI_NEGATE:
        assert negate[funzione] == "()"


# --- The headers --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pagina_di_accesso_anonima(client):
    risposta = client.get(reverse("accounts:login"))
    assert risposta.status_code == 200
    _controlla_intestazioni(risposta)


def test_pagina_dell_ambito(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    risposta = client.get(reverse("cruscotto", args=["cremasco"]))
    assert risposta.status_code == 200
    _controlla_intestazioni(risposta)


def test_frammento_htmx(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    risposta = client.get(
        reverse("ambiti:registro", args=["cremasco"]), headers={"HX-Request": "true"}
    )
    assert risposta.status_code == 200
    assert b"<html" not in risposta.content
    _controlla_intestazioni(risposta)


def test_pagina_inesistente(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    risposta = client.get("/pagina-che-non-esiste/")
    assert risposta.status_code == 404
    _controlla_intestazioni(risposta)


@pytest.mark.django_db
def test_endpoint_json_di_salute(client):
    risposta = client.get(reverse("health"))
    assert risposta["Content-Type"] == "application/json"
    _controlla_intestazioni(risposta)


@pytest.mark.django_db
def test_redirect_al_login(client):
    risposta = client.get(reverse("cruscotto", args=["cremasco"]))
    assert risposta.status_code == 302
    _controlla_intestazioni(risposta)


# --- The templates ------------------------------------------------------------------------------

# What the policy would block in a page: style attributes, inline handlers, inline scripts and
# style blocks, javascript: URLs, htmx's own inline handlers and evaluated values.
VIETATI = {
    "attributo style": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "gestore inline": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "script inline": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),
    "blocco style": re.compile(r"<style[\s>]", re.IGNORECASE),
    "URL javascript:": re.compile(r"javascript:", re.IGNORECASE),
    "hx-on": re.compile(r"hx-on", re.IGNORECASE),
    "valori js: di htmx": re.compile(r"hx-(vals|vars)\s*=\s*[\"']\s*(js|javascript):", re.I),
}


def _modelli_web():
    """The templates a browser receives: not the ones only WeasyPrint renders to PDF."""
    for percorso in sorted(TEMPLATES.rglob("*.html")):
        relativo = percorso.relative_to(TEMPLATES)
        if "stampa" in relativo.parts or relativo.as_posix() == "tavoli/verbale_pdf.html":
            continue
        yield relativo


def test_i_modelli_web_sono_tanti():
    # The scan below must look at the real templates, not at an empty or wrong folder.
    assert len(list(_modelli_web())) > 50


@pytest.mark.parametrize("modello", list(_modelli_web()), ids=str)
def test_nessun_modello_web_ha_script_o_stili_inline(modello):
    testo = (TEMPLATES / modello).read_text()
    trovati = [
        f"{nome}: {corrispondenza.group(0).strip()}"
        for nome, espressione in VIETATI.items()
        for corrispondenza in espressione.finditer(testo)
    ]
    assert trovati == []


class _Vietati(HTMLParser):
    """What a rendered page holds that the policy would block."""

    def __init__(self):
        super().__init__()
        self.trovati = []

    def handle_starttag(self, tag, attrs):
        for nome, valore in attrs:
            if nome == "style" or nome.startswith("on") or nome.startswith("hx-on"):
                self.trovati.append(f"<{tag} {nome}={valore!r}>")
            if nome in {"href", "src", "action"} and (valore or "").lower().startswith(
                "javascript:"
            ):
                self.trovati.append(f"<{tag} {nome}={valore!r}>")
        attributi = dict(attrs)
        if tag == "script" and not attributi.get("src"):
            self.trovati.append("<script> inline")
        if tag == "style":
            self.trovati.append("<style>")


def vietati_nella_pagina(risposta):
    assert risposta.status_code == 200
    lettore = _Vietati()
    lettore.feed(risposta.content.decode())
    return lettore.trovati


def test_il_lettore_trova_cio_che_la_politica_blocca():
    lettore = _Vietati()
    lettore.feed(
        '<div style="color:red"></div><a href="javascript:x()" onclick="y()">a</a>'
        '<script>z()</script><script src="/static/a.js"></script><style>p{}</style>'
    )
    assert len(lettore.trovati) == 5


@pytest.mark.django_db
def test_pagina_di_accesso_resa_senza_inline(client):
    assert vietati_nella_pagina(client.get(reverse("accounts:login"))) == []


@pytest.fixture
def obiettivo_con_azione(cremasco):
    """With resources and a measured indicator, so that the pages draw their inline SVG charts."""
    area = AreaPolicy.objects.filter(periodo=carica_periodo()).order_by("ordine").first()
    obiettivo = ObiettivoFactory(ambito=cremasco, aree=[area])
    AzioneFactory(obiettivo=obiettivo, avanzamento=40)
    RisorsaFactory(obiettivo=obiettivo)
    ValoreIndicatoreFactory(indicatore__obiettivo=obiettivo)
    ValoreIndicatoreFactory(
        indicatore=obiettivo.indicatori.get(), tipo=ValoreIndicatore.Tipo.MISURA
    )
    return obiettivo


def test_pagine_degli_obiettivi_rese_senza_inline(
    client, ufficio_piano_crema, obiettivo_con_azione
):
    client.force_login(ufficio_piano_crema)
    dettaglio = client.get(
        reverse("obiettivi:dettaglio", args=["cremasco", obiettivo_con_azione.pk])
    )
    assert vietati_nella_pagina(dettaglio) == []
    assert (
        vietati_nella_pagina(client.get(reverse("obiettivi:panoramica", args=["cremasco"]))) == []
    )
    assert vietati_nella_pagina(client.get(reverse("cruscotto", args=["cremasco"]))) == []


def test_la_barra_di_avanzamento_porta_il_valore_senza_style(
    client, ufficio_piano_crema, obiettivo_con_azione
):
    client.force_login(ufficio_piano_crema)
    pagina = client.get(reverse("obiettivi:dettaglio", args=["cremasco", obiettivo_con_azione.pk]))
    barra = uno(pagina, "div", role="progressbar")
    assert dict(barra.attributes)["aria-valuenow"] == "40"
    assert dict(barra.children[0].attributes)["data-percentuale"] == "40"


def test_pagine_del_piano_rese_senza_inline(client, cremasco, ufficio_piano_crema):
    piano = Piano.objects.create(
        ambito=cremasco,
        periodo=carica_periodo(),
        titolo="Piano di Zona 2025-2027",
        creato_da=ufficio_piano_crema,
    )
    sezione = Sezione.objects.create(
        piano=piano, ordine=1, titolo="Premessa", testo="<p>Testo</p>", versione=1
    )
    client.force_login(ufficio_piano_crema)
    dettaglio = client.get(reverse("piani:dettaglio", args=["cremasco", piano.pk]))
    assert vietati_nella_pagina(dettaglio) == []
    assert 'data-conferma="Eliminare la sezione?"' in dettaglio.content.decode()
    modifica = client.get(reverse("piani:sezione", args=["cremasco", piano.pk, sezione.pk]))
    assert vietati_nella_pagina(modifica) == []


def test_pagina_dell_incontro_resa_senza_inline(client, cremasco, ufficio_piano_crema):
    tavolo = TavoloFactory(ambito=cremasco)
    MembroFactory(tavolo=tavolo, nome="Anna Rossi")
    incontro = IncontroFactory(tavolo=tavolo)
    client.force_login(ufficio_piano_crema)
    pagina = client.get(reverse("tavoli:incontro", args=["cremasco", tavolo.pk, incontro.pk]))
    assert vietati_nella_pagina(pagina) == []


# --- Violation reports --------------------------------------------------------------------------

RAPPORTO = {
    "csp-report": {
        "document-uri": "https://pdz.example.org/ambiti/cremasco/",
        "violated-directive": "style-src-attr",
        "effective-directive": "style-src-attr",
        "blocked-uri": "inline",
        "original-policy": "default-src 'self'",
    }
}


@pytest.fixture
def rapporti(db):
    cache.clear()
    yield reverse("csp-report")
    cache.clear()


def _invia(client, url, corpo, tipo="application/csp-report"):
    return client.post(url, data=corpo, content_type=tipo)


def _registrati(caplog):
    return [riga for riga in caplog.records if riga.name == "pdz.csp"]


def test_un_rapporto_anonimo_finisce_nel_registro(client, rapporti, caplog):
    client.enforce_csrf_checks = True
    with caplog.at_level(logging.WARNING, logger="pdz.csp"):
        risposta = _invia(client, rapporti, json.dumps(RAPPORTO))
    assert risposta.status_code == 204
    _controlla_intestazioni(risposta)
    (riga,) = _registrati(caplog)
    assert "style-src-attr" in riga.getMessage()
    assert "pdz.example.org/ambiti/cremasco/" in riga.getMessage()
    assert "original-policy" not in riga.getMessage()


def test_un_rapporto_troppo_grande_non_si_legge(client, rapporti, caplog):
    grande = {"csp-report": {**RAPPORTO["csp-report"], "blocked-uri": "x" * 10_000}}
    with caplog.at_level(logging.WARNING, logger="pdz.csp"):
        risposta = _invia(client, rapporti, json.dumps(grande))
    assert risposta.status_code == 413
    assert _registrati(caplog) == []


def test_un_rapporto_malformato_e_rifiutato(client, rapporti, caplog):
    with caplog.at_level(logging.WARNING, logger="pdz.csp"):
        assert _invia(client, rapporti, "non è json").status_code == 400
        assert _invia(client, rapporti, json.dumps([1, 2])).status_code == 400
        assert _invia(client, rapporti, "").status_code == 400
    assert _registrati(caplog) == []


def test_i_campi_lunghi_sono_troncati(client, rapporti, caplog):
    lungo = {"csp-report": {**RAPPORTO["csp-report"], "blocked-uri": "y" * 5000}}
    with caplog.at_level(logging.WARNING, logger="pdz.csp"):
        _invia(client, rapporti, json.dumps(lungo))
    assert "y" * 200 in _registrati(caplog)[0].getMessage()
    assert "y" * 201 not in _registrati(caplog)[0].getMessage()


def test_oltre_il_limite_per_minuto_i_rapporti_si_scartano(client, rapporti, caplog, settings):
    settings.CSP_REPORTS_PER_MINUTE = 3
    with caplog.at_level(logging.WARNING, logger="pdz.csp"):
        risposte = [_invia(client, rapporti, json.dumps(RAPPORTO)) for _ in range(5)]
    assert [r.status_code for r in risposte] == [204] * 5
    assert len(_registrati(caplog)) == 3


@pytest.mark.django_db
def test_il_rapporto_si_invia_solo_in_post(client, rapporti):
    assert client.get(rapporti).status_code == 405
