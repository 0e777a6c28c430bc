"""Who may do what with the votes: every URL of assemblea/urls_voto.py, every persona, every
wrong method, and nothing written by a request that is refused."""

from types import SimpleNamespace

import pytest
from django.db import transaction
from django.urls import reverse

from ambiti.models import Comune
from assemblea import services
from assemblea.models import AventeDiritto, Delega, EventoVoto, Presenza, Votazione, Voto
from tests.assemblea.test_views_voto import _punto, _regola, _seduta, _url, _votazione
from tests.utils.fotografia import fotografia

GESTORI = ["ufficio_piano_crema", "amministratore"]
SINDACO = "sindaco_crema"
# A delegato of the ambito with no delegation recorded for the session.
DELEGATO = "delegato_pandino"
ESTRANEI = ["operatore_crema", "ente_crema"]
ALTRI_AMBITI = ["ufficio_piano_cremona", "sindaco_cremona", "senza_ruolo"]
PERSONE = [*GESTORI, SINDACO, DELEGATO, *ESTRANEI, *ALTRI_AMBITI]

MODELLI = [Votazione, AventeDiritto, Voto, EventoVoto, Presenza, Delega]


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
    regola = _regola(cremasco, ufficio_piano_crema)
    seduta = _seduta(cremasco, ufficio_piano_crema)
    # An open vote, a prepared one, an item with no vote yet.
    aperta = _punto(seduta, 1, titolo="Approvazione del Piano di Zona")
    _votazione(aperta, regola, ufficio_piano_crema)
    preparata = _punto(seduta, 2, titolo="Accordo di Programma")
    _votazione(preparata, regola, ufficio_piano_crema, aperta=False)
    vuoto = _punto(seduta, 3, titolo="Varie ed eventuali")
    # Another session of the same ambito, and one of the Cremonese.
    altra_seduta = _seduta(cremasco, ufficio_piano_crema, titolo="Altra seduta")
    punto_altra = _punto(altra_seduta)
    _votazione(punto_altra, regola, ufficio_piano_crema)
    regola_cremona = _regola(cremonese, ufficio_piano_cremona)
    punto_cremona = _punto(_seduta(cremonese, ufficio_piano_cremona))
    _votazione(punto_cremona, regola_cremona, ufficio_piano_cremona)
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
        punti={"aperta": aperta, "preparata": preparata, "vuoto": vuoto},
        altra_seduta=altra_seduta,
        punto_altra=punto_altra,
        punto_cremona=punto_cremona,
        persone=persone,
        crema=Comune.objects.get(nome="Crema"),
        pandino=Comune.objects.get(nome="Pandino"),
        cremona=Comune.objects.get(nome="Cremona"),
    )


# --- The cases --------------------------------------------------------------------------------

# Which item each URL is tried on.
PUNTO = {
    "votazione": "aperta",
    "votazione-live": "aperta",
    "votazione-eventi": "aperta",
    "votazione-crea": "vuoto",
    "votazione-apri": "preparata",
    "votazione-chiudi": "aperta",
    "vota": "aperta",
    "voto-cartaceo": "aperta",
}
METODO = {
    "votazione": "get",
    "votazione-live": "get",
    "votazione-eventi": "get",
    "votazione-crea": "post",
    "votazione-apri": "post",
    "votazione-chiudi": "post",
    "vota": "post",
    "voto-cartaceo": "post",
    "ricevuta": "post",
}
# Methods answered besides the one in METODO: the receipt check shows its empty form on GET.
ANCHE = {"ricevuta": {"get"}}
LETTURA, SEGRETERIA, VOTO = "lettura", "segreteria", "voto"
TIPO = {
    "votazione": LETTURA,
    "votazione-live": LETTURA,
    "ricevuta": LETTURA,
    "votazione-eventi": SEGRETERIA,
    "votazione-crea": SEGRETERIA,
    "votazione-apri": SEGRETERIA,
    "votazione-chiudi": SEGRETERIA,
    "voto-cartaceo": SEGRETERIA,
    "vota": VOTO,
}
# What an allowed user gets: (status, whether it writes).
CONSENTITO = {
    "votazione": (200, False),
    "votazione-live": (200, False),
    "ricevuta": (200, False),
    "votazione-eventi": (200, False),
    "votazione-crea": (302, True),
    "votazione-apri": (302, True),
    "votazione-chiudi": (302, True),
    "voto-cartaceo": (302, True),
    "vota": (303, True),
}


def _url_caso(nome, s, punto=None):
    if nome == "ricevuta":
        return reverse("assemblea:ricevuta", kwargs={"slug": s.ambito.slug})
    return _url(nome, punto or s.punti[PUNTO[nome]])


