"""Registering an ente whose tax code is already in the portal, in another ambito's register:
the Ufficio di Piano learns only that it exists (name and kind, which the public register shows)
and may link it; the other ambito's contacts are never shown and never overwritten."""

import datetime

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from ambiti.models import Ente, Iscrizione
from tests.factories import IscrizioneFactory
from tests.utils.html import testo as _testo
from tests.utils.html import trova

CONTATTI = {
    "referente": "Giovanna Riservata",
    "email": "segreteria.riservata@larete.example.org",
    "pec": "larete.riservata@pec.example.org",
    "telefono": "0372 998877",
    "indirizzo": "Via Segreta 42, Cremona",
    "sito_web": "https://riservato.larete.example.org/",
}


@pytest.fixture
def ente_cremonese(iscrizione_cremona):
    ente = iscrizione_cremona.ente
    for campo, valore in CONTATTI.items():
        setattr(ente, campo, valore)
    ente.tipo = Ente.Tipo.COOPERATIVA
    ente.save()
    iscrizione_cremona.note = "Nota interna del Cremonese"
    iscrizione_cremona.save()
    return ente


def _url(slug="cremasco"):
    return reverse("ambiti:iscrizione-nuova", kwargs={"slug": slug})


def _dati(ente, **altro):
    """What a Cremasco officer types: the tax code of the Cremonese's ente, her own contacts."""
    return {
        "ente-denominazione": "La Rete (come la scrive il Cremasco)",
        "ente-tipo": Ente.Tipo.ODV,
        "ente-codice_fiscale": ente.codice_fiscale,
        "ente-email": "scritta.dal.cremasco@example.org",
        "ente-telefono": "0373 111222",
        "iscrizione-data_iscrizione": "2025-02-01",
        "iscrizione-stato": Iscrizione.Stato.ATTIVA,
        "iscrizione-note": "Segnalato dal tavolo anziani",
    } | altro


def _fotografia():
    return (
        [model_to_dict(e) for e in Ente.objects.order_by("pk")],
        list(Iscrizione.objects.order_by("pk").values()),
    )


def _nessun_contatto(html):
    trovati = [valore for valore in [*CONTATTI.values(), "Nota interna"] if valore in html]
    assert trovati == []


def test_il_codice_di_un_ente_cremonese_mostra_solo_nome_e_tipo(
    client, ufficio_piano_crema, ente_cremonese
):
    client.force_login(ufficio_piano_crema)
    prima = _fotografia()
    risposta = client.post(_url(), _dati(ente_cremonese))
    assert risposta.status_code == 200
    html = risposta.content.decode()
    _nessun_contatto(html)
    avviso = trova(risposta, data_testid="ente-esistente")
    assert len(avviso) == 1
    assert "Cooperativa La Rete" in html
    assert "Cooperativa sociale" in html
    (bottone,) = trova(avviso[0], "button", name="azione", value="collega")
    assert _testo(bottone) == "Collega questo ente al registro dell'ambito"
    # What the officer typed comes back to her, nothing else.
    assert 'value="scritta.dal.cremasco@example.org"' in html
    assert _fotografia() == prima


def test_anche_con_errori_nell_iscrizione_i_recapiti_restano_nascosti(
    client, ufficio_piano_crema, ente_cremonese
):
    client.force_login(ufficio_piano_crema)
    dati = _dati(ente_cremonese, **{"iscrizione-data_iscrizione": "", "azione": "collega"})
    risposta = client.post(_url(), dati)
    assert risposta.status_code == 200
    _nessun_contatto(risposta.content.decode())
    assert not Iscrizione.objects.filter(ambito__slug="cremasco").exists()


def test_collegare_crea_solo_l_iscrizione(
    client, ufficio_piano_crema, ente_cremonese, iscrizione_cremona, cremasco
):
    client.force_login(ufficio_piano_crema)
    enti_prima, iscrizioni_prima = _fotografia()
    risposta = client.post(_url(), _dati(ente_cremonese, azione="collega"))
    assert risposta.status_code == 302
    nuova = Iscrizione.objects.get(ambito=cremasco)
    assert risposta["Location"] == reverse(
        "ambiti:iscrizione-dettaglio", kwargs={"slug": "cremasco", "pk": nuova.pk}
    )
    assert (nuova.ente, nuova.data_iscrizione, nuova.note) == (
        ente_cremonese,
        datetime.date(2025, 2, 1),
        "Segnalato dal tavolo anziani",
    )
    enti_dopo, iscrizioni_dopo = _fotografia()
    # The ente is not rewritten with what the Cremasco typed; the Cremonese's entry is as it was.
    assert enti_dopo == enti_prima
    assert [i for i in iscrizioni_dopo if i["id"] != nuova.pk] == iscrizioni_prima


def test_un_ente_gia_nel_registro_dell_ambito_rimanda_alla_sua_iscrizione(
    client, ufficio_piano_crema, iscrizione_crema
):
    client.force_login(ufficio_piano_crema)
    prima = _fotografia()
    for dati in (_dati(iscrizione_crema.ente), _dati(iscrizione_crema.ente, azione="collega")):
        risposta = client.post(_url(), dati)
        assert risposta.status_code == 200
        avviso = trova(risposta, data_testid="ente-esistente")[0]
        dettaglio = reverse(
            "ambiti:iscrizione-dettaglio", kwargs={"slug": "cremasco", "pk": iscrizione_crema.pk}
        )
        assert trova(avviso, "a", href=dettaglio)
        assert not trova(avviso, "button", name="azione")
    assert _fotografia() == prima


def test_collega_senza_un_ente_esistente_iscrive_un_ente_nuovo_normalmente(
    client, ufficio_piano_crema, cremasco
):
    client.force_login(ufficio_piano_crema)
    dati = _dati(Ente(codice_fiscale=""), azione="collega")
    assert client.post(_url(), dati).status_code == 302
    assert Iscrizione.objects.get(ambito=cremasco).ente.email == "scritta.dal.cremasco@example.org"


@pytest.mark.parametrize(
    ("persona", "atteso"),
    [("operatore_crema", 403), ("sindaco_crema", 403), ("ufficio_piano_cremona", 404)],
)
def test_chi_non_gestisce_il_registro_non_collega_e_non_vede(
    client, request, ente_cremonese, persona, atteso
):
    client.force_login(request.getfixturevalue(persona))
    prima = _fotografia()
    risposta = client.post(_url(), _dati(ente_cremonese, azione="collega"))
    assert risposta.status_code == atteso
    _nessun_contatto(risposta.content.decode())
    assert _fotografia() == prima


def test_il_cremonese_non_collega_sotto_l_indirizzo_del_cremasco(
    client, ufficio_piano_cremona, cremasco
):
    ente = IscrizioneFactory(ambito=cremasco).ente
    client.force_login(ufficio_piano_cremona)
    prima = _fotografia()
    assert client.post(_url(), _dati(ente, azione="collega")).status_code == 404
    assert _fotografia() == prima


def test_anonimo_va_al_login(client, ente_cremonese):
    risposta = client.post(_url(), _dati(ente_cremonese, azione="collega"))
    assert risposta.status_code == 302
    assert risposta["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("metodo", ["put", "patch", "delete"])
def test_metodo_sbagliato(client, ufficio_piano_crema, ente_cremonese, metodo):
    client.force_login(ufficio_piano_crema)
    prima = _fotografia()
    assert getattr(client, metodo)(_url()).status_code == 405
    assert _fotografia() == prima
