"""Writing the Piano di Zona: the outline from the template, sections moved, added and removed,
revisions and conflicts without a lost word, who else is editing, comments, the review states
and the frozen, immutable versions for the Assemblea."""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Ruolo
from ambiti.demo import carica_aree_policy, carica_periodo
from ambiti.models import AreaPolicy
from core.flusso import OperazioneNonAmmessa
from piani import services
from piani.models import (
    CommentoSezione,
    Piano,
    PresenzaEditor,
    RenderPDF,
    RevisioneSezione,
    Sezione,
    TransizionePiano,
    VersionePiano,
)
from tests.factories import RuoloFactory, UserFactory
from tests.utils.html import testo as _testo
from tests.utils.html import trova, uno

Stato = Piano.Stato
Esito = VersionePiano.Esito

MODELLO_PRIMA = [
    "Introduzione",
    "Il territorio e la popolazione",
    "La popolazione per comune",
    "Valutazione del piano precedente",
    "Governance e partecipazione",
]
MODELLO_DOPO = ["Le risorse", "Allegati"]
MESSAGGIO_CONGELATO = "Il piano è congelato per l'Assemblea: crea una nuova bozza."


@pytest.fixture
def anna(ufficio_piano_crema):
    """The Ufficio di Piano of the Cremasco, with a name the pages show."""
    ufficio_piano_crema.first_name, ufficio_piano_crema.last_name = "Anna", "Rossi"
    ufficio_piano_crema.save(update_fields=["first_name", "last_name"])
    return ufficio_piano_crema


@pytest.fixture
def bruno(cremasco):
    """A second person of the same Ufficio di Piano."""
    user = UserFactory(username="up_crema_2", first_name="Bruno", last_name="Bianchi")
    RuoloFactory(user=user, tipo=Ruolo.Tipo.UFFICIO_PIANO, ambito=cremasco)
    return user


@pytest.fixture
def piano(cremasco, anna):
    return services.crea_piano(ambito=cremasco, periodo=carica_periodo(), utente=anna)


def _url(nome, piano, sezione=None, **extra):
    kwargs = {"slug": piano.ambito.slug, "pk": piano.pk}
    if sezione is not None:
        kwargs["spk"] = sezione.pk
    return reverse(f"piani:{nome}", kwargs=kwargs | extra)


def _sezione(piano, titolo="Introduzione"):
    return piano.sezioni.get(titolo=titolo)


def _titoli(piano):
    return list(piano.sezioni.order_by("ordine", "pk").values_list("titolo", flat=True))


def _imposta_stato(piano, stato):
    Piano.objects.filter(pk=piano.pk).update(stato=stato)
    piano.refresh_from_db()


def _salva(client, piano, sezione, testo, *, versione, titolo=None, follow=False):
    dati = {"titolo": titolo or sezione.titolo, "testo": testo, "versione": versione}
    return client.post(_url("sezione", piano, sezione), dati, follow=follow)


def _valore(risposta, tag, name):
    elemento = uno(risposta, tag, name=name)
    if tag == "textarea":
        return _testo(elemento)
    return dict(elemento.attributes)["value"]


def _messaggi(risposta):
    return [_testo(el) for el in trova(risposta, role="alert")]


# --- The outline from the template -------------------------------------------------------------


def test_crea_piano_dal_modello_con_una_sezione_per_area(client, cremasco, anna):
    periodo = carica_periodo()
    # The areas of another period are not this plan's.
    carica_aree_policy(carica_periodo("2021-2023"))
    aree = list(AreaPolicy.objects.filter(periodo=periodo).order_by("ordine"))
    assert len(aree) == 10
    client.force_login(anna)
    risposta = client.post(reverse("piani:crea", args=["cremasco"]), {"periodo": periodo.pk})
    piano = Piano.objects.get(ambito=cremasco, periodo=periodo)
    assert risposta.status_code == 302
    assert risposta["Location"] == _url("dettaglio", piano)
    assert (piano.stato, piano.creato_da) == (Stato.BOZZA, anna)

    attesi = [*MODELLO_PRIMA, *(f"Obiettivi: {a.nome}" for a in aree), *MODELLO_DOPO]
    assert _titoli(piano) == attesi
    sezioni = list(piano.sezioni.order_by("ordine"))
    assert [s.ordine for s in sezioni] == list(range(1, len(attesi) + 1))
    obiettivi = [s for s in sezioni if s.blocco == Sezione.Blocco.OBIETTIVI]
    assert [s.area for s in obiettivi] == aree
    assert [s.blocco for s in sezioni[:5]] == ["", "comuni", "popolazione", "valutazione", "tavoli"]
    assert [s.blocco for s in sezioni[-2:]] == ["risorse", ""]
    assert "strumento di programmazione sociale" in sezioni[0].testo
    assert {s.versione for s in sezioni} == {1}
    assert not RevisioneSezione.objects.exists()

    pagina = client.get(_url("dettaglio", piano))
    titoli_pagina = [
        _testo(uno(el, "div", **{"class": "fw-bold"}))
        for el in trova(pagina, data_testid="sezione")
    ]
    assert titoli_pagina == attesi


