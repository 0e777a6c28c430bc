"""The permission matrix of the Piano di Zona: every URL of piani/urls.py, every persona, every
state of the plan (and of the enti's review), every wrong method, and nothing written by a
request that is refused."""

import hashlib
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.models import Ruolo
from ambiti.demo import carica_periodo
from ambiti.models import Iscrizione
from piani import services
from piani.models import (
    CommentoSezione,
    Piano,
    PresenzaEditor,
    RenderPDF,
    RevisioneSezione,
    Sezione,
    TransizionePiano,
    VersionePiano,
)
from tests.factories import IscrizioneFactory, RuoloFactory, UserFactory
from tests.utils.html import testo as _testo
from tests.utils.html import trova

Stato = Piano.Stato
BOZZA = Stato.BOZZA
IN_REVISIONE = Stato.IN_REVISIONE
PER_ASSEMBLEA = Stato.PER_ASSEMBLEA
APPROVATO = Stato.APPROVATO
RESPINTO = Stato.RESPINTO
STATI = [BOZZA, IN_REVISIONE, PER_ASSEMBLEA, APPROVATO, RESPINTO]
# The sindaci read the plan from the moment it is sent for review; the Ufficio edits it until it
# is frozen.
LETTI_DAI_SINDACI = {IN_REVISIONE, PER_ASSEMBLEA, APPROVATO, RESPINTO}
# The enti read it in review, frozen and approved; a rejected plan is the sindaci's matter.
LETTI_DAGLI_ENTI = {IN_REVISIONE, PER_ASSEMBLEA, APPROVATO}
MODIFICABILI = {BOZZA, IN_REVISIONE}

TESTO_SEZIONE = "<p>Testo riservato della sezione sulla domiciliarità.</p>"
TESTO_COMMENTO = "Manca il trasporto sociale."
HTML_VERSIONE = "<!doctype html><title>Piano</title><p>Testo congelato per l'Assemblea</p>"

GESTORI = ["ufficio_piano_crema", "amministratore"]
SINDACI = ["sindaco_crema", "delegato_pandino"]
ENTI = ["ente_crema"]
# Users of the ambito with no part in the plan: an operator, and an ente whose registration in
# the register has ended.
ESTRANEI = ["operatore_crema", "ente_cessato_crema"]
ALTRI_AMBITI = ["ufficio_piano_cremona", "sindaco_cremona", "ente_cremona", "senza_ruolo"]
PERSONE = [*GESTORI, *SINDACI, *ENTI, *ESTRANEI, *ALTRI_AMBITI]

# Every table a request to these pages could write.
MODELLI = [
    Piano,
    Sezione,
    RevisioneSezione,
    PresenzaEditor,
    CommentoSezione,
    TransizionePiano,
    VersionePiano,
    RenderPDF,
]


def _fotografia():
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in MODELLI}


def _imposta_stato(piano, stato, *, aperta=False):
    Piano.objects.filter(pk=piano.pk).update(stato=stato, revisione_enti_aperta=aperta)
    piano.refresh_from_db()


def _versione(piano, numero, html=HTML_VERSIONE):
    return VersionePiano.objects.create(
        piano=piano,
        numero=numero,
        html=html,
        sha256_html=hashlib.sha256(html.encode()).hexdigest(),
    )


def _contenuto(piano, utente):
    """A section edited once (revisions 1 and 2), a comment on it, and a frozen version."""
    sezioni = list(piano.sezioni.order_by("ordine"))
    sezione = sezioni[1]
    sezione = services.salva_sezione(
        sezione=sezione,
        titolo=sezione.titolo,
        testo=TESTO_SEZIONE,
        versione_letta=sezione.versione,
        utente=utente,
    )
    commento = CommentoSezione.objects.create(sezione=sezione, autore=utente, testo=TESTO_COMMENTO)
    return sezioni, sezione, commento, _versione(piano, 1)


