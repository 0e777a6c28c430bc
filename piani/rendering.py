"""Requests for the PDF of the plan: one rendering per content, done by the worker.

A rendering is identified by the SHA-256 of the HTML it prints. Asking again for the same content
(same plan, same frozen version or draft, same HTML) gives back the rendering already done or
under way: rendering the same content again reuses the stored file, and a double click queues
nothing twice.

The HTML is not stored with the request. A frozen version keeps its own (VersionePiano.html,
immutable); the draft is assembled again by the worker from the live sections and data. When the
draft changed between the request and the rendering, the worker prints what is there at that
moment and records its hash (tasks.rendi_pdf_piano): the person asked for "the PDF of the plan
now", and the hash must always describe the PDF actually stored, or a later request for that
content would be handed a file that shows something else.

Finding the rendering of an unchanged draft does not assemble it: the draft is looked up first
by the fingerprint of the rows, code and day its HTML is made of (piani.impronta), recorded on
the rendering with the HTML's hash it was taken with; it stops counting once the worker records
another hash for that rendering.
"""

import hashlib
import logging
import re
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.flusso import OperazioneNonAmmessa

from .impronta import impronta_bozza
from .models import Piano, RenderPDF, VersionePiano

logger = logging.getLogger(__name__)

Stato = RenderPDF.Stato
IN_LAVORAZIONE = (Stato.IN_CODA, Stato.IN_CORSO)


def impronta(html: str) -> str:
    """The SHA-256 of the HTML, as services.congela computes it for VersionePiano.sha256_html."""
    return hashlib.sha256(html.encode()).hexdigest()


_RIGA_STATO = re.compile(r'(<p class="copertina-versione[^"]*">)(.*?)(</p>)', re.DOTALL)
_DESCRIZIONE = re.compile(r'(<meta name="description" content=")([^"]*?)( — [^"]*">)')


def _con_esito(html: str, stato: str) -> str:
    """The frozen HTML with the cover's status line (and the description) saying `stato`: the
    outcome of the vote, stamped on the frozen text, which is otherwise printed as it is."""
    testo = escape(stato)
    html = _RIGA_STATO.sub(lambda m: m.group(1) + testo + m.group(3), html, count=1)
    return _DESCRIZIONE.sub(lambda m: m.group(1) + testo + m.group(3), html, count=1)


def html_da_rendere(piano: Piano, versione: VersionePiano | None = None) -> str:
    """The draft assembled now from the live plan, or the frozen HTML of a version; once the
    Assemblea has voted on it (or a newer version replaced it), its cover says so.

    VersionePiano.html and its hash never change: the outcome is stamped on the printed copy
    only, whose hash (RenderPDF.sha256_html) is therefore that of the stamped HTML."""
    from .assemblaggio import html_piano, stato_documento

    if versione is None:
        return html_piano(piano)
    if versione.esito == VersionePiano.Esito.IN_ATTESA:
        return versione.html
    return _con_esito(versione.html, stato_documento(piano, versione))


def testo_congelato_integro(versione: VersionePiano) -> bool:
    return impronta(versione.html) == versione.sha256_html


def nome_file(render: RenderPDF) -> str:
    """The download name: piano-di-zona-cremasco-2025-2027-v1.pdf for a version for the
    Assemblea, …-v1-approvato.pdf once approved, …-bozza.pdf for a draft."""
    piano = render.piano
    base = slugify(f"piano di zona {piano.ambito.slug} {piano.periodo.nome}")
    if render.versione_id is None:
        suffisso = "bozza"
    else:
        suffisso = f"v{render.versione.numero}"
        if render.versione.esito == VersionePiano.Esito.APPROVATA:
            suffisso += "-approvato"
    return f"{base}-{suffisso}.pdf"


def metadati(render: RenderPDF) -> dict:
    """Title, subject and author written in the PDF's metadata: the title says what the
    document is (a draft, a version for the Assemblea, the approved plan), as its cover does."""
    from .assemblaggio import autore_documento, intestazione_documento, stato_documento

    piano = render.piano
    stato = stato_documento(piano, render.versione)
    return {
        "titolo": _("%(titolo)s — %(stato)s")
        % {"titolo": intestazione_documento(piano), "stato": stato},
        "soggetto": stato,
        "autore": autore_documento(piano),
    }


def scadenza() -> timedelta:
    """How long a rendering may stay queued or running before it is taken for lost.

    Redis gives an unacknowledged message to another worker after its visibility timeout, and
    a rendering takes seconds: one still unfinished after twice that timeout lost its message
    (broker flushed, queue purged) and would otherwise wait for ever.
    """
    opzioni = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}
    return timedelta(seconds=2 * opzioni.get("visibility_timeout", 3600))


