"""The worker's side of the plan's PDF: assemble, print with WeasyPrint, store, record.

The task may run more than once for the same rendering (acks_late and reject_on_worker_lost
give a message back to the broker when a worker dies half-way; Redis also gives back a message
not acknowledged within its visibility timeout). Every run is therefore safe to repeat:

- a rendering already COMPLETATO is left alone, and so is a FALLITO one (the user retries it);
- the PDF is written to a temporary file next to its final name and moved there in one step
  (os.replace), so the final path holds either nothing or a complete PDF, never half of one,
  and a repeated run replaces a complete file with another complete file;
- the database says COMPLETATO only after the file is in place.
"""

import datetime
import glob
import hashlib
import logging
import os
import tempfile
import time
from contextlib import suppress

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import DatabaseError
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Ruolo, TipoNotifica
from accounts.notifiche import notifica
from ambiti.models import Iscrizione
from core import firma, posta
from core.calendario import ROMA

from . import pdf
from .impronta import pota_registro
from .models import Piano, RenderPDF
from .rendering import html_da_rendere, impronta, metadati, nome_file, testo_congelato_integro

logger = logging.getLogger(__name__)

Stato = RenderPDF.Stato

# Progress as the page shows it: 5 when the worker takes the job, 30 once the HTML is
# assembled, then the renderer's own progress scaled into 30-95, and 100 when the file is stored.
PRESO_IN_CARICO = 5
HTML_PRONTO = 30
IMPAGINATO = 95
# The progress bar is saved at most this often (seconds): the page polls once a second.
INTERVALLO_PROGRESSO = 0.5
# Seconds before each retry after an unexpected error: 10, 40, 90.
ATTESA_RIPROVA = 10
# A rendering that kills its worker (out of memory, say) comes back with every new worker
# (reject_on_worker_lost): past this many attempts it is recorded as failed instead.
MASSIMO_TENTATIVI = 6
# Tests of the worker make the rendering slow with this variable, to kill the worker meanwhile.
RITARDO_ENV = "PDZ_RENDER_RITARDO_S"


class RenderingNonRiuscito(Exception):
    """A failure that another attempt would repeat: the message is for the user, in Italian."""


def _breve(errore: BaseException) -> str:
    testo = " ".join(str(errore).split()) or type(errore).__name__
    return testo[:500]


class _Progresso:
    """The renderer's callback: its 0-100 becomes 30-95, saved at most every half second."""

    def __init__(self, render):
        self.render = render
        self.salvato = render.progresso
        self.salvato_il = 0.0

    def imposta(self, valore, *, subito=False):
        """Raise the progress to `valore` (never lower it); `subito` saves without throttling."""
        self.render.progresso = max(self.render.progresso, min(100, int(valore)))
        ora = time.monotonic()
        if self.render.progresso != self.salvato and (
            subito or ora - self.salvato_il >= INTERVALLO_PROGRESSO
        ):
            self.render.save(update_fields=["progresso"])
            self.salvato, self.salvato_il = self.render.progresso, ora

    def __call__(self, percento):
        self.imposta(HTML_PRONTO + (IMPAGINATO - HTML_PRONTO) * min(max(percento, 0), 100) // 100)


def _prendi_in_carico(render_id):
    """Mark the rendering IN_CORSO and count the attempt, unless it is finished already."""
    preso = RenderPDF.objects.filter(
        pk=render_id, stato__in=(Stato.IN_CODA, Stato.IN_CORSO)
    ).update(
        stato=Stato.IN_CORSO,
        progresso=PRESO_IN_CARICO,
        errore="",
        tentativi=F("tentativi") + 1,
    )
    if not preso:
        return None
    render = RenderPDF.objects.select_related("piano__ambito", "piano__periodo", "versione").get(
        pk=render_id
    )
    if render.tentativi > MASSIMO_TENTATIVI:
        logger.error("Rendering %s: interrotto %s volte, non riprovo", render_id, MASSIMO_TENTATIVI)
        _fallito(
            render_id,
            _(
                "Generazione del PDF interrotta %(n)s volte: il documento è forse troppo grande "
                "per il server."
            )
            % {"n": MASSIMO_TENTATIVI},
        )
        return None
    return render


def _html(render) -> str:
    """The HTML to print, checked against the hash recorded with the request."""
    try:
        html = html_da_rendere(render.piano, render.versione)
    except (DatabaseError, OSError):
        raise
    except Exception as errore:
        raise RenderingNonRiuscito(
            _("Composizione del documento non riuscita: %(motivo)s") % {"motivo": _breve(errore)}
        ) from errore
    if render.versione_id and not testo_congelato_integro(render.versione):
        # A frozen version cannot change: a different hash means damaged data.
        raise RenderingNonRiuscito(
            _("Il testo congelato della versione non corrisponde alla sua impronta.")
        )
    sha = impronta(html)
    if sha != render.sha256_html:
        # The draft was edited after the request, or the Assemblea's outcome on the version
        # was recorded meanwhile (its cover says it): print it as it is now, and say so in the
        # hash, which must describe the stored PDF (see rendering.py).
        logger.info(
            "Rendering %s: il documento è cambiato dopo la richiesta, stampo quello attuale",
            render.pk,
        )
        render.sha256_html = sha
        render.save(update_fields=["sha256_html"])
    return html


def _impagina(render, html, progresso):
    try:
        return pdf.rendi_pdf(html, **metadati(render), progresso=progresso)
    except DatabaseError:
        # From saving the progress: not the document's fault.
        raise
    except Exception as errore:
        raise RenderingNonRiuscito(
            _("Impaginazione non riuscita: %(motivo)s") % {"motivo": _breve(errore)}
        ) from errore


def _nome_interno(render) -> str:
    """One name per rendering: a repeated run writes over its own file, never another's."""
    scaricato = nome_file(render).removesuffix(".pdf")
    return render.file.field.generate_filename(render, f"{scaricato}-r{render.pk}.pdf")


def scrivi_pdf(render, dati: bytes) -> str:
    """Store the PDF under the rendering's name, atomically; return the storage name.

    On a filesystem storage the bytes go to a temporary file in the same directory, are flushed
    to disk, and the file is then renamed over the final name in one step: a worker killed while
    writing leaves at most a stray hidden temporary file, never a truncated PDF at the final
    path, and never damages a complete file already there. Storages without local paths
    (object stores) write an object in a single request, which is atomic already.
    """
    storage = render.file.storage
    nome = _nome_interno(render)
    try:
        percorso = storage.path(nome)
    except NotImplementedError:
        if storage.exists(nome):
            storage.delete(nome)
        return storage.save(nome, ContentFile(dati))
    cartella, base = os.path.split(percorso)
    os.makedirs(cartella, exist_ok=True)
    _togli_temporanei_orfani(cartella, base)
    descrittore, temporaneo = tempfile.mkstemp(dir=cartella, prefix=f".{base}.", suffix=".tmp")
    try:
        with os.fdopen(descrittore, "wb") as file:
            file.write(dati)
            file.flush()
            os.fsync(file.fileno())
        permessi = getattr(storage, "file_permissions_mode", None)
        if permessi is not None:
            os.chmod(temporaneo, permessi)
        os.replace(temporaneo, percorso)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporaneo)
        raise
    return nome


