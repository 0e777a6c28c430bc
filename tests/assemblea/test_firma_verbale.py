"""The minutes of a closed session are archived as printed at the closing (real WeasyPrint
output) and published signed with a test CA's seal, as an incremental update whose first bytes
are the archived ones; without a certificate the archived minutes are published as they are."""

import hashlib
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from ambiti.demo import carica_periodo
from assemblea import services, tasks
from assemblea.models import PuntoOdg, RegolaVoto, Seduta, Votazione
from core import firma
from piani import services as piani_services
from tests.utils.firma import configura

pytestmark = pytest.mark.django_db
ROMA = ZoneInfo("Europe/Rome")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def aperta(django_capture_on_commit_callbacks, cremasco, ufficio_piano_crema, sindaco_crema):
    """An open session whose vote approved the frozen plan (its PDF printed at the freeze)."""
    services.nuova_regola(
        RegolaVoto(
            ambito=cremasco,
            peso=RegolaVoto.Peso.POPOLAZIONE,
            quorum=RegolaVoto.Misura.NESSUNA,
            misura_maggioranza=RegolaVoto.Misura.POPOLAZIONE,
            scrutinio=RegolaVoto.Scrutinio.PALESE,
        ),
        utente=ufficio_piano_crema,
    )
    piano = piani_services.crea_piano(
        ambito=cremasco, periodo=carica_periodo("2025-2027"), utente=ufficio_piano_crema
    )
    with django_capture_on_commit_callbacks(execute=True):
        versione = piani_services.congela(piano=piano, utente=ufficio_piano_crema)
    seduta = Seduta.objects.create(
        ambito=cremasco,
        titolo="Seduta di approvazione del piano",
        modalita=Seduta.Modalita.PRESENZA,
        luogo="Sala degli Ostaggi",
        prima_convocazione=datetime(2026, 12, 3, 9, 30, tzinfo=ROMA),
    )
    punto = PuntoOdg.objects.create(
        seduta=seduta, ordine=1, titolo="Approvazione del Piano di Zona", versione_piano=versione
    )
    services.apri_seduta(seduta, utente=ufficio_piano_crema, convocazione="prima")
    votazione = Votazione.objects.create(punto=punto, regola=services.regola_corrente(cremasco))
    services.apri_votazione(votazione, utente=ufficio_piano_crema)
    (sindaco,) = services.rappresentanze(sindaco_crema, seduta)
    services.vota(votazione, sindaco, "favorevole", utente=sindaco_crema)
    with django_capture_on_commit_callbacks(execute=True):
        services.chiudi_votazione(votazione, utente=ufficio_piano_crema)
    versione.refresh_from_db()
    assert versione.approvata
    return seduta


def _chiudi(capture, seduta, utente):
    with capture(execute=True):
        services.chiudi_seduta(seduta, utente=utente)
    seduta.refresh_from_db()
    return seduta


def _leggi(campo) -> bytes:
    with campo.open("rb") as file:
        return file.read()


def _testo(pdf: bytes) -> str:
    lettore = pypdf.PdfReader(io.BytesIO(pdf))
    return "".join("".join(p.extract_text().split()) for p in lettore.pages)


def test_alla_chiusura_il_verbale_si_archivia_e_si_pubblica_firmato(
    django_capture_on_commit_callbacks, sigillo, aperta, ufficio_piano_crema
):
    assert aperta.documento_pubblicato() is None

    seduta = _chiudi(django_capture_on_commit_callbacks, aperta, ufficio_piano_crema)

    archiviato = _leggi(seduta.verbale)
    assert seduta.sha256_verbale == hashlib.sha256(archiviato).hexdigest()
    testo = _testo(archiviato)
    assert "Sedutadiapprovazionedelpiano" in testo
    # The minutes quote the fingerprint of the PDF that was voted, not of the copy printed
    # after the vote with the outcome on its cover.
    versione = seduta.punti.get().versione_piano
    assert versione.pdf_votato.sha256_pdf in testo
    assert versione.pdf.sha256_pdf not in testo
    documento = seduta.documento_pubblicato()
    assert documento.firmato
    assert documento.sha256 == seduta.sha256_verbale
    firmato = _leggi(documento.file)
    assert documento.sha256_firmato == hashlib.sha256(firmato).hexdigest()
    assert firmato[: len(archiviato)] == archiviato
    assert hashlib.sha256(firmato[: len(archiviato)]).hexdigest() == seduta.sha256_verbale
    esito = firma.verifica(firmato, [sigillo.radice])
    assert esito.ok and esito.copre_tutto
    # The plan the session approved is signed too.
    assert versione.documento_pubblicato().firmato


