"""The writes that go around save() and delete() (bulk_create, bulk_update, QuerySet.update()
and .delete()) leave the same audit entries a save() would: one per changed row, with the
field before and after, who acted, from which request, and the row's ambito; a row left as it
was leaves none. Each test goes through the real service or command.
"""

import datetime
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from ambiti.demo import carica_periodo
from ambiti.models import Comune, Popolazione
from assemblea import services as assemblea_services
from core.traccia import istantanee, registra_modifiche
from obiettivi.demo import carica_fondi
from obiettivi.importazione import RigaMonitoraggio, importa_monitoraggio
from obiettivi.models import Risorsa, ValoreIndicatore
from obiettivi.services import salva_indicatore, salva_risorse
from piani import services as piani_services
from piani.models import Sezione, VersionePiano
from tavoli import services as tavoli_services
from tavoli.models import Presenza as PresenzaIncontro
from tests.ambiti.test_import_anpr import CREMA, CREMONA, month_rows, write_csv
from tests.factories import (
    IncontroFactory,
    IndicatoreFactory,
    MembroFactory,
    ObiettivoFactory,
    RisorsaFactory,
    ValoreIndicatoreFactory,
)
from tests.pdz.test_audit import RICHIESTA, Mondo, _presenza_seduta, in_richiesta, voci_di

FEBBRAIO_2025 = datetime.date(2025, 2, 1)


def voci_del_modello(modello):
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(modello))


def una_voce(oggetto, azione):
    return voci_di(oggetto, azione).get()


def _dalla_richiesta(voce, utente, ambito):
    assert voce.actor == utente
    assert voce.cid == RICHIESTA
    assert voce.additional_data == {"ambito_id": ambito.pk}


# --- The population import: the counts weigh the Assemblea's votes ---------------------------


def test_import_anpr_registra_ogni_comune_e_rilevazione_cambiati(
    cremasco, cremonese, tmp_path, monkeypatch
):
    monkeypatch.setattr("sys.argv", ["manage.py", "import_anpr"])
    crema = Comune.objects.get(codice_istat=CREMA)
    cremona = Comune.objects.get(codice_istat=CREMONA)
    comuni = Comune.objects.count()
    febbraio = write_csv(tmp_path / "feb.csv", month_rows(2, 2025, {CREMA: 34100}))

    call_command("import_anpr", str(febbraio), stdout=None)

    voce = una_voce(crema, LogEntry.Action.UPDATE)
    assert voce.changes["popolazione"] == ["34204", "34100"]
    assert voce.changes["popolazione_data"] == ["2025-01-01", "2025-02-01"]
    assert voce.actor is None
    assert voce.cid == "comando:import_anpr"
    assert voce.additional_data == {"ambito_id": cremasco.pk}
    # Every comune's figure is now dated February; Cremona's count is the same.
    voce = una_voce(cremona, LogEntry.Action.UPDATE)
    assert set(voce.changes) == {"popolazione_data"}
    assert voce.additional_data == {"ambito_id": cremonese.pk}
    assert voci_del_modello(Comune).filter(action=LogEntry.Action.UPDATE).count() == comuni

    rilevazione = Popolazione.objects.get(
        comune=crema, fonte="ANPR", data_riferimento=FEBBRAIO_2025
    )
    voce = una_voce(rilevazione, LogEntry.Action.CREATE)
    assert voce.changes["residenti"] == ["None", "34100"]
    assert voce.additional_data == {"ambito_id": cremasco.pk}
    assert voci_del_modello(Popolazione).filter(action=LogEntry.Action.CREATE).count() == comuni

    # The same file again changes nothing and leaves nothing.
    prima = LogEntry.objects.count()
    call_command("import_anpr", str(febbraio), stdout=None)
    assert LogEntry.objects.count() == prima

    # A corrected February: one comune, one count, one entry each.
    corretto = write_csv(tmp_path / "feb2.csv", month_rows(2, 2025, {CREMA: 34050}))
    call_command("import_anpr", str(corretto), stdout=None)
    nuove = LogEntry.objects.order_by("pk")[prima:]
    assert [(v.content_type.model, v.object_pk) for v in nuove] == [
        ("popolazione", str(rilevazione.pk)),
        ("comune", str(crema.pk)),
    ]
    assert nuove[0].changes == {"residenti": ["34100", "34050"]}
    assert nuove[0].action == LogEntry.Action.UPDATE
    assert nuove[1].changes == {"popolazione": ["34100", "34050"]}


