"""The services of the Assemblea dei Sindaci: versioned rules, weights frozen at the opening, who
speaks for a comune, casting and changing a ballot, receipts, closing and the plan's outcome."""

import datetime
import hashlib
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Ruolo
from ambiti.demo import carica_periodo
from ambiti.models import Comune, Popolazione
from assemblea import services
from assemblea.models import (
    AventeDiritto,
    Delega,
    EventoVoto,
    Presenza,
    PuntoOdg,
    Qualita,
    RegolaVoto,
    Scelta,
    Seduta,
    Votazione,
    Voto,
)
from core.flusso import OperazioneNonAmmessa
from piani import services as piani_services
from piani.models import Piano, VersionePiano

Misura = RegolaVoto.Misura
FAV, CON, AST = Scelta.FAVOREVOLE, Scelta.CONTRARIO, Scelta.ASTENUTO
MESSAGGIO_CHIUSA = "La votazione è chiusa: il voto non è stato registrato."
ANPR_2025 = datetime.date(2025, 1, 1)


def _regola(ambito, utente, **campi):
    valori = {"peso": RegolaVoto.Peso.UNO, "quorum": Misura.TESTE}
    return services.nuova_regola(RegolaVoto(ambito=ambito, **(valori | campi)), utente=utente)


def _seduta(ambito, **campi):
    valori = {
        "titolo": "Approvazione del Piano di Zona 2025-2027",
        "modalita": Seduta.Modalita.ONLINE,
        "link_online": "https://riunioni.example.org/assemblea",
        # Begun an hour ago: a session opens in first call only from the first call's time.
        "prima_convocazione": timezone.now() - timedelta(hours=1),
    }
    return Seduta.objects.create(ambito=ambito, **(valori | campi))


def _votazione(seduta, regola, *, ordine=1, versione=None):
    punto = PuntoOdg.objects.create(
        seduta=seduta, ordine=ordine, titolo=f"Punto {ordine}", versione_piano=versione
    )
    return Votazione.objects.create(punto=punto, regola=regola)


def _rappresentanza(comune, persona=None, qualita=Qualita.SINDACO):
    return services.Rappresentanza(comune, qualita, persona or f"Sindaco di {comune.nome}")


def _comuni(ambito):
    return list(Comune.objects.filter(ambito=ambito).order_by("nome"))


@pytest.fixture
def up(ufficio_piano_crema):
    return ufficio_piano_crema


@pytest.fixture
def regola(cremasco, up):
    return _regola(cremasco, up)


@pytest.fixture
def seduta_aperta(cremasco, regola, up):
    return services.apri_seduta(
        _seduta(cremasco), utente=up, convocazione=Seduta.Convocazione.PRIMA
    )


@pytest.fixture
def votazione(seduta_aperta, regola, up):
    return services.apri_votazione(_votazione(seduta_aperta, regola), utente=up)


@pytest.fixture
def crema():
    return Comune.objects.get(nome="Crema")


# --- Rules ----------------------------------------------------------------------------------


def test_le_regole_si_numerano_per_ambito(cremasco, cremonese, up, ufficio_piano_cremona):
    prima = _regola(cremasco, up)
    seconda = _regola(
        cremasco, up, peso=RegolaVoto.Peso.POPOLAZIONE, misura_maggioranza=Misura.POPOLAZIONE
    )
    altra = _regola(cremonese, ufficio_piano_cremona)
    assert (prima.versione, seconda.versione, altra.versione) == (1, 2, 1)
    assert seconda.creata_da == up
    assert services.regola_corrente(cremasco) == seconda
    assert services.regola_corrente(cremonese) == altra


def test_nessuna_regola(cremasco):
    assert services.regola_corrente(cremasco) is None


def test_le_regole_non_si_modificano(regola):
    regola.quorum = Misura.NESSUNA
    with pytest.raises(ValueError, match="nuova versione"):
        regola.save()
    regola.refresh_from_db()
    assert regola.quorum == Misura.TESTE


