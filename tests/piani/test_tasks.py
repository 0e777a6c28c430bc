"""The plan's PDF: one rendering per content, failures and retries, files never half written,
who reads which rendering, and the status fragment the page polls.

Tasks run eagerly (settings_test), on commit of the request: the tests run the on-commit
callbacks with django_capture_on_commit_callbacks(execute=True).
"""

import hashlib
import io
import os
import time
from datetime import timedelta
from pathlib import Path

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from ambiti.demo import carica_periodo
from ambiti.models import AreaPolicy
from core.flusso import OperazioneNonAmmessa
from piani import pdf, rendering, services, tasks
from piani.models import Piano, RenderPDF, Sezione, VersionePiano
from tests.factories import AzioneFactory, ObiettivoFactory
from tests.utils.html import testo_visibile as _testo
from tests.utils.html import trova, uno

Stato = RenderPDF.Stato
HTMX = {"HX-Request": "true"}
TITOLI = (
    "Trasporto sociale per gli anziani soli",
    "Alloggi a canone concordato",
    "Tirocini di inclusione per giovani fragili",
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test its own media directory: renderings of different tests share primary keys."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def piano(cremasco, ufficio_piano_crema):
    piano = services.crea_piano(
        ambito=cremasco, periodo=carica_periodo(), utente=ufficio_piano_crema
    )
    aree = list(AreaPolicy.objects.filter(periodo=piano.periodo).order_by("ordine"))
    for numero, titolo in enumerate(TITOLI, start=1):
        obiettivo = ObiettivoFactory(
            ambito=cremasco, codice=f"{numero}.1", titolo=titolo, aree=[aree[numero]]
        )
        AzioneFactory(obiettivo=obiettivo, descrizione=f"Prima azione dell'obiettivo {numero}")
    return piano


@pytest.fixture
def pdf_finto(monkeypatch):
    """A fast stand-in for WeasyPrint: a one-page PDF; it records what it was asked."""
    chiamate = []

    def rendi(html, *, titolo, autore, soggetto="", progresso=None):
        chiamate.append({"titolo": titolo, "autore": autore, "soggetto": soggetto, "html": html})
        if progresso is not None:
            progresso(pdf.PROGRESSO_IMPAGINATO)
            chiamate[-1]["progresso_salvato"] = list(
                RenderPDF.objects.values_list("progresso", flat=True)
            )
            progresso(pdf.PROGRESSO_COMPLETATO)
        scrittore = pypdf.PdfWriter()
        scrittore.add_blank_page(width=595, height=842)
        scrittore.add_metadata({"/Title": titolo, "/Author": autore})
        uscita = io.BytesIO()
        scrittore.write(uscita)
        return pdf.RisultatoPDF(pdf=uscita.getvalue(), pagine=1)

    monkeypatch.setattr(pdf, "rendi_pdf", rendi)
    return chiamate


def _richiedi(catturati, piano, utente, versione=None):
    with catturati(execute=True):
        render = rendering.richiedi_pdf(piano=piano, utente=utente, versione=versione)
    render.refresh_from_db()
    return render


def _testo_pdf(render):
    with render.file.open("rb") as file:
        lettore = pypdf.PdfReader(io.BytesIO(file.read()))
    return lettore, " ".join(" ".join(p.extract_text() for p in lettore.pages).split())


def _percorso(render):
    return Path(render.file.storage.path(tasks._nome_interno(render)))


def _temporanei(percorso):
    return sorted(p.name for p in percorso.parent.glob(f".{percorso.name}.*"))


# --- The task ----------------------------------------------------------------------------------


def test_il_pdf_reale_contiene_il_piano_e_lo_stesso_contenuto_riusa_il_file(
    django_capture_on_commit_callbacks, piano, ufficio_piano_crema
):
    render = _richiedi(django_capture_on_commit_callbacks, piano, ufficio_piano_crema)
    assert render.stato == Stato.COMPLETATO, render.errore
    assert (render.progresso, render.tentativi, render.errore) == (100, 1, "")
    assert render.durata_ms > 0 and render.completato_il is not None
    assert render.sha256_html == rendering.impronta(rendering.html_da_rendere(piano))
    contenuto = Path(render.file.path).read_bytes()
    assert contenuto.startswith(b"%PDF-")
    assert render.sha256_pdf == hashlib.sha256(contenuto).hexdigest()
    lettore, testo_pdf = _testo_pdf(render)
    assert render.pagine == len(lettore.pages) > 1
    for titolo in TITOLI:
        assert titolo in testo_pdf, titolo
    assert lettore.metadata.title == "Piano di Zona 2025-2027 — Ambito Cremasco — Bozza"
    nome = f"piani/pdf/piano-di-zona-cremasco-2025-2027-bozza-r{render.pk}.pdf"
    assert render.file.name == nome

    # The same content again: the same rendering, nothing queued, the file untouched.
    modificato = os.stat(render.file.path).st_mtime_ns
    with django_capture_on_commit_callbacks() as accodati:
        di_nuovo = rendering.richiedi_pdf(piano=piano, utente=ufficio_piano_crema)
    assert di_nuovo.pk == render.pk
    assert accodati == []
    assert RenderPDF.objects.count() == 1
    assert os.stat(render.file.path).st_mtime_ns == modificato

    # Another content: another rendering.
    Sezione.objects.filter(piano=piano, titolo="Introduzione").update(
        testo="<p>Un'introduzione riscritta.</p>"
    )
    nuovo = _richiedi(django_capture_on_commit_callbacks, piano, ufficio_piano_crema)
    assert nuovo.pk != render.pk
    assert nuovo.sha256_html != render.sha256_html
    assert "Un'introduzione riscritta." in _testo_pdf(nuovo)[1]


def test_una_richiesta_in_coda_non_ne_accoda_una_seconda(
    django_capture_on_commit_callbacks, piano, ufficio_piano_crema, pdf_finto
):
    with django_capture_on_commit_callbacks() as accodati:
        primo = rendering.richiedi_pdf(piano=piano, utente=ufficio_piano_crema)
        secondo = rendering.richiedi_pdf(piano=piano, utente=ufficio_piano_crema)
    assert primo.pk == secondo.pk
    assert primo.stato == Stato.IN_CODA
    assert len(accodati) == 1
    RenderPDF.objects.filter(pk=primo.pk).update(stato=Stato.IN_CORSO)
    assert rendering.richiedi_pdf(piano=piano, utente=ufficio_piano_crema).pk == primo.pk
    assert pdf_finto == []


def test_avanzamento_dal_renderer_e_metadati(
    django_capture_on_commit_callbacks, piano, ufficio_piano_crema, pdf_finto, monkeypatch
):
    monkeypatch.setattr(tasks, "INTERVALLO_PROGRESSO", 0)
    render = _richiedi(django_capture_on_commit_callbacks, piano, ufficio_piano_crema)
    assert render.stato == Stato.COMPLETATO
    # While typesetting, the page already read 30 + 65% of the renderer's 70.
    assert pdf_finto[0]["progresso_salvato"] == [75]
    assert pdf_finto[0]["titolo"] == "Piano di Zona 2025-2027 — Ambito Cremasco — Bozza"
    assert pdf_finto[0]["soggetto"] == "Bozza"
    assert pdf_finto[0]["autore"] == "Ufficio di Piano — Ambito territoriale Cremasco"


def test_avanzamento_limitato_ma_mai_perso(
    django_capture_on_commit_callbacks, piano, ufficio_piano_crema, pdf_finto, monkeypatch
):
    # The renderer reports 70 and 100 within the throttling interval: neither is saved then,
    # but the page reads 95 before the file is written.
    monkeypatch.setattr(tasks, "INTERVALLO_PROGRESSO", 60)
    scrivi = tasks.scrivi_pdf
    letti = []

    def scrivi_e_leggi(render, dati):
        letti.append(RenderPDF.objects.get(pk=render.pk).progresso)
        return scrivi(render, dati)

    monkeypatch.setattr(tasks, "scrivi_pdf", scrivi_e_leggi)
    render = _richiedi(django_capture_on_commit_callbacks, piano, ufficio_piano_crema)
    assert pdf_finto[0]["progresso_salvato"] == [30]
    assert letti == [tasks.IMPAGINATO]
    assert render.progresso == 100


def test_fallimento_in_italiano_e_riprova(
    django_capture_on_commit_callbacks, piano, ufficio_piano_crema, monkeypatch, caplog
):
    def guasto(html, **kwargs):
        raise ValueError("carattere non disponibile\nnel sistema")

    monkeypatch.setattr(pdf, "rendi_pdf", guasto)
    render = _richiedi(django_capture_on_commit_callbacks, piano, ufficio_piano_crema)
    assert render.stato == Stato.FALLITO
    assert render.errore == "Impaginazione non riuscita: carattere non disponibile nel sistema"
    assert not render.file and render.sha256_pdf == ""
    assert render.tentativi == 1  # an error in the document is not retried
    assert "non riuscito" in caplog.text
    assert not _percorso(render).exists()

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True) as accodati:
        ripreso = rendering.riprova(render, ufficio_piano_crema)
    assert ripreso.pk == render.pk
    assert len(accodati) == 1
    render.refresh_from_db()
    assert render.stato == Stato.COMPLETATO
    assert (render.errore, render.tentativi, render.progresso) == ("", 1, 100)
    assert _percorso(render).is_file()

    with pytest.raises(OperazioneNonAmmessa):
        rendering.riprova(render, ufficio_piano_crema)


