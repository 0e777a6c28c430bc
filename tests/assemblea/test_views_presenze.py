"""The secretary records the people present in the room for many comuni at once: the sindaco in
office by default, a name only where needed, all or nothing."""

import pytest

from ambiti.models import Comune
from assemblea.models import Delega, Presenza, Seduta
from tests.assemblea.test_views_sedute import crea_regola, crea_seduta, url
from tests.utils.html import testo as leggi
from tests.utils.html import trova, uno

pytestmark = pytest.mark.django_db


@pytest.fixture
def seduta(cremasco, ufficio_piano_crema):
    crea_regola(cremasco, ufficio_piano_crema)
    return crea_seduta(cremasco, ufficio_piano_crema)


@pytest.fixture
def up(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    return client


def _comuni(*nomi):
    return [Comune.objects.get(nome=n) for n in nomi]


def _errori(risposta, campo):
    return list(risposta.context["form"].errors.get(campo, []))


def test_molti_comuni_in_una_volta(up, seduta, sindaco_crema, delegato_pandino):
    crema, offanengo, pandino = _comuni("Crema", "Offanengo", "Pandino")
    Delega.objects.create(seduta=seduta, comune=pandino, delegato=delegato_pandino, atto="d. 5")
    risposta = up.post(
        url("presenze", seduta),
        {
            "comuni": [crema.pk, offanengo.pk, pandino.pk],
            # Crema: nothing to write, its sindaco in office. Offanengo: no sindaco on record,
            # so a name. Pandino: the delegate of the recorded delegation.
            f"persona_{offanengo.pk}": "Gianni Rossoni",
            f"qualita_{pandino.pk}": "delegato",
        },
        follow=True,
    )
    presenze = {p.comune.nome: (p.persona, p.qualita, p.via) for p in Presenza.objects.all()}
    assert presenze == {
        "Crema": (sindaco_crema.get_full_name(), "sindaco", "segreteria"),
        "Offanengo": ("Gianni Rossoni", "sindaco", "segreteria"),
        "Pandino": (delegato_pandino.get_full_name(), "delegato", "segreteria"),
    }
    assert Presenza.objects.filter(registrata_da__username="up_crema").count() == 3
    [messaggio] = [str(m) for m in risposta.context["messages"]]
    assert messaggio.startswith("Presenze registrate: Crema, ")
    assert "Offanengo, Gianni Rossoni" in messaggio
    assert "3 comuni su 48" in leggi(uno(risposta, data_testid="conteggi"))


def test_il_modulo_propone_il_sindaco_in_carica(up, seduta, sindaco_crema):
    pagina = up.get(url("presenze", seduta))
    righe = {
        dict(r.attributes)["data-comune"]: leggi(r)
        for r in trova(pagina, data_testid="riga-modulo-presenza")
    }
    assert len(righe) == 48
    assert sindaco_crema.get_full_name() in righe["Crema"]
    assert "nessun sindaco registrato" in righe["Offanengo"]


def test_tutto_o_niente_con_errori_per_riga(up, seduta, sindaco_crema):
    crema, offanengo, pandino = _comuni("Crema", "Offanengo", "Pandino")
    risposta = up.post(
        url("presenze", seduta),
        {
            "comuni": [crema.pk, offanengo.pk, pandino.pk],
            f"qualita_{pandino.pk}": "delegato",
        },
    )
    assert risposta.status_code == 200
    assert _errori(risposta, f"persona_{offanengo.pk}") == [
        "Per Offanengo non risulta un sindaco in carica nel portale: indica il nome di chi è "
        "presente."
    ]
    assert _errori(risposta, f"qualita_{pandino.pk}") == [
        "Per Pandino non è registrata una delega per questa seduta: registrala prima nelle deleghe."
    ]
    assert not Presenza.objects.exists()
    # The ticks and the names typed stay, next to their errors.
    html = risposta.content.decode()
    assert f'id="presente-{crema.pk}" checked' in html
    assert 'aria-invalid="true"' in html
    assert "correggi le righe segnalate" in leggi(uno(risposta, data_testid="errori-presenze"))


def test_le_righe_del_modulo_tengono_quanto_scritto_accanto_agli_errori(up, seduta):
    # The rows are written in Python (assemblea.presenze_html): what a template gave for free,
    # escaping, labels, the error tied to its field, must hold there too.
    crema, offanengo, pandino = _comuni("Crema", "Offanengo", "Pandino")
    risposta = up.post(
        url("presenze", seduta),
        {
            "comuni": [offanengo.pk, pandino.pk],
            f"persona_{crema.pk}": 'Anna "la <vice>" Rossi',
            f"qualita_{crema.pk}": "delegato",
            f"qualita_{pandino.pk}": "delegato",
        },
    )
    assert risposta.status_code == 200
    riga = uno(risposta, "tr", data_testid="riga-modulo-presenza", data_comune="Crema")
    nome = uno(riga, "input", name=f"persona_{crema.pk}")
    assert dict(nome.attributes)["value"] == 'Anna "la <vice>" Rossi'
    assert "<vice>" not in risposta.content.decode()
    scelta = uno(riga, "select", name=f"qualita_{crema.pk}")
    assert [
        dict(o.attributes)["value"]
        for o in trova(scelta, "option")
        if "selected" in dict(o.attributes)
    ] == ["delegato"]
    for campo in (nome, scelta):
        attributi = dict(campo.attributes)
        assert leggi(uno(riga, "label", **{"for": attributi["id"]})) in {
            "Nome e cognome, per Crema",
            "In qualità di, per Crema",
        }
    assert "aria-invalid" not in dict(scelta.attributes)
    assert "checked" not in dict(uno(riga, "input", type="checkbox").attributes)
    # Pandino, ticked as delegato with no delegation: the error next to its select.
    riga = uno(risposta, "tr", data_testid="riga-modulo-presenza", data_comune="Pandino")
    scelta = uno(riga, "select", name=f"qualita_{pandino.pk}")
    attributi = dict(scelta.attributes)
    assert attributi["aria-invalid"] == "true" and "is-invalid" in attributi["class"]
    errore = uno(riga, id=attributi["aria-describedby"])
    assert leggi(errore).startswith("Per Pandino non è registrata una delega")
    assert "checked" in dict(uno(riga, "input", type="checkbox").attributes)


def test_il_registro_scritto_in_python_mostra_chi_quando_e_l_uscita_con_il_suo_token(
    ufficio_piano_crema, seduta
):
    # The register's rows are written in Python (assemblea.presenze_html): escaping, the local
    # time, and an exit button whose form passes the CSRF check.
    import datetime

    from django.test import Client

    crema, offanengo = _comuni("Crema", "Offanengo")
    entrata = datetime.datetime(2026, 3, 2, 17, 5, tzinfo=datetime.UTC)
    Presenza.objects.create(
        seduta=seduta,
        comune=crema,
        persona="Anna <b>Rossi</b>",
        qualita="sindaco",
        via="segreteria",
    )
    Presenza.objects.create(
        seduta=seduta, comune=offanengo, persona="Gianni", qualita="delegato", via="online"
    )
    # The times are set by the database on entry: put them where the test can read them.
    Presenza.objects.filter(comune=crema).update(entrata_il=entrata)
    Presenza.objects.filter(comune=offanengo).update(
        entrata_il=entrata, uscita_il=entrata + datetime.timedelta(minutes=40)
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(ufficio_piano_crema)
    pagina = client.get(url("presenze", seduta))
    assert "<b>Rossi</b>" not in pagina.content.decode()
    riga = uno(pagina, "tr", data_testid="riga-presenza", data_comune="Crema")
    # 17:05 UTC is 18:05 in Rome in March.
    assert "18:05" in leggi(riga)
    assert "Anna <b>Rossi</b>" in leggi(riga)
    uscito = uno(pagina, "tr", data_testid="riga-presenza", data_comune="Offanengo")
    assert "uscito" in leggi(uscito) and "18:05 – uscita 18:45" in leggi(uscito)
    assert not trova(uscito, "form")
    [modulo] = trova(riga, "form")
    token = dict(uno(modulo, "input", name="csrfmiddlewaretoken").attributes)["value"]
    risposta = client.post(dict(modulo.attributes)["action"], {"csrfmiddlewaretoken": token})
    assert risposta.status_code == 302
    assert Presenza.objects.get(comune=crema).uscita_il is not None


def test_nessun_comune_spuntato(up, seduta):
    risposta = up.post(url("presenze", seduta), {})
    assert _errori(risposta, "comuni") == ["Spunta almeno un comune presente in sala."]


def test_il_sindaco_non_registra_gli_altri(client, seduta, sindaco_crema):
    client.force_login(sindaco_crema)
    crema, offanengo = _comuni("Crema", "Offanengo")
    risposta = client.post(
        url("presenze", seduta),
        {"comuni": [crema.pk, offanengo.pk], f"persona_{offanengo.pk}": "Gianni Rossoni"},
    )
    assert risposta.status_code == 403
    assert not Presenza.objects.exists()
    assert not trova(client.get(url("presenze", seduta)), data_testid="form-presenza")


def test_rifiutato_a_seduta_chiusa(up, seduta, sindaco_crema):
    Seduta.objects.filter(pk=seduta.pk).update(stato=Seduta.Stato.CHIUSA)
    (crema,) = _comuni("Crema")
    risposta = up.post(url("presenze", seduta), {"comuni": [crema.pk]}, HTTP_HX_REQUEST="true")
    assert risposta.status_code == 409
    assert not Presenza.objects.exists()
