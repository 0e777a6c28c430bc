"""The PDF says what it is, on its cover, in its metadata and in its file name: a draft (in
review or not), a version for the Assemblea dei Sindaci, or the plan the Assemblea approved on
the day of its vote. Typeset by WeasyPrint and read back with pypdf."""

import datetime
import io
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.urls import reverse

from ambiti.demo import carica_periodo
from piani import rendering, services
from piani.models import Piano, RenderPDF, VersionePiano

ROMA = ZoneInfo("Europe/Rome")
INTESTAZIONE = "Piano di Zona 2025-2027 — Ambito Cremasco"
BASE = "piano-di-zona-cremasco-2025-2027"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def piano(cremasco, ufficio_piano_crema):
    return services.crea_piano(
        ambito=cremasco, periodo=carica_periodo(), utente=ufficio_piano_crema
    )


def _stampa(client, capture, utente, render_pdf):
    """The stored PDF as the download gives it: (cover text, title, subject, file name)."""
    render_pdf.refresh_from_db()
    assert render_pdf.stato == RenderPDF.Stato.COMPLETATO, render_pdf.errore
    client.force_login(utente)
    risposta = client.get(
        reverse(
            "piani_pdf:scarica",
            kwargs={"slug": "cremasco", "pk": render_pdf.piano_id, "rpk": render_pdf.pk},
        )
    )
    assert risposta.status_code == 200
    lettore = pypdf.PdfReader(io.BytesIO(b"".join(risposta.streaming_content)))
    copertina = " ".join(lettore.pages[0].extract_text().split())
    nome = risposta["Content-Disposition"].split('filename="')[1].rstrip('"')
    return copertina, lettore.metadata.title, lettore.metadata.subject, nome


def _bozza(capture, piano, utente):
    with capture(execute=True):
        return rendering.richiedi_pdf(piano=piano, utente=utente)


@pytest.mark.django_db
def test_la_bozza_e_la_bozza_in_revisione(
    client, django_capture_on_commit_callbacks, piano, ufficio_piano_crema
):
    copertina, titolo, soggetto, nome = _stampa(
        client,
        django_capture_on_commit_callbacks,
        ufficio_piano_crema,
        _bozza(django_capture_on_commit_callbacks, piano, ufficio_piano_crema),
    )
    assert "Bozza" in copertina and "Bozza in revisione" not in copertina
    assert (titolo, soggetto, nome) == (f"{INTESTAZIONE} — Bozza", "Bozza", f"{BASE}-bozza.pdf")

    services.invia_in_revisione(piano=piano, utente=ufficio_piano_crema)
    copertina, titolo, soggetto, nome = _stampa(
        client,
        django_capture_on_commit_callbacks,
        ufficio_piano_crema,
        _bozza(django_capture_on_commit_callbacks, piano, ufficio_piano_crema),
    )
    assert "Bozza in revisione" in copertina
    assert (titolo, soggetto) == (f"{INTESTAZIONE} — Bozza in revisione", "Bozza in revisione")
    assert nome == f"{BASE}-bozza.pdf"


@pytest.mark.django_db
def test_la_versione_per_l_assemblea_e_poi_il_piano_approvato(
    client,
    django_capture_on_commit_callbacks,
    piano,
    ufficio_piano_crema,
    sindaco_crema,
):
    per_assemblea = "Versione n. 1 per l'Assemblea dei Sindaci"
    with django_capture_on_commit_callbacks(execute=True):
        versione = services.congela(piano=piano, utente=ufficio_piano_crema)
    copertina, titolo, soggetto, nome = _stampa(
        client, django_capture_on_commit_callbacks, sindaco_crema, versione.pdf
    )
    assert per_assemblea in copertina and "Bozza" not in copertina
    assert (titolo, soggetto, nome) == (
        f"{INTESTAZIONE} — {per_assemblea}",
        per_assemblea,
        f"{BASE}-v1.pdf",
    )

    # The Assemblea votes on 3 November 2025 in the evening: the cover gives that day.
    votata = datetime.datetime(2025, 11, 3, 21, 30, tzinfo=ROMA)
    with django_capture_on_commit_callbacks(execute=True):
        services.registra_esito(
            versione=versione, approvata=True, utente=ufficio_piano_crema, quando=votata
        )
    versione = VersionePiano.objects.get(pk=versione.pk)
    assert versione.esito_il == votata
    approvato = "Approvato dall'Assemblea dei Sindaci il 3 novembre 2025"
    copertina, titolo, soggetto, nome = _stampa(
        client, django_capture_on_commit_callbacks, sindaco_crema, versione.pdf
    )
    assert approvato in copertina and per_assemblea not in copertina
    assert (titolo, soggetto, nome) == (
        f"{INTESTAZIONE} — {approvato}",
        approvato,
        f"{BASE}-v1-approvato.pdf",
    )
    # The frozen text itself does not move: the outcome is on the printed copy only.
    assert rendering.impronta(versione.html) == versione.sha256_html
    assert "Versione n. 1 per l&#x27;Assemblea dei Sindaci" in versione.html
    assert Piano.objects.get(pk=piano.pk).stato == Piano.Stato.APPROVATO
