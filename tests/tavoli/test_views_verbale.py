"""The minutes of a meeting: saving without losing a word, conflicts, autosave, the review loop,
comments and escaping, through the views and through tavoli.services."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Ruolo
from core.flusso import OperazioneNonAmmessa
from tavoli import services
from tavoli.models import (
    Allegato,
    BozzaLocale,
    Commento,
    Esito,
    Incontro,
    Membro,
    Presenza,
    RevisioneVerbale,
    Transizione,
)
from tests.factories import IncontroFactory, RuoloFactory, TavoloFactory, UserFactory
from tests.utils.html import albero as _albero
from tests.utils.html import testo_visibile as _testo
from tests.utils.html import trova as _trova
from tests.utils.html import uno as _uno

HTMX = {"HX-Request": "true"}
XSS = "<script>alert(1)</script>"
XSS_ESCAPED = escape(XSS)
TESTO_ANNA = "Presenti sei enti.\nSi discute del trasporto sociale per gli anziani soli."
TESTO_BRUNO = "Il tavolo concorda di mappare i servizi domiciliari esistenti."

Stato = Incontro.Stato


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def tavolo(cremasco, operatore_crema):
    return TavoloFactory(
        ambito=cremasco, titolo="Anziani e domiciliarità", operatori=[operatore_crema]
    )


@pytest.fixture
def incontro(tavolo):
    return IncontroFactory(tavolo=tavolo, titolo="Primo incontro del tavolo")


@pytest.fixture
def coordinatrice(cremasco, tavolo):
    user = UserFactory(username="coordinatrice_crema", first_name="Chiara", last_name="Bianchi")
    RuoloFactory(user=user, tipo=Ruolo.Tipo.OPERATORE, ambito=cremasco)
    tavolo.coordinatori.add(user)
    return user


@pytest.fixture
def membro(tavolo, iscrizione_crema, ente_crema):
    """ente_crema's ente sits at the table: ente_crema reads and comments as a member."""
    return Membro.objects.create(tavolo=tavolo, ente=iscrizione_crema.ente)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def approvato(incontro, operatore_crema, ufficio_piano_crema, membro):
    """Minutes written, sent for review and approved; one attendance and one outcome recorded."""
    services.salva_verbale(
        incontro=incontro, testo=TESTO_ANNA, versione_letta=1, utente=operatore_crema
    )
    Presenza.objects.create(incontro=incontro, membro=membro, partecipanti=2)
    Esito.objects.create(incontro=incontro, tipo=Esito.Tipo.BISOGNO, testo="Solitudine")
    services.invia_in_revisione(incontro=incontro, utente=operatore_crema)
    services.approva_verbale(incontro=incontro, utente=ufficio_piano_crema)
    incontro.refresh_from_db()
    return incontro


# --- Helpers ----------------------------------------------------------------------------------


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _url(nome, incontro, **extra):
    return reverse(
        f"tavoli:{nome}",
        kwargs={
            "slug": incontro.tavolo.ambito.slug,
            "pk": incontro.tavolo_id,
            "ipk": incontro.pk,
            **extra,
        },
    )


def _salva(client, incontro, testo, versione, *, htmx=True):
    return client.post(
        _url("verbale-salva", incontro),
        {"testo": testo, "versione": versione},
        headers=HTMX if htmx else {},
    )


def _transizione(client, incontro, azione, **kwargs):
    return client.post(_url("transizione", incontro, azione=azione), **kwargs)


def _normale(testo):
    return " ".join(testo.split())


def _versione_nella_pagina(risposta):
    return int(dict(_uno(risposta, "input", name="versione").attributes)["value"])


def _messaggi(risposta):
    return [str(m) for m in risposta.context["messages"]] if risposta.context else []


# --- Saving -----------------------------------------------------------------------------------


def test_salvare_crea_una_revisione_con_autore_e_incrementa_la_versione(incontro, operatore_crema):
    client = _client(operatore_crema)
    pagina = client.get(_url("incontro", incontro))
    assert pagina.status_code == 200
    assert _versione_nella_pagina(pagina) == 1

    risposta = _salva(client, incontro, TESTO_ANNA, 1)

    assert risposta.status_code == 200
    incontro.refresh_from_db()
    assert incontro.verbale == TESTO_ANNA
    assert incontro.versione == 2
    revisione = RevisioneVerbale.objects.get(incontro=incontro)
    assert (revisione.revisione, revisione.versione, revisione.testo, revisione.autore) == (
        1,
        2,
        TESTO_ANNA,
        operatore_crema,
    )
    # The fragment carries the new version, so the next save from this page is not a conflict.
    sezione = _uno(risposta, "section", id="verbale")
    assert _versione_nella_pagina(risposta) == 2
    assert _testo(_uno(sezione, "textarea", name="testo")) == _normale(TESTO_ANNA)
    assert "Salvato alle" in _testo(sezione)

    assert _salva(client, incontro, TESTO_ANNA + "\nSeconda parte.", 2).status_code == 200
    incontro.refresh_from_db()
    assert incontro.versione == 3
    assert list(
        RevisioneVerbale.objects.filter(incontro=incontro).values_list("versione", flat=True)
    ) == [3, 2]


