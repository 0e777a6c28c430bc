"""Embedded mode (`make run`: no broker, Celery eager): the plan's PDF is rendered in a
background thread of the process after the response, so that "Genera PDF" answers at once and
the progress bar the page polls is real; a failed rendering is retried the same way.

These tests need real commits (the thread reads with its own connection): transactional db."""

import io
import threading
import time

import pypdf
import pytest
from django.urls import reverse

from ambiti.demo import carica_periodo
from piani import pdf, services
from piani.models import RenderPDF
from tests.utils.html import uno

pytestmark = pytest.mark.django_db(transaction=True)
Stato = RenderPDF.Stato
HTMX = {"HX-Request": "true"}
ATTESA = 30


@pytest.fixture(autouse=True)
def in_sfondo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PDZ_TASK_IN_SFONDO = True


@pytest.fixture
def piano(cremasco, ufficio_piano_crema):
    return services.crea_piano(
        ambito=cremasco, periodo=carica_periodo(), utente=ufficio_piano_crema
    )


class Tipografo:
    """A stand-in for WeasyPrint that waits, mid-page, until the test lets it finish."""

    def __init__(self, *, guasto=False):
        self.iniziato = threading.Event()
        self.via = threading.Event()
        self.guasto = guasto

    def __call__(self, html, *, titolo, autore, progresso=None, **_altro):
        self.iniziato.set()
        if progresso is not None:
            progresso(pdf.PROGRESSO_IMPAGINATO)
        assert self.via.wait(ATTESA)
        if self.guasto:
            raise ValueError("carattere mancante")
        scrittore = pypdf.PdfWriter()
        scrittore.add_blank_page(width=595, height=842)
        uscita = io.BytesIO()
        scrittore.write(uscita)
        return pdf.RisultatoPDF(pdf=uscita.getvalue(), pagine=1)


def _attendi(render, *stati):
    fine = time.monotonic() + ATTESA
    while time.monotonic() < fine:
        render.refresh_from_db()
        if render.stato in stati:
            return render
        time.sleep(0.05)
    raise AssertionError(f"rendering ancora {render.stato}")


def _stato(client, render):
    url = reverse(
        "piani_pdf:stato", kwargs={"slug": "cremasco", "pk": render.piano_id, "rpk": render.pk}
    )
    return client.get(url, headers=HTMX)


def test_genera_pdf_risponde_prima_della_fine_e_il_progresso_e_vero(
    client, piano, ufficio_piano_crema, monkeypatch
):
    tipografo = Tipografo()
    monkeypatch.setattr(pdf, "rendi_pdf", tipografo)
    client.force_login(ufficio_piano_crema)
    inizio = time.monotonic()
    risposta = client.post(
        reverse("piani_pdf:genera", kwargs={"slug": "cremasco", "pk": piano.pk}), headers=HTMX
    )
    assert risposta.status_code == 200
    render = RenderPDF.objects.get()
    # The response came back while the rendering waits in the thread, half-way.
    assert tipografo.iniziato.wait(ATTESA)
    assert time.monotonic() - inizio < ATTESA
    render = _attendi(render, Stato.IN_CORSO)
    assert 0 < render.progresso < 100
    assert not _stato(client, render).content.decode().count('data-testid="scarica-pdf"')

    tipografo.via.set()
    render = _attendi(render, Stato.COMPLETATO)
    assert render.progresso == 100
    assert uno(_stato(client, render), data_testid="scarica-pdf") is not None


def test_un_rendering_fallito_si_riprova_in_sfondo(client, piano, ufficio_piano_crema, monkeypatch):
    guasto = Tipografo(guasto=True)
    guasto.via.set()
    monkeypatch.setattr(pdf, "rendi_pdf", guasto)
    client.force_login(ufficio_piano_crema)
    client.post(
        reverse("piani_pdf:genera", kwargs={"slug": "cremasco", "pk": piano.pk}), headers=HTMX
    )
    render = _attendi(RenderPDF.objects.get(), Stato.FALLITO)
    assert "carattere mancante" in render.errore

    buono = Tipografo()
    monkeypatch.setattr(pdf, "rendi_pdf", buono)
    url = reverse(
        "piani_pdf:riprova", kwargs={"slug": "cremasco", "pk": piano.pk, "rpk": render.pk}
    )
    assert client.post(url, headers=HTMX).status_code == 200
    assert buono.iniziato.wait(ATTESA)
    render.refresh_from_db()
    assert render.stato != Stato.COMPLETATO
    buono.via.set()
    assert _attendi(render, Stato.COMPLETATO).sha256_pdf
