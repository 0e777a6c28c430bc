"""The rule form and pages: abstentions in two independent choices, shares of the Accordo di
Programma entered per comune and shown on the rule's page, impossible combinations refused next
to the field (and by the database), and one wording of the rule on the rules page, the vote page
and the minutes."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from ambiti.models import Comune
from assemblea import services, verbale
from assemblea.models import AventeDiritto, QuotaComune, RegolaVoto, Seduta, Votazione
from core.flusso import OperazioneNonAmmessa
from tests.assemblea.test_calcolo_maggioranze import quote_oglio_po
from tests.assemblea.test_views_sedute import _dati_regola, errori, messaggi
from tests.assemblea.test_views_verbale import _c, _scarica, _testo, chiusa  # noqa: F401
from tests.assemblea.test_views_voto import _punto, _rapp, _seduta, _url, _votazione
from tests.utils.html import testo as leggi
from tests.utils.html import trova, uno

Misura = RegolaVoto.Misura


@pytest.fixture
def up(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    return client


def url(nome, slug="cremasco"):
    return reverse(f"assemblea:{nome}", kwargs={"slug": slug})


def _quote_cremasco(**eccezioni):
    """Crema 201 millesimi, each of the other 47 comuni 17: 201 + 47 x 17 = 1 000."""
    return {
        f"quota_{pk}": eccezioni.get(nome, "201" if nome == "Crema" else "17")
        for pk, nome in Comune.objects.filter(ambito__slug="cremasco").values_list("pk", "nome")
    }


def _dati_quote(**campi):
    return _dati_regola(peso="quote", fonte_popolazione="", **campi)


# --- Abstentions ---------------------------------------------------------------------------------


def test_astenuti_nel_quorum_ma_non_tra_i_votanti_dal_modulo(up, cremasco):
    dati = _dati_regola()
    del dati["astenuti_tra_i_votanti"]  # an unticked box is not posted
    up.post(url("regola-nuova"), dati)
    regola = RegolaVoto.objects.get()
    assert (regola.astenuti_nel_quorum, regola.astenuti_tra_i_votanti) == (True, False)
    assert (
        "Chi si astiene conta come presente per il quorum, ma non nel numero dei voti espressi."
        in leggi(uno(up.get(url("regole")), data_testid="regola-corrente"))
    )


def test_astenuti_tra_i_votanti_senza_quorum_rifiutato(up, cremasco):
    dati = _dati_regola()
    del dati["astenuti_nel_quorum"]
    risposta = up.post(url("regola-nuova"), dati)
    [errore] = errori(risposta, "astenuti_tra_i_votanti")
    assert errore == (
        "Chi si astiene può contare tra i voti espressi solo se conta anche tra i presenti per "
        "il quorum."
    )
    assert errore in risposta.content.decode()
    assert not RegolaVoto.objects.exists()


def test_il_database_rifiuta_le_combinazioni_impossibili(cremasco):
    base = {"ambito": cremasco, "versione": 1, "peso": RegolaVoto.Peso.UNO}
    for campi in (
        {"astenuti_nel_quorum": False, "astenuti_tra_i_votanti": True},
        {"quorum": Misura.POPOLAZIONE},
        {"misura_maggioranza": Misura.ENTRAMBE},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            RegolaVoto.objects.create(**(base | campi))
    # Weighing by shares allows the quorum and the majority by weight.
    regola = RegolaVoto.objects.create(
        **(base | {"peso": "quote", "quorum": "popolazione", "misura_maggioranza": "entrambe"})
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        QuotaComune.objects.create(
            regola=regola, comune=Comune.objects.get(nome="Crema"), quota=Decimal("0")
        )


# --- Qualified majorities ------------------------------------------------------------------------


def test_due_terzi_di_tutti_i_comuni_dal_modulo(up, cremasco):
    up.post(url("regola-nuova"), _dati_regola(maggioranza="due_terzi", base="aventi_diritto"))
    regola = RegolaVoto.objects.get()
    assert (regola.maggioranza, regola.base) == ("due_terzi", "aventi_diritto")
    assert (
        "Maggioranza dei due terzi: la proposta è approvata se i favorevoli sono almeno i due "
        "terzi di tutti i comuni aventi diritto, presenti o no, contando gli abitanti "
        "rappresentati; i due terzi esatti bastano." in regola.descrizione()
    )


# --- Shares of the Accordo di Programma ----------------------------------------------------------


def test_le_quote_si_inseriscono_e_si_leggono_nella_pagina(up, cremasco, ufficio_piano_crema):
    risposta = up.post(url("regola-nuova"), _dati_quote() | _quote_cremasco(), follow=True)
    assert "Regole di voto salvate come versione 1." in " ".join(messaggi(risposta))
    regola = RegolaVoto.objects.get()
    quote = dict(regola.quote.values_list("comune__nome", "quota"))
    assert len(quote) == 48
    assert quote["Crema"] == Decimal("201") and quote["Pandino"] == Decimal("17")
    assert sum(quote.values()) == Decimal("1000")
    corrente = uno(risposta, data_testid="regola-corrente")
    assert "ogni comune pesa quanto la sua quota (totale delle quote: 1.000)" in leggi(corrente)
    assert [leggi(td) for td in trova(corrente, data_testid="quota")][:3] == ["17", "17", "17"]
    assert "Crema" in leggi(uno(corrente, data_testid="quote-regola"))
    # The next version starts from these shares.
    iniziali = up.get(url("regola-nuova")).context["form"].initial
    assert iniziali[f"quota_{Comune.objects.get(nome='Crema').pk}"] == Decimal("201")


def test_una_quota_mancante_e_rifiutata_accanto_al_comune(up, cremasco):
    dati = _dati_quote() | _quote_cremasco(Pandino="")
    risposta = up.post(url("regola-nuova"), dati)
    pandino = Comune.objects.get(nome="Pandino")
    [errore] = errori(risposta, f"quota_{pandino.pk}")
    assert errore == (
        "Indica la quota di Pandino: con il voto sulle quote ogni comune dell'ambito ne ha una."
    )
    assert escape(errore) in risposta.content.decode()
    risposta = up.post(url("regola-nuova"), _dati_quote() | _quote_cremasco(Pandino="0"))
    assert errori(risposta, f"quota_{pandino.pk}") == ["La quota deve essere maggiore di zero."]
    assert not RegolaVoto.objects.exists()


def test_le_quote_si_ignorano_senza_voto_sulle_quote(up, cremasco):
    up.post(url("regola-nuova"), _dati_regola() | _quote_cremasco())
    assert RegolaVoto.objects.get().peso == "popolazione"
    assert not QuotaComune.objects.exists()


def test_il_servizio_rifiuta_quote_che_mancano_un_comune(cremasco, ufficio_piano_crema):
    comuni = list(Comune.objects.filter(ambito=cremasco).order_by("nome"))
    quote = {c.pk: Decimal("20") for c in comuni if c.nome not in ("Crema", "Pandino")}
    regola = RegolaVoto(ambito=cremasco, peso="quote", quorum="popolazione")
    with pytest.raises(OperazioneNonAmmessa) as errore:
        services.nuova_regola(regola, utente=ufficio_piano_crema, quote=quote)
    assert str(errore.value) == (
        "Mancano le quote di: Crema, Pandino. Ogni comune dell'ambito deve avere la sua quota."
    )
    assert not RegolaVoto.objects.exists()


def test_la_votazione_fissa_le_quote_e_il_verbale_le_elenca(territorio, ufficio_piano_crema):
    """Oglio Po weighing by millesimi (Viadana 260,1, Casalmaggiore 199,9, Marcaria 60, 20 each
    of the other 24: 1 000). Quorum more than half the shares: Viadana, Casalmaggiore and
    Marcaria present, 520 of 1 000 (2 x 520 = 1 040 > 1 000) though 3 of 27 comuni. Viadana
    and Casalmaggiore favorevoli (460), Marcaria contrario (60): simple majority, approved."""
    oglio_po = territorio["oglio-po"]
    regola = services.nuova_regola(
        RegolaVoto(
            ambito=oglio_po,
            peso=RegolaVoto.Peso.QUOTE,
            quorum=Misura.POPOLAZIONE,
            misura_maggioranza=Misura.POPOLAZIONE,
        ),
        utente=ufficio_piano_crema,
        quote=quote_oglio_po(),
    )
    seduta = _seduta(oglio_po, ufficio_piano_crema)
    votazione = _votazione(_punto(seduta), regola, ufficio_piano_crema)
    viadana = AventeDiritto.objects.get(votazione=votazione, comune__nome="Viadana")
    assert (viadana.quota, viadana.popolazione, viadana.peso) == (
        Decimal("260.1"),
        19857,
        Decimal("260.1"),
    )
    for nome, scelta in (("Viadana", "favorevole"), ("Casalmaggiore", "favorevole")):
        services.vota(votazione, _rapp(nome), scelta, utente=None)
    services.vota(votazione, _rapp("Marcaria"), "contrario", utente=None)
    votazione = services.chiudi_votazione(votazione, utente=ufficio_piano_crema)
    assert votazione.esito == Votazione.Esito.APPROVATA
    r = votazione.risultato
    # Stored as exact decimal strings, never floats.
    assert r["presenti"] == {"teste": 3, "popolazione": "520"}
    assert r["favorevoli"]["popolazione"] == "460"
    assert r["contrari"]["popolazione"] == "60"
    assert r["quorum"][0]["ottenuto"] == "520"
    services.chiudi_seduta(seduta, utente=ufficio_piano_crema)

    html = render_to_string(
        "assemblea/stampa/verbale.html", verbale.contesto_verbale(Seduta.objects.get(pk=seduta.pk))
    )
    # Each comune with its residents and its share, the weight of the vote.
    for nome, residenti, quota in (
        ("Viadana", "19.857", "260,1"),
        ("Casalmaggiore", "15.264", "199,9"),
        ("Voltido", "324", "20"),
    ):
        assert (
            f'<td>{nome}</td><td class="num">{residenti}</td><td class="num">{quota}</td>' in html
        )
    assert "Quota" in html and "1.000" in html
    for frase in regola.descrizione():
        assert escape(frase) in html


# --- One wording on three pages -------------------------------------------------------------------


def test_le_regole_dicono_lo_stesso_testo_in_tre_pagine(
    client,
    chiusa,  # noqa: F811
    ufficio_piano_crema,
    sindaco_crema,
):
    regola = services.regola_corrente(chiusa.ambito)
    frasi = regola.descrizione()
    assert len(frasi) >= 5

    client.force_login(ufficio_piano_crema)
    pagina_regole = client.get(url("regole"))
    nelle_regole = [
        leggi(li) for li in trova(uno(pagina_regole, data_testid="regola-corrente"), "li")
    ]

    client.force_login(sindaco_crema)
    punto = chiusa.punti.get()
    pagina_voto = client.get(_url("votazione", punto))
    nel_voto = [leggi(li) for li in trova(uno(pagina_voto, data_testid="regole"), "li")]

    nel_verbale = _c(_testo(_scarica(client, sindaco_crema, chiusa).content))

    assert nelle_regole == nel_voto == frasi
    for frase in frasi:
        assert _c(frase) in nel_verbale