def test_un_periodo_senza_aree_ha_solo_le_sezioni_del_modello(cremasco, anna):
    piano = services.crea_piano(ambito=cremasco, periodo=carica_periodo("2021-2023"), utente=anna)
    assert _titoli(piano) == [*MODELLO_PRIMA, *MODELLO_DOPO]


# --- Moving, adding, removing ------------------------------------------------------------------


def test_sposta_su_e_giu(client, piano, anna):
    client.force_login(anna)
    iniziale = _titoli(piano)
    terza = _sezione(piano, iniziale[2])
    assert client.post(_url("sezione-sposta", piano, terza, verso="su")).status_code == 302
    atteso = [iniziale[0], iniziale[2], iniziale[1], *iniziale[3:]]
    assert _titoli(piano) == atteso
    client.post(_url("sezione-sposta", piano, terza, verso="giu"))
    client.post(_url("sezione-sposta", piano, terza, verso="giu"))
    assert _titoli(piano) == [*iniziale[:2], iniziale[3], iniziale[2], *iniziale[4:]]
    # The ends stay where they are.
    prima = _sezione(piano, iniziale[0])
    ultima = _sezione(piano, iniziale[-1])
    client.post(_url("sezione-sposta", piano, prima, verso="su"))
    client.post(_url("sezione-sposta", piano, ultima, verso="giu"))
    assert _titoli(piano)[0] == iniziale[0]
    assert _titoli(piano)[-1] == iniziale[-1]
    ordini = list(piano.sezioni.order_by("ordine").values_list("ordine", flat=True))
    assert ordini == list(range(1, len(iniziale) + 1))


def test_aggiungi_ed_elimina(client, piano, anna):
    client.force_login(anna)
    iniziale = _titoli(piano)
    area = AreaPolicy.objects.filter(periodo=piano.periodo).order_by("ordine").last()
    url = _url("sezione-aggiungi", piano)
    assert client.post(url, {"titolo": " Bibliografia ", "blocco": ""}).status_code == 302
    client.post(url, {"titolo": "Obiettivi aggiunti", "blocco": "obiettivi", "area": area.pk})
    assert _titoli(piano) == [*iniziale, "Bibliografia", "Obiettivi aggiunti"]
    aggiunta = _sezione(piano, "Obiettivi aggiunti")
    assert (aggiunta.blocco, aggiunta.area, aggiunta.modificata_da) == ("obiettivi", area, anna)
    assert aggiunta.ordine == len(iniziale) + 2

    # No title, or a block that does not exist: nothing is added, and the page says why.
    for dati in ({"titolo": "  ", "blocco": ""}, {"titolo": "Sezione", "blocco": "inesistente"}):
        risposta = client.post(url, dati, follow=True)
        assert "Indica il titolo della nuova sezione." in _messaggi(risposta)
    assert piano.sezioni.count() == len(iniziale) + 2

    risposta = client.post(_url("sezione-elimina", piano, _sezione(piano, "Allegati")), follow=True)
    assert "Sezione eliminata." in _messaggi(risposta)
    assert _titoli(piano) == [*iniziale[:-1], "Bibliografia", "Obiettivi aggiunti"]
    # Moving after a removal numbers the sections again, without gaps.
    client.post(_url("sezione-sposta", piano, aggiunta, verso="su"))
    assert _titoli(piano)[-2:] == ["Obiettivi aggiunti", "Bibliografia"]
    ordini = list(piano.sezioni.order_by("ordine").values_list("ordine", flat=True))
    assert ordini == list(range(1, len(iniziale) + 2))


# --- Editing a section -------------------------------------------------------------------------


def test_ogni_salvataggio_fa_una_revisione_e_il_primo_conserva_il_testo_iniziale(
    client, piano, anna, bruno
):
    sezione = _sezione(piano)
    iniziale = sezione.testo
    client.force_login(anna)
    risposta = client.get(_url("sezione", piano, sezione))
    assert _valore(risposta, "input", "versione") == "1"
    assert _valore(risposta, "textarea", "testo") == iniziale

    risposta = _salva(client, piano, sezione, "<p>Prima stesura</p>", versione=1, follow=True)
    assert "Sezione salvata." in _messaggi(risposta)
    sezione.refresh_from_db()
    assert (sezione.testo, sezione.versione, sezione.modificata_da) == (
        "<p>Prima stesura</p>",
        2,
        anna,
    )
    client.force_login(bruno)
    _salva(client, piano, sezione, "<p>Seconda stesura</p>", versione=2, titolo="Premessa")
    sezione.refresh_from_db()
    assert (sezione.titolo, sezione.versione, sezione.modificata_da) == ("Premessa", 3, bruno)

    revisioni = list(sezione.revisioni.order_by("versione"))
    assert [(r.versione, r.titolo, r.testo, r.autore) for r in revisioni] == [
        (1, "Introduzione", iniziale, anna),
        (2, "Introduzione", "<p>Prima stesura</p>", anna),
        (3, "Premessa", "<p>Seconda stesura</p>", bruno),
    ]
    assert revisioni[0].nota == "Testo iniziale"

    # Saving the same text again is no new revision.
    _salva(client, piano, sezione, "<p>Seconda stesura</p>", versione=3, titolo="Premessa")
    sezione.refresh_from_db()
    assert sezione.versione == 3
    assert sezione.revisioni.count() == 3