def test_salvare_senza_htmx_torna_alla_pagina_con_un_messaggio(incontro, operatore_crema):
    client = _client(operatore_crema)
    risposta = _salva(client, incontro, TESTO_ANNA, 1, htmx=False)
    assert risposta.status_code == 302
    assert risposta.url == _url("incontro", incontro)
    pagina = client.get(risposta.url)
    assert "Verbale salvato." in _messaggi(pagina)
    assert _versione_nella_pagina(pagina) == 2


def test_salvare_un_testo_identico_non_crea_nulla(incontro, operatore_crema):
    client = _client(operatore_crema)
    _salva(client, incontro, TESTO_ANNA, 1)

    risposta = _salva(client, incontro, TESTO_ANNA, 2)

    assert risposta.status_code == 200
    incontro.refresh_from_db()
    assert incontro.versione == 2
    assert RevisioneVerbale.objects.filter(incontro=incontro).count() == 1
    # The same through the service.
    services.salva_verbale(
        incontro=incontro, testo=TESTO_ANNA, versione_letta=2, utente=operatore_crema
    )
    incontro.refresh_from_db()
    assert incontro.versione == 2
    assert RevisioneVerbale.objects.filter(incontro=incontro).count() == 1


def test_salvare_un_verbale_vuoto_da_vuoto_non_crea_nulla(incontro, operatore_crema):
    services.salva_verbale(incontro=incontro, testo="", versione_letta=1, utente=operatore_crema)
    incontro.refresh_from_db()
    assert incontro.versione == 1
    assert not RevisioneVerbale.objects.exists()


def test_salvare_senza_versione_e_una_richiesta_non_valida(incontro, operatore_crema):
    risposta = _client(operatore_crema).post(
        _url("verbale-salva", incontro), {"testo": TESTO_ANNA}, headers=HTMX
    )
    assert risposta.status_code == 400
    incontro.refresh_from_db()
    assert incontro.verbale == ""


def test_solo_chi_modifica_gli_incontri_salva_il_verbale(incontro, membro, ente_crema):
    risposta = _salva(_client(ente_crema), incontro, TESTO_ANNA, 1)
    assert risposta.status_code == 403
    incontro.refresh_from_db()
    assert incontro.verbale == ""


# --- Conflicts --------------------------------------------------------------------------------


@pytest.mark.parametrize(("htmx", "stato_atteso"), [(True, 200), (False, 409)])
def test_conflitto_nessuno_sovrascrive_e_tornano_entrambi_i_testi(
    incontro, operatore_crema, ufficio_piano_crema, htmx, stato_atteso
):
    anna, bruno = _client(operatore_crema), _client(ufficio_piano_crema)
    versione_anna = _versione_nella_pagina(anna.get(_url("incontro", incontro)))
    versione_bruno = _versione_nella_pagina(bruno.get(_url("incontro", incontro)))
    assert versione_anna == versione_bruno == 1

    assert _salva(anna, incontro, TESTO_ANNA, versione_anna).status_code == 200
    risposta = _salva(bruno, incontro, TESTO_BRUNO, versione_bruno, htmx=htmx)

    assert risposta.status_code == stato_atteso
    incontro.refresh_from_db()
    assert incontro.verbale == TESTO_ANNA
    assert incontro.versione == 2
    assert RevisioneVerbale.objects.filter(incontro=incontro).count() == 1

    sezione = _uno(risposta, "section", id="verbale")
    avviso = _uno(sezione, data_testid="conflitto")
    assert f"Nel frattempo {operatore_crema} ha salvato il verbale." in _testo(avviso)
    assert _testo(_uno(avviso, data_testid="testo-altrui")) == _normale(TESTO_ANNA)
    assert _testo(_uno(sezione, "textarea", name="testo")) == _normale(TESTO_BRUNO)
    assert _versione_nella_pagina(risposta) == incontro.versione

    # Bruno merges the two texts and saves again from the conflict form: it goes through.
    unito = f"{TESTO_ANNA}\n{TESTO_BRUNO}"
    risposta = _salva(bruno, incontro, unito, _versione_nella_pagina(risposta))
    assert risposta.status_code == 200
    assert not _trova(risposta, data_testid="conflitto")
    incontro.refresh_from_db()
    assert incontro.verbale == unito
    assert incontro.versione == 3
    assert list(
        RevisioneVerbale.objects.filter(incontro=incontro).values_list("autore", "versione")
    ) == [(ufficio_piano_crema.pk, 3), (operatore_crema.pk, 2)]