def test_la_popolazione_conta_solo_con_il_voto_ponderato(cremasco, up):
    with pytest.raises(IntegrityError), transaction.atomic():
        _regola(cremasco, up, peso=RegolaVoto.Peso.UNO, quorum=Misura.POPOLAZIONE)
    with pytest.raises(IntegrityError), transaction.atomic():
        _regola(cremasco, up, peso=RegolaVoto.Peso.UNO, misura_maggioranza=Misura.ENTRAMBE)


def test_la_votazione_prende_le_regole_in_vigore_all_apertura(seduta_aperta, regola, cremasco, up):
    preparata = _votazione(seduta_aperta, regola, ordine=3)
    nuova = _regola(cremasco, up, quorum=Misura.NESSUNA)
    assert services.apri_votazione(preparata, utente=up).regola == nuova


def test_una_votazione_tiene_le_regole_con_cui_e_stata_aperta(votazione, cremasco, up):
    nuova = _regola(cremasco, up, quorum=Misura.NESSUNA)
    services.vota(votazione, _rappresentanza(Comune.objects.get(nome="Crema")), FAV, utente=up)
    chiusa = services.chiudi_votazione(votazione, utente=up)
    # Version 1 asks a quorum in heads: one comune of 48 is not enough. Version 2 would not ask.
    assert chiusa.regola.versione == 1
    assert services.regola_corrente(cremasco) == nuova
    assert chiusa.esito == Votazione.Esito.NON_VALIDA


# --- Weights ---------------------------------------------------------------------------------


def test_pesi_dalla_popolazione_del_comune(cremasco, regola):
    pesi = {a.comune.nome: a for a in services.pesi_comuni(regola, cremasco)}
    assert len(pesi) == 48
    assert sum(a.popolazione for a in pesi.values()) == 162287
    assert pesi["Crema"].popolazione == 34204
    assert pesi["Crema"].fonte == "ANPR"
    assert pesi["Crema"].data_riferimento == ANPR_2025


def test_pesi_alla_data_della_regola(cremasco, up):
    regola = _regola(
        cremasco,
        up,
        peso=RegolaVoto.Peso.POPOLAZIONE,
        misura_maggioranza=Misura.POPOLAZIONE,
        data_popolazione=datetime.date(2024, 1, 1),
    )
    comuni = _comuni(cremasco)
    # A count for 1/1/2024 for every comune but two: the opening names the missing ones.
    Popolazione.objects.bulk_create(
        Popolazione(
            comune=c, fonte="ANPR", data_riferimento=datetime.date(2024, 1, 1), residenti=1000
        )
        for c in comuni
        if c.nome not in ("Ticengo", "Gombito")
    )
    with pytest.raises(OperazioneNonAmmessa) as errore:
        services.pesi_comuni(regola, cremasco)
    assert str(errore.value) == "Manca la popolazione al 01/01/2024 per: Gombito, Ticengo."

    Popolazione.objects.create(
        comune=Comune.objects.get(nome="Ticengo"),
        fonte="ANPR",
        data_riferimento=datetime.date(2024, 1, 1),
        residenti=450,
    )
    Popolazione.objects.create(
        comune=Comune.objects.get(nome="Gombito"),
        fonte="ANPR",
        data_riferimento=datetime.date(2024, 1, 1),
        residenti=620,
    )
    pesi = {a.comune.nome: a for a in services.pesi_comuni(regola, cremasco)}
    # 46 x 1 000 + 450 + 620, not the 2025 figures of the comune rows.
    assert sum(a.popolazione for a in pesi.values()) == 47070
    assert pesi["Crema"].popolazione == 1000
    assert pesi["Crema"].data_riferimento == datetime.date(2024, 1, 1)


