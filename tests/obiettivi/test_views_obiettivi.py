"""The objectives of the plan through their pages (as the Ufficio di Piano of the Cremasco) and
through the ORM: creation from the tables' proposals, actions and progress, resources in exact
Decimal, indicators, the overview's totals, traceability, the evaluation of the previous plan."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from ambiti.demo import carica_aree_policy, carica_periodo
from ambiti.models import Periodo
from obiettivi.demo import carica_fondi
from obiettivi.models import Azione, Indicatore, Obiettivo, Risorsa, ValoreIndicatore, Valutazione
from tavoli.models import Esito
from tests.factories import (
    AzioneFactory,
    IncontroFactory,
    IndicatoreFactory,
    ObiettivoFactory,
    RisorsaFactory,
    TavoloFactory,
    ValoreIndicatoreFactory,
)
from tests.utils.html import testo as _testo
from tests.utils.html import trova, uno

TARGET = ValoreIndicatore.Tipo.TARGET
MISURA = ValoreIndicatore.Tipo.MISURA


@pytest.fixture
def piano(cremasco, cremonese):
    """The 2025-2027 plan with its areas (in order) and the funds."""
    periodo = carica_periodo()
    return SimpleNamespace(
        ambito=cremasco,
        cremonese=cremonese,
        periodo=periodo,
        aree=list(periodo.aree.order_by("ordine")),
        fondi=carica_fondi(),
    )


@pytest.fixture
def up(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    return client


def _url(nome, *args, slug="cremasco"):
    return reverse(f"obiettivi:{nome}", args=[slug, *args])


def _errore_del_campo(risposta, campo):
    """The error crispy prints inside the field's own block, next to it."""
    blocco = uno(risposta, id=f"div_id_{campo}")
    return _testo(uno(blocco, id=f"id_{campo}_error"))


def _errori_della_cella(risposta, nome):
    """The errors printed in the cell of the resources grid that holds the input `nome`."""
    celle = [td for td in trova(risposta, "td") if trova(td, "input", name=nome)]
    assert len(celle) == 1
    return [
        _testo(div)
        for div in trova(celle[0], "div")
        if "invalid-feedback" in dict(div.attributes).get("class", "")
    ]


def _dati_obiettivo(piano, **extra):
    dati = {
        "codice": "1.1",
        "titolo": "Anziani a casa propria",
        "descrizione": "Sostenere la domiciliarità.",
        "aree_policy": [piano.aree[3].pk],
        "destinatari": "Anziani soli",
        "priorita": Obiettivo.Priorita.ALTA,
        "stato": Obiettivo.Stato.APPROVATO,
    }
    return dati | extra


def _proposta(incontro, testo_proposta, valutazione=Esito.Valutazione.ACCOLTA, **extra):
    return Esito.objects.create(
        incontro=incontro,
        tipo=Esito.Tipo.PROPOSTA,
        testo=testo_proposta,
        valutazione=valutazione,
        **extra,
    )


# --- Creating an objective from the tables' proposals ------------------------------------------


@pytest.fixture
def proposte(piano):
    tavolo = TavoloFactory(ambito=piano.ambito, titolo="Anziani e domiciliarità")
    incontro = IncontroFactory(tavolo=tavolo, titolo="Primo incontro")
    tavolo_cremona = TavoloFactory(ambito=piano.cremonese, titolo="Povertà")
    incontro_cremona = IncontroFactory(tavolo=tavolo_cremona, titolo="Incontro cremonese")
    return SimpleNamespace(
        tavolo=tavolo,
        incontro=incontro,
        trasporto=_proposta(incontro, "Potenziare il trasporto sociale"),
        custodia=_proposta(incontro, "Custodia sociale nei condomini"),
        da_valutare=_proposta(
            incontro, "Centro diurno a Pandino", valutazione=Esito.Valutazione.DA_VALUTARE
        ),
        non_accolta=_proposta(
            incontro,
            "Nuova RSA",
            valutazione=Esito.Valutazione.NON_ACCOLTA,
            motivazione="Competenza regionale",
        ),
        bisogno=Esito.objects.create(
            incontro=incontro, tipo=Esito.Tipo.BISOGNO, testo="Solitudine nelle frazioni"
        ),
        cremonese=_proposta(incontro_cremona, "Emporio solidale a Cremona"),
    )


def test_il_modulo_elenca_solo_le_proposte_accolte_dell_ambito(up, piano, proposte):
    risposta = up.get(_url("nuovo"))
    assert risposta.status_code == 200
    scelte = set(risposta.context["form"].fields["proposte"].queryset)
    assert scelte == {proposte.trasporto, proposte.custodia}
    html = risposta.content.decode()
    assert "Potenziare il trasporto sociale — Anziani e domiciliarità" in html
    assert "Custodia sociale nei condomini" in html
    for altro in ("Centro diurno a Pandino", "Nuova RSA", "Solitudine", "Emporio solidale"):
        assert altro not in html


def test_creare_un_obiettivo_da_due_proposte_accolte(up, piano, proposte, ufficio_piano_crema):
    dati = _dati_obiettivo(piano, proposte=[proposte.trasporto.pk, proposte.custodia.pk])
    risposta = up.post(_url("nuovo"), dati)
    obiettivo = Obiettivo.objects.get()
    assert risposta.status_code == 302
    assert risposta["Location"] == _url("dettaglio", obiettivo.pk)
    assert (obiettivo.ambito, obiettivo.periodo) == (piano.ambito, piano.periodo)
    assert (obiettivo.codice, obiettivo.titolo) == ("1.1", "Anziani a casa propria")
    assert list(obiettivo.aree_policy.all()) == [piano.aree[3]]
    assert set(obiettivo.proposte.all()) == {proposte.trasporto, proposte.custodia}
    assert list(proposte.trasporto.obiettivi.all()) == [obiettivo]
    assert list(proposte.custodia.obiettivi.all()) == [obiettivo]
    assert not proposte.da_valutare.obiettivi.exists()


@pytest.mark.parametrize("proposta", ["da_valutare", "non_accolta", "bisogno", "cremonese"])
def test_una_proposta_non_accolta_o_di_altri_non_e_una_scelta(up, piano, proposte, proposta):
    risposta = up.post(
        _url("nuovo"), _dati_obiettivo(piano, proposte=[getattr(proposte, proposta).pk])
    )
    assert risposta.status_code == 200
    assert list(risposta.context["form"].errors) == ["proposte"]
    assert not Obiettivo.objects.exists()


def test_la_proposta_gia_collegata_resta_scelta_anche_se_rivalutata(up, piano, proposte):
    obiettivo = ObiettivoFactory(ambito=piano.ambito, aree=[piano.aree[0]])
    obiettivo.proposte.set([proposte.trasporto])
    Esito.objects.filter(pk=proposte.trasporto.pk).update(
        valutazione=Esito.Valutazione.NON_ACCOLTA, motivazione="Ripensata"
    )
    risposta = up.get(_url("modifica", obiettivo.pk))
    assert set(risposta.context["form"].fields["proposte"].queryset) == {
        proposte.trasporto,
        proposte.custodia,
    }
    dati = _dati_obiettivo(piano, codice=obiettivo.codice, proposte=[proposte.trasporto.pk])
    assert up.post(_url("modifica", obiettivo.pk), dati).status_code == 302
    assert list(obiettivo.proposte.all()) == [proposte.trasporto]


