"""Objectives' data out (XLSX with five sheets, a CSV per table) and monitoring back in (CSV)."""

import csv
import datetime
import io
from decimal import Decimal
from urllib.parse import urlencode

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ambiti.demo import carica_periodo
from ambiti.models import AreaPolicy, Asst, Periodo
from obiettivi.demo import carica_fondi
from obiettivi.importazione import (
    Conteggi,
    ImportazioneNonValida,
    importa_monitoraggio,
    leggi_monitoraggio,
)
from obiettivi.models import (
    Azione,
    Destinatario,
    Indicatore,
    Obiettivo,
    Risorsa,
    RisorsaAzione,
    ValoreIndicatore,
)
from tests.factories import DisponibilitaFactory, EnteFactory
from tests.factories.tavoli_esportazioni import EsitoFactory, IncontroFactory, TavoloFactory
from tests.utils.html import albero, trova, uno
from tests.utils.html import testo_visibile as _testo

TARGET = ValoreIndicatore.Tipo.TARGET
MISURA = ValoreIndicatore.Tipo.MISURA

INTESTAZIONI = {
    "Obiettivi": [
        "Ambito",
        "Periodo",
        "Codice",
        "Titolo",
        "Descrizione",
        "Aree di policy",
        "Destinatari",
        "Note sui destinatari",
        "Integrazione socio-sanitaria",
        "ASST",
        "Trasversale",
        "Priorità",
        "Stato",
        "Avanzamento (%)",
        "Totale risorse (€)",
        "Proposte collegate",
    ],
    "Azioni": [
        "Codice obiettivo",
        "N.",
        "Descrizione",
        "Responsabile",
        "Partner",
        "Inizio",
        "Fine",
        "Risorse assegnate (€)",
        "Avanzamento (%)",
        "Nota avanzamento",
    ],
    "Risorse": ["Codice obiettivo", "Anno", "Fondo", "Importo (€)"],
    "Risorse delle azioni": ["Codice obiettivo", "N. azione", "Anno", "Fondo", "Importo (€)"],
    "Disponibilità dei fondi": [
        "Fondo",
        "Anno",
        "Disponibile (€)",
        "Programmato (€)",
        "Differenza (€)",
        "Oltre la disponibilità",
        "Atto di assegnazione",
    ],
    "Indicatori": [
        "Codice obiettivo",
        "Indicatore",
        "Unità",
        "Valore di partenza",
        "Anno di partenza",
        "Fonte",
        "Atteso 2025",
        "Atteso 2026",
        "Atteso 2027",
    ],
    "Monitoraggio": ["Codice obiettivo", "Indicatore", "Anno", "Valore misurato", "Nota"],
}
INTESTAZIONE_CSV = ";".join(INTESTAZIONI["Monitoraggio"])
FORMULA = "=1+1"


# --- Data -------------------------------------------------------------------------------------


@pytest.fixture
def periodo(territorio):
    return Periodo.objects.get(nome="2025-2027")


@pytest.fixture
def fondi(db):
    return {f.sigla: f for f in carica_fondi()}


def _obiettivo(ambito, periodo, codice, **campi):
    campi = {"titolo": f"Obiettivo {codice}"} | campi
    return Obiettivo.objects.create(ambito=ambito, periodo=periodo, codice=codice, **campi)


def _indicatore(obiettivo, nome, *, target=None, misure=None, **campi):
    campi = {"unita": "persone", "valore_base": Decimal("10"), "anno_base": 2024} | campi
    indicatore = Indicatore.objects.create(obiettivo=obiettivo, nome=nome, **campi)
    for anno, valore in (target or {}).items():
        ValoreIndicatore.objects.create(
            indicatore=indicatore, tipo=TARGET, anno=anno, valore=valore
        )
    for anno, (valore, nota) in (misure or {}).items():
        ValoreIndicatore.objects.create(
            indicatore=indicatore, tipo=MISURA, anno=anno, valore=valore, nota=nota
        )
    return indicatore


