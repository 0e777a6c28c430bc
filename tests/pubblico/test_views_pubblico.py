"""The public pages, read without signing in: what each shows of the approved plan and of the
ambito, and the 404 for what is not public."""

import hashlib

import pytest
from django.urls import reverse

from assemblea.models import Votazione
from piani.models import Piano

from .conftest import PUBBLICI, pdf_completato

pytestmark = pytest.mark.django_db


def _testo(client, nome, *args):
    risposta = client.get(reverse(f"pubblico:{nome}", args=args))
    assert risposta.status_code == 200, (nome, risposta.status_code)
    return risposta.content.decode()


def test_indice_elenca_gli_ambiti_senza_accesso(client, pubblicato):
    html = _testo(client, "indice")
    assert reverse("pubblico:ambito", args=["cremasco"]) in html
    assert reverse("pubblico:ambito", args=["cremonese"]) in html
    assert "Area riservata" in html


def test_la_home_dell_ambito_porta_al_piano_approvato(client, pubblicato):
    html = _testo(client, "ambito", "cremasco")
    assert reverse("pubblico:piano", args=["cremasco", pubblicato.piano.pk]) in html
    assert reverse("pubblico:obiettivi", args=["cremasco", pubblicato.piano.pk]) in html


def test_un_ambito_senza_piano_approvato_lo_dice(client, pubblicato):
    html = _testo(client, "ambito", "cremonese")
    assert 'data-testid="nessun-piano"' in html


def test_il_piano_approvato_mostra_testo_pdf_voto_e_recepimenti(client, pubblicato):
    html = _testo(client, "piano", "cremasco", pubblicato.piano.pk)
    assert PUBBLICI["testo"] in html
    assert pubblicato.render.sha256_pdf in html
    # The totals as the minutes state them, and the named votes of the open ballot.
    assert 'data-testid="risultato"' in html
    assert 'data-testid="voti-nominali"' in html
    assert "Pandino" in html and "Contrario" in html
    assert "delibera n. CC-45/2026" in html
    assert "Hanno recepito il piano 1 comuni su 48." in html
    assert "non ancora recepito" in html
    # The frozen document's own style and headings stay out of the page.
    assert "<style" not in html
    assert html.count("<h1") == 1


def test_il_pdf_e_quello_votato(client, pubblicato):
    risposta = client.get(reverse("pubblico:piano-pdf", args=["cremasco", pubblicato.piano.pk]))
    assert risposta.status_code == 200
    assert risposta["Content-Type"] == "application/pdf"
    contenuto = b"".join(risposta.streaming_content)
    assert hashlib.sha256(contenuto).hexdigest() == pubblicato.render.sha256_pdf


def test_la_copia_approvata_e_il_pdf_votato_con_le_loro_impronte(client, pubblicato):
    # After the vote the portal prints a copy whose cover says «approvato»: both are offered,
    # each with its own fingerprint, the voted one being what the convocation sent.
    approvata = pdf_completato(pubblicato.versione, None)
    html = _testo(client, "piano", "cremasco", pubblicato.piano.pk)
    assert approvata.sha256_pdf in html
    assert pubblicato.render.sha256_pdf in html
    for nome, render in (("piano-pdf-copia", approvata), ("piano-pdf", pubblicato.render)):
        risposta = client.get(reverse(f"pubblico:{nome}", args=["cremasco", pubblicato.piano.pk]))
        assert hashlib.sha256(b"".join(risposta.streaming_content)).hexdigest() == render.sha256_pdf


def test_un_piano_non_approvato_non_esiste(client, pubblicato):
    bozza = Piano.objects.get(ambito__slug="cremonese")
    for nome in ("piano", "piano-pdf", "piano-pdf-copia", "obiettivi"):
        assert (
            client.get(reverse(f"pubblico:{nome}", args=["cremonese", bozza.pk])).status_code == 404
        )
    # Nor under another ambito's address.
    assert (
        client.get(reverse("pubblico:piano", args=["cremonese", pubblicato.piano.pk])).status_code
        == 404
    )


def test_obiettivi_con_azioni_risorse_e_indicatori(client, pubblicato):
    html = _testo(client, "obiettivi", "cremasco", pubblicato.piano.pk)
    assert PUBBLICI["obiettivo"] in html
    assert PUBBLICI["azione"] in html
    assert PUBBLICI["indicatore"] in html
    assert "€ 12.500,00" in html
    assert "atteso 30" in html and "misurato 27" in html
    # The charts of the portal's overview, with their text alternative.
    assert html.count("<svg") >= 2
    assert "OBIETTIVO-PROPOSTO-RISERVATO" not in html


def test_registro_senza_recapiti(client, pubblicato):
    html = _testo(client, "registro", "cremasco")
    assert PUBBLICI["ente"] in html
    assert "Cooperativa sociale" in html
    assert "aderisce dal 15 gennaio 2025" in html
    for privato in ("contatto.riservato@example.org", "0373 999 111", "Ermenegilda Riservata"):
        assert privato not in html


def test_sedute_chiuse_con_ordine_del_giorno_ed_esiti(client, pubblicato):
    html = _testo(client, "sedute", "cremasco")
    assert "Seduta di approvazione del piano" in html
    assert "SEDUTA-CONVOCATA-RISERVATA" not in html
    html = _testo(client, "seduta", "cremasco", pubblicato.seduta.pk)
    assert "Approvazione del Piano di Zona" in html
    assert reverse("pubblico:piano", args=["cremasco", pubblicato.piano.pk]) in html
    assert reverse("pubblico:verbale-pdf", args=["cremasco", pubblicato.seduta.pk]) in html