def test_il_testo_viene_ripulito(client, piano, anna):
    sezione = _sezione(piano)
    client.force_login(anna)
    sporco = (
        '<p onclick="alert(1)">Servizi <strong>domiciliari</strong> per <em>anziani</em></p>'
        "<script>alert('x')</script>"
        '<ul><li style="color:red">Crema</li><li>Pandino</li></ul>'
        '<p><a href="javascript:alert(2)">collegamento</a> '
        '<a href="https://www.regione.lombardia.it/">Regione</a></p>'
        '<img src="x" onerror="alert(3)">'
    )
    _salva(client, piano, sezione, sporco, versione=1)
    sezione.refresh_from_db()
    testo = sezione.testo
    for vietato in ("<script", "alert(", "onclick", "javascript:", "style=", "<img", "onerror"):
        assert vietato not in testo
    assert "<strong>domiciliari</strong>" in testo
    assert "<em>anziani</em>" in testo
    assert "<ul><li>Crema</li><li>Pandino</li></ul>" in testo
    assert '<a href="https://www.regione.lombardia.it/">Regione</a>' in testo
    assert "collegamento" in testo
    # What the revision keeps is the cleaned text too.
    assert sezione.revisioni.get(versione=2).testo == testo


def test_conflitto_nessuna_parola_persa(client, piano, anna, bruno):
    sezione = _sezione(piano)
    url = _url("sezione", piano, sezione)
    client.force_login(anna)
    assert _valore(client.get(url), "input", "versione") == "1"
    client.force_login(bruno)
    assert _valore(client.get(url), "input", "versione") == "1"

    client.force_login(anna)
    assert _salva(client, piano, sezione, "<p>Testo di Anna</p>", versione=1).status_code == 302

    client.force_login(bruno)
    testo_bruno = "<p>Testo di Bruno, <strong>scritto</strong> nel frattempo</p>"
    risposta = _salva(
        client, piano, sezione, testo_bruno, versione=1, titolo="Introduzione rivista"
    )
    assert risposta.status_code == 409
    conflitto = uno(risposta, data_testid="conflitto")
    assert "Nel frattempo Anna Rossi ha salvato questa sezione." in _testo(conflitto)
    # Both texts as they will read (HTML rendered, not shown as code).
    altrui = uno(conflitto, data_testid="testo-altrui")
    assert _testo(uno(altrui, "p")) == "Testo di Anna"
    proprio = uno(conflitto, data_testid="testo-proprio")
    assert _testo(uno(proprio, "strong")) == "scritto"
    assert "&lt;p&gt;" not in risposta.content.decode().split('data-testid="testo-altrui"')[1][:200]
    # Bruno's own text is in the form, with the version he must now save against.
    assert _valore(risposta, "textarea", "testo") == testo_bruno
    assert _valore(risposta, "input", "titolo") == "Introduzione rivista"
    assert _valore(risposta, "input", "versione") == "2"
    sezione.refresh_from_db()
    assert (sezione.testo, sezione.versione) == ("<p>Testo di Anna</p>", 2)

    # Bruno merges the two texts and saves: accepted, and Anna's save stays in the history.
    unito = "<p>Testo di Anna</p>" + testo_bruno
    risposta = _salva(client, piano, sezione, unito, versione=2, titolo="Introduzione rivista")
    assert risposta.status_code == 302
    sezione.refresh_from_db()
    assert (sezione.testo, sezione.versione, sezione.modificata_da) == (unito, 3, bruno)
    assert [(r.versione, r.testo, r.autore) for r in sezione.revisioni.order_by("versione")] == [
        (1, RevisioneSezione.objects.get(sezione=sezione, versione=1).testo, anna),
        (2, "<p>Testo di Anna</p>", anna),
        (3, unito, bruno),
    ]


def test_conflitto_anche_se_si_salva_lo_stesso_testo_da_una_versione_vecchia(
    client, piano, anna, bruno
):
    sezione = _sezione(piano)
    client.force_login(anna)
    _salva(client, piano, sezione, "<p>Nuovo</p>", versione=1)
    client.force_login(bruno)
    assert _salva(client, piano, sezione, "<p>Altro</p>", versione=1).status_code == 409
    assert _salva(client, piano, sezione, "<p>Altro</p>", versione=99).status_code == 409
    sezione.refresh_from_db()
    assert (sezione.testo, sezione.versione) == ("<p>Nuovo</p>", 2)