def _comune_di(s, persona):
    """The comune each persona would vote for: its own, or Crema."""
    return {"delegato_pandino": s.pandino, "sindaco_cremona": s.cremona}.get(persona, s.crema)


def _dati(nome, s, persona):
    if nome == "vota":
        return {"comune": _comune_di(s, persona).pk, "scelta": "favorevole"}
    if nome == "voto-cartaceo":
        return {
            "comune": s.crema.pk,
            "scelta": "contrario",
            "persona": "Fabio Bergamaschi",
            "qualita": "sindaco",
        }
    if nome == "ricevuta":
        return {"codice": "0000-0000-0000-0000-0000"}
    return {}


def _atteso(nome, persona):
    tipo = TIPO[nome]
    if persona in ESTRANEI or persona in ALTRI_AMBITI:
        return (404, False)
    if tipo == LETTURA:
        return CONSENTITO[nome]
    if tipo == SEGRETERIA:
        return CONSENTITO[nome] if persona in GESTORI else (403, False)
    # Voting: only for a comune the persona speaks for in the session.
    return CONSENTITO[nome] if persona == SINDACO else (403, False)


def _chiama(client, s, persona, metodo, url, dati):
    """One request in a savepoint rolled back afterwards: every persona finds the same data."""
    with transaction.atomic():
        client.logout()
        if persona is not None:
            client.force_login(s.persone[persona])
        prima = _fotografia()
        risposta = getattr(client, metodo)(url, dati)
        scritto = _fotografia() != prima
        transaction.set_rollback(True)
    return risposta, scritto


@pytest.mark.parametrize("nome", list(METODO))
def test_matrice_dei_permessi(client, scena, nome):
    attesi, ottenuti = {}, {}
    for persona in PERSONE:
        risposta, scritto = _chiama(
            client,
            scena,
            persona,
            METODO[nome],
            _url_caso(nome, scena),
            _dati(nome, scena, persona),
        )
        attesi[persona] = _atteso(nome, persona)
        ottenuti[persona] = (risposta.status_code, scritto)
    assert ottenuti == attesi


@pytest.mark.parametrize("nome", list(METODO))
def test_anonimo_va_al_login(client, scena, nome):
    risposta, scritto = _chiama(
        client, scena, None, METODO[nome], _url_caso(nome, scena), _dati(nome, scena, None)
    )
    assert risposta.status_code == 302
    assert risposta["Location"].startswith(reverse("accounts:login"))
    assert not scritto


@pytest.mark.parametrize(("nome", "metodo"), [(n, m) for n, ms in ANCHE.items() for m in ms])
def test_matrice_dei_permessi_degli_altri_metodi(client, scena, nome, metodo):
    """The receipt form on GET: the same people see it, nobody else learns the page exists."""
    attesi, ottenuti = {}, {}
    for persona in [*PERSONE, None]:
        risposta, scritto = _chiama(
            client, scena, persona, metodo, _url_caso(nome, scena), _dati(nome, scena, persona)
        )
        if persona is None:
            ottenuti[persona] = (risposta.status_code, risposta["Location"].split("?")[0], scritto)
            attesi[persona] = (302, reverse("accounts:login"), False)
        else:
            ottenuti[persona] = (risposta.status_code, scritto)
            attesi[persona] = _atteso(nome, persona)
    assert ottenuti == attesi


def test_la_matrice_copre_ogni_indirizzo():
    from assemblea.urls_voto import urlpatterns

    assert {p.name for p in urlpatterns} == set(METODO) == set(TIPO) == set(CONSENTITO)


# --- Methods ----------------------------------------------------------------------------------

METODI = {"get", "post", "put", "patch", "delete"}


@pytest.mark.parametrize(
    ("nome", "metodo"),
    [(n, m) for n, ok in METODO.items() for m in sorted(METODI - {ok} - ANCHE.get(n, set()))],
)
@pytest.mark.parametrize("persona", ["ufficio_piano_crema", "sindaco_crema"])
def test_metodo_sbagliato(client, scena, nome, metodo, persona):
    client.force_login(scena.persone[persona])
    prima = _fotografia()
    risposta = getattr(client, metodo)(_url_caso(nome, scena), _dati(nome, scena, persona))
    assert risposta.status_code == 405
    assert _fotografia() == prima


# --- Voting for someone else, or when one may not ---------------------------------------------


def _vota(client, s, user, comune, punto=None, scelta="favorevole"):
    client.force_login(user)
    prima = _fotografia()
    risposta = client.post(
        _url("vota", punto or s.punti["aperta"]), {"comune": comune.pk, "scelta": scelta}
    )
    return risposta, _fotografia() != prima


