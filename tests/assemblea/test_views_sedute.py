"""The Assemblea dei Sindaci in the browser, Ufficio di Piano side and session pages: voting rules,
sessions with their agenda, the convocation by e-mail, opening and closing, delegations, the
register of presences with the live quorum, and the councils' adoption of the approved plan."""

import datetime
import hashlib
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from accounts.models import Ruolo
from ambiti.demo import carica_periodo
from ambiti.models import Comune, Popolazione
from assemblea import services
from assemblea.models import (
    Delega,
    Presenza,
    PuntoOdg,
    Recepimento,
    RegolaVoto,
    Seduta,
    Votazione,
)
from piani import services as piani_services
from piani.models import Piano, RenderPDF, VersionePiano
from tests.factories import RuoloFactory, UserFactory
from tests.utils.html import testo as leggi
from tests.utils.html import trova, uno

ROMA = ZoneInfo("Europe/Rome")
Misura = RegolaVoto.Misura
SHA_PDF = "ab12" * 16


# --- Data shared with the permission and query tests ------------------------------------------


def crea_regola(ambito, utente, quote=None, **campi):
    dati = {
        "peso": RegolaVoto.Peso.POPOLAZIONE,
        "fonte_popolazione": "ANPR",
        "quorum": Misura.ENTRAMBE,
        "quorum_seconda": RegolaVoto.QuorumSeconda.UN_TERZO,
        "maggioranza": RegolaVoto.Maggioranza.ASSOLUTA,
        "base": RegolaVoto.Base.PRESENTI,
        "misura_maggioranza": Misura.POPOLAZIONE,
        "minimo_comuni_favorevoli": 11,
    } | campi
    return services.nuova_regola(RegolaVoto(ambito=ambito, **dati), utente=utente, quote=quote)


def crea_seduta(ambito, utente, titolo="Approvazione del Piano di Zona", **campi):
    dati = {
        "modalita": Seduta.Modalita.MISTA,
        "luogo": "Sala degli Ostaggi, Crema",
        "link_online": "https://meet.example.org/assemblea",
        "prima_convocazione": datetime.datetime(2026, 3, 10, 17, 30, tzinfo=ROMA),
        "seconda_convocazione": datetime.datetime(2026, 3, 11, 17, 30, tzinfo=ROMA),
    } | campi
    return Seduta.objects.create(ambito=ambito, titolo=titolo, convocata_da=utente, **dati)


def crea_versione(ambito, utente, *, periodo="2025-2027", esito=VersionePiano.Esito.IN_ATTESA):
    """A plan sent to the Assemblea, frozen as version 1 with its PDF rendered."""
    piano = piani_services.crea_piano(ambito=ambito, periodo=carica_periodo(periodo), utente=utente)
    Piano.objects.filter(pk=piano.pk).update(stato=Piano.Stato.PER_ASSEMBLEA)
    html = f"<p>Piano {ambito.nome}</p>"
    versione = VersionePiano.objects.create(
        piano=piano,
        numero=1,
        html=html,
        sha256_html=hashlib.sha256(html.encode()).hexdigest(),
        esito=esito,
        creata_da=utente,
    )
    RenderPDF.objects.create(
        piano=piano,
        versione=versione,
        sha256_html=versione.sha256_html,
        stato=RenderPDF.Stato.COMPLETATO,
        progresso=100,
        sha256_pdf=SHA_PDF,
        file="piani/pdf/prova.pdf",
    )
    return versione


def url(nome, seduta=None, **kwargs):
    if seduta is not None:
        kwargs = {"slug": seduta.ambito.slug, "pk": seduta.pk} | kwargs
    return reverse(f"assemblea:{nome}", kwargs=kwargs)


def presenta(seduta, comune, persona="Persona Presente", qualita="sindaco", via="segreteria"):
    return Presenza.objects.create(
        seduta=seduta, comune=comune, persona=persona, qualita=qualita, via=via
    )


def messaggi(risposta):
    return [str(m) for m in risposta.context["messages"]] if risposta.context else []


def errori(risposta, campo):
    return list(risposta.context["form"].errors.get(campo, []))


@pytest.fixture
def regola(cremasco, ufficio_piano_crema):
    return crea_regola(cremasco, ufficio_piano_crema)


@pytest.fixture
def seduta(cremasco, ufficio_piano_crema):
    return crea_seduta(cremasco, ufficio_piano_crema)


@pytest.fixture
def versione(cremasco, ufficio_piano_crema):
    return crea_versione(cremasco, ufficio_piano_crema)