def test_un_pdf_fallito_non_si_riusa(
    django_capture_on_commit_callbacks, piano, ufficio_piano_crema, monkeypatch, pdf_finto
):
    def guasto(html, **kwargs):
        raise ValueError("guasto")

    with monkeypatch.context() as m:
        m.setattr(pdf, "rendi_pdf", guasto)
        fallito = _richiedi(django_capture_on_commit_callbacks, piano, ufficio_piano_crema)
    assert fallito.stato == Stato.FALLITO
    nuovo = _richiedi(django_capture_on_commit_callbacks, piano, ufficio_piano_crema)
    assert nuovo.pk != fallito.pk
    assert nuovo.stato == Stato.COMPLETATO


def test_un_render_completato_non_si_rifa(
    django_capture_on_commit_callbacks, piano, ufficio_piano_crema, pdf_finto, monkeypatch
):
    render = _richiedi(django_capture_on_commit_callbacks, piano, ufficio_piano_crema)
    prima = Path(render.file.path).read_bytes()
    modificato = os.stat(render.file.path).st_mtime_ns

    def vietato(*args, **kwargs):
        raise AssertionError("un PDF completato non si impagina di nuovo")

    monkeypatch.setattr(pdf, "rendi_pdf", vietato)
    assert tasks.rendi_pdf_piano.delay(render.pk).get() is None
    dopo = RenderPDF.objects.get(pk=render.pk)
    assert (dopo.stato, dopo.tentativi, dopo.sha256_pdf) == (Stato.COMPLETATO, 1, render.sha256_pdf)
    assert Path(render.file.path).read_bytes() == prima
    assert os.stat(render.file.path).st_mtime_ns == modificato
    # Nor a failed one (the user retries it) nor one that does not exist.
    RenderPDF.objects.filter(pk=render.pk).update(stato=Stato.FALLITO)
    assert tasks.rendi_pdf_piano.delay(render.pk).get() is None
    assert tasks.rendi_pdf_piano.delay(render.pk + 1000).get() is None