def test_il_sindaco_non_vota_per_un_altro_comune_del_suo_ambito(client, scena, sindaco_crema):
    for htmx in (False, True):
        extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        client.force_login(sindaco_crema)
        prima = _fotografia()
        risposta = client.post(
            _url("vota", scena.punti["aperta"]),
            {"comune": scena.pandino.pk, "scelta": "contrario"},
            **extra,
        )
        assert risposta.status_code == 403
        assert _fotografia() == prima


def test_nessuno_vota_per_un_comune_di_un_altro_ambito(client, scena, sindaco_crema):
    risposta, scritto = _vota(client, scena, sindaco_crema, scena.cremona)
    assert (risposta.status_code, scritto) == (403, False)


def test_il_sindaco_di_un_altro_ambito_non_vota_qui(client, scena, sindaco_cremona):
    """Even for his own comune, in the Cremasco's vote: he does not know it exists."""
    risposta, scritto = _vota(client, scena, sindaco_cremona, scena.cremona)
    assert (risposta.status_code, scritto) == (404, False)


def test_il_delegato_senza_delega_per_questa_seduta_non_vota(
    client, scena, delegato_pandino, ufficio_piano_crema
):
    # Delegated for another session only.
    Delega.objects.create(
        seduta=scena.altra_seduta,
        comune=scena.pandino,
        delegato=delegato_pandino,
        atto="Decreto n. 4",
    )
    risposta, scritto = _vota(client, scena, delegato_pandino, scena.pandino)
    assert (risposta.status_code, scritto) == (403, False)
    # With the delegation for this session, he votes.
    Delega.objects.create(
        seduta=scena.seduta, comune=scena.pandino, delegato=delegato_pandino, atto="Decreto n. 5"
    )
    risposta, scritto = _vota(client, scena, delegato_pandino, scena.pandino)
    assert (risposta.status_code, scritto) == (303, True)


@pytest.mark.parametrize("persona", GESTORI)
def test_la_segreteria_non_vota_online_per_un_comune(client, scena, persona):
    risposta, scritto = _vota(client, scena, scena.persone[persona], scena.crema)
    assert (risposta.status_code, scritto) == (403, False)


def test_si_vota_solo_a_votazione_aperta(client, scena, sindaco_crema, ufficio_piano_crema):
    risposta, scritto = _vota(client, scena, sindaco_crema, scena.crema, scena.punti["preparata"])
    assert (risposta.status_code, scritto) == (409, False)
    services.chiudi_votazione(
        Votazione.objects.get(punto=scena.punti["aperta"]), utente=ufficio_piano_crema
    )
    risposta, scritto = _vota(client, scena, sindaco_crema, scena.crema)
    assert (risposta.status_code, scritto) == (409, False)
    # No vote on an item without one.
    risposta, scritto = _vota(client, scena, sindaco_crema, scena.crema, scena.punti["vuoto"])
    assert (risposta.status_code, scritto) == (404, False)


# --- Identifiers from elsewhere ---------------------------------------------------------------


@pytest.mark.parametrize("nome", [n for n in METODO if n != "ricevuta"])
@pytest.mark.parametrize("persona", ["ufficio_piano_crema", "amministratore", "sindaco_crema"])
def test_indirizzi_incrociati_sono_404(client, scena, nome, persona):
    """An item of another session under this session's address; Cremona's vote under the
    Cremasco's slug and the other way round: 404 for everyone, the administrator too."""
    s = scena
    punto = s.punti[PUNTO[nome]]
    indirizzi = [
        # Item of the other session, under this session.
        reverse(
            f"assemblea:{nome}",
            kwargs={"slug": "cremasco", "pk": s.seduta.pk, "punto": s.punto_altra.pk},
        ),
        # Cremona's session and item under the Cremasco's slug.
        reverse(
            f"assemblea:{nome}",
            kwargs={
                "slug": "cremasco",
                "pk": s.punto_cremona.seduta_id,
                "punto": s.punto_cremona.pk,
            },
        ),
        # The Cremasco's session and item under Cremona's slug.
        reverse(
            f"assemblea:{nome}",
            kwargs={"slug": "cremonese", "pk": s.seduta.pk, "punto": punto.pk},
        ),
    ]
    # On the secretary's pages a sindaco of the Cremasco is refused first, whatever the item.
    attesi = {403, 404} if persona == SINDACO and TIPO[nome] == SEGRETERIA else {404}
    client.force_login(s.persone[persona])
    prima = _fotografia()
    for url in indirizzi:
        risposta = getattr(client, METODO[nome])(url, _dati(nome, s, persona))
        assert risposta.status_code in attesi, url
    assert _fotografia() == prima
