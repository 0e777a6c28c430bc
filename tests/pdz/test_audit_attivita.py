"""The Ufficio di Piano reads its ambito's activity (pdz/attivita.py): entries written through the
real middleware and views, who may read them, the filters, the export, the query count; and
nobody, superusers included, edits or deletes the trail in the admin (pdz/admin.py)."""

import csv
import io

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from ambiti.models import Comune, Iscrizione
from assemblea.models import RegolaVoto, Voto
from tavoli.models import Tavolo
from tests.ambiti.test_views_registro import _dati_di
from tests.assemblea.test_views_voto import _punto, _regola, _seduta, _votazione
from tests.assemblea.test_views_voto import _url as _url_voto
from tests.factories import IscrizioneFactory, TavoloFactory
from tests.utils.html import testo as _testo
from tests.utils.html import trova


def _url(ambito, **query):
    url = reverse("attivita:elenco", kwargs={"slug": ambito.slug})
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _url_export(ambito, formato="csv", query=""):
    url = reverse("attivita:esporta", kwargs={"slug": ambito.slug, "formato": formato})
    return f"{url}?{query}" if query else url


def _righe(risposta):
    return [_testo(r) for r in trova(risposta, data_testid="attivita")]


def _csv(risposta):
    return list(csv.reader(io.StringIO(risposta.content.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def iscrizione(cremasco):
    return IscrizioneFactory(ambito=cremasco, ente__denominazione="Cooperativa Il Ponte")


@pytest.fixture
def modificata(client, ufficio_piano_crema, iscrizione):
    """The Ufficio di Piano changes a registration's note through its page."""
    client.force_login(ufficio_piano_crema)
    url = reverse(
        "ambiti:iscrizione-modifica", kwargs={"slug": iscrizione.ambito.slug, "pk": iscrizione.pk}
    )
    risposta = client.post(url, _dati_di(iscrizione, iscrizione__note="Rinnovata per il 2026"))
    assert risposta.status_code == 302
    client.logout()
    return risposta


# --- Entries written through the real request ------------------------------------------------


def test_una_modifica_dal_portale_porta_autore_indirizzo_e_id_della_richiesta(
    modificata, iscrizione, ufficio_piano_crema
):
    voce = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Iscrizione),
        object_id=iscrizione.pk,
        action=LogEntry.Action.UPDATE,
    )
    assert voce.actor == ufficio_piano_crema
    assert voce.remote_addr == "127.0.0.1"
    # The id the response gave back (and the logs and the error page show).
    assert voce.cid == modificata["X-Request-ID"]
    assert voce.changes["note"] == ["", "Rinnovata per il 2026"]


def test_l_ufficio_di_piano_legge_la_modifica_con_prima_e_dopo(
    client, modificata, ufficio_piano_crema, iscrizione
):
    client.force_login(ufficio_piano_crema)
    risposta = client.get(_url(iscrizione.ambito))
    assert risposta.status_code == 200
    righe = _righe(risposta)
    modifica = next(r for r in righe if "Rinnovata per il 2026" in r)
    assert "Note : — → Rinnovata per il 2026" in modifica
    assert "Modifica" in modifica
    assert str(ufficio_piano_crema) in modifica
    assert modificata["X-Request-ID"] in modifica
    # A link to the registration, which still exists.
    dettaglio = reverse(
        "ambiti:iscrizione-dettaglio", kwargs={"slug": iscrizione.ambito.slug, "pk": iscrizione.pk}
    )
    assert f'href="{dettaglio}"' in risposta.content.decode()


def test_un_voto_segreto_non_compare_ne_nella_pagina_ne_nell_esportazione(
    client, cremasco, ufficio_piano_crema, sindaco_crema
):
    regola = _regola(cremasco, ufficio_piano_crema, scrutinio=RegolaVoto.Scrutinio.SEGRETO)
    punto = _punto(_seduta(cremasco, ufficio_piano_crema))
    votazione = _votazione(punto, regola, ufficio_piano_crema)
    client.force_login(sindaco_crema)
    crema = Comune.objects.get(nome="Crema")
    for scelta in ("contrario", "astenuto"):
        risposta = client.post(_url_voto("vota", punto), {"comune": crema.pk, "scelta": scelta})
        assert risposta.status_code == 303
    voto = Voto.objects.get(votazione=votazione)
    voci = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Voto), object_id=voto.pk
    )
    assert [v.actor for v in voci] == [sindaco_crema, sindaco_crema]

    client.force_login(ufficio_piano_crema)
    pagina = client.get(_url(cremasco)).content.decode()
    esportazione = client.get(_url_export(cremasco)).content.decode()
    assert "Voto" in pagina
    for contenuto in (pagina, esportazione):
        for segreto in ("Contrario", "Astenuto", "contrario", "astenuto", voto.ricevuta):
            assert segreto not in contenuto