def test_conflitto_nel_servizio(piano, anna, bruno):
    sezione = _sezione(piano)
    services.salva_sezione(
        sezione=sezione, titolo="Introduzione", testo="<p>A</p>", versione_letta=1, utente=anna
    )
    with pytest.raises(services.ConflittoSezione) as errore:
        services.salva_sezione(
            sezione=sezione,
            titolo="Introduzione",
            testo="<p>B</p><script>x</script>",
            versione_letta=1,
            utente=bruno,
        )
    conflitto = errore.value
    assert (conflitto.testo_attuale, conflitto.versione_attuale) == ("<p>A</p>", 2)
    assert conflitto.autore == "Anna Rossi"
    assert conflitto.testo_proposto == "<p>B</p>"


# --- Who else is editing -----------------------------------------------------------------------


def _altri(risposta):
    trovati = trova(risposta, data_testid="altri-editor")
    return _testo(trovati[0]) if trovati else ""


def _invecchia(sezione, utente, secondi):
    PresenzaEditor.objects.filter(sezione=sezione, utente=utente).update(
        visto_il=timezone.now() - timedelta(seconds=secondi)
    )


def test_chi_altro_sta_modificando(client, piano, anna, bruno):
    sezione = _sezione(piano)
    url = _url("sezione", piano, sezione)
    presenza = _url("presenza", piano, sezione)
    client.force_login(anna)
    assert _altri(client.get(url)) == ""

    client.force_login(bruno)
    assert "Anna Rossi" in _altri(client.get(url))
    risposta = client.post(presenza)
    assert risposta.status_code == 200
    assert "Anna Rossi" in _altri(risposta)
    assert "Bruno Bianchi" not in _altri(risposta)

    client.force_login(anna)
    assert "Bruno Bianchi" in _altri(client.post(presenza))

    # Anna's editor is closed: 44 seconds on she still counts, after 45 she does not.
    _invecchia(sezione, anna, 44)
    client.force_login(bruno)
    assert "Anna Rossi" in _altri(client.post(presenza))
    _invecchia(sezione, anna, 46)
    assert _altri(client.post(presenza)) == ""
    assert _altri(client.get(url)) == ""

    # Her page's heartbeat brings her back.
    client.force_login(anna)
    client.post(presenza)
    client.force_login(bruno)
    assert "Anna Rossi" in _altri(client.post(presenza))
    assert PresenzaEditor.objects.filter(sezione=sezione).count() == 2


def test_la_presenza_e_per_sezione(client, piano, anna, bruno):
    client.force_login(anna)
    client.get(_url("sezione", piano, _sezione(piano)))
    client.force_login(bruno)
    altra = _sezione(piano, "Allegati")
    assert _altri(client.get(_url("sezione", piano, altra))) == ""


# --- Revisions: compare and restore ------------------------------------------------------------


@pytest.fixture
def tre_versioni(client, piano, anna):
    sezione = _sezione(piano)
    client.force_login(anna)
    _salva(
        client, piano, sezione, "<p>Testo comune</p><p>Arancione maturo sul ramo</p>", versione=1
    )
    _salva(
        client, piano, sezione, "<p>Testo comune</p><p>Zucchero filato alla fiera</p>", versione=2
    )
    sezione.refresh_from_db()
    return sezione


def test_confronto_di_due_versioni(client, piano, tre_versioni):
    sezione = tre_versioni
    url = _url("revisioni", piano, sezione)
    risposta = client.get(url)
    assert risposta.status_code == 200
    assert not trova(risposta, data_testid="confronto")
    assert len(trova(risposta, "tbody")[0].children) == 3

    risposta = client.get(url, {"a": 2, "b": 3})
    confronto = uno(risposta, data_testid="confronto")
    assert "Dalla versione 2 alla versione 3" in _testo(confronto)
    # One text, word by word: what went is struck through, what came is marked as added
    # (tests/piani/test_views_sezioni_confronto.py has the details).
    assert [_testo(el) for el in trova(confronto, "del", **{"class": "confronto-rimosso"})][1:] == [
        "inizio testo tolto Arancione maturo sul ramo fine testo tolto"
    ]
    assert [_testo(el) for el in trova(confronto, "ins", **{"class": "confronto-aggiunto"})][
        1:
    ] == ["inizio aggiunta Zucchero filato alla fiera fine aggiunta"]

    # Versions that do not exist: no comparison, no error.
    assert not trova(client.get(url, {"a": 2, "b": 9}), data_testid="confronto")


