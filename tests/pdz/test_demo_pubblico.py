"""The demo's public face: after seed_demo a newcomer finds the Oglio Po plan approved at
/pubblico/oglio-po/, with its vote and its voted PDF, while the Cremasco demo stays what the
browser tests and the production crawl expect (a plan for the Assemblea, a convened session)."""

import hashlib
import io

import pytest
from django.core.management import call_command
from django.test.html import parse_html
from django.urls import reverse

from ambiti.models import Ambito
from assemblea.models import Recepimento, Seduta, Votazione
from obiettivi.models import Obiettivo
from piani.models import Piano, VersionePiano
from tests.utils.html import testo_visibile as _testo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def _pagina(client, nome, *args):
    risposta = client.get(reverse(f"pubblico:{nome}", args=args))
    assert risposta.status_code == 200, (nome, args, risposta.status_code)
    return risposta.content.decode()


def test_l_oglio_po_mostra_il_piano_approvato_con_voto_e_pdf(client, demo):
    piano = Piano.objects.get(ambito__slug="oglio-po", periodo__nome="2025-2027")
    home = _pagina(client, "ambito", "oglio-po")
    assert reverse("pubblico:piano", args=["oglio-po", piano.pk]) in home
    assert 'data-testid="nessun-piano"' not in home
    # Its public-site fields name the body that runs the pages.
    assert "Consorzio Pubblico Servizio alla Persona" in home
    assert "ufficiodipiano.ogliopo@pec.example" in home

    html = _pagina(client, "piano", "oglio-po", piano.pk)
    testo = _testo(parse_html(html))
    assert "approvato dall'Assemblea dei Sindaci" in testo
    assert 'data-testid="risultato"' in html
    assert "Esito: Approvata." in testo
    # A secret ballot: totals, never how each comune voted.
    assert 'data-testid="voti-nominali"' not in html
    assert "Hanno recepito il piano 2 comuni su 27." in testo
    assert "casalasco e del viadanese" in testo.lower()

    risposta = client.get(reverse("pubblico:piano-pdf", args=["oglio-po", piano.pk]))
    assert risposta.status_code == 200
    assert risposta["Content-Type"] == "application/pdf"
    contenuto = b"".join(risposta.streaming_content)
    assert contenuto.startswith(b"%PDF")
    assert hashlib.sha256(contenuto).hexdigest() in html

    seduta = Seduta.objects.get(ambito__slug="oglio-po")
    assert seduta.stato == Seduta.Stato.CHIUSA
    pagina_seduta = _testo(parse_html(_pagina(client, "seduta", "oglio-po", seduta.pk)))
    assert "Approvazione del Piano di Zona 2025-2027" in pagina_seduta
    assert reverse("pubblico:seduta", args=["oglio-po", seduta.pk]) in _pagina(
        client, "sedute", "oglio-po"
    )
    obiettivi = _pagina(client, "obiettivi", "oglio-po", piano.pk)
    assert "Domiciliarità degli anziani" in obiettivi


def test_il_voto_dell_oglio_po_passa_per_i_servizi(demo):
    versione = VersionePiano.objects.get(piano__ambito__slug="oglio-po")
    assert (versione.esito, versione.piano.stato) == ("approvata", Piano.Stato.APPROVATO)
    # The PDF shown to the vote was printed before the outcome was recorded.
    assert versione.pdf_votato is not None
    assert versione.pdf_votato.completato_il <= versione.esito_il
    votazione = Votazione.objects.get(punto__versione_piano=versione)
    assert votazione.esito == Votazione.Esito.APPROVATA
    assert votazione.regola.segreto
    assert set(votazione.voti.values_list("canale", flat=True)) == {"cartaceo", "online"}
    assert Recepimento.objects.filter(versione=versione).count() == 2
    assert not Obiettivo.objects.filter(
        ambito__slug="oglio-po", periodo__nome="2025-2027", stato=Obiettivo.Stato.PROPOSTO
    ).exists()


def test_cremasco_e_cremonese_restano_come_prima(client, demo):
    cremasco = Piano.objects.get(ambito__slug="cremasco", periodo__nome="2025-2027")
    assert cremasco.stato == Piano.Stato.PER_ASSEMBLEA
    assert cremasco.versioni.get().esito == VersionePiano.Esito.IN_ATTESA
    seduta = Seduta.objects.get(ambito__slug="cremasco")
    assert seduta.stato == Seduta.Stato.CONVOCATA
    assert not seduta.punti.filter(votazione__isnull=False).exists()
    assert Piano.objects.get(ambito__slug="cremonese").stato == Piano.Stato.BOZZA
    assert not Seduta.objects.filter(ambito__slug="cremonese").exists()
    assert not Ambito.objects.get(slug="cremasco").gestore_sito
    for slug in ("cremasco", "cremonese"):
        assert 'data-testid="nessun-piano"' in _pagina(client, "ambito", slug)


def test_una_seconda_esecuzione_non_vota_di_nuovo(demo):
    call_command("seed_demo", stdout=io.StringIO())
    assert Seduta.objects.filter(ambito__slug="oglio-po").count() == 1
    assert VersionePiano.objects.filter(piano__ambito__slug="oglio-po").count() == 1
    assert Votazione.objects.count() == 1