@pytest.fixture
def piano(cremasco, cremonese, periodo, fondi):
    """Three objectives of the Cremasco (codes 1.1, 10.1, 2.1) and one of the Cremonese."""
    anziani = AreaPolicy.objects.get(periodo=periodo, nome="Domiciliarità e anziani")
    casa = AreaPolicy.objects.get(periodo=periodo, nome="Politiche abitative")
    domiciliarita = _obiettivo(
        cremasco,
        periodo,
        "1.1",
        titolo="Potenziare la domiciliarità",
        descrizione="Più ore di assistenza a casa.",
        destinatari="Anziani soli",
        integrazione_sociosanitaria=True,
        priorita=Obiettivo.Priorita.ALTA,
        stato=Obiettivo.Stato.IN_CORSO,
    )
    # Added in reverse order: the export lists areas by their order, not by insertion.
    domiciliarita.aree_policy.set([casa, anziani])
    domiciliarita.asst.set([Asst.objects.get(nome="ASST Crema")])
    # Also in reverse: the groups are listed in the order of the list.
    domiciliarita.gruppi_destinatari.set(
        [Destinatario.objects.get(slug="famiglie"), Destinatario.objects.get(slug="anziani")]
    )
    proposta = EsitoFactory(
        incontro=IncontroFactory(tavolo=TavoloFactory(ambito=cremasco, titolo="Anziani")),
        testo="Aprire uno sportello unico per la domiciliarità",
    )
    domiciliarita.proposte.add(proposta)
    ponte = EnteFactory(denominazione="Cooperativa Il Ponte")
    azione = Azione.objects.create(
        obiettivo=domiciliarita,
        descrizione="Assunzione di due ASA",
        responsabile=ponte,
        data_inizio=datetime.date(2025, 3, 1),
        data_fine=datetime.date(2026, 12, 31),
        risorse_assegnate=Decimal("1000.10"),
        avanzamento=50,
        nota_avanzamento="Una assunta",
        ordine=1,
    )
    azione.partner.set(
        [EnteFactory(denominazione="Comune di Crema"), EnteFactory(denominazione="Auser")]
    )
    Azione.objects.create(
        obiettivo=domiciliarita,
        descrizione="Formazione dei caregiver",
        responsabile_altro="Ufficio di Piano",
        risorse_assegnate=Decimal("2000.20"),
        avanzamento=20,
        ordine=2,
    )
    Risorsa.objects.bulk_create(
        [
            Risorsa(
                obiettivo=domiciliarita, anno=2025, fondo=fondi["FNPS"], importo=Decimal("10000.10")
            ),
            Risorsa(
                obiettivo=domiciliarita, anno=2025, fondo=fondi["FSR"], importo=Decimal("0.20")
            ),
            Risorsa(
                obiettivo=domiciliarita, anno=2026, fondo=fondi["FNPS"], importo=Decimal("5000.35")
            ),
        ]
    )
    seguiti = _indicatore(
        domiciliarita,
        "Anziani seguiti a domicilio",
        valore_base=Decimal("120"),
        fonte="Cartella sociale",
        target={2025: Decimal("130"), 2026: Decimal("140"), 2027: Decimal("150")},
        misure={2025: (Decimal("128.50"), "dato provvisorio")},
    )
    ore = _indicatore(
        domiciliarita,
        "Ore di assistenza",
        unita="ore",
        valore_base=Decimal("1000.5"),
        target={2025: Decimal("1200")},
    )

    casa_obiettivo = _obiettivo(cremasco, periodo, "10.1", titolo=FORMULA)
    casa_obiettivo.aree_policy.set([casa])
    Risorsa.objects.create(
        obiettivo=casa_obiettivo, anno=2027, fondo=fondi["COM"], importo=Decimal("1234.56")
    )
    alloggi = _indicatore(casa_obiettivo, "Alloggi assegnati", unita="alloggi")

    giovani = _obiettivo(cremasco, periodo, "2.1", stato=Obiettivo.Stato.APPROVATO)
    giovani.aree_policy.set(
        [AreaPolicy.objects.get(periodo=periodo, nome__startswith="Politiche giovanili")]
    )

    cremona = _obiettivo(cremonese, periodo, "3.1")
    cremona.aree_policy.set([anziani])
    Risorsa.objects.create(obiettivo=cremona, anno=2025, fondo=fondi["FP"], importo=Decimal("999"))
    _indicatore(cremona, "Utenti di Cremona")
    return {
        "domiciliarita": domiciliarita,
        "casa": casa_obiettivo,
        "giovani": giovani,
        "cremona": cremona,
        "seguiti": seguiti,
        "ore": ore,
        "alloggi": alloggi,
        "proposta": proposta,
    }


# --- Helpers ----------------------------------------------------------------------------------


def _url_esporta(formato, slug="cremasco", **query):
    url = reverse("obiettivi_dati:esporta", kwargs={"slug": slug, "formato": formato})
    return f"{url}?{urlencode(query)}" if query else url


def _url_importa(slug="cremasco", **query):
    url = reverse("obiettivi_dati:importa", kwargs={"slug": slug})
    return f"{url}?{urlencode(query)}" if query else url


def _fogli(response):
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return {
        foglio.title: [[c.value for c in riga] for riga in foglio.iter_rows()]
        for foglio in workbook
    }


def _righe_csv(response):
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def _decimale(valore):
    """A number read back from the workbook, as the Decimal it was written from."""
    return Decimal(str(valore))


def _csv(*righe, intestazione=INTESTAZIONE_CSV):
    return ("\r\n".join([intestazione, *righe]) + "\r\n").encode("utf-8-sig")


def _file(contenuto, nome="monitoraggio.csv"):
    return SimpleUploadedFile(nome, contenuto, content_type="text/csv")


def _misure():
    """{(indicator, year): (value, note)} of every measured value."""
    return {
        (v.indicatore.nome, v.anno): (v.valore, v.nota)
        for v in ValoreIndicatore.objects.filter(tipo=MISURA).select_related("indicatore")
    }


# --- XLSX -------------------------------------------------------------------------------------


