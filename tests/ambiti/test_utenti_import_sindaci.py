"""The mayors' file: preview then confirm, all or nothing, every bad row named with its line,
the outgoing mayor closed the day before, and the export that reads back as an import."""

import base64
import csv
import datetime
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Ruolo, User
from ambiti.import_sindaci import COLONNE
from ambiti.models import Comune
from tests.factories import RuoloFactory, UserFactory, codice_fiscale_persona
from tests.utils.fotografia import fotografia
from tests.utils.html import testo_visibile as _testo
from tests.utils.html import trova

Tipo = Ruolo.Tipo
INTESTAZIONE = ",".join(COLONNE)


@pytest.fixture(autouse=True)
def oggi(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def up(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    return client


def _istat(nome):
    return Comune.objects.get(nome=nome).codice_istat


def _file(testo, *, bom=False, nome="sindaci.csv"):
    contenuto = testo.encode("utf-8-sig" if bom else "utf-8")
    return SimpleUploadedFile(nome, contenuto, content_type="text/csv")


def _url(nome="importa-sindaci", slug="cremasco"):
    return reverse(f"ambiti:{nome}", args=[slug])


def _anteprima(client, testo, **kwargs):
    return client.post(_url(), {"file": _file(testo, **kwargs)})


def _conferma(client, risposta):
    (campo,) = trova(risposta, "input", name="contenuto")
    return client.post(_url(), {"contenuto": dict(campo.attributes)["value"], "conferma": "1"})


def _errori(risposta):
    return [_testo(li) for li in trova(trova(risposta, "ul", data_testid="errori")[0], "li")]


def _intatti():
    return fotografia(Ruolo, User)


def test_un_file_giusto_si_vede_in_anteprima_e_si_importa_alla_conferma(
    up, cremasco, sindaco_crema, django_capture_on_commit_callbacks
):
    uscente = sindaco_crema.ruoli.get()
    testo = (
        "codice_istat;codice_fiscale;nome;cognome;email;dal\r\n"
        f"{_istat('Crema')};{codice_fiscale_persona(11)};Fabio;Bergamaschi;fabio@example.org;15/06/2026\r\n"
        f"{_istat('Pandino')};{codice_fiscale_persona(12).lower()};Maria Luisa;Polig;;2024-06-10\r\n"
    )
    prima = _intatti()
    risposta = _anteprima(up, testo, bom=True)
    assert risposta.status_code == 200
    assert _intatti() == prima  # a preview writes nothing
    righe = [_testo(r) for r in trova(risposta, "tr", data_testid="anteprima")]
    assert len(righe) == 2
    assert "Crema" in righe[0] and "termina il 14/06/2026" in righe[0]
    with django_capture_on_commit_callbacks(execute=True):
        risposta = _conferma(up, risposta)
    assert risposta.status_code == 302
    fabio = User.objects.get(codice_fiscale=codice_fiscale_persona(11))
    nuovo = fabio.ruoli.get()
    assert (nuovo.tipo, nuovo.comune.nome, nuovo.dal, nuovo.al) == (
        Tipo.SINDACO,
        "Crema",
        datetime.date(2026, 6, 15),
        None,
    )
    uscente.refresh_from_db()
    assert uscente.al == datetime.date(2026, 6, 14) and uscente.attivo
    maria = User.objects.get(codice_fiscale=codice_fiscale_persona(12))
    assert (maria.first_name, maria.last_name, maria.email) == ("Maria Luisa", "Polig", "")
    assert maria.ruoli.get().comune.nome == "Pandino"
    # The new mayor with an e-mail is invited to choose a password.
    assert [m.to for m in mail.outbox] == [["fabio@example.org"]]


def test_separatore_virgola_senza_bom_e_persona_gia_nel_portale(up, cremasco, operatore_crema):
    operatore_crema.codice_fiscale = codice_fiscale_persona(20)
    operatore_crema.save()
    testo = f"{INTESTAZIONE}\n{_istat('Pandino')},{codice_fiscale_persona(20)},A,B,,01/01/2026\n"
    risposta = _conferma(up, _anteprima(up, testo))
    assert risposta.status_code == 302
    assert set(operatore_crema.ruoli.values_list("tipo", flat=True)) == {
        Tipo.OPERATORE,
        Tipo.SINDACO,
    }
    assert User.objects.filter(codice_fiscale=codice_fiscale_persona(20)).count() == 1


def test_ogni_riga_sbagliata_e_indicata_e_non_si_importa_nulla(
    up, cremasco, sindaco_crema, sindaco_cremona
):
    # Pandino's mayor has a mandate with an end the import cannot shorten.
    pandino = Comune.objects.get(nome="Pandino")
    RuoloFactory(
        user=UserFactory(username="in_carica"),
        tipo=Tipo.SINDACO,
        ambito=cremasco,
        comune=pandino,
        dal=datetime.date(2024, 6, 10),
        al=datetime.date(2029, 6, 9),
    )
    crema = _istat("Crema")
    testo = "\n".join(
        [
            INTESTAZIONE,
            f"{_istat('Offanengo')},{codice_fiscale_persona(30)},Ok,Riga,,01/07/2026",
            f"999999,{codice_fiscale_persona(31)},Comune,Ignoto,,01/07/2026",
            f"{_istat('Cremona')},{codice_fiscale_persona(32)},Altro,Ambito,,01/07/2026",
            f"{_istat('Vaiano Cremasco')},RSSMRA80A01H501X,Codice,Sbagliato,,01/07/2026",
            f"{_istat('Bagnolo Cremasco')},{codice_fiscale_persona(34)},Data,Sbagliata,,31/02/2026",
            f"{_istat('Offanengo')},{codice_fiscale_persona(35)},Comune,Doppio,,01/07/2026",
            f"{_istat('Pandino')},{codice_fiscale_persona(36)},Periodo,Sovrapposto,,01/07/2026",
            f"{crema},{codice_fiscale_persona(37)},Prima,Del Sindaco,,01/01/2020",
            f"{_istat('Ricengo')},,Senza,Recapiti,,01/07/2026",
            f"{_istat('Capralba')},{codice_fiscale_persona(38)},Mail,Sbagliata,non-una-mail,01/07/2026",
        ]
    )
    prima = _intatti()
    risposta = _anteprima(up, testo)
    errori = _errori(risposta)
    assert not trova(risposta, "input", name="contenuto")  # nothing to confirm
    attesi = {
        3: "nessun comune ha il codice ISTAT «999999»",
        4: "non fa parte dell'ambito",
        5: "il codice fiscale «RSSMRA80A01H501X» non è valido",
        6: "la data «31/02/2026» non è valida",
        7: "il comune Offanengo è già alla riga 2",
        8: "si sovrappone a quello di",
        9: "che l'importazione non può chiudere",
        10: "serve il codice fiscale",
        11: "l'e-mail «non-una-mail» non è valida",
    }
    for riga, motivo in attesi.items():
        assert any(e.startswith(f"Riga {riga}:") and motivo in e for e in errori), (riga, errori)
    assert not any(e.startswith("Riga 2:") for e in errori)
    assert _intatti() == prima


@pytest.mark.parametrize(
    ("contenuto", "motivo"),
    [
        ("comune;cf;nome;email;dal\n", "Le colonne devono essere"),
        (f"{INTESTAZIONE}\n", "non contiene sindaci"),
        ("codice_istat;città\n".encode("latin-1"), "non è in UTF-8"),
    ],
)
def test_file_illeggibili(up, cremasco, contenuto, motivo):
    if isinstance(contenuto, str):
        contenuto = contenuto.encode()
    risposta = up.post(_url(), {"file": SimpleUploadedFile("s.csv", contenuto)})
    assert any(motivo in e for e in _errori(risposta)), _errori(risposta)


def test_un_file_vuoto(up, cremasco):
    risposta = up.post(_url(), {"file": SimpleUploadedFile("s.csv", b"")})
    assert risposta.context["form"].errors["file"]


def test_stessa_persona_su_due_comuni_del_file(up, cremasco):
    codice = codice_fiscale_persona(40)
    testo = (
        f"{INTESTAZIONE}\n{_istat('Ricengo')},{codice},A,B,,01/07/2026\n"
        f"{_istat('Capralba')},{codice},A,B,,01/07/2026\n"
    )
    errori = _errori(_anteprima(up, testo))
    assert errori == ["Riga 3: la stessa persona è già alla riga 2: un sindaco ha un solo comune."]


def test_la_conferma_ricontrolla_il_file_sotto_i_lock(up, cremasco):
    """Between preview and confirmation another mayor was registered: nothing is written."""
    testo = f"{INTESTAZIONE}\n{_istat('Ricengo')},{codice_fiscale_persona(50)},A,B,,01/07/2026\n"
    anteprima = _anteprima(up, testo)
    RuoloFactory(
        user=UserFactory(username="arrivato_prima"),
        tipo=Tipo.SINDACO,
        ambito=cremasco,
        comune=Comune.objects.get(nome="Ricengo"),
        dal=datetime.date(2026, 7, 1),
    )
    prima = _intatti()
    risposta = _conferma(up, anteprima)
    assert risposta.status_code == 200
    assert any(e.startswith("Riga 2:") for e in _errori(risposta))
    assert _intatti() == prima


def test_un_contenuto_manomesso_alla_conferma_e_ricontrollato(up, cremasco):
    testo = f"{INTESTAZIONE}\n{_istat('Cremona')},{codice_fiscale_persona(51)},A,B,,01/07/2026\n"
    prima = _intatti()
    contenuto = base64.b64encode(testo.encode()).decode()
    risposta = up.post(_url(), {"contenuto": contenuto, "conferma": "1"})
    assert any("non fa parte dell'ambito" in e for e in _errori(risposta))
    risposta = up.post(_url(), {"contenuto": "non base64 !", "conferma": "1"})
    assert risposta.status_code == 302
    assert _intatti() == prima


def test_l_esportazione_ha_le_stesse_colonne_e_si_reimporta_senza_cambiare_nulla(
    up, cremasco, sindaco_crema, sindaco_cremona
):
    sindaco_crema.codice_fiscale = codice_fiscale_persona(60)
    sindaco_crema.first_name = '=HYPERLINK("http://x")'
    sindaco_crema.save()
    risposta = up.get(_url("esporta-sindaci"))
    assert risposta.status_code == 200
    assert risposta["Content-Type"].startswith("text/csv")
    testo = risposta.content.decode("utf-8-sig")
    righe = list(csv.reader(io.StringIO(testo), delimiter=";"))
    assert righe[0] == COLONNE
    assert len(righe) == 2  # Crema only: Cremona is another ambito's
    campi = righe[1]
    assert campi[0] == _istat("Crema") and campi[1] == codice_fiscale_persona(60)
    assert campi[2].startswith("'=")  # a formula is neutralised
    assert campi[5] == sindaco_crema.ruoli.get().dal.strftime("%d/%m/%Y")
    # Read back as an import: every mayor is already in office, nothing to change.
    prima = _intatti()
    anteprima = up.post(_url(), {"file": SimpleUploadedFile("s.csv", risposta.content)})
    assert _errori_o_nessuno(anteprima) == []
    assert not trova(anteprima, "tr", data_testid="anteprima")
    assert "0 sindaci da registrare" in _testo(trova(anteprima, data_testid="riepilogo")[0])
    assert _intatti() == prima


def _errori_o_nessuno(risposta):
    liste = trova(risposta, "ul", data_testid="errori")
    return [_testo(li) for li in trova(liste[0], "li")] if liste else []


def test_la_pagina_spiega_le_colonne(up, cremasco):
    risposta = up.get(_url())
    assert _testo(trova(risposta, data_testid="colonne")[0]) == INTESTAZIONE
    assert "nome e cognome in due colonne" in risposta.content.decode()


def test_dopo_un_cambio_di_sindaco_l_esportazione_si_reimporta_senza_errori(
    up, cremasco, sindaco_crema
):
    """The outgoing mayor, closed the day before a future mandate, is still in office today: the
    export lists him, and reading it back changes nothing."""
    testo = f"{INTESTAZIONE}\n{_istat('Crema')},{codice_fiscale_persona(70)},Nuovo,Sindaco,,15/06/2026\n"
    assert _conferma(up, _anteprima(up, testo)).status_code == 302
    esportato = up.get(_url("esporta-sindaci")).content
    righe = esportato.decode("utf-8-sig").splitlines()
    assert len(righe) == 2 and "sindaco_crema@example.org" in righe[1]
    prima = _intatti()
    anteprima = up.post(_url(), {"file": SimpleUploadedFile("s.csv", esportato)})
    assert _errori_o_nessuno(anteprima) == []
    assert not trova(anteprima, "tr", data_testid="anteprima")
    assert _intatti() == prima