@pytest.fixture
def scena(
    cremasco,
    cremonese,
    iscrizione_crema,
    ufficio_piano_crema,
    amministratore,
    sindaco_crema,
    delegato_pandino,
    operatore_crema,
    ente_crema,
    ufficio_piano_cremona,
    sindaco_cremona,
    iscrizione_cremona,
    senza_ruolo,
):
    # An ente of Cremona's register, and one whose registration in the Cremasco's has ended.
    ente_cremona = UserFactory(username="ente_cremona")
    RuoloFactory(
        user=ente_cremona, tipo=Ruolo.Tipo.ENTE, ambito=cremonese, ente=iscrizione_cremona.ente
    )
    cessata = IscrizioneFactory(
        ambito=cremasco, ente__denominazione="Associazione Chiusa", stato=Iscrizione.Stato.CESSATA
    )
    ente_cessato = UserFactory(username="ente_cessato_crema")
    RuoloFactory(user=ente_cessato, tipo=Ruolo.Tipo.ENTE, ambito=cremasco, ente=cessata.ente)
    periodo = carica_periodo()
    piano = services.crea_piano(ambito=cremasco, periodo=periodo, utente=ufficio_piano_crema)
    sezioni, sezione, commento, versione = _contenuto(piano, ufficio_piano_crema)
    # The same content in another ambito, to try its identifiers under this ambito's address.
    piano_cremona = services.crea_piano(
        ambito=cremonese, periodo=periodo, utente=ufficio_piano_cremona
    )
    _s, sezione_cremona, commento_cremona, _v = _contenuto(piano_cremona, ufficio_piano_cremona)
    persone = {
        "ufficio_piano_crema": ufficio_piano_crema,
        "amministratore": amministratore,
        "sindaco_crema": sindaco_crema,
        "delegato_pandino": delegato_pandino,
        "operatore_crema": operatore_crema,
        "ente_crema": ente_crema,
        "ente_cessato_crema": ente_cessato,
        "ufficio_piano_cremona": ufficio_piano_cremona,
        "sindaco_cremona": sindaco_cremona,
        "ente_cremona": ente_cremona,
        "senza_ruolo": senza_ruolo,
    }
    return SimpleNamespace(
        ambito=cremasco,
        piano=piano,
        sezioni=sezioni,
        sezione=sezione,
        commento=commento,
        versione=versione,
        periodo_libero=carica_periodo("2021-2023"),
        piano_cremona=piano_cremona,
        sezione_cremona=sezione_cremona,
        commento_cremona=commento_cremona,
        persone=persone,
    )


# --- The cases: one URL, one method, one state of the plan -------------------------------------

PER_PIANO = {"dettaglio", "transizione", "sezione-aggiungi", "versione", "versione-testo"}


def _kwargs(nome, s, **extra):
    kwargs = {"slug": s.ambito.slug}
    if nome in ("elenco", "crea"):
        return kwargs
    kwargs["pk"] = s.piano.pk
    if nome in ("versione", "versione-testo"):
        kwargs["numero"] = s.versione.numero
    if nome not in PER_PIANO:
        kwargs["spk"] = s.sezione.pk
    if nome == "ripristina":
        kwargs["versione"] = 1
    elif nome == "commento-risolvi":
        kwargs["cpk"] = s.commento.pk
    return kwargs | extra


def _url(nome, s, **extra):
    return reverse(f"piani:{nome}", kwargs=_kwargs(nome, s, **extra))


def _dati(nome, s):
    """Valid data: what an allowed user posts succeeds, so a refusal is the permission's doing."""
    return {
        "crea": {"periodo": s.periodo_libero.pk},
        "sezione-aggiungi": {"titolo": "Nuova sezione", "blocco": ""},
        "sezione": {
            "titolo": "Titolo cambiato",
            "testo": "<p>Testo cambiato</p>",
            "versione": s.sezione.versione,
        },
        "commenti": {"testo": "Un commento nuovo"},
    }.get(nome, {})


# Kinds of page, as the sindaci and delegati of the ambito meet them.
ELENCO, CREA, LETTURA, GESTIONE, COMMENTO, RISOLUZIONE, VERSIONE = (
    "elenco",
    "crea",
    "lettura",
    "gestione",
    "commento",
    # Resolving the Ufficio di Piano's comment: a sindaco resolves only her own
    # (tests/piani/test_views_commenti.py).
    "risoluzione",
    "versione",
)

