"""The approved plan is published signed: the PDF the Assemblea voted (real WeasyPrint output),
sealed with a test CA's certificate once the approval is committed, as an incremental update
whose first bytes are the voted ones. Without a certificate the voted PDF is published as it is."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from ambiti.demo import carica_periodo
from core import firma
from piani import services, tasks
from piani.models import RenderPDF, VersionePiano
from tests.utils.firma import configura, crea_certificati

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def versione(django_capture_on_commit_callbacks, cremasco, ufficio_piano_crema):
    """A frozen version with its PDF printed by WeasyPrint, as the Assemblea receives it."""
    piano = services.crea_piano(
        ambito=cremasco, periodo=carica_periodo(), utente=ufficio_piano_crema
    )
    with django_capture_on_commit_callbacks(execute=True):
        versione = services.congela(piano=piano, utente=ufficio_piano_crema)
    assert versione.pdf.stato == RenderPDF.Stato.COMPLETATO, versione.pdf.errore
    return versione


def _vota(capture, versione, utente, *, approvata=True):
    with capture(execute=True):
        services.registra_esito(versione=versione, approvata=approvata, utente=utente)
    versione.refresh_from_db()
    return versione


def _leggi(campo) -> bytes:
    with campo.open("rb") as file:
        return file.read()


def test_il_piano_approvato_si_pubblica_firmato_e_inizia_con_i_byte_votati(
    django_capture_on_commit_callbacks, sigillo, versione, ufficio_piano_crema
):
    votato = versione.pdf
    sha_votato = votato.sha256_pdf
    originale = _leggi(votato.file)

    versione = _vota(django_capture_on_commit_callbacks, versione, ufficio_piano_crema)

    documento = versione.documento_pubblicato()
    assert documento.firmato
    assert documento.sha256 == sha_votato
    firmato = _leggi(documento.file)
    assert documento.sha256_firmato == hashlib.sha256(firmato).hexdigest() != sha_votato
    # The incremental update: the signed file begins with exactly the voted bytes.
    assert firmato[: len(originale)] == originale
    assert hashlib.sha256(firmato[: len(originale)]).hexdigest() == sha_votato
    esito = firma.verifica(firmato, [sigillo.radice])
    assert esito.ok and esito.copre_tutto
    assert "Ufficio di Piano di prova" in esito.firmatario
    # The original stays as it was, next to the signed copy.
    votato.refresh_from_db()
    assert _leggi(votato.file) == originale and votato.sha256_pdf == sha_votato
    assert votato.file_firmato.name != votato.file.name
    # The copy printed after the vote (the outcome on its cover) is not what the vote recorded:
    # it is not the one signed and published.
    ristampa = versione.pdf
    assert ristampa.pk != votato.pk and ristampa.sha256_pdf != sha_votato
    assert not ristampa.sha256_firmato
    assert versione.pdf_votato.pk == votato.pk


def test_un_byte_cambiato_nel_piano_firmato_non_supera_la_verifica(
    django_capture_on_commit_callbacks, sigillo, versione, ufficio_piano_crema
):
    versione = _vota(django_capture_on_commit_callbacks, versione, ufficio_piano_crema)
    firmato = bytearray(_leggi(versione.documento_pubblicato().file))
    firmato[len(firmato) // 3] ^= 0x01

    esito = firma.verifica(bytes(firmato), [sigillo.radice])

    assert esito.firmato and not esito.integra and not esito.ok


def test_senza_certificato_si_pubblica_il_pdf_votato_non_firmato(
    django_capture_on_commit_callbacks, versione, ufficio_piano_crema
):
    votato = versione.pdf
    versione = _vota(django_capture_on_commit_callbacks, versione, ufficio_piano_crema)

    documento = versione.documento_pubblicato()

    assert not documento.firmato and documento.sha256_firmato is None
    assert documento.file.name == votato.file.name
    assert documento.sha256 == votato.sha256_pdf
    assert not RenderPDF.objects.exclude(file_firmato="").exists()


def test_la_firma_e_idempotente(
    django_capture_on_commit_callbacks, sigillo, versione, ufficio_piano_crema, media
):
    versione = _vota(django_capture_on_commit_callbacks, versione, ufficio_piano_crema)
    votato = versione.pdf_votato
    prima = (votato.file_firmato.name, votato.sha256_firmato, votato.firmato_il)

    # A redelivered task finds the PDF signed and leaves it alone.
    assert tasks.firma_pdf_approvato.delay(versione.pk).get() == votato.pk
    votato.refresh_from_db()

    assert (votato.file_firmato.name, votato.sha256_firmato, votato.firmato_il) == prima
    assert len(list((media / "piani" / "pdf" / "firmati").iterdir())) == 1


def test_rifirmare_sostituisce_la_copia_firmata_e_non_loriginale(
    django_capture_on_commit_callbacks, settings, sigillo, versione, ufficio_piano_crema, tmp_path
):
    versione = _vota(django_capture_on_commit_callbacks, versione, ufficio_piano_crema)
    votato = versione.pdf_votato
    vecchio = votato.file_firmato.name
    nuova_ca = crea_certificati(tmp_path / "nuova", cn_radice="Nuova CA")
    configura(settings, nuova_ca)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("firma_documenti", "--rifai", stdout=io.StringIO())
    votato.refresh_from_db()

    assert votato.file_firmato.name != vecchio
    assert not votato.file_firmato.storage.exists(vecchio)
    firmato = _leggi(votato.file_firmato)
    assert firma.verifica(firmato, [nuova_ca.radice]).ok
    assert hashlib.sha256(firmato[: votato.file.size]).hexdigest() == votato.sha256_pdf


def test_il_comando_firma_i_piani_approvati_prima_del_certificato(
    django_capture_on_commit_callbacks, settings, certificati, versione, ufficio_piano_crema
):
    versione = _vota(django_capture_on_commit_callbacks, versione, ufficio_piano_crema)
    assert not versione.documento_pubblicato().firmato
    configura(settings, certificati)
    uscita = io.StringIO()

    call_command("firma_documenti", stdout=uscita)

    documento = versione.documento_pubblicato()
    assert documento.firmato
    assert firma.verifica(_leggi(documento.file), [certificati.radice]).ok
    assert "Piani approvati con il PDF votato firmato: 1." in uscita.getvalue()


def test_un_piano_respinto_non_si_firma_ne_si_pubblica(
    django_capture_on_commit_callbacks, sigillo, versione, ufficio_piano_crema
):
    versione = _vota(
        django_capture_on_commit_callbacks, versione, ufficio_piano_crema, approvata=False
    )

    assert versione.documento_pubblicato() is None
    assert tasks.firma_pdf_approvato.delay(versione.pk).get() is None
    assert not RenderPDF.objects.exclude(file_firmato="").exists()


def test_un_pdf_votato_alterato_non_si_firma(
    django_capture_on_commit_callbacks, sigillo, versione, ufficio_piano_crema
):
    votato = versione.pdf
    with votato.file.open("ab") as file:
        file.write(b"%aggiunta\n")

    versione = _vota(django_capture_on_commit_callbacks, versione, ufficio_piano_crema)

    votato.refresh_from_db()
    assert not votato.sha256_firmato
    assert not versione.documento_pubblicato().firmato


def test_il_pdf_votato_e_quello_stampato_prima_del_voto(
    django_capture_on_commit_callbacks, versione, ufficio_piano_crema
):
    votato = versione.pdf
    # A copy of the same frozen text printed after the vote (the first file lost, say) is not
    # the one whose fingerprint the vote recorded.
    versione = _vota(django_capture_on_commit_callbacks, versione, ufficio_piano_crema)
    RenderPDF.objects.create(
        piano=versione.piano,
        versione=versione,
        sha256_html=versione.sha256_html,
        stato=RenderPDF.Stato.COMPLETATO,
        file="piani/pdf/dopo.pdf",
        sha256_pdf="f" * 64,
        completato_il=timezone.now() + timedelta(minutes=5),
    )

    assert versione.pdf_votato.pk == votato.pk
    assert VersionePiano.objects.get(pk=versione.pk).documento_pubblicato().sha256 == (
        votato.sha256_pdf
    )


def test_una_firma_non_riuscita_si_ritenta(
    django_capture_on_commit_callbacks, monkeypatch, sigillo, versione, ufficio_piano_crema
):
    vera = firma.firma_pdf
    tentativi = []

    def servizio_instabile(dati, **kwargs):
        # The timestamping service or the certificate's volume down at the first attempt.
        tentativi.append(1)
        if len(tentativi) == 1:
            raise firma.FirmaNonRiuscita("servizio non raggiungibile")
        return vera(dati, **kwargs)

    monkeypatch.setattr(firma, "firma_pdf", servizio_instabile)

    versione = _vota(django_capture_on_commit_callbacks, versione, ufficio_piano_crema)

    assert len(tentativi) == 2
    documento = versione.documento_pubblicato()
    assert documento.firmato
    assert firma.verifica(_leggi(documento.file), [sigillo.radice]).ok


def test_una_firma_che_non_riesce_mai_lascia_il_pdf_votato_non_firmato(
    django_capture_on_commit_callbacks, settings, sigillo, versione, ufficio_piano_crema, caplog
):
    settings.PDZ_FIRMA_PASSWORD = "sbagliata"

    versione = _vota(django_capture_on_commit_callbacks, versione, ufficio_piano_crema)

    documento = versione.documento_pubblicato()
    assert not documento.firmato
    assert documento.file.name == versione.pdf_votato.file.name
    assert f"Firma del PDF della versione {versione.pk}: non riuscito" in caplog.text
