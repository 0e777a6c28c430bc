"""The Ufficio di Piano answers a request to join the register: accepting enters the ente in it
with the areas it chose, refusing needs a reason, and the ente is told either way."""

import pytest
from django.urls import reverse

from ambiti import services_candidature
from ambiti.models import AreaPolicy, Candidatura, Ente, Iscrizione
from core.flusso import OperazioneNonAmmessa
from tests.factories import CandidaturaFactory, IscrizioneFactory
from tests.utils.concorrenza import Bloccante, dopo_la_lettura
from tests.utils.html import testo_visibile as leggi
from tests.utils.html import uno

CF = "91234500196"


@pytest.fixture
def aree(territorio):
    return list(AreaPolicy.objects.correnti())


@pytest.fixture
def candidatura(cremasco, aree):
    return CandidaturaFactory(
        ambito=cremasco, referente="Maria Rossi", aree_policy=[aree[0], aree[2]]
    )


def url(nome, candidatura):
    return reverse(f"ambiti:{nome}", kwargs={"slug": "cremasco", "pk": candidatura.pk})


def test_il_dettaglio_mostra_la_richiesta_e_le_due_scelte(client, ufficio_piano_crema, candidatura):
    client.force_login(ufficio_piano_crema)
    risposta = client.get(url("candidatura", candidatura))
    assert risposta.status_code == 200
    pagina = leggi(uno(risposta, "main"))
    assert "Associazione Amici del Serio" in pagina
    assert CF in pagina
    assert "Accogli e iscrivi al registro" in pagina
    assert "Motivo del rifiuto" in pagina