def test_due_fonti_alla_stessa_data_la_regola_sceglie(cremasco, up):
    data = datetime.date(2024, 1, 1)
    Popolazione.objects.bulk_create(
        Popolazione(comune=c, fonte="ANPR", data_riferimento=data, residenti=1000)
        for c in _comuni(cremasco)
    )
    Popolazione.objects.create(
        comune=Comune.objects.get(nome="Crema"), fonte="ISTAT", data_riferimento=data, residenti=7
    )
    ambigua = _regola(
        cremasco,
        up,
        peso=RegolaVoto.Peso.POPOLAZIONE,
        misura_maggioranza=Misura.POPOLAZIONE,
        data_popolazione=data,
    )
    with pytest.raises(OperazioneNonAmmessa) as errore:
        services.pesi_comuni(ambigua, cremasco)
    assert "Per Crema ci sono più rilevazioni al 01/01/2024" in str(errore.value)
    assert "ANPR, ISTAT" in str(errore.value)

    istat = _regola(
        cremasco,
        up,
        peso=RegolaVoto.Peso.POPOLAZIONE,
        misura_maggioranza=Misura.POPOLAZIONE,
        data_popolazione=data,
        fonte_popolazione="istat",
    )
    pesi = {a.comune.nome: a.popolazione for a in services.pesi_comuni(istat, cremasco)}
    assert pesi["Crema"] == 7 and pesi["Pandino"] == 1000


def test_una_votazione_senza_popolazione_alla_data_non_si_apre(cremasco, up, seduta_aperta):
    regola = _regola(
        cremasco,
        up,
        peso=RegolaVoto.Peso.POPOLAZIONE,
        misura_maggioranza=Misura.POPOLAZIONE,
        data_popolazione=datetime.date(2023, 1, 1),
    )
    votazione = _votazione(seduta_aperta, regola)
    with pytest.raises(OperazioneNonAmmessa, match="Manca la popolazione al 01/01/2023"):
        services.apri_votazione(votazione, utente=up)
    votazione.refresh_from_db()
    assert votazione.stato == Votazione.Stato.PREPARATA
    assert not AventeDiritto.objects.filter(votazione=votazione).exists()


def test_i_pesi_si_congelano_all_apertura(votazione, up, crema):
    assert votazione.elettorato.count() == 48
    services.vota(votazione, _rappresentanza(crema), FAV, utente=up)
    # The registry changes during the vote: the vote does not.
    Comune.objects.filter(pk=crema.pk).update(popolazione=1)
    chiusa = services.chiudi_votazione(votazione, utente=up)
    assert chiusa.risultato["favorevoli"] == {"teste": 1, "popolazione": 34204}
    assert chiusa.risultato["aventi_diritto"] == {"teste": 48, "popolazione": 162287}


# --- Who speaks for a comune -----------------------------------------------------------------


def test_rappresentanze(
    cremasco, seduta_aperta, sindaco_crema, delegato_pandino, sindaco_cremona, up, crema
):
    sindaco_crema.first_name, sindaco_crema.last_name = "Fabio", "Bergamaschi"
    sindaco_crema.save()
    assert services.rappresentanze(sindaco_crema, seduta_aperta) == [
        services.Rappresentanza(crema, Qualita.SINDACO, "Fabio Bergamaschi")
    ]
    # A delegato speaks only with a delegation recorded for this very session.
    assert services.rappresentanze(delegato_pandino, seduta_aperta) == []
    altra = _seduta(cremasco, titolo="Altra seduta")
    pandino = Comune.objects.get(nome="Pandino")
    Delega.objects.create(seduta=altra, comune=pandino, delegato=delegato_pandino, atto="n. 1")
    assert services.rappresentanze(delegato_pandino, seduta_aperta) == []
    Delega.objects.create(
        seduta=seduta_aperta, comune=pandino, delegato=delegato_pandino, atto="decreto n. 5"
    )
    [rappresentanza] = services.rappresentanze(delegato_pandino, seduta_aperta)
    assert (rappresentanza.comune, rappresentanza.qualita) == (pandino, Qualita.DELEGATO)
    # Another ambito's sindaco, the Ufficio di Piano, an inactive sindaco: nobody.
    assert services.rappresentanze(sindaco_cremona, seduta_aperta) == []
    assert services.rappresentanze(up, seduta_aperta) == []
    Ruolo.objects.filter(user=sindaco_crema).update(attivo=False)
    assert services.rappresentanze(sindaco_crema, seduta_aperta) == []


