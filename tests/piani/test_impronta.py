"""The draft's fingerprint (piani.impronta): an unchanged plan finds its PDF without being
assembled, and a change to anything the PDF prints gives a new one.

The proof that the fingerprint is complete: every table html_piano reads, and every row it
loads, is among the fingerprint's sources. Then one test per kind of input: changed, the plan
gets a new rendering; unchanged, it gets the same one without html_piano being called."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models.base import Model
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ambiti.models import AreaPolicy, Asst, Comune, Periodo
from obiettivi.models import (
    Azione,
    Fondo,
    Obiettivo,
    Risorsa,
    ValoreIndicatore,
    Valutazione,
)
from piani import assemblaggio, impronta, rendering
from piani.models import RenderPDF, Sezione
from tavoli.models import Esito, Incontro, Tavolo
from tests.factories import EnteFactory, UserFactory
from tests.piani.test_pdf import aree, crea_obiettivi, crea_tavoli, fondi, periodo, precedente
from tests.piani.test_pdf import piano as piano_di_prova

__all__ = ["aree", "fondi", "periodo", "piano_di_prova", "precedente"]

Stato = RenderPDF.Stato


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def piano(piano_di_prova, cremasco):
    """The plan of test_pdf, with what it lacks for a full proof: an action whose responsible
    and partner are enti of the register, an objective with its ASST and its proposals."""
    ente, partner = EnteFactory(), EnteFactory()
    azione = (
        Azione.objects.filter(obiettivo__ambito=cremasco, obiettivo__periodo=piano_di_prova.periodo)
        .order_by("pk")
        .first()
    )
    azione.responsabile = ente
    azione.save()
    azione.partner.set([partner])
    obiettivo = azione.obiettivo
    obiettivo.integrazione_sociosanitaria = True
    obiettivo.save()
    obiettivo.asst.set([Asst.objects.first()])
    obiettivo.proposte.set(Esito.objects.filter(incontro__tavolo__ambito=cremasco)[:2])
    cremasco.ente_capofila = Comune.objects.get(nome="Crema")
    cremasco.save()
    return piano_di_prova


@pytest.fixture
def altro_ambito(cremonese, periodo, aree, fondi):
    """Another ambito with data of every kind, which this plan must not depend on."""
    crea_obiettivi(cremonese, periodo, 3, aree=aree[:2], fondi=fondi, prefisso="C")
    crea_tavoli(cremonese, 1, aree=aree)
    return cremonese


@pytest.fixture
def utente(db):
    return UserFactory()


def _completa(render):
    """As the worker leaves a rendering: completed, with its file in the storage."""
    render.file.save(f"prova-{render.pk}.pdf", ContentFile(b"%PDF-1.7 prova"), save=False)
    render.stato = Stato.COMPLETATO
    render.sha256_pdf = "a" * 64
    render.progresso = 100
    render.completato_il = timezone.now()
    render.save()
    return render


@pytest.fixture
def assemblaggi(monkeypatch):
    """How many times the draft's HTML is assembled."""
    chiamate = []
    originale = assemblaggio.html_piano

    def spia(*args, **kwargs):
        chiamate.append(args)
        return originale(*args, **kwargs)

    monkeypatch.setattr(assemblaggio, "html_piano", spia)
    return chiamate


@pytest.fixture
def primo(piano, utente, altro_ambito):
    """The draft's first PDF, completed."""
    return _completa(rendering.richiedi_pdf(piano=piano, utente=utente))


# The proof that the fingerprint covers what the assembly reads


TABELLA = re.compile(r'\b(?:FROM|JOIN)\s+"(\w+)"')


def _letto_da_html_piano(piano, monkeypatch):
    """(tables in the SQL of html_piano, {model label: pks of the rows it loaded})."""
    caricati = {}
    from_db = Model.from_db.__func__

    def spia(cls, db, field_names, values):
        istanza = from_db(cls, db, field_names, values)
        caricati.setdefault(cls._meta.label, set()).add(istanza.pk)
        return istanza

    with monkeypatch.context() as m:
        m.setattr(Model, "from_db", classmethod(spia))
        with CaptureQueriesContext(connection) as catturate:
            assemblaggio.html_piano(piano)
    tabelle = {t for q in catturate.captured_queries for t in TABELLA.findall(q["sql"])}
    return tabelle, caricati