# A temporary file untouched for this long belongs to a run that was killed, not to a run of
# the same rendering still writing (a redelivery can overlap the original for a moment).
ETA_TEMPORANEO_ORFANO = 600


def _togli_temporanei_orfani(cartella: str, base: str) -> None:
    """Remove what earlier, killed runs of this rendering left half written."""
    limite = time.time() - ETA_TEMPORANEO_ORFANO
    for percorso in glob.glob(os.path.join(glob.escape(cartella), f".{glob.escape(base)}.*.tmp")):
        with suppress(FileNotFoundError):
            if os.path.getmtime(percorso) < limite:
                os.unlink(percorso)
                logger.info("Tolto il file temporaneo orfano %s", percorso)


def _fallito(render_id, errore: str) -> None:
    RenderPDF.objects.filter(pk=render_id).exclude(stato=Stato.COMPLETATO).update(
        stato=Stato.FALLITO, errore=errore
    )


def _ritardo_di_prova() -> None:
    valore = os.environ.get(RITARDO_ENV)
    if valore:
        time.sleep(float(valore))


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def rendi_pdf_piano(self, render_id):
    """Render the plan's PDF for RenderPDF `render_id`; queued by rendering.richiedi_pdf."""
    render = _prendi_in_carico(render_id)
    if render is None:
        logger.info("Rendering %s: già concluso o inesistente, niente da fare", render_id)
        return None
    inizio = time.monotonic()
    progresso = _Progresso(render)
    try:
        html = _html(render)
        progresso.imposta(HTML_PRONTO, subito=True)
        risultato = _impagina(render, html, progresso)
        progresso.imposta(IMPAGINATO, subito=True)
        _ritardo_di_prova()
        nome = scrivi_pdf(render, risultato.pdf)
        render.file.name = nome
        render.sha256_pdf = hashlib.sha256(risultato.pdf).hexdigest()
        render.pagine = risultato.pagine
        render.durata_ms = int((time.monotonic() - inizio) * 1000)
        render.completato_il = timezone.now()
        render.stato = Stato.COMPLETATO
        render.progresso = 100
        render.errore = ""
        render.save(
            update_fields=[
                "file",
                "sha256_pdf",
                "pagine",
                "durata_ms",
                "completato_il",
                "stato",
                "progresso",
                "errore",
            ]
        )
    except RenderingNonRiuscito as errore:
        # The content cannot be printed: another attempt would fail the same way.
        logger.warning("Rendering %s non riuscito: %s", render_id, errore)
        _fallito(render_id, str(errore))
        return None
    except Exception as errore:
        # The database, the disk, the worker's environment: worth another attempt, later.
        if self.request.retries < self.max_retries:
            logger.warning("Rendering %s: errore imprevisto, nuovo tentativo", render_id)
            nuovo_tentativo = self.retry(
                exc=errore, countdown=ATTESA_RIPROVA * (self.request.retries + 1) ** 2, throw=False
            )
            if self.request.is_eager:
                # In-process (no broker): Celery runs the retry at once when the task returns
                # it, whereas raising it would reach the caller (task_eager_propagates).
                return nuovo_tentativo
            raise nuovo_tentativo from errore
        logger.exception("Rendering %s non riuscito dopo %s tentativi", render_id, render.tentativi)
        _fallito(
            render_id,
            _("Generazione del PDF non riuscita: %(motivo)s") % {"motivo": _breve(errore)},
        )
        return None
    logger.info(
        "Rendering %s completato: %s pagine in %s ms", render.pk, render.pagine, render.durata_ms
    )
    return render.pk


