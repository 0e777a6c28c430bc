"""The public pages publish the signed documents: the approved plan's PDF as voted and then
sealed (both fingerprints on the page), the closed session's archived minutes, and, without a
seal, the unsigned files with a page that says so."""

import hashlib

import pytest
from django.urls import reverse

from assemblea.firma import archivia_verbale, firma_verbale
from core import firma
from piani.firma import firma_pdf_votato

pytestmark = pytest.mark.django_db


def _scarica(client, nome, *args):
    risposta = client.get(reverse(f"pubblico:{nome}", args=args))
    assert risposta.status_code == 200, risposta.status_code
    assert risposta["Content-Type"] == "application/pdf"
    if risposta.streaming:
        return risposta, b"".join(risposta.streaming_content)
    return risposta, risposta.content


def test_il_piano_firmato_e_quello_votato_con_le_due_impronte(client, sigillo, pubblicato):
    votato = pubblicato.render
    firmato = firma_pdf_votato(pubblicato.versione.pk)
    assert firmato is not None and firmato.sha256_firmato

    html = client.get(reverse("pubblico:piano", args=["cremasco", pubblicato.piano.pk])).content
    html = html.decode()
    assert 'data-testid="firmato"' in html
    assert votato.sha256_pdf in html
    assert firmato.sha256_firmato in html
    assert "Il documento firmato è quindi quello votato" in html

    risposta, dati = _scarica(client, "piano-pdf", "cremasco", pubblicato.piano.pk)
    assert "firmato" in risposta["Content-Disposition"]
    assert hashlib.sha256(dati).hexdigest() == firmato.sha256_firmato
    # The signed file begins with the exact bytes whose fingerprint the vote recorded.
    with votato.file.open("rb") as file:
        originale = file.read()
    assert dati[: len(originale)] == originale
    assert hashlib.sha256(dati[: len(originale)]).hexdigest() == votato.sha256_pdf
    esito = firma.verifica(dati, [sigillo.radice])
    assert esito.integra and esito.valida and esito.affidabile and esito.copre_tutto

    alterato = bytearray(dati)
    alterato[len(originale) // 2] ^= 0x01
    assert not firma.verifica(bytes(alterato), [sigillo.radice]).integra


def test_senza_sigillo_si_pubblica_il_pdf_votato_e_la_pagina_lo_dice(client, pubblicato):
    assert not firma.configurata()
    html = client.get(reverse("pubblico:piano", args=["cremasco", pubblicato.piano.pk])).content
    html = html.decode()
    assert 'data-testid="non-firmato"' in html
    assert "non ha un sigillo configurato" in html
    assert 'data-testid="sha256-firmato"' not in html

    risposta, dati = _scarica(client, "piano-pdf", "cremasco", pubblicato.piano.pk)
    assert "firmato" not in risposta["Content-Disposition"]
    assert hashlib.sha256(dati).hexdigest() == pubblicato.render.sha256_pdf
    assert not firma.verifica(dati, []).firmato


def test_con_sigillo_ma_non_ancora_firmato_la_pagina_dice_che_la_firma_e_in_corso(
    client, sigillo, pubblicato
):
    html = client.get(reverse("pubblico:piano", args=["cremasco", pubblicato.piano.pk])).content
    assert "La firma digitale del documento è in corso" in html.decode()


def test_il_verbale_archiviato_e_firmato_si_pubblica_con_le_sue_impronte(
    client, sigillo, pubblicato
):
    seduta = archivia_verbale(pubblicato.seduta.pk)
    with seduta.verbale.open("rb") as file:
        archiviato = file.read()
    seduta = firma_verbale(seduta.pk)
    assert seduta.sha256_verbale_firmato

    pagina = reverse("pubblico:seduta", args=["cremasco", seduta.pk])
    html = client.get(pagina).content.decode()
    assert seduta.sha256_verbale in html
    assert seduta.sha256_verbale_firmato in html
    assert 'data-testid="verbale-firmato"' in html

    _risposta, dati = _scarica(client, "verbale-pdf", "cremasco", seduta.pk)
    assert hashlib.sha256(dati).hexdigest() == seduta.sha256_verbale_firmato
    assert dati[: len(archiviato)] == archiviato
    assert firma.verifica(dati, [sigillo.radice]).affidabile


def test_il_verbale_non_ancora_archiviato_si_stampa_e_non_e_firmato(client, pubblicato):
    pagina = reverse("pubblico:seduta", args=["cremasco", pubblicato.seduta.pk])
    html = client.get(pagina).content.decode()
    assert 'data-testid="verbale-non-firmato"' in html
    _risposta, dati = _scarica(client, "verbale-pdf", "cremasco", pubblicato.seduta.pk)
    assert dati.startswith(b"%PDF")
    assert not firma.verifica(dati, []).firmato
