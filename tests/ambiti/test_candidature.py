"""The public form by which an ente asks to join an ambito's register, and the link that
confirms its e-mail address (ambiti/views_candidature.py, ambiti/services_candidature.py)."""

import datetime
import re

import pytest
from django.core import signing
from django.core.cache import cache
from django.urls import reverse

from ambiti.models import AreaPolicy, Candidatura
from ambiti.services_candidature import SALE_VERIFICA, firma
from tests.factories import CandidaturaFactory, IscrizioneFactory
from tests.utils.html import testo_visibile as leggi
from tests.utils.html import trova, uno

CF = "91234500196"
LINK = re.compile(r"http://[^\s]+/pubblico/cremasco/aderisci/conferma/[^\s]+/")


@pytest.fixture(autouse=True)
def cache_vuota():
    # The rate limit counts in the cache: each test starts with none of the others' requests.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def aree(territorio):
    return list(AreaPolicy.objects.correnti())


def url_modulo(slug="cremasco"):
    return reverse("adesione:modulo", kwargs={"ambito": slug})


def dati(aree, **cambi):
    valori = {
        "denominazione": "Associazione Amici del Serio",
        "tipo": "odv",
        "codice_fiscale": CF,
        "email": "amici@example.org",
        "referente": "Maria Rossi",
        "aree_policy": [aree[0].pk, aree[1].pk],
        "dichiara_requisiti": "on",
        "consenso_privacy": "on",
        "sito_internet": "",
    }
    valori.update(cambi)
    return {k: v for k, v in valori.items() if v is not None}


def errore_del_campo(risposta, campo):
    """The error crispy draws inside the block of `campo`, as a person reads it."""
    blocco = uno(risposta, "div", id=f"div_id_{campo}")
    errori = [e for e in trova(blocco) if dict(e.attributes).get("id", "").startswith("error_")]
    return " ".join(leggi(e) for e in errori)


def invia(client, aree, django_capture_on_commit_callbacks, **cambi):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url_modulo(), dati(aree, **cambi))


def test_il_modulo_si_apre_senza_accesso(client, aree):
    risposta = client.get(url_modulo())
    assert risposta.status_code == 200
    pagina = leggi(uno(risposta, "main"))
    assert "Manifestazione di interesse" in pagina
    assert "Cremasco" in pagina
    for area in aree:
        assert area.nome in pagina
    # The honeypot is hidden by a class of the stylesheet, never by an inline style (CSP).
    trappola = uno(risposta, "div", **{"class": "campo-trappola"})
    assert "style" not in dict(trappola.attributes)
    assert uno(trappola, "input", name="sito_internet")


def test_un_ambito_che_non_esiste_e_404(client, territorio):
    assert client.get(url_modulo("nessuno")).status_code == 404


def test_una_richiesta_valida_resta_in_attesa_e_manda_il_link(
    client, aree, mailoutbox, django_capture_on_commit_callbacks
):
    risposta = invia(
        client, aree, django_capture_on_commit_callbacks, codice_fiscale=" 9123 4500196 "
    )
    assert risposta.status_code == 302
    assert risposta["Location"] == reverse("adesione:inviata", kwargs={"ambito": "cremasco"})
    candidatura = Candidatura.objects.get()
    assert candidatura.stato == Candidatura.Stato.VERIFICA_EMAIL
    assert candidatura.codice_fiscale == CF
    assert candidatura.ambito.slug == "cremasco"
    assert set(candidatura.aree_policy.all()) == {aree[0], aree[1]}
    assert candidatura.dichiara_requisiti and candidatura.consenso_privacy
    [messaggio] = mailoutbox
    assert messaggio.to == ["amici@example.org"]
    assert "Conferma la richiesta" in messaggio.subject
    assert "«Associazione Amici del Serio»" in messaggio.body
    assert LINK.search(messaggio.body)
    seguente = client.get(risposta["Location"])
    assert "Controlla la tua e-mail" in leggi(uno(seguente, "main"))


@pytest.mark.parametrize(
    ("codice", "parole"),
    [
        ("91234500197", "la cifra di controllo, non corrisponde"),
        ("RSSMRA85T10A562X", "il carattere di controllo, non corrisponde"),
        ("12345", "Quello inserito ha 5 caratteri"),
        ("", "Questo campo è obbligatorio"),
    ],
)
def test_un_codice_fiscale_sbagliato_e_detto_accanto_al_campo(
    client, aree, codice, parole, django_capture_on_commit_callbacks
):
    risposta = invia(client, aree, django_capture_on_commit_callbacks, codice_fiscale=codice)
    assert risposta.status_code == 200
    assert parole in errore_del_campo(risposta, "codice_fiscale")
    assert uno(risposta, id="riepilogo-errori")
    assert not Candidatura.objects.exists()