def test_xlsx_con_i_sette_fogli(client, ufficio_piano_crema, piano):
    client.force_login(ufficio_piano_crema)
    response = client.get(_url_esporta("xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="obiettivi-cremasco-2025-2027.xlsx"'
    )
    assert "no-cache" in response["Cache-Control"]
    fogli = _fogli(response)
    assert list(fogli) == list(INTESTAZIONI)
    for titolo, intestazione in INTESTAZIONI.items():
        assert fogli[titolo][0] == intestazione, titolo


def test_foglio_obiettivi(client, ufficio_piano_crema, cremasco, piano):
    client.force_login(ufficio_piano_crema)
    righe = _fogli(client.get(_url_esporta("xlsx")))["Obiettivi"]
    # By code as people read it, and only the Cremasco's.
    assert [r[2] for r in righe[1:]] == ["1.1", "2.1", "10.1"]
    prima = dict(zip(INTESTAZIONI["Obiettivi"], righe[1], strict=True))
    assert prima == {
        "Ambito": cremasco.nome,
        "Periodo": "2025-2027",
        "Codice": "1.1",
        "Titolo": "Potenziare la domiciliarità",
        "Descrizione": "Più ore di assistenza a casa.",
        "Aree di policy": "Politiche abitative; Domiciliarità e anziani",
        "Destinatari": "Anziani; Famiglie",
        "Note sui destinatari": "Anziani soli",
        "Integrazione socio-sanitaria": "Sì",
        "ASST": "ASST Crema",
        "Trasversale": "No",
        "Priorità": "Alta",
        "Stato": "In corso",
        # Weighted by the resources: (50 × 1000,10 + 20 × 2000,20) / 3000,30.
        "Avanzamento (%)": 30,
        "Totale risorse (€)": prima["Totale risorse (€)"],
        "Proposte collegate": "Anziani: Aprire uno sportello unico per la domiciliarità",
    }
    assert _decimale(prima["Totale risorse (€)"]) == Decimal("15000.65")
    giovani, casa = righe[2], righe[3]
    assert giovani[13] is None  # no action, no progress
    assert giovani[14] == 0
    assert giovani[12] == "Approvato"
    assert casa[3] == FORMULA


def test_il_titolo_che_sembra_una_formula_resta_testo(client, ufficio_piano_crema, piano):
    client.force_login(ufficio_piano_crema)
    response = client.get(_url_esporta("xlsx"))
    foglio = openpyxl.load_workbook(io.BytesIO(response.content))["Obiettivi"]
    cella = foglio["D4"]
    assert cella.value == FORMULA
    assert cella.data_type == "s"
    righe = _righe_csv(client.get(_url_esporta("csv", tabella="obiettivi")))
    assert righe[3][3] == "'" + FORMULA


def test_foglio_azioni(client, ufficio_piano_crema, piano):
    client.force_login(ufficio_piano_crema)
    righe = _fogli(client.get(_url_esporta("xlsx")))["Azioni"]
    assert len(righe) == 3
    prima, seconda = righe[1], righe[2]
    assert prima[:5] == [
        "1.1",
        1,
        "Assunzione di due ASA",
        "Cooperativa Il Ponte",
        "Auser; Comune di Crema",
    ]
    assert [c.date() for c in prima[5:7]] == [
        datetime.date(2025, 3, 1),
        datetime.date(2026, 12, 31),
    ]
    assert _decimale(prima[7]) == Decimal("1000.10")
    assert prima[8:] == [50, "Una assunta"]
    assert seconda[:4] == ["1.1", 2, "Formazione dei caregiver", "Ufficio di Piano"]
    assert seconda[5:7] == [None, None]


def test_foglio_risorse_somma_esatta(client, ufficio_piano_crema, piano):
    client.force_login(ufficio_piano_crema)
    righe = _fogli(client.get(_url_esporta("xlsx")))["Risorse"]
    assert [r[:3] for r in righe[1:]] == [
        ["1.1", 2025, "FNPS"],
        ["1.1", 2025, "FSR"],
        ["1.1", 2026, "FNPS"],
        ["10.1", 2027, "COM"],
    ]
    totale = sum((_decimale(r[3]) for r in righe[1:]), Decimal("0"))
    assert totale == Decimal("16235.21")
    assert totale == sum(
        Risorsa.objects.filter(obiettivo__ambito__slug="cremasco").values_list("importo", flat=True)
    )


def test_foglio_risorse_delle_azioni(client, ufficio_piano_crema, piano, fondi):
    azione = piano["domiciliarita"].azioni.get(ordine=2)
    RisorsaAzione.objects.create(azione=azione, anno=2026, fondo=fondi["FNPS"], importo="2000.20")
    RisorsaAzione.objects.create(azione=azione, anno=2025, fondo=fondi["FSR"], importo="0.20")
    client.force_login(ufficio_piano_crema)
    righe = _fogli(client.get(_url_esporta("xlsx")))["Risorse delle azioni"]
    assert [r[:4] for r in righe[1:]] == [["1.1", 2, 2025, "FSR"], ["1.1", 2, 2026, "FNPS"]]
    assert [_decimale(r[4]) for r in righe[1:]] == [Decimal("0.20"), Decimal("2000.20")]


def test_foglio_disponibilita_contro_programmato(client, ufficio_piano_crema, piano, fondi):
    """FNPS 2025: 10.000,00 available, 10.000,10 allocated by 1.1, so 0,10 over; COM 2027:
    2.000,00 available, 1.234,56 allocated by 10.1, so 765,44 left."""
    DisponibilitaFactory(fondo=fondi["FNPS"], anno=2025, importo="10000.00", atto="Decreto 1")
    DisponibilitaFactory(fondo=fondi["COM"], anno=2027, importo="2000.00")
    client.force_login(ufficio_piano_crema)
    righe = _fogli(client.get(_url_esporta("xlsx")))["Disponibilità dei fondi"]
    per_chiave = {(r[0], r[1]): r for r in righe[1:]}
    fnps = per_chiave[("FNPS", 2025)]
    assert [_decimale(v) for v in fnps[2:5]] == [
        Decimal("10000.00"),
        Decimal("10000.10"),
        Decimal("-0.10"),
    ]
    assert fnps[5:] == ["Sì", "Decreto 1"]
    com = per_chiave[("COM", 2027)]
    assert [_decimale(v) for v in com[2:5]] == [
        Decimal("2000.00"),
        Decimal("1234.56"),
        Decimal("765.44"),
    ]
    assert com[5] == "No"
    # FNPS 2026 has allocations and nothing available: it is over by all of it.
    assert per_chiave[("FNPS", 2026)][5] == "Sì"


def test_foglio_indicatori(client, ufficio_piano_crema, piano):
    client.force_login(ufficio_piano_crema)
    righe = _fogli(client.get(_url_esporta("xlsx")))["Indicatori"]
    seguiti, ore, alloggi = righe[1:]
    assert seguiti[:3] == ["1.1", "Anziani seguiti a domicilio", "persone"]
    assert _decimale(seguiti[3]) == Decimal("120")
    assert seguiti[4:6] == [2024, "Cartella sociale"]
    assert [_decimale(v) for v in seguiti[6:]] == [Decimal(130), Decimal(140), Decimal(150)]
    assert _decimale(ore[3]) == Decimal("1000.5")
    assert ore[6] == 1200
    assert ore[7:] == [None, None]
    assert alloggi[:2] == ["10.1", "Alloggi assegnati"]


def test_foglio_monitoraggio(client, ufficio_piano_crema, piano):
    client.force_login(ufficio_piano_crema)
    righe = _fogli(client.get(_url_esporta("xlsx")))["Monitoraggio"]
    # One row per indicator and year of the period, filled in where measured.
    assert [r[:3] for r in righe[1:]] == [
        [codice, nome, anno]
        for codice, nome in [
            ("1.1", "Anziani seguiti a domicilio"),
            ("1.1", "Ore di assistenza"),
            ("10.1", "Alloggi assegnati"),
        ]
        for anno in (2025, 2026, 2027)
    ]
    assert _decimale(righe[1][3]) == Decimal("128.50")
    assert righe[1][4] == "dato provvisorio"
    assert all(r[3] is None and r[4] is None for r in righe[2:])


def test_altro_periodo(client, ufficio_piano_crema, piano):
    carica_periodo("2021-2023")
    client.force_login(ufficio_piano_crema)
    response = client.get(_url_esporta("xlsx", periodo="2021-2023"))
    assert response["Content-Disposition"] == (
        'attachment; filename="obiettivi-cremasco-2021-2023.xlsx"'
    )
    fogli = _fogli(response)
    assert all(len(righe) == 1 for righe in fogli.values())
    assert fogli["Indicatori"][0][-3:] == ["Atteso 2021", "Atteso 2022", "Atteso 2023"]
    assert client.get(_url_esporta("xlsx", periodo="1999-2001")).status_code == 404


# --- CSV --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tabella", "foglio", "righe"),
    [
        ("obiettivi", "Obiettivi", 4),
        ("azioni", "Azioni", 3),
        ("risorse", "Risorse", 5),
        ("indicatori", "Indicatori", 4),
        ("monitoraggio", "Monitoraggio", 10),
    ],
)
def test_csv_per_tabella(client, ufficio_piano_crema, piano, tabella, foglio, righe):
    client.force_login(ufficio_piano_crema)
    response = client.get(_url_esporta("csv", tabella=tabella))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{tabella}-cremasco-2025-2027.csv"'
    )
    letto = _righe_csv(response)
    assert letto[0] == INTESTAZIONI[foglio]
    assert len(letto) == righe