def test_scrutinio_segreto_senza_voti_dei_comuni(client, pubblicato):
    votazione = Votazione.objects.get(punto__seduta=pubblicato.seduta_segreta)
    assert votazione.voti.filter(scelta="contrario").count() == 2
    html = _testo(client, "seduta", "cremasco", pubblicato.seduta_segreta.pk)
    assert 'data-testid="scrutinio-segreto"' in html
    assert 'data-testid="voti-nominali"' not in html
    # "Contrari" heads the totals row; a comune's own «Contrario» never shows.
    assert "Contrario" not in html


def test_seduta_non_chiusa_non_esiste(client, pubblicato):
    from assemblea.models import Seduta

    convocata = Seduta.objects.get(titolo="SEDUTA-CONVOCATA-RISERVATA")
    for nome in ("seduta", "verbale-pdf"):
        assert (
            client.get(reverse(f"pubblico:{nome}", args=["cremasco", convocata.pk])).status_code
            == 404
        )


def test_il_verbale_della_seduta_chiusa(client, pubblicato):
    risposta = client.get(reverse("pubblico:verbale-pdf", args=["cremasco", pubblicato.seduta.pk]))
    assert risposta.status_code == 200
    assert risposta["Content-Type"] == "application/pdf"
    assert risposta.content.startswith(b"%PDF")


def test_intestazione_e_piede_con_l_ente_che_gestisce_il_sito(client, pubblicato):
    ambito = pubblicato.ambito
    ambito.gestore_sito = "Comune di Crema — Ufficio di Piano"
    ambito.indirizzo_gestore = "Piazza Duomo 25, Crema"
    ambito.pec_gestore = "protocollo@comunecrema.telecompost.it"
    ambito.email_ufficio_piano = "udp@comune.crema.cr.it"
    ambito.save()
    html = _testo(client, "ambito", "cremasco")
    assert html.count("Comune di Crema — Ufficio di Piano") >= 2
    assert "Piazza Duomo 25, Crema" in html
    for nome in ("accessibilita", "privacy", "note-legali", "cookie"):
        assert reverse(f"pubblico:{nome}", args=["cremasco"]) in html
    assert "Regione Lombardia · Ambiti territoriali sociali" not in html
    accessibilita = _testo(client, "accessibilita", "cremasco")
    assert 'href="mailto:udp@comune.crema.cr.it?subject=' in accessibilita
    assert "cookie tecnici" in _testo(client, "cookie", "cremasco")


def test_senza_gestore_l_intestazione_nomina_l_ufficio_di_piano(client, pubblicato):
    html = _testo(client, "ambito", "cremasco")
    assert "Ufficio di Piano — Ambito Cremasco" in html


def test_le_pagine_pubbliche_non_impostano_cookie(client, pubblicato):
    risposta = client.get(reverse("pubblico:piano", args=["cremasco", pubblicato.piano.pk]))
    assert risposta.status_code == 200
    assert not risposta.cookies


def test_ambito_inesistente(client, pubblicato):
    assert client.get(reverse("pubblico:ambito", args=["nessuno"])).status_code == 404


def test_si_legge_soltanto(client, pubblicato):
    url = reverse("pubblico:piano", args=["cremasco", pubblicato.piano.pk])
    # A link checker's HEAD is a read; anything else is refused.
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_gli_obiettivi_pubblici_si_leggono_senza_unire_gli_obiettivi_della_regione(pubblicato):
    # The prefetches order on their own columns (issue 16): the models' orderings start from the
    # objective and joined every prefetch to the whole region's objectives. The order a
    # reader sees stays the one those orderings gave within an objective.
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from obiettivi.models import Azione, Obiettivo, Risorsa
    from pubblico import selezioni

    obiettivo = Obiettivo.objects.get(ambito=pubblicato.ambito, titolo=PUBBLICI["obiettivo"])
    prima = Azione.objects.get(obiettivo=obiettivo)
    Azione.objects.filter(pk=prima.pk).update(ordine=5)
    seconda = Azione.objects.create(obiettivo=obiettivo, descrizione="Viene prima", ordine=1)
    risorsa = Risorsa.objects.get(obiettivo=obiettivo)
    Risorsa.objects.create(
        obiettivo=obiettivo, anno=2025 + 1, fondo=risorsa.fondo, importo=Decimal("10")
    )
    with CaptureQueriesContext(connection) as catturate:
        [letto] = [
            o for o in selezioni.obiettivi(pubblicato.ambito, obiettivo.periodo) if o == obiettivo
        ]
    assert [a.pk for a in letto.azioni.all()] == [seconda.pk, prima.pk]
    assert [r.anno for r in letto.risorse.all()] == [2025, 2026]
    prefetch = [
        q["sql"]
        for q in catturate.captured_queries
        if any(
            f'FROM "{t}"' in q["sql"]
            for t in (
                "obiettivi_azione",
                "obiettivi_risorsa",
                "obiettivi_indicatore",
                "obiettivi_valoreindicatore",
            )
        )
    ]
    assert len(prefetch) == 4
    assert not [sql for sql in prefetch if 'JOIN "obiettivi_obiettivo"' in sql]