RIFIUTO = "403 o 404"


def _sindaci(tipo, stato):
    if tipo in (ELENCO, VERSIONE):
        return 200
    if tipo == CREA:
        return 403
    if stato not in LETTI_DAI_SINDACI:
        return 404
    if tipo == LETTURA:
        return 200
    if tipo == COMMENTO:
        return 302 if stato == IN_REVISIONE else 403
    return 403


def _enti(tipo, stato, aperta):
    """The enti of the ambito: the sindaci's reading, without the rejected plan, and comments
    only while the Ufficio di Piano keeps the review open to them."""
    if tipo in (ELENCO, VERSIONE):
        return 200
    if tipo == CREA:
        return 403
    if stato not in LETTI_DAGLI_ENTI:
        return 404
    if tipo == LETTURA:
        return 200
    if tipo == COMMENTO:
        return 302 if stato == IN_REVISIONE and aperta else 403
    return 403


def _estranei(tipo):
    return {ELENCO: 200}.get(tipo, 404)


@dataclass
class Caso:
    nome: str
    metodo: str
    tipo: str
    # (status, whether it writes) for the Ufficio di Piano and the administrator.
    gestori: tuple
    stato: str = BOZZA
    extra: dict = field(default_factory=dict)
    # The review opened to the enti (Piano.revisione_enti_aperta).
    aperta: bool = False

    @property
    def id(self):
        parti = [self.nome, *self.extra.values(), self.metodo, self.stato]
        return "-".join([*parti, "enti"] if self.aperta else parti)

    def attesi(self):
        """Per persona: (status, whether the request writes). Refusals never write; an allowed
        GET writes only where the case says so (the editor records who has it open)."""
        attesi = dict.fromkeys(GESTORI, self.gestori)
        codice = _sindaci(self.tipo, self.stato)
        # A sindaco's allowed POST is a comment: it writes.
        attesi |= dict.fromkeys(SINDACI, (codice, self.metodo == "post" and codice == 302))
        codice = _enti(self.tipo, self.stato, self.aperta)
        attesi |= dict.fromkeys(ENTI, (codice, self.metodo == "post" and codice == 302))
        attesi |= dict.fromkeys(ESTRANEI, (_estranei(self.tipo), False))
        return attesi | dict.fromkeys(ALTRI_AMBITI, (404, False))


def _casi():
    casi = [
        Caso("elenco", "get", ELENCO, (200, False)),
        Caso("elenco", "get", ELENCO, (200, False), stato=IN_REVISIONE),
        Caso("crea", "post", CREA, (302, True)),
    ]
    da = {"invia": {BOZZA}, "bozza": {IN_REVISIONE, PER_ASSEMBLEA, RESPINTO}}
    da["congela"] = MODIFICABILI
    da["apri-enti"] = {IN_REVISIONE}
    # Closing writes only what was opened: see the cases with the review open below.
    da["chiudi-enti"] = set()
    for stato in STATI:
        modificabile = stato in MODIFICABILI
        casi += [
            Caso("dettaglio", "get", LETTURA, (200, False), stato),
            *(
                Caso("transizione", "post", GESTIONE, (302, stato in da[a]), stato, {"azione": a})
                for a in AZIONI
            ),
            Caso("sezione-aggiungi", "post", GESTIONE, (302, modificabile), stato),
            # A frozen plan's editor sends back to the plan, with a message.
            Caso("sezione", "get", GESTIONE, (200, True) if modificabile else (302, False), stato),
            Caso("sezione", "post", GESTIONE, (302, modificabile), stato),
            *(
                Caso("sezione-sposta", "post", GESTIONE, (302, modificabile), stato, {"verso": v})
                for v in ("su", "giu")
            ),
            Caso("sezione-elimina", "post", GESTIONE, (302, modificabile), stato),
            Caso("presenza", "post", GESTIONE, (200, modificabile), stato),
            Caso("revisioni", "get", GESTIONE, (200, False), stato),
            Caso("ripristina", "post", GESTIONE, (302, modificabile), stato),
            Caso("commenti", "get", LETTURA, (200, False), stato),
            Caso("commenti", "post", COMMENTO, (302, True), stato),
            Caso("commento-risolvi", "post", RISOLUZIONE, (302, True), stato),
            Caso("versione", "get", VERSIONE, (200, False), stato),
            Caso("versione-testo", "get", VERSIONE, (200, False), stato),
        ]
    # The review open to the enti: they comment, and the Ufficio di Piano closes it again.
    casi += [
        Caso("commenti", "post", COMMENTO, (302, True), IN_REVISIONE, aperta=True),
        Caso("commento-risolvi", "post", RISOLUZIONE, (302, True), IN_REVISIONE, aperta=True),
        Caso("commenti", "get", LETTURA, (200, False), IN_REVISIONE, aperta=True),
        Caso("dettaglio", "get", LETTURA, (200, False), IN_REVISIONE, aperta=True),
        *(
            Caso(
                "transizione",
                "post",
                GESTIONE,
                (302, a != "invia"),
                IN_REVISIONE,
                {"azione": a},
                True,
            )
            for a in AZIONI
            if a != "apri-enti"
        ),
        Caso(
            "transizione",
            "post",
            GESTIONE,
            (302, False),
            IN_REVISIONE,
            {"azione": "apri-enti"},
            True,
        ),
    ]
    return casi


