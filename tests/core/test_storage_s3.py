"""The media storage on an S3-compatible object store, as several instances of the portal share it.

No S3-compatible server runs on this machine or in CI: moto's S3 server does, in the test process
on a free port of 127.0.0.1 (`moto.server.ThreadedMotoServer`), and boto3 talks HTTP to it as it
would to MinIO or AWS. `STORAGES["default"]` is what `core.storage.storage_dei_documenti` builds
from the same environment variables production sets. Every file the portal writes (the plan's
PDF rendered by its task, the signed copy, the archived and signed minutes, a table's attachment,
an ambito's logo, an e-mail's attachment) lands in the bucket, private, and is read back through
the portal's download views with their permission checks; nothing lands in MEDIA_ROOT.
"""

import email
import hashlib
import io
import logging
import uuid

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from moto.server import ThreadedMotoServer
from post_office.models import Attachment

from ambiti.demo import carica_periodo
from assemblea import services as assemblea_services
from core import firma, posta
from core.storage import S3, storage_dei_documenti
from piani import rendering
from piani import services as piani_services
from piani.models import RenderPDF
from tavoli.models import Allegato
from tests.assemblea import test_firma_verbale
from tests.factories import IncontroFactory, TavoloFactory
from tests.utils.firma import configura, crea_certificati

pytestmark = [pytest.mark.django_db, pytest.mark.s3]

REGIONE = "eu-south-1"
# The open session whose vote approved the plan, as the minutes' own tests make it.
aperta = test_firma_verbale.aperta

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
ICS = b"BEGIN:VCALENDAR\r\nSUMMARY:Assemblea dei Sindaci\r\nEND:VCALENDAR\r\n"


@pytest.fixture(scope="session")
def server_s3():
    # moto's werkzeug would log every request of the test on the portal's console.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, porta = server.get_host_and_port()
    yield f"http://{host}:{porta}"
    server.stop()


class Bucket:
    def __init__(self, client, nome):
        self.client = client
        self.nome = nome

    def chiavi(self) -> set[str]:
        risposta = self.client.list_objects_v2(Bucket=self.nome)
        return {o["Key"] for o in risposta.get("Contents", [])}

    def leggi(self, chiave: str) -> bytes:
        return self.client.get_object(Bucket=self.nome, Key=chiave)["Body"].read()

    def privato(self, chiave: str) -> bool:
        """Only the owner has a grant on the object: nobody reads it without the keys."""
        concessioni = self.client.get_object_acl(Bucket=self.nome, Key=chiave)["Grants"]
        return all(c["Grantee"].get("Type") == "CanonicalUser" for c in concessioni)


@pytest.fixture
def bucket(server_s3, settings, monkeypatch, tmp_path):
    """A new bucket, and the portal's default storage pointed at it as production's environment
    would point it; after the test, MEDIA_ROOT must not even exist."""
    # What boto3 reads from the environment in production; moto takes any key.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "pdz-prova")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "pdz-prova-segreto")
    nome = f"pdz-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=server_s3,
        region_name=REGIONE,
        aws_access_key_id="pdz-prova",
        aws_secret_access_key="pdz-prova-segreto",
    )
    client.create_bucket(Bucket=nome, CreateBucketConfiguration={"LocationConstraint": REGIONE})
    configurazione = storage_dei_documenti(
        {
            "PDZ_MEDIA_S3_BUCKET": nome,
            "AWS_S3_ENDPOINT_URL": server_s3,
            "AWS_S3_REGION_NAME": REGIONE,
            "AWS_S3_ADDRESSING_STYLE": "path",
        }
    )
    assert configurazione["BACKEND"] == S3
    settings.STORAGES = {**settings.STORAGES, "default": configurazione}
    settings.MEDIA_ROOT = tmp_path / "media"
    assert default_storage.bucket_name == nome
    yield Bucket(client, nome)
    assert not (tmp_path / "media").exists(), list((tmp_path / "media").rglob("*"))