def test_un_codice_fiscale_di_persona_fisica_e_accettato(
    client, aree, django_capture_on_commit_callbacks
):
    risposta = invia(
        client, aree, django_capture_on_commit_callbacks, codice_fiscale="rssmra85t10a562s"
    )
    assert risposta.status_code == 302
    assert Candidatura.objects.get().codice_fiscale == "RSSMRA85T10A562S"


@pytest.mark.parametrize(
    ("campo", "parole"),
    [
        ("dichiara_requisiti", "serve questa dichiarazione sui requisiti"),
        ("consenso_privacy", "serve la presa visione dell'informativa"),
        ("aree_policy", "Scegli almeno un'area di policy"),
        ("email", "Questo campo è obbligatorio"),
    ],
)
def test_una_dichiarazione_o_un_dato_mancante_e_detto_accanto_al_campo(
    client, aree, campo, parole, mailoutbox, django_capture_on_commit_callbacks
):
    risposta = invia(client, aree, django_capture_on_commit_callbacks, **{campo: None})
    assert risposta.status_code == 200
    assert parole in errore_del_campo(risposta, campo)
    assert not Candidatura.objects.exists()
    assert mailoutbox == []


def test_il_campo_trappola_compilato_non_lascia_nulla(
    client, aree, mailoutbox, django_capture_on_commit_callbacks
):
    risposta = invia(
        client, aree, django_capture_on_commit_callbacks, sito_internet="http://spam.example"
    )
    # Answered like a real request: the robot learns nothing.
    assert risposta.status_code == 302
    assert risposta["Location"] == reverse("adesione:inviata", kwargs={"ambito": "cremasco"})
    assert not Candidatura.objects.exists()
    assert mailoutbox == []


def test_oltre_il_limite_orario_le_richieste_sono_respinte(
    client, aree, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.PDZ_CANDIDATURE_PER_ORA = 2
    for n in range(2):
        risposta = invia(
            client, aree, django_capture_on_commit_callbacks, email=f"ente{n}@example.org"
        )
        assert risposta.status_code == 302
    risposta = invia(client, aree, django_capture_on_commit_callbacks, email="terza@example.org")
    assert risposta.status_code == 429
    assert "troppe richieste" in leggi(uno(risposta, data_testid="troppe-richieste"))
    assert Candidatura.objects.count() == 2
    assert not Candidatura.objects.filter(email="terza@example.org").exists()
    assert len(mailoutbox) == 2
    # Another address is not held back.
    risposta = client.post(url_modulo(), dati(aree), REMOTE_ADDR="10.0.0.9")
    assert risposta.status_code == 302


def test_un_ente_gia_iscritto_e_riconosciuto(
    client, aree, cremasco, django_capture_on_commit_callbacks
):
    IscrizioneFactory(ambito=cremasco, ente__codice_fiscale=CF)
    risposta = invia(client, aree, django_capture_on_commit_callbacks)
    assert risposta.status_code == 200
    assert "già iscritto al registro di questo ambito" in errore_del_campo(
        risposta, "codice_fiscale"
    )
    assert "Non è stata registrata una nuova richiesta" in leggi(
        uno(risposta, data_testid="duplicato")
    )
    assert not Candidatura.objects.exists()


def test_un_ente_iscritto_in_un_altro_ambito_puo_chiedere(
    client, aree, cremonese, django_capture_on_commit_callbacks
):
    IscrizioneFactory(ambito=cremonese, ente__codice_fiscale=CF)
    assert invia(client, aree, django_capture_on_commit_callbacks).status_code == 302
    assert Candidatura.objects.get().ambito.slug == "cremasco"


def test_una_richiesta_gia_in_esame_e_riconosciuta(
    client, aree, cremasco, django_capture_on_commit_callbacks
):
    CandidaturaFactory(ambito=cremasco, email="prima@example.org")
    risposta = invia(client, aree, django_capture_on_commit_callbacks)
    assert risposta.status_code == 200
    assert "già una richiesta di adesione in esame" in errore_del_campo(risposta, "codice_fiscale")
    assert Candidatura.objects.count() == 1


# --- The confirmation link ------------------------------------------------------------------------


@pytest.fixture
def in_attesa(cremasco, aree):
    return CandidaturaFactory(
        ambito=cremasco, stato=Candidatura.Stato.VERIFICA_EMAIL, aree_policy=aree[:2]
    )


def url_conferma(token, slug="cremasco"):
    return reverse("adesione:conferma", kwargs={"ambito": slug, "token": token})


def test_il_link_mostra_la_richiesta_e_la_conferma_solo_col_pulsante(
    client, in_attesa, mailoutbox, django_capture_on_commit_callbacks
):
    in_attesa.ambito.email_ufficio_piano = "udp@crema.example.org"
    in_attesa.ambito.save()
    url = url_conferma(firma(in_attesa))
    pagina = client.get(url)
    assert pagina.status_code == 200
    assert "Associazione Amici del Serio" in leggi(uno(pagina, "main"))
    in_attesa.refresh_from_db()
    # Opening the link (as a mail scanner does) confirms nothing.
    assert in_attesa.stato == Candidatura.Stato.VERIFICA_EMAIL

    with django_capture_on_commit_callbacks(execute=True):
        risposta = client.post(url)
    assert "la richiesta è stata inviata all'Ufficio di Piano" in leggi(
        uno(risposta, data_testid="esito")
    )
    in_attesa.refresh_from_db()
    assert in_attesa.stato == Candidatura.Stato.DA_ESAMINARE
    assert in_attesa.email_verificata_il is not None
    [avviso] = mailoutbox
    assert avviso.to == ["udp@crema.example.org"]
    assert f"/ambiti/cremasco/candidature/{in_attesa.pk}/" in avviso.body

    # A second click changes nothing and says so.
    di_nuovo = client.post(url)
    assert "già stata confermata" in leggi(uno(di_nuovo, data_testid="esito"))
    assert len(mailoutbox) == 1


def test_un_link_scaduto_e_rifiutato(client, in_attesa, settings, time_machine):
    settings.PDZ_CANDIDATURA_LINK_ORE = 1
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC))
    token = firma(in_attesa)
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 59, tzinfo=datetime.UTC))
    assert client.get(url_conferma(token)).status_code == 200
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 1, tzinfo=datetime.UTC))
    risposta = client.post(url_conferma(token))
    assert risposta.status_code == 410
    assert "scaduto" in leggi(uno(risposta, data_testid="esito"))
    in_attesa.refresh_from_db()
    assert in_attesa.stato == Candidatura.Stato.VERIFICA_EMAIL