AZIONI = ("invia", "bozza", "congela", "apri-enti", "chiudi-enti")
CASI = _casi()


def _chiama(client, scena, persona, caso, *, url=None, dati=None):
    """One request in a savepoint rolled back afterwards, so that every persona finds the same
    data. Returns the response and whether the request wrote anything."""
    with transaction.atomic():
        client.logout()
        if persona is not None:
            client.force_login(scena.persone[persona])
        prima = _fotografia()
        risposta = getattr(client, caso.metodo)(
            url or _url(caso.nome, scena, **caso.extra),
            _dati(caso.nome, scena) if dati is None else dati,
        )
        scritto = _fotografia() != prima
        transaction.set_rollback(True)
    return risposta, scritto


@pytest.mark.parametrize("caso", CASI, ids=lambda c: c.id)
def test_matrice_dei_permessi(client, scena, caso):
    _imposta_stato(scena.piano, caso.stato, aperta=caso.aperta)
    attesi, ottenuti = {}, {}
    for persona in PERSONE:
        risposta, scritto = _chiama(client, scena, persona, caso)
        codice, scrive = caso.attesi()[persona]
        ottenuto = risposta.status_code
        if codice == RIFIUTO and ottenuto in (403, 404):
            ottenuto = RIFIUTO
        attesi[persona] = (codice, scrive)
        ottenuti[persona] = (ottenuto, scritto)
    assert ottenuti == attesi


@pytest.mark.parametrize("caso", [c for c in CASI if c.stato == BOZZA], ids=lambda c: c.id)
def test_anonimo_va_al_login(client, scena, caso):
    risposta, scritto = _chiama(client, scena, None, caso)
    assert risposta.status_code == 302
    assert risposta["Location"].startswith(reverse("accounts:login"))
    assert not scritto


@pytest.mark.parametrize("persona", ESTRANEI)
def test_estranei_dell_ambito_ricevono_404_su_crea(client, scena, persona):
    risposta, scritto = _chiama(client, scena, persona, Caso("crea", "post", CREA, ()))
    assert not scritto
    assert risposta.status_code == 404


# --- Methods -----------------------------------------------------------------------------------

METODI = {"get", "post", "put", "patch", "delete"}
AMMESSI = {
    "elenco": {"get"},
    "crea": {"post"},
    "dettaglio": {"get"},
    "transizione": {"post"},
    "sezione-aggiungi": {"post"},
    "sezione": {"get", "post"},
    "sezione-sposta": {"post"},
    "sezione-elimina": {"post"},
    "presenza": {"post"},
    "revisioni": {"get"},
    "ripristina": {"post"},
    "commenti": {"get", "post"},
    "commento-risolvi": {"post"},
    "versione": {"get"},
    "versione-testo": {"get"},
}
EXTRA = {"transizione": {"azione": "congela"}, "sezione-sposta": {"verso": "su"}}


