"""What was actually spent against what was planned, in the evaluation of the previous plan: the
Ufficio di Piano's grid (Italian errors next to the cell, nothing written from a bad grid), the
evaluation page's tables per objective and for the plan (figures by hand, to the cent), and the
database's own guards."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from ambiti.demo import carica_aree_policy, carica_periodo
from obiettivi.demo import carica_fondi
from obiettivi.models import SpesaEffettiva
from tests.factories import ObiettivoFactory, RisorsaFactory
from tests.utils.html import testo as _testo
from tests.utils.html import trova, uno


@pytest.fixture
def up(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    return client


@pytest.fixture
def piano(cremasco):
    """Two objectives of the 2021-2023 plan with their planned resources."""
    carica_periodo()
    precedente = carica_periodo("2021-2023")
    aree = carica_aree_policy(precedente)
    fnps, fsr, _fp, com, _alt = carica_fondi()
    primo = ObiettivoFactory(
        ambito=cremasco, periodo=precedente, codice="1", titolo="Domiciliarità", aree=[aree[0]]
    )
    secondo = ObiettivoFactory(
        ambito=cremasco, periodo=precedente, codice="2", titolo="Abitare", aree=[aree[1]]
    )
    for obiettivo, anno, fondo, importo in [
        (primo, 2021, fnps, "1000.00"),
        (primo, 2022, fnps, "1000.00"),
        (primo, 2021, fsr, "333.33"),
        (secondo, 2021, fnps, "100.01"),
    ]:
        RisorsaFactory(obiettivo=obiettivo, anno=anno, fondo=fondo, importo=Decimal(importo))
    return SimpleNamespace(
        precedente=precedente, fnps=fnps, fsr=fsr, com=com, primo=primo, secondo=secondo
    )


def _url(obiettivo):
    return reverse("obiettivi:valutazione-spesa", args=["cremasco", obiettivo.pk])


def _campo(anno, fondo):
    return f"s_{anno}_{fondo.pk}"


def _spese(obiettivo):
    return {
        (s.anno, s.fondo.sigla): s.importo
        for s in SpesaEffettiva.objects.filter(obiettivo=obiettivo).select_related("fondo")
    }


def _registra(up, piano):
    primo = {
        _campo(2021, piano.fnps): "950,50",
        _campo(2022, piano.fnps): "1.000,00",
        _campo(2021, piano.fsr): "0",
        _campo(2023, piano.com): "120",
    }
    assert up.post(_url(piano.primo), primo).status_code == 302
    secondo = {_campo(2021, piano.fnps): "100.02"}
    assert up.post(_url(piano.secondo), secondo).status_code == 302


def test_la_griglia_registra_la_spesa(up, piano, ufficio_piano_crema):
    pagina = up.get(_url(piano.primo))
    assert pagina.status_code == 200
    # Every cell has its label and says what was planned.
    campo = uno(pagina, "input", name=_campo(2021, piano.fsr))
    id_ = dict(campo.attributes)["id"]
    assert _testo(uno(pagina, "label", **{"for": id_})) == "Speso FSR 2021"
    assert _testo(uno(pagina, id=f"{id_}_programmato")) == "programmati € 333,33"

    risposta = up.post(_url(piano.primo), {_campo(2021, piano.fnps): "950,50"})
    assert risposta.status_code == 302
    assert risposta["Location"] == (
        reverse("obiettivi:valutazione", args=["cremasco"])
        + f"?periodo=2021-2023#ob-{piano.primo.pk}"
    )
    assert _spese(piano.primo) == {(2021, "FNPS"): Decimal("950.50")}
    assert SpesaEffettiva.objects.get().registrato_da == ufficio_piano_crema

    # Saving again makes the figures exactly the grid's: an emptied cell removes its figure.
    _registra(up, piano)
    assert _spese(piano.primo) == {
        (2021, "FNPS"): Decimal("950.50"),
        (2022, "FNPS"): Decimal("1000.00"),
        (2021, "FSR"): Decimal("0.00"),
        (2023, "COM"): Decimal("120.00"),
    }
    assert up.post(_url(piano.primo), {_campo(2022, piano.fnps): "10"}).status_code == 302
    assert _spese(piano.primo) == {(2022, "FNPS"): Decimal("10.00")}


@pytest.mark.parametrize(
    ("valore", "errore"),
    [
        ("-5", "La spesa non può essere negativa."),
        ("dieci", "Inserisci un numero."),
        ("12,345", "Assicurati che non vi siano più di 2 cifre decimali."),
    ],
)
def test_un_valore_sbagliato_non_scrive_nulla_e_lo_dice_accanto(up, piano, valore, errore):
    dati = {_campo(2021, piano.fnps): "500", _campo(2022, piano.fsr): valore}
    risposta = up.post(_url(piano.primo), dati)
    assert risposta.status_code == 200
    id_ = f"id_{_campo(2022, piano.fsr)}"
    assert _testo(uno(risposta, id=f"{id_}_error")) == errore
    # The message sits in the cell of the input, which points to it.
    cella = [td for td in trova(risposta, "td") if trova(td, "input", id=id_)]
    assert len(cella) == 1 and trova(cella[0], id=f"{id_}_error")
    assert not SpesaEffettiva.objects.exists()


def test_la_valutazione_mette_a_confronto_programmato_e_speso(up, piano):
    _registra(up, piano)
    risposta = up.get(reverse("obiettivi:valutazione", args=["cremasco"]))
    primo = risposta.context["righe"][0][0].confronto_spesa
    assert [
        (v.anno, v.fondo.sigla, v.programmato, v.speso, v.differenza, v.percentuale)
        for v in primo.voci
    ] == [
        (2021, "FNPS", Decimal("1000.00"), Decimal("950.50"), Decimal("-49.50"), Decimal("95.1")),
        (2021, "FSR", Decimal("333.33"), Decimal("0.00"), Decimal("-333.33"), Decimal("0.0")),
        (2022, "FNPS", Decimal("1000.00"), Decimal("1000.00"), Decimal("0.00"), Decimal("100.0")),
        # Spent with nothing planned: no percentage.
        (2023, "COM", Decimal("0"), Decimal("120.00"), Decimal("120.00"), None),
    ]
    # 2333,33 planned, 2070,50 spent: 88,7358...%.
    t = primo.totale
    assert (t.programmato, t.speso, t.differenza, t.percentuale) == (
        Decimal("2333.33"),
        Decimal("2070.50"),
        Decimal("-262.83"),
        Decimal("88.7"),
    )
    # The plan: plus 100,01 planned and 100,02 spent on the second objective; 89,199...%.
    t = risposta.context["confronto_piano"].totale
    assert (t.programmato, t.speso, t.differenza, t.percentuale) == (
        Decimal("2433.34"),
        Decimal("2170.52"),
        Decimal("-262.82"),
        Decimal("89.2"),
    )
    piano_html = uno(risposta, "table", data_testid="confronto-piano")
    totale = uno(piano_html, "tr", data_testid="totale-confronto")
    assert [_testo(td) for td in trova(totale, "td")] == [
        "€ 2.433,34",
        "€ 2.170,52",
        "€ -262,82",
        "89,2%",
    ]
    sezione = uno(risposta, "section", id=f"ob-{piano.primo.pk}")
    righe = trova(uno(sezione, "table", data_testid="confronto-spesa"), "tr")
    assert [_testo(td) for td in trova(righe[4], "td")] == [
        "COM",
        "€ 0,00",
        "€ 120,00",
        "€ 120,00",
        "—",
    ]


def test_chi_legge_vede_il_confronto_ma_non_il_comando(client, piano, operatore_crema, up):
    _registra(up, piano)
    client.force_login(operatore_crema)
    risposta = client.get(reverse("obiettivi:valutazione", args=["cremasco"]))
    assert risposta.status_code == 200
    assert trova(risposta, "table", data_testid="confronto-piano")
    assert _url(piano.primo) not in risposta.content.decode()


# --- The database's guards ---------------------------------------------------------------------


def test_una_sola_spesa_per_anno_e_fondo(piano):
    SpesaEffettiva.objects.create(obiettivo=piano.primo, anno=2021, fondo=piano.fnps, importo=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        SpesaEffettiva.objects.create(obiettivo=piano.primo, anno=2021, fondo=piano.fnps, importo=2)


def test_la_spesa_non_e_negativa(piano):
    with pytest.raises(IntegrityError), transaction.atomic():
        SpesaEffettiva.objects.create(
            obiettivo=piano.primo, anno=2021, fondo=piano.fnps, importo=Decimal("-0.01")
        )


def test_l_anno_e_nel_periodo_del_piano(piano):
    spesa = SpesaEffettiva(obiettivo=piano.primo, anno=2024, fondo=piano.fnps, importo=1)
    with pytest.raises(ValidationError) as errore:
        spesa.full_clean()
    assert errore.value.message_dict["anno"] == [
        "L'anno deve essere compreso nel periodo 2021-2023."
    ]
    # Whatever writes it, the database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        spesa.save()