def test_import_anpr_di_prova_non_registra_nulla(cremasco, tmp_path):
    febbraio = write_csv(tmp_path / "feb.csv", month_rows(2, 2025, {CREMA: 34100}))
    prima = LogEntry.objects.count()
    call_command("import_anpr", str(febbraio), dry_run=True, stdout=None)
    assert LogEntry.objects.count() == prima


# --- The resources grid and an indicator's targets -------------------------------------------


def test_la_griglia_delle_risorse_registra_nuove_cambiate_ed_eliminate(cremasco):
    mondo = Mondo(cremasco)
    obiettivo = ObiettivoFactory(ambito=cremasco)
    fnps, altro = carica_fondi()[:2]
    anno = obiettivo.periodo.anno_inizio
    cambiata = RisorsaFactory(obiettivo=obiettivo, fondo=fnps, anno=anno, importo=Decimal("1000"))
    uguale = RisorsaFactory(obiettivo=obiettivo, fondo=fnps, anno=anno + 1, importo=Decimal("500"))
    tolta = RisorsaFactory(obiettivo=obiettivo, fondo=altro, anno=anno, importo=Decimal("700"))
    prima = LogEntry.objects.count()

    with in_richiesta(mondo.utente):
        salva_risorse(
            obiettivo=obiettivo,
            importi={
                (anno, fnps.pk): Decimal("1200.00"),
                (anno + 1, fnps.pk): Decimal("500.00"),
                (anno + 1, altro.pk): Decimal("300.00"),
            },
        )

    voce = una_voce(cambiata, LogEntry.Action.UPDATE)
    assert voce.changes == {"importo": ["1000.00", "1200.00"]}
    _dalla_richiesta(voce, mondo.utente, cremasco)
    nuova = Risorsa.objects.get(obiettivo=obiettivo, fondo=altro, anno=anno + 1)
    voce = una_voce(nuova, LogEntry.Action.CREATE)
    assert voce.changes["importo"] == ["None", "300.00"]
    _dalla_richiesta(voce, mondo.utente, cremasco)
    voce = una_voce(tolta, LogEntry.Action.DELETE)
    assert voce.changes["importo"] == ["700.00", "None"]
    _dalla_richiesta(voce, mondo.utente, cremasco)
    assert not voci_di(uguale, LogEntry.Action.UPDATE).exists()
    assert LogEntry.objects.count() == prima + 3


def test_i_target_tolti_da_un_indicatore_restano_nel_registro(cremasco):
    mondo = Mondo(cremasco)
    indicatore = IndicatoreFactory(obiettivo=ObiettivoFactory(ambito=cremasco))
    tolto = ValoreIndicatoreFactory(
        indicatore=indicatore, tipo=ValoreIndicatore.Tipo.TARGET, anno=2025, valore=Decimal("10")
    )
    with in_richiesta(mondo.utente):
        salva_indicatore(indicatore=indicatore, target={2026: Decimal("12")})
    voce = una_voce(tolto, LogEntry.Action.DELETE)
    assert Decimal(voce.changes["valore"][0]) == 10
    _dalla_richiesta(voce, mondo.utente, cremasco)