def test_la_matrice_copre_ogni_indirizzo():
    from piani.urls import urlpatterns

    nomi = {p.name for p in urlpatterns}
    assert nomi == set(AMMESSI)
    assert nomi == {c.nome for c in CASI}
    assert {c.metodo for c in CASI if c.nome == "commenti"} == {"get", "post"}
    assert {c.metodo for c in CASI if c.nome == "sezione"} == {"get", "post"}
    from piani.views import AZIONI as AZIONI_DELLA_VISTA

    azioni = {c.extra["azione"] for c in CASI if c.nome == "transizione"}
    assert azioni == set(AZIONI) == set(AZIONI_DELLA_VISTA)
    assert {c.extra["verso"] for c in CASI if c.nome == "sezione-sposta"} == {"su", "giu"}
    for nome in nomi - {"elenco", "crea"}:
        assert {c.stato for c in CASI if c.nome == nome and not c.aperta} == set(STATI), nome


@pytest.mark.parametrize(
    ("nome", "metodo"),
    [(n, m) for n, ammessi in AMMESSI.items() for m in sorted(METODI - ammessi)],
)
@pytest.mark.parametrize("persona", ["ufficio_piano_crema", "sindaco_crema"])
def test_metodo_sbagliato(client, scena, nome, metodo, persona):
    _imposta_stato(scena.piano, IN_REVISIONE)
    client.force_login(scena.persone[persona])
    prima = _fotografia()
    risposta = getattr(client, metodo)(_url(nome, scena, **EXTRA.get(nome, {})), _dati(nome, scena))
    assert risposta.status_code == 405
    assert _fotografia() == prima


# --- Identifiers from elsewhere under this plan's address -------------------------------------


@pytest.mark.parametrize("persona", ["ufficio_piano_crema", "amministratore", "sindaco_crema"])
def test_il_piano_di_un_altro_ambito_sotto_questo_indirizzo_e_404(client, scena, persona):
    """Cremona's plan, its section, comment and version, asked under the Cremasco's slug, or
    the Cremasco's plan under Cremona's: 404 everywhere, even for the administrator, who sees
    both ambiti."""
    for piano in (scena.piano, scena.piano_cremona):
        _imposta_stato(piano, IN_REVISIONE)
    altro = SimpleNamespace(
        **vars(scena)
        | {
            "piano": scena.piano_cremona,
            "sezione": scena.sezione_cremona,
            "commento": scena.commento_cremona,
        }
    )
    scambiato = SimpleNamespace(**vars(scena) | {"ambito": scena.piano_cremona.ambito})
    client.force_login(scena.persone[persona])
    prima = _fotografia()
    ottenuti = {}
    for caso in CASI:
        if caso.stato != IN_REVISIONE or caso.nome in ("elenco", "crea"):
            continue
        for nome_scena, s in (
            ("cremona-sotto-cremasco", altro),
            ("cremasco-sotto-cremona", scambiato),
        ):
            url = _url(caso.nome, s, **caso.extra)
            risposta = getattr(client, caso.metodo)(url, _dati(caso.nome, s))
            ottenuti[(caso.id, nome_scena)] = risposta.status_code
    assert ottenuti == dict.fromkeys(ottenuti, 404)
    assert _fotografia() == prima