def test_un_render_che_uccide_ogni_worker_alla_fine_fallisce(piano, pdf_finto):
    # Each worker that took it died (the message came back each time, reject_on_worker_lost).
    render = RenderPDF.objects.create(
        piano=piano,
        sha256_html="0" * 64,
        stato=Stato.IN_CORSO,
        tentativi=tasks.MASSIMO_TENTATIVI,
    )
    tasks.rendi_pdf_piano.delay(render.pk)
    render.refresh_from_db()
    assert render.stato == Stato.FALLITO
    assert render.errore == (
        "Generazione del PDF interrotta 6 volte: il documento è forse troppo grande per il server."
    )
    assert pdf_finto == []


def test_la_bozza_cambiata_dopo_la_richiesta_si_stampa_com_e_ora(
    django_capture_on_commit_callbacks, piano, ufficio_piano_crema, pdf_finto
):
    with django_capture_on_commit_callbacks() as accodati:
        render = rendering.richiedi_pdf(piano=piano, utente=ufficio_piano_crema)
    richiesto = render.sha256_html
    Sezione.objects.filter(piano=piano, titolo="Introduzione").update(testo="<p>Cambiato.</p>")
    for callback in accodati:
        callback()
    render.refresh_from_db()
    assert render.stato == Stato.COMPLETATO
    assert "Cambiato." in pdf_finto[0]["html"]
    assert render.sha256_html == rendering.impronta(pdf_finto[0]["html"]) != richiesto
    # That content is now known: asking for it reuses the rendering.
    assert rendering.richiedi_pdf(piano=piano, utente=ufficio_piano_crema).pk == render.pk


