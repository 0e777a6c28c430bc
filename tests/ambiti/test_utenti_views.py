"""The Ufficio di Piano manages its ambito's people: the list and its filters, invitations by
e-mail or tax code, roles given and revoked, accounts switched off and on."""

import datetime
import itertools
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Ruolo
from ambiti.models import Comune
from tests.conftest import PASSWORD
from tests.factories import RuoloFactory, UserFactory, codice_fiscale_persona
from tests.utils.html import testo_visibile as _testo
from tests.utils.html import trova

User = get_user_model()
Tipo = Ruolo.Tipo
OGGI = datetime.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def oggi(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC), tick=False)


def _url(nome, *args, slug="cremasco"):
    return reverse(f"ambiti:{nome}", args=[slug, *args])


@pytest.fixture
def up(client, ufficio_piano_crema):
    client.force_login(ufficio_piano_crema)
    return client


def _invito(**dati):
    return {
        "nome": "Giulia",
        "cognome": "Bianchi",
        "email": "giulia.bianchi@example.org",
        "codice_fiscale": "",
        "tipo": Tipo.OPERATORE,
        "comune": "",
        "ente": "",
        "dal": "2026-03-10",
        "al": "",
        **dati,
    }


# --- The list -------------------------------------------------------------------------------------


def test_l_elenco_mostra_le_persone_dell_ambito_con_i_ruoli_e_gli_stati(
    up, cremasco, sindaco_crema, sindaco_cremona, operatore_crema
):
    crema = Comune.objects.get(nome="Crema")
    uscente = UserFactory(username="uscente", first_name="Piero", last_name="Uscente")
    RuoloFactory(
        user=uscente,
        tipo=Tipo.SINDACO,
        ambito=cremasco,
        comune=crema,
        dal=datetime.date(2019, 6, 1),
        al=datetime.date(2024, 6, 9),
        attivo=False,
    )
    futuro = UserFactory(username="futuro")
    RuoloFactory(user=futuro, tipo=Tipo.OPERATORE, ambito=cremasco, dal=datetime.date(2026, 4, 1))
    risposta = up.get(_url("utenti"))
    assert risposta.status_code == 200
    html = risposta.content.decode()
    assert "sindaco_crema" in html and "operatore_crema" in html and "uscente" in html
    assert "sindaco_cremona" not in html
    stati = {dict(el.attributes)["data-stato"] for el in trova(risposta, data_testid="stato-ruolo")}
    assert stati == {"in_corso", "concluso", "futuro"}
    assert "dal 01/06/2019 al 09/06/2024" in _testo(trova(risposta, "table")[0])


@pytest.mark.parametrize(
    ("filtro", "attesi"),
    [
        ({"tipo": "sindaco"}, {"sindaco_crema", "uscente"}),
        ({"stato": "in_corso"}, {"sindaco_crema", "operatore_crema", "up_crema"}),
        ({"stato": "concluso"}, {"uscente"}),
        ({"stato": "revocato"}, {"revocato"}),
        ({"tipo": "sindaco", "stato": "in_corso"}, {"sindaco_crema"}),
        ({"q": "Uscente"}, {"uscente"}),
        ({"q": "RSSMRA80A01H00"}, {"revocato"}),
    ],
)
def test_i_filtri_dell_elenco(up, cremasco, sindaco_crema, operatore_crema, filtro, attesi):
    uscente = UserFactory(username="uscente", last_name="Uscente")
    RuoloFactory(
        user=uscente,
        tipo=Tipo.SINDACO,
        ambito=cremasco,
        comune=Comune.objects.get(nome="Crema"),
        dal=datetime.date(2019, 6, 1),
        al=datetime.date(2024, 6, 9),
    )
    revocato = UserFactory(username="revocato", codice_fiscale=codice_fiscale_persona(1))
    RuoloFactory(user=revocato, tipo=Tipo.OPERATORE, ambito=cremasco, attivo=False, dal=OGGI)
    risposta = up.get(_url("utenti"), filtro)
    righe = trova(risposta, "tr", data_testid="utente")
    trovati = {dict(r.attributes)["data-username"] for r in righe}
    assert trovati == attesi


# --- Invitations ----------------------------------------------------------------------------------


