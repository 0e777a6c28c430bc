"""Calendar feed URLs can be revoked: removing someone from a table renews the table's, the
Ufficio di Piano renews it on demand, and each user renews her own."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Ruolo, User
from tavoli import services
from tavoli.models import Membro, Presenza, Tavolo
from tests.factories import IncontroFactory, RuoloFactory, TavoloFactory, UserFactory
from tests.utils.html import trova as _trova

HTMX = {"HX-Request": "true"}


@pytest.fixture
def tavolo(cremasco, operatore_crema):
    tavolo = TavoloFactory(ambito=cremasco, titolo="Fragilità", operatori=[operatore_crema])
    IncontroFactory(tavolo=tavolo, titolo="Incontro sulla domiciliarità")
    return tavolo


@pytest.fixture
def membro(tavolo, ente_crema, iscrizione_crema):
    """ente_crema reads the table as the representative of a member ente."""
    return Membro.objects.create(tavolo=tavolo, ente=iscrizione_crema.ente)


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _feed_tavolo(token):
    return reverse("calendario:tavolo", args=[token])


def _feed_utente(token):
    return reverse("calendario:utente", args=[token])


def _dettaglio(tavolo):
    return reverse("tavoli:dettaglio", args=[tavolo.ambito.slug, tavolo.pk])


def _rinnova_tavolo(tavolo):
    return reverse("tavoli:calendario-rinnova", args=[tavolo.ambito.slug, tavolo.pk])


def _rimuovi(membro):
    tavolo = membro.tavolo
    return reverse("tavoli:membro-rimuovi", args=[tavolo.ambito.slug, tavolo.pk, membro.pk])


def _token(tavolo):
    return Tavolo.objects.values_list("token_calendario", flat=True).get(pk=tavolo.pk)


def _stato(client, url):
    return client.get(url).status_code


# --- Removing a member ------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_togliere_un_membro_rinnova_l_indirizzo_del_tavolo(
    tavolo, membro, ufficio_piano_crema, ente_crema, htmx
):
    vecchio = _token(tavolo)
    anonimo = _client()
    assert _stato(anonimo, _feed_tavolo(vecchio)) == 200
    personale = _feed_utente(ente_crema.token_calendario)
    assert "Incontro sulla domiciliarità" in anonimo.get(personale).content.decode()

    gestore = _client(ufficio_piano_crema)
    risposta = gestore.post(_rimuovi(membro), headers=HTMX if htmx else {}, follow=not htmx)

    assert not Membro.objects.filter(pk=membro.pk).exists()
    nuovo = _token(tavolo)
    assert nuovo != vecchio
    assert _stato(anonimo, _feed_tavolo(vecchio)) == 404
    assert _stato(anonimo, _feed_tavolo(nuovo)) == 200
    # The personal feed lists what its owner sees now: the table is gone from it.
    risposta_feed = anonimo.get(personale)
    assert risposta_feed.status_code == 200
    assert "Incontro sulla domiciliarità" not in risposta_feed.content.decode()
    pagina = risposta.content.decode()
    assert _feed_tavolo(nuovo) in pagina
    assert _feed_tavolo(vecchio) not in pagina
    assert "Il calendario del tavolo ha un nuovo indirizzo" in pagina
    if htmx:
        # The link above the members' list is replaced out of band.
        (calendario,) = _trova(risposta, id="calendario-tavolo")
        assert dict(calendario.attributes)["hx-swap-oob"] == "true"


def test_un_membro_presente_a_un_incontro_non_si_toglie_e_l_indirizzo_resta(
    tavolo, membro, ufficio_piano_crema
):
    Presenza.objects.create(incontro=tavolo.incontri.get(), membro=membro, partecipanti=1)
    vecchio = _token(tavolo)
    risposta = _client(ufficio_piano_crema).post(_rimuovi(membro), follow=True)
    assert "risulta presente a un incontro" in risposta.content.decode()
    assert Membro.objects.filter(pk=membro.pk).exists()
    assert _token(tavolo) == vecchio


def test_togliere_un_operatore_o_un_coordinatore_rinnova_l_indirizzo(
    tavolo, cremasco, ufficio_piano_crema, operatore_crema
):
    coordinatrice = UserFactory(username="coordinatrice")
    RuoloFactory(user=coordinatrice, tipo=Ruolo.Tipo.OPERATORE, ambito=cremasco)
    tavolo.coordinatori.add(coordinatrice)
    url = reverse("tavoli:modifica", args=[cremasco.slug, tavolo.pk])
    client = _client(ufficio_piano_crema)
    vecchio = _token(tavolo)

    # Adding someone, or changing the title, keeps the address.
    dati = {"titolo": "Fragilità e anziani", "operatori": [operatore_crema.pk]}
    dati["coordinatori"] = [coordinatrice.pk, ufficio_piano_crema.pk]
    assert client.post(url, dati).status_code == 302
    assert _token(tavolo) == vecchio

    dati["coordinatori"] = [ufficio_piano_crema.pk]
    risposta = client.post(url, dati, follow=True)
    assert "Il calendario del tavolo ha un nuovo indirizzo" in risposta.content.decode()
    intermedio = _token(tavolo)
    assert intermedio != vecchio
    assert _stato(_client(), _feed_tavolo(vecchio)) == 404

    del dati["operatori"]
    client.post(url, dati)
    assert _token(tavolo) != intermedio
    assert _stato(_client(), _feed_tavolo(intermedio)) == 404
    assert _stato(_client(), _feed_tavolo(_token(tavolo))) == 200


def test_la_modifica_del_tavolo_non_riporta_in_vita_un_indirizzo_revocato(
    tavolo, cremasco, operatore_crema
):
    """The form holds the row as read before a concurrent renewal: saving it keeps the new token."""
    from tavoli.forms import TavoloForm

    letto = Tavolo.objects.get(pk=tavolo.pk)
    nuovo = services.rinnova_calendario_tavolo(tavolo=tavolo)
    dati = {"titolo": "Fragilità 2", "operatori": [operatore_crema.pk]}
    form = TavoloForm(dati, instance=letto, ambito=cremasco)
    assert form.is_valid(), form.errors
    services.aggiorna_tavolo(form=form)
    assert _token(tavolo) == nuovo


# --- The Ufficio di Piano renews the table's address ---------------------------------------------


def test_l_ufficio_di_piano_rinnova_l_indirizzo_del_tavolo(tavolo, ufficio_piano_crema):
    vecchio = _token(tavolo)
    client = _client(ufficio_piano_crema)
    assert _url_nel_dettaglio(client, tavolo) == _feed_tavolo(vecchio)

    risposta = client.post(_rinnova_tavolo(tavolo), follow=True)

    nuovo = _token(tavolo)
    assert nuovo != vecchio
    assert "Il calendario del tavolo ha un nuovo indirizzo" in risposta.content.decode()
    assert _url_nel_dettaglio(client, tavolo) == _feed_tavolo(nuovo)
    assert _stato(_client(), _feed_tavolo(vecchio)) == 404
    assert _stato(_client(), _feed_tavolo(nuovo)) == 200


def _url_nel_dettaglio(client, tavolo):
    (link,) = _trova(client.get(_dettaglio(tavolo)), "a", data_testid="url-calendario")
    return dict(link.attributes)["href"].removeprefix("http://testserver")


@pytest.mark.parametrize(
    ("persona", "atteso"),
    [
        ("operatore_crema", 403),
        ("ente_crema", 403),
        ("sindaco_crema", 404),
        ("ufficio_piano_cremona", 404),
        ("senza_ruolo", 404),
    ],
)
def test_gli_altri_non_rinnovano_l_indirizzo_del_tavolo(request, tavolo, membro, persona, atteso):
    """Operators and members see the table (403), the rest may not know it exists (404)."""
    vecchio = _token(tavolo)
    client = _client(request.getfixturevalue(persona))
    if atteso == 403:
        assert _trova(client.get(_dettaglio(tavolo)), "a", data_testid="url-calendario")
        assert _rinnova_tavolo(tavolo) not in client.get(_dettaglio(tavolo)).content.decode()
    assert client.post(_rinnova_tavolo(tavolo)).status_code == atteso
    assert _token(tavolo) == vecchio


def test_rinnovo_del_tavolo_anonimo_e_metodo_sbagliato(tavolo, ufficio_piano_crema):
    vecchio = _token(tavolo)
    risposta = _client().post(_rinnova_tavolo(tavolo))
    assert risposta.status_code == 302
    assert risposta["Location"].startswith(reverse("accounts:login"))
    client = _client(ufficio_piano_crema)
    for metodo in ("get", "put", "patch", "delete"):
        assert getattr(client, metodo)(_rinnova_tavolo(tavolo)).status_code == 405
    assert _token(tavolo) == vecchio


# --- Each user renews her own address ------------------------------------------------------------


def _rinnova_utente():
    return reverse("accounts:calendario-rinnova")


def test_ognuno_rinnova_il_proprio_indirizzo(operatore_crema, ufficio_piano_crema, tavolo):
    vecchio = operatore_crema.token_calendario
    altrui = ufficio_piano_crema.token_calendario
    client = _client(operatore_crema)
    profilo = client.get(reverse("accounts:profilo")).content.decode()
    assert _feed_utente(vecchio) in profilo

    risposta = client.post(_rinnova_utente(), follow=True)

    assert risposta.redirect_chain[-1][0] == reverse("accounts:profilo")
    testo = risposta.content.decode()
    assert "Il tuo calendario ha un nuovo indirizzo" in testo
    nuovo = User.objects.get(pk=operatore_crema.pk).token_calendario
    assert nuovo != vecchio
    assert _feed_utente(nuovo) in testo
    assert _feed_utente(vecchio) not in testo
    anonimo = _client()
    assert _stato(anonimo, _feed_utente(vecchio)) == 404
    risposta_feed = anonimo.get(_feed_utente(nuovo))
    assert risposta_feed.status_code == 200
    assert "Incontro sulla domiciliarità" in risposta_feed.content.decode()
    # Nobody else's address changed.
    assert User.objects.get(pk=ufficio_piano_crema.pk).token_calendario == altrui
    assert _stato(anonimo, _feed_utente(altrui)) == 200


def test_rinnovo_personale_anonimo_e_metodo_sbagliato(operatore_crema):
    risposta = _client().post(_rinnova_utente())
    assert risposta.status_code == 302
    assert risposta["Location"].startswith(reverse("accounts:login"))
    client = _client(operatore_crema)
    for metodo in ("get", "put", "patch", "delete"):
        assert getattr(client, metodo)(_rinnova_utente()).status_code == 405
    assert (
        User.objects.get(pk=operatore_crema.pk).token_calendario == operatore_crema.token_calendario
    )


def test_i_token_sono_nuovi_ogni_volta(tavolo, operatore_crema):
    tavoli = {services.rinnova_calendario_tavolo(tavolo=tavolo) for _ in range(5)}
    utenti = {operatore_crema.rinnova_token_calendario() for _ in range(5)}
    assert len(tavoli) == len(utenti) == 5
    assert all(len(t) >= 32 for t in tavoli | utenti)