# --- Who may read it ---------------------------------------------------------------------------


def test_l_amministratore_legge_l_attivita_di_ogni_ambito(client, amministratore, cremasco):
    client.force_login(amministratore)
    assert client.get(_url(cremasco)).status_code == 200


@pytest.mark.parametrize(
    ("persona", "stato"),
    [
        ("ufficio_piano_cremona", 404),
        ("senza_ruolo", 404),
        ("sindaco_crema", 403),
        ("operatore_crema", 403),
        ("ente_crema", 403),
    ],
)
def test_chi_non_e_l_ufficio_di_piano_dell_ambito_non_la_legge(
    client, request, cremasco, persona, stato
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(cremasco)).status_code == stato
    assert client.get(_url_export(cremasco)).status_code == stato


def test_chi_non_ha_fatto_l_accesso_va_al_login(client, cremasco):
    for url in (_url(cremasco), _url_export(cremasco)):
        risposta = client.get(url)
        assert risposta.status_code == 302
        assert risposta["Location"].startswith(reverse("accounts:login"))


def test_la_pagina_non_accetta_scritture(client, ufficio_piano_crema, cremasco):
    client.force_login(ufficio_piano_crema)
    assert client.post(_url(cremasco)).status_code == 405
    assert client.post(_url_export(cremasco)).status_code == 405


def test_le_voci_di_un_altro_ambito_non_compaiono(
    client, ufficio_piano_crema, cremasco, cremonese, iscrizione_cremona
):
    TavoloFactory(ambito=cremonese, titolo="Tavolo di Cremona")
    TavoloFactory(ambito=cremasco, titolo="Tavolo di Crema")
    client.force_login(ufficio_piano_crema)
    righe = " ".join(_righe(client.get(_url(cremasco))))
    assert "Tavolo di Crema" in righe
    assert "Tavolo di Cremona" not in righe
    assert "Cooperativa La Rete" not in righe


def test_un_ente_e_un_utente_compaiono_negli_ambiti_in_cui_sono_iscritti_o_hanno_un_ruolo(
    client, ufficio_piano_crema, ufficio_piano_cremona, cremasco, cremonese, sindaco_crema
):
    iscrizione = IscrizioneFactory(ambito=cremasco, ente__denominazione="Fondazione Benefattori")
    ente = iscrizione.ente
    ente.telefono = "0373 111111"
    ente.save()
    client.force_login(ufficio_piano_crema)
    righe = " ".join(_righe(client.get(_url(cremasco))))
    assert "0373 111111" in righe
    assert "sindaco_crema" in righe  # the creation of the sindaco's account
    client.force_login(ufficio_piano_cremona)
    righe = " ".join(_righe(client.get(_url(cremonese))))
    assert "Fondazione Benefattori" not in righe
    assert "sindaco_crema" not in righe


# --- Filters and export ----------------------------------------------------------------------


@pytest.fixture
def storia(cremasco, ufficio_piano_crema, modificata, iscrizione):
    """A registration changed by the Ufficio di Piano, and a table created then deleted."""
    tavolo = TavoloFactory(ambito=cremasco, titolo="Tavolo Anziani")
    tavolo.delete()
    return iscrizione


def test_filtra_per_autore(client, storia, ufficio_piano_crema, cremasco):
    client.force_login(ufficio_piano_crema)
    righe = _righe(client.get(_url(cremasco, chi=ufficio_piano_crema.pk)))
    assert righe
    assert all(str(ufficio_piano_crema) in r for r in righe)
    assert not any("Tavolo Anziani" in r for r in righe)


def test_filtra_per_oggetto_e_azione(client, storia, ufficio_piano_crema, cremasco):
    client.force_login(ufficio_piano_crema)
    righe = _righe(client.get(_url(cremasco, cosa="tavoli.tavolo")))
    assert len(righe) == 2
    assert all("Tavolo Anziani" in r for r in righe)
    righe = _righe(client.get(_url(cremasco, cosa="tavoli.tavolo", azione=2)))
    assert len(righe) == 1
    assert "Eliminazione" in righe[0]
    # The deleted table has no page to link to.
    assert "/tavoli/" not in str(trova(client.get(_url(cremasco, azione=2)), "a", href=True))


def test_filtra_per_date(client, storia, ufficio_piano_crema, cremasco):
    client.force_login(ufficio_piano_crema)
    oggi = LogEntry.objects.latest().timestamp.date().isoformat()
    assert _righe(client.get(_url(cremasco, dal=oggi, al=oggi)))
    assert not _righe(client.get(_url(cremasco, dal="2001-01-01", al="2001-01-31")))
    # A date that is not a date: no rows rather than every row.
    assert not _righe(client.get(_url(cremasco, dal="ieri")))


