"""The page where each person chooses how to receive each kind of reminder."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Frequenza, PreferenzaNotifica, TipoNotifica

URL = "/account/notifiche/"


def test_indirizzo():
    assert reverse("accounts:notifiche") == URL


def test_anonimo_va_all_accesso(client, db):
    risposta = client.get(URL)
    assert risposta.status_code == 302
    assert reverse("accounts:login") in risposta["Location"]


def test_pagina_con_ogni_tipo_e_le_convocazioni_fisse(client, sindaco_crema):
    client.force_login(sindaco_crema)
    risposta = client.get(URL)
    assert risposta.status_code == 200
    testo = risposta.content.decode()
    for _tipo, etichetta in TipoNotifica.choices:
        assert escape(str(etichetta)) in testo
    assert "Convocazioni dell'Assemblea dei Sindaci" in testo
    assert "non si possono disattivare" in testo
    # No choice for the convocations: nothing to post.
    assert 'name="convocazione' not in testo
    assert testo.count('value="immediata" checked') == len(TipoNotifica.choices)


def test_salva_le_scelte_di_chi_le_fa(client, sindaco_crema, sindaco_cremona):
    client.force_login(sindaco_crema)
    scelte = {tipo: Frequenza.IMMEDIATA for tipo in TipoNotifica.values}
    scelte[TipoNotifica.PROMEMORIA_INCONTRO] = Frequenza.RIEPILOGO
    scelte[TipoNotifica.VOTAZIONE_CHIUSURA] = Frequenza.NESSUNA
    risposta = client.post(URL, scelte)
    assert risposta.status_code == 302
    salvate = dict(
        PreferenzaNotifica.objects.filter(utente=sindaco_crema).values_list("tipo", "frequenza")
    )
    assert salvate[TipoNotifica.PROMEMORIA_INCONTRO] == Frequenza.RIEPILOGO
    assert salvate[TipoNotifica.VOTAZIONE_CHIUSURA] == Frequenza.NESSUNA
    assert not PreferenzaNotifica.objects.filter(utente=sindaco_cremona).exists()
    testo = client.get(URL).content.decode()
    assert 'value="riepilogo" checked' in testo


def test_scelta_non_valida_errore_accanto_al_campo(client, sindaco_crema):
    client.force_login(sindaco_crema)
    scelte = {tipo: Frequenza.IMMEDIATA for tipo in TipoNotifica.values}
    scelte[TipoNotifica.PROMEMORIA_INCONTRO] = "sempre"
    risposta = client.post(URL, scelte)
    assert risposta.status_code == 200
    assert "Scegli un&#x27;opzione valida" in risposta.content.decode()
    assert not PreferenzaNotifica.objects.exists()


@pytest.mark.parametrize("metodo", ["put", "delete"])
def test_metodo_sbagliato(client, sindaco_crema, metodo):
    client.force_login(sindaco_crema)
    assert getattr(client, metodo)(URL).status_code == 405


def test_dal_profilo(client, sindaco_crema):
    client.force_login(sindaco_crema)
    assert URL in client.get(reverse("accounts:profilo")).content.decode()
