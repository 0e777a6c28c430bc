"""Who runs the public pages is the Ufficio di Piano's setting; the pages open to everyone, a
signed-in user still owing her second factor included."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ambiti.models import Ambito
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def _dati(**altro):
    return {"voto_online_accesso": "qualsiasi", **altro}


def test_l_ufficio_di_piano_imposta_gestore_e_logo(client, ufficio_piano_crema, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(ufficio_piano_crema)
    url = reverse("ambiti:impostazioni", args=["cremasco"])
    risposta = client.post(
        url,
        _dati(
            gestore_sito="Comune di Crema — Ufficio di Piano",
            telefono_gestore="0373 894 111",
            logo=SimpleUploadedFile("logo.png", PNG, content_type="image/png"),
        ),
    )
    assert risposta.status_code == 302
    ambito = Ambito.objects.get(slug="cremasco")
    assert ambito.gestore_sito == "Comune di Crema — Ufficio di Piano"
    html = client.get(reverse("pubblico:ambito", args=["cremasco"])).content.decode()
    assert reverse("pubblico:logo", args=["cremasco"]) in html
    assert "Logo: Comune di Crema — Ufficio di Piano" in html
    assert "0373 894 111" in html
    client.logout()
    logo = client.get(reverse("pubblico:logo", args=["cremasco"]))
    assert logo.status_code == 200
    assert logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content) == PNG


def test_un_logo_che_non_e_un_immagine_e_rifiutato(client, ufficio_piano_crema, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(ufficio_piano_crema)
    risposta = client.post(
        reverse("ambiti:impostazioni", args=["cremasco"]),
        _dati(
            logo=SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
        ),
    )
    assert risposta.status_code == 200
    assert "Il logo deve essere un&#x27;immagine PNG o JPEG." in risposta.content.decode()
    assert not Ambito.objects.get(slug="cremasco").logo


def test_un_logo_troppo_grande_e_rifiutato(client, ufficio_piano_crema, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(ufficio_piano_crema)
    grande = io.BytesIO(PNG + b"\0" * 600 * 1024).getvalue()
    risposta = client.post(
        reverse("ambiti:impostazioni", args=["cremasco"]),
        _dati(logo=SimpleUploadedFile("logo.png", grande, content_type="image/png")),
    )
    assert "Il logo non può superare 500 kB." in risposta.content.decode()


def test_chi_non_gestisce_l_ambito_non_cambia_il_gestore(client, sindaco_crema):
    client.force_login(sindaco_crema)
    risposta = client.post(
        reverse("ambiti:impostazioni", args=["cremasco"]), _dati(gestore_sito="Altro")
    )
    assert risposta.status_code == 403
    assert Ambito.objects.get(slug="cremasco").gestore_sito == ""


def test_senza_logo_nessuna_immagine(client, cremasco):
    assert client.get(reverse("pubblico:logo", args=["cremasco"])).status_code == 404


def test_le_pagine_pubbliche_non_chiedono_il_secondo_fattore(client, settings, ufficio_piano_crema):
    settings.PDZ_SECONDO_FATTORE_OBBLIGATORIO = True
    client.post(reverse("accounts:login"), {"username": "up_crema", "password": PASSWORD})
    # The portal asks her to set up her app first; the public pages are still hers to read.
    assert client.get(reverse("cruscotto", args=["cremasco"])).status_code == 302
    assert client.get(reverse("pubblico:indice")).status_code == 200
    assert client.get(reverse("pubblico:ambito", args=["cremasco"])).status_code == 200


def test_la_pagina_di_accesso_porta_alle_pagine_pubbliche(client, cremasco):
    html = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("pubblico:indice")}"' in html