def test_anonimo_non_rappresenta_nessuno(seduta_aperta):
    from django.contrib.auth.models import AnonymousUser

    assert services.rappresentanze(AnonymousUser(), seduta_aperta) == []


# --- Session ----------------------------------------------------------------------------------


def test_apertura_fotografa_il_quorum(cremasco, regola, up):
    seduta = _seduta(cremasco)
    comuni = _comuni(cremasco)
    for c in comuni[:25]:
        services.registra_presenza(
            seduta,
            _rappresentanza(c),
            utente=None,
            via=Presenza.Via.SEGRETERIA,
            registrata_da=up,
        )
    aperta = services.apri_seduta(seduta, utente=up, convocazione=Seduta.Convocazione.PRIMA)
    quorum = aperta.quorum_apertura
    assert aperta.stato == Seduta.Stato.APERTA
    assert aperta.convocazione == Seduta.Convocazione.PRIMA
    assert quorum["regola"] == 1
    assert quorum["aventi_diritto"] == {"teste": 48, "popolazione": 162287}
    assert quorum["presenti"]["teste"] == 25
    # 2 x 25 = 50 > 48.
    assert quorum["raggiunto"] is True
    assert [(v["ottenuto"], v["superata"]) for v in quorum["verifiche"]] == [(25, True)]
    # Someone leaves: the snapshot of the opening stays as it was.
    services.segna_uscita(aperta, comuni[0])
    aperta.refresh_from_db()
    assert aperta.quorum_apertura == quorum
    with pytest.raises(OperazioneNonAmmessa, match="già stata aperta"):
        services.apri_seduta(aperta, utente=up, convocazione=Seduta.Convocazione.PRIMA)


def test_apertura_senza_regole_o_senza_seconda_convocazione(cremasco, up):
    seduta = _seduta(cremasco)
    with pytest.raises(OperazioneNonAmmessa, match="regole di voto"):
        services.apri_seduta(seduta, utente=up, convocazione=Seduta.Convocazione.PRIMA)
    _regola(cremasco, up)
    with pytest.raises(OperazioneNonAmmessa, match="seconda convocazione"):
        services.apri_seduta(seduta, utente=up, convocazione=Seduta.Convocazione.SECONDA)
    seduta.refresh_from_db()
    assert seduta.stato == Seduta.Stato.CONVOCATA


def test_la_seduta_non_si_chiude_con_una_votazione_aperta(seduta_aperta, votazione, up):
    with pytest.raises(OperazioneNonAmmessa, match="votazioni aperte"):
        services.chiudi_seduta(seduta_aperta, utente=up)
    services.chiudi_votazione(votazione, utente=up)
    chiusa = services.chiudi_seduta(seduta_aperta, utente=up)
    assert chiusa.stato == Seduta.Stato.CHIUSA
    with pytest.raises(OperazioneNonAmmessa, match="presenze non cambiano"):
        services.registra_presenza(
            chiusa,
            _rappresentanza(Comune.objects.get(nome="Crema")),
            utente=None,
            via=Presenza.Via.SEGRETERIA,
            registrata_da=up,
        )


def test_si_vota_solo_a_seduta_aperta(cremasco, regola, up):
    votazione = _votazione(_seduta(cremasco), regola)
    with pytest.raises(OperazioneNonAmmessa, match="seduta aperta"):
        services.apri_votazione(votazione, utente=up)


# --- Casting a ballot -------------------------------------------------------------------------