def test_versione_congelata(
    django_capture_on_commit_callbacks, piano, ufficio_piano_crema, pdf_finto
):
    with django_capture_on_commit_callbacks(execute=True):
        versione = services.congela(piano=piano, utente=ufficio_piano_crema)
    render = versione.pdf
    assert render is not None and render.versione == versione
    assert render.sha256_html == versione.sha256_html
    assert pdf_finto[0]["html"] == versione.html
    assert pdf_finto[0]["titolo"] == (
        "Piano di Zona 2025-2027 — Ambito Cremasco — Versione n. 1 per l'Assemblea dei Sindaci"
    )
    assert rendering.nome_file(render) == "piano-di-zona-cremasco-2025-2027-v1.pdf"
    assert (
        rendering.richiedi_pdf(piano=piano, utente=ufficio_piano_crema, versione=versione).pk
        == render.pk
    )
    # The draft's PDF is another rendering.
    bozza = _richiedi(django_capture_on_commit_callbacks, piano, ufficio_piano_crema)
    assert bozza.pk != render.pk and bozza.versione is None


def test_versione_alterata_non_si_stampa(
    django_capture_on_commit_callbacks, piano, ufficio_piano_crema, pdf_finto
):
    with django_capture_on_commit_callbacks() as accodati:
        versione = services.congela(piano=piano, utente=ufficio_piano_crema)
    VersionePiano.objects.filter(pk=versione.pk).update(html=versione.html + "<p>aggiunta</p>")
    for callback in accodati:
        callback()
    render = versione.rendering.get()
    assert render.stato == Stato.FALLITO
    assert render.errore == "Il testo congelato della versione non corrisponde alla sua impronta."
    assert pdf_finto == []


# --- Files never half written ------------------------------------------------------------------


def test_un_crash_durante_la_scrittura_non_lascia_file_nel_percorso_finale(
    piano, ufficio_piano_crema, monkeypatch
):
    render = RenderPDF.objects.create(piano=piano, sha256_html="0" * 64)
    percorso = _percorso(render)
    assert not percorso.exists()

    def crash(descrittore):
        raise OSError("disco pieno")

    monkeypatch.setattr(tasks.os, "fsync", crash)
    with pytest.raises(OSError, match="disco pieno"):
        tasks.scrivi_pdf(render, b"%PDF-1.7 mezzo file")
    assert not percorso.exists()
    assert _temporanei(percorso) == []

    # A complete file already there (a run that died before recording it) stays whole.
    monkeypatch.undo()
    assert tasks.scrivi_pdf(render, b"%PDF-1.7 completo") == tasks._nome_interno(render)
    monkeypatch.setattr(tasks.os, "fsync", crash)
    with pytest.raises(OSError):
        tasks.scrivi_pdf(render, b"%PDF-1.7 altro mezzo file")
    assert percorso.read_bytes() == b"%PDF-1.7 completo"
    assert _temporanei(percorso) == []


def test_errori_del_disco_si_riprovano_poi_falliscono(
    django_capture_on_commit_callbacks, piano, ufficio_piano_crema, pdf_finto, monkeypatch
):
    scritture = []

    def fsync_instabile(descrittore):
        scritture.append(descrittore)
        if len(scritture) == 1:
            raise OSError("errore di I/O")

    monkeypatch.setattr(tasks.os, "fsync", fsync_instabile)
    render = _richiedi(django_capture_on_commit_callbacks, piano, ufficio_piano_crema)
    assert render.stato == Stato.COMPLETATO
    assert render.tentativi == 2

    def fsync_rotto(descrittore):
        raise OSError("errore di I/O")

    monkeypatch.setattr(tasks.os, "fsync", fsync_rotto)
    Sezione.objects.filter(piano=piano, titolo="Introduzione").update(testo="<p>Altro.</p>")
    render = _richiedi(django_capture_on_commit_callbacks, piano, ufficio_piano_crema)
    assert render.stato == Stato.FALLITO
    assert render.tentativi == 1 + tasks.rendi_pdf_piano.max_retries
    assert render.errore == "Generazione del PDF non riuscita: errore di I/O"
    assert not _percorso(render).exists()
    assert _temporanei(_percorso(render)) == []


