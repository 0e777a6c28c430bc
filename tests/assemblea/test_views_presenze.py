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
