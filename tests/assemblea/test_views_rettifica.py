"""A paper ballot never silently overwrites what a comune cast online: the secretary's paper
ballot is refused, unless it is a stated correction, which is logged with its reason, told to the
comune's sindaco (never with a choice in a secret ballot) and listed in the minutes."""

import pytest
from django.urls import reverse

from ambiti.models import Comune
from assemblea import services
from assemblea.models import EventoVoto, RegolaVoto, Voto
from tests.assemblea.test_views_verbale import _c
from tests.assemblea.test_views_verbale import _testo as _testo_pdf
from tests.assemblea.test_views_voto import _punto, _rapp, _regola, _seduta, _url, _votazione
from tests.utils.fotografia import fotografia
from tests.utils.html import testo as _testo
from tests.utils.html import trova, uno

MOTIVO = "Il sindaco ha consegnato in aula la scheda firmata: il voto online era un errore."
# Stems of every choice, in any case or inflection.
SCELTE = ("avorevol", "ontrari", "stenut")


@pytest.fixture
def segreta(cremasco, ufficio_piano_crema):
    regola = _regola(
        cremasco,
        ufficio_piano_crema,
        scrutinio=RegolaVoto.Scrutinio.SEGRETO,
        astenuti_nel_quorum=False,
        astenuti_tra_i_votanti=False,
    )
    return _votazione(_punto(_seduta(cremasco, ufficio_piano_crema)), regola, ufficio_piano_crema)


@pytest.fixture
def crema():
    return Comune.objects.get(nome="Crema")


def _cartaceo(crema, **campi):
    return {
        "comune": crema.pk,
        "scelta": "favorevole",
        "persona": "Fabio Bergamaschi",
        "qualita": "sindaco",
    } | campi


def _vota_online(votazione, sindaco_crema):
    return services.vota(votazione, _rapp("Crema"), "contrario", utente=sindaco_crema)


def _stato():
    return fotografia(Voto, EventoVoto)


def test_un_voto_cartaceo_su_un_voto_online_e_rifiutato(
    client, segreta, crema, sindaco_crema, ufficio_piano_crema, mailoutbox
):
    online = _vota_online(segreta, sindaco_crema)
    prima = _stato()
    client.force_login(ufficio_piano_crema)
    for dati in (_cartaceo(crema), _cartaceo(crema, motivo=MOTIVO)):
        risposta = client.post(_url("voto-cartaceo", segreta.punto), dati)
        assert risposta.status_code == 200
        errore = _c(_testo(uno(risposta, data_testid="form-cartaceo")))
        assert _c("Crema ha già votato online in questa votazione") in errore
        assert _c("il voto cartaceo non è stato registrato") in errore
        assert _stato() == prima
    # The box ticked but no reason: asked next to the field, nothing stored.
    risposta = client.post(
        _url("voto-cartaceo", segreta.punto), _cartaceo(crema, rettifica="on", motivo="  ")
    )
    assert "Scrivi il motivo della rettifica." in _testo(uno(risposta, data_testid="form-cartaceo"))
    assert _stato() == prima
    voto = Voto.objects.get(votazione=segreta, comune=crema)
    assert (voto.ricevuta, voto.scelta, voto.canale) == (online.ricevuta, "contrario", "online")
    assert not mailoutbox
    # The online ballot is the one counted.
    risultato = services.chiudi_votazione(segreta, utente=ufficio_piano_crema).risultato
    assert (risultato["contrari"]["teste"], risultato["favorevoli"]["teste"]) == (1, 0)


def test_il_servizio_rifiuta_il_cartaceo_senza_motivo(segreta, sindaco_crema, ufficio_piano_crema):
    _vota_online(segreta, sindaco_crema)
    with pytest.raises(services.RettificaNecessaria):
        services.vota(
            segreta, _rapp("Crema"), "favorevole", utente=ufficio_piano_crema, canale="cartaceo"
        )
    assert Voto.objects.get(votazione=segreta).canale == "online"


def test_un_cartaceo_senza_voto_online_non_e_una_rettifica(
    client, segreta, crema, ufficio_piano_crema, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(ufficio_piano_crema)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("voto-cartaceo", segreta.punto), _cartaceo(crema))
        # The secretary corrects her own paper entry: no online ballot to protect.
        client.post(_url("voto-cartaceo", segreta.punto), _cartaceo(crema, scelta="contrario"))
    assert Voto.objects.get(votazione=segreta).scelta == "contrario"
    assert not EventoVoto.objects.filter(rettifica=True).exists()
    assert not mailoutbox