def test_conflitto_nel_servizio_porta_entrambi_i_testi(
    incontro, operatore_crema, ufficio_piano_crema
):
    services.salva_verbale(
        incontro=incontro, testo=TESTO_ANNA, versione_letta=1, utente=operatore_crema
    )
    with pytest.raises(services.ConflittoVerbale) as conflitto:
        services.salva_verbale(
            incontro=incontro, testo=TESTO_BRUNO, versione_letta=1, utente=ufficio_piano_crema
        )
    assert conflitto.value.testo_attuale == TESTO_ANNA
    assert conflitto.value.testo_proposto == TESTO_BRUNO
    assert conflitto.value.versione_attuale == 2
    assert conflitto.value.autore == str(operatore_crema)
    incontro.refresh_from_db()
    assert (incontro.verbale, incontro.versione) == (TESTO_ANNA, 2)


def test_conflitto_conserva_la_bozza_automatica_di_chi_perde(
    incontro, operatore_crema, ufficio_piano_crema
):
    anna, bruno = _client(operatore_crema), _client(ufficio_piano_crema)
    bruno.post(_url("verbale-bozza", incontro), {"testo": TESTO_BRUNO, "versione": 1})
    _salva(anna, incontro, TESTO_ANNA, 1)
    _salva(bruno, incontro, TESTO_BRUNO, 1)
    assert BozzaLocale.objects.get(incontro=incontro, utente=ufficio_piano_crema).testo == (
        TESTO_BRUNO
    )


# --- Autosave ---------------------------------------------------------------------------------


def test_bozza_automatica_salvata_per_utente(incontro, operatore_crema, ufficio_piano_crema):
    anna = _client(operatore_crema)
    risposta = anna.post(_url("verbale-bozza", incontro), {"testo": "Prima riga", "versione": 1})

    assert risposta.status_code == 200
    assert re.fullmatch(r"\d\d:\d\d", risposta.json()["salvata_il"])
    bozza = BozzaLocale.objects.get(incontro=incontro, utente=operatore_crema)
    assert (bozza.testo, bozza.versione_base) == ("Prima riga", 1)

    # Typing on updates the same draft; another user has her own.
    anna.post(_url("verbale-bozza", incontro), {"testo": "Prima riga\nSeconda", "versione": 1})
    _client(ufficio_piano_crema).post(
        _url("verbale-bozza", incontro), {"testo": "Altro testo", "versione": 1}
    )
    assert BozzaLocale.objects.filter(incontro=incontro).count() == 2
    bozza.refresh_from_db()
    assert bozza.testo == "Prima riga\nSeconda"
    incontro.refresh_from_db()
    assert incontro.verbale == ""
    assert incontro.versione == 1


def test_ricaricando_la_pagina_si_offre_di_ripristinare_la_bozza(incontro, operatore_crema):
    client = _client(operatore_crema)
    _salva(client, incontro, TESTO_ANNA, 1)
    bozza = TESTO_ANNA + "\nUna frase scritta e mai salvata."
    client.post(_url("verbale-bozza", incontro), {"testo": bozza, "versione": 2})

    pagina = client.get(_url("incontro", incontro))

    banner = _uno(pagina, data_testid="bozza-server")
    assert "Ripristina la bozza" in _testo(banner)
    assert _testo(_uno(banner, "template")) == _normale(bozza)
    # The textarea still shows the saved text: restoring is the user's choice.
    assert _testo(_uno(pagina, "textarea", name="testo")) == _normale(TESTO_ANNA)


def test_nessun_banner_se_la_bozza_coincide_col_testo_salvato(incontro, operatore_crema):
    client = _client(operatore_crema)
    _salva(client, incontro, TESTO_ANNA, 1)
    BozzaLocale.objects.create(
        incontro=incontro, utente=operatore_crema, testo=TESTO_ANNA, versione_base=2
    )
    pagina = client.get(_url("incontro", incontro))
    assert not _trova(pagina, data_testid="bozza-server")
    assert "Ripristina la bozza" not in pagina.content.decode()


