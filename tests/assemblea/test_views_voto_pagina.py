"""The vote page as a sindaco reads it: the ballot before the documents and the rules."""

import pytest

from tests.assemblea.test_views_voto import _punto, _regola, _seduta, _url, _votazione

pytestmark = pytest.mark.django_db


def test_la_scheda_viene_prima_di_documenti_e_regole(
    client, cremasco, ufficio_piano_crema, sindaco_crema
):
    regola = _regola(cremasco, ufficio_piano_crema)
    punto = _punto(_seduta(cremasco, ufficio_piano_crema), titolo="Bilancio")
    punto.descrizione = "Il bilancio del fondo."
    punto.save()
    _votazione(punto, regola, ufficio_piano_crema)
    client.force_login(sindaco_crema)
    html = client.get(_url("votazione", punto)).content.decode()
    scheda = html.index('data-testid="scheda-voto"')
    assert scheda < html.index('id="titolo-oggetto"')
    assert scheda < html.index('id="titolo-regole"')
    assert html.index('id="titolo-mio-voto"') < html.index('id="titolo-oggetto"')