def test_l_invito_crea_l_account_e_il_link_dell_e_mail_fa_scegliere_la_password(
    up, client, cremasco, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        risposta = up.post(_url("invita-utente"), _invito())
    assert risposta.status_code == 302
    giulia = User.objects.get(email="giulia.bianchi@example.org")
    assert giulia.username == "giulia.bianchi"
    assert not giulia.has_usable_password()
    assert not giulia.is_staff and not giulia.is_superuser
    (ruolo,) = giulia.ruoli.all()
    assert (ruolo.tipo, ruolo.ambito, ruolo.dal, ruolo.al) == (Tipo.OPERATORE, cremasco, OGGI, None)
    (messaggio,) = mail.outbox
    assert messaggio.to == ["giulia.bianchi@example.org"]
    link = re.search(r"https?://\S+/account/password/recupero/\S+/", messaggio.body).group(0)
    percorso = "/" + link.split("/", 3)[3]

    client.logout()
    risposta = client.get(percorso, follow=True)
    assert risposta.status_code == 200
    pagina_password = risposta.redirect_chain[-1][0]
    risposta = client.post(
        pagina_password,
        {"new_password1": "Una-Password-Nuova-42", "new_password2": "Una-Password-Nuova-42"},
    )
    assert risposta.status_code == 302
    risposta = client.post(
        reverse("accounts:login"),
        {"username": "giulia.bianchi", "password": "Una-Password-Nuova-42"},
    )
    assert risposta.status_code == 302
    assert client.get(reverse("cruscotto", args=["cremasco"])).status_code == 200
    # The link works once.
    client.logout()
    assert client.get(percorso, follow=True).context["validlink"] is False


def test_username_libero_e_unico(up, cremasco):
    UserFactory(username="giulia.bianchi", email="altra@example.org")
    up.post(_url("invita-utente"), _invito(nome="Giulia ", cognome="Bianchi"))
    assert User.objects.get(email="giulia.bianchi@example.org").username == "giulia.bianchi2"
    up.post(_url("invita-utente"), _invito(nome="Élodie", cognome="D'Àrco <b>", email="e@ex.org"))
    assert User.objects.get(email="e@ex.org").username == "elodie.darco.b"


def test_registrazione_per_spid_senza_e_mail(up, cremasco):
    codice = codice_fiscale_persona(7)
    risposta = up.post(
        _url("invita-utente"),
        _invito(email="", codice_fiscale=codice.lower(), tipo=Tipo.SINDACO, comune=_crema().pk),
    )
    assert risposta.status_code == 302
    persona = User.objects.get(codice_fiscale=codice)
    assert persona.email == "" and not persona.has_usable_password()
    assert persona.ruoli.get().comune == _crema()
    assert mail.outbox == []


def _crema():
    return Comune.objects.get(nome="Crema")


@pytest.mark.parametrize(
    ("dati", "campo", "messaggio"),
    [
        ({"email": "", "codice_fiscale": ""}, "email", "oppure il codice fiscale"),
        ({"codice_fiscale": "RSSMRA80A01H501X"}, "codice_fiscale", "Codice fiscale non valido"),
        ({"tipo": Tipo.SINDACO}, "comune", "Indica il comune"),
        ({"tipo": Tipo.ENTE}, "ente", "Indica l'ente"),
        ({"al": "2026-03-01"}, "al", "non può precedere"),
    ],
)
def test_invito_con_dati_sbagliati_errore_accanto_al_campo(up, dati, campo, messaggio):
    risposta = up.post(_url("invita-utente"), _invito(**dati))
    assert risposta.status_code == 200
    assert messaggio in " ".join(risposta.context["form"].errors[campo])
    assert not User.objects.filter(first_name="Giulia").exists()


def test_reinvitare_la_stessa_persona_aggiunge_il_ruolo_senza_duplicarla(
    up, cremasco, iscrizione_crema
):
    up.post(_url("invita-utente"), _invito())
    risposta = up.post(
        _url("invita-utente"),
        _invito(email="GIULIA.bianchi@example.org", tipo=Tipo.ENTE, ente=iscrizione_crema.ente.pk),
        follow=True,
    )
    assert "era già registrata" in risposta.content.decode()
    giulia = User.objects.get(email="giulia.bianchi@example.org")
    assert sorted(giulia.ruoli.values_list("tipo", flat=True)) == [Tipo.ENTE, Tipo.OPERATORE]
    # By tax code too, and the code completes the account of a person of this ambito only.
    codice = codice_fiscale_persona(3)
    up.post(
        _url("invita-utente"),
        _invito(codice_fiscale=codice, tipo=Tipo.DELEGATO, comune=_crema().pk),
    )
    giulia.refresh_from_db()
    assert giulia.codice_fiscale == codice
    assert User.objects.filter(first_name="Giulia").count() == 1


def test_la_persona_di_un_altro_ambito_riceve_il_ruolo_senza_mostrare_l_altro_ambito(
    up, cremasco, cremonese, sindaco_cremona
):
    risposta = up.post(
        _url("invita-utente"),
        _invito(email=sindaco_cremona.email, nome="X", cognome="Y", tipo=Tipo.OPERATORE),
        follow=True,
    )
    assert risposta.status_code == 200
    html = risposta.content.decode()
    assert "Cremona" not in html.replace("cremonese", "")
    assert set(sindaco_cremona.ruoli.values_list("ambito__slug", flat=True)) == {
        "cremonese",
        "cremasco",
    }
    assert mail.outbox == []  # she already has a password
    # Her page here shows only the roles of this ambito.
    dettaglio = up.get(_url("utente", sindaco_cremona.pk)).content.decode()
    assert "Comune di Cremona" not in dettaglio and "Operatore" in dettaglio
    # The tax code of someone who is elsewhere is not this Ufficio's to set.
    altra = UserFactory(username="altra", email="altra@example.org")
    RuoloFactory(user=altra, tipo=Tipo.OPERATORE, ambito=cremonese)
    risposta = up.post(
        _url("invita-utente"),
        _invito(email="altra@example.org", codice_fiscale=codice_fiscale_persona(9)),
    )
    assert "codice_fiscale" in risposta.context["form"].errors
    altra.refresh_from_db()
    assert altra.codice_fiscale is None and not altra.ruoli.filter(ambito=cremasco).exists()


def test_e_mail_e_codice_fiscale_di_due_persone_diverse(up, cremasco):
    UserFactory(username="a", email="a@example.org")
    UserFactory(username="b", email="b@example.org", codice_fiscale=codice_fiscale_persona(4))
    risposta = up.post(
        _url("invita-utente"),
        _invito(email="a@example.org", codice_fiscale=codice_fiscale_persona(4)),
    )
    assert "un'altra persona" in " ".join(risposta.context["form"].errors["email"])
    assert not Ruolo.objects.filter(ambito=cremasco, user__username__in=["a", "b"]).exists()


# --- Roles ----------------------------------------------------------------------------------------


def _ruolo(**dati):
    return {"tipo": Tipo.OPERATORE, "comune": "", "ente": "", "dal": "2026-03-10", "al": "", **dati}


def test_assegnare_ogni_ruolo_dell_ambito(up, cremasco, senza_ruolo, iscrizione_crema):
    persona = UserFactory(username="persona")
    RuoloFactory(
        user=persona, tipo=Tipo.ENTE, ambito=cremasco, ente=iscrizione_crema.ente, attivo=False
    )
    pandino = Comune.objects.get(nome="Pandino")
    for dati in [
        _ruolo(),
        _ruolo(tipo=Tipo.DELEGATO, comune=pandino.pk, al="2026-12-31"),
        _ruolo(tipo=Tipo.ENTE, ente=iscrizione_crema.ente.pk),
    ]:
        risposta = up.post(_url("assegna-ruolo", persona.pk), dati)
        assert risposta.status_code == 302, risposta.context["form"].errors
    altro = UserFactory(username="altro")
    RuoloFactory(user=altro, tipo=Tipo.OPERATORE, ambito=cremasco)
    assert (
        up.post(_url("assegna-ruolo", altro.pk), _ruolo(tipo=Tipo.UFFICIO_PIANO)).status_code == 302
    )
    assert set(
        Ruolo.objects.attivi().filter(user__in=[persona, altro]).values_list("tipo", flat=True)
    ) == {
        Tipo.OPERATORE,
        Tipo.DELEGATO,
        Tipo.ENTE,
        Tipo.UFFICIO_PIANO,
    }


def test_un_sindaco_sovrapposto_e_rifiutato_accanto_alla_data(up, cremasco, sindaco_crema):
    persona = UserFactory(username="nuovo")
    RuoloFactory(user=persona, tipo=Tipo.OPERATORE, ambito=cremasco)
    risposta = up.post(
        _url("assegna-ruolo", persona.pk), _ruolo(tipo=Tipo.SINDACO, comune=_crema().pk)
    )
    assert risposta.status_code == 200
    assert "sindaco in carica" in " ".join(risposta.context["form"].errors["dal"])
    assert not persona.ruoli.filter(tipo=Tipo.SINDACO).exists()
    # Once the outgoing mandate has an end, the new one starts the day after.
    uscente = sindaco_crema.ruoli.get()
    up.post(_url("revoca-ruolo", sindaco_crema.pk, uscente.pk), {"al": "2026-06-14"})
    risposta = up.post(
        _url("assegna-ruolo", persona.pk),
        _ruolo(tipo=Tipo.SINDACO, comune=_crema().pk, dal="2026-06-15"),
    )
    assert risposta.status_code == 302
    assert persona.ruoli.get(tipo=Tipo.SINDACO).dal == datetime.date(2026, 6, 15)


def test_revoca_oggi_toglie_l_accesso_e_resta_nello_storico(up, client, operatore_crema):
    ruolo = operatore_crema.ruoli.get()
    assert up.get(_url("revoca-ruolo", operatore_crema.pk, ruolo.pk)).status_code == 200
    risposta = up.post(_url("revoca-ruolo", operatore_crema.pk, ruolo.pk), {"al": "2026-03-10"})
    assert risposta.status_code == 302
    ruolo.refresh_from_db()
    assert (ruolo.al, ruolo.attivo) == (OGGI, False)
    client.force_login(operatore_crema)
    assert client.get(reverse("cruscotto", args=["cremasco"])).status_code == 404


def test_revoca_con_una_data_futura_il_ruolo_vale_fino_ad_allora(up, operatore_crema):
    ruolo = operatore_crema.ruoli.get()
    up.post(_url("revoca-ruolo", operatore_crema.pk, ruolo.pk), {"al": "2026-04-30"})
    ruolo.refresh_from_db()
    assert (ruolo.al, ruolo.attivo) == (datetime.date(2026, 4, 30), True)
    assert Ruolo.objects.attivi().filter(pk=ruolo.pk).exists()
    assert not Ruolo.objects.attivi(datetime.date(2026, 5, 1)).filter(pk=ruolo.pk).exists()


def test_l_ufficio_di_piano_non_revoca_il_proprio_ruolo(up, ufficio_piano_crema):
    """Decision: one's own UdP role is revoked by another member or the administrator, so that
    an ambito is never left with nobody to manage it by a slip."""
    ruolo = ufficio_piano_crema.ruoli.get()
    risposta = up.post(_url("revoca-ruolo", ufficio_piano_crema.pk, ruolo.pk), {"al": "2026-03-10"})
    assert risposta.status_code == 200
    assert "Non puoi revocare il tuo ruolo" in risposta.content.decode()
    ruolo.refresh_from_db()
    assert ruolo.attivo and ruolo.al is None
    risposta = up.post(_url("disattiva-utente", ufficio_piano_crema.pk), follow=True)
    assert "Non puoi disattivare" in risposta.content.decode()
    assert Ruolo.objects.attivi().filter(pk=ruolo.pk).exists()


def test_un_altro_componente_dell_ufficio_revoca_il_collega(up, cremasco, ufficio_piano_crema):
    collega = UserFactory(username="collega")
    ruolo = RuoloFactory(user=collega, tipo=Tipo.UFFICIO_PIANO, ambito=cremasco)
    assert (
        up.post(_url("revoca-ruolo", collega.pk, ruolo.pk), {"al": "2026-03-10"}).status_code == 302
    )
    ruolo.refresh_from_db()
    assert not ruolo.attivo


def _entra(username):
    """The login form: 302 when the password opens the portal, 200 (the form again) if not."""
    return Client().post(reverse("accounts:login"), {"username": username, "password": PASSWORD})


# --- Deactivation ---------------------------------------------------------------------------------


def test_disattivare_chiude_i_ruoli_e_l_account(up, cremasco, operatore_crema):
    risposta = up.post(_url("disattiva-utente", operatore_crema.pk), follow=True)
    assert "Account disattivato" in risposta.content.decode()
    operatore_crema.refresh_from_db()
    assert not operatore_crema.is_active
    ruolo = operatore_crema.ruoli.get()
    assert (ruolo.attivo, ruolo.al) == (False, OGGI)
    assert _entra("operatore_crema").status_code == 200
    # Reactivation: the account comes back, the ended role stays ended.
    up.post(_url("riattiva-utente", operatore_crema.pk))
    operatore_crema.refresh_from_db()
    assert operatore_crema.is_active
    assert not Ruolo.objects.attivi().filter(user=operatore_crema).exists()
    assert _entra("operatore_crema").status_code == 302


def test_disattivare_chi_ha_ruoli_in_un_altro_ambito_chiude_solo_quelli_di_qui(
    up, cremasco, sindaco_cremona
):
    qui = RuoloFactory(user=sindaco_cremona, tipo=Tipo.OPERATORE, ambito=cremasco)
    risposta = up.post(_url("disattiva-utente", sindaco_cremona.pk), follow=True)
    assert "resta attivo" in risposta.content.decode()
    sindaco_cremona.refresh_from_db()
    assert sindaco_cremona.is_active
    qui.refresh_from_db()
    assert not qui.attivo
    assert Ruolo.objects.attivi().filter(user=sindaco_cremona, ambito__slug="cremonese").exists()


def test_un_amministratore_non_si_disattiva_dall_ufficio_di_piano(up, cremasco, amministratore):
    RuoloFactory(user=amministratore, tipo=Tipo.OPERATORE, ambito=cremasco)
    risposta = up.post(_url("disattiva-utente", amministratore.pk), follow=True)
    assert "amministra il portale" in risposta.content.decode()
    amministratore.refresh_from_db()
    assert amministratore.is_active and amministratore.ruoli.get().attivo
    ruolo = amministratore.ruoli.get()
    up.post(_url("revoca-ruolo", amministratore.pk, ruolo.pk), {"al": "2026-03-10"})
    ruolo.refresh_from_db()
    assert ruolo.attivo


def test_l_amministratore_gestisce_gli_utenti_di_ogni_ambito(
    client, amministratore, sindaco_cremona
):
    client.force_login(amministratore)
    assert client.get(_url("utenti", slug="cremonese")).status_code == 200
    ruolo = sindaco_cremona.ruoli.get()
    url = _url("revoca-ruolo", sindaco_cremona.pk, ruolo.pk, slug="cremonese")
    assert client.post(url, {"al": "2026-03-10"}).status_code == 302


def test_la_voce_utenti_nel_menu_solo_per_l_ufficio_di_piano(up, client, sindaco_crema):
    assert _url("utenti") in up.get(reverse("cruscotto", args=["cremasco"])).content.decode()
    client.force_login(sindaco_crema)
    assert (
        _url("utenti") not in client.get(reverse("cruscotto", args=["cremasco"])).content.decode()
    )


def test_oggi_e_il_giorno_a_roma():
    assert timezone.localdate() == OGGI


@pytest.mark.parametrize(
    "pagina", ["utenti", "invita-utente", "importa-sindaci", "utente", "revoca"]
)
def test_ogni_campo_ha_la_sua_etichetta_e_i_titoli_sono_in_ordine(up, operatore_crema, pagina):
    """What axe-core would check first (no Chromium here): every input named by a <label>, one
    h1, headings without gaps; a table inside .table-responsive for narrow screens."""
    if pagina == "utente":
        url = _url("utente", operatore_crema.pk)
    elif pagina == "revoca":
        url = _url("revoca-ruolo", operatore_crema.pk, operatore_crema.ruoli.get().pk)
    else:
        url = _url(pagina)
    risposta = up.post(url, {}) if pagina == "invita-utente" else up.get(url)
    html = risposta.content.decode()
    contenuto = html[html.index("<main") :]
    etichette = set(re.findall(r'<label[^>]*for="([^"]+)"', contenuto))
    for campo in re.findall(r"<(?:input|select|textarea)\b[^>]*>", contenuto):
        if re.search(r'type="(hidden|submit)"', campo):
            continue
        identificativo = re.search(r'id="([^"]+)"', campo).group(1)
        assert identificativo in etichette, campo
    livelli = [int(n) for n in re.findall(r"<h([1-6])\b", contenuto)]
    assert livelli.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(livelli)), livelli
    for tabella in re.finditer(r"<table\b", contenuto):
        assert 'class="table-responsive"' in contenuto[: tabella.start()].rsplit("<div", 1)[-1]


def test_nessun_ruolo_e_preselezionato_e_i_filtri_rispondono_con_il_solo_elenco(up):
    risposta = up.get(_url("invita-utente"))
    (tipo,) = trova(risposta, "select", name="tipo")
    # A browser selects the first option when none is selected: it must be the empty one.
    primo = trova(tipo, "option")[0]
    assert dict(primo.attributes)["value"] == "" and _testo(primo) == "Scegli…"
    parziale = up.get(_url("utenti"), {"q": "up"}, HTTP_HX_REQUEST="true")
    html = parziale.content.decode()
    assert html.lstrip().startswith('<div id="risultati">') and "<html" not in html
