"""The register's selects say what an empty choice means, never "---------"."""

from django.test import Client
from django.urls import reverse

from tests.utils.html import testo_visibile as _testo
from tests.utils.html import trova, uno


def test_registro_e_nuova_iscrizione(cremasco, ufficio_piano_crema):
    client = Client()
    client.force_login(ufficio_piano_crema)
    registro = client.get(reverse("ambiti:registro", args=["cremasco"]))
    assert "---------" not in registro.content.decode()
    assert _testo(trova(uno(registro, "select", name="aderisce_adp"), "option")[0]) == "Qualsiasi"
    assert _testo(trova(uno(registro, "select", name="tipo"), "option")[0]) == "Qualsiasi"
    nuova = client.get(reverse("ambiti:iscrizione-nuova", args=["cremasco"]))
    assert "---------" not in nuova.content.decode()
    assert _testo(trova(uno(nuova, "select", name="ente-tipo"), "option")[0]) == "Scegli…"