def _scoperte(tabelle, caricati, sorgenti):
    """What the assembly read that the fingerprint's sources do not cover: tables, and rows by
    model."""
    coperte = {qs.model._meta.db_table for qs in sorgenti}
    righe = {}
    for qs in sorgenti:
        righe.setdefault(qs.model._meta.label, set()).update(qs.values_list("pk", flat=True))
    fuori = {m: sorted(pks - righe.get(m, set())) for m, pks in caricati.items()}
    return sorted(tabelle - coperte), {m: pks for m, pks in fuori.items() if pks}


@pytest.mark.django_db
def test_il_fingerprint_copre_ogni_tabella_e_ogni_riga_lette_dall_assemblaggio(
    piano, altro_ambito, monkeypatch
):
    tabelle, caricati = _letto_da_html_piano(piano, monkeypatch)
    sorgenti = impronta.sorgenti(impronta.Fonti.nel_database(piano.pk))
    # The plan really shows every kind of data: a proof on an empty plan would prove nothing.
    assert len(tabelle) >= 20
    tabelle_fuori, righe_fuori = _scoperte(tabelle, caricati, sorgenti)
    assert tabelle_fuori == [], f"tabelle lette ma non nell'impronta: {tabelle_fuori}"
    assert righe_fuori == {}, f"righe lette ma non nell'impronta: {righe_fuori}"
    # The rows another ambito's plan would read are not among them.
    obiettivi = {
        pk for qs in sorgenti if qs.model is Obiettivo for pk in qs.values_list("pk", flat=True)
    }
    assert not obiettivi & set(
        Obiettivo.objects.filter(ambito=altro_ambito).values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_la_prova_si_accorge_di_ogni_fonte_tolta(piano, monkeypatch):
    # Without any one of its sources the fingerprint would miss something the assembly reads,
    # and the proof above says which: it would fail for a new input left out.
    tabelle, caricati = _letto_da_html_piano(piano, monkeypatch)
    sorgenti = impronta.sorgenti(impronta.Fonti.nel_database(piano.pk))
    for n, tolta in enumerate(sorgenti):
        tabelle_fuori, _righe = _scoperte(tabelle, caricati, sorgenti[:n] + sorgenti[n + 1 :])
        assert tabelle_fuori == [tolta.model._meta.db_table]


@pytest.mark.django_db
def test_la_prova_si_accorge_di_una_riga_fuori_portata(piano, monkeypatch):
    # A source whose scope is too narrow: the comuni without the ente capofila.
    tabelle, caricati = _letto_da_html_piano(piano, monkeypatch)
    capofila = piano.ambito.ente_capofila_id
    ristrette = [
        qs.exclude(pk=capofila) if qs.model is Comune else qs
        for qs in impronta.sorgenti(impronta.Fonti.nel_database(piano.pk))
    ]
    assert _scoperte(tabelle, caricati, ristrette) == ([], {"ambiti.Comune": [capofila]})


# Unchanged: the same rendering, not assembled


@pytest.mark.django_db
def test_un_piano_invariato_ritrova_il_suo_pdf_senza_assemblarlo(primo, piano, utente, assemblaggi):
    assert primo.impronta_dati and primo.impronta_dati_html == primo.sha256_html
    with CaptureQueriesContext(connection) as catturate:
        di_nuovo = rendering.richiedi_pdf(piano=piano, utente=utente)
    assert di_nuovo.pk == primo.pk
    assert assemblaggi == []
    assert RenderPDF.objects.count() == 1
    # The lock, the lost renderings' check, the fingerprint (the plan's row, the previous
    # period, the rows: one statement on PostgreSQL, one per table elsewhere) and the match:
    # no query per objective, section or comune.
    tabelle = len(impronta.sorgenti(impronta.Fonti.nel_database(piano.pk)))
    limite = 10 if connection.vendor == "postgresql" else 10 + tabelle
    assert len(catturate.captured_queries) <= limite


@pytest.mark.django_db
def test_una_richiesta_in_corso_e_riusata_senza_assemblare(piano, utente, assemblaggi):
    prima = rendering.richiedi_pdf(piano=piano, utente=utente)
    assemblaggi.clear()
    assert rendering.richiedi_pdf(piano=piano, utente=utente).pk == prima.pk
    assert assemblaggi == []


@pytest.mark.django_db
def test_un_pdf_non_riuscito_non_e_riusato(piano, utente):
    prima = rendering.richiedi_pdf(piano=piano, utente=utente)
    RenderPDF.objects.filter(pk=prima.pk).update(stato=Stato.FALLITO, errore="no")
    nuova = rendering.richiedi_pdf(piano=piano, utente=utente)
    assert nuova.pk != prima.pk and nuova.stato == Stato.IN_CODA


@pytest.mark.django_db
def test_un_pdf_il_cui_file_manca_non_e_riusato(primo, piano, utente):
    primo.file.storage.delete(primo.file.name)
    nuova = rendering.richiedi_pdf(piano=piano, utente=utente)
    assert nuova.pk != primo.pk


@pytest.mark.django_db
def test_un_pdf_gia_fatto_senza_impronta_e_ritrovato_dall_html_e_la_riceve(
    primo, piano, utente, assemblaggi
):
    # As every rendering made before the fingerprint existed.
    RenderPDF.objects.filter(pk=primo.pk).update(impronta_dati="", impronta_dati_html="")
    assert rendering.richiedi_pdf(piano=piano, utente=utente).pk == primo.pk
    assert len(assemblaggi) == 1
    primo.refresh_from_db()
    assert primo.impronta_dati == impronta.impronta_bozza(piano)
    assemblaggi.clear()
    assert rendering.richiedi_pdf(piano=piano, utente=utente).pk == primo.pk
    assert assemblaggi == []


@pytest.mark.django_db
def test_il_fingerprint_non_vale_se_il_worker_ha_stampato_un_altro_html(
    primo, piano, utente, assemblaggi
):
    # The draft changed between the request and the rendering: the worker printed the new one
    # and recorded its hash (tasks._html). The data's fingerprint is of the old draft.
    RenderPDF.objects.filter(pk=primo.pk).update(sha256_html="b" * 64)
    nuova = rendering.richiedi_pdf(piano=piano, utente=utente)
    assert nuova.pk != primo.pk
    assert len(assemblaggi) == 1


@pytest.mark.django_db
def test_se_i_dati_cambiano_durante_l_assemblaggio_il_fingerprint_non_e_registrato(
    piano, utente, monkeypatch
):
    originale = assemblaggio.html_piano

    def modifica_a_meta(*args, **kwargs):
        html = originale(*args, **kwargs)
        Sezione.objects.filter(piano=piano, ordine=1).update(titolo="Scritto nel frattempo")
        return html

    monkeypatch.setattr(assemblaggio, "html_piano", modifica_a_meta)
    render = rendering.richiedi_pdf(piano=piano, utente=utente)
    assert render.impronta_dati == ""


@pytest.mark.django_db
def test_la_versione_congelata_non_usa_il_fingerprint(piano, utente, assemblaggi):
    from piani import services

    versione = services.congela(piano=piano, utente=utente)
    assemblaggi.clear()
    render = rendering.richiedi_pdf(piano=piano, utente=utente, versione=versione)
    assert render.versione_id == versione.pk and render.impronta_dati == ""
    assert assemblaggi == []


# Changed: a new rendering, for every kind of input


def _sezione(piano, **filtro):
    return Sezione.objects.filter(piano=piano, **filtro).order_by("ordine").first()


def _obiettivo(piano):
    return Obiettivo.objects.filter(ambito=piano.ambito, periodo=piano.periodo).order_by("pk")[0]


def _testo_sezione(piano):
    sezione = _sezione(piano)
    sezione.testo += "<p>Un paragrafo in più.</p>"
    sezione.save()


def _ordine_sezioni(piano):
    prima, seconda = Sezione.objects.filter(piano=piano).order_by("ordine")[:2]
    prima.ordine, seconda.ordine = seconda.ordine, prima.ordine
    Sezione.objects.bulk_update([prima, seconda], ["ordine"])


def _area_sezione(piano):
    sezione = _sezione(piano, area__isnull=False)
    sezione.area = AreaPolicy.objects.filter(periodo=piano.periodo).exclude(pk=sezione.area_id)[0]
    sezione.save()


def _obiettivo_titolo(piano):
    Obiettivo.objects.filter(pk=_obiettivo(piano).pk).update(titolo="Un titolo nuovo")


def _azione(piano):
    Azione.objects.filter(obiettivo=_obiettivo(piano)).update(descrizione="Azione riscritta")


def _responsabile(piano):
    azione = Azione.objects.exclude(responsabile=None).get(obiettivo__periodo=piano.periodo)
    type(azione.responsabile).objects.filter(pk=azione.responsabile_id).update(
        denominazione="Cooperativa rinominata"
    )


def _partner(piano):
    azione = Azione.objects.exclude(partner=None).get(obiettivo__periodo=piano.periodo)
    azione.partner.set([EnteFactory(denominazione="Associazione nuova")])


def _asst(piano):
    obiettivo = Obiettivo.objects.exclude(asst=None).get(periodo=piano.periodo)
    obiettivo.asst.set([Asst.objects.exclude(obiettivi=obiettivo).first()])


def _risorsa(piano):
    risorsa = Risorsa.objects.filter(obiettivo=_obiettivo(piano)).first()
    risorsa.importo += Decimal("1")
    risorsa.save()


def _indicatore(piano):
    ValoreIndicatore.objects.filter(indicatore__obiettivo=_obiettivo(piano)).update(
        valore=Decimal("999")
    )


def _popolazione(piano):
    Comune.objects.filter(nome="Crema").update(popolazione=12345)


def _comuni_dell_ambito(piano):
    # A comune of another ambito joins this one.
    comune = Comune.objects.exclude(ambito=piano.ambito).order_by("pk").first()
    Comune.objects.filter(pk=comune.pk).update(ambito=piano.ambito, sub_ambito=None)


def _tavolo(piano):
    tavolo = Tavolo.objects.filter(ambito=piano.ambito).order_by("pk").first()
    Tavolo.objects.filter(pk=tavolo.pk).update(titolo="Tavolo rinominato")


def _incontro(piano):
    incontro = Incontro.objects.filter(tavolo__ambito=piano.ambito).order_by("pk").first()
    incontro.inizio += datetime.timedelta(days=1)
    incontro.fine += datetime.timedelta(days=1)
    incontro.save()


def _proposta_accolta(piano):
    Esito.objects.filter(
        incontro__tavolo__ambito=piano.ambito,
        tipo=Esito.Tipo.PROPOSTA,
        valutazione=Esito.Valutazione.DA_VALUTARE,
    ).update(valutazione=Esito.Valutazione.ACCOLTA)


def _capofila(piano):
    ambito = piano.ambito
    ambito.ente_capofila = Comune.objects.filter(ambito=ambito).exclude(nome="Crema")[0]
    ambito.save()


def _fondo(piano):
    fondo = Risorsa.objects.filter(obiettivo=_obiettivo(piano)).first().fondo
    Fondo.objects.filter(pk=fondo.pk).update(nome="Fondo rinominato", sigla="FR")


def _valutazione_precedente(piano):
    Valutazione.objects.filter(obiettivo__ambito=piano.ambito).update(criticita="Altre")


def _periodo_precedente(piano):
    Periodo.objects.filter(nome="2021-2023").update(nome="2020-2023")


def _stato_del_piano(piano):
    from piani.models import Piano

    Piano.objects.filter(pk=piano.pk).update(stato=Piano.Stato.IN_REVISIONE)


MODIFICHE = {
    "testo di una sezione": _testo_sezione,
    "ordine delle sezioni": _ordine_sezioni,
    "area di una sezione": _area_sezione,
    "un obiettivo": _obiettivo_titolo,
    "un'azione": _azione,
    "l'ente responsabile di un'azione": _responsabile,
    "una risorsa": _risorsa,
    "il valore di un indicatore": _indicatore,
    "la popolazione di un comune": _popolazione,
    "i comuni dell'ambito": _comuni_dell_ambito,
    "un tavolo": _tavolo,
    "un incontro": _incontro,
    "una proposta accolta": _proposta_accolta,
    "l'ente capofila": _capofila,
    "un ente partner": _partner,
    "l'ASST di un obiettivo": _asst,
    "un fondo": _fondo,
    "la valutazione del periodo precedente": _valutazione_precedente,
    "il periodo precedente": _periodo_precedente,
    "lo stato del piano": _stato_del_piano,
}


@pytest.mark.django_db
@pytest.mark.parametrize("modifica", MODIFICHE.values(), ids=MODIFICHE.keys())
def test_ogni_modifica_dei_dati_da_un_nuovo_pdf(primo, piano, utente, modifica):
    html_prima = assemblaggio.html_piano(piano)
    modifica(piano)
    # The change is one the PDF shows: the test would prove nothing otherwise.
    assert assemblaggio.html_piano(piano) != html_prima
    nuova = rendering.richiedi_pdf(piano=piano, utente=utente)
    assert nuova.pk != primo.pk
    assert nuova.impronta_dati not in ("", primo.impronta_dati)
    assert RenderPDF.objects.filter(piano=piano).count() == 2


@pytest.mark.django_db
def test_una_modifica_annullata_ridà_il_primo_pdf(primo, piano, utente, assemblaggi):
    sezione = _sezione(piano)
    testo = sezione.testo
    Sezione.objects.filter(pk=sezione.pk).update(testo=testo + "<p>Provvisorio.</p>")
    intermedia = _completa(rendering.richiedi_pdf(piano=piano, utente=utente))
    assert intermedia.pk != primo.pk
    Sezione.objects.filter(pk=sezione.pk).update(testo=testo)
    assemblaggi.clear()
    assert rendering.richiedi_pdf(piano=piano, utente=utente).pk == primo.pk
    assert assemblaggi == []


@pytest.mark.django_db
def test_una_modifica_che_il_pdf_non_mostra_ritrova_lo_stesso_pdf(primo, piano, utente):
    # The minutes of a meeting are not printed, yet are among the rows hashed: a new
    # fingerprint, the same HTML, the same rendering (which records the new fingerprint).
    Incontro.objects.filter(tavolo__ambito=piano.ambito).update(verbale="<p>Verbale.</p>")
    assert rendering.richiedi_pdf(piano=piano, utente=utente).pk == primo.pk
    primo.refresh_from_db()
    assert primo.impronta_dati == impronta.impronta_bozza(piano)


def _altro_obiettivo(ambito):
    Obiettivo.objects.filter(ambito=ambito).update(titolo="Obiettivo di un altro ambito")


def _altro_comune(ambito):
    Comune.objects.filter(ambito=ambito).update(popolazione=1)


def _altro_tavolo(ambito):
    Tavolo.objects.filter(ambito=ambito).update(titolo="Tavolo di un altro ambito")
    Incontro.objects.filter(tavolo__ambito=ambito).update(luogo="Altrove")
    Esito.objects.filter(incontro__tavolo__ambito=ambito).update(testo="Altro")


def _altra_risorsa(ambito):
    Risorsa.objects.filter(obiettivo__ambito=ambito).update(importo=Decimal("5"))
    ValoreIndicatore.objects.filter(indicatore__obiettivo__ambito=ambito).update(valore=1)


ALTRI = {
    "obiettivi": _altro_obiettivo,
    "comuni": _altro_comune,
    "tavoli": _altro_tavolo,
    "risorse": _altra_risorsa,
}


@pytest.mark.django_db
@pytest.mark.parametrize("modifica", ALTRI.values(), ids=ALTRI.keys())
def test_le_modifiche_di_un_altro_ambito_non_toccano_il_fingerprint(
    primo, piano, utente, altro_ambito, assemblaggi, modifica
):
    modifica(altro_ambito)
    assert impronta.impronta_bozza(piano) == primo.impronta_dati
    assert rendering.richiedi_pdf(piano=piano, utente=utente).pk == primo.pk
    assert assemblaggi == []


# Beyond the rows: the day and the code


@pytest.mark.django_db
def test_il_giorno_e_nel_fingerprint(piano):
    # The cover prints the day: tomorrow's draft is another document.
    oggi = datetime.date(2026, 3, 1)
    assert impronta.impronta_bozza(piano, data=oggi) == impronta.impronta_bozza(piano, data=oggi)
    assert impronta.impronta_bozza(piano, data=oggi) != impronta.impronta_bozza(
        piano, data=oggi + datetime.timedelta(days=1)
    )


@pytest.mark.django_db
def test_un_cambio_del_codice_da_un_nuovo_fingerprint_e_un_nuovo_pdf(
    primo, piano, utente, monkeypatch
):
    monkeypatch.setattr(impronta, "versione_codice", lambda: "un'altra versione del codice")
    originale = assemblaggio.render_to_string
    monkeypatch.setattr(
        assemblaggio,
        "render_to_string",
        lambda *a, **k: originale(*a, **k).replace("</body>", "<!-- nuovo --></body>"),
    )
    nuova = rendering.richiedi_pdf(piano=piano, utente=utente)
    assert nuova.pk != primo.pk
    assert nuova.impronta_dati != primo.impronta_dati


def test_la_versione_del_codice_comprende_i_template_e_il_codice_della_stampa():
    from django.conf import settings

    base = settings.BASE_DIR
    file = {str(p.relative_to(base)) for p in impronta._file_del_codice(base)}
    for atteso in [
        "templates/piani/stampa/piano.html",
        "templates/piani/stampa/stampa.css",
        "templates/piani/stampa/_obiettivo.html",
        "piani/assemblaggio.py",
        "piani/grafici.py",
        "piani/sanitizzazione.py",
        "obiettivi/calcoli.py",
        "core/templatetags/pdz_formati.py",
    ]:
        assert atteso in file, atteso


def test_la_versione_del_codice_cambia_con_un_template(settings, tmp_path):
    (tmp_path / "templates").mkdir()
    modello = tmp_path / "templates" / "piano.html"
    modello.write_text("<p>{{ piano }}</p>")
    settings.BASE_DIR = tmp_path
    impronta.versione_codice.cache_clear()
    try:
        prima = impronta.versione_codice()
        modello.write_text("<p>{{ piano.titolo }}</p>")
        impronta.versione_codice.cache_clear()
        assert impronta.versione_codice() != prima
    finally:
        impronta.versione_codice.cache_clear()


# The single statement is PostgreSQL's: the marker keeps it out of the SQLite pass, where a
# skip would be a test that never runs.
@pytest.mark.postgres
@pytest.mark.django_db
def test_l_istruzione_compilata_una_volta_vale_per_ogni_piano(piano, altro_ambito):
    # PostgreSQL runs one statement compiled once per process with stand-ins for the plan's
    # values: it must hash what the querysets compiled for this very plan select.
    assert connection.vendor == "postgresql"
    fonti = impronta.Fonti.nel_database(piano.pk)
    assert fonti.precedente is not None and fonti.capofila is not None
    _sql, ruoli = impronta._istruzione_postgresql(connection.alias, True, True)
    assert {r for r in ruoli if isinstance(r, str)} == set(impronta.SEGNAPOSTO)
    attese = []
    for queryset in impronta.sorgenti(fonti):
        sql, params = impronta._colonne(queryset).query.sql_with_params()
        pk = connection.ops.quote_name(queryset.model._meta.pk.column)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT encode(sha256(convert_to(coalesce(string_agg(t::text, E'\\n' "
                f"ORDER BY t.{pk}), ''), 'UTF8')), 'hex') FROM ({sql}) t",
                params,
            )
            attese.append(cursor.fetchone()[0])
    assert impronta.impronta_righe(piano) == "".join(attese)