def test_cambio_di_voto_conta_l_ultimo(votazione, sindaco_crema, crema):
    rappresentanza = _rappresentanza(crema, "Fabio Bergamaschi")
    primo = services.vota(votazione, rappresentanza, FAV, utente=sindaco_crema)
    ricevuta_prima = primo.ricevuta
    secondo = services.vota(votazione, rappresentanza, CON, utente=sindaco_crema)
    assert secondo.ricevuta != ricevuta_prima
    [voto] = Voto.objects.filter(votazione=votazione)
    assert (voto.comune, voto.scelta, voto.modifiche) == (crema, CON, 1)
    assert voto.ricevuta == secondo.ricevuta
    assert (voto.canale, voto.qualita, voto.persona) == (
        Voto.Canale.ONLINE,
        Qualita.SINDACO,
        "Fabio Bergamaschi",
    )
    assert voto.espresso_da == sindaco_crema
    eventi = list(EventoVoto.objects.filter(votazione=votazione).order_by("pk"))
    assert [(e.ricevuta, e.scelta) for e in eventi] == [
        (ricevuta_prima, FAV),
        (secondo.ricevuta, CON),
    ]
    assert all(e.utente == sindaco_crema for e in eventi)
    # Voting is also the online check-in.
    presenza = Presenza.objects.get(seduta=votazione.punto.seduta, comune=crema)
    assert (presenza.via, presenza.utente, presenza.persona) == (
        Presenza.Via.ONLINE,
        sindaco_crema,
        "Fabio Bergamaschi",
    )
    # The receipts: the last one is counted, the first one superseded.
    assert services.verifica_ricevuta(ricevuta_prima).conteggiata is False
    esito = services.verifica_ricevuta(f"  {secondo.ricevuta.lower()} ")
    assert esito.conteggiata is True
    assert esito.votazione_chiusa is False
    assert esito.evento == eventi[1]


def test_voto_segreto_non_registra_la_scelta(seduta_aperta, cremasco, up, crema):
    segreta = _regola(cremasco, up, scrutinio=RegolaVoto.Scrutinio.SEGRETO)
    votazione = services.apri_votazione(_votazione(seduta_aperta, segreta, ordine=2), utente=up)
    rappresentanza = _rappresentanza(crema)
    services.vota(votazione, rappresentanza, FAV, utente=up)
    ultimo = services.vota(votazione, rappresentanza, AST, utente=up)
    assert list(
        EventoVoto.objects.filter(votazione=votazione).values_list("scelta", flat=True)
    ) == [
        "",
        "",
    ]
    # The ballot itself is kept, to be counted.
    assert Voto.objects.get(votazione=votazione).scelta == AST
    esito = services.verifica_ricevuta(ultimo.ricevuta)
    assert esito.conteggiata is True
    assert esito.evento.scelta == ""


def test_voto_dopo_la_chiusura_rifiutato_e_non_registrato(votazione, up, crema):
    rappresentanza = _rappresentanza(crema)
    voto = services.vota(votazione, rappresentanza, FAV, utente=up)
    services.chiudi_votazione(votazione, utente=up)
    with pytest.raises(services.VotoRifiutato) as errore:
        services.vota(votazione, rappresentanza, CON, utente=up)
    assert str(errore.value) == MESSAGGIO_CHIUSA
    with pytest.raises(services.VotoRifiutato, match="chiusa"):
        services.vota(
            votazione, _rappresentanza(Comune.objects.get(nome="Pandino")), FAV, utente=up
        )
    assert list(Voto.objects.filter(votazione=votazione).values_list("comune", "scelta")) == [
        (crema.pk, FAV)
    ]
    assert EventoVoto.objects.filter(votazione=votazione).count() == 1
    assert services.verifica_ricevuta(voto.ricevuta).votazione_chiusa is True
    with pytest.raises(OperazioneNonAmmessa, match="non è aperta"):
        services.chiudi_votazione(votazione, utente=up)