def test_csv_numeri_e_date_all_italiana(client, ufficio_piano_crema, piano):
    client.force_login(ufficio_piano_crema)
    risorse = _righe_csv(client.get(_url_esporta("csv", tabella="risorse")))
    assert risorse[1] == ["1.1", "2025", "FNPS", "10000,10"]
    assert risorse[2] == ["1.1", "2025", "FSR", "0,20"]
    azioni = _righe_csv(client.get(_url_esporta("csv", tabella="azioni")))
    assert azioni[1][5:9] == ["01/03/2025", "31/12/2026", "1000,10", "50"]
    obiettivi = _righe_csv(client.get(_url_esporta("csv", tabella="obiettivi")))
    assert obiettivi[1][13:15] == ["30,0", "15000,65"]
    monitoraggio = _righe_csv(client.get(_url_esporta("csv", tabella="monitoraggio")))
    assert monitoraggio[1] == [
        "1.1",
        "Anziani seguiti a domicilio",
        "2025",
        "128,50",
        "dato provvisorio",
    ]
    assert monitoraggio[2] == ["1.1", "Anziani seguiti a domicilio", "2026", "", ""]


@pytest.mark.parametrize(
    ("formato", "query"),
    [("csv", {}), ("csv", {"tabella": "fondi"}), ("pdf", {}), ("ods", {"tabella": "risorse"})],
)
def test_formato_o_tabella_sconosciuti(client, ufficio_piano_crema, piano, formato, query):
    client.force_login(ufficio_piano_crema)
    assert client.get(_url_esporta(formato, **query)).status_code == 404


# --- Export: who --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["ufficio_piano_crema", "operatore_crema", "sindaco_crema"])
def test_lettori_dell_ambito_esportano(client, request, piano, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url_esporta("xlsx")).status_code == 200
    assert client.get(_url_esporta("csv", tabella="monitoraggio")).status_code == 200


def test_altro_ambito_non_esporta(client, ufficio_piano_cremona, piano):
    client.force_login(ufficio_piano_cremona)
    assert client.get(_url_esporta("xlsx")).status_code == 404
    assert client.get(_url_esporta("csv", tabella="risorse")).status_code == 404
    # Its own ambito, with its own objective only.
    righe = _fogli(client.get(_url_esporta("xlsx", slug="cremonese")))["Obiettivi"]
    assert [r[2] for r in righe[1:]] == ["3.1"]