def test_i_valori_importati_degli_indicatori(cremasco):
    mondo = Mondo(cremasco)
    obiettivo = ObiettivoFactory(ambito=cremasco)
    indicatore = IndicatoreFactory(obiettivo=obiettivo)
    indicatore = obiettivo.indicatori.get(pk=indicatore.pk)
    cambiato = ValoreIndicatoreFactory(
        indicatore=indicatore, tipo=ValoreIndicatore.Tipo.MISURA, anno=2025, valore=Decimal("10")
    )
    uguale = ValoreIndicatoreFactory(
        indicatore=indicatore,
        tipo=ValoreIndicatore.Tipo.MISURA,
        anno=2026,
        valore=Decimal("20"),
        nota="ok",
    )
    righe = [
        RigaMonitoraggio(2, indicatore, 2025, Decimal("15"), cambiato.nota),
        RigaMonitoraggio(3, indicatore, 2026, Decimal("20"), "ok"),
        RigaMonitoraggio(4, indicatore, 2027, Decimal("25"), ""),
    ]
    with in_richiesta(mondo.utente):
        importa_monitoraggio(righe, utente=mondo.utente)

    voce = una_voce(cambiato, LogEntry.Action.UPDATE)
    prima, dopo = voce.changes["valore"]
    assert Decimal(prima) == 10 and Decimal(dopo) == 15
    _dalla_richiesta(voce, mondo.utente, cremasco)
    nuovo = ValoreIndicatore.objects.get(indicatore=indicatore, anno=2027)
    voce = una_voce(nuovo, LogEntry.Action.CREATE)
    assert Decimal(voce.changes["valore"][1]) == 25
    _dalla_richiesta(voce, mondo.utente, cremasco)
    assert not voci_di(uguale, LogEntry.Action.UPDATE).exists()


# --- A table's attendance ---------------------------------------------------------------------


def test_le_presenze_di_un_incontro(cremasco):
    mondo = Mondo(cremasco)
    incontro = IncontroFactory(tavolo=mondo.tavolo)
    anna, luca, sara, pia = (
        MembroFactory(tavolo=mondo.tavolo, nome=nome) for nome in ("Anna", "Luca", "Sara", "Pia")
    )
    cambia = PresenzaIncontro.objects.create(incontro=incontro, membro=anna, partecipanti=1)
    resta = PresenzaIncontro.objects.create(incontro=incontro, membro=luca, partecipanti=1)
    assente = PresenzaIncontro.objects.create(incontro=incontro, membro=sara, partecipanti=1)
    prima = LogEntry.objects.count()

    with in_richiesta(mondo.utente):
        tavoli_services.registra_presenze(
            incontro=incontro, partecipanti={anna.pk: 3, luca.pk: 1, pia.pk: 2}
        )

    voce = una_voce(cambia, LogEntry.Action.UPDATE)
    assert voce.changes == {"partecipanti": ["1", "3"]}
    _dalla_richiesta(voce, mondo.utente, cremasco)
    voce = una_voce(assente, LogEntry.Action.DELETE)
    assert voce.changes["membro"][0] == str(sara.pk)
    _dalla_richiesta(voce, mondo.utente, cremasco)
    nuova = PresenzaIncontro.objects.get(incontro=incontro, membro=pia)
    voce = una_voce(nuova, LogEntry.Action.CREATE)
    assert voce.changes["partecipanti"] == ["None", "2"]
    _dalla_richiesta(voce, mondo.utente, cremasco)
    assert not voci_di(resta, LogEntry.Action.UPDATE).exists()
    assert LogEntry.objects.count() == prima + 3


# --- The plan: its sections and its frozen versions -------------------------------------------


