"""The kept hash of a draft's rows on PostgreSQL (piani.impronta, ImprontaRighe): reused while
no transaction its snapshot did not see has written a table the fingerprint reads, computed
again after any such write, and never trusted across what would make transaction ids
incomparable.

These tests commit (transaction=True): the hash is only kept by a transaction that had written
nothing, and a test wrapped in one transaction has always written its fixtures first."""

import re

import psycopg
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ambiti.models import Comune
from obiettivi.models import Obiettivo, Risorsa
from piani import impronta, rendering
from piani.models import ImprontaRighe, RenderPDF, Sezione
from tests.piani.test_impronta import (
    MODIFICHE,
    _completa,
    altro_ambito,
    assemblaggi,
    piano,
    utente,
)
from tests.piani.test_pdf import aree, fondi, periodo, precedente
from tests.piani.test_pdf import piano as piano_di_prova

__all__ = [
    "altro_ambito",
    "aree",
    "assemblaggi",
    "fondi",
    "periodo",
    "piano",
    "piano_di_prova",
    "precedente",
    "utente",
]

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TABELLA = re.compile(r'\b(?:FROM|JOIN)\s+"(\w+)"')
# tgtype of an AFTER ... FOR EACH STATEMENT trigger on INSERT, DELETE, UPDATE and TRUNCATE.
OGNI_SCRITTURA = 4 | 8 | 16 | 32


def _calcola(piano):
    """(the rows' hash, whether the full statement ran for it)."""
    with CaptureQueriesContext(connection) as catturate:
        righe = impronta.impronta_righe(piano)
    return righe, any("string_agg" in q["sql"] for q in catturate.captured_queries)


def _da_capo(piano):
    """The rows' hash computed now, whatever is kept."""
    return impronta._righe_postgresql(connection, impronta.Fonti.nel_database(piano.pk))


def _conservata(piano):
    righe, calcolata = _calcola(piano)
    assert calcolata and ImprontaRighe.objects.filter(piano=piano, righe=righe).exists()
    return righe


@pytest.fixture
def altra_connessione():
    """A second session on the same database, as another request of the portal would be."""
    impostazioni = connection.settings_dict
    with psycopg.connect(
        dbname=impostazioni["NAME"],
        user=impostazioni["USER"],
        host=impostazioni["HOST"],
        port=impostazioni["PORT"] or 5432,
        password=impostazioni["PASSWORD"] or None,
    ) as altra:
        yield altra


def test_ogni_tabella_letta_dall_istruzione_registra_ogni_scrittura():
    # The rows' hash is a function of the rows of the tables its statement reads and of its
    # parameters: each of those tables must log every kind of write.
    tabelle = set()
    for capofila in (True, False):
        for precedente_ in (True, False):
            sql, ruoli = impronta._istruzione_postgresql(connection.alias, capofila, precedente_)
            tabelle |= set(TABELLA.findall(sql))
            # No clock among the parameters, nor in the SQL: the day is outside the rows' hash.
            costanti = [r[1] for r in ruoli if isinstance(r, tuple)]
            assert not [c for c in costanti if not isinstance(c, (int, str, bool))], costanti
            assert not re.search(r"\b(now|current_date|current_timestamp)\b", sql, re.I)
    assert len(tabelle) >= 26
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'piani_modifica_fonti' AND t.tgenabled = 'A' AND t.tgtype = %s",
            [OGNI_SCRITTURA],
        )
        con_registro = {riga[0] for riga in cursor.fetchall()}
    assert sorted(tabelle - con_registro) == []


def test_un_piano_invariato_non_ricalcola_le_righe(piano):
    righe = _conservata(piano)
    with CaptureQueriesContext(connection) as catturate:
        assert impronta.impronta_righe(piano) == righe
    assert len(catturate.captured_queries) == 1
    assert righe == _da_capo(piano)


