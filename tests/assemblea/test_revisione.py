"""Cases found in review: a vote that could never close, a paper 'delegate' without delegation,
a version offered twice for approval, a population source the form ignored, the admin and a
secret ballot."""

import datetime

from django.urls import reverse

from ambiti.models import Comune, Popolazione
from assemblea.models import Presenza, PuntoOdg, RegolaVoto, Votazione, Voto
from assemblea.services import Rappresentanza, vota
from tests.assemblea.test_views_sedute import (
    _dati_regola,
    crea_regola,
    crea_seduta,
    crea_versione,
    url,
)
from tests.assemblea.test_views_voto import _punto, _regola, _seduta, _url, _votazione


def test_voto_cartaceo_da_delegato_senza_delega_rifiutato(client, cremasco, ufficio_piano_crema):
    regola = _regola(cremasco, ufficio_piano_crema)
    votazione = _votazione(
        _punto(_seduta(cremasco, ufficio_piano_crema)), regola, ufficio_piano_crema
    )
    client.force_login(ufficio_piano_crema)
    risposta = client.post(
        _url("voto-cartaceo", votazione.punto),
        {
            "comune": Comune.objects.get(nome="Pandino").pk,
            "scelta": "favorevole",
            "persona": "Mario Rossi",
            "qualita": "delegato",
        },
    )
    assert "Per Pandino non è registrata una delega in questa seduta." in risposta.content.decode()
    assert not Voto.objects.exists() and not Presenza.objects.exists()


def test_una_versione_gia_all_ordine_del_giorno_non_si_propone_due_volte(
    client, cremasco, ufficio_piano_crema
):
    versione = crea_versione(cremasco, ufficio_piano_crema)
    prima = crea_seduta(cremasco, ufficio_piano_crema, titolo="Prima")
    PuntoOdg.objects.create(seduta=prima, ordine=1, titolo="Approvazione", versione_piano=versione)
    seconda = crea_seduta(cremasco, ufficio_piano_crema, titolo="Seconda")
    client.force_login(ufficio_piano_crema)
    risposta = client.post(
        url("punto-aggiungi", seconda),
        {"ordine": 1, "titolo": "Di nuovo", "versione_piano": versione.pk},
    )
    assert not seconda.punti.exists()
    assert "è già all&#x27;ordine del giorno di un&#x27;altra seduta" in risposta.content.decode()


def test_con_due_fonti_alla_stessa_data_la_fonte_indicata_basta(
    client, cremasco, ufficio_piano_crema
):
    data = datetime.date(2020, 1, 1)
    for fonte in ("ANPR", "ISTAT"):
        Popolazione.objects.bulk_create(
            Popolazione(comune=c, fonte=fonte, data_riferimento=data, residenti=100)
            for c in Comune.objects.filter(ambito=cremasco)
        )
    client.force_login(ufficio_piano_crema)
    dati = _dati_regola(data_popolazione="2020-01-01", fonte_popolazione="ANPR")
    risposta = client.post(url("regola-nuova", slug="cremasco"), dati)
    assert risposta.status_code == 302
    assert RegolaVoto.objects.get(ambito=cremasco).fonte_popolazione == "ANPR"
    risposta = client.post(url("regola-nuova", slug="cremasco"), dati | {"fonte_popolazione": ""})
    assert "ci sono più rilevazioni al 01/01/2020" in risposta.content.decode()
    assert RegolaVoto.objects.filter(ambito=cremasco).count() == 1


def test_l_admin_non_mostra_la_scelta_di_uno_scrutinio_segreto(
    admin_client, cremasco, ufficio_piano_crema
):
    crea_regola(cremasco, ufficio_piano_crema)
    votazioni = []
    for scrutinio in ("palese", "segreto"):
        regola = _regola(cremasco, ufficio_piano_crema, scrutinio=scrutinio)
        punto = _punto(_seduta(cremasco, ufficio_piano_crema, titolo=scrutinio))
        votazioni.append(_votazione(punto, regola, ufficio_piano_crema))
    crema = Comune.objects.get(nome="Crema")
    for votazione in votazioni:
        vota(votazione, Rappresentanza(crema, "sindaco", "Paolo Verdi"), "contrario", utente=None)
    palese, segreto = (Voto.objects.get(votazione=v) for v in votazioni)
    pagina = lambda voto: admin_client.get(  # noqa: E731
        reverse("admin:assemblea_voto_change", args=[voto.pk])
    ).content.decode()
    assert 'name="scelta"' in pagina(palese) or "Contrario" in pagina(palese)
    assert "Contrario" not in pagina(segreto) and 'name="scelta"' not in pagina(segreto)
    assert Votazione.objects.count() == 2