def test_ripristino_crea_una_nuova_revisione(client, piano, anna, bruno, tre_versioni):
    sezione = tre_versioni
    storia = list(sezione.revisioni.order_by("versione").values())
    client.force_login(bruno)
    risposta = client.post(_url("ripristina", piano, sezione, versione=2), follow=True)
    assert risposta.redirect_chain[-1][0] == _url("revisioni", piano, sezione)
    assert "Ripristinata la versione 2 come nuova revisione." in _messaggi(risposta)
    sezione.refresh_from_db()
    testo_2 = storia[1]["testo"]
    assert (sezione.testo, sezione.versione, sezione.modificata_da) == (testo_2, 4, bruno)
    nuova = sezione.revisioni.get(versione=4)
    assert (nuova.testo, nuova.autore, nuova.nota) == (
        testo_2,
        bruno,
        "Ripristino della versione 2",
    )
    # The history is kept as it was.
    assert list(sezione.revisioni.order_by("versione").values())[:3] == storia

    # The initial text can come back too.
    client.post(_url("ripristina", piano, sezione, versione=1))
    sezione.refresh_from_db()
    assert (sezione.testo, sezione.versione) == (storia[0]["testo"], 5)
    assert sezione.revisioni.count() == 5


# --- Comments ----------------------------------------------------------------------------------


def test_commenti_risposte_risoluzione(client, piano, anna, sindaco_crema):
    sezione = _sezione(piano)
    url = _url("commenti", piano, sezione)
    client.force_login(anna)
    assert client.post(url, {"testo": "Aggiungere i dati ISTAT."}).status_code == 302
    commento = CommentoSezione.objects.get()
    assert (commento.sezione, commento.autore, commento.risposta_a) == (sezione, anna, None)

    # The sindaco joins while the plan is in review, with a reply and a comment of his own.
    services.invia_in_revisione(piano=piano, utente=anna)
    client.force_login(sindaco_crema)
    pagina = client.get(url)
    assert uno(pagina, "input", name="risposta_a")
    assert (
        client.post(url, {"testo": "Anche quelli ATS.", "risposta_a": commento.pk}).status_code
        == 302
    )
    assert client.post(url, {"testo": "Manca Pandino."}).status_code == 302
    risposta = CommentoSezione.objects.get(testo="Anche quelli ATS.")
    assert (risposta.risposta_a, risposta.autore) == (commento, sindaco_crema)
    # An empty comment is not saved; the page shows the form again.
    assert client.post(url, {"testo": ""}).status_code == 200
    assert CommentoSezione.objects.count() == 3

    discussioni = trova(client.get(url), data_testid="commento")
    assert len(discussioni) == 2
    assert "Aggiungere i dati ISTAT." in _testo(discussioni[0])
    assert "Anche quelli ATS." in _testo(discussioni[0])
    assert "Manca Pandino." in _testo(discussioni[1])

    # Resolved by the Ufficio, then reopened.
    client.force_login(anna)
    risolvi = _url("commento-risolvi", piano, sezione, cpk=commento.pk)
    assert client.post(risolvi).status_code == 302
    commento.refresh_from_db()
    assert (commento.risolto, commento.risolto_da) == (True, anna)
    discussione = trova(client.get(url), data_testid="commento")[0]
    assert "risolto" in _testo(discussione)
    assert "Riapri" in _testo(discussione)

    client.post(risolvi)
    commento.refresh_from_db()
    assert (commento.risolto, commento.risolto_da) == (False, None)
    assert "Segna come risolto" in _testo(trova(client.get(url), data_testid="commento")[0])


def _aperti(client, piano):
    return _testo(trova(client.get(_url("dettaglio", piano)), data_testid="sezione")[0])


def test_risolte_tutte_le_discussioni_non_resta_nulla_di_aperto(client, piano, anna, bruno):
    sezione = _sezione(piano)
    url = _url("commenti", piano, sezione)
    client.force_login(anna)
    client.post(url, {"testo": "Aggiungere i dati ISTAT."})
    commento = CommentoSezione.objects.get()
    client.force_login(bruno)
    client.post(url, {"testo": "Fatto.", "risposta_a": commento.pk})
    assert "0 commenti aperti" not in _aperti(client, piano)
    client.post(_url("commento-risolvi", piano, sezione, cpk=commento.pk))
    assert "0 commenti aperti" in _aperti(client, piano)


# --- States and frozen versions ----------------------------------------------------------------


def _transizioni(piano):
    return list(
        TransizionePiano.objects.filter(piano=piano)
        .order_by("pk")
        .values_list("da_stato", "a_stato", "utente")
    )


def _azione(client, piano, azione):
    return client.post(_url("transizione", piano, azione=azione), follow=True)