def _scaricato(risposta) -> bytes:
    assert risposta.status_code == 200
    return b"".join(risposta.streaming_content)


def _pdf_url(render_pdf) -> str:
    return reverse(
        "piani_pdf:scarica",
        kwargs={"slug": "cremasco", "pk": render_pdf.piano_id, "rpk": render_pdf.pk},
    )


def test_il_pdf_del_piano_reso_dal_task_sta_nel_bucket_e_si_scarica_solo_con_il_permesso(
    bucket,
    client,
    django_capture_on_commit_callbacks,
    cremasco,
    ufficio_piano_crema,
    ufficio_piano_cremona,
    sindaco_crema,
):
    piano = piani_services.crea_piano(
        ambito=cremasco, periodo=carica_periodo(), utente=ufficio_piano_crema
    )
    with django_capture_on_commit_callbacks(execute=True):
        render_pdf = rendering.richiedi_pdf(piano=piano, utente=ufficio_piano_crema)
    render_pdf.refresh_from_db()
    assert render_pdf.stato == RenderPDF.Stato.COMPLETATO, render_pdf.errore

    assert bucket.chiavi() == {render_pdf.file.name}
    nel_bucket = bucket.leggi(render_pdf.file.name)
    assert nel_bucket.startswith(b"%PDF")
    assert hashlib.sha256(nel_bucket).hexdigest() == render_pdf.sha256_pdf
    assert bucket.privato(render_pdf.file.name)

    client.force_login(ufficio_piano_crema)
    risposta = client.get(_pdf_url(render_pdf))
    assert _scaricato(risposta) == nel_bucket
    assert risposta["Cache-Control"] == "private, no-store"
    assert risposta["Content-Disposition"].startswith("attachment;")
    # A draft's PDF: another ambito's office and the mayor (who reads only frozen versions)
    # do not even learn it exists; without a login, the login page.
    for estraneo in (ufficio_piano_cremona, sindaco_crema):
        client.force_login(estraneo)
        assert client.get(_pdf_url(render_pdf)).status_code == 404
    client.logout()
    assert client.get(_pdf_url(render_pdf)).status_code == 302

    # A rendering whose object has gone from the bucket answers 404, not an error.
    bucket.client.delete_object(Bucket=bucket.nome, Key=render_pdf.file.name)
    client.force_login(ufficio_piano_crema)
    assert client.get(_pdf_url(render_pdf)).status_code == 404


