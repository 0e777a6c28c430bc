"""The demo's voting rules: the Oglio Po weighs by the shares of a (believable) Accordo di
Programma, so the rules page and the vote show weights other than the population."""

from decimal import Decimal

import pytest

from assemblea import services
from assemblea.demo import carica_assemblea_demo

pytestmark = pytest.mark.django_db


def test_l_oglio_po_della_demo_vota_sulle_quote(territorio):
    carica_assemblea_demo()
    regola = services.regola_corrente(territorio["oglio-po"])
    assert regola.a_quote
    assert (regola.astenuti_nel_quorum, regola.astenuti_tra_i_votanti) == (True, False)
    quote = dict(regola.quote.values_list("comune__nome", "quota"))
    assert len(quote) == 27
    # Half in equal parts, half by residents (Oglio Po 82 503): Viadana 500 / 27 + 500 x 19 857
    # / 82 503 = 18,5185 + 120,3411 = 138,860; Voltido 18,5185 + 500 x 324 / 82 503 (1,9636) =
    # 20,482.
    assert quote["Viadana"] == Decimal("138.860")
    assert quote["Voltido"] == Decimal("20.482")
    # Idempotent: a second run adds no version.
    carica_assemblea_demo()
    assert services.regola_corrente(territorio["oglio-po"]).versione == regola.versione
