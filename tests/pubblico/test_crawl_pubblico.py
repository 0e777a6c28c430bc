"""The anonymous crawl: every page reachable from /pubblico/ answers, and nothing private built
next to the approved plan (drafts, reviews, comments, minutes in progress, secret ballots, the
enti's contacts, proposals, working notes, private tables, meetings and minutes not published,
who attended) appears on any of them, nor in the PDFs they offer."""

import html
import io
import re
import zipfile
from collections import deque
from urllib.parse import urldefrag

import pypdf
import pytest
from django.urls import reverse

from .conftest import PRIVATI, PRIVATI_NELLE_PAGINE, PUBBLICI

pytestmark = pytest.mark.django_db

LINK = re.compile(r'(?:href|src)="([^"]+)"')


def _testo_pdf(contenuto: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(contenuto)).pages)


TIPO_ODS = "application/vnd.oasis.opendocument.spreadsheet"


def _testo_ods(contenuto: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(contenuto)) as archivio:
        return "\n".join(archivio.read(n).decode() for n in ("content.xml", "meta.xml"))


def _contenuto(risposta) -> bytes:
    return b"".join(risposta.streaming_content) if risposta.streaming else risposta.content


def _crawl(client):
    da_visitare = deque([reverse("pubblico:indice")])
    visitate = {}
    while da_visitare:
        url = da_visitare.popleft()
        if url in visitate:
            continue
        risposta = client.get(url)
        assert risposta.status_code == 200, (url, risposta.status_code)
        contenuto = _contenuto(risposta)
        tipo = risposta["Content-Type"]
        if tipo.startswith("application/pdf"):
            testo = _testo_pdf(contenuto)
        elif tipo.startswith(TIPO_ODS):
            testo = _testo_ods(contenuto)
        elif tipo.startswith(("text/csv", "application/json", "application/ld+json")):
            # The open data: read whole, including what a spreadsheet would not show.
            testo = contenuto.decode("utf-8-sig")
        elif tipo.startswith("text/calendar"):
            # Unfolded (RFC 5545 3.1): a probe must not hide across a folded line.
            testo = contenuto.decode().replace("\r\n ", "")
        else:
            assert tipo.startswith("text/html"), (url, tipo)
            testo = contenuto.decode()
            for link in LINK.findall(testo):
                link = urldefrag(html.unescape(link)).url
                # Internal links under /pubblico/ only: the login, the static files and the
                # AgID's site are not the public face.
                if link.startswith("/pubblico/") and link not in visitate:
                    da_visitare.append(link)
        visitate[url] = testo + "\n" + "\n".join(f"{k}: {v}" for k, v in risposta.items())
    return visitate


def test_nessun_dato_riservato_raggiungibile_da_pubblico(client, pubblicato):
    pagine = _crawl(client)
    piano = pubblicato.piano.pk
    incontro = pubblicato.extra["incontro"]
    attese = {
        reverse("pubblico:ambito", args=["cremasco"]),
        reverse("pubblico:ambito", args=["cremonese"]),
        reverse("pubblico:ambito", args=["oglio-po"]),
        reverse("pubblico:piano", args=["cremasco", piano]),
        reverse("pubblico:piano-pdf", args=["cremasco", piano]),
        reverse("pubblico:obiettivi", args=["cremasco", piano]),
        reverse("pubblico:registro", args=["cremasco"]),
        reverse("pubblico:sedute", args=["cremasco"]),
        reverse("pubblico:seduta", args=["cremasco", pubblicato.seduta.pk]),
        reverse("pubblico:seduta", args=["cremasco", pubblicato.seduta_segreta.pk]),
        reverse("pubblico:verbale-pdf", args=["cremasco", pubblicato.seduta.pk]),
        reverse("pubblico:verbale-pdf", args=["cremasco", pubblicato.seduta_segreta.pk]),
        reverse("pubblico:accessibilita", args=["cremasco"]),
        reverse("pubblico:privacy", args=["cremasco"]),
        reverse("pubblico:note-legali", args=["cremasco"]),
        reverse("pubblico:cookie", args=["cremasco"]),
        reverse("adesione:modulo", args=["cremasco"]),
        reverse("pubblico:dati", args=["cremasco"]),
        reverse("pubblico:catalogo-ambito", args=["cremasco"]),
        reverse("pubblico:dato", args=["cremasco", "voti-palesi", "ods"]),
        reverse("pubblico:dato", args=["cremasco", "enti", "csv"]),
        reverse("pubblico:tavoli", args=["cremasco"]),
        reverse("pubblico:tavoli-ics", args=["cremasco"]),
        reverse("pubblico:tavolo-ics", args=["cremasco", incontro.tavolo_id]),
        reverse("pubblico:incontro-tavolo", args=["cremasco", incontro.tavolo_id, incontro.pk]),
    }
    assert attese <= set(pagine), attese - set(pagine)
    trovati = [
        (privato, url)
        for url, testo in pagine.items()
        for privato in PRIVATI + ([] if url.endswith(".pdf") else PRIVATI_NELLE_PAGINE)
        if privato.casefold() in testo.casefold()
    ]
    assert trovati == []


def test_il_crawl_vede_i_dati_pubblici(client, pubblicato):
    # The probe above would pass on empty pages: the same crawl finds what is public.
    tutto = "\n".join(_crawl(client).values())
    for valore in PUBBLICI.values():
        assert valore in tutto, valore