def test_voto_prima_dell_apertura_rifiutato(seduta_aperta, regola, up, crema):
    votazione = _votazione(seduta_aperta, regola, ordine=3)
    with pytest.raises(services.VotoRifiutato, match="non è ancora aperta"):
        services.vota(votazione, _rappresentanza(crema), FAV, utente=up)
    assert not Voto.objects.filter(votazione=votazione).exists()


def test_comune_senza_diritto_e_scelta_non_valida(votazione, sindaco_cremona, up, crema):
    cremona = Comune.objects.get(nome="Cremona")
    with pytest.raises(services.VotoRifiutato, match="non ha diritto di voto"):
        services.vota(votazione, _rappresentanza(cremona), FAV, utente=sindaco_cremona)
    with pytest.raises(services.VotoRifiutato, match="Scelta di voto non valida"):
        services.vota(votazione, _rappresentanza(crema), "forse", utente=up)
    assert not Voto.objects.filter(votazione=votazione).exists()
    assert not EventoVoto.objects.filter(votazione=votazione).exists()
    assert not Presenza.objects.filter(seduta=votazione.punto.seduta).exists()


def test_voto_cartaceo_registrato_dalla_segreteria(votazione, up, crema):
    voto = services.vota(
        votazione,
        _rappresentanza(crema, "Fabio Bergamaschi"),
        FAV,
        utente=up,
        canale=Voto.Canale.CARTACEO,
    )
    assert (voto.canale, voto.espresso_da) == (Voto.Canale.CARTACEO, up)
    presenza = Presenza.objects.get(seduta=votazione.punto.seduta, comune=crema)
    assert (presenza.via, presenza.utente, presenza.registrata_da) == (
        Presenza.Via.SEGRETERIA,
        None,
        up,
    )
    assert EventoVoto.objects.get(votazione=votazione).canale == Voto.Canale.CARTACEO


def test_ricevuta_sconosciuta(db):
    assert services.verifica_ricevuta("0000-0000-0000-0000-0000") is None


def test_un_solo_voto_per_comune_nel_database(votazione, up, crema):
    services.vota(votazione, _rappresentanza(crema), FAV, utente=up)
    with pytest.raises(IntegrityError), transaction.atomic():
        Voto.objects.create(
            votazione=votazione,
            comune=crema,
            scelta=CON,
            canale=Voto.Canale.ONLINE,
            qualita=Qualita.SINDACO,
            persona="Altro",
            espresso_il=timezone.now(),
        )
    assert Voto.objects.filter(votazione=votazione, comune=crema).count() == 1


# --- Closing and the plan ---------------------------------------------------------------------


@pytest.fixture
def versione(cremasco, up):
    piano = piani_services.crea_piano(ambito=cremasco, periodo=carica_periodo(), utente=up)
    Piano.objects.filter(pk=piano.pk).update(stato=Piano.Stato.PER_ASSEMBLEA)
    html = "<h1>Piano di Zona 2025-2027</h1>"
    return VersionePiano.objects.create(
        piano=piano,
        numero=1,
        html=html,
        sha256_html=hashlib.sha256(html.encode()).hexdigest(),
        creata_da=up,
    )


def _vota_in_tanti(votazione, up, favorevoli, contrari):
    comuni = _comuni(votazione.punto.seduta.ambito)
    for i, c in enumerate(comuni[: favorevoli + contrari]):
        services.vota(votazione, _rappresentanza(c), FAV if i < favorevoli else CON, utente=up)


