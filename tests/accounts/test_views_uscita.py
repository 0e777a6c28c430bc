"""Logging out clears what this site kept in the browser; drafts of the minutes there are keyed
per user (the browser side is tested in tests/tavoli/test_browser_bozze.py)."""

from django.test import Client
from django.urls import reverse

from tests.factories import IncontroFactory, TavoloFactory
from tests.utils.html import trova as _trova


def _con_attributo(risposta, tag, attributo):
    return [el for el in _trova(risposta, tag) if attributo in dict(el.attributes)]


def test_l_uscita_chiede_al_browser_di_svuotare_la_memoria_del_sito(client, operatore_crema):
    client.force_login(operatore_crema)
    risposta = client.post(reverse("accounts:logout"))
    assert risposta.status_code == 302
    assert risposta["Location"] == reverse("accounts:login")
    assert risposta["Clear-Site-Data"] == '"storage"'
    assert "_auth_user_id" not in client.session


def test_l_uscita_vuole_post(client, operatore_crema):
    client.force_login(operatore_crema)
    risposta = client.get(reverse("accounts:logout"))
    assert risposta.status_code == 405
    assert "Clear-Site-Data" not in risposta
    assert client.session["_auth_user_id"] == str(operatore_crema.pk)


def test_il_modulo_di_uscita_e_riconoscibile_dallo_script(client, operatore_crema):
    client.force_login(operatore_crema)
    (modulo,) = _con_attributo(client.get(reverse("accounts:profilo")), "form", "data-esci")
    assert dict(modulo.attributes)["action"] == reverse("accounts:logout")


def test_la_bozza_del_browser_ha_la_chiave_dell_utente(cremasco, operatore_crema):
    tavolo = TavoloFactory(ambito=cremasco, operatori=[operatore_crema])
    incontro = IncontroFactory(tavolo=tavolo)
    client = Client()
    client.force_login(operatore_crema)
    pagina = client.get(reverse("tavoli:incontro", args=[cremasco.slug, tavolo.pk, incontro.pk]))
    (modulo,) = _con_attributo(pagina, "form", "data-verbale")
    attributi = dict(modulo.attributes)
    assert attributi["data-utente"] == str(operatore_crema.pk)
    assert attributi["data-incontro"] == str(incontro.pk)
    assert "data-chiave" not in attributi
    # The script is a static file: no inline script for the Content-Security-Policy to allow.
    assert not [s for s in _trova(pagina, "script") if "src" not in dict(s.attributes)]