def test_anonimo_va_al_login(client, piano):
    response = client.get(_url_esporta("xlsx"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_esportazione_solo_in_lettura(client, ufficio_piano_crema, piano):
    client.force_login(ufficio_piano_crema)
    assert client.post(_url_esporta("xlsx")).status_code == 405


# --- Export: queries ----------------------------------------------------------------------------


def _molti_obiettivi(ambito, periodo, fondi, quanti, inizio=0):
    """`quanti` full objectives in a few queries."""
    area = AreaPolicy.objects.filter(periodo=periodo).first()
    ente = EnteFactory()
    proposta = EsitoFactory(incontro__tavolo=TavoloFactory(ambito=ambito))
    obiettivi = Obiettivo.objects.bulk_create(
        [
            Obiettivo(ambito=ambito, periodo=periodo, codice=f"9.{inizio + n}", titolo=f"N. {n}")
            for n in range(quanti)
        ]
    )
    Obiettivo.aree_policy.through.objects.bulk_create(
        [Obiettivo.aree_policy.through(obiettivo=o, areapolicy=area) for o in obiettivi]
    )
    Obiettivo.asst.through.objects.bulk_create(
        [Obiettivo.asst.through(obiettivo=o, asst=Asst.objects.first()) for o in obiettivi]
    )
    Obiettivo.proposte.through.objects.bulk_create(
        [Obiettivo.proposte.through(obiettivo=o, esito=proposta) for o in obiettivi]
    )
    azioni = Azione.objects.bulk_create(
        [
            Azione(obiettivo=o, descrizione="Azione", responsabile=ente, avanzamento=10)
            for o in obiettivi
        ]
    )
    Azione.partner.through.objects.bulk_create(
        [Azione.partner.through(azione=a, ente=ente) for a in azioni]
    )
    Risorsa.objects.bulk_create(
        [
            Risorsa(obiettivo=o, anno=anno, fondo=fondi["FNPS"], importo=Decimal("100.01"))
            for o in obiettivi
            for anno in periodo.anni
        ]
    )
    indicatori = Indicatore.objects.bulk_create(
        [
            Indicatore(obiettivo=o, nome="Utenti", unita="persone", valore_base=1, anno_base=2024)
            for o in obiettivi
        ]
    )
    ValoreIndicatore.objects.bulk_create(
        [
            ValoreIndicatore(indicatore=i, tipo=tipo, anno=2025, valore=Decimal("5"))
            for i in indicatori
            for tipo in (TARGET, MISURA)
        ]
    )


@pytest.mark.parametrize(("formato", "query"), [("xlsx", {}), ("csv", {"tabella": "obiettivi"})])
def test_query_costanti(client, ufficio_piano_crema, cremasco, periodo, fondi, formato, query):
    client.force_login(ufficio_piano_crema)
    _molti_obiettivi(cremasco, periodo, fondi, 10)
    with CaptureQueriesContext(connection) as pochi:
        assert client.get(_url_esporta(formato, **query)).status_code == 200
    _molti_obiettivi(cremasco, periodo, fondi, 190, inizio=10)
    with CaptureQueriesContext(connection) as tanti:
        response = client.get(_url_esporta(formato, **query))
    assert response.status_code == 200
    assert len(tanti) == len(pochi), [q["sql"] for q in tanti.captured_queries]
    assert Obiettivo.objects.filter(ambito=cremasco).count() == 200


# --- Import: the page and who ---------------------------------------------------------------------


def _errori(response):
    """The row errors the page lists, as the person reads them."""
    elenchi = trova(response, "ul", data_testid="errori")
    if not elenchi:
        return []
    return [_testo(li) for li in elenchi[0].children if not isinstance(li, str)]


def test_pagina_di_importazione(client, ufficio_piano_crema, piano):
    client.force_login(ufficio_piano_crema)
    response = client.get(_url_importa(periodo="2025-2027"))
    assert response.status_code == 200
    assert "obiettivi/importa.html" in [t.name for t in response.templates]
    modello = uno(response, "a", data_testid="modello")
    assert dict(modello.attributes)["href"] == _url_esporta(
        "csv", tabella="monitoraggio", periodo="2025-2027"
    )
    uno(response, "form", method="post", enctype="multipart/form-data")
    campo = uno(response, "input", type="file")
    assert dict(campo.attributes)["accept"] == ".csv,text/csv"
    assert "Valore misurato" in _testo(albero(response))


@pytest.mark.parametrize("persona", ["operatore_crema", "sindaco_crema"])
def test_solo_l_ufficio_di_piano_importa(client, request, piano, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url_importa()).status_code == 403
    contenuto = _csv("1.1;Ore di assistenza;2026;5;")
    assert client.post(_url_importa(), {"file": _file(contenuto)}).status_code == 403
    assert _misure() == {
        ("Anziani seguiti a domicilio", 2025): (Decimal("128.50"), "dato provvisorio")
    }


def test_altro_ambito_non_importa(client, ufficio_piano_cremona, piano):
    client.force_login(ufficio_piano_cremona)
    assert client.get(_url_importa()).status_code == 404
    contenuto = _csv("1.1;Ore di assistenza;2026;5;")
    assert client.post(_url_importa(), {"file": _file(contenuto)}).status_code == 404
    assert ValoreIndicatore.objects.filter(tipo=MISURA).count() == 1


def test_anonimo_non_importa(client, piano):
    response = client.get(_url_importa())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_importazione_solo_get_e_post(client, ufficio_piano_crema, piano):
    client.force_login(ufficio_piano_crema)
    assert client.put(_url_importa()).status_code == 405
    assert client.delete(_url_importa()).status_code == 405


# --- Import: round trip -------------------------------------------------------------------------


def test_andata_e_ritorno(client, ufficio_piano_crema, piano):
    ValoreIndicatore.objects.create(
        indicatore=piano["alloggi"], tipo=MISURA, anno=2025, valore=Decimal("2")
    )
    client.force_login(ufficio_piano_crema)
    scaricato = _righe_csv(client.get(_url_esporta("csv", tabella="monitoraggio")))
    compilati = {
        ("Anziani seguiti a domicilio", "2025"): ("129", "dato definitivo"),
        ("Anziani seguiti a domicilio", "2026"): ("1.234,5", ""),
        ("Ore di assistenza", "2025"): ("1234.5", "dal gestionale"),
        ("Alloggi assegnati", "2027"): ("3", ""),
    }
    for riga in scaricato[1:]:
        if (riga[1], riga[2]) in compilati:
            riga[3], riga[4] = compilati[(riga[1], riga[2])]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(scaricato)
    contenuto = buffer.getvalue().encode("utf-8-sig")

    response = client.post(_url_importa(), {"file": _file(contenuto)})
    assert response.status_code == 302, _errori(response)
    assert response["Location"] == reverse("obiettivi:panoramica", args=["cremasco"]) + (
        "?periodo=2025-2027"
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Monitoraggio 2025-2027 importato. Valori nuovi: 3; aggiornati: 1; invariati: 1."
    ]
    assert _misure() == {
        ("Anziani seguiti a domicilio", 2025): (Decimal("129.00"), "dato definitivo"),
        ("Anziani seguiti a domicilio", 2026): (Decimal("1234.50"), ""),
        ("Ore di assistenza", 2025): (Decimal("1234.50"), "dal gestionale"),
        ("Alloggi assegnati", 2025): (Decimal("2.00"), ""),
        ("Alloggi assegnati", 2027): (Decimal("3.00"), ""),
    }
    nuovo = ValoreIndicatore.objects.get(indicatore=piano["ore"], tipo=MISURA, anno=2025)
    assert nuovo.registrato_da == ufficio_piano_crema

    # The same file again changes nothing; the file downloaded now carries the new values.
    response = client.post(_url_importa(), {"file": _file(contenuto)})
    messaggi = [str(m) for m in get_messages(response.wsgi_request)]
    assert messaggi[-1].endswith("Valori nuovi: 0; aggiornati: 0; invariati: 5.")
    scaricato = _righe_csv(client.get(_url_esporta("csv", tabella="monitoraggio")))
    assert scaricato[2] == ["1.1", "Anziani seguiti a domicilio", "2026", "1234,50", ""]


def test_file_senza_valori(client, ufficio_piano_crema, piano):
    client.force_login(ufficio_piano_crema)
    response = client.post(_url_importa(), {"file": _file(_csv("1.1;Ore di assistenza;2026;;"))})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Il file non contiene valori misurati: non è stato importato nulla."
    ]


def test_importa_nel_periodo_richiesto(client, ufficio_piano_crema, cremasco, piano, fondi):
    precedente = carica_periodo("2021-2023")
    vecchio = _obiettivo(cremasco, precedente, "1.1")
    _indicatore(vecchio, "Ore di assistenza", anno_base=2020)
    client.force_login(ufficio_piano_crema)
    response = client.post(
        _url_importa(periodo="2021-2023"), {"file": _file(_csv("1.1;Ore di assistenza;2022;7;"))}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?periodo=2021-2023")
    misura = ValoreIndicatore.objects.get(anno=2022)
    assert misura.indicatore.obiettivo == vecchio
    # The same row for the current period: 2022 is outside it.
    response = client.post(_url_importa(), {"file": _file(_csv("1.1;Ore di assistenza;2022;7;"))})
    assert _errori(response) == ["Riga 2: l'anno 2022 è fuori dal periodo 2025-2027."]


# --- Import: bad rows ---------------------------------------------------------------------------

BUONA = "1.1;Anziani seguiti a domicilio;2026;140;"


@pytest.mark.parametrize(
    ("riga", "errore"),
    [
        pytest.param(
            "9.9;Anziani seguiti a domicilio;2026;1;",
            "Riga 3: l'obiettivo «9.9» non esiste nell'ambito Cremasco per il 2025-2027.",
            id="codice-sconosciuto",
        ),
        pytest.param(
            "3.1;Utenti di Cremona;2026;1;",
            "Riga 3: l'obiettivo «3.1» non esiste nell'ambito Cremasco per il 2025-2027.",
            id="codice-di-altro-ambito",
        ),
        pytest.param(
            "1.1;Alloggi assegnati;2026;1;",
            "Riga 3: l'obiettivo 1.1 non ha un indicatore «Alloggi assegnati».",
            id="indicatore-di-altro-obiettivo",
        ),
        pytest.param(
            "1.1;Ore di assistenza;duemila;1;",
            "Riga 3: l'anno «duemila» non è un numero di quattro cifre.",
            id="anno-non-numero",
        ),
        pytest.param(
            "1.1;Ore di assistenza;2028;1;",
            "Riga 3: l'anno 2028 è fuori dal periodo 2025-2027.",
            id="anno-fuori-periodo",
        ),
        pytest.param(
            "1.1;Ore di assistenza;2026;tanti;",
            "Riga 3: il valore «tanti» non è un numero.",
            id="valore-non-numero",
        ),
        pytest.param(
            "1.1;Ore di assistenza;2026;1,005;",
            "Riga 3: il valore «1,005» ha più di 2 decimali.",
            id="troppi-decimali",
        ),
        pytest.param(
            "1.1;Ore di assistenza;2026;1.234;",
            "Riga 3: il valore «1.234» è ambiguo: scrivi 1234 per le migliaia o 1,234 per i "
            "decimali.",
            id="valore-ambiguo",
        ),
        pytest.param(
            "1.1;Ore di assistenza;2026;1234567890123;",
            "Riga 3: il valore «1234567890123» è troppo grande.",
            id="valore-troppo-grande",
        ),
        pytest.param(
            "1.1;Anziani seguiti a domicilio;2026;150;",
            "Riga 3: l'indicatore «Anziani seguiti a domicilio» dell'obiettivo 1.1 per il 2026 "
            "compare già alla riga 2.",
            id="doppione",
        ),
        pytest.param(
            "1.1;Ore di assistenza;2026",
            "Riga 3: la riga ha 3 campi invece di 5.",
            id="riga-troncata",
        ),
        pytest.param(
            "1.1;Ore di assistenza;2026;1;nota;di troppo",
            "Riga 3: la riga ha 6 campi invece di 5.",
            id="campo-in-piu",
        ),
        pytest.param(
            "1.1;Ore di assistenza;2026;;solo la nota",
            "Riga 3: c'è una nota ma manca il valore misurato.",
            id="nota-senza-valore",
        ),
        pytest.param(
            "1.1;Ore di assistenza;2026;1;" + "x" * 251,
            "Riga 3: la nota supera i 250 caratteri.",
            id="nota-lunga",
        ),
        pytest.param(
            "9.9;Ore di assistenza;2030;tanti;",
            "Riga 3: l'obiettivo «9.9» non esiste nell'ambito Cremasco per il 2025-2027; "
            "l'anno 2030 è fuori dal periodo 2025-2027; il valore «tanti» non è un numero.",
            id="piu-motivi",
        ),
    ],
)
def test_riga_non_valida(client, ufficio_piano_crema, piano, riga, errore):
    prima = ValoreIndicatore.objects.count()
    client.force_login(ufficio_piano_crema)
    response = client.post(_url_importa(), {"file": _file(_csv(BUONA, riga))})
    assert response.status_code == 200
    assert _errori(response) == [errore]
    assert "Non è stato importato nulla: il file contiene un errore." in _testo(albero(response))
    # Not even the good row before it.
    assert ValoreIndicatore.objects.count() == prima


def test_ogni_riga_non_valida_e_elencata(client, ufficio_piano_crema, piano):
    prima = ValoreIndicatore.objects.count()
    contenuto = _csv(
        "9.9;Ore di assistenza;2026;1;",
        BUONA,
        "",
        '1.1;Ore di assistenza;2025;1;"una nota',
        'su due righe"',
        "1.1;Ore di assistenza;2026;x;",
        ";;;;",
        "1.1;Ore di assistenza;2024;1;",
    )
    client.force_login(ufficio_piano_crema)
    response = client.post(_url_importa(), {"file": _file(contenuto)})
    # Blank lines are skipped but counted; a quoted note spanning two lines is one row.
    assert _errori(response) == [
        "Riga 2: l'obiettivo «9.9» non esiste nell'ambito Cremasco per il 2025-2027.",
        "Riga 7: il valore «x» non è un numero.",
        "Riga 9: l'anno 2024 è fuori dal periodo 2025-2027.",
    ]
    assert "il file contiene 3 errori" in _testo(albero(response))
    assert ValoreIndicatore.objects.count() == prima


def test_intestazione_sbagliata(client, ufficio_piano_crema, piano):
    client.force_login(ufficio_piano_crema)
    contenuto = _csv(BUONA, intestazione="Codice;Indicatore;Anno;Valore;Nota")
    response = client.post(_url_importa(), {"file": _file(contenuto)})
    assert _errori(response) == [
        "Riga 1: l'intestazione deve essere Codice obiettivo; Indicatore; Anno; Valore misurato; "
        "Nota."
    ]
    assert ValoreIndicatore.objects.filter(tipo=MISURA).count() == 1


# --- Import: the form ---------------------------------------------------------------------------


def _errori_del_campo(response):
    return response.context["form"].errors.get("file", [])


def test_file_mancante(client, ufficio_piano_crema, piano):
    client.force_login(ufficio_piano_crema)
    response = client.post(_url_importa(), {})
    assert _errori_del_campo(response) == ["Scegli il file CSV da importare."]
    assert "Scegli il file CSV da importare." in _testo(albero(response))


def test_file_vuoto(client, ufficio_piano_crema, piano):
    client.force_login(ufficio_piano_crema)
    response = client.post(_url_importa(), {"file": _file(b"")})
    assert _errori_del_campo(response) == ["Il file scelto è vuoto."]


def test_solo_csv(client, ufficio_piano_crema, piano):
    client.force_login(ufficio_piano_crema)
    response = client.post(_url_importa(), {"file": _file(_csv(BUONA), nome="monitoraggio.xlsx")})
    assert _errori_del_campo(response) == [
        "Il file deve essere un CSV (estensione .csv): da Excel, «Salva con nome» → CSV."
    ]
    assert ValoreIndicatore.objects.filter(tipo=MISURA).count() == 1


def test_al_massimo_due_mega(client, ufficio_piano_crema, piano):
    client.force_login(ufficio_piano_crema)
    contenuto = _csv(BUONA) + b" " * (2 * 1024 * 1024)
    response = client.post(_url_importa(), {"file": _file(contenuto)})
    assert _errori_del_campo(response) == ["Il file supera il limite di 2,0\xa0MB."]
    assert ValoreIndicatore.objects.filter(tipo=MISURA).count() == 1


# --- Import: reading the file -------------------------------------------------------------------


def test_virgola_senza_bom_e_intestazione_in_maiuscolo(cremasco, periodo, piano):
    contenuto = (
        b"CODICE OBIETTIVO,indicatore,Anno,valore  misurato,NOTA\n"
        b'1.1,Ore di assistenza,2026,"1.234,5","con, virgola"\n'
        b"10.1,alloggi ASSEGNATI,2027,4,\n"
    )
    righe = leggi_monitoraggio(contenuto, ambito=cremasco, periodo=periodo)
    assert [(r.riga, r.indicatore, r.anno, r.valore, r.nota) for r in righe] == [
        (2, piano["ore"], 2026, Decimal("1234.50"), "con, virgola"),
        (3, piano["alloggi"], 2027, Decimal("4.00"), ""),
    ]


def test_csv_salvato_da_excel_in_windows_1252(cremasco, periodo, piano):
    """Excel's plain «CSV (delimitato dal separatore di elenco)»: no BOM, Windows-1252, extra
    empty columns, spaces between thousands."""
    contenuto = (
        "Codice obiettivo;Indicatore;Anno;Valore misurato;Nota;;\r\n"
        "1.1;Anziani seguiti a domicilio;2027;1 234;verrà rivisto;;\r\n"
    ).encode("cp1252")
    (riga,) = leggi_monitoraggio(contenuto, ambito=cremasco, periodo=periodo)
    assert (riga.indicatore, riga.valore, riga.nota) == (
        piano["seguiti"],
        Decimal("1234.00"),
        "verrà rivisto",
    )


@pytest.mark.parametrize(
    ("scritto", "valore"),
    [
        ("1.234,5", "1234.5"),
        ("1234,5", "1234.5"),
        ("1234.5", "1234.5"),
        ("1.234.567", "1234567"),
        ("12.5", "12.5"),
        ("0,120", "0.12"),
        ("-3,5", "-3.5"),
        ("'-3,5", "-3.5"),
        ("12", "12"),
    ],
)
def test_numeri(cremasco, periodo, piano, scritto, valore):
    contenuto = _csv(f"1.1;Ore di assistenza;2026;{scritto};")
    (riga,) = leggi_monitoraggio(contenuto, ambito=cremasco, periodo=periodo)
    assert riga.valore == Decimal(valore)


def test_file_vuoto_o_illeggibile(cremasco, periodo, piano):
    with pytest.raises(ImportazioneNonValida) as errore:
        leggi_monitoraggio(b"\xef\xbb\xbf\r\n", ambito=cremasco, periodo=periodo)
    assert errore.value.messages == ["Il file è vuoto."]
    with pytest.raises(ImportazioneNonValida) as errore:
        leggi_monitoraggio(b"PK\x03\x04\x81\x8d\x00", ambito=cremasco, periodo=periodo)
    assert errore.value.messages == [
        "Il file non è un CSV di testo (codifica UTF-8 o Windows-1252)."
    ]


# --- Import: writing ----------------------------------------------------------------------------


def test_conteggi_e_autore(cremasco, periodo, piano, ufficio_piano_crema, operatore_crema):
    esistente = ValoreIndicatore.objects.get(tipo=MISURA)
    esistente.registrato_da = operatore_crema
    esistente.save()
    contenuto = _csv(
        "1.1;Anziani seguiti a domicilio;2025;128,5;dato provvisorio",
        "1.1;Ore di assistenza;2025;10;",
    )
    righe = leggi_monitoraggio(contenuto, ambito=cremasco, periodo=periodo)
    assert importa_monitoraggio(righe, utente=ufficio_piano_crema) == Conteggi(1, 0, 1)
    # An unchanged value keeps who registered it.
    esistente.refresh_from_db()
    assert esistente.registrato_da == operatore_crema
    contenuto = _csv("1.1;Anziani seguiti a domicilio;2025;128,5;dato definitivo")
    righe = leggi_monitoraggio(contenuto, ambito=cremasco, periodo=periodo)
    assert importa_monitoraggio(righe, utente=ufficio_piano_crema) == Conteggi(0, 1, 0)
    esistente.refresh_from_db()
    assert (esistente.nota, esistente.registrato_da) == ("dato definitivo", ufficio_piano_crema)
    assert (
        esistente.registrato_il
        > esistente.indicatore.valori.get(tipo=TARGET, anno=2025).registrato_il
    )


def test_tutto_o_niente(cremasco, periodo, piano, ufficio_piano_crema, monkeypatch):
    contenuto = _csv(
        "1.1;Anziani seguiti a domicilio;2025;1;cambiato",
        "1.1;Ore di assistenza;2025;10;",
    )
    righe = leggi_monitoraggio(contenuto, ambito=cremasco, periodo=periodo)

    def guasto(*args, **kwargs):
        raise RuntimeError("il database cade dopo l'inserimento")

    monkeypatch.setattr(ValoreIndicatore.objects, "bulk_update", guasto)
    with pytest.raises(RuntimeError):
        importa_monitoraggio(righe, utente=ufficio_piano_crema)
    assert _misure() == {
        ("Anziani seguiti a domicilio", 2025): (Decimal("128.50"), "dato provvisorio")
    }