def test_la_rettifica_dichiarata_sostituisce_il_voto_online_e_lo_dice_al_sindaco(
    client,
    segreta,
    crema,
    sindaco_crema,
    ufficio_piano_crema,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    ufficio_piano_crema.first_name, ufficio_piano_crema.last_name = "Giulia", "Ferrari"
    ufficio_piano_crema.save()
    _vota_online(segreta, sindaco_crema)
    client.force_login(ufficio_piano_crema)
    with django_capture_on_commit_callbacks(execute=True):
        risposta = client.post(
            _url("voto-cartaceo", segreta.punto),
            _cartaceo(crema, rettifica="on", motivo=f"  {MOTIVO} "),
        )
    assert risposta.status_code == 302
    voto = Voto.objects.get(votazione=segreta, comune=crema)
    assert (voto.scelta, voto.canale, voto.espresso_da) == (
        "favorevole",
        "cartaceo",
        ufficio_piano_crema,
    )
    evento = EventoVoto.objects.get(ricevuta=voto.ricevuta)
    assert (evento.rettifica, evento.motivo_rettifica, evento.utente) == (
        True,
        MOTIVO,
        ufficio_piano_crema,
    )
    assert evento.scelta == ""  # a secret ballot keeps no choice in the log

    # The sindaco is told: when, by whom, why; never what either ballot was.
    (messaggio,) = mailoutbox
    assert messaggio.to == [sindaco_crema.email]
    assert "Crema" in messaggio.subject
    assert "Rettifica" in messaggio.subject
    assert MOTIVO in messaggio.body
    assert "Giulia Ferrari" in messaggio.body
    assert "Approvazione del Piano di Zona" in messaggio.body
    for parola in SCELTE:
        assert parola not in messaggio.subject + messaggio.body

    # The secretary's log shows it, with its reason and no choice.
    registro = client.get(_url("votazione-eventi", segreta.punto))
    (riga,) = trova(registro, data_testid="evento", data_rettifica="si")
    assert MOTIVO in _testo(uno(riga, data_testid="motivo-rettifica"))
    tabella = _testo(uno(registro, data_testid="eventi"))
    for parola in SCELTE:
        assert parola not in tabella

    # The corrected ballot is the one counted.
    risultato = services.chiudi_votazione(segreta, utente=ufficio_piano_crema).risultato
    assert (risultato["favorevoli"]["teste"], risultato["contrari"]["teste"]) == (1, 0)

    # The minutes list the correction: comune, time, author, reason; no choice.
    services.chiudi_seduta(segreta.punto.seduta, utente=ufficio_piano_crema)
    pdf = client.get(
        reverse("assemblea:verbale-pdf", args=["cremasco", segreta.punto.seduta_id])
    ).content
    verbale = _testo_pdf(pdf)
    assert _c("Rettifiche della segreteria") in _c(verbale)
    assert _c(MOTIVO) in _c(verbale)
    assert _c("Giulia Ferrari") in _c(verbale)
    assert "Crema" in verbale
    assert "Favorevole" not in verbale and "Contrario" not in verbale


def test_in_uno_scrutinio_palese_la_notizia_non_riporta_comunque_il_voto(
    client,
    cremasco,
    crema,
    sindaco_crema,
    ufficio_piano_crema,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    regola = _regola(cremasco, ufficio_piano_crema)
    votazione = _votazione(_punto(_seduta(cremasco, ufficio_piano_crema)), regola, None)
    _vota_online(votazione, sindaco_crema)
    client.force_login(ufficio_piano_crema)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            _url("voto-cartaceo", votazione.punto),
            _cartaceo(crema, rettifica="on", motivo=MOTIVO),
        )
    assert EventoVoto.objects.get(rettifica=True).scelta == "favorevole"
    (messaggio,) = mailoutbox
    assert MOTIVO in messaggio.body
    for parola in SCELTE:
        assert parola not in messaggio.body


# --- Who may correct --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "atteso"),
    [("sindaco_crema", 403), ("delegato_pandino", 403), ("ufficio_piano_cremona", 404)],
)
def test_solo_la_segreteria_dell_ambito_rettifica(
    client, request, segreta, crema, sindaco_crema, persona, atteso, mailoutbox
):
    _vota_online(segreta, sindaco_crema)
    prima = _stato()
    client.force_login(request.getfixturevalue(persona))
    risposta = client.post(
        _url("voto-cartaceo", segreta.punto), _cartaceo(crema, rettifica="on", motivo=MOTIVO)
    )
    assert risposta.status_code == atteso
    assert _stato() == prima
    assert not mailoutbox


def test_rettifica_anonimo_e_metodo_sbagliato(
    client, segreta, crema, sindaco_crema, ufficio_piano_crema
):
    _vota_online(segreta, sindaco_crema)
    prima = _stato()
    dati = _cartaceo(crema, rettifica="on", motivo=MOTIVO)
    risposta = client.post(_url("voto-cartaceo", segreta.punto), dati)
    assert risposta.status_code == 302
    assert risposta["Location"].startswith(reverse("accounts:login"))
    client.force_login(ufficio_piano_crema)
    assert client.get(_url("voto-cartaceo", segreta.punto), dati).status_code == 405
    assert _stato() == prima