@pytest.fixture
def up(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    return client


# --- Voting rules ----------------------------------------------------------------------------


def _dati_regola(**campi):
    return {
        "peso": "popolazione",
        "fonte_popolazione": "ANPR, popolazione residente",
        "data_popolazione": "",
        "quorum": "entrambe",
        "quorum_seconda": "un_terzo",
        "maggioranza": "assoluta",
        "base": "presenti",
        "misura_maggioranza": "popolazione",
        "minimo_comuni_favorevoli": "11",
        "astenuti_nel_quorum": "on",
        "astenuti_tra_i_votanti": "on",
        "scrutinio": "palese",
        "note": "Regolamento dell'Assemblea, art. 7",
    } | campi


def test_regole_prima_versione_e_storia(up, cremasco, ufficio_piano_crema):
    pagina = up.get(url("regole", slug="cremasco"))
    assert uno(pagina, data_testid="nessuna-regola")

    risposta = up.post(url("regola-nuova", slug="cremasco"), _dati_regola(), follow=True)
    assert "Regole di voto salvate come versione 1." in " ".join(messaggi(risposta))
    corrente = leggi(uno(risposta, data_testid="regola-corrente"))
    assert "ogni comune pesa quanto la sua popolazione residente (ANPR, popolazione" in corrente
    assert (
        "sono presenti più della metà dei comuni, che rappresentino anche più della metà degli "
        "abitanti." in corrente
    )
    assert "In seconda convocazione basta la presenza di almeno un terzo." in corrente
    assert (
        "i favorevoli sono più della metà dei presenti, contando gli abitanti rappresentati"
        in corrente
    )
    assert "Servono inoltre almeno 11 comuni favorevoli" in corrente
    assert "Regolamento dell'Assemblea, art. 7" in corrente

    # The form of the next version starts from the current one.
    modulo = up.get(url("regola-nuova", slug="cremasco"))
    iniziali = modulo.context["form"].initial
    assert iniziali["peso"] == "popolazione"
    assert iniziali["minimo_comuni_favorevoli"] == 11
    assert iniziali["note"] == "Regolamento dell'Assemblea, art. 7"

    up.post(
        url("regola-nuova", slug="cremasco"),
        _dati_regola(
            peso="uno",
            quorum="teste",
            misura_maggioranza="teste",
            maggioranza="semplice",
            minimo_comuni_favorevoli="",
            scrutinio="segreto",
        ),
    )
    regole = list(RegolaVoto.objects.filter(ambito=cremasco).order_by("versione"))
    assert [r.versione for r in regole] == [1, 2]
    assert regole[1].creata_da == ufficio_piano_crema
    # Version 1 is untouched: a change is a new version.
    assert regole[0].peso == "popolazione" and regole[0].minimo_comuni_favorevoli == 11
    pagina = up.get(url("regole", slug="cremasco"))
    assert "Un voto per comune" in leggi(uno(pagina, data_testid="regola-corrente"))
    assert "Scrutinio segreto" in leggi(uno(pagina, data_testid="regola-corrente"))
    assert len(trova(pagina, data_testid="regola-precedente")) == 1


def test_regole_popolazione_solo_con_voto_ponderato(up, cremasco):
    risposta = up.post(
        url("regola-nuova", slug="cremasco"),
        _dati_regola(peso="uno", quorum="popolazione", misura_maggioranza="entrambe"),
    )
    assert risposta.status_code == 200
    assert errori(risposta, "quorum") == [
        "Un quorum per peso richiede il voto ponderato, sulla popolazione o sulle quote."
    ]
    assert errori(risposta, "misura_maggioranza") == [
        "Una maggioranza per peso richiede il voto ponderato, sulla popolazione o sulle quote."
    ]
    html = risposta.content.decode()
    assert "Un quorum per peso richiede il voto ponderato" in html
    assert not RegolaVoto.objects.exists()


def test_regole_minimo_comuni_non_oltre_i_comuni_dell_ambito(up, cremasco):
    risposta = up.post(
        url("regola-nuova", slug="cremasco"), _dati_regola(minimo_comuni_favorevoli="49")
    )
    assert errori(risposta, "minimo_comuni_favorevoli") == [
        "L'ambito ha 48 comuni: il minimo non può superarli."
    ]
    risposta = up.post(
        url("regola-nuova", slug="cremasco"), _dati_regola(minimo_comuni_favorevoli="0")
    )
    assert errori(risposta, "minimo_comuni_favorevoli")
    assert not RegolaVoto.objects.exists()
    up.post(url("regola-nuova", slug="cremasco"), _dati_regola(minimo_comuni_favorevoli="48"))
    assert RegolaVoto.objects.get().minimo_comuni_favorevoli == 48


def test_regole_data_della_popolazione_per_ogni_comune(up, cremasco):
    data = datetime.date(2024, 1, 1)
    comuni = list(Comune.objects.filter(ambito=cremasco).order_by("nome"))
    for comune in comuni[:-2]:
        Popolazione.objects.create(
            comune=comune, data_riferimento=data, fonte="ISTAT", residenti=1000
        )
    risposta = up.post(
        url("regola-nuova", slug="cremasco"), _dati_regola(data_popolazione="2024-01-01")
    )
    [errore] = errori(risposta, "data_popolazione")
    assert errore == (
        f"Manca la popolazione al 01/01/2024 per: {comuni[-2].nome}, {comuni[-1].nome}."
    )
    assert errore in risposta.content.decode()
    assert not RegolaVoto.objects.exists()

    for comune in comuni[-2:]:
        Popolazione.objects.create(
            comune=comune, data_riferimento=data, fonte="ISTAT", residenti=1000
        )
    up.post(url("regola-nuova", slug="cremasco"), _dati_regola(data_popolazione="2024-01-01"))
    assert RegolaVoto.objects.get().data_popolazione == data


def test_i_sindaci_leggono_le_regole_senza_modificarle(client, sindaco_crema, regola):
    client.force_login(sindaco_crema)
    pagina = client.get(url("regole", slug="cremasco"))
    assert pagina.status_code == 200
    assert "che rappresentino anche più della metà degli abitanti" in leggi(
        uno(pagina, data_testid="regola-corrente")
    )
    assert not trova(pagina, data_testid="nuove-regole")
    assert client.get(url("regola-nuova", slug="cremasco")).status_code == 403


# --- Sessions: list and form -----------------------------------------------------------------


def _dati_seduta(**campi):
    return {
        "titolo": "Approvazione del Piano di Zona 2025-2027",
        "modalita": "mista",
        "luogo": "Sala degli Ostaggi, Crema",
        "link_online": "https://meet.example.org/assemblea",
        "prima_convocazione": "2026-03-10T17:30",
        "seconda_convocazione": "2026-03-11T17:30",
    } | campi


def test_crea_seduta_con_orari_italiani(up, cremasco, ufficio_piano_crema):
    risposta = up.post(url("seduta-nuova", slug="cremasco"), _dati_seduta())
    seduta = Seduta.objects.get()
    assert risposta.status_code == 302
    assert risposta["Location"] == url("seduta", seduta)
    assert seduta.ambito == cremasco
    assert seduta.convocata_da == ufficio_piano_crema
    assert seduta.stato == Seduta.Stato.CONVOCATA
    assert seduta.prima_convocazione == datetime.datetime(2026, 3, 10, 17, 30, tzinfo=ROMA)
    pagina = up.get(url("seduta", seduta))
    assert leggi(uno(pagina, data_testid="prima-convocazione")) == "martedì 10 marzo 2026, 17:30"
    assert leggi(uno(pagina, data_testid="inviti")) == "non ancora inviata"


@pytest.mark.parametrize(
    ("campi", "campo", "messaggio"),
    [
        (
            {"seconda_convocazione": "2026-03-10T17:30"},
            "seconda_convocazione",
            "La seconda convocazione deve essere successiva alla prima.",
        ),
        (
            {"seconda_convocazione": "2026-03-09T17:30"},
            "seconda_convocazione",
            "La seconda convocazione deve essere successiva alla prima.",
        ),
        (
            {"modalita": "presenza", "luogo": ""},
            "luogo",
            "Indica il luogo della seduta in presenza.",
        ),
        (
            {"modalita": "online", "link_online": ""},
            "link_online",
            "Indica il collegamento per partecipare online.",
        ),
        ({"modalita": "mista", "luogo": ""}, "luogo", "Indica il luogo della seduta in presenza."),
        (
            {"modalita": "mista", "link_online": ""},
            "link_online",
            "Indica il collegamento per partecipare online.",
        ),
        ({"prima_convocazione": ""}, "prima_convocazione", "Questo campo è obbligatorio."),
    ],
)
def test_seduta_errori_accanto_al_campo(up, cremasco, campi, campo, messaggio):
    risposta = up.post(url("seduta-nuova", slug="cremasco"), _dati_seduta(**campi))
    assert risposta.status_code == 200
    assert errori(risposta, campo) == [messaggio]
    assert messaggio in risposta.content.decode()
    assert not Seduta.objects.exists()


def test_seduta_online_senza_luogo_e_senza_seconda(up):
    up.post(
        url("seduta-nuova", slug="cremasco"),
        _dati_seduta(modalita="online", luogo="", seconda_convocazione=""),
    )
    seduta = Seduta.objects.get()
    assert seduta.luogo == "" and seduta.seconda_convocazione is None


def test_elenco_sedute_prossime_e_concluse(up, cremasco, cremonese, ufficio_piano_crema):
    crea_seduta(cremasco, ufficio_piano_crema, titolo="Seduta di marzo")
    chiusa = crea_seduta(
        cremasco,
        ufficio_piano_crema,
        titolo="Seduta di gennaio",
        prima_convocazione=datetime.datetime(2026, 1, 10, 17, 30, tzinfo=ROMA),
        seconda_convocazione=None,
    )
    Seduta.objects.filter(pk=chiusa.pk).update(stato=Seduta.Stato.CHIUSA)
    crea_seduta(cremonese, ufficio_piano_crema, titolo="Seduta di un altro ambito")
    pagina = up.get(url("sedute", slug="cremasco"))
    righe = [leggi(r) for r in trova(pagina, data_testid="seduta")]
    assert len(righe) == 2
    assert righe[0].startswith("Seduta di marzo") and "Convocata" in righe[0]
    assert righe[1].startswith("Seduta di gennaio") and "Chiusa" in righe[1]
    assert uno(pagina, data_testid="nuova-seduta")


def test_modifica_solo_finche_convocata(up, seduta, regola):
    risposta = up.post(url("seduta-modifica", seduta), _dati_seduta(titolo="Titolo nuovo"))
    assert risposta.status_code == 302
    seduta.refresh_from_db()
    assert seduta.titolo == "Titolo nuovo"

    services.apri_seduta(seduta, utente=None, convocazione="prima")
    risposta = up.post(
        url("seduta-modifica", seduta), _dati_seduta(titolo="Ancora nuovo"), follow=True
    )
    assert "La seduta è già stata aperta: i suoi dati non si modificano." in messaggi(risposta)
    seduta.refresh_from_db()
    assert seduta.titolo == "Titolo nuovo"


def test_modifica_dopo_la_convocazione_invita_a_reinviarla(up, seduta):
    Seduta.objects.filter(pk=seduta.pk).update(inviti_inviati_il=datetime.datetime.now(tz=ROMA))
    risposta = up.post(
        url("seduta-modifica", seduta), _dati_seduta(luogo="Sala Bottesini"), follow=True
    )
    assert any("inviala di nuovo" in m for m in messaggi(risposta))


# --- Agenda ----------------------------------------------------------------------------------


def test_punto_con_versione_del_piano_mostra_pdf_e_impronta(up, seduta, versione):
    risposta = up.post(
        url("punto-aggiungi", seduta),
        {
            "ordine": "1",
            "titolo": "Approvazione del Piano di Zona",
            "descrizione": "Relazione dell'Ufficio di Piano.",
            "versione_piano": str(versione.pk),
        },
    )
    assert risposta.status_code == 302
    punto = PuntoOdg.objects.get()
    assert punto.versione_piano == versione
    pagina = up.get(url("seduta", seduta))
    [riga] = trova(pagina, data_testid="punto")
    assert "1. Approvazione del Piano di Zona" in leggi(riga)
    render = versione.pdf
    assert dict(uno(riga, data_testid="pdf-punto").attributes)["href"] == reverse(
        "piani_pdf:scarica",
        kwargs={"slug": "cremasco", "pk": versione.piano_id, "rpk": render.pk},
    )
    assert leggi(uno(riga, data_testid="sha256-punto")) == SHA_PDF
    # The form offers the next number.
    assert pagina.context["form_punto"].initial["ordine"] == 2


def test_punto_con_htmx_e_errori(up, seduta, versione, cremasco, ufficio_piano_crema):
    PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Comunicazioni")
    approvata = crea_versione(
        cremasco, ufficio_piano_crema, periodo="2021-2023", esito=VersionePiano.Esito.APPROVATA
    )
    risposta = up.post(
        url("punto-aggiungi", seduta),
        {"ordine": "1", "titolo": "", "versione_piano": str(approvata.pk)},
        HTTP_HX_REQUEST="true",
    )
    assert risposta.status_code == 200
    html = risposta.content.decode()
    assert "<html" not in html and 'id="odg"' in html
    form = risposta.context["form_punto"]
    assert form.errors["ordine"] == ["Esiste già il punto n. 1 all'ordine del giorno."]
    assert form.errors["titolo"] == ["Questo campo è obbligatorio."]
    # Only frozen versions waiting for the vote can be put to it.
    assert form.errors["versione_piano"]
    assert "Esiste già il punto n. 1" in html

    risposta = up.post(
        url("punto-aggiungi", seduta), {"ordine": "0", "titolo": "Varie"}, HTTP_HX_REQUEST="true"
    )
    assert risposta.context["form_punto"].errors["ordine"] == ["I punti si numerano da 1."]
    risposta = up.post(
        url("punto-aggiungi", seduta),
        {"ordine": "2", "titolo": "Approvazione", "versione_piano": str(versione.pk)},
        HTTP_HX_REQUEST="true",
    )
    assert len(trova(risposta, data_testid="punto")) == 2
    assert "Punto aggiunto all'ordine del giorno." in risposta.content.decode()


def test_punto_elimina_solo_senza_votazione(up, seduta, regola):
    punto = PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Comunicazioni")
    up.post(url("punto-elimina", seduta, punto=punto.pk))
    assert not PuntoOdg.objects.exists()

    punto = PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Comunicazioni")
    Votazione.objects.create(punto=punto, regola=regola)
    risposta = up.post(url("punto-elimina", seduta, punto=punto.pk), follow=True)
    assert "Il punto ha una votazione: non si può eliminare." in messaggi(risposta)
    assert PuntoOdg.objects.exists()


def test_ordine_del_giorno_chiuso_dopo_l_apertura(up, seduta, regola):
    services.apri_seduta(seduta, utente=None, convocazione="prima")
    risposta = up.post(
        url("punto-aggiungi", seduta), {"ordine": "1", "titolo": "Varie"}, follow=True
    )
    assert "La seduta è già stata aperta: l'ordine del giorno non cambia più." in messaggi(risposta)
    assert not PuntoOdg.objects.exists()
    assert not trova(risposta, data_testid="form-punto")


# --- Convocation -----------------------------------------------------------------------------


@pytest.fixture
def sindaci_crema(cremasco, sindaco_crema, delegato_pandino, sindaco_cremona):
    """Who should receive the convocation, and some who should not."""
    comuni = {c.nome: c for c in Comune.objects.filter(ambito=cremasco)}
    lodi = UserFactory(username="sindaco_lodi", email="Sindaca.Offanengo@example.org")
    RuoloFactory(user=lodi, tipo=Ruolo.Tipo.SINDACO, ambito=cremasco, comune=comuni["Offanengo"])
    # A past mayor, a mayor without address, a disabled account.
    ex = UserFactory(username="ex_sindaco", email="ex@example.org")
    RuoloFactory(
        user=ex,
        tipo=Ruolo.Tipo.SINDACO,
        ambito=cremasco,
        comune=comuni["Bagnolo Cremasco"],
        attivo=False,
    )
    senza = UserFactory(username="senza_email", email="")
    RuoloFactory(
        user=senza, tipo=Ruolo.Tipo.SINDACO, ambito=cremasco, comune=comuni["Vaiano Cremasco"]
    )
    spento = UserFactory(username="spento", email="spento@example.org", is_active=False)
    RuoloFactory(user=spento, tipo=Ruolo.Tipo.DELEGATO, ambito=cremasco, comune=comuni["Crema"])
    return [
        "delegato_pandino@example.org",
        "Sindaca.Offanengo@example.org",
        "sindaco_crema@example.org",
    ]


def test_convocazione_via_email_ai_sindaci_e_delegati(
    up, seduta, versione, sindaci_crema, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.PDZ_BASE_URL = "https://pdz.example.org"
    PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Comunicazioni del presidente")
    PuntoOdg.objects.create(
        seduta=seduta, ordine=2, titolo="Approvazione del Piano di Zona", versione_piano=versione
    )
    with django_capture_on_commit_callbacks(execute=True):
        risposta = up.post(url("seduta-convoca", seduta))
    assert risposta.status_code == 302
    assert sorted(m.to[0] for m in mailoutbox) == sorted(sindaci_crema)
    assert all(len(m.to) == 1 for m in mailoutbox)
    messaggio = mailoutbox[0]
    assert messaggio.subject == (
        "Convocazione dell'Assemblea dei Sindaci Cremasco: Approvazione del Piano di Zona, "
        "10 marzo 2026"
    )
    corpo = messaggio.body
    assert "Prima convocazione: martedì 10 marzo 2026, ore 17:30" in corpo
    assert "Seconda convocazione: mercoledì 11 marzo 2026, ore 17:30" in corpo
    assert "Luogo: Sala degli Ostaggi, Crema" in corpo
    assert "Collegamento online: https://meet.example.org/assemblea" in corpo
    assert "1. Comunicazioni del presidente\n2. Approvazione del Piano di Zona" in corpo
    assert f"Impronta del PDF (SHA-256): {SHA_PDF}" in corpo
    assert f"https://pdz.example.org/ambiti/cremasco/assemblea/sedute/{seduta.pk}/" in corpo
    [(nome, contenuto, _tipo)] = [
        (a.get_filename(), a.get_payload(decode=True), a.get_content_type())
        for a in messaggio.attachments
    ]
    assert nome == "convocazione.ics"
    [evento] = Calendar.from_ical(contenuto).walk("VEVENT")
    assert evento["dtstart"].dt == datetime.datetime(2026, 3, 10, 17, 30, tzinfo=ROMA)
    assert "Assemblea dei Sindaci" in str(evento["summary"])

    seduta.refresh_from_db()
    assert seduta.inviti_inviati_il is not None
    pagina = up.get(url("seduta", seduta))
    assert leggi(uno(pagina, data_testid="inviti")).startswith(
        "inviata ai sindaci e ai delegati il"
    )
    assert leggi(uno(pagina, data_testid="invia-convocazione")) == (
        "Invia di nuovo la convocazione"
    )

    # Sending again is allowed, and says so.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        risposta = up.post(url("seduta-convoca", seduta), follow=True)
    assert messaggi(risposta) == [
        "Convocazione inviata di nuovo a 3 sindaci e delegati: sostituisce la precedente."
    ]
    assert len(mailoutbox) == 3
    assert mailoutbox[0].subject.startswith("Nuovo invio — Convocazione")
    assert mailoutbox[0].body.startswith("Nuovo invio della convocazione")
    [secondo] = Calendar.from_ical(mailoutbox[0].attachments[0].get_payload(decode=True)).walk(
        "VEVENT"
    )
    assert secondo["sequence"] >= evento["sequence"]


def test_convocazione_rifiutata_senza_ordine_del_giorno(
    up, seduta, sindaco_crema, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        risposta = up.post(url("seduta-convoca", seduta), follow=True)
    assert messaggi(risposta) == [
        "Aggiungi almeno un punto all'ordine del giorno prima di inviare la convocazione."
    ]
    assert mailoutbox == []
    seduta.refresh_from_db()
    assert seduta.inviti_inviati_il is None


# --- Opening and closing ---------------------------------------------------------------------


def test_apertura_in_prima_convocazione_con_quorum(up, seduta, regola, cremasco):
    comuni = list(Comune.objects.filter(ambito=cremasco).order_by("-popolazione"))
    for comune in comuni[:25]:
        presenta(seduta, comune)
    risposta = up.post(url("seduta-apri", seduta), {"convocazione": "prima"}, follow=True)
    seduta.refresh_from_db()
    assert seduta.stato == Seduta.Stato.APERTA
    assert seduta.convocazione == "prima"
    assert seduta.quorum_apertura["raggiunto"] is True
    [messaggio] = messaggi(risposta)
    assert messaggio.startswith(
        "Seduta aperta in prima convocazione: quorum costitutivo raggiunto: presenti 25 comuni su 48"
    )
    quorum = leggi(uno(risposta, data_testid="quorum-apertura"))
    assert "Raggiunto" in quorum
    popolazione = sum(c.popolazione for c in comuni[:25])
    assert f"{popolazione:,}".replace(",", ".") in quorum
    assert "Quorum in comuni: richiesto più della metà di 48, presenti 25 — superato" in quorum


def test_apertura_in_seconda_senza_quorum(up, seduta, regola, cremasco):
    comuni = list(Comune.objects.filter(ambito=cremasco).order_by("popolazione"))
    for comune in comuni[:10]:
        presenta(seduta, comune)
    # Both calls are past: the first is declared deserted, then the session opens in second.
    up.post(url("seduta-prima-deserta", seduta), follow=True)
    risposta = up.post(url("seduta-apri", seduta), {"convocazione": "seconda"}, follow=True)
    seduta.refresh_from_db()
    assert seduta.quorum_prima["presenti"]["teste"] == 10
    assert seduta.convocazione == "seconda"
    assert seduta.quorum_apertura["raggiunto"] is False
    assert "quorum costitutivo non raggiunto" in messaggi(risposta)[0]
    assert "Non raggiunto" in leggi(uno(risposta, data_testid="quorum-apertura"))


def test_apertura_rifiutata_spiegata(up, cremasco, ufficio_piano_crema):
    senza_seconda = crea_seduta(cremasco, ufficio_piano_crema, seconda_convocazione=None)
    risposta = up.post(url("seduta-apri", senza_seconda), {"convocazione": "prima"}, follow=True)
    assert messaggi(risposta) == ["L'ambito non ha ancora regole di voto."]
    crea_regola(cremasco, ufficio_piano_crema)
    risposta = up.post(url("seduta-apri", senza_seconda), {"convocazione": "seconda"}, follow=True)
    assert messaggi(risposta) == ["La seduta non prevede una seconda convocazione."]
    risposta = up.post(url("seduta-apri", senza_seconda), {"convocazione": "terza"}, follow=True)
    assert messaggi(risposta) == ["Scegli se la seduta si apre in prima o in seconda convocazione."]
    senza_seconda.refresh_from_db()
    assert senza_seconda.stato == Seduta.Stato.CONVOCATA
    up.post(url("seduta-apri", senza_seconda), {"convocazione": "prima"}, follow=True)
    risposta = up.post(url("seduta-apri", senza_seconda), {"convocazione": "prima"}, follow=True)
    assert messaggi(risposta) == ["La seduta è già stata aperta."]


def test_chiusura_e_verbale(up, seduta, regola):
    risposta = up.post(url("seduta-chiudi", seduta), follow=True)
    assert messaggi(risposta) == ["La seduta non è aperta."]
    services.apri_seduta(seduta, utente=None, convocazione="prima")
    punto = PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Bilancio")
    votazione = Votazione.objects.create(punto=punto, regola=regola, stato=Votazione.Stato.APERTA)
    risposta = up.post(url("seduta-chiudi", seduta), follow=True)
    assert messaggi(risposta) == ["Chiudere prima le votazioni aperte."]
    assert not trova(risposta, data_testid="verbale-pdf")
    Votazione.objects.filter(pk=votazione.pk).update(
        stato=Votazione.Stato.CHIUSA,
        chiusa_il=datetime.datetime.now(tz=ROMA),
        esito=Votazione.Esito.APPROVATA,
    )
    risposta = up.post(url("seduta-chiudi", seduta), follow=True)
    assert messaggi(risposta) == ["Seduta chiusa: il verbale è disponibile in PDF."]
    verbale = uno(risposta, data_testid="verbale-pdf")
    assert dict(verbale.attributes)["href"] == url("verbale-pdf", seduta)
    assert "Approvata" in leggi(uno(risposta, data_testid="votazione-punto"))
    # A closed session is read-only for the secretary as well.
    assert not trova(risposta, data_testid="form-punto")
    assert not trova(risposta, data_testid="apri-seduta")


def test_pagina_della_seduta_per_il_sindaco(client, sindaco_crema, seduta, versione, regola):
    punto = PuntoOdg.objects.create(
        seduta=seduta, ordine=1, titolo="Approvazione", versione_piano=versione
    )
    services.apri_seduta(seduta, utente=None, convocazione="prima")
    Votazione.objects.create(punto=punto, regola=regola)
    client.force_login(sindaco_crema)
    pagina = client.get(url("seduta", seduta))
    assert pagina.status_code == 200
    assert "Preparata" in leggi(uno(pagina, data_testid="votazione-punto"))
    assert uno(pagina, data_testid="pdf-punto")
    # Nothing of the secretary's.
    for chiave in (
        "invia-convocazione",
        "prima-deserta",
        "apri-seduta",
        "chiudi-seduta",
        "form-punto",
        "crea-votazione",
    ):
        assert not trova(pagina, data_testid=chiave)


def test_link_alla_votazione_e_al_recepimento(up, seduta, versione, regola):
    punto = PuntoOdg.objects.create(
        seduta=seduta, ordine=1, titolo="Approvazione", versione_piano=versione
    )
    services.apri_seduta(seduta, utente=None, convocazione="prima")
    pagina = up.get(url("seduta", seduta))
    crea = reverse(
        "assemblea:votazione-crea",
        kwargs={"slug": "cremasco", "pk": seduta.pk, "punto": punto.pk},
    )
    assert uno(pagina, data_testid="crea-votazione")
    assert any(dict(f.attributes).get("action") == crea for f in trova(pagina, "form"))
    Votazione.objects.create(punto=punto, regola=regola)
    VersionePiano.objects.filter(pk=versione.pk).update(esito=VersionePiano.Esito.APPROVATA)
    pagina = up.get(url("seduta", seduta))
    assert not trova(pagina, data_testid="crea-votazione")
    votazione = uno(pagina, data_testid="votazione-punto")
    assert "Preparata" in leggi(votazione)
    assert uno(votazione, "a").attributes == [
        (
            "href",
            reverse(
                "assemblea:votazione",
                kwargs={"slug": "cremasco", "pk": seduta.pk, "punto": punto.pk},
            ),
        )
    ]
    link = uno(pagina, data_testid="link-recepimenti")
    assert dict(link.attributes)["href"] == reverse(
        "assemblea:recepimenti",
        kwargs={"slug": "cremasco", "pk": versione.piano_id, "numero": versione.numero},
    )


# --- Delegations -----------------------------------------------------------------------------


def test_deleghe_registra_rifiuta_elimina(up, seduta, delegato_pandino, cremasco):
    pandino = Comune.objects.get(nome="Pandino")
    crema = Comune.objects.get(nome="Crema")
    pagina = up.get(url("deleghe", seduta))
    assert (
        "Nome Cognome" in pagina.content.decode() or "delegato_pandino" in pagina.content.decode()
    )

    # The delegate of Pandino cannot speak for Crema.
    risposta = up.post(
        url("deleghe", seduta),
        {"comune": crema.pk, "delegato": delegato_pandino.pk, "atto": "decreto n. 5"},
    )
    [errore] = errori(risposta, "delegato")
    assert errore.endswith("non è delegato del sindaco di Crema.")
    assert not Delega.objects.exists()

    risposta = up.post(
        url("deleghe", seduta), {"comune": pandino.pk, "delegato": delegato_pandino.pk, "atto": ""}
    )
    assert errori(risposta, "atto") == ["Questo campo è obbligatorio."]

    up.post(
        url("deleghe", seduta),
        {
            "comune": pandino.pk,
            "delegato": delegato_pandino.pk,
            "atto": "decreto n. 5 del 2/3/2026",
        },
    )
    delega = Delega.objects.get()
    assert delega.registrata_da is not None and delega.comune == pandino
    risposta = up.post(
        url("deleghe", seduta),
        {"comune": pandino.pk, "delegato": delegato_pandino.pk, "atto": "altro"},
    )
    assert errori(risposta, "comune") == [
        "Per Pandino è già registrata una delega per questa seduta."
    ]
    pagina = up.get(url("deleghe", seduta))
    assert len(trova(pagina, data_testid="delega")) == 1
    # The session page shows it to everyone.
    assert "decreto n. 5 del 2/3/2026" in leggi(
        uno(up.get(url("seduta", seduta)), data_testid="deleghe")
    )

    up.post(url("deleghe", seduta), {"elimina": delega.pk})
    assert not Delega.objects.exists()


def test_deleghe_ferme_a_seduta_chiusa(up, seduta, delegato_pandino):
    pandino = Comune.objects.get(nome="Pandino")
    delega = Delega.objects.create(
        seduta=seduta, comune=pandino, delegato=delegato_pandino, atto="decreto"
    )
    Seduta.objects.filter(pk=seduta.pk).update(stato=Seduta.Stato.CHIUSA)
    risposta = up.post(url("deleghe", seduta), {"elimina": delega.pk}, follow=True)
    assert messaggi(risposta) == ["La seduta è chiusa: le deleghe non cambiano più."]
    assert Delega.objects.exists()
    assert not trova(risposta, data_testid="form-delega")


# --- Presences -------------------------------------------------------------------------------


def _riga(pagina, comune):
    [riga] = [
        r
        for r in trova(pagina, data_testid="riga-presenza")
        if dict(r.attributes)["data-comune"] == comune
    ]
    return riga


def test_registro_con_tutti_i_comuni_e_quorum_in_diretta(up, seduta, regola, cremasco):
    pagina = up.get(url("presenze", seduta))
    assert len(trova(pagina, data_testid="riga-presenza")) == 48
    crema = Comune.objects.get(nome="Crema")
    assert f"{crema.popolazione:,}".replace(",", ".") in leggi(_riga(pagina, "Crema"))
    assert "non raggiunto" in leggi(uno(pagina, data_testid="quorum-ora"))

    risposta = up.post(
        url("presenze", seduta),
        {"comuni": [crema.pk], f"persona_{crema.pk}": "Fabio Bergamaschi"},
        HTTP_HX_REQUEST="true",
    )
    assert risposta.status_code == 200
    html = risposta.content.decode()
    assert "<html" not in html
    assert 'id="registro"' in html and 'hx-swap-oob="true"' in html
    assert "Presenze registrate: Crema, Fabio Bergamaschi." in html
    presenza = Presenza.objects.get()
    assert (presenza.persona, presenza.qualita, presenza.via) == (
        "Fabio Bergamaschi",
        "sindaco",
        "segreteria",
    )
    riga = _riga(risposta, "Crema")
    assert dict(riga.attributes)["data-presente"] == "si"
    assert "Registrata dalla segreteria" in leggi(riga)
    assert "1 comuni su 48" in leggi(uno(risposta, data_testid="conteggi"))

    # Half plus one of the comuni and of the population: the quorum holds.
    for comune in Comune.objects.filter(ambito=cremasco).order_by("-popolazione")[:25]:
        Presenza.objects.get_or_create(
            seduta=seduta,
            comune=comune,
            defaults={"persona": "X", "qualita": "sindaco", "via": "segreteria"},
        )
    registro = up.get(url("presenze", seduta), HTTP_HX_REQUEST="true")
    assert "<html" not in registro.content.decode()
    assert "raggiunto" in leggi(uno(registro, data_testid="quorum-ora"))
    assert "non raggiunto" not in leggi(uno(registro, data_testid="quorum-ora"))

    risposta = up.post(url("presenza-uscita", seduta, comune=crema.pk), HTTP_HX_REQUEST="true")
    riga = _riga(risposta, "Crema")
    assert dict(riga.attributes)["data-presente"] == "no"
    assert "uscito" in leggi(riga)
    assert Presenza.objects.get(comune=crema).uscita_il is not None


def test_registro_errori_della_segreteria(up, seduta, regola, delegato_pandino):
    pandino = Comune.objects.get(nome="Pandino")
    risposta = up.post(
        url("presenze", seduta), {"comuni": [pandino.pk], f"qualita_{pandino.pk}": "delegato"}
    )
    assert errori(risposta, f"qualita_{pandino.pk}") == [
        "Per Pandino non è registrata una delega per questa seduta: registrala prima nelle deleghe."
    ]
    # Without a mayor on record a name is needed.
    risposta = up.post(url("presenze", seduta), {"comuni": [pandino.pk]})
    assert errori(risposta, f"persona_{pandino.pk}") == [
        "Per Pandino non risulta un sindaco in carica nel portale: indica il nome di chi è presente."
    ]
    assert not Presenza.objects.exists()

    # With the delegation recorded, the delegate's name is filled in.
    Delega.objects.create(seduta=seduta, comune=pandino, delegato=delegato_pandino, atto="decreto")
    up.post(url("presenze", seduta), {"comuni": [pandino.pk], f"qualita_{pandino.pk}": "delegato"})
    presenza = Presenza.objects.get()
    assert presenza.persona == delegato_pandino.get_full_name()
    assert presenza.qualita == "delegato"


def test_checkin_online_del_sindaco(client, seduta, regola, sindaco_crema):
    client.force_login(sindaco_crema)
    pagina = client.get(url("presenze", seduta))
    assert "Registra la mia presenza per Crema" in leggi(uno(pagina, data_testid="checkin"))
    assert not trova(pagina, data_testid="form-presenza")
    risposta = client.post(url("checkin", seduta), HTTP_HX_REQUEST="true")
    assert risposta.status_code == 200
    presenza = Presenza.objects.get()
    assert presenza.comune.nome == "Crema"
    assert (presenza.via, presenza.qualita, presenza.utente) == ("online", "sindaco", sindaco_crema)
    assert "Sei presente per Crema." in leggi(uno(risposta, data_testid="checkin"))
    assert "Accesso online" in leggi(_riga(risposta, "Crema"))
    # The sindaco cannot record the presence of another comune, nor mark exits.
    pandino = Comune.objects.get(nome="Pandino")
    assert client.post(url("checkin", seduta), {"comune": pandino.pk}).status_code == 403
    assert client.post(url("presenza-uscita", seduta, comune=presenza.comune_id)).status_code == 403


def test_checkin_del_delegato_solo_con_delega(client, seduta, regola, delegato_pandino):
    client.force_login(delegato_pandino)
    assert client.post(url("checkin", seduta)).status_code == 403
    assert not Presenza.objects.exists()
    Delega.objects.create(
        seduta=seduta,
        comune=Comune.objects.get(nome="Pandino"),
        delegato=delegato_pandino,
        atto="decreto",
    )
    risposta = client.post(url("checkin", seduta), follow=True)
    assert messaggi(risposta) == ["Presenza registrata per Pandino."]
    assert Presenza.objects.get().qualita == "delegato"


def test_registro_in_sola_lettura_a_seduta_chiusa(up, seduta, regola, sindaco_crema, client):
    crema = Comune.objects.get(nome="Crema")
    presenta(seduta, crema)
    Seduta.objects.filter(pk=seduta.pk).update(stato=Seduta.Stato.CHIUSA)
    pagina = up.get(url("presenze", seduta))
    assert not trova(pagina, data_testid="form-presenza")
    assert "hx-trigger" not in pagina.content.decode()
    risposta = up.post(
        url("presenze", seduta),
        {"comuni": [crema.pk], f"persona_{crema.pk}": "X"},
        follow=True,
    )
    assert messaggi(risposta) == ["La seduta è chiusa: le presenze non cambiano più."]
    risposta = up.post(url("presenza-uscita", seduta, comune=crema.pk), HTTP_HX_REQUEST="true")
    assert risposta.status_code == 409
    assert Presenza.objects.get().uscita_il is None


def test_registro_con_popolazione_mancante_alla_data(up, seduta, cremasco, ufficio_piano_crema):
    RegolaVoto.objects.create(
        ambito=cremasco,
        versione=1,
        peso="popolazione",
        data_popolazione=datetime.date(2020, 1, 1),
        quorum="entrambe",
        misura_maggioranza="popolazione",
    )
    pagina = up.get(url("presenze", seduta))
    assert pagina.status_code == 200
    assert leggi(uno(pagina, data_testid="quorum-ora")).startswith(
        "Manca la popolazione al 01/01/2020 per:"
    )


# --- Adoption by the councils ----------------------------------------------------------------


@pytest.fixture
def approvata(cremasco, ufficio_piano_crema):
    return crea_versione(cremasco, ufficio_piano_crema, esito=VersionePiano.Esito.APPROVATA)


def _url_recepimenti(versione):
    return reverse(
        "assemblea:recepimenti",
        kwargs={"slug": "cremasco", "pk": versione.piano_id, "numero": versione.numero},
    )


def test_recepimento_del_sindaco_per_il_proprio_comune(client, sindaco_crema, approvata):
    client.force_login(sindaco_crema)
    pagina = client.get(_url_recepimenti(approvata))
    assert len(trova(pagina, data_testid="riga-recepimento")) == 48
    form = pagina.context["form"]
    assert [c.nome for c in form.fields["comune"].queryset] == ["Crema"]
    crema = Comune.objects.get(nome="Crema")
    risposta = client.post(
        _url_recepimenti(approvata),
        {
            "comune": crema.pk,
            "data_atto": "2026-04-02",
            "numero_atto": "12",
            "organo": "Consiglio comunale",
        },
        follow=True,
    )
    assert messaggi(risposta) == ["Recepimento registrato: Crema, delibera n. 12 del 02/04/2026."]
    assert "2 aprile 2026" in leggi(
        next(
            r
            for r in trova(risposta, data_testid="riga-recepimento")
            if dict(r.attributes)["data-comune"] == "Crema"
        )
    )
    assert "1 comuni su 48" in leggi(uno(risposta, data_testid="conteggio-recepimenti"))
    # Nothing left to record for him; a second entry is refused, not overwritten.
    assert risposta.context["form"] is None
    risposta = client.post(
        _url_recepimenti(approvata),
        {"comune": crema.pk, "data_atto": "2026-04-03", "numero_atto": "13", "organo": "Giunta"},
    )
    assert errori(risposta, "comune") == [
        "Il recepimento di Crema è già registrato: non si sovrascrive. "
        "Per correggerlo rivolgiti all'Ufficio di Piano."
    ]
    assert Recepimento.objects.get().numero_atto == "12"
    # Another comune is not his to record.
    pandino = Comune.objects.get(nome="Pandino")
    risposta = client.post(
        _url_recepimenti(approvata),
        {
            "comune": pandino.pk,
            "data_atto": "2026-04-03",
            "numero_atto": "13",
            "organo": "Consiglio comunale",
        },
    )
    assert errori(risposta, "comune")
    assert Recepimento.objects.count() == 1


def test_recepimento_della_segreteria_per_ogni_comune(up, approvata):
    pandino = Comune.objects.get(nome="Pandino")
    risposta = up.post(
        _url_recepimenti(approvata),
        {
            "comune": pandino.pk,
            "data_atto": "2099-01-01",
            "numero_atto": "3",
            "organo": "Consiglio comunale",
        },
    )
    assert errori(risposta, "data_atto") == ["La data della delibera non può essere futura."]
    up.post(
        _url_recepimenti(approvata),
        {
            "comune": pandino.pk,
            "data_atto": "2026-04-01",
            "numero_atto": "3",
            "organo": "Consiglio comunale",
        },
    )
    recepimento = Recepimento.objects.get()
    assert recepimento.comune == pandino and recepimento.registrato_da is not None
    pagina = up.get(_url_recepimenti(approvata))
    assert pagina.context["form"].fields["comune"].queryset.count() == 47


def test_recepimento_solo_per_versioni_approvate(up, versione):
    assert up.get(_url_recepimenti(versione)).status_code == 404


def test_convocazione_di_una_seduta_con_a_capo_nel_titolo_salvato_prima_parte_lo_stesso(
    up, seduta, versione, sindaci_crema, mailoutbox, django_capture_on_commit_callbacks
):
    """A title with a line break, saved before the forms refused them, once made the convocation
    fail on the e-mail header: the subject goes out on one line instead."""
    Seduta.objects.filter(pk=seduta.pk).update(titolo="Assemblea\r\nordinaria")
    PuntoOdg.objects.create(
        seduta=seduta, ordine=1, titolo="Approvazione del Piano di Zona", versione_piano=versione
    )
    with django_capture_on_commit_callbacks(execute=True):
        risposta = up.post(url("seduta-convoca", seduta))
    assert risposta.status_code == 302
    assert sorted(m.to[0] for m in mailoutbox) == sorted(sindaci_crema)
    assert mailoutbox[0].subject == (
        "Convocazione dell'Assemblea dei Sindaci Cremasco: Assemblea ordinaria, 10 marzo 2026"
    )