@pytest.mark.parametrize(
    ("favorevoli", "contrari", "esito", "esito_versione", "stato_piano"),
    [
        # 25 of 48 present (2 x 25 = 50 > 48), 15 > 10.
        (15, 10, Votazione.Esito.APPROVATA, VersionePiano.Esito.APPROVATA, Piano.Stato.APPROVATO),
        (10, 15, Votazione.Esito.RESPINTA, VersionePiano.Esito.RESPINTA, Piano.Stato.RESPINTO),
        # 24 of 48: exactly half, no quorum; the version keeps waiting for a valid vote.
        (
            20,
            4,
            Votazione.Esito.NON_VALIDA,
            VersionePiano.Esito.IN_ATTESA,
            Piano.Stato.PER_ASSEMBLEA,
        ),
    ],
)
def test_la_chiusura_registra_l_esito_del_piano(
    seduta_aperta, regola, versione, up, favorevoli, contrari, esito, esito_versione, stato_piano
):
    votazione = services.apri_votazione(
        _votazione(seduta_aperta, regola, ordine=2, versione=versione), utente=up
    )
    _vota_in_tanti(votazione, up, favorevoli, contrari)
    chiusa = services.chiudi_votazione(votazione, utente=up)
    assert chiusa.stato == Votazione.Stato.CHIUSA
    assert chiusa.chiusa_da == up
    assert chiusa.chiusa_il is not None
    assert chiusa.esito == esito
    assert chiusa.risultato["favorevoli"]["teste"] == favorevoli
    assert chiusa.risultato["contrari"]["teste"] == contrari
    assert chiusa.risultato["esito"] == esito
    versione.refresh_from_db()
    assert versione.esito == esito_versione
    assert Piano.objects.get(pk=versione.piano_id).stato == stato_piano


def test_una_versione_gia_decisa_non_si_mette_ai_voti(seduta_aperta, regola, versione, up):
    VersionePiano.objects.filter(pk=versione.pk).update(esito=VersionePiano.Esito.RESPINTA)
    votazione = _votazione(seduta_aperta, regola, ordine=2, versione=versione)
    with pytest.raises(OperazioneNonAmmessa, match="non è più quella in attesa"):
        services.apri_votazione(votazione, utente=up)
    votazione.refresh_from_db()
    assert votazione.stato == Votazione.Stato.PREPARATA
    assert not votazione.elettorato.exists()


def test_la_chiusura_non_registra_due_volte_l_esito(seduta_aperta, regola, versione, up):
    """The version decided meanwhile (another item, a new draft): the vote closes all the same,
    so that the session and its minutes are not blocked, and says why the plan did not follow."""
    votazione = services.apri_votazione(
        _votazione(seduta_aperta, regola, ordine=2, versione=versione), utente=up
    )
    _vota_in_tanti(votazione, up, 20, 5)
    VersionePiano.objects.filter(pk=versione.pk).update(esito=VersionePiano.Esito.RESPINTA)
    services.chiudi_votazione(votazione, utente=up)
    votazione.refresh_from_db()
    assert votazione.stato == Votazione.Stato.CHIUSA
    assert votazione.esito == Votazione.Esito.APPROVATA
    assert "già un esito" in votazione.risultato["avviso_piano"]
    assert VersionePiano.objects.get(pk=versione.pk).esito == VersionePiano.Esito.RESPINTA
    services.chiudi_seduta(seduta_aperta, utente=up)


def test_chi_vota_online_aggiorna_la_presenza_registrata_dalla_segreteria(
    votazione, up, sindaco_crema, crema
):
    seduta = votazione.punto.seduta
    services.registra_presenza(
        seduta,
        _rappresentanza(crema, "Vicesindaco"),
        utente=None,
        via=Presenza.Via.SEGRETERIA,
        registrata_da=up,
    )
    services.vota(votazione, _rappresentanza(crema, "Fabio Bergamaschi"), FAV, utente=sindaco_crema)
    presenza = Presenza.objects.get(seduta=seduta, comune=crema)
    assert (presenza.persona, presenza.via, presenza.utente) == (
        "Fabio Bergamaschi",
        Presenza.Via.ONLINE,
        sindaco_crema,
    )
    assert Presenza.objects.filter(seduta=seduta).count() == 1
