"""The permission matrix of the Assemblea's session pages: every URL of assemblea/urls.py written
by the Ufficio di Piano's side, every persona, every wrong method, and nothing written by a request
that is refused.

The Ufficio di Piano (and the administrator) manage; the sindaci and delegati of the ambito read,
check in for their own comune and record its adoption of the plan (403 where they may see but not
act); everyone else gets 404, the anonymous a redirect to the login page.
"""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from ambiti.models import Comune
from assemblea.models import Delega, Presenza, PuntoOdg, Recepimento, RegolaVoto, Seduta
from piani.models import VersionePiano
from tests.assemblea.test_views_sedute import crea_regola, crea_seduta, crea_versione
from tests.utils.fotografia import fotografia

GESTORI = ["ufficio_piano_crema", "amministratore"]
SINDACI = ["sindaco_crema", "delegato_pandino"]
ESTRANEI = [
    "operatore_crema",
    "ente_crema",
    "ufficio_piano_cremona",
    "sindaco_cremona",
    "senza_ruolo",
]
PERSONE = [*GESTORI, *SINDACI, *ESTRANEI]

MODELLI = [RegolaVoto, Seduta, PuntoOdg, Delega, Presenza, Recepimento]


def _fotografia():
    return fotografia(*MODELLI)


@pytest.fixture
def scena(
    cremasco,
    cremonese,
    ufficio_piano_crema,
    amministratore,
    sindaco_crema,
    delegato_pandino,
    operatore_crema,
    ente_crema,
    ufficio_piano_cremona,
    sindaco_cremona,
    senza_ruolo,
):
    crea_regola(cremasco, ufficio_piano_crema)
    seduta = crea_seduta(cremasco, ufficio_piano_crema)
    punto = PuntoOdg.objects.create(seduta=seduta, ordine=1, titolo="Comunicazioni")
    PuntoOdg.objects.create(seduta=seduta, ordine=2, titolo="Varie ed eventuali")
    approvata = crea_versione(cremasco, ufficio_piano_crema, esito=VersionePiano.Esito.APPROVATA)
    crema = Comune.objects.get(nome="Crema")
    pandino = Comune.objects.get(nome="Pandino")
    Presenza.objects.create(
        seduta=seduta, comune=crema, persona="Sindaco di Crema", qualita="sindaco", via="segreteria"
    )
    # The same things in another ambito, to try their identifiers under this ambito's address.
    seduta_cremona = crea_seduta(cremonese, ufficio_piano_cremona, titolo="Seduta di Cremona")
    persone = {
        "ufficio_piano_crema": ufficio_piano_crema,
        "amministratore": amministratore,
        "sindaco_crema": sindaco_crema,
        "delegato_pandino": delegato_pandino,
        "operatore_crema": operatore_crema,
        "ente_crema": ente_crema,
        "ufficio_piano_cremona": ufficio_piano_cremona,
        "sindaco_cremona": sindaco_cremona,
        "senza_ruolo": senza_ruolo,
    }
    return SimpleNamespace(
        ambito=cremasco,
        seduta=seduta,
        punto=punto,
        approvata=approvata,
        crema=crema,
        pandino=pandino,
        seduta_cremona=seduta_cremona,
        persone=persone,
    )


# --- The cases: one URL, one method ------------------------------------------------------------

LETTURA, GESTIONE, CHECKIN, RECEPIMENTO = "lettura", "gestione", "checkin", "recepimento"

# name, method, kind of page
CASI = [
    ("regole", "get", LETTURA),
    ("regola-nuova", "get", GESTIONE),
    ("regola-nuova", "post", GESTIONE),
    ("sedute", "get", LETTURA),
    ("seduta-nuova", "get", GESTIONE),
    ("seduta-nuova", "post", GESTIONE),
    ("seduta", "get", LETTURA),
    ("seduta-modifica", "get", GESTIONE),
    ("seduta-modifica", "post", GESTIONE),
    ("punto-aggiungi", "post", GESTIONE),
    ("punto-elimina", "post", GESTIONE),
    ("seduta-convoca", "post", GESTIONE),
    ("seduta-prima-deserta", "post", GESTIONE),
    ("seduta-apri", "post", GESTIONE),
    ("seduta-chiudi", "post", GESTIONE),
    ("deleghe", "get", GESTIONE),
    ("deleghe", "post", GESTIONE),
    ("presenze", "get", LETTURA),
    ("presenze", "post", GESTIONE),
    ("presenza-uscita", "post", GESTIONE),
    ("checkin", "post", CHECKIN),
    ("recepimenti", "get", LETTURA),
    ("recepimenti", "post", RECEPIMENTO),
]

