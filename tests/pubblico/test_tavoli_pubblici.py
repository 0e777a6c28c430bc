"""The thematic tables on the public pages: only what the Ufficio di Piano published, the times
in Rome, the minutes only once approved and published, the calendars anyone may subscribe to."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from tavoli.models import Incontro, Membro, Presenza
from tests.factories import IncontroFactory, TavoloFactory

pytestmark = pytest.mark.django_db

ROMA = ZoneInfo("Europe/Rome")
APPROVATO = Incontro.Stato.APPROVATO


@pytest.fixture
def tavolo(cremasco):
    return TavoloFactory(
        ambito=cremasco, titolo="Famiglie e minori", descrizione="Per le famiglie.", pubblico=True
    )


@pytest.fixture
def futuro(tavolo):
    inizio = (timezone.now() + datetime.timedelta(days=20)).astimezone(ROMA)
    return IncontroFactory(
        tavolo=tavolo,
        titolo="Incontro di gennaio",
        inizio=inizio.replace(hour=17, minute=30, second=0, microsecond=0),
        ordine_del_giorno="1. Presentazione dei servizi\n2. Proposte",
        pubblico=True,
    )


@pytest.fixture
def passato(tavolo):
    # 15:30 UTC, 17:30 in Rome in October.
    return IncontroFactory(
        tavolo=tavolo,
        titolo="Incontro di ottobre",
        inizio=datetime.datetime(2025, 10, 14, 15, 30, tzinfo=datetime.UTC),
        pubblico=True,
        stato=APPROVATO,
        verbale="Si decide.\n<script>alert(1)</script>",
        testo_approvato="Si decide.\n<script>alert(1)</script>",
        verbale_pubblico=True,
    )


def _testo(risposta):
    assert risposta.status_code == 200
    return risposta.content.decode()


def _url_incontro(incontro):
    return reverse(
        "pubblico:incontro-tavolo",
        args=[incontro.tavolo.ambito.slug, incontro.tavolo_id, incontro.pk],
    )


def test_elenco_dei_tavoli_pubblici_con_incontri_futuri_e_passati(
    client, cremasco, futuro, passato
):
    TavoloFactory(ambito=cremasco, titolo="Tavolo non pubblicato")
    IncontroFactory(tavolo=futuro.tavolo, titolo="Incontro non pubblicato")
    risposta = client.get(reverse("pubblico:tavoli", args=["cremasco"]))
    pagina = _testo(risposta)
    assert "Famiglie e minori" in pagina
    assert "Tavolo non pubblicato" not in pagina
    assert "Incontro non pubblicato" not in pagina
    prossimi = pagina.split('data-testid="prossimi"')[1].split("</ul>")[0]
    passati = pagina.split('data-testid="passati"')[1].split("</ul>")[0]
    assert "Incontro di gennaio" in prossimi and "Incontro di ottobre" not in prossimi
    assert "Incontro di ottobre" in passati
    quando = formats.date_format(timezone.localtime(passato.inizio), "DATETIME_FORMAT").lower()
    assert quando in passati and "17:30" in quando
    assert "Set-Cookie" not in risposta


def test_la_navigazione_porta_ai_tavoli(client, cremasco):
    pagina = _testo(client.get(reverse("pubblico:ambito", args=["cremasco"])))
    assert reverse("pubblico:tavoli", args=["cremasco"]) in pagina


def test_pagina_dell_incontro_con_ordine_del_giorno(client, futuro):
    pagina = _testo(client.get(_url_incontro(futuro)))
    assert "Incontro di gennaio" in pagina
    assert "<li>Presentazione dei servizi</li>" in pagina
    assert "Sala consiliare, Crema" in pagina
    assert 'data-testid="verbale-assente"' in pagina


def test_il_verbale_pubblicato_si_legge_escapato_senza_le_presenze(client, passato):
    persona = Membro.objects.create(tavolo=passato.tavolo, nome="Gianna Presente")
    Presenza.objects.create(incontro=passato, membro=persona)
    pagina = _testo(client.get(_url_incontro(passato)))
    assert "Si decide." in pagina
    assert "<script>alert(1)</script>" not in pagina
    assert "&lt;script&gt;" in pagina
    assert "Gianna Presente" not in pagina


@pytest.mark.parametrize(
    "campi",
    [
        {"verbale": "TESTO-BOZZA"},
        {"verbale": "TESTO-BOZZA", "stato": Incontro.Stato.IN_REVISIONE},
        {"verbale": "TESTO-BOZZA", "testo_approvato": "TESTO-BOZZA", "stato": APPROVATO},
        # Reopened after approval: the last approved text is not public either.
        {"verbale": "TESTO-BOZZA", "testo_approvato": "TESTO-BOZZA", "revisione": 2},
    ],
)
def test_il_verbale_non_approvato_o_non_pubblicato_non_si_legge(client, tavolo, campi):
    incontro = IncontroFactory(tavolo=tavolo, pubblico=True, **campi)
    pagina = _testo(client.get(_url_incontro(incontro)))
    assert "TESTO-BOZZA" not in pagina
    assert 'data-testid="verbale-assente"' in pagina


def test_incontri_e_tavoli_non_pubblici_rispondono_404(client, cremasco, cremonese, tavolo, futuro):
    non_pubblico = IncontroFactory(tavolo=tavolo)
    privato = TavoloFactory(ambito=cremasco)
    del_privato = IncontroFactory(tavolo=privato, pubblico=True)
    assert client.get(_url_incontro(non_pubblico)).status_code == 404
    assert client.get(_url_incontro(del_privato)).status_code == 404
    assert (
        client.get(reverse("pubblico:tavolo-ics", args=["cremasco", privato.pk])).status_code == 404
    )
    # The right meeting under another ambito's address, or under another table.
    altrove = reverse("pubblico:incontro-tavolo", args=[cremonese.slug, tavolo.pk, futuro.pk])
    assert client.get(altrove).status_code == 404
    sbagliato = reverse("pubblico:incontro-tavolo", args=["cremasco", privato.pk, futuro.pk])
    assert client.get(sbagliato).status_code == 404


def _calendario(risposta):
    assert risposta.status_code == 200
    assert risposta["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Set-Cookie" not in risposta
    return icalendar.Calendar.from_ical(risposta.content)


def test_calendario_dell_ambito_solo_con_gli_incontri_pubblici(
    client, cremasco, tavolo, futuro, passato
):
    IncontroFactory(tavolo=tavolo, titolo="NON-PUBBLICO")
    IncontroFactory(
        tavolo=TavoloFactory(ambito=cremasco), titolo="DI-TAVOLO-PRIVATO", pubblico=True
    )
    cal = _calendario(client.get(reverse("pubblico:tavoli-ics", args=["cremasco"])))
    eventi = cal.walk("VEVENT")
    assert sorted(str(e["SUMMARY"]) for e in eventi) == [
        "Famiglie e minori — Incontro di gennaio",
        "Famiglie e minori — Incontro di ottobre",
    ]
    ottobre = next(e for e in eventi if "ottobre" in str(e["SUMMARY"]))
    assert ottobre["DTSTART"].params["TZID"] == "Europe/Rome"
    assert ottobre.decoded("DTSTART").strftime("%H:%M") == "17:30"
    # The event points to the public page, not to the reserved area.
    assert str(ottobre["URL"]).endswith(_url_incontro(passato))
    # The feed names the meetings; their minutes are read on the page.
    assert b"Si decide" not in cal.to_ical()


def test_calendario_del_tavolo(client, cremasco, tavolo, futuro):
    altro = TavoloFactory(ambito=cremasco, titolo="Altro tavolo", pubblico=True)
    IncontroFactory(tavolo=altro, titolo="Dell'altro tavolo", pubblico=True)
    cal = _calendario(client.get(reverse("pubblico:tavolo-ics", args=["cremasco", tavolo.pk])))
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == [
        "Famiglie e minori — Incontro di gennaio"
    ]
    assert str(cal["X-WR-CALNAME"]) == "Famiglie e minori — Cremasco"


def test_la_stanza_online_non_e_pubblica(client, tavolo):
    online = IncontroFactory(
        tavolo=tavolo, pubblico=True, luogo="", link_online="https://stanza.example.invalid/x"
    )
    pagina = _testo(client.get(_url_incontro(online)))
    calendario = client.get(reverse("pubblico:tavolo-ics", args=["cremasco", tavolo.pk]))
    assert "online" in pagina
    assert "stanza.example.invalid" not in pagina
    assert b"stanza.example.invalid" not in calendario.content
    assert b"LOCATION:online" in calendario.content


def test_calendario_vuoto_di_un_ambito_senza_tavoli_pubblici(client, cremonese):
    cal = _calendario(client.get(reverse("pubblico:tavoli-ics", args=[cremonese.slug])))
    assert cal.walk("VEVENT") == []


def _crea(ambito, tavoli, incontri):
    for _n in range(tavoli):
        tavolo = TavoloFactory(ambito=ambito, pubblico=True)
        for _m in range(incontri):
            IncontroFactory(tavolo=tavolo, pubblico=True)
        IncontroFactory(tavolo=tavolo)


def _conta(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("nome", ["pubblico:tavoli", "pubblico:tavoli-ics"])
def test_query_costanti(client, cremasco, nome):
    url = reverse(nome, args=["cremasco"])
    _crea(cremasco, 1, 1)
    poche = _conta(client, url)
    _crea(cremasco, 4, 3)
    assert _conta(client, url) == poche