def test_dalla_bozza_alla_versione_per_l_assemblea(client, piano, anna):
    sezione = _sezione(piano)
    client.force_login(anna)
    _salva(client, piano, sezione, "<p>Testo per <strong>l'Assemblea</strong></p>", versione=1)

    risposta = _azione(client, piano, "invia")
    assert "Piano inviato in revisione." in _messaggi(risposta)
    piano.refresh_from_db()
    assert piano.stato == Stato.IN_REVISIONE
    # In review the plan is still written.
    _salva(
        client, piano, sezione, "<p>Testo per <strong>l'Assemblea</strong>, rivisto</p>", versione=2
    )

    risposta = _azione(client, piano, "congela")
    assert "Versione per l'Assemblea congelata: il PDF è in preparazione." in _messaggi(risposta)
    piano.refresh_from_db()
    assert piano.stato == Stato.PER_ASSEMBLEA
    assert _testo(uno(risposta, data_testid="stato-piano")) == "Versione per l'Assemblea"
    versione = VersionePiano.objects.get(piano=piano)
    assert (versione.numero, versione.creata_da, versione.esito) == (1, anna, Esito.IN_ATTESA)
    assert "<strong>l'Assemblea</strong>, rivisto" in versione.html.replace("&#x27;", "'")
    assert versione.sha256_html == hashlib.sha256(versione.html.encode()).hexdigest()
    assert _transizioni(piano) == [
        (Stato.BOZZA, Stato.IN_REVISIONE, anna.pk),
        (Stato.IN_REVISIONE, Stato.PER_ASSEMBLEA, anna.pk),
    ]
    # The version's PDF is requested.
    assert RenderPDF.objects.get(versione=versione).richiesto_da == anna

    # Freezing twice, or sending a frozen plan for review, is refused with a message.
    risposta = _azione(client, piano, "congela")
    assert "Si congela solo un piano in bozza o in revisione." in _messaggi(risposta)
    risposta = _azione(client, piano, "invia")
    assert "Solo una bozza può essere inviata in revisione." in _messaggi(risposta)
    assert VersionePiano.objects.count() == 1
    assert len(_transizioni(piano)) == 2


def test_congelare_direttamente_dalla_bozza(client, piano, anna):
    client.force_login(anna)
    _azione(client, piano, "congela")
    piano.refresh_from_db()
    assert piano.stato == Stato.PER_ASSEMBLEA
    assert _transizioni(piano) == [(Stato.BOZZA, Stato.PER_ASSEMBLEA, anna.pk)]
    assert piano.versioni.get().numero == 1


def test_la_versione_congelata_non_si_modifica(piano, anna):
    versione = services.congela(piano=piano, utente=anna)
    html, sha = versione.html, versione.sha256_html
    versione.html = "<p>Testo alterato</p>"
    with pytest.raises(ValueError, match="non si modifica"):
        versione.save()
    with pytest.raises(ValueError):
        versione.save(update_fields=["html"])
    with pytest.raises(ValueError):
        versione.save(update_fields=["esito", "html"])
    # The outcome alone may be written, and nothing else goes with it.
    versione.esito = Esito.APPROVATA
    versione.save(update_fields=["esito"])
    versione.refresh_from_db()
    assert (versione.html, versione.sha256_html, versione.esito) == (html, sha, Esito.APPROVATA)


@pytest.mark.parametrize("stato", [Stato.PER_ASSEMBLEA, Stato.APPROVATO, Stato.RESPINTO])
def test_il_piano_congelato_non_si_modifica(client, piano, anna, stato):
    sezione = _sezione(piano)
    _imposta_stato(piano, stato)
    client.force_login(anna)
    risposta = client.get(_url("sezione", piano, sezione), follow=True)
    assert risposta.redirect_chain[-1][0] == _url("dettaglio", piano)
    assert MESSAGGIO_CONGELATO in _messaggi(risposta)
    risposta = _salva(client, piano, sezione, "<p>Modifica vietata</p>", versione=1, follow=True)
    assert MESSAGGIO_CONGELATO in _messaggi(risposta)
    # The plan's page offers neither editing nor moving.
    assert f'"{_url("sezione", piano, sezione)}"' not in risposta.content.decode()
    assert f'"{_url("sezione-aggiungi", piano)}"' not in risposta.content.decode()

    ulteriore = "Il piano è congelato per l'Assemblea: crea una nuova bozza per modificarlo."
    for url in (
        _url("sezione-sposta", piano, sezione, verso="giu"),
        _url("sezione-elimina", piano, sezione),
    ):
        assert ulteriore in _messaggi(client.post(url, follow=True))
    risposta = client.post(_url("sezione-aggiungi", piano), {"titolo": "Nuova", "blocco": ""})
    assert risposta.status_code == 302
    with pytest.raises(OperazioneNonAmmessa, match="crea una nuova bozza"):
        services.salva_sezione(
            sezione=sezione, titolo="X", testo="<p>Y</p>", versione_letta=1, utente=anna
        )
    testo_iniziale = sezione.testo
    sezione.refresh_from_db()
    assert (sezione.testo, sezione.versione, sezione.ordine) == (testo_iniziale, 1, 1)
    assert not RevisioneSezione.objects.exists()
    assert not piano.sezioni.filter(titolo="Nuova").exists()