def test_codice_duplicato_nello_stesso_piano(up, piano):
    ObiettivoFactory(ambito=piano.ambito, codice="1.1", aree=[piano.aree[0]])
    risposta = up.post(_url("nuovo"), _dati_obiettivo(piano, codice=" 1.1 "))
    assert risposta.status_code == 200
    assert risposta.context["form"].errors == {
        "codice": ["Esiste già un obiettivo con questo codice nel piano."]
    }
    assert _errore_del_campo(risposta, "codice") == (
        "Esiste già un obiettivo con questo codice nel piano."
    )
    assert Obiettivo.objects.count() == 1


def test_lo_stesso_codice_va_bene_in_un_altro_piano_o_ambito(up, piano):
    precedente = carica_periodo("2021-2023")
    ObiettivoFactory(ambito=piano.ambito, periodo=precedente, codice="1.1")
    ObiettivoFactory(ambito=piano.cremonese, codice="1.1")
    assert up.post(_url("nuovo"), _dati_obiettivo(piano)).status_code == 302
    assert Obiettivo.objects.filter(codice="1.1").count() == 3


def test_modificare_senza_cambiare_codice(up, piano):
    obiettivo = ObiettivoFactory(ambito=piano.ambito, codice="1.1", aree=[piano.aree[0]])
    risposta = up.post(_url("modifica", obiettivo.pk), _dati_obiettivo(piano, titolo="Nuovo"))
    assert risposta.status_code == 302
    obiettivo.refresh_from_db()
    assert (obiettivo.codice, obiettivo.titolo) == ("1.1", "Nuovo")


def test_il_database_rifiuta_un_codice_duplicato(piano):
    ObiettivoFactory(ambito=piano.ambito, codice="1.1")
    with pytest.raises(IntegrityError), transaction.atomic():
        ObiettivoFactory(ambito=piano.ambito, codice="1.1")


def test_asst_solo_con_integrazione_sociosanitaria(up, piano):
    asst = piano.ambito.asst.get()
    risposta = up.post(_url("nuovo"), _dati_obiettivo(piano, asst=[asst.pk]))
    assert risposta.status_code == 200
    messaggio = "Indica le ASST solo per gli obiettivi a integrazione socio-sanitaria."
    assert risposta.context["form"].errors == {"asst": [messaggio]}
    assert _errore_del_campo(risposta, "asst") == messaggio
    assert not Obiettivo.objects.exists()

    dati = _dati_obiettivo(piano, asst=[asst.pk], integrazione_sociosanitaria="on")
    assert up.post(_url("nuovo"), dati).status_code == 302
    assert list(Obiettivo.objects.get().asst.all()) == [asst]


def test_le_asst_sono_quelle_dell_ambito(up, piano):
    risposta = up.get(_url("nuovo"))
    assert list(risposta.context["form"].fields["asst"].queryset) == list(piano.ambito.asst.all())
    asst_cremona = piano.cremonese.asst.get()
    dati = _dati_obiettivo(piano, asst=[asst_cremona.pk], integrazione_sociosanitaria="on")
    risposta = up.post(_url("nuovo"), dati)
    assert list(risposta.context["form"].errors) == ["asst"]


def test_le_aree_di_un_altro_periodo_non_sono_scelte(up, piano):
    aree_precedenti = carica_aree_policy(carica_periodo("2021-2023"))
    risposta = up.get(_url("nuovo"))
    assert set(risposta.context["form"].fields["aree_policy"].queryset) == set(piano.aree)
    risposta = up.post(_url("nuovo"), _dati_obiettivo(piano, aree_policy=[aree_precedenti[0].pk]))
    assert risposta.status_code == 200
    assert list(risposta.context["form"].errors) == ["aree_policy"]
    assert not Obiettivo.objects.exists()


def test_almeno_un_area(up, piano):
    risposta = up.post(_url("nuovo"), _dati_obiettivo(piano, aree_policy=[]))
    assert risposta.context["form"].errors == {"aree_policy": ["Questo campo è obbligatorio."]}


def test_il_nuovo_obiettivo_va_nel_periodo_richiesto(up, piano):
    precedente = carica_periodo("2021-2023")
    area = carica_aree_policy(precedente)[0]
    url = _url("nuovo") + "?periodo=2021-2023"
    assert up.post(url, _dati_obiettivo(piano, aree_policy=[area.pk])).status_code == 302
    assert Obiettivo.objects.get().periodo == precedente


# --- Actions and progress ----------------------------------------------------------------------


@pytest.fixture
def obiettivo(piano):
    return ObiettivoFactory(
        ambito=piano.ambito, codice="1.1", titolo="Anziani a casa", aree=[piano.aree[3]]
    )


def test_azione_con_un_ente_del_registro(up, piano, obiettivo, iscrizione_crema):
    ente = iscrizione_crema.ente
    fnps = piano.fondi[0]
    RisorsaFactory(obiettivo=obiettivo, anno=2025, fondo=fnps, importo=Decimal("2000.00"))
    dati = {
        "descrizione": "Trasporto sociale",
        "responsabile": ente.pk,
        "partner": [ente.pk],
        "data_inizio": "2025-03-01",
        "data_fine": "2026-12-31",
        f"a_2025_{fnps.pk}": "1.500,50",
    }
    risposta = up.post(_url("azione-nuova", obiettivo.pk), dati)
    assert risposta.status_code == 302
    assert risposta["Location"] == _url("dettaglio", obiettivo.pk) + "#azioni"
    azione = Azione.objects.get()
    assert (azione.obiettivo, azione.responsabile, azione.descrizione) == (
        obiettivo,
        ente,
        "Trasporto sociale",
    )
    assert list(azione.partner.all()) == [ente]
    assert (azione.data_inizio, azione.data_fine) == (
        datetime.date(2025, 3, 1),
        datetime.date(2026, 12, 31),
    )
    assert azione.risorse_assegnate == Decimal("1500.50")
    assert [(r.anno, r.fondo, r.importo) for r in azione.risorse.all()] == [
        (2025, fnps, Decimal("1500.50"))
    ]


def test_azione_senza_responsabile(up, obiettivo):
    risposta = up.post(_url("azione-nuova", obiettivo.pk), {"descrizione": "Sportello"})
    assert risposta.status_code == 200
    messaggio = "Indica chi è responsabile dell'azione."
    assert risposta.context["form"].errors == {"responsabile": [messaggio]}
    assert _errore_del_campo(risposta, "responsabile") == messaggio
    assert not Azione.objects.exists()