# --- The seal on the approved plan (piani/firma.py) ----------------------------------------------


@shared_task(bind=True, acks_late=True, max_retries=4)
def firma_pdf_approvato(self, versione_id, rifai=False):
    """Sign the voted PDF of an approved version; queued on commit of the approval. Safe to run
    again: a signed PDF is left alone unless `rifai`."""
    from .firma import firma_pdf_votato

    def lavoro():
        render = firma_pdf_votato(versione_id, rifai=rifai)
        return render.pk if render is not None else None

    return firma.in_un_task(self, lavoro, descrizione=f"Firma del PDF della versione {versione_id}")


# --- Reminder of the review's deadline (a periodic job: settings.CELERY_BEAT_SCHEDULE) ---------


def revisori(piano):
    """Who comments on the plan in review: the sindaci and delegati of the ambito, and the
    participating enti's people while the review is open to them (piani.permissions)."""
    ruoli = Ruolo.objects.attivi().filter(ambito_id=piano.ambito_id)
    filtro = Q(
        pk__in=ruoli.filter(tipo__in=[Ruolo.Tipo.SINDACO, Ruolo.Tipo.DELEGATO]).values("user_id")
    )
    if piano.revisione_enti_aperta:
        iscritti = Iscrizione.objects.attive().filter(ambito_id=piano.ambito_id).values("ente_id")
        filtro |= Q(
            pk__in=ruoli.filter(tipo=Ruolo.Tipo.ENTE, ente_id__in=iscritti).values("user_id")
        )
    return get_user_model().objects.filter(filtro, is_active=True).order_by("pk")


@shared_task
def promemoria_scadenze_revisione() -> int:
    """PDZ_PROMEMORIA_SCADENZA_GIORNI days before a plan's review deadline, and on the day, a
    reminder to its reviewers; once per person, deadline and moment (a missed run is caught up
    by the next one, until the deadline)."""
    oggi = timezone.localdate(timezone=ROMA)
    anticipo = datetime.timedelta(days=settings.PDZ_PROMEMORIA_SCADENZA_GIORNI)
    piani = Piano.objects.filter(
        stato=Piano.Stato.IN_REVISIONE,
        scadenza_revisione__gte=oggi,
        scadenza_revisione__lte=oggi + anticipo,
    ).select_related("ambito")
    inviati = 0
    for piano in piani:
        oggi_scade = piano.scadenza_revisione == oggi
        url = posta.base_url() + reverse(
            "piani:dettaglio", kwargs={"slug": piano.ambito.slug, "pk": piano.pk}
        )
        with translation.override(settings.LANGUAGE_CODE):
            valori = {
                "piano": piano.titolo,
                "data": formats.date_format(piano.scadenza_revisione, "DATE_FORMAT"),
            }
            if oggi_scade:
                oggetto = _("Oggi scade la revisione: %(piano)s") % valori
                testo = _("Oggi, %(data)s, scade la revisione del piano «%(piano)s».") % valori
            else:
                oggetto = _("La revisione scade il %(data)s: %(piano)s") % valori
                testo = (
                    _(
                        "La revisione del piano «%(piano)s» scade il %(data)s: i commenti vanno "
                        "inseriti entro quel giorno."
                    )
                    % valori
                )
        momento = "giorno" if oggi_scade else "anticipo"
        for utente in revisori(piano):
            inviati += bool(
                notifica(
                    utente,
                    TipoNotifica.SCADENZA_REVISIONE,
                    oggetto,
                    testo,
                    url,
                    f"scadenza-piano:{piano.pk}:{piano.scadenza_revisione.isoformat()}:{momento}",
                    ambito_id=piano.ambito_id,
                )
            )
    return inviati


@shared_task
def pota_registro_modifiche() -> int:
    """Nightly, after the day in every draft's fingerprint has changed anyway: forget the writes
    to the plans' sources that every transaction now sees (piani.impronta.pota_registro)."""
    return pota_registro()