def segna_bloccati(renderings=None) -> int:
    """Record lost renderings as failed, so that the page offers to retry them."""
    renderings = RenderPDF.objects.all() if renderings is None else renderings
    minuti = int(scadenza().total_seconds() // 60)
    return renderings.filter(
        stato__in=IN_LAVORAZIONE, richiesto_il__lt=timezone.now() - scadenza()
    ).update(
        stato=Stato.FALLITO,
        errore=_(
            "Il PDF non è stato generato entro %(m)s minuti: il servizio di stampa potrebbe "
            "essere fermo. Riprova; se si ripete, avvisa l'assistenza."
        )
        % {"m": minuti},
    )


def _accoda(render_id: int) -> None:
    from . import tasks

    if getattr(settings, "PDZ_TASK_IN_SFONDO", False):
        # Embedded mode (no broker, tasks eager): run after the response, in this process, so
        # that the page shows the progress instead of waiting for the whole rendering.
        from core.sfondo import in_sfondo

        in_sfondo(tasks.rendi_pdf_piano.apply, args=(render_id,))
        return
    tasks.rendi_pdf_piano.delay(render_id)


def _blocca(piano: Piano) -> None:
    # One request at a time per plan, so two clicks never queue the same content twice
    # (a no-op on SQLite, whose writers are serialized anyway).
    Piano.objects.select_for_update().filter(pk=piano.pk).first()
    segna_bloccati(RenderPDF.objects.filter(piano=piano))


def _completato(stessi) -> RenderPDF | None:
    """Among renderings of the same content, the one done, with its file still there."""
    fatto = stessi.filter(stato=Stato.COMPLETATO).exclude(file="").first()
    if fatto is not None and fatto.file.storage.exists(fatto.file.name):
        return fatto
    return None


def _riusabile(stessi) -> RenderPDF | None:
    """Among renderings of the same content, the one done (with its file still there), or the
    one under way. A failed one is not reused."""
    return _completato(stessi) or stessi.filter(stato__in=IN_LAVORAZIONE).first()


def richiedi_pdf(*, piano: Piano, utente, versione: VersionePiano | None = None) -> RenderPDF:
    """The rendering of this content: the one done or under way, or a new one queued on commit.

    Renderings are matched on the plan, the version (None for the draft) and the HTML's hash.
    The version is part of the match, not only the hash: who may read a rendering, and
    VersionePiano.pdf, depend on it, and the PDF's title says which version it is.
    A failed rendering is not reused: a new request starts afresh (or use `riprova`).

    The draft is first looked up by the fingerprint of its data (impronta.impronta_bozza), which
    one query computes: equal fingerprints mean equal HTML, so an unchanged draft finds its PDF
    without being assembled, and a completed one without taking the plan's lock. Only when no rendering has it is the HTML assembled and hashed, as
    before, and the fingerprint recorded on the rendering it leads to.
    """
    if versione is not None and versione.piano_id != piano.pk:
        raise ValueError("La versione non è di questo piano.")
    dati = ""
    if versione is None:
        dati = impronta_bozza(piano)
        # A completed rendering of this very content is returned as it is: nothing is queued,
        # so neither the plan's lock (a write, and a wait for the disk at commit) is needed.
        fatto = _completato(
            RenderPDF.objects.filter(
                piano=piano, versione=None, impronta_dati=dati, sha256_html=F("impronta_dati_html")
            )
        )
        if fatto is not None:
            return fatto
        with transaction.atomic():
            _blocca(piano)
            trovato = _riusabile(
                RenderPDF.objects.filter(
                    piano=piano,
                    versione=None,
                    impronta_dati=dati,
                    # A fingerprint counts only with the HTML it was recorded with (models.py).
                    sha256_html=F("impronta_dati_html"),
                )
            )
        if trovato is not None:
            return trovato
        sha = impronta(html_da_rendere(piano))
        if impronta_bozza(piano) != dati:
            # Something changed while the HTML was assembled: which of the two states it
            # shows is unknown, so the fingerprint is tied to nothing.
            dati = ""
    else:
        # A frozen version's HTML is stored: hashing it costs no assembly.
        sha = impronta(html_da_rendere(piano, versione))
    with transaction.atomic():
        _blocca(piano)
        trovato = _riusabile(
            RenderPDF.objects.filter(piano=piano, versione=versione, sha256_html=sha)
        )
        if trovato is not None:
            if dati and RenderPDF.objects.filter(pk=trovato.pk, sha256_html=sha).update(
                impronta_dati=dati, impronta_dati_html=sha
            ):
                trovato.impronta_dati, trovato.impronta_dati_html = dati, sha
            return trovato
        render = RenderPDF.objects.create(
            piano=piano,
            versione=versione,
            sha256_html=sha,
            impronta_dati=dati,
            impronta_dati_html=sha if dati else "",
            richiesto_da=utente,
        )
        transaction.on_commit(partial(_accoda, render.pk))
    logger.info("PDF del piano %s richiesto: rendering %s", piano.pk, render.pk)
    return render


def riprova(render: RenderPDF, utente) -> RenderPDF:
    """Queue a failed rendering again. The attempts count restarts: it counts this request's."""
    with transaction.atomic():
        rimessi = RenderPDF.objects.filter(pk=render.pk, stato=Stato.FALLITO).update(
            stato=Stato.IN_CODA,
            progresso=0,
            errore="",
            tentativi=0,
            richiesto_da=utente,
            # The retry is a new request: the time a rendering may take starts again.
            richiesto_il=timezone.now(),
        )
        if not rimessi:
            raise OperazioneNonAmmessa(_("Si può riprovare solo un PDF non riuscito."))
        transaction.on_commit(partial(_accoda, render.pk))
    render.refresh_from_db()
    return render
