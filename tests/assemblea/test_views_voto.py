"""Voting in the browser: the secretary prepares, opens and closes a vote; sindaci and delegati
vote for their comune, change their vote and check their receipt; the live panel never shows a
secret ballot's partial results; paper ballots are marked as such; closing decides the plan."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Ruolo
from ambiti.demo import carica_periodo
from ambiti.models import Comune
from assemblea import services
from assemblea.models import (
    AventeDiritto,
    Delega,
    EventoVoto,
    Presenza,
    PuntoOdg,
    RegolaVoto,
    Seduta,
    Votazione,
    Voto,
)
from piani import services as piani_services
from piani.models import Piano, RenderPDF, VersionePiano
from tests.factories import RuoloFactory, UserFactory
from tests.utils.html import testo as _testo
from tests.utils.html import trova, uno

Misura = RegolaVoto.Misura
CHIUSA = "La votazione è chiusa: il voto non è stato registrato."
NON_APERTA = "La votazione non è ancora aperta: il voto non è stato registrato."


# --- Building a session (shared with the permission and query tests) -------------------------


def _regola(ambito, utente, **campi):
    dati = {
        "peso": RegolaVoto.Peso.UNO,
        "quorum": Misura.NESSUNA,
        "maggioranza": RegolaVoto.Maggioranza.SEMPLICE,
        "misura_maggioranza": Misura.TESTE,
    } | campi
    return services.nuova_regola(RegolaVoto(ambito=ambito, **dati), utente=utente)


def _seduta(ambito, utente, *, aperta=True, titolo="Assemblea dei Sindaci del 10 marzo"):
    seduta = Seduta.objects.create(
        ambito=ambito,
        titolo=titolo,
        modalita=Seduta.Modalita.ONLINE,
        link_online="https://incontri.example.org/assemblea",
        prima_convocazione=timezone.now(),
    )
    if aperta:
        seduta = services.apri_seduta(seduta, utente=utente, convocazione=Seduta.Convocazione.PRIMA)
    return seduta


def _punto(seduta, ordine=1, *, versione=None, titolo="Approvazione del Piano di Zona"):
    return PuntoOdg.objects.create(
        seduta=seduta, ordine=ordine, titolo=titolo, versione_piano=versione
    )


def _votazione(punto, regola, utente, *, aperta=True):
    votazione = Votazione.objects.create(punto=punto, regola=regola)
    if aperta:
        votazione = services.apri_votazione(votazione, utente=utente)
    return votazione


def _url(nome, punto, **query):
    seduta = punto.seduta
    url = reverse(
        f"assemblea:{nome}",
        kwargs={"slug": seduta.ambito.slug, "pk": seduta.pk, "punto": punto.pk},
    )
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _url_ricevuta(ambito):
    return reverse("assemblea:ricevuta", kwargs={"slug": ambito.slug})


def _sindaco(ambito, nome_comune, username=None, tipo=Ruolo.Tipo.SINDACO):
    comune = Comune.objects.get(nome=nome_comune)
    user = UserFactory(
        username=username or f"sindaco_{comune.pk}", first_name="Sindaco", last_name=comune.nome
    )
    RuoloFactory(user=user, tipo=tipo, ambito=ambito, comune=comune)
    return user


def _rapp(nome_comune, persona="Mario Rossi", qualita="sindaco"):
    return services.Rappresentanza(Comune.objects.get(nome=nome_comune), qualita, persona)


def _vota_per(votazione, comuni, scelta="favorevole", utente=None):
    for comune in comuni:
        services.vota(
            votazione, services.Rappresentanza(comune, "sindaco", "Sindaco"), scelta, utente=utente
        )


def _versione_congelata(ambito, utente):
    """A plan frozen for the Assemblea, as the Ufficio di Piano freezes it."""
    piano = piani_services.crea_piano(ambito=ambito, periodo=carica_periodo(), utente=utente)
    return piani_services.congela(piano=piano, utente=utente)


def _celle(riga):
    """The cells of a table row, in order."""
    return [_testo(el) for el in trova(riga) if el.name in ("th", "td")]


def _messaggi(risposta):
    return [_testo(el) for el in trova(risposta, role="alert")]


HTMX = {"HTTP_HX_REQUEST": "true"}


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def regola(cremasco, ufficio_piano_crema):
    return _regola(cremasco, ufficio_piano_crema)


@pytest.fixture
def regola_segreta(cremasco, ufficio_piano_crema):
    return _regola(
        cremasco,
        ufficio_piano_crema,
        scrutinio=RegolaVoto.Scrutinio.SEGRETO,
        astenuti_nel_quorum=False,
        astenuti_tra_i_votanti=False,
    )


@pytest.fixture
def seduta(cremasco, ufficio_piano_crema, regola):
    return _seduta(cremasco, ufficio_piano_crema)


@pytest.fixture
def punto(seduta):
    return _punto(seduta)


@pytest.fixture
def votazione(punto, regola, ufficio_piano_crema):
    return _votazione(punto, regola, ufficio_piano_crema)


@pytest.fixture
def votazione_segreta(punto, regola_segreta, ufficio_piano_crema):
    return _votazione(punto, regola_segreta, ufficio_piano_crema)


# --- The secretary prepares, opens and closes ------------------------------------------------


def test_l_ufficio_prepara_apre_e_chiude_la_votazione(client, punto, regola, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    pagina = client.get(_url("votazione", punto))
    assert pagina.status_code == 200
    assert uno(pagina, data_testid="stato-votazione").attributes[1] == ("data-stato", "")

    risposta = client.post(_url("votazione-crea", punto), follow=True)
    votazione = Votazione.objects.get(punto=punto)
    assert votazione.regola == regola
    assert votazione.stato == Votazione.Stato.PREPARATA
    assert "Votazione preparata con le regole di voto versione 1." in _messaggi(risposta)

    risposta = client.post(_url("votazione-apri", punto), follow=True)
    votazione.refresh_from_db()
    assert votazione.stato == Votazione.Stato.APERTA
    # Weights frozen for every comune of the Cremasco.
    assert AventeDiritto.objects.filter(votazione=votazione).count() == 48
    assert "Votazione aperta: i pesi dei comuni sono fissati." in _messaggi(risposta)

    _vota_per(votazione, [Comune.objects.get(nome="Crema")])
    risposta = client.post(_url("votazione-chiudi", punto), follow=True)
    votazione.refresh_from_db()
    assert votazione.stato == Votazione.Stato.CHIUSA
    assert votazione.esito == Votazione.Esito.APPROVATA
    assert "Votazione chiusa. Esito: Approvata." in _messaggi(risposta)


def test_senza_regole_di_voto_un_messaggio_chiaro(client, cremasco, ufficio_piano_crema):
    # A session opened when there were rules would not exist: open it by hand, rules absent.
    seduta = _seduta(cremasco, ufficio_piano_crema, aperta=False)
    Seduta.objects.filter(pk=seduta.pk).update(stato=Seduta.Stato.APERTA, convocazione="prima")
    punto = _punto(seduta)
    client.force_login(ufficio_piano_crema)
    risposta = client.post(_url("votazione-crea", punto), follow=True)
    assert risposta.status_code == 200
    assert (
        "L'ambito non ha ancora regole di voto: l'Ufficio di Piano deve prima stabilirle."
        in _messaggi(risposta)
    )
    assert not Votazione.objects.exists()


def test_la_votazione_si_prepara_solo_a_seduta_aperta(
    client, cremasco, regola, ufficio_piano_crema
):
    punto = _punto(_seduta(cremasco, ufficio_piano_crema, aperta=False))
    client.force_login(ufficio_piano_crema)
    risposta = client.post(_url("votazione-crea", punto), follow=True)
    assert "La votazione si prepara a seduta aperta." in _messaggi(risposta)
    assert not Votazione.objects.exists()


def test_errori_di_stato_sono_messaggi_non_500(client, votazione, punto, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    risposta = client.post(_url("votazione-apri", punto), follow=True)
    assert risposta.status_code == 200
    assert "La votazione è già stata aperta." in _messaggi(risposta)
    risposta = client.post(_url("votazione-crea", punto), follow=True)
    assert "La votazione di questo punto è già stata preparata." in _messaggi(risposta)
    client.post(_url("votazione-chiudi", punto))
    risposta = client.post(_url("votazione-chiudi", punto), follow=True)
    assert risposta.status_code == 200
    assert "La votazione non è aperta." in _messaggi(risposta)
    assert Votazione.objects.get().stato == Votazione.Stato.CHIUSA


# --- A sindaco votes, changes his vote, keeps his receipt ------------------------------------


def test_il_sindaco_vota_cambia_voto_e_riceve_una_ricevuta_ogni_volta(
    client, votazione, punto, sindaco_crema
):
    client.force_login(sindaco_crema)
    pagina = client.get(_url("votazione", punto))
    scheda = uno(pagina, data_testid="scheda-voto")
    assert "Crema" in _testo(scheda)
    pulsanti = trova(scheda, "button", name="scelta")
    assert [dict(p.attributes)["value"] for p in pulsanti] == [
        "favorevole",
        "contrario",
        "astenuto",
    ]
    assert [_testo(p) for p in pulsanti] == ["Favorevole", "Contrario", "Astenuto"]

    crema = Comune.objects.get(nome="Crema")
    risposta = client.post(_url("vota", punto), {"comune": crema.pk, "scelta": "favorevole"})
    assert risposta.status_code == 303
    assert risposta["Location"] == _url("votazione", punto)
    voto = Voto.objects.get(votazione=votazione, comune=crema)
    assert (voto.scelta, voto.canale, voto.qualita) == ("favorevole", "online", "sindaco")
    prima = voto.ricevuta

    pagina = client.get(risposta["Location"])
    assert f"Voto registrato per Crema: Favorevole. Ricevuta: {prima}." in _messaggi(pagina)
    scheda = uno(pagina, data_testid="scheda-voto")
    assert _testo(uno(scheda, data_testid="scelta-corrente")) == "Favorevole"
    assert _testo(uno(scheda, data_testid="ricevuta")) == prima
    # The check posts the code: no link carries it.
    verifica = uno(scheda, "form", data_testid="verifica-ricevuta")
    assert dict(verifica.attributes)["action"] == _url_ricevuta(punto.seduta.ambito)
    assert dict(uno(verifica, "input", name="codice").attributes)["value"] == prima
    assert uno(scheda, data_testid="cambia-voto")

    client.post(_url("vota", punto), {"comune": crema.pk, "scelta": "contrario"})
    voto.refresh_from_db()
    assert voto.scelta == "contrario"
    assert voto.ricevuta != prima
    assert voto.modifiche == 1
    assert Voto.objects.filter(votazione=votazione).count() == 1
    eventi = list(EventoVoto.objects.filter(votazione=votazione).order_by("pk"))
    assert [(e.ricevuta, e.scelta) for e in eventi] == [
        (prima, "favorevole"),
        (voto.ricevuta, "contrario"),
    ]
    scheda = uno(client.get(_url("votazione", punto)), data_testid="scheda-voto")
    assert _testo(uno(scheda, data_testid="scelta-corrente")) == "Contrario"
    # The online vote is also the online check-in.
    assert Presenza.objects.get(seduta=punto.seduta, comune=crema).via == "online"


def test_voto_con_htmx_risponde_con_la_scheda_e_la_ricevuta(
    client, votazione, punto, sindaco_crema
):
    client.force_login(sindaco_crema)
    crema = Comune.objects.get(nome="Crema")
    risposta = client.post(_url("vota", punto), {"comune": crema.pk, "scelta": "astenuto"}, **HTMX)
    assert risposta.status_code == 200
    voto = Voto.objects.get(votazione=votazione, comune=crema)
    scheda = uno(risposta, data_testid="scheda-voto")
    assert dict(scheda.attributes)["id"] == f"scheda-{crema.pk}"
    assert _testo(uno(scheda, data_testid="ricevuta")) == voto.ricevuta
    assert _testo(uno(scheda, data_testid="scelta-corrente")) == "Astenuto"
    assert uno(scheda, data_testid="voto-registrato")


def test_il_delegato_con_delega_vota_per_il_suo_comune(
    client, votazione, punto, delegato_pandino, ufficio_piano_crema
):
    pandino = Comune.objects.get(nome="Pandino")
    Delega.objects.create(
        seduta=punto.seduta, comune=pandino, delegato=delegato_pandino, atto="Decreto n. 5"
    )
    client.force_login(delegato_pandino)
    pagina = client.get(_url("votazione", punto))
    assert "Delegato" in _testo(uno(pagina, data_testid="scheda-voto"))
    risposta = client.post(_url("vota", punto), {"comune": pandino.pk, "scelta": "favorevole"})
    assert risposta.status_code == 303
    voto = Voto.objects.get(votazione=votazione, comune=pandino)
    assert (voto.qualita, voto.espresso_da) == ("delegato", delegato_pandino)


def test_il_delegato_senza_delega_legge_ma_non_vota(client, votazione, punto, delegato_pandino):
    client.force_login(delegato_pandino)
    pagina = client.get(_url("votazione", punto))
    assert pagina.status_code == 200
    assert uno(pagina, data_testid="senza-delega")
    assert not trova(pagina, data_testid="scheda-voto")


def test_un_voto_dopo_la_chiusura_e_rifiutato_con_409_e_nulla_e_registrato(
    client, votazione, punto, sindaco_crema, ufficio_piano_crema
):
    crema = Comune.objects.get(nome="Crema")
    client.force_login(sindaco_crema)
    client.post(_url("vota", punto), {"comune": crema.pk, "scelta": "favorevole"})
    services.chiudi_votazione(votazione, utente=ufficio_piano_crema)
    voto = Voto.objects.get()
    eventi = EventoVoto.objects.count()

    risposta = client.post(_url("vota", punto), {"comune": crema.pk, "scelta": "contrario"})
    assert risposta.status_code == 409
    assert _testo(uno(risposta, data_testid="errore-voto")) == CHIUSA
    risposta = client.post(_url("vota", punto), {"comune": crema.pk, "scelta": "contrario"}, **HTMX)
    assert risposta.status_code == 409
    assert risposta.content.decode() == CHIUSA
    assert risposta["Content-Type"].startswith("text/plain")

    assert list(Voto.objects.values("scelta", "ricevuta")) == [
        {"scelta": "favorevole", "ricevuta": voto.ricevuta}
    ]
    assert EventoVoto.objects.count() == eventi


def test_un_voto_prima_dell_apertura_e_rifiutato(
    client, punto, regola, sindaco_crema, ufficio_piano_crema
):
    _votazione(punto, regola, ufficio_piano_crema, aperta=False)
    client.force_login(sindaco_crema)
    pagina = client.get(_url("votazione", punto))
    assert not trova(pagina, "button", name="scelta")
    crema = Comune.objects.get(nome="Crema")
    risposta = client.post(_url("vota", punto), {"comune": crema.pk, "scelta": "favorevole"})
    assert risposta.status_code == 409
    assert _testo(uno(risposta, data_testid="errore-voto")) == NON_APERTA
    assert not Voto.objects.exists()
    assert not EventoVoto.objects.exists()


def test_una_scelta_non_valida_e_400(client, votazione, punto, sindaco_crema):
    client.force_login(sindaco_crema)
    crema = Comune.objects.get(nome="Crema")
    risposta = client.post(_url("vota", punto), {"comune": crema.pk, "scelta": "forse"})
    assert risposta.status_code == 400
    assert "Scelta di voto non valida." in risposta.content.decode()
    assert not Voto.objects.exists()


# --- The version of the plan under vote ------------------------------------------------------


def test_la_pagina_mostra_la_versione_il_pdf_e_le_regole(
    client, cremasco, ufficio_piano_crema, sindaco_crema
):
    regola = _regola(
        cremasco,
        ufficio_piano_crema,
        peso=RegolaVoto.Peso.POPOLAZIONE,
        fonte_popolazione="ANPR, popolazione residente",
        quorum=Misura.ENTRAMBE,
        maggioranza=RegolaVoto.Maggioranza.ASSOLUTA,
        base=RegolaVoto.Base.PRESENTI,
        misura_maggioranza=Misura.POPOLAZIONE,
        minimo_comuni_favorevoli=11,
    )
    versione = _versione_congelata(cremasco, ufficio_piano_crema)
    render = versione.rendering.get()
    RenderPDF.objects.filter(pk=render.pk).update(
        stato=RenderPDF.Stato.COMPLETATO, sha256_pdf="ab" * 32
    )
    punto = _punto(_seduta(cremasco, ufficio_piano_crema), versione=versione)
    _votazione(punto, regola, ufficio_piano_crema)
    client.force_login(sindaco_crema)
    pagina = client.get(_url("votazione", punto))
    blocco = uno(pagina, data_testid="versione-piano")
    link = dict(uno(blocco, data_testid="link-versione").attributes)["href"]
    assert link == reverse(
        "piani:versione",
        kwargs={"slug": "cremasco", "pk": versione.piano_id, "numero": versione.numero},
    )
    assert _testo(uno(blocco, data_testid="sha256-pdf")) == "ab" * 32
    assert dict(uno(blocco, data_testid="scarica-pdf").attributes)["href"] == reverse(
        "piani_pdf:scarica", kwargs={"slug": "cremasco", "pk": versione.piano_id, "rpk": render.pk}
    )
    assert versione.sha256_html in _testo(blocco)
    regole = [_testo(li) for li in trova(uno(pagina, data_testid="regole"), "li")]
    assert regole == [
        "Voto ponderato: ogni comune pesa quanto la sua popolazione residente "
        "(ANPR, popolazione residente).",
        "Quorum costitutivo: la votazione è valida se sono presenti più della metà dei comuni, "
        "che rappresentino anche più della metà degli abitanti.",
        "In seconda convocazione vale lo stesso quorum.",
        "Maggioranza assoluta: la proposta è approvata se i favorevoli sono più della metà dei "
        "presenti, contando gli abitanti rappresentati; la metà esatta non basta.",
        "Servono inoltre almeno 11 comuni favorevoli, perché i comuni più popolosi non decidano "
        "da soli.",
        "Chi si astiene conta come presente e nel numero dei voti espressi.",
        "Scrutinio palese: il voto di ogni comune è pubblico, e i totali parziali si vedono "
        "mentre si vota.",
    ]


def test_la_chiusura_approva_la_versione_del_piano(
    client, cremasco, regola, ufficio_piano_crema, sindaco_crema
):
    versione = _versione_congelata(cremasco, ufficio_piano_crema)
    punto = _punto(_seduta(cremasco, ufficio_piano_crema), versione=versione)
    votazione = _votazione(punto, regola, ufficio_piano_crema)
    comuni = list(Comune.objects.filter(ambito=cremasco).order_by("nome"))
    _vota_per(votazione, comuni[:3], "favorevole")
    _vota_per(votazione, comuni[3:5], "contrario")
    client.force_login(ufficio_piano_crema)
    client.post(_url("votazione-chiudi", punto))
    versione.refresh_from_db()
    assert versione.esito == VersionePiano.Esito.APPROVATA
    assert versione.piano.stato == Piano.Stato.APPROVATO
    client.force_login(sindaco_crema)
    pagina = client.get(_url("votazione", punto))
    assert _testo(uno(pagina, data_testid="esito-versione")) == (
        "La versione 1 del piano è ora approvata."
    )


def test_la_chiusura_respinge_la_versione_del_piano(client, cremasco, regola, ufficio_piano_crema):
    versione = _versione_congelata(cremasco, ufficio_piano_crema)
    punto = _punto(_seduta(cremasco, ufficio_piano_crema), versione=versione)
    votazione = _votazione(punto, regola, ufficio_piano_crema)
    comuni = list(Comune.objects.filter(ambito=cremasco).order_by("nome"))
    _vota_per(votazione, comuni[:1], "favorevole")
    _vota_per(votazione, comuni[1:3], "contrario")
    client.force_login(ufficio_piano_crema)
    pagina = client.post(_url("votazione-chiudi", punto), follow=True)
    versione.refresh_from_db()
    assert versione.esito == VersionePiano.Esito.RESPINTA
    assert versione.piano.stato == Piano.Stato.RESPINTO
    assert _testo(uno(pagina, data_testid="esito-versione")) == (
        "La versione 1 del piano è ora respinta."
    )


# --- The result, explained --------------------------------------------------------------------


def test_il_risultato_spiega_quorum_totali_e_maggioranze(
    client, cremasco, ufficio_piano_crema, sindaco_crema
):
    """Population-weighted simple majority with at least 2 comuni in favour: Crema alone is in
    favour, Pandino and Rivolta d'Adda against. Crema outweighs the two, but the minimum number
    of comuni is missed: rejected, and the page says why."""
    regola = _regola(
        cremasco,
        ufficio_piano_crema,
        peso=RegolaVoto.Peso.POPOLAZIONE,
        misura_maggioranza=Misura.POPOLAZIONE,
        minimo_comuni_favorevoli=2,
    )
    punto = _punto(_seduta(cremasco, ufficio_piano_crema))
    votazione = _votazione(punto, regola, ufficio_piano_crema)
    crema, pandino, rivolta = (
        Comune.objects.get(nome=n) for n in ("Crema", "Pandino", "Rivolta d'Adda")
    )
    _vota_per(votazione, [crema], "favorevole")
    _vota_per(votazione, [pandino, rivolta], "contrario")
    services.chiudi_votazione(votazione, utente=ufficio_piano_crema)
    client.force_login(sindaco_crema)
    pagina = client.get(_url("votazione", punto))

    assert dict(uno(pagina, data_testid="esito").attributes)["data-esito"] == "respinta"
    assert _testo(uno(pagina, data_testid="spiegazione")) == (
        "Quorum raggiunto, ma la proposta è respinta: manca numero minimo di comuni favorevoli."
    )
    totali = {
        dict(t.attributes)["data-scelta"]: (
            int(dict(t.attributes)["data-teste"]),
            int(dict(t.attributes)["data-popolazione"]),
        )
        for t in trova(pagina, data_testid="totale")
    }
    assert totali == {
        "favorevole": (1, crema.popolazione),
        "contrario": (2, pandino.popolazione + rivolta.popolazione),
        "astenuto": (0, 0),
    }
    assert crema.popolazione > pandino.popolazione + rivolta.popolazione
    maggioranze = [
        _celle(riga)
        for riga in trova(uno(pagina, data_testid="verifiche-maggioranza"), data_testid="verifica")
    ]
    pop = f"{pandino.popolazione + rivolta.popolazione:,}".replace(",", ".")
    assert maggioranze == [
        [
            "Maggioranza semplice in abitanti",
            f"più favorevoli che contrari ({pop} contrari)",
            f"{crema.popolazione:,}".replace(",", "."),
            "soddisfatta",
        ],
        ["Numero minimo di comuni favorevoli", "almeno 2 comuni", "1", "non soddisfatta"],
    ]
    # An open ballot: the named votes of each comune.
    nominali = {
        dict(r.attributes)["data-comune"]: [_testo(c) for c in trova(r, "td")]
        for r in trova(pagina, data_testid="nominale")
    }
    assert nominali["Crema"] == [
        f"{crema.popolazione:,}".replace(",", "."),
        "Sindaco",
        "Sindaco",
        "Favorevole",
        "Online",
    ]
    assert set(nominali) == {"Crema", "Pandino", "Rivolta d'Adda"}


def test_quorum_non_raggiunto_spiegato_con_i_numeri(client, cremasco, ufficio_piano_crema):
    regola = _regola(cremasco, ufficio_piano_crema, quorum=Misura.TESTE)
    punto = _punto(_seduta(cremasco, ufficio_piano_crema))
    votazione = _votazione(punto, regola, ufficio_piano_crema)
    _vota_per(votazione, Comune.objects.filter(nome__in=["Crema", "Pandino"]))
    services.chiudi_votazione(votazione, utente=ufficio_piano_crema)
    client.force_login(ufficio_piano_crema)
    pagina = client.get(_url("votazione", punto))
    assert dict(uno(pagina, data_testid="esito").attributes)["data-esito"] == "non_valida"
    assert _testo(uno(pagina, data_testid="quorum-esito")).startswith(
        "Quorum non raggiunto. Comuni presenti: 2 su 48;"
    )
    riga = uno(uno(pagina, data_testid="verifiche-quorum"), data_testid="verifica")
    assert _celle(riga) == [
        "Quorum in comuni",
        "più della metà di 48",
        "2",
        "non soddisfatta",
    ]


# --- The live panel ---------------------------------------------------------------------------


def test_il_pannello_live_di_uno_scrutinio_palese(
    client, cremasco, ufficio_piano_crema, sindaco_crema
):
    regola = _regola(cremasco, ufficio_piano_crema, peso=RegolaVoto.Peso.POPOLAZIONE)
    punto = _punto(_seduta(cremasco, ufficio_piano_crema))
    votazione = _votazione(punto, regola, ufficio_piano_crema)
    crema, pandino = Comune.objects.get(nome="Crema"), Comune.objects.get(nome="Pandino")
    _vota_per(votazione, [crema], "favorevole")
    _vota_per(votazione, [pandino], "contrario")
    client.force_login(sindaco_crema)
    live = client.get(_url("votazione-live", punto), **HTMX)
    assert live.status_code == 200
    radice = uno(live, data_testid="live")
    attributi = dict(radice.attributes)
    assert attributi["hx-trigger"] == "every 2s"
    assert attributi["hx-get"] == _url("votazione-live", punto, stato="aperta")
    assert dict(uno(live, data_testid="presenti-teste").attributes)["data-valore"] == "2"
    assert dict(uno(live, data_testid="presenti-popolazione").attributes)["data-valore"] == str(
        crema.popolazione + pandino.popolazione
    )
    assert _testo(uno(live, data_testid="votanti")) == "2 su 48 aventi diritto"
    parziali = {
        dict(p.attributes)["data-scelta"]: (
            dict(p.attributes)["data-teste"],
            dict(p.attributes)["data-popolazione"],
        )
        for p in trova(live, data_testid="parziale")
    }
    assert parziali == {
        "favorevole": ("1", str(crema.popolazione)),
        "contrario": ("1", str(pandino.popolazione)),
        "astenuto": ("0", "0"),
    }
    nominali = {
        dict(r.attributes)["data-comune"]: dict(r.attributes)["data-scelta"]
        for r in trova(live, data_testid="nominale")
    }
    assert nominali == {"Crema": "favorevole", "Pandino": "contrario"}


def _testo_live(client, punto):
    live = client.get(_url("votazione-live", punto), **HTMX)
    assert live.status_code == 200
    return live, live.content.decode()


def test_lo_scrutinio_segreto_non_mostra_parziali_ne_scelte(
    client, votazione_segreta, punto, ufficio_piano_crema, sindaco_crema
):
    crema, pandino, rivolta = (
        Comune.objects.get(nome=n) for n in ("Crema", "Pandino", "Rivolta d'Adda")
    )
    _vota_per(votazione_segreta, [crema], "favorevole")
    _vota_per(votazione_segreta, [pandino], "contrario")
    _vota_per(votazione_segreta, [rivolta], "astenuto")
    for persona in (ufficio_piano_crema, sindaco_crema):
        client.force_login(persona)
        live, html = _testo_live(client, punto)
        assert uno(live, data_testid="segreto")
        assert not trova(live, data_testid="parziali")
        assert not trova(live, data_testid="nominali")
        for parola in ("avorevol", "ontrari", "stenut", "Sindaco"):
            assert parola not in html.replace("astenuti non contano", ""), parola
        assert _testo(uno(live, data_testid="votanti")) == "3 su 48 aventi diritto"
        # Abstainers do not count as present under these rules, but the live count would
        # reveal who abstained: it counts everyone who voted.
        assert dict(uno(live, data_testid="presenti-teste").attributes)["data-valore"] == "3"
        pagina = client.get(_url("votazione", punto))
        assert not trova(pagina, data_testid="parziali")
        assert not trova(pagina, data_testid="nominali")

    services.chiudi_votazione(votazione_segreta, utente=ufficio_piano_crema)
    for persona in (ufficio_piano_crema, sindaco_crema):
        client.force_login(persona)
        pagina = client.get(_url("votazione", punto))
        # The totals are the result; which comune chose what is never shown.
        assert trova(pagina, data_testid="totale")
        assert not trova(pagina, data_testid="nominali")
        assert not trova(pagina, data_testid="nominale")
        risultato = _testo(uno(pagina, data_testid="live"))
        assert "Pandino" not in risultato and "Crema" not in risultato
    client.force_login(ufficio_piano_crema)
    registro = client.get(_url("votazione-eventi", punto))
    assert [_testo(c) for c in trova(uno(registro, data_testid="eventi"), "th")] == [
        "Ora",
        "Comune",
        "Votante",
        "In qualità di",
        "Modalità",
        "Stato",
        "Crema",
        "Pandino",
        "Rivolta d'Adda",
    ]
    assert "Favorevole" not in _testo(uno(registro, data_testid="eventi"))


def test_il_pannello_si_ricarica_quando_cambia_lo_stato_e_smette_a_chiusura(
    client, votazione, punto, ufficio_piano_crema
):
    client.force_login(ufficio_piano_crema)
    risposta = client.get(_url("votazione-live", punto, stato="preparata"), **HTMX)
    assert risposta.status_code == 200
    assert risposta["HX-Refresh"] == "true"
    services.chiudi_votazione(votazione, utente=ufficio_piano_crema)
    risposta = client.get(_url("votazione-live", punto, stato="chiusa"), **HTMX)
    radice = uno(risposta, data_testid="live")
    assert "hx-trigger" not in dict(radice.attributes)
    assert "hx-get" not in dict(radice.attributes)


# --- Paper ballots ----------------------------------------------------------------------------


def test_la_segreteria_registra_un_voto_cartaceo(
    client, votazione, punto, ufficio_piano_crema, sindaco_crema
):
    crema = Comune.objects.get(nome="Crema")
    client.force_login(ufficio_piano_crema)
    risposta = client.post(
        _url("voto-cartaceo", punto),
        {
            "comune": crema.pk,
            "scelta": "contrario",
            "persona": "Fabio Bergamaschi",
            "qualita": "sindaco",
        },
        follow=True,
    )
    voto = Voto.objects.get(votazione=votazione, comune=crema)
    assert (voto.canale, voto.persona, voto.scelta, voto.espresso_da) == (
        "cartaceo",
        "Fabio Bergamaschi",
        "contrario",
        ufficio_piano_crema,
    )
    assert (
        f"Voto cartaceo di Crema registrato dalla segreteria. Ricevuta: {voto.ricevuta}."
        in _messaggi(risposta)
    )
    presenza = Presenza.objects.get(seduta=punto.seduta, comune=crema)
    assert (presenza.via, presenza.persona) == ("segreteria", "Fabio Bergamaschi")
    riga = uno(risposta, data_testid="nominale")
    assert _testo(riga).endswith("Contrario Cartaceo, registrato dalla segreteria")
    registro = client.get(_url("votazione-eventi", punto))
    evento = uno(registro, data_testid="evento")
    assert "Cartaceo, registrato dalla segreteria" in _testo(evento)
    # The sindaco sees his comune's ballot, marked as entered by the secretary.
    client.force_login(sindaco_crema)
    scheda = uno(client.get(_url("votazione", punto)), data_testid="scheda-voto")
    assert _testo(uno(scheda, data_testid="canale")) == "cartaceo, registrato dalla segreteria"


def test_voto_cartaceo_con_errori_accanto_ai_campi(client, votazione, punto, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    risposta = client.post(_url("voto-cartaceo", punto), {"comune": "", "persona": "  "})
    assert risposta.status_code == 200
    testo = _testo(uno(risposta, data_testid="form-cartaceo"))
    assert "Indica il comune che ha votato." in testo
    assert "Indica chi ha votato per il comune." in testo
    assert "Indica il voto espresso." in testo
    cremona = Comune.objects.get(nome="Cremona")
    risposta = client.post(
        _url("voto-cartaceo", punto),
        {"comune": cremona.pk, "scelta": "favorevole", "persona": "X", "qualita": "sindaco"},
    )
    assert "Il comune non appartiene a questo ambito." in _testo(
        uno(risposta, data_testid="form-cartaceo")
    )
    assert not Voto.objects.exists()


def test_voto_cartaceo_a_votazione_chiusa_409(client, votazione, punto, ufficio_piano_crema):
    services.chiudi_votazione(votazione, utente=ufficio_piano_crema)
    client.force_login(ufficio_piano_crema)
    crema = Comune.objects.get(nome="Crema")
    risposta = client.post(
        _url("voto-cartaceo", punto),
        {"comune": crema.pk, "scelta": "favorevole", "persona": "X", "qualita": "sindaco"},
    )
    assert risposta.status_code == 409
    assert _testo(uno(risposta, data_testid="errore-voto")) == CHIUSA
    assert not Voto.objects.exists()


# --- Receipts ---------------------------------------------------------------------------------


def _verifica(client, ambito, codice):
    risposta = client.post(_url_ricevuta(ambito), {"codice": codice})
    assert risposta.status_code == 200
    return risposta


def test_la_ricevuta_dice_se_il_voto_e_quello_conteggiato(
    client, cremasco, votazione, punto, sindaco_crema, ufficio_piano_crema, delegato_pandino
):
    crema = Comune.objects.get(nome="Crema")
    prima = services.vota(votazione, _rapp("Crema"), "favorevole", utente=sindaco_crema).ricevuta
    seconda = services.vota(votazione, _rapp("Crema"), "contrario", utente=sindaco_crema).ricevuta
    client.force_login(sindaco_crema)

    esito = uno(_verifica(client, cremasco, prima), data_testid="esito-ricevuta")
    assert dict(esito.attributes)["data-conteggiata"] == "no"
    assert _testo(uno(esito, data_testid="verdetto")) == (
        "Questo voto è stato sostituito da un voto successivo del comune: conta solo l'ultimo."
    )
    assert _testo(uno(esito, data_testid="comune")) == crema.nome
    assert "Approvazione del Piano di Zona" in _testo(esito)

    # Typed in lower case with spaces: still found.
    esito = uno(
        _verifica(client, cremasco, seconda.lower().replace("-", " - ")),
        data_testid="esito-ricevuta",
    )
    assert dict(esito.attributes)["data-conteggiata"] == "si"
    assert _testo(uno(esito, data_testid="verdetto")).startswith(
        "Questo è il voto valido del comune. La votazione è ancora aperta"
    )
    # An open ballot: the choice is public anyway.
    assert _testo(uno(esito, data_testid="scelta")) == "Contrario"

    services.chiudi_votazione(votazione, utente=ufficio_piano_crema)
    # Anyone of the ambito's Assemblea may check a code.
    for persona in (ufficio_piano_crema, delegato_pandino):
        client.force_login(persona)
        esito = uno(_verifica(client, cremasco, seconda), data_testid="esito-ricevuta")
        assert _testo(uno(esito, data_testid="verdetto")) == (
            "Questo voto è stato conteggiato nel risultato."
        )
        esito = uno(_verifica(client, cremasco, prima), data_testid="esito-ricevuta")
        assert _testo(uno(esito, data_testid="verdetto")) == (
            "Questo voto non è stato conteggiato: il comune lo ha sostituito con un voto "
            "successivo."
        )


def test_la_ricevuta_di_uno_scrutinio_segreto_non_rivela_la_scelta(
    client, cremasco, votazione_segreta, sindaco_crema
):
    codice = services.vota(
        votazione_segreta, _rapp("Crema"), "favorevole", utente=sindaco_crema
    ).ricevuta
    client.force_login(sindaco_crema)
    risposta = _verifica(client, cremasco, codice)
    esito = uno(risposta, data_testid="esito-ricevuta")
    assert dict(esito.attributes)["data-conteggiata"] == "si"
    assert not trova(esito, data_testid="scelta")
    assert "avorevol" not in risposta.content.decode()


def test_ricevuta_sconosciuta_o_di_un_altro_ambito(
    client, cremasco, cremonese, votazione, sindaco_crema, ufficio_piano_cremona, sindaco_cremona
):
    regola = _regola(cremonese, ufficio_piano_cremona)
    votazione_cremona = _votazione(
        _punto(_seduta(cremonese, ufficio_piano_cremona)), regola, ufficio_piano_cremona
    )
    codice = services.vota(
        votazione_cremona, _rapp("Cremona"), "favorevole", utente=sindaco_cremona
    ).ricevuta
    client.force_login(sindaco_crema)
    for cercato in (codice, "0000-0000-0000-0000-0000"):
        risposta = _verifica(client, cremasco, cercato)
        assert not trova(risposta, data_testid="esito-ricevuta")
        assert _testo(uno(risposta, data_testid="ricevuta-sconosciuta")) == (
            "Nessun voto di questo ambito ha questa ricevuta. Controlla il codice e riprova."
        )
    # The form with no code asks for one, and finds nothing.
    risposta = client.get(_url_ricevuta(cremasco))
    assert risposta.status_code == 200
    assert not trova(risposta, data_testid="ricevuta-sconosciuta")
    # In its own ambito, Cremona's sindaco finds it.
    client.force_login(sindaco_cremona)
    assert trova(_verifica(client, cremonese, codice), data_testid="esito-ricevuta")


# --- The log of the ballots -------------------------------------------------------------------


def test_il_registro_dei_voti_di_uno_scrutinio_palese(
    client, votazione, punto, ufficio_piano_crema, sindaco_crema
):
    crema = Comune.objects.get(nome="Crema")
    client.force_login(sindaco_crema)
    client.post(_url("vota", punto), {"comune": crema.pk, "scelta": "favorevole"})
    client.post(_url("vota", punto), {"comune": crema.pk, "scelta": "astenuto"})
    client.force_login(ufficio_piano_crema)
    registro = client.get(_url("votazione-eventi", punto))
    assert registro.status_code == 200
    righe = [_celle(r)[1:] for r in trova(registro, data_testid="evento")]
    persona = sindaco_crema.get_full_name()
    assert righe == [
        ["Crema", persona, "Sindaco", "Online", "Favorevole", "sostituito da un voto successivo"],
        ["Crema", persona, "Sindaco", "Online", "Astenuto", "valido"],
    ]