def test_la_bozza_di_un_altro_utente_non_compare(incontro, operatore_crema, ufficio_piano_crema):
    _client(ufficio_piano_crema).post(
        _url("verbale-bozza", incontro), {"testo": "Bozza dell'Ufficio di Piano", "versione": 1}
    )
    pagina = _client(operatore_crema).get(_url("incontro", incontro))
    assert not _trova(pagina, data_testid="bozza-server")


def test_il_salvataggio_vero_cancella_la_bozza_dell_utente(
    incontro, operatore_crema, ufficio_piano_crema
):
    anna = _client(operatore_crema)
    anna.post(_url("verbale-bozza", incontro), {"testo": TESTO_ANNA, "versione": 1})
    _client(ufficio_piano_crema).post(
        _url("verbale-bozza", incontro), {"testo": TESTO_BRUNO, "versione": 1}
    )

    _salva(anna, incontro, TESTO_ANNA, 1)

    assert not BozzaLocale.objects.filter(incontro=incontro, utente=operatore_crema).exists()
    assert BozzaLocale.objects.filter(incontro=incontro, utente=ufficio_piano_crema).exists()
    assert not _trova(anna.get(_url("incontro", incontro)), data_testid="bozza-server")


def test_sessione_scaduta_la_bozza_automatica_rimanda_al_login(client, incontro):
    risposta = client.post(_url("verbale-bozza", incontro), {"testo": TESTO_ANNA, "versione": 1})
    assert risposta.status_code == 302
    assert risposta.url.startswith(reverse("accounts:login"))
    assert "next=" in risposta.url
    assert not BozzaLocale.objects.exists()


def test_bozza_automatica_senza_versione_non_valida(incontro, operatore_crema):
    risposta = _client(operatore_crema).post(_url("verbale-bozza", incontro), {"testo": "x"})
    assert risposta.status_code == 400
    assert risposta.json()["errore"] == "Richiesta non valida."
    assert not BozzaLocale.objects.exists()


def test_un_membro_non_salva_bozze(incontro, membro, ente_crema):
    risposta = _client(ente_crema).post(
        _url("verbale-bozza", incontro), {"testo": "x", "versione": 1}
    )
    assert risposta.status_code == 403
    assert not BozzaLocale.objects.exists()


# --- Review loop ------------------------------------------------------------------------------


def test_invio_in_revisione_registra_il_passaggio(incontro, operatore_crema):
    client = _client(operatore_crema)
    _salva(client, incontro, TESTO_ANNA, 1)

    risposta = _transizione(client, incontro, "invia", follow=True)

    assert risposta.redirect_chain[-1][0] == _url("incontro", incontro)
    assert "Verbale inviato in revisione." in _messaggi(risposta)
    assert _testo(_uno(risposta, data_testid="stato-verbale")) == "In revisione"
    incontro.refresh_from_db()
    assert incontro.stato == Stato.IN_REVISIONE
    transizione = Transizione.objects.get(incontro=incontro)
    assert (
        transizione.da_stato,
        transizione.a_stato,
        transizione.revisione,
        transizione.utente,
    ) == (Stato.BOZZA, Stato.IN_REVISIONE, 1, operatore_crema)


def test_un_operatore_non_coordinatore_non_approva(incontro, operatore_crema):
    client = _client(operatore_crema)
    _salva(client, incontro, TESTO_ANNA, 1)
    _transizione(client, incontro, "invia")

    assert _transizione(client, incontro, "approva").status_code == 403
    assert "Approva il verbale" not in client.get(_url("incontro", incontro)).content.decode()
    incontro.refresh_from_db()
    assert incontro.stato == Stato.IN_REVISIONE
    assert incontro.testo_approvato == ""
    assert Transizione.objects.filter(incontro=incontro).count() == 1


def test_un_membro_non_invia_ne_approva(incontro, operatore_crema, membro, ente_crema):
    services.salva_verbale(
        incontro=incontro, testo=TESTO_ANNA, versione_letta=1, utente=operatore_crema
    )
    client = _client(ente_crema)
    assert _transizione(client, incontro, "invia").status_code == 403
    services.invia_in_revisione(incontro=incontro, utente=operatore_crema)
    assert _transizione(client, incontro, "approva").status_code == 403
    assert _transizione(client, incontro, "rimanda").status_code == 403
    incontro.refresh_from_db()
    assert incontro.stato == Stato.IN_REVISIONE


