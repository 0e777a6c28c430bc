"""The one URL fetcher of every PDF (core/pdf.py): static files and data: URIs, nothing else."""

import io
import re
import socket
from pathlib import Path

import pypdf
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from core import pdf
from core.pdf import SoloRisorseStatiche, cartella_statica, documento_html
from tavoli import pdf as pdf_tavoli
from tests.factories.tavoli_esportazioni import IncontroFactory, TavoloFactory

PROGETTO = Path(settings.BASE_DIR).resolve()
IMPORTA_WEASYPRINT = re.compile(r"^\s*(import|from)\s+weasyprint\b", re.MULTILINE)


@pytest.fixture
def rifiutate(monkeypatch):
    """Every URL the fetcher refused during the test; the network is off as well."""
    rifiutate, fetch = [], SoloRisorseStatiche.fetch

    def spia(self, url, headers=None):
        try:
            return fetch(self, url, headers)
        except ValueError:
            rifiutate.append(url)
            raise

    def connessione_vietata(*args, **kwargs):
        raise AssertionError(f"connessione aperta durante la stampa: {args}")

    monkeypatch.setattr(SoloRisorseStatiche, "fetch", spia)
    monkeypatch.setattr(socket, "create_connection", connessione_vietata)
    monkeypatch.setattr(socket.socket, "connect", connessione_vietata)
    return rifiutate


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///etc/hostname",
        f"file://{PROGETTO}/pdz/settings.py",
        f"file://{cartella_statica()}/../pdz/settings.py",
        f"file://{cartella_statica()}/%2e%2e/pdz/settings.py",
        f"file://{cartella_statica()}/css/",
        "file://altrohost/static/css/pdz.css",
        "http://example.org/x.png",
        "HTTP://EXAMPLE.ORG/x.png",
        "https://example.org/font.woff2",
        "ftp://example.org/x.png",
        "//example.org/x.png",
        "javascript:alert(1)",
        "css/pdz.css",
    ],
)
def test_rifiuta_la_rete_e_i_file_fuori_da_static(url):
    with pytest.raises(ValueError, match="non ammessa"):
        SoloRisorseStatiche().fetch(url)


def test_ammette_i_file_statici_e_i_data_uri():
    fetcher = SoloRisorseStatiche()
    foglio = cartella_statica() / "css" / "pdz.css"
    risposta = fetcher.fetch(foglio.as_uri())
    assert risposta.read() == foglio.read_bytes()
    risposta.close()
    risposta = fetcher.fetch("data:text/plain,ciao")
    assert risposta.read() == b"ciao"


def test_un_font_nella_cartella_statica_e_servito_un_collegamento_che_esce_no(tmp_path):
    statica = tmp_path / "static"
    (statica / "fonts").mkdir(parents=True)
    font = statica / "fonts" / "titillium.woff2"
    font.write_bytes(b"wOF2 finto")
    segreto = tmp_path / "segreto.txt"
    segreto.write_text("riservato")
    (statica / "fonts" / "uscita.woff2").symlink_to(segreto)
    fetcher = SoloRisorseStatiche(statica)
    risposta = fetcher.fetch(font.as_uri())
    assert risposta.read() == b"wOF2 finto"
    risposta.close()
    with pytest.raises(ValueError):
        fetcher.fetch((statica / "fonts" / "uscita.woff2").as_uri())


def test_weasyprint_chiede_al_fetcher_e_non_scarica_nulla(rifiutate):
    documento = documento_html(
        '<link rel="stylesheet" href="https://example.org/s.css">'
        '<link rel="stylesheet" href="css/pdz.css">'
        '<img src="http://example.org/x.png"><img src="file:///etc/passwd">'
        '<img src="ftp://example.org/y.png"><p>testo</p>'
    )
    assert documento.write_pdf().startswith(b"%PDF")
    assert sorted(rifiutate) == [
        "file:///etc/passwd",
        "ftp://example.org/y.png",
        "http://example.org/x.png",
        "https://example.org/s.css",
    ]


def test_ogni_stampa_usa_il_fetcher_comune():
    """Only core/pdf.py speaks to WeasyPrint: no module can pick a laxer fetcher of its own."""
    chiamanti = []
    for app in ("core", "accounts", "ambiti", "assemblea", "obiettivi", "piani", "tavoli", "pdz"):
        for modulo in (PROGETTO / app).rglob("*.py"):
            if "migrations" not in modulo.parts and IMPORTA_WEASYPRINT.search(modulo.read_text()):
                chiamanti.append(str(modulo.relative_to(PROGETTO)))
    assert chiamanti == ["core/pdf.py"]


# --- The minutes of a table, end to end ---------------------------------------------------------


@pytest.fixture
def incontro(cremasco):
    return IncontroFactory(
        tavolo=TavoloFactory(ambito=cremasco, titolo="Fragilità"),
        titolo='Incontro <img src="file:///etc/hostname">',
        verbale='Testo <img src="file:///etc/hostname"> <link rel="stylesheet" href="file:///etc/passwd">',
    )


def _pdf(user, incontro):
    client = Client()
    client.force_login(user)
    risposta = client.get(
        reverse(
            "esportazioni:verbale",
            kwargs={
                "slug": incontro.tavolo.ambito.slug,
                "pk": incontro.tavolo_id,
                "ipk": incontro.pk,
            },
        )
    )
    assert risposta.status_code == 200
    lettore = pypdf.PdfReader(io.BytesIO(risposta.content))
    return " ".join(" ".join(p.extract_text() for p in lettore.pages).split())


def test_il_verbale_con_indirizzi_nel_testo_non_legge_file(
    ufficio_piano_crema, incontro, rifiutate
):
    testo = _pdf(ufficio_piano_crema, incontro)
    assert 'Testo <img src="file:///etc/hostname">' in testo
    assert Path("/etc/hostname").read_text().strip() not in testo
    assert rifiutate == []


def test_il_verbale_anche_con_un_errore_di_escaping_non_legge_file(
    ufficio_piano_crema, incontro, rifiutate, monkeypatch
):
    """Should user text ever reach the HTML unescaped, the fetcher still refuses the files."""
    originale = pdf_tavoli.render_to_string

    def senza_escaping(template, context):
        html = originale(template, context)
        return html.replace(
            "</body>",
            '<img src="file:///etc/hostname"><link rel="stylesheet" href="file:///etc/passwd">'
            '<img src="http://169.254.169.254/latest/meta-data/"></body>',
        )

    monkeypatch.setattr(pdf_tavoli, "render_to_string", senza_escaping)
    _pdf(ufficio_piano_crema, incontro)
    assert sorted(rifiutate) == [
        "file:///etc/hostname",
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
    ]


def test_le_stampe_del_piano_e_dell_assemblea_usano_la_stessa_composizione():
    from assemblea import verbale as verbale_assemblea
    from piani import pdf as pdf_piani

    assert pdf_piani.rendi_pdf is pdf.rendi_pdf
    assert verbale_assemblea.rendi_pdf is pdf.rendi_pdf
