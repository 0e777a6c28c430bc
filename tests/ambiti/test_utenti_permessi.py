"""The role administration matrix: the Ufficio di Piano of one ambito trying every role in
another, a comune or an ente of another ambito posted to its own pages, administrator rights
slipped into the POST; and every other persona on every user-management URL."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Ruolo
from ambiti.models import Comune
from tests.utils.fotografia import fotografia

User = get_user_model()
Tipo = Ruolo.Tipo

# name, needs a person, needs a role, method
URLS = [
    ("utenti", False, False, "get"),
    ("invita-utente", False, False, "get"),
    ("invita-utente", False, False, "post"),
    ("importa-sindaci", False, False, "get"),
    ("esporta-sindaci", False, False, "get"),
    ("utente", True, False, "get"),
    ("assegna-ruolo", True, False, "post"),
    ("revoca-ruolo", True, True, "get"),
    ("revoca-ruolo", True, True, "post"),
    ("disattiva-utente", True, False, "post"),
    ("riattiva-utente", True, False, "post"),
]


def _url(nome, slug, persona=None, ruolo=None):
    args = [slug]
    if persona is not None:
        args.append(persona.pk)
    if ruolo is not None:
        args.append(ruolo.pk)
    return reverse(f"ambiti:{nome}", args=args)


def _url_di(nome, con_persona, con_ruolo, slug, persona):
    return _url(
        nome,
        slug,
        persona if con_persona else None,
        persona.ruoli.first() if con_ruolo else None,
    )


def _ruolo_post(tipo, comune=None, ente=None, **extra):
    return {
        "nome": "Intrusa",
        "cognome": "Prova",
        "email": "intrusa@example.org",
        "codice_fiscale": "",
        "tipo": tipo,
        "comune": comune.pk if comune else "",
        "ente": ente.pk if ente else "",
        "dal": "2026-01-01",
        "al": "",
        **extra,
    }


def _scope_di(tipo, comune, ente):
    if tipo in (Tipo.SINDACO, Tipo.DELEGATO):
        return {"comune": comune}
    if tipo == Tipo.ENTE:
        return {"ente": ente}
    return {}


def _intatti():
    return fotografia(Ruolo, User)


# --- The UdP of Crema against the Cremonese -------------------------------------------------------


@pytest.fixture
def up_crema(client, ufficio_piano_crema, ufficio_piano_cremona, sindaco_cremona):
    client.force_login(ufficio_piano_crema)
    return client


@pytest.mark.parametrize("tipo", Tipo.values)
def test_l_ufficio_di_piano_non_assegna_ruoli_in_un_altro_ambito(
    up_crema, tipo, sindaco_cremona, iscrizione_cremona, ufficio_piano_cremona
):
    cremona = Comune.objects.get(nome="Cremona")
    prima = _intatti()
    dati = _ruolo_post(tipo, **_scope_di(tipo, cremona, iscrizione_cremona.ente))
    # Inviting into the other ambito, or giving a role to one of its people there: not found.
    assert up_crema.post(_url("invita-utente", "cremonese"), dati).status_code == 404
    risposta = up_crema.post(_url("assegna-ruolo", "cremonese", ufficio_piano_cremona), dati)
    assert risposta.status_code == 404
    # One of its people through this ambito's URL: not a person of this ambito.
    risposta = up_crema.post(_url("assegna-ruolo", "cremasco", sindaco_cremona), dati)
    assert risposta.status_code == 404
    assert _intatti() == prima


@pytest.mark.parametrize("tipo", [Tipo.SINDACO, Tipo.DELEGATO, Tipo.ENTE])
def test_un_comune_o_un_ente_di_un_altro_ambito_postato_alla_propria_pagina(
    up_crema, tipo, operatore_crema, iscrizione_cremona, iscrizione_crema
):
    cremona = Comune.objects.get(nome="Cremona")
    prima = _intatti()
    dati = _ruolo_post(tipo, **_scope_di(tipo, cremona, iscrizione_cremona.ente))
    for url in (
        _url("invita-utente", "cremasco"),
        _url("assegna-ruolo", "cremasco", operatore_crema),
    ):
        risposta = up_crema.post(url, dati)
        assert risposta.status_code == 200
        campo = "ente" if tipo == Tipo.ENTE else "comune"
        assert risposta.context["form"].errors[campo]
    assert _intatti() == prima


def test_i_diritti_di_amministratore_postati_sono_ignorati(up_crema, cremasco, cremonese):
    dati = _ruolo_post(
        Tipo.UFFICIO_PIANO,
        is_superuser="on",
        is_staff="on",
        ambito=cremonese.pk,
        user_permissions="1",
        groups="1",
    )
    assert up_crema.post(_url("invita-utente", "cremasco"), dati).status_code == 302
    intrusa = User.objects.get(email="intrusa@example.org")
    assert not intrusa.is_superuser and not intrusa.is_staff
    assert not intrusa.user_permissions.exists() and not intrusa.groups.exists()
    assert list(intrusa.ruoli.values_list("tipo", "ambito")) == [(Tipo.UFFICIO_PIANO, cremasco.pk)]
    # The same on a person already there.
    dati = {"tipo": Tipo.OPERATORE, "dal": "2026-01-01", "is_superuser": "on", "is_staff": "on"}
    collega = User.objects.get(email="intrusa@example.org")
    up_crema.post(_url("assegna-ruolo", "cremasco", collega), dati)
    collega.refresh_from_db()
    assert not collega.is_superuser and not collega.is_staff


def test_un_tipo_di_ruolo_inventato_e_rifiutato(up_crema, operatore_crema):
    prima = _intatti()
    for tipo in ("amministratore", "superuser", "staff"):
        dati = {"tipo": tipo, "dal": "2026-01-01"}
        risposta = up_crema.post(_url("assegna-ruolo", "cremasco", operatore_crema), dati)
        assert risposta.context["form"].errors["tipo"]
    assert _intatti() == prima


def test_non_revoca_ne_disattiva_le_persone_di_un_altro_ambito(
    up_crema, sindaco_cremona, ufficio_piano_cremona
):
    prima = _intatti()
    ruolo = sindaco_cremona.ruoli.get()
    for slug in ("cremasco", "cremonese"):
        urls = [
            _url("revoca-ruolo", slug, sindaco_cremona, ruolo),
            _url("disattiva-utente", slug, sindaco_cremona),
            _url("riattiva-utente", slug, sindaco_cremona),
            _url("disattiva-utente", slug, ufficio_piano_cremona),
        ]
        for url in urls:
            assert up_crema.post(url, {"al": "2026-01-01"}).status_code == 404, url
        assert up_crema.get(_url("utente", slug, sindaco_cremona)).status_code == 404
    assert _intatti() == prima


def test_un_ruolo_di_un_altro_ambito_con_la_persona_di_questo(up_crema, cremasco, sindaco_cremona):
    """A person in both ambiti: her role in the other one is not reachable from here."""
    from tests.factories import RuoloFactory

    RuoloFactory(user=sindaco_cremona, tipo=Tipo.OPERATORE, ambito=cremasco)
    altro = sindaco_cremona.ruoli.get(ambito__slug="cremonese")
    prima = _intatti()
    url = _url("revoca-ruolo", "cremasco", sindaco_cremona, altro)
    assert up_crema.get(url).status_code == 404
    assert up_crema.post(url, {"al": "2026-01-01"}).status_code == 404
    assert _intatti() == prima


# --- Every other persona on every URL -------------------------------------------------------------


@pytest.fixture
def bersaglio(operatore_crema):
    return operatore_crema


@pytest.mark.parametrize(("nome", "con_persona", "con_ruolo", "metodo"), URLS)
@pytest.mark.parametrize(
    ("persona", "atteso"),
    [
        ("sindaco_crema", 403),
        ("delegato_pandino", 403),
        ("ente_crema", 403),
        ("ufficio_piano_cremona", 404),
        ("sindaco_cremona", 404),
        ("senza_ruolo", 404),
    ],
)
def test_chi_non_e_l_ufficio_di_piano_dell_ambito_e_rifiutato(
    request, client, bersaglio, nome, con_persona, con_ruolo, metodo, persona, atteso
):
    utente = request.getfixturevalue(persona)
    client.force_login(utente)
    url = _url_di(nome, con_persona, con_ruolo, "cremasco", bersaglio)
    prima = _intatti()
    risposta = getattr(client, metodo)(url, {"al": "2026-01-01"} if metodo == "post" else None)
    assert risposta.status_code == atteso
    assert _intatti() == prima


def test_l_operatore_e_rifiutato_anche_su_se_stesso(client, operatore_crema):
    client.force_login(operatore_crema)
    for nome, con_persona, con_ruolo, metodo in URLS:
        url = _url_di(nome, con_persona, con_ruolo, "cremasco", operatore_crema)
        assert getattr(client, metodo)(url).status_code == 403, url


@pytest.mark.parametrize(("nome", "con_persona", "con_ruolo", "metodo"), URLS)
def test_chi_non_ha_fatto_l_accesso_va_alla_pagina_d_accesso(
    client, bersaglio, nome, con_persona, con_ruolo, metodo
):
    url = _url_di(nome, con_persona, con_ruolo, "cremasco", bersaglio)
    risposta = getattr(client, metodo)(url)
    assert risposta.status_code == 302
    assert risposta["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("nome", "con_persona", "con_ruolo", "metodo"), URLS)
def test_l_ufficio_di_piano_dell_ambito_raggiunge_ogni_pagina(
    client, ufficio_piano_crema, bersaglio, nome, con_persona, con_ruolo, metodo
):
    client.force_login(ufficio_piano_crema)
    url = _url_di(nome, con_persona, con_ruolo, "cremasco", bersaglio)
    # The POSTs themselves are in test_utenti_views; the POST-only actions refuse a GET.
    atteso = 405 if nome in ("assegna-ruolo", "disattiva-utente", "riattiva-utente") else 200
    assert client.get(url).status_code == atteso