@pytest.mark.parametrize("chi", ["coordinatrice", "ufficio_piano_crema"])
def test_approvazione_da_coordinatore_o_ufficio_di_piano(
    request, incontro, operatore_crema, coordinatrice, chi
):
    approvatore = request.getfixturevalue(chi)
    _salva(_client(operatore_crema), incontro, TESTO_ANNA, 1)
    _transizione(_client(operatore_crema), incontro, "invia")
    prima = timezone.now()

    risposta = _transizione(_client(approvatore), incontro, "approva", follow=True)

    assert "Verbale approvato." in _messaggi(risposta)
    incontro.refresh_from_db()
    assert incontro.stato == Stato.APPROVATO
    assert incontro.testo_approvato == TESTO_ANNA
    assert incontro.approvato_da == approvatore
    assert prima <= incontro.approvato_il <= timezone.now()
    assert list(
        Transizione.objects.filter(incontro=incontro)
        .order_by("pk")
        .values_list("da_stato", "a_stato", "utente")
    ) == [
        (Stato.BOZZA, Stato.IN_REVISIONE, operatore_crema.pk),
        (Stato.IN_REVISIONE, Stato.APPROVATO, approvatore.pk),
    ]
    pagina = _client(operatore_crema).get(_url("incontro", incontro))
    assert f"Approvato da {approvatore} il" in pagina.content.decode()
    # The approved minutes are read-only on the page.
    assert not _trova(pagina, "textarea", name="testo")
    assert "Il verbale è approvato e bloccato." in pagina.content.decode()


def test_l_ufficio_di_piano_di_un_altro_ambito_non_approva(
    incontro, operatore_crema, ufficio_piano_cremona
):
    services.salva_verbale(
        incontro=incontro, testo=TESTO_ANNA, versione_letta=1, utente=operatore_crema
    )
    services.invia_in_revisione(incontro=incontro, utente=operatore_crema)
    assert _transizione(_client(ufficio_piano_cremona), incontro, "approva").status_code == 404
    incontro.refresh_from_db()
    assert incontro.stato == Stato.IN_REVISIONE


def test_rimanda_in_bozza(incontro, operatore_crema):
    client = _client(operatore_crema)
    _salva(client, incontro, TESTO_ANNA, 1)
    _transizione(client, incontro, "invia")
    risposta = _transizione(client, incontro, "rimanda", follow=True)
    assert "Verbale riportato in bozza." in _messaggi(risposta)
    incontro.refresh_from_db()
    assert incontro.stato == Stato.BOZZA
    assert Transizione.objects.filter(incontro=incontro).count() == 2


def _modifiche_dopo_l_approvazione():
    """(name, extra URL kwargs from the approved meeting, POST data from the meeting)."""
    return [
        ("verbale-salva", lambda i: {}, lambda i: {"testo": "Riscritto", "versione": i.versione}),
        (
            "presenze",
            lambda i: {},
            lambda i: (
                {f"presente_{m.pk}": "on" for m in i.tavolo.membri.all()}
                | {f"partecipanti_{m.pk}": "9" for m in i.tavolo.membri.all()}
            ),
        ),
        (
            "esito-nuovo",
            lambda i: {"tipo": "proposta"},
            lambda i: {"proposta-tipo": "proposta", "proposta-testo": "Nuova proposta"},
        ),
        ("esito-elimina", lambda i: {"epk": i.esiti.get().pk}, lambda i: {}),
        (
            "allegato-nuovo",
            lambda i: {},
            lambda i: {"file": SimpleUploadedFile("nota.pdf", b"%PDF-1.4 prova")},
        ),
    ]


def _fotografia(incontro):
    incontro.refresh_from_db()
    return {
        "verbale": (incontro.verbale, incontro.versione, incontro.stato, incontro.revisione),
        "presenze": sorted(incontro.presenze.values_list("membro_id", "partecipanti")),
        "esiti": sorted(incontro.esiti.values_list("pk", "tipo", "testo")),
        "allegati": Allegato.objects.filter(incontro=incontro).count(),
        "revisioni": RevisioneVerbale.objects.filter(incontro=incontro).count(),
    }


@pytest.mark.parametrize(("nome", "kwargs", "dati"), _modifiche_dopo_l_approvazione())
@pytest.mark.parametrize("htmx", [True, False])
def test_dopo_l_approvazione_ogni_modifica_e_rifiutata(
    approvato, operatore_crema, media, nome, kwargs, dati, htmx
):
    prima = _fotografia(approvato)

    risposta = _client(operatore_crema).post(
        _url(nome, approvato, **kwargs(approvato)),
        dati(approvato),
        headers=HTMX if htmx else {},
    )

    assert risposta.status_code == 409
    assert "Il verbale è approvato: per modificarlo apri una nuova revisione." in (
        risposta.content.decode()
    )
    assert _fotografia(approvato) == prima