# What each view accepts: any other method is answered 405.
METODI = {
    "regole": {"get"},
    "regola-nuova": {"get", "post"},
    "sedute": {"get"},
    "seduta-nuova": {"get", "post"},
    "seduta": {"get"},
    "seduta-modifica": {"get", "post"},
    "punto-aggiungi": {"post"},
    "punto-elimina": {"post"},
    "seduta-convoca": {"post"},
    "seduta-prima-deserta": {"post"},
    "seduta-apri": {"post"},
    "seduta-chiudi": {"post"},
    "deleghe": {"get", "post"},
    "presenze": {"get", "post"},
    "presenza-uscita": {"post"},
    "checkin": {"post"},
    "recepimenti": {"get", "post"},
}


def _kwargs(nome, s, seduta=None):
    seduta = seduta or s.seduta
    if nome in ("regole", "regola-nuova", "sedute", "seduta-nuova"):
        return {"slug": s.ambito.slug}
    if nome == "recepimenti":
        return {"slug": s.ambito.slug, "pk": s.approvata.piano_id, "numero": s.approvata.numero}
    kwargs = {"slug": s.ambito.slug, "pk": seduta.pk}
    if nome == "punto-elimina":
        kwargs["punto"] = s.punto.pk
    elif nome == "presenza-uscita":
        kwargs["comune"] = s.crema.pk
    return kwargs


def _url(nome, s, **kwargs):
    return reverse(f"assemblea:{nome}", kwargs=_kwargs(nome, s, **kwargs))


SEDUTA = {
    "titolo": "Seduta",
    "modalita": "online",
    "luogo": "",
    "link_online": "https://meet.example.org/a",
    "prima_convocazione": "2026-05-10T17:30",
    "seconda_convocazione": "",
}


def _dati(nome, s, persona):
    """Valid data: what an allowed user posts succeeds, so a refusal is the permission's doing."""
    proprio = {"delegato_pandino": s.pandino, "sindaco_crema": s.crema}.get(persona, s.pandino)
    return {
        "regola-nuova": {
            "peso": "uno",
            "quorum": "teste",
            "quorum_seconda": "uguale",
            "maggioranza": "semplice",
            "base": "votanti",
            "misura_maggioranza": "teste",
            "scrutinio": "palese",
        },
        "seduta-nuova": SEDUTA,
        "seduta-modifica": SEDUTA,
        "punto-aggiungi": {"ordine": "3", "titolo": "Bilancio sociale"},
        "seduta-apri": {"convocazione": "prima"},
        "deleghe": {
            "comune": s.pandino.pk,
            "delegato": s.persone["delegato_pandino"].pk,
            "atto": "decreto n. 5",
        },
        "presenze": {"comuni": [s.pandino.pk], f"persona_{s.pandino.pk}": "Piero Comandulli"},
        "recepimenti": {
            "comune": proprio.pk,
            "data_atto": "2026-04-01",
            "numero_atto": "7",
            "organo": "Consiglio comunale",
        },
    }.get(nome, {})


def _atteso(nome, tipo, metodo, persona):
    if persona == "ente_crema" and nome == "recepimenti":
        # A participating ente reads the plan's frozen versions, and with them the comuni's
        # council adoptions; it records none.
        return 200 if metodo == "get" else 403
    if persona in ESTRANEI:
        return 404
    if persona in GESTORI:
        if tipo == CHECKIN:
            # The Ufficio di Piano speaks for no comune: it records presences as the secretary.
            return 403
        return 200 if metodo == "get" else 302
    # sindaco_crema, delegato_pandino (whose delegation for this session is not recorded).
    if tipo == LETTURA:
        return 200
    if tipo == RECEPIMENTO:
        return 302
    if tipo == CHECKIN:
        return 302 if persona == "sindaco_crema" else 403
    return 403


def _id(caso):
    return f"{caso[1]}-{caso[0]}"