def test_il_piano_approvato_si_firma_nel_bucket_si_pubblica_e_la_nuova_firma_sostituisce_la_vecchia(
    bucket,
    client,
    django_capture_on_commit_callbacks,
    settings,
    sigillo,
    tmp_path,
    cremasco,
    ufficio_piano_crema,
):
    piano = piani_services.crea_piano(
        ambito=cremasco, periodo=carica_periodo(), utente=ufficio_piano_crema
    )
    with django_capture_on_commit_callbacks(execute=True):
        versione = piani_services.congela(piano=piano, utente=ufficio_piano_crema)
    votato = versione.pdf
    originale = bucket.leggi(votato.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        piani_services.registra_esito(versione=versione, approvata=True, utente=ufficio_piano_crema)
    votato.refresh_from_db()
    assert votato.file_firmato.name in bucket.chiavi()
    firmato = bucket.leggi(votato.file_firmato.name)
    assert firmato[: len(originale)] == originale
    assert firma.verifica(firmato, [sigillo.radice]).ok
    assert bucket.privato(votato.file_firmato.name)

    # Anyone reads the approved plan on the public pages: the signed file, from the bucket.
    pubblico = reverse("pubblico:piano-pdf", args=["cremasco", piano.pk])
    assert _scaricato(client.get(pubblico)) == firmato

    # Signed again with a new certificate: a new object, and the replaced one deleted.
    vecchio = votato.file_firmato.name
    configura(settings, crea_certificati(tmp_path / "nuova", cn_radice="Nuova CA"))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("firma_documenti", "--rifai", stdout=io.StringIO())
    votato.refresh_from_db()
    assert votato.file_firmato.name != vecchio
    assert vecchio not in bucket.chiavi()
    assert votato.file_firmato.name in bucket.chiavi()
    assert votato.file.name in bucket.chiavi()
    assert _scaricato(client.get(pubblico)) == bucket.leggi(votato.file_firmato.name)


def test_il_verbale_dell_assemblea_si_archivia_e_firma_nel_bucket(
    bucket, client, django_capture_on_commit_callbacks, sigillo, aperta, ufficio_piano_crema
):
    with django_capture_on_commit_callbacks(execute=True):
        assemblea_services.chiudi_seduta(aperta, utente=ufficio_piano_crema)
    aperta.refresh_from_db()

    assert {aperta.verbale.name, aperta.verbale_firmato.name} <= bucket.chiavi()
    archiviato = bucket.leggi(aperta.verbale.name)
    assert hashlib.sha256(archiviato).hexdigest() == aperta.sha256_verbale
    firmato = bucket.leggi(aperta.verbale_firmato.name)
    assert firmato[: len(archiviato)] == archiviato
    assert all(bucket.privato(c) for c in (aperta.verbale.name, aperta.verbale_firmato.name))

    pubblico = reverse("pubblico:verbale-pdf", args=["cremasco", aperta.pk])
    assert _scaricato(client.get(pubblico)) == firmato


def test_l_allegato_di_un_incontro_si_carica_nel_bucket_e_si_legge_solo_dal_tavolo(
    bucket, client, cremasco, ufficio_piano_crema, ufficio_piano_cremona, sindaco_crema
):
    incontro = IncontroFactory(tavolo=TavoloFactory(ambito=cremasco))
    dati = b"%PDF-1.4 documento dell'incontro"
    client.force_login(ufficio_piano_crema)
    kwargs = {"slug": "cremasco", "pk": incontro.tavolo_id, "ipk": incontro.pk}

    risposta = client.post(
        reverse("tavoli:allegato-nuovo", kwargs=kwargs),
        {"file": SimpleUploadedFile("programma.pdf", dati, content_type="application/pdf")},
    )

    assert risposta.status_code in (200, 302)
    allegato = Allegato.objects.get(incontro=incontro)
    assert bucket.chiavi() == {allegato.file.name}
    assert bucket.leggi(allegato.file.name) == dati
    assert bucket.privato(allegato.file.name)
    url = reverse("tavoli:allegato", kwargs={**kwargs, "apk": allegato.pk})
    assert _scaricato(client.get(url)) == dati
    for estraneo in (ufficio_piano_cremona, sindaco_crema):
        client.force_login(estraneo)
        assert client.get(url).status_code == 404

    # Deleting the file removes the object.
    allegato.file.delete(save=False)
    assert bucket.chiavi() == set()


def test_il_logo_dell_ambito_e_gli_allegati_delle_email_stanno_nel_bucket(
    bucket, client, cremasco, mailoutbox
):
    cremasco.logo.save("logo.png", ContentFile(PNG))
    assert bucket.chiavi() == {cremasco.logo.name}
    risposta = client.get(reverse("pubblico:logo", args=["cremasco"]))
    assert _scaricato(risposta) == PNG
    assert risposta["Content-Type"] == "image/png"

    messaggio = posta.messaggio("Convocazione", "Testo", "sindaco@example.org")
    messaggio.attach(posta.allegato_ics(ICS, nome_file="convocazione.ics"))
    assert posta.invia([messaggio]) == 1
    (allegato,) = Attachment.objects.all()
    assert allegato.file.name in bucket.chiavi()
    assert bucket.privato(allegato.file.name)
    # The message delivered (read back from the bucket by post_office) carries the calendar.
    grezzo = email.message_from_bytes(mailoutbox[0].message().as_bytes())
    (parte,) = [p for p in grezzo.walk() if p.get_content_type() == "text/calendar"]
    assert parte.get_payload(decode=True) == ICS