# --- Views: who may do what --------------------------------------------------------------------


@pytest.fixture
def bozza(django_capture_on_commit_callbacks, piano, ufficio_piano_crema, pdf_finto):
    return _richiedi(django_capture_on_commit_callbacks, piano, ufficio_piano_crema)


@pytest.fixture
def di_versione(django_capture_on_commit_callbacks, piano, ufficio_piano_crema, pdf_finto):
    with django_capture_on_commit_callbacks(execute=True):
        versione = services.congela(piano=piano, utente=ufficio_piano_crema)
    return versione.rendering.get()


def _url(nome, render=None, *, piano=None, slug="cremasco"):
    piano = piano or render.piano
    kwargs = {"slug": slug, "pk": piano.pk}
    if render is not None:
        kwargs["rpk"] = render.pk
    return reverse(f"piani_pdf:{nome}", kwargs=kwargs)


def test_genera_solo_ufficio_di_piano(
    client,
    django_capture_on_commit_callbacks,
    piano,
    ufficio_piano_crema,
    ufficio_piano_cremona,
    operatore_crema,
    sindaco_crema,
    pdf_finto,
):
    url = _url("genera", piano=piano)
    risposta = client.post(url)
    assert risposta.status_code == 302 and "/account/" in risposta.url
    for utente, atteso in (
        (operatore_crema, 403),
        (sindaco_crema, 403),
        (ufficio_piano_cremona, 404),
    ):
        client.force_login(utente)
        assert client.post(url).status_code == atteso, utente
    client.force_login(ufficio_piano_cremona)
    assert client.post(_url("genera", piano=piano, slug="cremonese")).status_code == 404
    assert RenderPDF.objects.count() == 0

    client.force_login(ufficio_piano_crema)
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        risposta = client.post(url)
    render = RenderPDF.objects.get()
    assert risposta.status_code == 302
    assert risposta.url == _url("stato", render)
    assert render.richiesto_da == ufficio_piano_crema
    assert render.stato == Stato.COMPLETATO

    # With htmx the answer is the fragment itself, for the same rendering.
    risposta = client.post(url, headers=HTMX)
    assert risposta.status_code == 200
    assert b"<html" not in risposta.content
    assert uno(risposta, "div", data_testid="stato-pdf").attributes
    assert RenderPDF.objects.count() == 1


def test_genera_piano_di_un_altro_ambito_404(
    client, piano, ufficio_piano_cremona, cremonese, ufficio_piano_crema
):
    altro = services.crea_piano(
        ambito=cremonese, periodo=piano.periodo, utente=ufficio_piano_cremona
    )
    client.force_login(ufficio_piano_crema)
    assert client.post(_url("genera", piano=altro)).status_code == 404
    assert not Piano.objects.get(pk=altro.pk).rendering.exists()


def test_stato_e_scarica_della_bozza(
    client,
    bozza,
    ufficio_piano_crema,
    ufficio_piano_cremona,
    operatore_crema,
    sindaco_crema,
    ente_crema,
):
    for nome in ("stato", "scarica"):
        url = _url(nome, bozza)
        assert client.get(url).status_code == 302  # to the login page
        for utente in (operatore_crema, sindaco_crema, ente_crema, ufficio_piano_cremona):
            client.force_login(utente)
            assert client.get(url).status_code == 404, (nome, utente)
        client.force_login(ufficio_piano_crema)
        assert client.post(url).status_code == 405
        assert client.get(url).status_code == 200
        client.logout()

    client.force_login(ufficio_piano_crema)
    risposta = client.get(_url("scarica", bozza))
    assert risposta["Content-Type"] == "application/pdf"
    assert risposta["Content-Disposition"] == (
        'attachment; filename="piano-di-zona-cremasco-2025-2027-bozza.pdf"'
    )
    assert b"".join(risposta.streaming_content) == Path(bozza.file.path).read_bytes()


