"""The administrator registers a person's tax code (for SPID and CIE) and sees when each role
begins and ends."""

import datetime

import pytest

from accounts.models import Ruolo, User


@pytest.fixture
def admin_client_pdz(client, amministratore):
    client.force_login(amministratore)
    return client


def test_the_tax_code_is_edited_and_searched_in_the_user_admin(admin_client_pdz, sindaco_crema):
    pagina = admin_client_pdz.get(f"/admin/accounts/user/{sindaco_crema.pk}/change/")
    assert pagina.status_code == 200
    assert 'name="codice_fiscale"' in pagina.content.decode()

    User.objects.filter(pk=sindaco_crema.pk).update(codice_fiscale="RSSMRA80A01H501U")
    trovati = admin_client_pdz.get("/admin/accounts/user/", {"q": "RSSMRA80A01H501U"})
    assert list(trovati.context["cl"].result_list) == [sindaco_crema]


def test_the_role_list_shows_the_period(admin_client_pdz, sindaco_crema):
    ruolo = Ruolo.objects.get(user=sindaco_crema)
    ruolo.al = datetime.date(2029, 6, 30)
    ruolo.save()
    pagina = admin_client_pdz.get("/admin/accounts/ruolo/")
    assert pagina.status_code == 200
    # The admin's own date format (Django's Italian one capitalises the month).
    assert "30 giugno 2029" in pagina.content.decode().lower()