def test_dopo_l_approvazione_il_servizio_rifiuta_il_salvataggio(approvato, operatore_crema):
    with pytest.raises(OperazioneNonAmmessa):
        services.salva_verbale(
            incontro=approvato,
            testo="Riscritto",
            versione_letta=approvato.versione,
            utente=operatore_crema,
        )
    with pytest.raises(OperazioneNonAmmessa):
        services.registra_presenze(incontro=approvato, partecipanti={})
    approvato.refresh_from_db()
    assert approvato.verbale == TESTO_ANNA
    assert approvato.presenze.count() == 1


def test_nuova_revisione_riapre_in_bozza_e_la_storia_elenca_tutto(
    approvato, operatore_crema, ufficio_piano_crema, coordinatrice
):
    # The operator may not reopen approved minutes.
    assert _transizione(_client(operatore_crema), approvato, "nuova-revisione").status_code == 403

    risposta = _transizione(_client(coordinatrice), approvato, "nuova-revisione", follow=True)

    assert any(m.startswith("Aperta una nuova revisione del verbale") for m in _messaggi(risposta))
    approvato.refresh_from_db()
    assert approvato.stato == Stato.BOZZA
    assert approvato.revisione == 2
    assert approvato.testo_approvato == TESTO_ANNA
    assert approvato.approvato_da == ufficio_piano_crema

    # Editing works again, and the saved version belongs to revision 2.
    client = _client(operatore_crema)
    assert _salva(client, approvato, TESTO_BRUNO, approvato.versione).status_code == 200
    assert RevisioneVerbale.objects.filter(incontro=approvato).first().revisione == 2

    storia = _client(ufficio_piano_crema).get(_url("storia", approvato))
    assert storia.status_code == 200
    righe = [_testo(tr) for tr in _trova(_uno(storia, "tbody"), "tr")]
    assert len(righe) == 3
    assert "Bozza" in righe[0] and "In revisione" in righe[0] and str(operatore_crema) in righe[0]
    assert "Approvato" in righe[1] and str(ufficio_piano_crema) in righe[1]
    assert "Approvato" in righe[2] and "Bozza" in righe[2] and str(coordinatrice) in righe[2]
    versioni = [_testo(s) for s in _trova(storia, "summary")]
    assert len(versioni) == 2
    assert versioni[0].startswith("Revisione 2, versione 3 — " + str(operatore_crema))
    assert versioni[1].startswith("Revisione 1, versione 2 — " + str(operatore_crema))
    testo_storia = _testo(_albero(storia))
    assert _normale(TESTO_ANNA) in testo_storia
    assert _normale(TESTO_BRUNO) in testo_storia


def test_la_storia_mostra_gli_autori_di_ogni_versione(
    incontro, operatore_crema, ufficio_piano_crema
):
    _salva(_client(operatore_crema), incontro, TESTO_ANNA, 1)
    _salva(_client(ufficio_piano_crema), incontro, TESTO_BRUNO, 2)
    storia = _client(operatore_crema).get(_url("storia", incontro))
    versioni = [_testo(s) for s in _trova(storia, "summary")]
    assert versioni[0].startswith(f"Revisione 1, versione 3 — {ufficio_piano_crema}")
    assert versioni[1].startswith(f"Revisione 1, versione 2 — {operatore_crema}")


def test_un_membro_non_vede_la_storia(incontro, membro, ente_crema):
    assert _client(ente_crema).get(_url("storia", incontro)).status_code == 403


def test_durante_la_nuova_revisione_i_membri_leggono_il_testo_approvato(
    approvato, operatore_crema, ufficio_piano_crema, ente_crema
):
    services.apri_nuova_revisione(incontro=approvato, utente=ufficio_piano_crema)
    approvato.refresh_from_db()
    services.salva_verbale(
        incontro=approvato,
        testo=TESTO_BRUNO,
        versione_letta=approvato.versione,
        utente=operatore_crema,
    )
    pagina = _client(ente_crema).get(_url("incontro", approvato))
    verbale = _testo(_uno(pagina, data_testid="testo-verbale"))
    assert verbale == _normale(TESTO_ANNA)
    assert "mappare" not in pagina.content.decode()


