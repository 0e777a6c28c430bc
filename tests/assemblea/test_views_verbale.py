"""The minutes of a session as a PDF: what the portal recorded, as the Assemblea's secretary signs it."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.urls import reverse

from ambiti.demo import carica_periodo
from ambiti.models import Comune
from assemblea import services
from assemblea.models import Delega, PuntoOdg, RegolaVoto, Seduta, Votazione
from assemblea.services import Rappresentanza
from piani import services as piani_services

ROMA = ZoneInfo("Europe/Rome")


def _c(testo: str) -> str:
    """Text without white space: table cells wrap their words anywhere."""
    return "".join(testo.split())


def _testo(pdf: bytes) -> str:
    lettore = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(pagina.extract_text() for pagina in lettore.pages)


def _seduta(cremasco, utente, *, scrutinio):
    services.nuova_regola(
        RegolaVoto(
            ambito=cremasco,
            peso=RegolaVoto.Peso.POPOLAZIONE,
            quorum=RegolaVoto.Misura.NESSUNA,
            misura_maggioranza=RegolaVoto.Misura.POPOLAZIONE,
            scrutinio=scrutinio,
        ),
        utente=utente,
    )
    piano = piani_services.crea_piano(
        ambito=cremasco, periodo=carica_periodo("2025-2027"), utente=utente
    )
    versione = piani_services.congela(piano=piano, utente=utente)
    seduta = Seduta.objects.create(
        ambito=cremasco,
        titolo="Seduta di approvazione",
        modalita=Seduta.Modalita.MISTA,
        luogo="Sala degli Ostaggi",
        link_online="https://meet.example.invalid/x",
        prima_convocazione=datetime(2026, 12, 3, 9, 30, tzinfo=ROMA),
    )
    punto = PuntoOdg.objects.create(
        seduta=seduta, ordine=1, titolo="Approvazione del Piano di Zona", versione_piano=versione
    )
    return seduta, punto, versione


@pytest.fixture
def chiusa(request, cremasco, ufficio_piano_crema, sindaco_crema, delegato_pandino):
    scrutinio = getattr(request, "param", RegolaVoto.Scrutinio.PALESE)
    seduta, punto, _versione = _seduta(cremasco, ufficio_piano_crema, scrutinio=scrutinio)
    pandino = Comune.objects.get(nome="Pandino")
    offanengo = Comune.objects.get(nome="Offanengo")
    Delega.objects.create(
        seduta=seduta, comune=pandino, delegato=delegato_pandino, atto="decreto n. 7 del 2/12/2026"
    )
    services.registra_presenza(
        seduta,
        Rappresentanza(offanengo, "sindaco", "Roberto Sala"),
        utente=None,
        via="segreteria",
        registrata_da=ufficio_piano_crema,
    )
    services.apri_seduta(seduta, utente=ufficio_piano_crema, convocazione="prima")
    votazione = Votazione.objects.create(punto=punto, regola=services.regola_corrente(cremasco))
    services.apri_votazione(votazione, utente=ufficio_piano_crema)
    (sindaco,) = services.rappresentanze(sindaco_crema, seduta)
    (delegata,) = services.rappresentanze(delegato_pandino, seduta)
    services.vota(votazione, sindaco, "favorevole", utente=sindaco_crema)
    services.vota(votazione, delegata, "contrario", utente=delegato_pandino)
    services.vota(
        votazione,
        Rappresentanza(offanengo, "sindaco", "Roberto Sala"),
        "astenuto",
        utente=ufficio_piano_crema,
        canale="cartaceo",
    )
    services.chiudi_votazione(votazione, utente=ufficio_piano_crema)
    services.chiudi_seduta(seduta, utente=ufficio_piano_crema)
    return seduta


def _scarica(client, utente, seduta):
    client.force_login(utente)
    return client.get(reverse("assemblea:verbale-pdf", args=["cremasco", seduta.pk]))


def test_il_verbale_riporta_presenze_quorum_e_voti_nominali(client, chiusa, ufficio_piano_crema):
    risposta = _scarica(client, ufficio_piano_crema, chiusa)
    assert risposta.status_code == 200
    assert risposta["Content-Type"] == "application/pdf"
    pdf = b"".join(risposta.streaming_content) if risposta.streaming else risposta.content
    testo = _testo(pdf)
    assert _c("Sala degli Ostaggi") in _c(testo)
    assert "3 dicembre 2026" in testo
    assert _c("Approvazione del Piano di Zona") in _c(testo)
    # Every comune of the ambito, with its population: Crema has 34.204 residents (ANPR 1/2025).
    # Long names wrap inside their cell: compare without white space.
    for comune in Comune.objects.filter(ambito=chiusa.ambito):
        assert _c(comune.nome) in _c(testo)
    assert "34.204" in testo
    assert _c("Hanno partecipato 3 comuni su 48") in _c(testo)
    assert _c("decreto n. 7 del 2/12/2026") in _c(testo)
    assert _c("voto cartaceo registrato dalla segreteria") in _c(testo)
    # Named votes of the open ballot.
    righe = testo.splitlines()
    assert any("Crema" in r and "Favorevole" in r for r in righe)
    assert any("Pandino" in r and "Contrario" in r for r in righe)
    # Quorum as computed at the opening: Offanengo only was in the room.
    assert _c("Presenti 1 comuni su 48") in _c(testo)
    assert "Esito: Approvata" in testo


@pytest.mark.parametrize("chiusa", [RegolaVoto.Scrutinio.SEGRETO], indirect=True)
def test_scrutinio_segreto_niente_voti_dei_singoli(client, chiusa, ufficio_piano_crema):
    testo = _testo(_scarica(client, ufficio_piano_crema, chiusa).content)
    assert "Scrutinio segreto" in testo
    assert "Favorevole" not in testo and "Contrario" not in testo
    assert "Esito: Approvata" in testo


def test_il_sindaco_scarica_il_verbale(client, chiusa, sindaco_crema):
    assert _scarica(client, sindaco_crema, chiusa).status_code == 200


@pytest.mark.parametrize("persona", ["sindaco_cremona", "operatore_crema", "ufficio_piano_cremona"])
def test_chi_non_e_dell_assemblea_non_lo_vede(client, request, chiusa, persona):
    assert _scarica(client, request.getfixturevalue(persona), chiusa).status_code == 404


def test_anonimo_va_al_login(client, chiusa):
    risposta = client.get(reverse("assemblea:verbale-pdf", args=["cremasco", chiusa.pk]))
    assert risposta.status_code == 302 and "/account/" in risposta["Location"]


def test_niente_verbale_prima_della_chiusura(client, cremasco, ufficio_piano_crema):
    seduta, _punto, _versione = _seduta(
        cremasco, ufficio_piano_crema, scrutinio=RegolaVoto.Scrutinio.PALESE
    )
    assert _scarica(client, ufficio_piano_crema, seduta).status_code == 404


def test_metodo_sbagliato(client, chiusa, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    url = reverse("assemblea:verbale-pdf", args=["cremasco", chiusa.pk])
    assert client.post(url).status_code == 405


def test_il_totale_delle_presenze_compare_una_volta_sola(client, chiusa, ufficio_piano_crema):
    """48 comuni fill more than a page: the total is the table's last row, not a footer that
    WeasyPrint repeats at each page break."""
    pdf = _scarica(client, ufficio_piano_crema, chiusa).content
    lettore = pypdf.PdfReader(io.BytesIO(pdf))
    pagine = [p.extract_text() for p in lettore.pages]
    con_comuni = [i for i, t in enumerate(pagine) if "Rappresentato da" in t or "Offanengo" in t]
    assert len(con_comuni) >= 2 or len(pagine) >= 3
    assert sum(t.count("Totale") for t in pagine) == 1
    assert "162.287" in _testo(pdf)


def test_il_verbale_chiude_con_presidente_e_segretario_e_le_firme(
    client, chiusa, ufficio_piano_crema
):
    Seduta.objects.filter(pk=chiusa.pk).update(
        presidente="Maria Bianchi",
        presidente_qualifica="Sindaca di Crema, presidente dell'Assemblea dei Sindaci",
        presidente_declinazione="femminile",
        segretario="Luca Verdi",
        segretario_qualifica="Responsabile dell'Ufficio di Piano",
    )
    testo = _testo(_scarica(client, ufficio_piano_crema, chiusa).content)
    assert _c("La presidente della seduta: Maria Bianchi, Sindaca di Crema") in _c(testo)
    assert _c("Il segretario verbalizzante: Luca Verdi") in _c(testo)
    # The signature lines close the minutes: one for each, after the votes.
    coda = testo[testo.rindex("Esito: Approvata") :]
    assert coda.count("Firma") == 2
    assert _c("La presidente") in _c(coda) and _c("Il segretario verbalizzante") in _c(coda)
    assert "Il presidente" not in coda


def test_presidente_e_segretario_nel_modulo_della_seduta(client, ufficio_piano_crema, cremasco):
    client.force_login(ufficio_piano_crema)
    risposta = client.post(
        reverse("assemblea:seduta-nuova", args=["cremasco"]),
        {
            "titolo": "Seduta",
            "modalita": "online",
            "link_online": "https://meet.example.invalid/y",
            "prima_convocazione": "2026-12-10T17:30",
            "presidente": "Maria Bianchi",
            "presidente_declinazione": "femminile",
            "segretario": "Luca Verdi",
        },
    )
    assert risposta.status_code == 302
    seduta = Seduta.objects.get(titolo="Seduta")
    assert (seduta.presidente, seduta.titolo_presidente) == ("Maria Bianchi", "La presidente")
    assert (seduta.segretario, seduta.titolo_segretario) == (
        "Luca Verdi",
        "Il segretario verbalizzante",
    )
    pagina = client.get(reverse("assemblea:seduta", args=["cremasco", seduta.pk])).content.decode()
    assert "La presidente</dt>" in pagina and "Maria Bianchi</dd>" in pagina
    assert "Il segretario verbalizzante</dt>" in pagina