def test_l_esportazione_ha_le_righe_filtrate_campo_per_campo(
    client, storia, ufficio_piano_crema, cremasco, modificata
):
    client.force_login(ufficio_piano_crema)
    risposta = client.get(_url_export(cremasco, query="cosa=ambiti.iscrizione&azione=1"))
    assert risposta.status_code == 200
    assert risposta["Content-Type"].startswith("text/csv")
    righe = _csv(risposta)
    assert righe[0] == [
        "Data e ora",
        "Chi",
        "Azione",
        "Tipo di oggetto",
        "Oggetto",
        "Campo",
        "Prima",
        "Dopo",
        "Richiesta",
        "Indirizzo",
    ]
    note = [r for r in righe[1:] if r[5] == "Note"]
    assert len(note) == 1
    assert note[0][1:9] == [
        str(ufficio_piano_crema),
        "Modifica",
        "Iscrizione al registro",
        str(storia),
        "Note",
        "—",
        "Rinnovata per il 2026",
        modificata["X-Request-ID"],
    ]
    assert all(r[2] == "Modifica" and r[3] == "Iscrizione al registro" for r in righe[1:])
    assert client.get(_url_export(cremasco, "xlsx")).status_code == 200
    assert client.get(_url_export(cremasco, "pdf")).status_code == 404


# --- Query count -------------------------------------------------------------------------------


def _attivita(ambito, quante):
    for i in range(quante):
        tavolo = TavoloFactory(ambito=ambito, titolo=f"Tavolo {i}")
        tavolo.titolo = f"Tavolo {i} rinominato"
        tavolo.save()
        IscrizioneFactory(ambito=ambito)


# Up to 8 rounds the page's 50 rows hold the same kinds of objects: what the count depends on.
@pytest.mark.parametrize("quante", [1, 8])
def test_la_pagina_e_l_esportazione_hanno_un_numero_fisso_di_query(
    client, django_assert_num_queries, ufficio_piano_crema, cremasco, quante
):
    _attivita(cremasco, quante)
    client.force_login(ufficio_piano_crema)
    client.get(_url(cremasco))  # the session and the content types, read once
    # Session (none with Redis: cached_db reads it from the shared cache), user, ambito, roles;
    # count, page; one per model the rows' foreign keys name (ambito, comune capofila, ATS, ente,
    # user); one per model with a page to link (tables, registrations); the actors of the
    # filter; the navigation's ambiti.
    sessione = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
    with django_assert_num_queries(14 + sessione):
        assert client.get(_url(cremasco)).status_code == 200
    # The same without count, filter choices and navigation.
    with django_assert_num_queries(11 + sessione):
        assert client.get(_url_export(cremasco)).status_code == 200


# --- The admin: read only for everyone ---------------------------------------------------------


def test_nell_admin_il_registro_si_legge_e_non_si_tocca(client, amministratore, cremasco):
    tavolo = TavoloFactory(ambito=cremasco)
    voce = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Tavolo), object_id=tavolo.pk
    )
    client.force_login(amministratore)
    elenco = client.get(reverse("admin:auditlog_logentry_changelist"))
    assert elenco.status_code == 200
    assert b"delete_selected" not in elenco.content
    assert client.get(reverse("admin:auditlog_logentry_change", args=[voce.pk])).status_code == 200

    cancella = reverse("admin:auditlog_logentry_delete", args=[voce.pk])
    assert client.get(cancella).status_code == 403
    assert client.post(cancella, {"post": "yes"}).status_code == 403
    modifica = reverse("admin:auditlog_logentry_change", args=[voce.pk])
    assert client.post(modifica, {"object_repr": "altro"}).status_code == 403
    assert client.get(reverse("admin:auditlog_logentry_add")).status_code == 403
    azione = client.post(
        reverse("admin:auditlog_logentry_changelist"),
        {"action": "delete_selected", "_selected_action": [voce.pk], "post": "yes"},
    )
    assert azione.status_code in (200, 302)
    voce.refresh_from_db()
    assert voce.object_repr == str(tavolo)
    assert LogEntry.objects.filter(pk=voce.pk).exists()


def test_la_voce_attivita_nel_menu_solo_per_l_ufficio_di_piano(
    client, cremasco, ufficio_piano_crema, sindaco_crema
):
    cruscotto = reverse("cruscotto", kwargs={"slug": cremasco.slug})
    client.force_login(ufficio_piano_crema)
    assert f'href="{_url(cremasco)}"' in client.get(cruscotto).content.decode()
    client.force_login(sindaco_crema)
    assert f'href="{_url(cremasco)}"' not in client.get(cruscotto).content.decode()