def test_sezioni_e_commenti_di_un_altro_piano_sotto_questo_piano_sono_404(
    client, scena, ufficio_piano_crema, cremasco
):
    """A second plan of the same ambito: its section, comment and revision under the first
    plan's address are not found."""
    secondo = services.crea_piano(
        ambito=cremasco, periodo=scena.periodo_libero, utente=ufficio_piano_crema
    )
    _sezioni, sezione, commento, _versione_2 = _contenuto(secondo, ufficio_piano_crema)
    altra_sezione_stesso_piano = scena.sezioni[0]
    commento_altra_sezione = CommentoSezione.objects.create(
        sezione=altra_sezione_stesso_piano, autore=ufficio_piano_crema, testo="Altrove"
    )
    client.force_login(ufficio_piano_crema)
    prima = _fotografia()
    base = {"slug": "cremasco", "pk": scena.piano.pk}
    casi = [
        ("get", "sezione", base | {"spk": sezione.pk}),
        ("post", "sezione", base | {"spk": sezione.pk}),
        ("post", "sezione-sposta", base | {"spk": sezione.pk, "verso": "su"}),
        ("post", "sezione-elimina", base | {"spk": sezione.pk}),
        ("post", "presenza", base | {"spk": sezione.pk}),
        ("get", "revisioni", base | {"spk": sezione.pk}),
        ("post", "ripristina", base | {"spk": sezione.pk, "versione": 1}),
        # A revision number this section does not have.
        ("post", "ripristina", base | {"spk": scena.sezione.pk, "versione": 99}),
        ("get", "commenti", base | {"spk": sezione.pk}),
        ("post", "commenti", base | {"spk": sezione.pk}),
        ("post", "commento-risolvi", base | {"spk": scena.sezione.pk, "cpk": commento.pk}),
        # A comment of another section of the same plan under this section's address.
        (
            "post",
            "commento-risolvi",
            base | {"spk": scena.sezione.pk, "cpk": commento_altra_sezione.pk},
        ),
        ("get", "versione", base | {"numero": 2}),
        ("get", "versione-testo", base | {"numero": 2}),
    ]
    ottenuti = {}
    for metodo, nome, kwargs in casi:
        dati = _dati(nome, scena)
        risposta = getattr(client, metodo)(reverse(f"piani:{nome}", kwargs=kwargs), dati)
        ottenuti[f"{metodo} {nome} {kwargs}"] = risposta.status_code
    assert ottenuti == dict.fromkeys(ottenuti, 404)
    assert _fotografia() == prima


def test_azione_sconosciuta(client, scena):
    client.force_login(scena.persone["ufficio_piano_crema"])
    prima = _fotografia()
    assert client.post(_url("transizione", scena, azione="approva")).status_code == 404
    assert _fotografia() == prima


def test_verso_sconosciuto(client, scena):
    client.force_login(scena.persone["ufficio_piano_crema"])
    prima = _fotografia()
    assert client.post(_url("sezione-sposta", scena, verso="sinistra")).status_code == 404
    assert _fotografia() == prima


@pytest.mark.parametrize("persona", ["ufficio_piano_crema", "ufficio_piano_cremona"])
def test_crea_rifiuta_un_periodo_che_ha_gia_il_piano(client, scena, persona):
    client.force_login(scena.persone[persona])
    prima = _fotografia()
    url = reverse("piani:crea", args=["cremasco"])
    assert client.post(url, {"periodo": scena.piano.periodo.pk}).status_code == 404
    assert client.post(url, {}).status_code == 404
    assert _fotografia() == prima


@pytest.mark.parametrize(
    ("nome", "dati", "atteso"),
    [
        ("crea", {"periodo": "nessuno"}, 404),
        ("sezione-aggiungi", {"titolo": "Nuova", "blocco": "", "area": "x"}, 302),
        ("commenti", {"testo": "Risposta", "risposta_a": "x"}, 302),
    ],
    ids=["crea", "sezione-aggiungi", "commenti"],
)
def test_identificativi_non_numerici_nei_moduli(client, scena, nome, dati, atteso):
    client.force_login(scena.persone["ufficio_piano_crema"])
    assert client.post(_url(nome, scena), dati).status_code == atteso


def test_l_area_di_un_altro_periodo_non_si_aggancia(client, scena, ufficio_piano_crema):
    from ambiti.demo import carica_aree_policy

    area_altrui = carica_aree_policy(scena.periodo_libero)[0]
    client.force_login(ufficio_piano_crema)
    dati = {"titolo": "Con area altrui", "blocco": "obiettivi", "area": area_altrui.pk}
    assert client.post(_url("sezione-aggiungi", scena), dati).status_code == 302
    assert Sezione.objects.get(titolo="Con area altrui").area is None


# --- What each persona sees --------------------------------------------------------------------


def _html(client, user, url):
    client.force_login(user)
    risposta = client.get(url)
    assert risposta.status_code == 200
    return risposta.content.decode()