def test_accogliere_iscrive_l_ente_con_le_sue_aree_e_lo_avvisa(
    client, ufficio_piano_crema, candidatura, aree, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(ufficio_piano_crema)
    with django_capture_on_commit_callbacks(execute=True):
        risposta = client.post(url("candidatura-accetta", candidatura))
    iscrizione = Iscrizione.objects.get(ambito__slug="cremasco", ente__codice_fiscale=CF)
    assert risposta.status_code == 302
    assert risposta["Location"] == reverse(
        "ambiti:iscrizione-dettaglio", kwargs={"slug": "cremasco", "pk": iscrizione.pk}
    )
    assert iscrizione.stato == Iscrizione.Stato.ATTIVA
    assert set(iscrizione.aree_policy.all()) == {aree[0], aree[2]}
    ente = iscrizione.ente
    assert (ente.denominazione, ente.tipo, ente.email, ente.referente) == (
        "Associazione Amici del Serio",
        "odv",
        "amici@example.org",
        "Maria Rossi",
    )
    candidatura.refresh_from_db()
    assert candidatura.stato == Candidatura.Stato.ACCETTATA
    assert candidatura.iscrizione == iscrizione
    assert candidatura.decisa_da == ufficio_piano_crema
    [messaggio] = mailoutbox
    assert messaggio.to == ["amici@example.org"]
    assert "Richiesta accolta" in messaggio.subject
    assert "è iscritto al registro" in messaggio.body
    pagina = client.get(risposta["Location"])
    assert "Richiesta accolta" in leggi(uno(pagina, "div", role="alert"))


def test_accogliere_due_volte_e_rifiutato(
    client, ufficio_piano_crema, candidatura, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(ufficio_piano_crema)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("candidatura-accetta", candidatura), follow=True)
        seconda = client.post(url("candidatura-accetta", candidatura), follow=True)
    assert "già stata decisa (accettata)" in leggi(uno(seconda, "div", role="alert"))
    assert Iscrizione.objects.filter(ente__codice_fiscale=CF).count() == 1
    assert len(mailoutbox) == 1


def test_la_decisione_presa_da_un_altro_dopo_la_pagina_e_rispettata(
    client, monkeypatch, ufficio_piano_crema, candidatura, mailoutbox
):
    """Another member of the Ufficio refused the request between this page and the click: the
    service, under the row's lock, sees it and enters nothing."""
    from ambiti import views_candidature

    def respinta_nel_frattempo(candidatura):
        Candidatura.objects.filter(pk=candidatura.pk).update(
            stato=Candidatura.Stato.RESPINTA, motivo_rifiuto="Fuori ambito"
        )

    dopo_la_lettura(
        monkeypatch, views_candidature, "get_candidatura_for_manager", respinta_nel_frattempo
    )
    client.force_login(ufficio_piano_crema)
    risposta = client.post(url("candidatura-accetta", candidatura), follow=True)
    assert "già stata decisa (respinta)" in leggi(uno(risposta, "div", role="alert"))
    assert not Iscrizione.objects.filter(ente__codice_fiscale=CF).exists()
    assert mailoutbox == []


def test_un_ente_gia_nel_portale_e_collegato_senza_toccarne_i_dati(
    client, ufficio_piano_crema, candidatura, cremonese, django_capture_on_commit_callbacks
):
    altrove = IscrizioneFactory(
        ambito=cremonese, ente__codice_fiscale=CF, ente__denominazione="Amici del Serio ODV"
    )
    client.force_login(ufficio_piano_crema)
    dettaglio = client.get(url("candidatura", candidatura))
    assert "Amici del Serio ODV" in leggi(uno(dettaglio, data_testid="ente-nel-portale"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("candidatura-accetta", candidatura))
    assert Ente.objects.filter(codice_fiscale=CF).count() == 1
    ente = Ente.objects.get(codice_fiscale=CF)
    assert ente == altrove.ente
    assert ente.denominazione == "Amici del Serio ODV"
    assert ente.iscrizioni.filter(ambito__slug="cremasco").exists()


def test_non_si_accoglie_un_ente_gia_iscritto_nel_frattempo(
    ufficio_piano_crema, candidatura, cremasco
):
    IscrizioneFactory(ambito=cremasco, ente__codice_fiscale=CF)
    with pytest.raises(OperazioneNonAmmessa, match="già iscritto al registro"):
        services_candidature.accetta(candidatura=candidatura, da=ufficio_piano_crema)
    candidatura.refresh_from_db()
    assert candidatura.stato == Candidatura.Stato.DA_ESAMINARE


def test_respingere_senza_motivo_non_si_puo(
    client, ufficio_piano_crema, candidatura, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(ufficio_piano_crema)
    with django_capture_on_commit_callbacks(execute=True):
        risposta = client.post(url("candidatura-respingi", candidatura), {"motivo": "   "})
    assert risposta.status_code == 400
    blocco = uno(risposta, "div", id="div_id_motivo")
    assert "Scrivi il motivo del rifiuto" in leggi(blocco)
    candidatura.refresh_from_db()
    assert candidatura.stato == Candidatura.Stato.DA_ESAMINARE
    assert mailoutbox == []
    with pytest.raises(OperazioneNonAmmessa, match="motivo"):
        services_candidature.respingi(candidatura=candidatura, motivo="", da=ufficio_piano_crema)


def test_respingere_con_motivo_avvisa_l_ente(
    client, ufficio_piano_crema, candidatura, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(ufficio_piano_crema)
    motivo = "L'ente non ha sede né attività nei comuni dell'ambito & dintorni."
    with django_capture_on_commit_callbacks(execute=True):
        risposta = client.post(url("candidatura-respingi", candidatura), {"motivo": motivo})
    assert risposta.status_code == 302
    assert risposta["Location"] == reverse("ambiti:candidature", kwargs={"slug": "cremasco"})
    candidatura.refresh_from_db()
    assert candidatura.stato == Candidatura.Stato.RESPINTA
    assert candidatura.motivo_rifiuto == motivo
    assert candidatura.decisa_da == ufficio_piano_crema
    assert not Iscrizione.objects.filter(ente__codice_fiscale=CF).exists()
    [messaggio] = mailoutbox
    assert messaggio.to == ["amici@example.org"]
    assert "non accolta" in messaggio.subject
    # Plain text: the reason arrives as written, not HTML-escaped.
    assert motivo in messaggio.body
    # Decided: the page shows the reason, and no buttons any more.
    pagina = leggi(uno(client.get(url("candidatura", candidatura)), "main"))
    assert motivo in pagina
    assert "Accogli e iscrivi" not in pagina
    ripetuto = client.post(url("candidatura-accetta", candidatura), follow=True)
    assert "già stata decisa (respinta)" in leggi(uno(ripetuto, "div", role="alert"))
    assert not Iscrizione.objects.filter(ente__codice_fiscale=CF).exists()


def test_elenco_con_le_schede_per_stato(client, ufficio_piano_crema, candidatura, cremasco):
    CandidaturaFactory(
        ambito=cremasco,
        denominazione="Cooperativa Decisa",
        codice_fiscale="80000010012",
        stato=Candidatura.Stato.RESPINTA,
        motivo_rifiuto="Doppione",
    )
    CandidaturaFactory(
        ambito=cremasco,
        denominazione="Cooperativa Non Confermata",
        codice_fiscale="80000030014",
        stato=Candidatura.Stato.VERIFICA_EMAIL,
    )
    client.force_login(ufficio_piano_crema)
    risposta = client.get(reverse("ambiti:candidature", kwargs={"slug": "cremasco"}))
    pagina = leggi(uno(risposta, "main"))
    assert "Associazione Amici del Serio" in pagina
    assert "Cooperativa Decisa" not in pagina
    # A request whose e-mail is not confirmed is not submitted yet.
    assert "Non Confermata" not in pagina
    assert leggi(uno(risposta, data_testid="scheda-da_esaminare")) == "Da esaminare (1)"
    assert leggi(uno(risposta, data_testid="scheda-respinta")) == "Respinta (1)"
    respinte = client.get(
        reverse("ambiti:candidature", kwargs={"slug": "cremasco"}), {"stato": "respinta"}
    )
    assert "Cooperativa Decisa" in leggi(uno(respinte, "main"))
    # The register and the dashboard count the requests to examine, and link to them.
    registro = client.get(reverse("ambiti:registro", kwargs={"slug": "cremasco"}))
    assert "1 da esaminare" in leggi(uno(registro, data_testid="richieste-adesione"))
    cruscotto = client.get(reverse("cruscotto", kwargs={"slug": "cremasco"}))
    assert leggi(uno(cruscotto, data_testid="candidature-in-esame")) == (
        "1 richiesta di adesione da esaminare"
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_l_accoglienza_aspetta_la_decisione_in_corso(cremasco, ufficio_piano_crema, aree):
    """Two members of the Ufficio click at once: the second waits for the first's lock, then
    finds the request decided and enters nothing."""
    candidatura = CandidaturaFactory(ambito=cremasco, aree_policy=aree[:1])
    letta = Candidatura.objects.get(pk=candidatura.pk)
    accoglienza = Bloccante(
        lambda: services_candidature.accetta(
            candidatura=Candidatura.objects.get(pk=candidatura.pk), da=ufficio_piano_crema
        )
    )
    with accoglienza:
        accoglienza.rilascia_tra(0.3)
        with pytest.raises(OperazioneNonAmmessa, match="già stata decisa"):
            services_candidature.accetta(candidatura=letta, da=ufficio_piano_crema)
    assert Iscrizione.objects.filter(ente__codice_fiscale=CF).count() == 1
    assert Ente.objects.filter(codice_fiscale=CF).count() == 1