def test_azione_con_responsabile_fuori_registro(up, obiettivo):
    dati = {"descrizione": "Sportello", "responsabile_altro": "Ufficio di Piano"}
    assert up.post(_url("azione-nuova", obiettivo.pk), dati).status_code == 302
    assert Azione.objects.get().nome_responsabile == "Ufficio di Piano"


def test_azione_che_finisce_prima_di_iniziare(up, obiettivo):
    dati = {
        "descrizione": "Sportello",
        "responsabile_altro": "Ufficio di Piano",
        "data_inizio": "2026-05-01",
        "data_fine": "2026-04-30",
    }
    risposta = up.post(_url("azione-nuova", obiettivo.pk), dati)
    assert risposta.status_code == 200
    messaggio = "La fine non può precedere l'inizio."
    assert risposta.context["form"].errors == {"data_fine": [messaggio]}
    assert _errore_del_campo(risposta, "data_fine") == messaggio
    assert not Azione.objects.exists()


def test_modificare_ed_eliminare_un_azione(up, obiettivo):
    azione = AzioneFactory(obiettivo=obiettivo, descrizione="Vecchia")
    dati = {"descrizione": "Nuova", "responsabile_altro": "Comune di Crema"}
    assert up.post(_url("azione", obiettivo.pk, azione.pk), dati).status_code == 302
    azione.refresh_from_db()
    assert (azione.descrizione, azione.responsabile_altro) == ("Nuova", "Comune di Crema")
    assert up.post(_url("azione-elimina", obiettivo.pk, azione.pk)).status_code == 302
    assert not Azione.objects.exists()


def test_aggiornare_l_avanzamento(up, obiettivo):
    azione = AzioneFactory(obiettivo=obiettivo)
    dati = {"avanzamento": "60", "nota_avanzamento": "Partito il servizio"}
    risposta = up.post(_url("avanzamento", obiettivo.pk, azione.pk), dati)
    assert risposta.status_code == 302
    azione.refresh_from_db()
    assert (azione.avanzamento, azione.nota_avanzamento) == (60, "Partito il servizio")
    assert azione.avanzamento_aggiornato_il is not None


@pytest.mark.parametrize(
    ("valore", "messaggio"),
    [
        ("101", "L'avanzamento va da 0 a 100%."),
        ("-1", "Assicurati che questo valore sia maggiore o uguale a 0."),
    ],
)
def test_avanzamento_fuori_scala(up, obiettivo, valore, messaggio):
    azione = AzioneFactory(obiettivo=obiettivo, avanzamento=30)
    risposta = up.post(_url("avanzamento", obiettivo.pk, azione.pk), {"avanzamento": valore})
    assert risposta.status_code == 200
    assert risposta.context["form"].errors == {"avanzamento": [messaggio]}
    assert _errore_del_campo(risposta, "avanzamento") == messaggio
    azione.refresh_from_db()
    assert azione.avanzamento == 30


def test_il_database_rifiuta_un_avanzamento_oltre_100(obiettivo):
    azione = AzioneFactory(obiettivo=obiettivo)
    with pytest.raises(IntegrityError), transaction.atomic():
        Azione.objects.filter(pk=azione.pk).update(avanzamento=101)
    with pytest.raises(IntegrityError), transaction.atomic():
        AzioneFactory(obiettivo=obiettivo, avanzamento=101)
    azione.refresh_from_db()
    assert azione.avanzamento == 0


