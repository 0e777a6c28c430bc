"""A coordinator approves the minutes only while she has an active staff role in the ambito."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from accounts.models import Ruolo
from tavoli import services
from tavoli.models import Incontro, Membro, Transizione
from tests.factories import IncontroFactory, RuoloFactory, TavoloFactory, UserFactory

Stato = Incontro.Stato


@pytest.fixture
def tavolo(cremasco, operatore_crema):
    return TavoloFactory(ambito=cremasco, titolo="Fragilità", operatori=[operatore_crema])


@pytest.fixture
def coordinatrice(cremasco, tavolo):
    user = UserFactory(username="coordinatrice")
    RuoloFactory(user=user, tipo=Ruolo.Tipo.OPERATORE, ambito=cremasco)
    tavolo.coordinatori.add(user)
    return user


@pytest.fixture
def in_revisione(tavolo, operatore_crema):
    incontro = IncontroFactory(tavolo=tavolo, titolo="Primo incontro")
    services.salva_verbale(
        incontro=incontro, testo="Il verbale.", versione_letta=1, utente=operatore_crema
    )
    services.invia_in_revisione(incontro=incontro, utente=operatore_crema)
    return incontro


def _url(incontro, nome="incontro", **extra):
    kwargs = {"slug": incontro.tavolo.ambito.slug, "pk": incontro.tavolo_id, "ipk": incontro.pk}
    return reverse(f"tavoli:{nome}", kwargs=kwargs | extra)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _approva(user, incontro):
    return _client(user).post(_url(incontro, "transizione", azione="approva"))


def _vede_il_pulsante(user, incontro):
    risposta = _client(user).get(_url(incontro))
    assert risposta.status_code == 200
    return _url(incontro, "transizione", azione="approva") in risposta.content.decode()


def test_con_il_ruolo_approva(coordinatrice, in_revisione):
    assert _vede_il_pulsante(coordinatrice, in_revisione)
    assert _approva(coordinatrice, in_revisione).status_code == 302
    in_revisione.refresh_from_db()
    assert in_revisione.stato == Stato.APPROVATO
    assert in_revisione.approvato_da == coordinatrice


@pytest.mark.parametrize("come", ["eliminato", "disattivato"])
def test_senza_il_ruolo_non_approva_piu(coordinatrice, in_revisione, iscrizione_crema, come):
    """She is still listed as coordinator, and still reads the table as the representative of a
    member ente, but her operator role is over: no button, and the approval is refused."""
    RuoloFactory(
        user=coordinatrice,
        tipo=Ruolo.Tipo.ENTE,
        ambito=in_revisione.tavolo.ambito,
        ente=iscrizione_crema.ente,
    )
    Membro.objects.create(tavolo=in_revisione.tavolo, ente=iscrizione_crema.ente)
    ruolo = Ruolo.objects.get(user=coordinatrice, tipo=Ruolo.Tipo.OPERATORE)
    if come == "eliminato":
        ruolo.delete()
    else:
        ruolo.attivo = False
        ruolo.save()

    assert not _vede_il_pulsante(coordinatrice, in_revisione)
    assert _approva(coordinatrice, in_revisione).status_code == 403
    in_revisione.refresh_from_db()
    assert in_revisione.stato == Stato.IN_REVISIONE
    assert not Transizione.objects.filter(a_stato=Stato.APPROVATO).exists()


def test_senza_alcun_ruolo_non_vede_nemmeno_il_tavolo(coordinatrice, in_revisione):
    Ruolo.objects.filter(user=coordinatrice).delete()
    assert _client(coordinatrice).get(_url(in_revisione)).status_code == 404
    assert _approva(coordinatrice, in_revisione).status_code == 404
    in_revisione.refresh_from_db()
    assert in_revisione.stato == Stato.IN_REVISIONE


def test_un_ruolo_in_un_altro_ambito_non_basta(tavolo, in_revisione, ufficio_piano_cremona):
    tavolo.coordinatori.add(ufficio_piano_cremona)
    assert _approva(ufficio_piano_cremona, in_revisione).status_code == 404
    in_revisione.refresh_from_db()
    assert in_revisione.stato == Stato.IN_REVISIONE


def test_un_ruolo_di_ente_non_basta(tavolo, in_revisione, ente_crema, iscrizione_crema):
    """Coordinating is staff work: the representative of an ente reads, she does not approve."""
    Membro.objects.create(tavolo=tavolo, ente=iscrizione_crema.ente)
    tavolo.coordinatori.add(ente_crema)
    assert not _vede_il_pulsante(ente_crema, in_revisione)
    assert _approva(ente_crema, in_revisione).status_code == 403


def test_il_servizio_rifiuta_chi_ha_perso_il_ruolo(coordinatrice, in_revisione):
    Ruolo.objects.filter(user=coordinatrice).update(attivo=False)
    coordinatrice = type(coordinatrice).objects.get(pk=coordinatrice.pk)
    with pytest.raises(PermissionDenied):
        services.approva_verbale(incontro=in_revisione, utente=coordinatrice)
    in_revisione.refresh_from_db()
    assert in_revisione.stato == Stato.IN_REVISIONE


def test_il_servizio_rifiuta_la_nuova_revisione_di_chi_ha_perso_il_ruolo(
    coordinatrice, in_revisione, ufficio_piano_crema
):
    services.approva_verbale(incontro=in_revisione, utente=ufficio_piano_crema)
    Ruolo.objects.filter(user=coordinatrice).delete()
    coordinatrice = type(coordinatrice).objects.get(pk=coordinatrice.pk)
    with pytest.raises(PermissionDenied):
        services.apri_nuova_revisione(incontro=in_revisione, utente=coordinatrice)
    in_revisione.refresh_from_db()
    assert in_revisione.stato == Stato.APPROVATO