@pytest.mark.parametrize("modifica", MODIFICHE.values(), ids=MODIFICHE.keys())
def test_ogni_modifica_dei_dati_fa_ricalcolare_le_righe(piano, modifica):
    prima = _conservata(piano)
    modifica(piano)
    dopo, calcolata = _calcola(piano)
    assert calcolata
    assert dopo == _da_capo(piano) != prima
    # Kept again: the next request is one query.
    assert _calcola(piano) == (dopo, False)


def _sql_diretto(piano):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE piani_sezione SET titolo = titolo || ' (sql)' WHERE piano_id = %s", [piano.pk]
        )


def _cancellazione(piano):
    Risorsa.objects.filter(obiettivo__ambito=piano.ambito).order_by("pk").first().delete()


def _inserimento_in_blocco(piano):
    Sezione.objects.bulk_create(
        [Sezione(piano=piano, ordine=90 + n, titolo=f"Aggiunta {n}") for n in range(2)]
    )


def _svuotamento(piano):
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE obiettivi_obiettivo_asst")


def _in_un_savepoint_confermato(piano):
    with transaction.atomic(), transaction.atomic():
        Sezione.objects.filter(piano=piano).update(titolo="Dentro un savepoint")


SCRITTURE = {
    "SQL scritto a mano": _sql_diretto,
    "una cancellazione": _cancellazione,
    "un inserimento in blocco": _inserimento_in_blocco,
    "TRUNCATE": _svuotamento,
    "un savepoint confermato": _in_un_savepoint_confermato,
}


@pytest.mark.parametrize("scrittura", SCRITTURE.values(), ids=SCRITTURE.keys())
def test_ogni_genere_di_scrittura_e_registrato(piano, scrittura):
    prima = _conservata(piano)
    scrittura(piano)
    dopo, calcolata = _calcola(piano)
    assert calcolata
    assert dopo == _da_capo(piano) != prima


def test_un_savepoint_annullato_non_conta(piano):
    righe = _conservata(piano)
    with transaction.atomic():
        Sezione.objects.filter(piano=piano).update(titolo="Provvisorio")
        with pytest.raises(RuntimeError), transaction.atomic():
            raise RuntimeError
        transaction.set_rollback(True)
    assert _calcola(piano) == (righe, False)


def test_una_scrittura_altrove_fa_ricalcolare_ma_non_cambia_le_righe(piano, altro_ambito):
    # The log does not say which ambito was written: one full computation, the same hash.
    righe = _conservata(piano)
    Obiettivo.objects.filter(ambito=altro_ambito).update(titolo="Un altro ambito")
    assert _calcola(piano) == (righe, True)
    assert _calcola(piano) == (righe, False)


def test_una_scrittura_non_confermata_di_un_altra_sessione(piano, altra_connessione):
    righe = _conservata(piano)
    altra_connessione.execute(
        "UPDATE piani_sezione SET titolo = 'Altra sessione' WHERE piano_id = %s", [piano.pk]
    )
    # Not committed: this session still sees the rows it hashed.
    assert _calcola(piano) == (righe, False)
    altra_connessione.commit()
    dopo, calcolata = _calcola(piano)
    assert calcolata and dopo == _da_capo(piano) != righe


def test_un_impronta_presa_mentre_un_altra_sessione_scrive_non_le_sopravvive(
    piano, altra_connessione
):
    # The snapshot is taken while the other transaction is under way: its commit comes after
    # the snapshot, in the log, with an id the snapshot lists as in progress.
    altra_connessione.execute(
        "UPDATE piani_sezione SET titolo = 'Durante il calcolo' WHERE piano_id = %s", [piano.pk]
    )
    righe = _conservata(piano)
    altra_connessione.commit()
    dopo, calcolata = _calcola(piano)
    assert calcolata and dopo == _da_capo(piano) != righe


def test_una_transazione_che_ha_gia_scritto_non_conserva_l_impronta(piano):
    with transaction.atomic():
        Sezione.objects.filter(piano=piano).update(titolo="Scritto prima")
        _righe, calcolata = _calcola(piano)
        assert calcolata
    assert not ImprontaRighe.objects.filter(piano=piano).exists()