def test_dalla_pagina_della_seduta_si_scarica_il_verbale_firmato(
    client, django_capture_on_commit_callbacks, sigillo, aperta, ufficio_piano_crema
):
    seduta = _chiudi(django_capture_on_commit_callbacks, aperta, ufficio_piano_crema)
    client.force_login(ufficio_piano_crema)

    risposta = client.get(reverse("assemblea:verbale-pdf", args=["cremasco", seduta.pk]))

    assert risposta.status_code == 200
    assert risposta.content == _leggi(seduta.verbale_firmato)
    assert firma.verifica(risposta.content, [sigillo.radice]).ok


def test_un_byte_cambiato_nel_verbale_firmato_non_supera_la_verifica(
    django_capture_on_commit_callbacks, sigillo, aperta, ufficio_piano_crema
):
    seduta = _chiudi(django_capture_on_commit_callbacks, aperta, ufficio_piano_crema)
    firmato = bytearray(_leggi(seduta.verbale_firmato))
    firmato[seduta.verbale.size // 2] ^= 0x20

    esito = firma.verifica(bytes(firmato), [sigillo.radice])

    assert esito.firmato and not esito.integra and not esito.ok


def test_senza_certificato_si_pubblica_il_verbale_archiviato_non_firmato(
    django_capture_on_commit_callbacks, aperta, ufficio_piano_crema
):
    seduta = _chiudi(django_capture_on_commit_callbacks, aperta, ufficio_piano_crema)

    documento = seduta.documento_pubblicato()

    assert not documento.firmato and documento.sha256_firmato is None
    assert documento.file.name == seduta.verbale.name
    assert documento.sha256 == hashlib.sha256(_leggi(seduta.verbale)).hexdigest()
    assert not seduta.verbale_firmato


def test_archiviare_e_firmare_e_idempotente(
    django_capture_on_commit_callbacks, sigillo, aperta, ufficio_piano_crema, media
):
    seduta = _chiudi(django_capture_on_commit_callbacks, aperta, ufficio_piano_crema)
    prima = (
        seduta.verbale.name,
        seduta.sha256_verbale,
        seduta.verbale_firmato.name,
        seduta.sha256_verbale_firmato,
        seduta.verbale_firmato_il,
    )

    # A redelivered task neither prints the minutes again nor signs them twice.
    assert tasks.archivia_e_firma_verbale.delay(seduta.pk).get() == seduta.pk
    seduta.refresh_from_db()

    assert (
        seduta.verbale.name,
        seduta.sha256_verbale,
        seduta.verbale_firmato.name,
        seduta.sha256_verbale_firmato,
        seduta.verbale_firmato_il,
    ) == prima
    cartella = media / "assemblea" / "verbali"
    assert len([p for p in cartella.iterdir() if p.is_file()]) == 1
    assert len(list((cartella / "firmati").iterdir())) == 1


def test_una_seduta_aperta_non_ha_verbale_da_pubblicare(sigillo, aperta):
    assert tasks.archivia_e_firma_verbale.delay(aperta.pk).get() is None
    aperta.refresh_from_db()
    assert not aperta.verbale and aperta.documento_pubblicato() is None


def test_il_comando_firma_i_verbali_delle_sedute_chiuse_prima_del_certificato(
    django_capture_on_commit_callbacks, settings, certificati, aperta, ufficio_piano_crema
):
    seduta = _chiudi(django_capture_on_commit_callbacks, aperta, ufficio_piano_crema)
    archiviato = seduta.verbale.name
    with pytest.raises(CommandError, match="PDZ_FIRMA_CERTIFICATO"):
        call_command("firma_documenti", stdout=io.StringIO())
    configura(settings, certificati)
    uscita = io.StringIO()

    call_command("firma_documenti", stdout=uscita)

    seduta.refresh_from_db()
    assert seduta.verbale.name == archiviato
    documento = seduta.documento_pubblicato()
    assert documento.firmato
    assert firma.verifica(_leggi(documento.file), [certificati.radice]).ok
    assert "Verbali firmati: 1." in uscita.getvalue()