def test_nuova_bozza_e_seconda_versione(client, piano, anna):
    sezione = _sezione(piano)
    client.force_login(anna)
    _salva(client, piano, sezione, "<p>Prima proposta del piano</p>", versione=1)
    _azione(client, piano, "congela")
    prima = VersionePiano.objects.get(piano=piano, numero=1)
    fotografia = VersionePiano.objects.filter(pk=prima.pk).values().get()

    pagina = client.get(_url("dettaglio", piano))
    pulsante = uno(pagina, "form", action=_url("transizione", piano, azione="bozza"))
    assert _testo(pulsante) == "Crea una nuova bozza"
    risposta = _azione(client, piano, "bozza")
    assert "Il piano è di nuovo in bozza." in _messaggi(risposta)
    piano.refresh_from_db()
    assert piano.stato == Stato.BOZZA
    nota = TransizionePiano.objects.filter(piano=piano).order_by("pk").last()
    assert (nota.da_stato, nota.a_stato, nota.utente) == (Stato.PER_ASSEMBLEA, Stato.BOZZA, anna)
    assert nota.nota == "Nuova bozza: le versioni congelate restano invariate."

    # Editable again; the frozen version does not follow.
    risposta = _salva(client, piano, sezione, "<p>Seconda proposta, emendata</p>", versione=2)
    assert risposta.status_code == 302
    assert VersionePiano.objects.filter(pk=prima.pk).values().get() == fotografia
    assert "Prima proposta del piano" in prima.html

    _azione(client, piano, "congela")
    seconda = VersionePiano.objects.get(piano=piano, numero=2)
    assert "Seconda proposta, emendata" in seconda.html
    assert "Seconda proposta, emendata" not in prima.html
    assert seconda.sha256_html != prima.sha256_html
    # The frozen text does not move; only its outcome says that version 2 replaced it.
    dopo = VersionePiano.objects.filter(pk=prima.pk).values().get()
    assert (dopo.pop("esito"), dopo.pop("esito_il") is not None) == (Esito.SUPERATA, True)
    assert dopo == {k: v for k, v in fotografia.items() if k not in ("esito", "esito_il")}
    pagina = client.get(_url("dettaglio", piano))
    for numero in (1, 2):
        assert f'"{_url("versione", piano, numero=numero)}"' in pagina.content.decode()


def test_esito_dell_assemblea(piano, anna):
    versione = services.congela(piano=piano, utente=anna)
    services.registra_esito(versione=versione, approvata=True, utente=anna)
    piano.refresh_from_db()
    versione.refresh_from_db()
    assert (piano.stato, versione.esito) == (Stato.APPROVATO, Esito.APPROVATA)
    ultima = TransizionePiano.objects.filter(piano=piano).order_by("pk").last()
    assert (ultima.da_stato, ultima.a_stato, ultima.utente) == (
        Stato.PER_ASSEMBLEA,
        Stato.APPROVATO,
        anna,
    )
    assert ultima.nota == "Esito della versione 1"
    with pytest.raises(OperazioneNonAmmessa, match="già un esito"):
        services.registra_esito(versione=versione, approvata=False, utente=anna)
    versione.refresh_from_db()
    piano.refresh_from_db()
    assert (piano.stato, versione.esito) == (Stato.APPROVATO, Esito.APPROVATA)
    # An approved plan does not go back to draft.
    with pytest.raises(OperazioneNonAmmessa, match="approvato"):
        services.riporta_in_bozza(piano=piano, utente=anna)


def test_piano_respinto_torna_in_bozza(client, piano, anna):
    versione = services.congela(piano=piano, utente=anna)
    services.registra_esito(versione=versione, approvata=False, utente=anna)
    piano.refresh_from_db()
    versione.refresh_from_db()
    assert (piano.stato, versione.esito) == (Stato.RESPINTO, Esito.RESPINTA)
    client.force_login(anna)
    _azione(client, piano, "bozza")
    piano.refresh_from_db()
    assert piano.stato == Stato.BOZZA
    seconda = services.congela(piano=piano, utente=anna)
    assert seconda.numero == 2


def test_esito_senza_voto_in_corso_non_lascia_traccia(piano, anna):
    versione = services.congela(piano=piano, utente=anna)
    services.riporta_in_bozza(piano=piano, utente=anna)
    with pytest.raises(OperazioneNonAmmessa):
        services.registra_esito(versione=versione, approvata=True, utente=anna)
    versione.refresh_from_db()
    piano.refresh_from_db()
    assert (piano.stato, versione.esito) == (Stato.BOZZA, Esito.IN_ATTESA)


def test_l_esito_si_registra_solo_sull_ultima_versione(piano, anna):
    prima = services.congela(piano=piano, utente=anna)
    services.riporta_in_bozza(piano=piano, utente=anna)
    services.congela(piano=piano, utente=anna)
    with pytest.raises(OperazioneNonAmmessa):
        services.registra_esito(versione=prima, approvata=True, utente=anna)
    piano.refresh_from_db()
    assert piano.stato == Stato.PER_ASSEMBLEA


