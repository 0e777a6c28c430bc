"""Resolving and reopening a comment on the plan: only its author and the Ufficio di Piano."""

import pytest
from django.urls import reverse

from accounts.models import Ruolo
from ambiti.demo import carica_periodo
from ambiti.models import Comune
from piani import services
from piani.models import CommentoSezione, Piano
from tests.factories import RuoloFactory, UserFactory
from tests.utils.html import trova


@pytest.fixture
def sindaco_offanengo(cremasco):
    """A second sindaco of the Cremasco, who did not write the comment."""
    user = UserFactory(username="sindaco_offanengo")
    RuoloFactory(
        user=user,
        tipo=Ruolo.Tipo.SINDACO,
        ambito=cremasco,
        comune=Comune.objects.get(nome="Offanengo"),
    )
    return user


@pytest.fixture
def piano(cremasco, ufficio_piano_crema):
    piano = services.crea_piano(
        ambito=cremasco, periodo=carica_periodo(), utente=ufficio_piano_crema
    )
    Piano.objects.filter(pk=piano.pk).update(stato=Piano.Stato.IN_REVISIONE)
    piano.refresh_from_db()
    return piano


@pytest.fixture
def commento(piano, sindaco_crema):
    sezione = piano.sezioni.order_by("ordine").first()
    return CommentoSezione.objects.create(
        sezione=sezione, autore=sindaco_crema, testo="Manca il trasporto sociale."
    )


def _url_risolvi(commento):
    sezione = commento.sezione
    return reverse(
        "piani:commento-risolvi",
        args=[sezione.piano.ambito.slug, sezione.piano.pk, sezione.pk, commento.pk],
    )


def _url_commenti(commento):
    sezione = commento.sezione
    return reverse("piani:commenti", args=[sezione.piano.ambito.slug, sezione.piano.pk, sezione.pk])


def _stato(commento):
    commento.refresh_from_db()
    return commento.risolto, commento.risolto_da_id


@pytest.mark.parametrize("chi", ["sindaco_crema", "ufficio_piano_crema", "amministratore"])
def test_l_autore_e_l_ufficio_di_piano_risolvono_e_riaprono(client, commento, request, chi):
    utente = request.getfixturevalue(chi)
    client.force_login(utente)
    assert client.post(_url_risolvi(commento)).status_code == 302
    assert _stato(commento) == (True, utente.pk)
    assert client.post(_url_risolvi(commento)).status_code == 302
    assert _stato(commento) == (False, None)


@pytest.mark.parametrize("risolto", [False, True], ids=["risolvi", "riapri"])
def test_un_altro_sindaco_dell_ambito_non_risolve_ne_riapre(
    client, commento, sindaco_offanengo, delegato_pandino, ufficio_piano_crema, risolto
):
    CommentoSezione.objects.filter(pk=commento.pk).update(
        risolto=risolto, risolto_da=ufficio_piano_crema if risolto else None
    )
    prima = _stato(commento)
    for altro in (sindaco_offanengo, delegato_pandino):
        client.force_login(altro)
        assert client.post(_url_risolvi(commento)).status_code == 403
        assert _stato(commento) == prima


def test_i_pulsanti_compaiono_solo_a_chi_puo_risolvere(
    client, commento, sindaco_crema, sindaco_offanengo, ufficio_piano_crema
):
    azione = _url_risolvi(commento)
    for utente, vede in (
        (sindaco_crema, True),
        (ufficio_piano_crema, True),
        (sindaco_offanengo, False),
    ):
        client.force_login(utente)
        risposta = client.get(_url_commenti(commento))
        assert risposta.status_code == 200
        assert bool(trova(risposta, "form", action=azione)) == vede, utente
        # Replying stays open to every sindaco of the ambito while the plan is in review.
        assert trova(risposta, "input", name="risposta_a", value=str(commento.pk))


def test_un_altro_ambito_riceve_404(client, commento, sindaco_cremona, ufficio_piano_cremona):
    prima = _stato(commento)
    for estraneo in (sindaco_cremona, ufficio_piano_cremona):
        client.force_login(estraneo)
        assert client.post(_url_risolvi(commento)).status_code == 404
    assert _stato(commento) == prima


def test_anonimo_va_al_login(client, commento):
    risposta = client.post(_url_risolvi(commento))
    assert risposta.status_code == 302
    assert risposta["Location"].startswith(reverse("accounts:login"))
    assert _stato(commento) == (False, None)


def test_solo_post(client, commento, sindaco_crema):
    client.force_login(sindaco_crema)
    assert client.get(_url_risolvi(commento)).status_code == 405
    assert _stato(commento) == (False, None)