@pytest.mark.parametrize(
    ("preparazione", "azione", "errore"),
    [
        ("scritto", "approva", "Solo un verbale in revisione può essere approvato."),
        ("vuoto", "invia", "Il verbale è vuoto: scrivilo prima di inviarlo."),
        ("spazi", "invia", "Il verbale è vuoto: scrivilo prima di inviarlo."),
        ("scritto", "rimanda", "Solo un verbale in revisione può tornare in bozza."),
        ("scritto", "nuova-revisione", "Si apre una nuova revisione solo di un verbale approvato."),
        ("in_revisione", "invia", "Solo un verbale in bozza può essere inviato in revisione."),
    ],
)
def test_passaggi_non_ammessi_spiegano_e_non_cambiano_nulla(
    incontro, operatore_crema, ufficio_piano_crema, preparazione, azione, errore
):
    testo = {"vuoto": "", "spazi": "  \n\t "}.get(preparazione, TESTO_ANNA)
    if testo:
        services.salva_verbale(
            incontro=incontro, testo=testo, versione_letta=1, utente=operatore_crema
        )
    if preparazione == "in_revisione":
        services.invia_in_revisione(incontro=incontro, utente=operatore_crema)
    prima = _fotografia(incontro)
    transizioni = Transizione.objects.count()

    risposta = _transizione(_client(ufficio_piano_crema), incontro, azione, follow=True)

    assert risposta.status_code == 200
    assert errore in _messaggi(risposta)
    assert errore in risposta.content.decode()
    assert _fotografia(incontro) == prima
    assert Transizione.objects.count() == transizioni


def test_invio_di_un_verbale_vuoto_nel_servizio(incontro, operatore_crema):
    with pytest.raises(OperazioneNonAmmessa, match="Il verbale è vuoto"):
        services.invia_in_revisione(incontro=incontro, utente=operatore_crema)
    incontro.refresh_from_db()
    assert incontro.stato == Stato.BOZZA
    assert not Transizione.objects.exists()


def test_azione_sconosciuta_404(incontro, ufficio_piano_crema):
    client = _client(ufficio_piano_crema)
    assert _transizione(client, incontro, "pubblica").status_code == 404
    assert _transizione(client, incontro, "elimina").status_code == 404
    incontro.refresh_from_db()
    assert incontro.stato == Stato.BOZZA


def test_le_transizioni_vogliono_post(incontro, ufficio_piano_crema):
    risposta = _client(ufficio_piano_crema).get(_url("transizione", incontro, azione="invia"))
    assert risposta.status_code == 405


# --- Comments ---------------------------------------------------------------------------------


def _commenta(client, incontro, testo):
    return client.post(_url("commento-nuovo", incontro), {"testo": testo}, headers=HTMX)


def test_un_membro_commenta_durante_la_revisione(
    approvato, operatore_crema, ufficio_piano_crema, ente_crema
):
    # Revision 2: reopened, edited and sent to the members again.
    services.apri_nuova_revisione(incontro=approvato, utente=ufficio_piano_crema)
    services.invia_in_revisione(incontro=approvato, utente=operatore_crema)
    client = _client(ente_crema)
    pagina = client.get(_url("incontro", approvato))
    assert _trova(pagina, "form", action=_url("commento-nuovo", approvato))

    risposta = _commenta(client, approvato, "Manca il punto sui trasporti.")

    assert risposta.status_code == 200
    sezione = _uno(risposta, "section", id="commenti")
    assert "Manca il punto sui trasporti." in _testo(sezione)
    assert "revisione 2" in _testo(sezione)
    commento = Commento.objects.get(incontro=approvato)
    assert (commento.autore, commento.revisione, commento.testo) == (
        ente_crema,
        2,
        "Manca il punto sui trasporti.",
    )


@pytest.mark.parametrize("stato", [Stato.BOZZA, Stato.APPROVATO])
def test_fuori_dalla_revisione_non_si_commenta(
    incontro, operatore_crema, ufficio_piano_crema, membro, ente_crema, stato
):
    services.salva_verbale(
        incontro=incontro, testo=TESTO_ANNA, versione_letta=1, utente=operatore_crema
    )
    if stato == Stato.APPROVATO:
        services.invia_in_revisione(incontro=incontro, utente=operatore_crema)
        services.approva_verbale(incontro=incontro, utente=ufficio_piano_crema)
    client = _client(ente_crema)
    assert not _trova(
        client.get(_url("incontro", incontro)), "form", action=_url("commento-nuovo", incontro)
    )
    assert _commenta(client, incontro, "Troppo tardi").status_code == 403
    assert not Commento.objects.exists()


def test_chi_non_e_membro_non_commenta(
    incontro, operatore_crema, cremasco, iscrizione_crema, ente_crema
):
    # ente_crema's ente is not a member of this table: the table does not exist for her.
    services.salva_verbale(
        incontro=incontro, testo=TESTO_ANNA, versione_letta=1, utente=operatore_crema
    )
    services.invia_in_revisione(incontro=incontro, utente=operatore_crema)
    assert _commenta(_client(ente_crema), incontro, "Intruso").status_code == 404
    assert not Commento.objects.exists()