def test_la_versione_superata_non_resta_in_attesa_del_voto(client, piano, anna, sindaco_crema):
    """Freezing version 2 replaces version 1 before any vote: version 1 says so everywhere,
    and the Assemblea can tell (VersionePiano.is_superata, VersionePiano.objects.superate())."""
    prima = services.congela(piano=piano, utente=anna)
    services.riporta_in_bozza(piano=piano, utente=anna)
    seconda = services.congela(piano=piano, utente=anna)
    prima.refresh_from_db()
    assert (prima.esito, prima.is_superata, seconda.esito) == (
        Esito.SUPERATA,
        True,
        Esito.IN_ATTESA,
    )
    assert prima.esito_il is not None
    assert list(VersionePiano.objects.superate()) == [prima]
    assert not seconda.is_superata

    client.force_login(sindaco_crema)
    pagina = client.get(_url("versione", piano, numero=1))
    esito = uno(pagina, data_testid="esito-versione")
    assert _testo(esito).startswith("Superata: sostituita dalla versione 2")
    assert f'"{_url("versione", piano, numero=2)}"' in str(esito)
    client.force_login(anna)
    esiti = [
        _testo(e) for e in trova(client.get(_url("dettaglio", piano)), data_testid="esito-versione")
    ]
    # Newest first.
    assert esiti == ["In attesa del voto", "Superata"]


def test_pagina_della_versione_e_testo_congelato(client, piano, anna, sindaco_crema):
    versione = services.congela(piano=piano, utente=anna)
    client.force_login(sindaco_crema)
    risposta = client.get(_url("versione", piano, numero=1))
    assert risposta.status_code == 200
    assert versione.sha256_html in [_testo(c) for c in trova(risposta, "code")]
    assert _testo(uno(risposta, data_testid="esito-versione")) == "In attesa del voto"
    assert f'"{_url("versione-testo", piano, numero=1)}"' in risposta.content.decode()

    testo = client.get(_url("versione-testo", piano, numero=1))
    assert testo.status_code == 200
    assert testo.content.decode() == versione.html
    assert hashlib.sha256(testo.content).hexdigest() == versione.sha256_html
    csp = [parte.strip() for parte in testo["Content-Security-Policy"].split(";")]
    assert "sandbox" in csp
    assert "default-src 'none'" in csp
    assert client.get(_url("versione", piano, numero=2)).status_code == 404


# --- What people write is shown, never run -----------------------------------------------------

SCRIPT = "<script>alert('x')</script>"


def test_il_testo_degli_utenti_e_sfuggito_nelle_pagine(client, cremasco, piano, anna, bruno):
    sezione = _sezione(piano)
    intruso = UserFactory(username="intruso", first_name="<b>Eva</b>", last_name=SCRIPT)
    RuoloFactory(user=intruso, tipo=Ruolo.Tipo.UFFICIO_PIANO, ambito=cremasco)
    client.force_login(intruso)
    client.get(_url("sezione", piano, sezione))
    _salva(client, piano, sezione, f"<p>Testo</p>{SCRIPT}", versione=1, titolo=f"Titolo {SCRIPT}")
    client.post(_url("commenti", piano, sezione), {"testo": f"Commento {SCRIPT}"})
    client.post(_url("sezione-aggiungi", piano), {"titolo": f"Nuova {SCRIPT}", "blocco": ""})

    client.force_login(bruno)
    pagine = {
        "dettaglio": client.get(_url("dettaglio", piano)),
        "sezione": client.get(_url("sezione", piano, sezione)),
        "presenza": client.post(_url("presenza", piano, sezione)),
        "revisioni": client.get(_url("revisioni", piano, sezione), {"a": 1, "b": 2}),
        "commenti": client.get(_url("commenti", piano, sezione)),
    }
    for nome, risposta in pagine.items():
        html = risposta.content.decode()
        assert risposta.status_code == 200, nome
        assert "<script>alert" not in html, nome
        assert "<b>Eva" not in html, nome
    assert (
        "Titolo &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
        in pagine["dettaglio"].content.decode()
    )
    assert "Nuova &lt;script&gt;" in pagine["dettaglio"].content.decode()
    assert "Commento &lt;script&gt;" in pagine["commenti"].content.decode()
    assert "&lt;b&gt;Eva&lt;/b&gt;" in _altri_html(pagine["sezione"])
    assert "&lt;b&gt;Eva&lt;/b&gt;" in pagine["presenza"].content.decode()

    # The conflict box shows the other person's saved text as text.
    risposta = _salva(client, piano, sezione, "<p>Altro</p>", versione=1)
    assert risposta.status_code == 409
    assert "<script>alert" not in risposta.content.decode()

    # The frozen document escapes titles and keeps only the cleaned text.
    client.force_login(anna)
    _azione(client, piano, "congela")
    versione = piano.versioni.get()
    assert "<script" not in versione.html
    assert "<b>Eva" not in versione.html


def _altri_html(risposta):
    html = risposta.content.decode()
    inizio = html.index('data-testid="altri-editor"')
    return html[inizio : html.index("</div>", inizio)]