def test_la_transazione_che_scrive_dopo_l_impronta_vede_il_cambio(piano):
    righe = _conservata(piano)
    with transaction.atomic():
        Sezione.objects.filter(piano=piano).update(titolo="Scritto dopo")
        dopo, calcolata = _calcola(piano)
        assert calcolata and dopo == _da_capo(piano) != righe
        transaction.set_rollback(True)
    assert _calcola(piano) == (righe, False)


def test_un_altro_avvio_del_server_non_vale(piano):
    # A snapshot of another server's history (a restored dump, a promoted replica).
    righe = _conservata(piano)
    ImprontaRighe.objects.filter(piano=piano).update(avvio_server="2001-01-01T00:00:00Z")
    assert _calcola(piano) == (righe, True)


def _orizzonte():
    with connection.cursor() as cursor:
        cursor.execute("SELECT xid::text FROM piani_orizzonte_modifiche")
        return int(cursor.fetchone()[0])


def _registrate():
    with connection.cursor() as cursor:
        cursor.execute("SELECT xid::text FROM piani_modifica_fonti")
        return {int(riga[0]) for riga in cursor.fetchall()}


def _xmin(piano):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_snapshot_xmin(istantanea::pg_snapshot)::text FROM piani_improntarighe "
            "WHERE piano_id = %s",
            [piano.pk],
        )
        return int(cursor.fetchone()[0])


def test_la_potatura_toglie_le_scritture_vecchie_e_le_impronte_che_ne_dipendevano(piano):
    _conservata(piano)
    xmin = _xmin(piano)
    Comune.objects.filter(ambito=piano.ambito).update(popolazione=7)
    registrate = _registrate()
    impronta.pota_registro()
    # The horizon is the oldest transaction under way on the whole server when pruning (other
    # tests may hold one): what is below it is gone, the rest is kept.
    orizzonte = _orizzonte()
    assert _registrate() == {x for x in registrate if x >= orizzonte}
    assert ImprontaRighe.objects.filter(piano=piano).exists() == (xmin >= orizzonte)
    dopo, _calcolata = _calcola(piano)
    assert dopo == _da_capo(piano)
    assert _calcola(piano) == (dopo, False)


def test_la_potatura_conserva_chi_scrive_ancora(piano, altra_connessione):
    altra_connessione.execute(
        "UPDATE piani_sezione SET titolo = 'Ancora aperta' WHERE piano_id = %s", [piano.pk]
    )
    righe = _conservata(piano)
    impronta.pota_registro()
    altra_connessione.commit()
    dopo, calcolata = _calcola(piano)
    assert calcolata and dopo == _da_capo(piano) != righe


@pytest.fixture
def orizzonte_ripristinato():
    # The horizon is not a table of the models: the flush between tests leaves it as it is.
    prima = _orizzonte()
    yield
    with connection.cursor() as cursor:
        cursor.execute("UPDATE piani_orizzonte_modifiche SET xid = %s::text::xid8", [prima])


def test_un_impronta_piu_vecchia_dell_orizzonte_non_vale(piano, orizzonte_ripristinato):
    righe = _conservata(piano)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE piani_orizzonte_modifiche SET xid = %s::text::xid8", [_xmin(piano) + 1]
        )
    assert _calcola(piano) == (righe, True)


def test_genera_pdf_su_un_piano_invariato_e_una_query_per_l_impronta(
    piano, utente, altro_ambito, assemblaggi
):
    primo = _completa(rendering.richiedi_pdf(piano=piano, utente=utente))
    assemblaggi.clear()
    with CaptureQueriesContext(connection) as catturate:
        di_nuovo = rendering.richiedi_pdf(piano=piano, utente=utente)
    assert di_nuovo.pk == primo.pk and assemblaggi == []
    sql = [q["sql"] for q in catturate.captured_queries]
    assert not [s for s in sql if "string_agg" in s]
    assert RenderPDF.objects.filter(piano=piano).count() == 1
    # The kept hash and the completed rendering: no lock, no write.
    assert len(sql) == 2, sql
    assert not [s for s in sql if "FOR UPDATE" in s or s.startswith("UPDATE")]