def test_stato_e_scarica_della_versione_per_i_sindaci(
    client,
    di_versione,
    ufficio_piano_crema,
    operatore_crema,
    sindaco_crema,
    delegato_pandino,
    ente_crema,
):
    # The participating enti read the frozen versions too.
    for utente in (sindaco_crema, delegato_pandino, ente_crema, ufficio_piano_crema):
        client.force_login(utente)
        assert client.get(_url("stato", di_versione)).status_code == 200
        risposta = client.get(_url("scarica", di_versione))
        assert risposta.status_code == 200
        assert risposta["Content-Disposition"] == (
            'attachment; filename="piano-di-zona-cremasco-2025-2027-v1.pdf"'
        )
    client.force_login(operatore_crema)
    assert client.get(_url("stato", di_versione)).status_code == 404
    assert client.get(_url("scarica", di_versione)).status_code == 404
    # The URL must name the rendering's own plan.
    client.force_login(ufficio_piano_crema)
    assert client.get(_url("stato", di_versione, slug="cremonese")).status_code == 404


def test_scarica_solo_un_pdf_completato(client, piano, ufficio_piano_crema):
    render = RenderPDF.objects.create(piano=piano, sha256_html="0" * 64)
    client.force_login(ufficio_piano_crema)
    assert client.get(_url("scarica", render)).status_code == 404


def test_riprova(
    client,
    django_capture_on_commit_callbacks,
    bozza,
    di_versione,
    ufficio_piano_crema,
    sindaco_crema,
    operatore_crema,
):
    RenderPDF.objects.filter(pk__in=[bozza.pk, di_versione.pk]).update(
        stato=Stato.FALLITO, errore="Impaginazione non riuscita: guasto"
    )
    url = _url("riprova", di_versione)
    assert client.post(url).status_code == 302  # to the login page
    for utente in (sindaco_crema, operatore_crema):
        client.force_login(utente)
        assert client.post(url).status_code == 403
    client.force_login(ufficio_piano_crema)
    assert client.get(url).status_code == 405

    # The sindaco sees the failure, without the button.
    client.force_login(sindaco_crema)
    risposta = client.get(_url("stato", di_versione), headers=HTMX)
    assert "Non riuscito: Impaginazione non riuscita: guasto" in _testo(uno(risposta, "p"))
    assert trova(risposta, "form") == []

    client.force_login(ufficio_piano_crema)
    risposta = client.get(_url("stato", di_versione), headers=HTMX)
    modulo = uno(risposta, "form")
    assert dict(modulo.attributes)["hx-post"] == url
    assert _testo(uno(modulo, "button")) == "Riprova"
    with django_capture_on_commit_callbacks(execute=True):
        risposta = client.post(url, headers=HTMX)
    assert risposta.status_code == 200
    di_versione.refresh_from_db()
    assert di_versione.stato == Stato.COMPLETATO
    # Nothing to retry any more: the fragment shows where it stands.
    risposta = client.post(url, headers=HTMX)
    assert dict(uno(risposta, "div", data_testid="stato-pdf").attributes)["data-stato"] == (
        "completato"
    )
    with django_capture_on_commit_callbacks(execute=True):
        risposta = client.post(_url("riprova", bozza))
    assert risposta.status_code == 302 and risposta.url == _url("stato", bozza)


# --- The fragment the page polls ---------------------------------------------------------------


def _frammento(client, render):
    risposta = client.get(_url("stato", render), headers=HTMX)
    assert risposta.status_code == 200
    assert b"<html" not in risposta.content
    return risposta, dict(uno(risposta, "div", data_testid="stato-pdf").attributes)


def test_il_frammento_interroga_finche_non_ha_finito(client, piano, ufficio_piano_crema, pdf_finto):
    render = RenderPDF.objects.create(piano=piano, sha256_html="0" * 64)
    client.force_login(ufficio_piano_crema)

    risposta, attributi = _frammento(client, render)
    assert attributi["hx-get"] == _url("stato", render)
    assert attributi["hx-trigger"] == "every 1s"
    assert attributi["hx-swap"] == "outerHTML"
    assert _testo(uno(risposta, "p")) == "In coda"

    RenderPDF.objects.filter(pk=render.pk).update(stato=Stato.IN_CORSO, progresso=42)
    risposta, attributi = _frammento(client, render)
    assert attributi["hx-trigger"] == "every 1s"
    assert _testo(uno(risposta, "p")) == "In elaborazione: 42%"
    barra = dict(uno(risposta, role="progressbar").attributes)
    assert (barra["aria-valuenow"], barra["aria-valuemin"], barra["aria-valuemax"]) == (
        "42",
        "0",
        "100",
    )
    assert barra["aria-labelledby"] == dict(uno(risposta, "p").attributes)["id"]

    RenderPDF.objects.filter(pk=render.pk).update(stato=Stato.IN_CODA, progresso=0)
    tasks.rendi_pdf_piano.delay(render.pk)
    render.refresh_from_db()
    risposta, attributi = _frammento(client, render)
    assert "hx-trigger" not in attributi and "hx-get" not in attributi
    assert _testo(uno(risposta, "p")) == "Completato · 1 pagina"
    assert dict(uno(risposta, "a").attributes)["href"] == _url("scarica", render)

    RenderPDF.objects.filter(pk=render.pk).update(stato=Stato.FALLITO, errore="guasto")
    risposta, attributi = _frammento(client, render)
    assert "hx-trigger" not in attributi
    assert _testo(uno(risposta, "p")) == "Non riuscito: guasto"