@pytest.mark.parametrize("persona", PERSONE)
@pytest.mark.parametrize("caso", CASI, ids=_id)
def test_matrice(client, scena, caso, persona, django_capture_on_commit_callbacks):
    nome, metodo, tipo = caso
    client.force_login(scena.persone[persona])
    prima = _fotografia()
    with django_capture_on_commit_callbacks(execute=True):
        dati = _dati(nome, scena, persona) if metodo == "post" else {}
        risposta = getattr(client, metodo)(_url(nome, scena), dati)
    atteso = _atteso(nome, tipo, metodo, persona)
    assert risposta.status_code == atteso, risposta.content.decode()[:300]
    if atteso in (403, 404) or metodo == "get":
        assert _fotografia() == prima


@pytest.mark.parametrize("caso", CASI, ids=_id)
def test_anonimo_al_login(client, scena, caso):
    nome, metodo, _tipo = caso
    prima = _fotografia()
    indirizzo = _url(nome, scena)
    dati = _dati(nome, scena, None) if metodo == "post" else {}
    risposta = getattr(client, metodo)(indirizzo, dati)
    assert risposta.status_code == 302
    assert risposta["Location"] == f"{reverse('accounts:login')}?next={indirizzo}"
    assert _fotografia() == prima


METODI_SBAGLIATI = [
    (nome, metodo)
    for nome, ammessi in METODI.items()
    for metodo in ("get", "post", "put", "delete")
    if metodo not in ammessi
]


@pytest.mark.parametrize("persona", ["ufficio_piano_crema", "sindaco_crema"])
@pytest.mark.parametrize(("nome", "metodo"), METODI_SBAGLIATI, ids=lambda v: str(v))
def test_metodo_sbagliato(client, scena, nome, metodo, persona):
    client.force_login(scena.persone[persona])
    prima = _fotografia()
    risposta = getattr(client, metodo)(_url(nome, scena))
    assert risposta.status_code == 405
    assert _fotografia() == prima


PER_SEDUTA = sorted(
    {n for n, _m, _t in CASI} - {"regole", "regola-nuova", "sedute", "seduta-nuova", "recepimenti"}
)


@pytest.mark.parametrize("nome", PER_SEDUTA)
def test_seduta_di_un_altro_ambito(client, scena, nome):
    """Another ambito's session under this ambito's address, and under its own: 404 for the
    Ufficio di Piano of this ambito, whatever the method."""
    client.force_login(scena.persone["ufficio_piano_crema"])
    prima = _fotografia()
    indirizzo = _url(nome, scena, seduta=scena.seduta_cremona)
    metodo = "get" if "get" in METODI[nome] else "post"
    assert getattr(client, metodo)(indirizzo).status_code == 404
    proprio = reverse(
        f"assemblea:{nome}",
        kwargs=_kwargs(nome, scena, seduta=scena.seduta_cremona) | {"slug": "cremonese"},
    )
    assert getattr(client, metodo)(proprio).status_code == 404
    assert _fotografia() == prima


def test_recepimento_di_un_altra_versione_o_ambito(client, scena, cremonese, ufficio_piano_cremona):
    client.force_login(scena.persone["ufficio_piano_crema"])
    altra = crea_versione(cremonese, ufficio_piano_cremona, esito=VersionePiano.Esito.APPROVATA)
    sotto_questo = reverse(
        "assemblea:recepimenti",
        kwargs={"slug": "cremasco", "pk": altra.piano_id, "numero": altra.numero},
    )
    assert client.get(sotto_questo).status_code == 404
    sotto_il_suo = reverse(
        "assemblea:recepimenti",
        kwargs={"slug": "cremonese", "pk": altra.piano_id, "numero": altra.numero},
    )
    assert client.get(sotto_il_suo).status_code == 404


def test_delegato_con_delega_fa_il_checkin(client, scena):
    delegato = scena.persone["delegato_pandino"]
    Delega.objects.create(seduta=scena.seduta, comune=scena.pandino, delegato=delegato, atto="d")
    client.force_login(delegato)
    assert client.post(_url("checkin", scena)).status_code == 302
    assert Presenza.objects.filter(comune=scena.pandino, utente=delegato).exists()
    # His delegation is for Pandino only.
    risposta = client.post(_url("checkin", scena), {"comune": scena.crema.pk})
    assert risposta.status_code == 403


def test_link_di_navigazione(client, scena):
    for persona, visibile in [
        ("ufficio_piano_crema", True),
        ("sindaco_crema", True),
        ("delegato_pandino", True),
        ("operatore_crema", False),
    ]:
        client.force_login(scena.persone[persona])
        html = client.get(reverse("cruscotto", args=["cremasco"])).content.decode()
        assert (reverse("assemblea:sedute", args=["cremasco"]) in html) is visibile, persona