@pytest.mark.parametrize(
    "falsifica",
    [
        lambda token, pk: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token, pk: signing.dumps(pk, salt="un-altro-scopo"),
        lambda token, pk: signing.dumps(pk + 1000, salt=SALE_VERIFICA),
        lambda token, pk: "non-un-token",
    ],
    ids=["firma-alterata", "altro-sale", "altra-richiesta", "testo-qualsiasi"],
)
def test_un_link_falsificato_e_rifiutato(client, in_attesa, falsifica):
    token = falsifica(firma(in_attesa), in_attesa.pk)
    risposta = client.post(url_conferma(token))
    assert risposta.status_code == 400
    assert "non è valido" in leggi(uno(risposta, data_testid="esito"))
    in_attesa.refresh_from_db()
    assert in_attesa.stato == Candidatura.Stato.VERIFICA_EMAIL


def test_il_link_vale_solo_nel_suo_ambito(client, in_attesa):
    risposta = client.post(url_conferma(firma(in_attesa), slug="cremonese"))
    assert risposta.status_code == 400
    in_attesa.refresh_from_db()
    assert in_attesa.stato == Candidatura.Stato.VERIFICA_EMAIL


def test_la_conferma_non_crea_un_doppione_in_esame(client, in_attesa, cremasco):
    CandidaturaFactory(ambito=cremasco, email="altra@example.org")
    risposta = client.post(url_conferma(firma(in_attesa)))
    assert "già in esame un'altra richiesta" in leggi(uno(risposta, data_testid="esito"))
    in_attesa.refresh_from_db()
    assert in_attesa.stato == Candidatura.Stato.VERIFICA_EMAIL


def test_le_richieste_mai_confermate_si_dimenticano_quando_il_link_scade(
    client, aree, cremasco, settings, time_machine, django_capture_on_commit_callbacks
):
    settings.PDZ_CANDIDATURA_LINK_ORE = 1
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC))
    dimenticata = CandidaturaFactory(ambito=cremasco, stato=Candidatura.Stato.VERIFICA_EMAIL)
    confermata = CandidaturaFactory(ambito=cremasco, codice_fiscale="80000010012")
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC))
    recente = CandidaturaFactory(
        ambito=cremasco, codice_fiscale="80000030014", stato=Candidatura.Stato.VERIFICA_EMAIL
    )
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 5, tzinfo=datetime.UTC))
    invia(client, aree, django_capture_on_commit_callbacks, codice_fiscale="RSSMRA85T10A562S")
    rimaste = set(Candidatura.objects.values_list("pk", flat=True))
    assert dimenticata.pk not in rimaste
    assert {confermata.pk, recente.pk} <= rimaste
    assert len(rimaste) == 3


def test_un_indirizzo_e_mail_non_riceve_piu_di_tre_link_l_ora(
    client, aree, mailoutbox, django_capture_on_commit_callbacks
):
    """From many machines, one mailbox is not flooded with confirmation links."""
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            risposta = client.post(url_modulo(), dati(aree), REMOTE_ADDR=f"10.0.0.{n}")
        assert risposta.status_code == 302
    risposta = client.post(url_modulo(), dati(aree), REMOTE_ADDR="10.0.0.99")
    assert risposta.status_code == 429
    assert len(mailoutbox) == 3
    assert Candidatura.objects.count() == 3