def test_pagina_intera_senza_htmx(client, bozza, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    risposta = client.get(_url("stato", bozza))
    assert risposta.status_code == 200
    assert b"<html" in risposta.content
    assert _testo(uno(risposta, "h1")) == "PDF della bozza"
    uno(risposta, "a", data_testid="scarica-pdf")


def test_un_rendering_perso_diventa_non_riuscito_e_si_riprova(
    client, django_capture_on_commit_callbacks, piano, ufficio_piano_crema, pdf_finto, settings
):
    """A rendering whose message the broker lost (Redis flushed) would wait for ever: past twice
    the visibility timeout the page says it failed and offers Riprova, and a new request for the
    same content queues a fresh rendering instead of reusing the lost one."""
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 900}
    with django_capture_on_commit_callbacks():
        perso = rendering.richiedi_pdf(piano=piano, utente=ufficio_piano_crema)
    client.force_login(ufficio_piano_crema)
    _risposta, attributi = _frammento(client, perso)
    assert attributi["hx-trigger"] == "every 1s"  # 0 minutes old: still waiting

    RenderPDF.objects.filter(pk=perso.pk).update(
        richiesto_il=timezone.now() - timedelta(minutes=31)
    )
    risposta, attributi = _frammento(client, perso)
    assert "hx-trigger" not in attributi
    assert _testo(uno(risposta, "p")).startswith(
        "Non riuscito: Il PDF non è stato generato entro 30 minuti"
    )
    assert _testo(uno(risposta, "button")) == "Riprova"

    # Riprova starts the clock again: the retried rendering is not lost at once.
    client.post(_url("riprova", perso), headers=HTMX)
    perso.refresh_from_db()
    assert perso.stato == Stato.IN_CODA
    assert timezone.now() - perso.richiesto_il < timedelta(minutes=1)

    RenderPDF.objects.filter(pk=perso.pk).update(
        stato=Stato.IN_CORSO, richiesto_il=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks() as accodati:
        nuovo = rendering.richiedi_pdf(piano=piano, utente=ufficio_piano_crema)
    assert nuovo.pk != perso.pk and len(accodati) == 1
    assert RenderPDF.objects.get(pk=perso.pk).stato == Stato.FALLITO


def test_i_temporanei_di_un_worker_ucciso_si_tolgono_alla_scrittura_successiva(
    piano, ufficio_piano_crema
):
    render = RenderPDF.objects.create(piano=piano, sha256_html="0" * 64)
    percorso = _percorso(render)
    percorso.parent.mkdir(parents=True, exist_ok=True)
    vecchio = percorso.parent / f".{percorso.name}.abc123.tmp"
    recente = percorso.parent / f".{percorso.name}.def456.tmp"
    altrui = percorso.parent / ".altro-r999.pdf.zzz.tmp"
    for file in (vecchio, recente, altrui):
        file.write_bytes(b"%PDF-1.7 mezzo")
    un_ora_fa = time.time() - 3600
    os.utime(vecchio, (un_ora_fa, un_ora_fa))
    os.utime(altrui, (un_ora_fa, un_ora_fa))

    tasks.scrivi_pdf(render, b"%PDF-1.7 completo")
    assert percorso.read_bytes() == b"%PDF-1.7 completo"
    # Gone: the killed run's leftover. Kept: a run of this rendering that may still be writing,
    # and another rendering's file.
    assert not vecchio.exists()
    assert recente.exists() and altrui.exists()