def test_le_sezioni_di_un_nuovo_piano_e_il_loro_spostamento(cremasco):
    mondo = Mondo(cremasco)
    with in_richiesta(mondo.utente):
        piano = piani_services.crea_piano(
            ambito=cremasco, periodo=carica_periodo(), utente=mondo.utente
        )
    sezioni = list(piano.sezioni.order_by("ordine"))
    assert voci_del_modello(Sezione).filter(action=LogEntry.Action.CREATE).count() == len(sezioni)
    voce = una_voce(sezioni[0], LogEntry.Action.CREATE)
    assert voce.changes["titolo"] == ["None", sezioni[0].titolo]
    assert "testo" not in voce.changes  # its text is kept by the section's revisions
    _dalla_richiesta(voce, mondo.utente, cremasco)

    prima = LogEntry.objects.count()
    with in_richiesta(mondo.utente):
        piani_services.sposta_sezione(sezione=sezioni[1], verso=-1)
    assert una_voce(sezioni[1], LogEntry.Action.UPDATE).changes == {"ordine": ["2", "1"]}
    voce = una_voce(sezioni[0], LogEntry.Action.UPDATE)
    assert voce.changes == {"ordine": ["1", "2"]}
    _dalla_richiesta(voce, mondo.utente, cremasco)
    # The other sections kept their place: no entry for them.
    assert LogEntry.objects.count() == prima + 2


def test_una_versione_superata_al_congelamento(cremasco):
    mondo = Mondo(cremasco)
    piano = piani_services.crea_piano(
        ambito=cremasco, periodo=carica_periodo(), utente=mondo.utente
    )
    prima_versione = piani_services.congela(piano=piano, utente=mondo.utente)
    piani_services.riporta_in_bozza(piano=piano, utente=mondo.utente)
    with in_richiesta(mondo.utente):
        piani_services.congela(piano=piano, utente=mondo.utente)

    voce = una_voce(prima_versione, LogEntry.Action.UPDATE)
    assert voce.changes["esito"] == [VersionePiano.Esito.IN_ATTESA, VersionePiano.Esito.SUPERATA]
    assert voce.changes["esito_il"][0] == "None"
    assert "html" not in voce.changes
    _dalla_richiesta(voce, mondo.utente, cremasco)


# --- The Assemblea's register -----------------------------------------------------------------


def test_l_uscita_di_un_comune_dall_assemblea(cremasco):
    mondo = Mondo(cremasco)
    presenza = _presenza_seduta(mondo)
    with in_richiesta(mondo.utente):
        assemblea_services.segna_uscita(presenza.seduta, presenza.comune)
    presenza.refresh_from_db()
    assert presenza.uscita_il is not None
    voce = una_voce(presenza, LogEntry.Action.UPDATE)
    assert voce.changes["uscita_il"][0] == "None"
    assert set(voce.changes) == {"uscita_il"}
    _dalla_richiesta(voce, mondo.utente, cremasco)

    # Already out: nothing changes, nothing is recorded.
    prima = LogEntry.objects.count()
    with in_richiesta(mondo.utente):
        assemblea_services.segna_uscita(presenza.seduta, presenza.comune)
    assert LogEntry.objects.count() == prima


# --- The helper itself --------------------------------------------------------------------------


def test_una_scelta_di_voto_scritta_in_blocco_non_entra_nel_registro(cremasco):
    from tests.pdz.test_audit import _vota, _votazione_aperta

    mondo = Mondo(cremasco)
    voto = _vota(_votazione_aperta(mondo), "contrario", mondo.utente)
    vecchi = istantanee([voto])
    voto.scelta = "favorevole"
    assert registra_modifiche(vecchi, [voto]) == 0
    assert registra_modifiche([], [voto]) == 1
    voce = voci_di(voto, LogEntry.Action.CREATE).order_by("-pk").first()
    assert "scelta" not in voce.changes
    assert "contrario" not in str(voce.changes) and "favorevole" not in str(voce.changes)
    assert voto.ricevuta not in str(voce.changes)


def test_un_modello_fuori_dal_registro_e_ignorato(cremasco):
    from assemblea.models import AventeDiritto

    assert registra_modifiche([], [AventeDiritto(pk=1)]) == 0