@pytest.mark.parametrize("stato", STATI)
@pytest.mark.parametrize("persona", [*GESTORI, *SINDACI, *ENTI, *ESTRANEI])
def test_l_elenco_mostra_solo_i_piani_leggibili(client, scena, stato, persona):
    """Each plan to whoever reads it; a plan she may not read now (a new draft) still lists its
    frozen versions to the sindaci and the enti, who read those."""
    _imposta_stato(scena.piano, stato)
    html = _html(client, scena.persone[persona], _url("elenco", scena))
    visibile = (
        persona in GESTORI
        or (persona in SINDACI and stato in LETTI_DAI_SINDACI)
        or (persona in ENTI and stato in LETTI_DAGLI_ENTI)
    )
    lettore_delle_versioni = persona in SINDACI or persona in ENTI
    assert (f'"{_url("dettaglio", scena)}"' in html) == visibile
    assert (f'"{_url("versione", scena)}"' in html) == lettore_delle_versioni
    assert (scena.piano.titolo in html) == (visibile or lettore_delle_versioni)
    assert ("Nessun piano da mostrare." in html) == (persona in ESTRANEI)
    assert scena.piano_cremona.titolo not in html
    assert (reverse("piani:crea", args=["cremasco"]) in html) == (persona in GESTORI)


@pytest.mark.parametrize("stato", sorted(LETTI_DAI_SINDACI))
@pytest.mark.parametrize("persona", SINDACI)
def test_i_sindaci_leggono_senza_moduli_di_modifica(client, scena, stato, persona):
    _imposta_stato(scena.piano, stato)
    html = _html(client, scena.persone[persona], _url("dettaglio", scena))
    assert scena.sezione.titolo in html
    assert _url("commenti", scena) in html
    for azione in ("invia", "bozza", "congela"):
        assert _url("transizione", scena, azione=azione) not in html
    for nome in ("sezione", "sezione-elimina", "revisioni", "sezione-aggiungi"):
        assert f'"{_url(nome, scena)}"' not in html
    assert f'"{_url("versione", scena)}"' in html


@pytest.mark.parametrize("stato", STATI)
def test_il_commento_del_sindaco_solo_in_revisione(client, scena, sindaco_crema, stato):
    _imposta_stato(scena.piano, stato)
    client.force_login(sindaco_crema)
    risposta = client.post(_url("commenti", scena), {"testo": "Osservazione del sindaco"})
    atteso = {BOZZA: 404, IN_REVISIONE: 302}.get(stato, 403)
    assert risposta.status_code == atteso
    assert CommentoSezione.objects.filter(autore=sindaco_crema).exists() == (atteso == 302)


@pytest.mark.parametrize("stato", [PER_ASSEMBLEA, APPROVATO, RESPINTO])
def test_chi_non_puo_commentare_non_vede_i_moduli(client, scena, sindaco_crema, stato):
    _imposta_stato(scena.piano, stato)
    client.force_login(sindaco_crema)
    risposta = client.get(_url("commenti", scena))
    assert risposta.status_code == 200
    assert TESTO_COMMENTO in _testo(trova(risposta, data_testid="commento")[0])
    # No comment, reply or resolve form (the logout form of the page header is not one).
    assert not trova(risposta, "textarea", name="testo")
    assert not trova(risposta, "input", name="risposta_a")
    assert not trova(risposta, "form", action=_url("commento-risolvi", scena))


@pytest.mark.parametrize("persona", [*GESTORI, *SINDACI])
def test_la_versione_congelata_si_legge_anche_quando_il_piano_torna_in_bozza(
    client, scena, persona
):
    _imposta_stato(scena.piano, BOZZA)
    html = _html(client, scena.persone[persona], _url("versione", scena))
    assert scena.versione.sha256_html in html
    client.force_login(scena.persone[persona])
    testo = client.get(_url("versione-testo", scena))
    assert testo.content.decode() == HTML_VERSIONE
    assert "sandbox" in testo["Content-Security-Policy"]
    # The plan itself, in bozza, stays hidden from the sindaci.
    atteso = 200 if persona in GESTORI else 404
    assert client.get(_url("dettaglio", scena)).status_code == atteso