def test_il_database_rifiuta_date_invertite_e_risorse_negative(obiettivo):
    with pytest.raises(IntegrityError), transaction.atomic():
        AzioneFactory(
            obiettivo=obiettivo,
            data_inizio=datetime.date(2026, 5, 1),
            data_fine=datetime.date(2026, 4, 1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        AzioneFactory(obiettivo=obiettivo, risorse_assegnate=Decimal("-1"))


# --- Resources ---------------------------------------------------------------------------------


def _cella(anno, fondo):
    return f"r_{anno}_{fondo.pk}"


def _risorse(obiettivo):
    return {(r.anno, r.fondo.sigla): r.importo for r in obiettivo.risorse.select_related("fondo")}


def test_importo_all_italiana_con_separatore_delle_migliaia(up, piano, obiettivo):
    fnps = piano.fondi[0]
    risposta = up.post(_url("risorse", obiettivo.pk), {_cella(2025, fnps): "12.500,50"})
    assert risposta.status_code == 302
    assert _risorse(obiettivo) == {(2025, "FNPS"): Decimal("12500.50")}


def test_importo_con_la_virgola_decimale(up, piano, obiettivo):
    fnps, fsr = piano.fondi[:2]
    dati = {_cella(2025, fnps): "12500,50", _cella(2026, fsr): "0,10"}
    risposta = up.post(_url("risorse", obiettivo.pk), dati)
    assert risposta.status_code == 302
    assert risposta["Location"] == _url("dettaglio", obiettivo.pk) + "#risorse"
    assert _risorse(obiettivo) == {
        (2025, "FNPS"): Decimal("12500.50"),
        (2026, "FSR"): Decimal("0.10"),
    }
    # The grid shows the amounts back in Italian.
    html = up.get(_url("risorse", obiettivo.pk)).content.decode()
    assert f'name="{_cella(2025, fnps)}" id="id_{_cella(2025, fnps)}" value="12500,50"' in html


def test_importo_negativo_rifiutato_accanto_alla_cella(up, piano, obiettivo):
    fnps = piano.fondi[0]
    dati = {_cella(2025, fnps): "-5", _cella(2026, fnps): "100"}
    risposta = up.post(_url("risorse", obiettivo.pk), dati)
    assert risposta.status_code == 200
    messaggio = "Assicurati che questo valore sia maggiore o uguale a 0."
    assert risposta.context["form"].errors == {_cella(2025, fnps): [messaggio]}
    assert _errori_della_cella(risposta, _cella(2025, fnps)) == [messaggio]
    assert _errori_della_cella(risposta, _cella(2026, fnps)) == []
    campo = uno(risposta, "input", name=_cella(2025, fnps))
    assert "is-invalid" in dict(campo.attributes)["class"]
    assert not Risorsa.objects.exists()


def test_le_celle_vuote_o_a_zero_non_creano_voci(up, piano, obiettivo):
    dati = {_cella(anno, fondo): "" for anno in piano.periodo.anni for fondo in piano.fondi}
    dati[_cella(2027, piano.fondi[2])] = "300"
    dati[_cella(2026, piano.fondi[3])] = "0"
    dati[_cella(2025, piano.fondi[4])] = "0,00"
    assert up.post(_url("risorse", obiettivo.pk), dati).status_code == 302
    assert _risorse(obiettivo) == {(2027, "FP"): Decimal("300")}


def test_modificare_le_risorse_aggiorna_ed_elimina_le_voci(up, piano, obiettivo):
    fnps, fsr, fp = piano.fondi[:3]
    tenuta = RisorsaFactory(obiettivo=obiettivo, anno=2025, fondo=fnps, importo=Decimal("100"))
    cambiata = RisorsaFactory(obiettivo=obiettivo, anno=2026, fondo=fsr, importo=Decimal("200"))
    RisorsaFactory(obiettivo=obiettivo, anno=2027, fondo=fp, importo=Decimal("300"))
    dati = {
        _cella(2025, fnps): "100,00",
        _cella(2026, fsr): "250,75",
        _cella(2027, fp): "",
        _cella(2027, fnps): "40",
    }
    assert up.post(_url("risorse", obiettivo.pk), dati).status_code == 302
    assert _risorse(obiettivo) == {
        (2025, "FNPS"): Decimal("100"),
        (2026, "FSR"): Decimal("250.75"),
        (2027, "FNPS"): Decimal("40"),
    }
    # The lines that stay are updated in place, not recreated.
    assert set(Risorsa.objects.values_list("pk", flat=True)) >= {tenuta.pk, cambiata.pk}


def test_le_risorse_di_un_altro_obiettivo_non_si_toccano(up, piano, obiettivo):
    altro = ObiettivoFactory(ambito=piano.ambito, aree=[piano.aree[0]])
    RisorsaFactory(obiettivo=altro, anno=2025, fondo=piano.fondi[0], importo=Decimal("7"))
    RisorsaFactory(obiettivo=obiettivo, anno=2025, fondo=piano.fondi[0], importo=Decimal("8"))
    vuote = {_cella(anno, fondo): "" for anno in piano.periodo.anni for fondo in piano.fondi}
    assert up.post(_url("risorse", obiettivo.pk), vuote).status_code == 302
    assert _risorse(obiettivo) == {}
    assert _risorse(altro) == {(2025, "FNPS"): Decimal("7")}


def test_un_fondo_non_attivo_con_importi_resta_nella_griglia(up, piano, obiettivo):
    vecchio = piano.fondi[4]
    RisorsaFactory(obiettivo=obiettivo, anno=2025, fondo=vecchio, importo=Decimal("5"))
    vecchio.attivo = False
    vecchio.save()
    risposta = up.get(_url("risorse", obiettivo.pk))
    assert vecchio in risposta.context["form"].fondi
    altro = ObiettivoFactory(ambito=piano.ambito, aree=[piano.aree[0]])
    risposta = up.get(_url("risorse", altro.pk))
    assert vecchio not in risposta.context["form"].fondi


def test_il_database_rifiuta_voce_duplicata_e_importo_negativo(piano, obiettivo):
    fnps = piano.fondi[0]
    RisorsaFactory(obiettivo=obiettivo, anno=2025, fondo=fnps)
    with pytest.raises(IntegrityError), transaction.atomic():
        RisorsaFactory(obiettivo=obiettivo, anno=2025, fondo=fnps)
    with pytest.raises(IntegrityError), transaction.atomic():
        RisorsaFactory(obiettivo=obiettivo, anno=2026, fondo=fnps, importo=Decimal("-0.01"))
    assert Risorsa.objects.count() == 1


@pytest.mark.parametrize("anno", [2024, 2028])
def test_il_trigger_rifiuta_un_anno_fuori_dal_periodo(piano, obiettivo, anno):
    fnps = piano.fondi[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Risorsa.objects.create(obiettivo=obiettivo, anno=anno, fondo=fnps, importo=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Risorsa.objects.bulk_create(
            [Risorsa(obiettivo=obiettivo, anno=anno, fondo=fnps, importo=1)]
        )
    risorsa = RisorsaFactory(obiettivo=obiettivo, anno=2025, fondo=fnps)
    with pytest.raises(IntegrityError), transaction.atomic():
        Risorsa.objects.filter(pk=risorsa.pk).update(anno=anno)
    risorsa.anno = anno
    with pytest.raises(IntegrityError), transaction.atomic():
        risorsa.save()
    assert list(Risorsa.objects.values_list("anno", flat=True)) == [2025]


def test_il_trigger_accetta_gli_anni_estremi_del_periodo(piano, obiettivo):
    for anno in (2025, 2027):
        RisorsaFactory(obiettivo=obiettivo, anno=anno, fondo=piano.fondi[0])
    precedente = ObiettivoFactory(ambito=piano.ambito, periodo=carica_periodo("2021-2023"))
    RisorsaFactory(obiettivo=precedente, anno=2021, fondo=piano.fondi[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        RisorsaFactory(obiettivo=precedente, anno=2025, fondo=piano.fondi[0])
    assert Risorsa.objects.count() == 3


def test_spostare_l_obiettivo_in_un_altro_periodo_non_lascia_risorse_fuori(piano, obiettivo):
    RisorsaFactory(obiettivo=obiettivo, anno=2026, fondo=piano.fondi[0])
    precedente = carica_periodo("2021-2023")
    with pytest.raises(IntegrityError), transaction.atomic():
        Obiettivo.objects.filter(pk=obiettivo.pk).update(periodo=precedente)


def test_accorciare_il_periodo_non_lascia_valori_fuori(piano, obiettivo):
    indicatore = IndicatoreFactory(obiettivo=obiettivo)
    ValoreIndicatoreFactory(indicatore=indicatore, tipo=MISURA, anno=2027)
    with pytest.raises(IntegrityError), transaction.atomic():
        Periodo.objects.filter(pk=piano.periodo.pk).update(anno_fine=2026)


# --- Indicators --------------------------------------------------------------------------------


def _valori(indicatore, tipo):
    return dict(indicatore.valori.filter(tipo=tipo).values_list("anno", "valore"))


def _dati_indicatore(**extra):
    dati = {
        "nome": "Anziani seguiti a domicilio",
        "unita": "persone",
        "fonte": "Cartella sociale",
        "valore_base": "120",
        "anno_base": "2024",
        "target_2025": "130",
        "target_2026": "140,5",
        "target_2027": "150",
    }
    return dati | extra


def test_indicatore_con_i_valori_attesi_per_anno(up, obiettivo):
    risposta = up.post(_url("indicatore-nuovo", obiettivo.pk), _dati_indicatore())
    assert risposta.status_code == 302
    assert risposta["Location"] == _url("dettaglio", obiettivo.pk) + "#indicatori"
    indicatore = Indicatore.objects.get()
    assert (indicatore.obiettivo, indicatore.nome, indicatore.valore_base) == (
        obiettivo,
        "Anziani seguiti a domicilio",
        Decimal("120"),
    )
    assert _valori(indicatore, TARGET) == {
        2025: Decimal("130"),
        2026: Decimal("140.5"),
        2027: Decimal("150"),
    }
    assert not _valori(indicatore, MISURA)

    # Editing: a target left empty goes away, the others change.
    dati = _dati_indicatore(target_2025="", target_2027="160")
    assert up.post(_url("indicatore", obiettivo.pk, indicatore.pk), dati).status_code == 302
    assert _valori(indicatore, TARGET) == {2026: Decimal("140.5"), 2027: Decimal("160")}


def test_indicatore_con_nome_gia_usato(up, obiettivo):
    IndicatoreFactory(obiettivo=obiettivo, nome="Anziani seguiti a domicilio")
    risposta = up.post(_url("indicatore-nuovo", obiettivo.pk), _dati_indicatore())
    assert risposta.context["form"].errors == {
        "nome": ["L'obiettivo ha già un indicatore con questo nome."]
    }
    assert Indicatore.objects.count() == 1


def test_valore_di_partenza_dopo_il_periodo(up, obiettivo):
    risposta = up.post(_url("indicatore-nuovo", obiettivo.pk), _dati_indicatore(anno_base="2028"))
    assert risposta.context["form"].errors == {
        "anno_base": ["Il valore di partenza non può essere successivo al periodo del piano."]
    }


def test_eliminare_un_indicatore_elimina_i_suoi_valori(up, obiettivo):
    indicatore = IndicatoreFactory(obiettivo=obiettivo)
    ValoreIndicatoreFactory(indicatore=indicatore)
    assert up.post(_url("indicatore-elimina", obiettivo.pk, indicatore.pk)).status_code == 302
    assert not Indicatore.objects.exists()
    assert not ValoreIndicatore.objects.exists()


def test_valore_misurato_registrato_e_mostrato(up, obiettivo, ufficio_piano_crema):
    indicatore = IndicatoreFactory(obiettivo=obiettivo, nome="Anziani seguiti", unita="persone")
    for anno, valore in ((2025, "130"), (2026, "140"), (2027, "1500")):
        ValoreIndicatoreFactory(indicatore=indicatore, tipo=TARGET, anno=anno, valore=valore)
    dati = {"anno": "2025", "valore": "128,5", "nota": "Dati del primo anno"}
    risposta = up.post(_url("misura", obiettivo.pk, indicatore.pk), dati)
    assert risposta.status_code == 302
    misura = indicatore.valori.get(tipo=MISURA)
    assert (misura.anno, misura.valore, misura.nota, misura.registrato_da) == (
        2025,
        Decimal("128.5"),
        "Dati del primo anno",
        ufficio_piano_crema,
    )
    # A second value for the same year replaces the first.
    dati = {"anno": "2025", "valore": "129", "nota": "Corretto"}
    assert up.post(_url("misura", obiettivo.pk, indicatore.pk), dati).status_code == 302
    assert _valori(indicatore, MISURA) == {2025: Decimal("129")}

    risposta = up.get(_url("dettaglio", obiettivo.pk))
    tabella = uno(risposta, "table", data_testid="indicatore")
    righe = [_testo(tr) for tr in trova(tabella, "tr")]
    assert righe[1:] == [
        "2025 130 129 Corretto",
        "2026 140 —",
        "2027 1.500 —",
    ]


def test_indicatore_senza_valori_misurati_nel_dettaglio(up, obiettivo):
    indicatore = IndicatoreFactory(obiettivo=obiettivo, nome="Anziani seguiti")
    ValoreIndicatoreFactory(indicatore=indicatore, tipo=TARGET, anno=2025, valore=130)
    risposta = up.get(_url("dettaglio", obiettivo.pk))
    assert risposta.status_code == 200
    tabella = uno(risposta, "table", data_testid="indicatore")
    assert [_testo(tr) for tr in trova(tabella, "tr")][1:] == [
        "2025 130 —",
        "2026 — —",
        "2027 — —",
    ]


def test_misura_per_un_anno_fuori_dal_periodo_rifiutata_dal_modulo(up, obiettivo):
    indicatore = IndicatoreFactory(obiettivo=obiettivo)
    risposta = up.post(_url("misura", obiettivo.pk, indicatore.pk), {"anno": "2028", "valore": "1"})
    assert risposta.status_code == 200
    assert list(risposta.context["form"].errors) == ["anno"]
    assert not ValoreIndicatore.objects.exists()


@pytest.mark.parametrize("anno", [2024, 2028])
@pytest.mark.parametrize("tipo", [TARGET, MISURA])
def test_il_trigger_rifiuta_un_valore_fuori_dal_periodo(obiettivo, anno, tipo):
    indicatore = IndicatoreFactory(obiettivo=obiettivo)
    with pytest.raises(IntegrityError), transaction.atomic():
        ValoreIndicatore.objects.create(indicatore=indicatore, tipo=tipo, anno=anno, valore=1)
    valore = ValoreIndicatoreFactory(indicatore=indicatore, tipo=tipo, anno=2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        ValoreIndicatore.objects.filter(pk=valore.pk).update(anno=anno)
    assert list(ValoreIndicatore.objects.values_list("anno", flat=True)) == [2026]


# --- Progress ----------------------------------------------------------------------------------


def _riga_della_panoramica(risposta, codice):
    righe = [tr for tr in trova(risposta, "tr", data_testid="obiettivo") if codice in _testo(tr)]
    assert len(righe) == 1
    return _testo(righe[0])


def _avanzamento_nel_dettaglio(risposta):
    return _testo(uno(risposta, data_testid="avanzamento-obiettivo"))


def test_avanzamento_uniforme_se_un_azione_non_ha_risorse(up, obiettivo):
    AzioneFactory(obiettivo=obiettivo, avanzamento=0, risorse_assegnate=Decimal("1000"))
    AzioneFactory(obiettivo=obiettivo, avanzamento=50, risorse_assegnate=Decimal("9000"))
    AzioneFactory(obiettivo=obiettivo, avanzamento=100, risorse_assegnate=None)
    assert Obiettivo.objects.get().avanzamento == Decimal("50.0")
    risposta = up.get(_url("dettaglio", obiettivo.pk))
    assert _avanzamento_nel_dettaglio(risposta).startswith("50% ")
    risposta = up.get(_url("panoramica"))
    assert "50%" in _riga_della_panoramica(risposta, "1.1 Anziani a casa")


def test_avanzamento_pesato_sulle_risorse_se_tutte_ne_hanno(up, piano, obiettivo):
    AzioneFactory(obiettivo=obiettivo, avanzamento=10, risorse_assegnate=Decimal("1000"))
    AzioneFactory(obiettivo=obiettivo, avanzamento=100, risorse_assegnate=Decimal("3000"))
    assert Obiettivo.objects.get().avanzamento == Decimal("77.5")
    risposta = up.get(_url("dettaglio", obiettivo.pk))
    assert _avanzamento_nel_dettaglio(risposta).startswith("77,5% ")
    risposta = up.get(_url("panoramica"))
    assert "77,5%" in _riga_della_panoramica(risposta, "1.1 Anziani a casa")


def test_avanzamento_arrotondato_a_un_decimale(obiettivo):
    for avanzamento in (0, 0, 100):
        AzioneFactory(obiettivo=obiettivo, avanzamento=avanzamento)
    assert Obiettivo.objects.get().avanzamento == Decimal("33.3")


def test_avanzamento_senza_azioni(up, obiettivo):
    assert Obiettivo.objects.get().avanzamento is None
    risposta = up.get(_url("dettaglio", obiettivo.pk))
    assert _avanzamento_nel_dettaglio(risposta).startswith("n.d. (nessuna azione)")
    risposta = up.get(_url("panoramica"))
    riga = _riga_della_panoramica(risposta, "1.1 Anziani a casa")
    assert "n.d." in riga
    assert "%" not in riga


def test_l_avanzamento_aggiornato_dalla_pagina_cambia_quello_dell_obiettivo(up, obiettivo):
    prima = AzioneFactory(obiettivo=obiettivo, avanzamento=0)
    AzioneFactory(obiettivo=obiettivo, avanzamento=25)
    up.post(_url("avanzamento", obiettivo.pk, prima.pk), {"avanzamento": "50"})
    risposta = up.get(_url("dettaglio", obiettivo.pk))
    assert _avanzamento_nel_dettaglio(risposta).startswith("37,5% ")


# --- The overview's totals ---------------------------------------------------------------------


@pytest.fixture
def panoramica(piano):
    a1, a2, a3 = piano.aree[:3]
    fnps, fsr, fp, com, alt = piano.fondi
    importi = {
        # codice: (aree, [(anno, fondo, importo)])
        "1.1": ([a1], [(2025, fnps, "0.10"), (2026, fsr, "0.20"), (2027, fp, "1234.56")]),
        # Listed under its first area by order (a1), even if a2 comes first in the list.
        "1.2": ([a2, a1], [(2025, fnps, "0.20"), (2025, com, "1234.56")]),
        "3.1": ([a3], [(2026, fsr, "0.10"), (2027, alt, "0.20"), (2027, fp, "0.10")]),
        "2.1": ([a2], [(2025, fnps, "1234.56")]),
    }
    obiettivi = {}
    for codice, (aree, risorse) in importi.items():
        obiettivo = ObiettivoFactory(
            ambito=piano.ambito, codice=codice, titolo=f"Obiettivo {codice}", aree=aree
        )
        for anno, fondo, importo in risorse:
            RisorsaFactory(obiettivo=obiettivo, anno=anno, fondo=fondo, importo=Decimal(importo))
        obiettivi[codice] = obiettivo
    # Another ambito's and another period's money stays out.
    altro = ObiettivoFactory(ambito=piano.cremonese, codice="1.1", aree=[a1])
    RisorsaFactory(obiettivo=altro, anno=2025, fondo=fnps, importo=Decimal("999"))
    return SimpleNamespace(aree=(a1, a2, a3), fondi=piano.fondi, obiettivi=obiettivi)


def test_i_totali_della_panoramica_sono_esatti(up, piano, panoramica):
    risposta = up.get(_url("panoramica"))
    assert risposta.status_code == 200
    a1, a2, a3 = panoramica.aree
    fnps, fsr = panoramica.fondi[:2]
    totale = risposta.context["totale"]
    assert totale.totale == Decimal("3704.58")
    assert totale.cella(2025, fnps) == Decimal("1234.86")
    assert totale.totale_fondo(fsr) == Decimal("0.30")
    assert totale.totale_anno(2027) == Decimal("1234.86")
    assert totale.totali_fondi() == [
        Decimal("1234.86"),
        Decimal("0.30"),
        Decimal("1234.66"),
        Decimal("1234.56"),
        Decimal("0.20"),
    ]
    sezioni = risposta.context["sezioni"]
    assert [(area, [o.codice for o in obiettivi]) for area, obiettivi, _t in sezioni] == [
        (a1, ["1.1", "1.2"]),
        (a2, ["2.1"]),
        (a3, ["3.1"]),
    ]
    assert [t.totale for _a, _o, t in sezioni] == [
        Decimal("2469.62"),
        Decimal("1234.56"),
        Decimal("0.40"),
    ]
    assert sum((t.totale for _a, _o, t in sezioni), Decimal("0")) == totale.totale
    assert risposta.context["numero_obiettivi"] == 4

    # The same figures on the page, in Italian.
    ambito = uno(risposta, "table", data_testid="risorse-ambito")
    assert _testo(uno(ambito, "td", data_testid="totale-generale")) == "€ 3.704,58"
    assert [_testo(tr) for tr in trova(ambito, "tr")] == [
        "Anno FNPS FSR FP COM ALT Totale",
        "2025 € 1.234,86 € 0,00 € 0,00 € 1.234,56 € 0,00 € 2.469,42",
        "2026 € 0,00 € 0,30 € 0,00 € 0,00 € 0,00 € 0,30",
        "2027 € 0,00 € 0,00 € 1.234,66 € 0,00 € 0,20 € 1.234,86",
        "Totale € 1.234,86 € 0,30 € 1.234,66 € 1.234,56 € 0,20 € 3.704,58",
    ]
    aree = trova(risposta, "table", data_testid="risorse-area")
    assert [_testo(uno(t, "td", data_testid="totale-generale")) for t in aree] == [
        "€ 2.469,62",
        "€ 1.234,56",
        "€ 0,40",
    ]
    assert "4 obiettivi, risorse programmate € 3.704,58." in risposta.content.decode()


def test_ogni_obiettivo_e_contato_una_volta_sotto_la_prima_area(up, panoramica):
    risposta = up.get(_url("panoramica"))
    righe = [_testo(tr) for tr in trova(risposta, "tr", data_testid="obiettivo")]
    assert len(righe) == 4
    assert sum("1.2 Obiettivo 1.2" in riga for riga in righe) == 1
    assert "€ 1.234,76" in _riga_della_panoramica(risposta, "1.2 Obiettivo 1.2")
    assert "€ 1.234,86" in _riga_della_panoramica(risposta, "1.1 Obiettivo 1.1")
    assert "€ 0,40" in _riga_della_panoramica(risposta, "3.1 Obiettivo 3.1")


def test_la_panoramica_di_un_altro_periodo(up, piano, panoramica):
    precedente = carica_periodo("2021-2023")
    area = carica_aree_policy(precedente)[0]
    vecchio = ObiettivoFactory(
        ambito=piano.ambito, periodo=precedente, codice="9.1", titolo="Vecchio", aree=[area]
    )
    RisorsaFactory(obiettivo=vecchio, anno=2022, fondo=piano.fondi[0], importo=Decimal("0.30"))
    risposta = up.get(_url("panoramica") + "?periodo=2021-2023")
    assert risposta.context["periodo"] == precedente
    assert risposta.context["totale"].totale == Decimal("0.30")
    assert [_testo(tr) for tr in trova(risposta, "tr", data_testid="obiettivo")] == [
        "9.1 Vecchio Media Proposto n.d. € 0,30"
    ]
    assert up.get(_url("panoramica") + "?periodo=1999-2001").status_code == 404


# --- Traceability ------------------------------------------------------------------------------


def test_la_tracciabilita_dal_tavolo_agli_indicatori(up, piano, obiettivo, proposte):
    obiettivo.proposte.set([proposte.trasporto])
    AzioneFactory(obiettivo=obiettivo, descrizione="Trasporto sociale")
    AzioneFactory(obiettivo=obiettivo, descrizione="Navetta del mercato")
    indicatore = IndicatoreFactory(obiettivo=obiettivo, nome="Viaggi")
    for tipo in (TARGET, MISURA):
        for anno in piano.periodo.anni:
            ValoreIndicatoreFactory(indicatore=indicatore, tipo=tipo, anno=anno)
    risposta = up.get(_url("dettaglio", obiettivo.pk))
    assert risposta.status_code == 200
    traccia = uno(risposta, data_testid="tracciabilita")
    passi = [
        "Tavolo Anziani e domiciliarità",
        f"incontro Primo incontro, {proposte.incontro.inizio:%d/%m/%Y}",
        "proposta «Potenziare il trasporto sociale»",
        "obiettivo 1.1",
        "2 azioni",
        "1 indicatore",
    ]
    contenuto = _testo(traccia)
    posizioni = [contenuto.find(passo) for passo in passi]
    assert -1 not in posizioni, contenuto
    assert posizioni == sorted(posizioni)
    collegamenti = {dict(a.attributes)["href"] for a in trova(traccia, "a")}
    assert collegamenti == {
        reverse("tavoli:dettaglio", args=["cremasco", proposte.tavolo.pk]),
        reverse("tavoli:incontro", args=["cremasco", proposte.tavolo.pk, proposte.incontro.pk]),
    }


def test_senza_proposte_la_tracciabilita_lo_dice(up, obiettivo):
    traccia = uno(up.get(_url("dettaglio", obiettivo.pk)), data_testid="tracciabilita")
    assert "Nessuna proposta dei tavoli collegata." in _testo(traccia)
    assert "0 azioni" in _testo(traccia)


# --- Evaluation of the previous plan -----------------------------------------------------------


@pytest.fixture
def valutazione(piano, obiettivo):
    precedente = carica_periodo("2021-2023")
    aree = carica_aree_policy(precedente)
    vecchi = [
        ObiettivoFactory(
            ambito=piano.ambito,
            periodo=precedente,
            codice=f"P.{i}",
            titolo=f"Obiettivo del vecchio piano {i}",
            aree=[aree[i]],
        )
        for i in (1, 2)
    ]
    altro_ambito = ObiettivoFactory(
        ambito=piano.cremonese, periodo=precedente, codice="P.9", titolo="Vecchio del Cremonese"
    )
    successivo_cremona = ObiettivoFactory(
        ambito=piano.cremonese, codice="5.5", aree=[piano.aree[0]]
    )
    return SimpleNamespace(
        precedente=precedente,
        vecchi=vecchi,
        altro_ambito=altro_ambito,
        nuovo=obiettivo,
        successivo_cremona=successivo_cremona,
    )


def _dati_valutazione(vecchio, **campi):
    return {f"v{vecchio.pk}-{campo}": valore for campo, valore in campi.items()}


def test_la_pagina_elenca_gli_obiettivi_del_piano_precedente(up, valutazione):
    risposta = up.get(_url("valutazione"))
    assert risposta.status_code == 200
    assert risposta.context["precedente"] == valutazione.precedente
    assert [o for o, _v, _f in risposta.context["righe"]] == valutazione.vecchi
    sezioni = trova(risposta, "section")
    assert [dict(s.attributes).get("id") for s in sezioni] == [
        f"ob-{o.pk}" for o in valutazione.vecchi
    ]
    html = risposta.content.decode()
    assert "Valutazione del Piano di Zona 2021-2023" in html
    assert "Vecchio del Cremonese" not in html
    # The successors offered are the current plan's objectives of the ambito.
    for vecchio in valutazione.vecchi:
        select = uno(risposta, "select", name=f"v{vecchio.pk}-obiettivo_successivo")
        offerti = [dict(o.attributes).get("value") for o in trova(select, "option")]
        assert offerti == ["", str(valutazione.nuovo.pk)]


def test_i_moduli_della_pagina_sono_quelli_di_crispy_anche_dopo_un_salvataggio(up, valutazione):
    # The unbound forms come drawn once per process (issue 16): the same HTML crispy draws,
    # and a saved evaluation shows its new values at once.
    from crispy_forms.utils import render_crispy_form

    from obiettivi.forms import ValutazioneForm

    def attesi():
        successivi = Obiettivo.objects.dell_ambito(
            valutazione.nuovo.ambito, valutazione.nuovo.periodo
        )
        return [
            render_crispy_form(
                ValutazioneForm(
                    instance=Valutazione.objects.filter(obiettivo=vecchio).first(),
                    successivi=successivi,
                    prefix=f"v{vecchio.pk}",
                )
            )
            for vecchio in valutazione.vecchi
        ]

    html = up.get(_url("valutazione")).content.decode()
    assert all(modulo in html for modulo in attesi())
    vecchio = valutazione.vecchi[0]
    dati = _dati_valutazione(
        vecchio,
        grado=Valutazione.Grado.PARZIALE,
        criticita="Pochi <volontari>",
        prosegue="on",
        obiettivo_successivo=valutazione.nuovo.pk,
    )
    assert up.post(_url("valutazione-salva", vecchio.pk), dati).status_code == 302
    risposta = up.get(_url("valutazione"))
    html = risposta.content.decode()
    assert all(modulo in html for modulo in attesi())
    testo = uno(risposta, "textarea", name=f"v{vecchio.pk}-criticita")
    assert _testo(testo) == "Pochi <volontari>"
    scelto = uno(risposta, "select", name=f"v{vecchio.pk}-obiettivo_successivo")
    assert [
        dict(o.attributes).get("value")
        for o in trova(scelto, "option")
        if "selected" in dict(o.attributes)
    ] == [str(valutazione.nuovo.pk)]


def test_salvare_la_valutazione(up, valutazione, ufficio_piano_crema):
    vecchio = valutazione.vecchi[0]
    dati = _dati_valutazione(
        vecchio,
        grado=Valutazione.Grado.PARZIALE,
        criticita="Pochi volontari",
        prosegue="on",
        obiettivo_successivo=valutazione.nuovo.pk,
    )
    risposta = up.post(_url("valutazione-salva", vecchio.pk), dati)
    assert risposta.status_code == 302
    assert risposta["Location"] == _url("valutazione") + f"?periodo=2021-2023#ob-{vecchio.pk}"
    salvata = Valutazione.objects.get()
    assert (
        salvata.obiettivo,
        salvata.grado,
        salvata.criticita,
        salvata.prosegue,
        salvata.obiettivo_successivo,
        salvata.valutato_da,
    ) == (vecchio, "parziale", "Pochi volontari", True, valutazione.nuovo, ufficio_piano_crema)

    # Saving again changes the same evaluation.
    dati = _dati_valutazione(vecchio, grado=Valutazione.Grado.RAGGIUNTO, criticita="")
    assert up.post(_url("valutazione-salva", vecchio.pk), dati).status_code == 302
    salvata = Valutazione.objects.get()
    assert (salvata.grado, salvata.prosegue, salvata.obiettivo_successivo) == (
        "raggiunto",
        False,
        None,
    )

    esito = uno(up.get(_url("valutazione")), data_testid="esito-valutazione")
    assert _testo(esito) == "Raggiunto"


def test_successivo_senza_prosegue(up, valutazione):
    vecchio = valutazione.vecchi[0]
    dati = _dati_valutazione(
        vecchio, grado=Valutazione.Grado.RAGGIUNTO, obiettivo_successivo=valutazione.nuovo.pk
    )
    risposta = up.post(_url("valutazione-salva", vecchio.pk), dati)
    assert risposta.status_code == 200
    messaggio = "Collega un obiettivo del nuovo piano solo se l'obiettivo prosegue."
    form = dict((o, f) for o, _v, f in risposta.context["righe"])[vecchio]
    assert form.errors == {"obiettivo_successivo": [messaggio]}
    sezione = uno(risposta, "section", id=f"ob-{vecchio.pk}")
    blocco = uno(sezione, id=f"div_id_v{vecchio.pk}-obiettivo_successivo")
    assert _testo(uno(blocco, id=f"id_v{vecchio.pk}-obiettivo_successivo_error")) == messaggio
    assert not Valutazione.objects.exists()


@pytest.mark.parametrize("successivo", ["successivo_cremona", "vecchio"])
def test_il_successivo_deve_essere_del_nuovo_piano_dello_stesso_ambito(up, valutazione, successivo):
    vecchio = valutazione.vecchi[0]
    altro = (
        valutazione.successivo_cremona
        if successivo == "successivo_cremona"
        else valutazione.vecchi[1]
    )
    dati = _dati_valutazione(
        vecchio, grado=Valutazione.Grado.RAGGIUNTO, prosegue="on", obiettivo_successivo=altro.pk
    )
    risposta = up.post(_url("valutazione-salva", vecchio.pk), dati)
    assert risposta.status_code == 200
    form = dict((o, f) for o, _v, f in risposta.context["righe"])[vecchio]
    assert list(form.errors) == ["obiettivo_successivo"]
    assert not Valutazione.objects.exists()


def test_il_nuovo_obiettivo_dice_quale_prosegue(up, valutazione):
    vecchio = valutazione.vecchi[0]
    dati = _dati_valutazione(
        vecchio,
        grado=Valutazione.Grado.PARZIALE,
        prosegue="on",
        obiettivo_successivo=valutazione.nuovo.pk,
    )
    up.post(_url("valutazione-salva", vecchio.pk), dati)
    risposta = up.get(_url("dettaglio", valutazione.nuovo.pk))
    traccia = _testo(uno(risposta, data_testid="tracciabilita"))
    assert (
        "Prosegue l'obiettivo P.1 Obiettivo del vecchio piano 1 (2021-2023, parzialmente raggiunto)"
    ) in traccia
    esito = uno(up.get(_url("valutazione")), data_testid="esito-valutazione")
    assert _testo(esito) == "Parzialmente raggiunto — prosegue in 1.1 Anziani a casa"


def test_la_valutazione_di_un_obiettivo_del_piano_corrente_e_404(up, valutazione):
    dati = _dati_valutazione(valutazione.nuovo, grado=Valutazione.Grado.RAGGIUNTO)
    assert up.post(_url("valutazione-salva", valutazione.nuovo.pk), dati).status_code == 404
    assert not Valutazione.objects.exists()


def test_il_database_rifiuta_un_successivo_senza_prosegue(valutazione):
    with pytest.raises(IntegrityError), transaction.atomic():
        Valutazione.objects.create(
            obiettivo=valutazione.vecchi[0],
            grado=Valutazione.Grado.RAGGIUNTO,
            prosegue=False,
            obiettivo_successivo=valutazione.nuovo,
        )


# --- User text is escaped ----------------------------------------------------------------------

CATTIVO = "<script>alert('x')</script>"


def test_il_testo_degli_utenti_e_escapato(up, piano, proposte):
    obiettivo = ObiettivoFactory(
        ambito=piano.ambito,
        codice="1.1",
        titolo=f"Titolo {CATTIVO}",
        descrizione=f"Descrizione {CATTIVO}",
        destinatari=f"Destinatari {CATTIVO}",
        aree=[piano.aree[0]],
    )
    Esito.objects.filter(pk=proposte.trasporto.pk).update(testo=f"Proposta {CATTIVO}")
    obiettivo.proposte.set([proposte.trasporto])
    AzioneFactory(
        obiettivo=obiettivo,
        descrizione=f"Azione {CATTIVO}",
        responsabile_altro=f"Responsabile {CATTIVO}",
        nota_avanzamento=f"Nota {CATTIVO}",
        avanzamento=10,
    )
    indicatore = IndicatoreFactory(obiettivo=obiettivo, nome=f"Indicatore {CATTIVO}")
    for tipo in (TARGET, MISURA):
        for anno in piano.periodo.anni:
            ValoreIndicatoreFactory(
                indicatore=indicatore, tipo=tipo, anno=anno, nota=f"Nota {CATTIVO}"
            )
    RisorsaFactory(obiettivo=obiettivo, anno=2025, fondo=piano.fondi[0])
    precedente = carica_periodo("2021-2023")
    vecchio = ObiettivoFactory(
        ambito=piano.ambito,
        periodo=precedente,
        codice="P.1",
        titolo=f"Vecchio {CATTIVO}",
        aree=[carica_aree_policy(precedente)[0]],
    )
    Valutazione.objects.create(
        obiettivo=vecchio,
        grado=Valutazione.Grado.PARZIALE,
        criticita=f"Criticità {CATTIVO}",
        prosegue=True,
        obiettivo_successivo=obiettivo,
    )
    pagine = [
        _url("panoramica"),
        _url("dettaglio", obiettivo.pk),
        _url("valutazione"),
        _url("modifica", obiettivo.pk),
        _url("nuovo"),
    ]
    for url in pagine:
        risposta = up.get(url)
        assert risposta.status_code == 200, url
        html = risposta.content.decode()
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert(" in html, url


# --- The empty choice of a select ---------------------------------------------------------------


def test_moduli_senza_trattini(up, piano, proposte, valutazione):
    obiettivo = ObiettivoFactory(ambito=piano.ambito, periodo=piano.periodo)
    for url in (_url("nuovo"), _url("azione-nuova", obiettivo.pk), _url("valutazione")):
        risposta = up.get(url)
        assert risposta.status_code == 200, url
        assert "---------" not in risposta.content.decode(), url
    # No later objective chosen: a valid answer, and it says so.
    scelta = uno(risposta, "select", name=f"v{valutazione.vecchi[0].pk}-obiettivo_successivo")
    assert _testo(trova(scelta, "option")[0]) == "— nessuno —"