def test_un_commento_vuoto_non_si_registra(incontro, operatore_crema, membro, ente_crema):
    services.salva_verbale(
        incontro=incontro, testo=TESTO_ANNA, versione_letta=1, utente=operatore_crema
    )
    services.invia_in_revisione(incontro=incontro, utente=operatore_crema)
    risposta = _commenta(_client(ente_crema), incontro, "   ")
    assert risposta.status_code == 200
    assert _trova(risposta, "section", id="commenti")
    assert not Commento.objects.exists()


# --- Escaping ---------------------------------------------------------------------------------


def _senza_script(risposta):
    html = risposta.content.decode()
    assert XSS not in html
    assert "<script>alert" not in html
    return html


def test_il_testo_degli_utenti_e_sempre_escapato(
    incontro, operatore_crema, ufficio_piano_crema, membro, ente_crema
):
    anna, bruno = _client(operatore_crema), _client(ufficio_piano_crema)
    verbale = f"Verbale {XSS}"

    # Minutes: the save fragment, the editor's page, the draft banner.
    assert XSS_ESCAPED in _senza_script(_salva(anna, incontro, verbale, 1))
    anna.post(_url("verbale-bozza", incontro), {"testo": f"Bozza {XSS}", "versione": 2})
    pagina = _senza_script(anna.get(_url("incontro", incontro)))
    assert f"Verbale {XSS_ESCAPED}" in pagina
    assert f"Bozza {XSS_ESCAPED}" in pagina

    # A conflict shows both texts, escaped.
    conflitto = _senza_script(_salva(bruno, incontro, f"Conflitto {XSS}", 1))
    assert f"Verbale {XSS_ESCAPED}" in conflitto
    assert f"Conflitto {XSS_ESCAPED}" in conflitto

    # Outcomes, with their target.
    esiti = anna.post(
        _url("esito-nuovo", incontro, tipo="bisogno"),
        {"bisogno-tipo": "bisogno", "bisogno-testo": f"Esito {XSS}", "bisogno-target": XSS},
        headers=HTMX,
    )
    assert f"Esito {XSS_ESCAPED}" in _senza_script(esiti)
    assert Esito.objects.get(incontro=incontro).testo == f"Esito {XSS}"

    # The members read minutes and outcomes, and comment.
    services.invia_in_revisione(incontro=incontro, utente=operatore_crema)
    membro_client = _client(ente_crema)
    pagina = _senza_script(membro_client.get(_url("incontro", incontro)))
    assert f"Verbale {XSS_ESCAPED}" in pagina
    assert f"Esito {XSS_ESCAPED}" in pagina
    commento = _commenta(membro_client, incontro, f"Commento {XSS}")
    assert f"Commento {XSS_ESCAPED}" in _senza_script(commento)
    assert f"Commento {XSS_ESCAPED}" in _senza_script(anna.get(_url("incontro", incontro)))

    # The history.
    assert f"Verbale {XSS_ESCAPED}" in _senza_script(anna.get(_url("storia", incontro)))


# --- Line endings: a browser sends "\r\n", a script "\n" ---------------------------------------


def test_bozza_uguale_a_meno_degli_a_capo_nessun_banner(incontro, operatore_crema):
    client = _client(operatore_crema)
    # The form sends the textarea with "\r\n"; the autosave, read by the script, has "\n"
    # and may arrive just after the save.
    _salva(client, incontro, TESTO_ANNA.replace("\n", "\r\n"), 1)
    client.post(_url("verbale-bozza", incontro), {"testo": TESTO_ANNA, "versione": 2})

    pagina = client.get(_url("incontro", incontro))

    assert not _trova(pagina, data_testid="bozza-server")
    incontro.refresh_from_db()
    assert incontro.verbale == TESTO_ANNA


def test_verbale_salvato_con_crlf_e_bozza_uguale_nessun_banner(incontro, operatore_crema):
    # A text stored before the save normalised line endings.
    Incontro.objects.filter(pk=incontro.pk).update(verbale=TESTO_ANNA.replace("\n", "\r\n"))
    BozzaLocale.objects.create(
        incontro=incontro, utente=operatore_crema, testo=TESTO_ANNA, versione_base=1
    )
    pagina = _client(operatore_crema).get(_url("incontro", incontro))
    assert not _trova(pagina, data_testid="bozza-server")


def test_bozza_davvero_diversa_mostra_il_banner(incontro, operatore_crema):
    client = _client(operatore_crema)
    _salva(client, incontro, TESTO_ANNA.replace("\n", "\r\n"), 1)
    client.post(
        _url("verbale-bozza", incontro), {"testo": TESTO_ANNA + "\nAncora una riga", "versione": 2}
    )
    pagina = client.get(_url("incontro", incontro))
    assert _trova(pagina, data_testid="bozza-server")
