"""The draft's fingerprint: how the PDF of an unchanged plan is found without assembling it.

Assembling the draft's HTML (assemblaggio.html_piano) takes hundreds of milliseconds, and a
request for the PDF used to do it only to hash the result and find the rendering of that HTML.
The HTML is a function of three things: the rows the assembly reads, the code and templates
that turn them into HTML, and the day (the cover prints it). `impronta_bozza` hashes exactly
these, without rendering anything:

- the rows: `sorgenti` lists, per table the assembly reads, the rows it may read, each as a
  queryset of all its concrete columns ordered by primary key. The scopes start from `Fonti`,
  the querysets the assembly itself starts from (assemblaggio reads them), and follow every
  relation it follows: a row outside them cannot reach the HTML, a row inside them changes the
  fingerprint whatever column changes. tests/piani/test_impronta.py proves the list complete:
  every table in the SQL of html_piano, and every row it loads, is covered;
- the code: a hash of the project's Python sources and templates and of the versions of the
  libraries that write the HTML, computed once per process;
- the day, in the portal's time zone.

Equal fingerprints therefore mean equal HTML; different ones may still give equal HTML (a
comment edited in a meeting's minutes), which costs one assembly and finds the same rendering by
its HTML's hash (rendering.richiedi_pdf). On PostgreSQL the rows are hashed by the database in
one statement (one snapshot, nothing but 64 characters crosses the wire); elsewhere in Python,
in one transaction.

On PostgreSQL the rows' hash is also kept (ImprontaRighe) with the snapshot taken before it was
computed, and is valid while no transaction that snapshot did not see has written any table the
statement reads. Every such table has a statement-level trigger (migration piani 0008) that
records the writing transaction's id in `piani_modifica_fonti`, in the same transaction as the
write: a committed change we can see left a row we can see. So one indexed query tells whether
the kept hash still describes the rows (`_righe_valide`); if so, the rows are exactly those the
hash was computed on. The proof needs three more things, which the code ensures:
- the snapshot is recorded only by a transaction that had written nothing when it was taken (a
  transaction sees its own writes, and ids of its later ones would not be told apart);
- transaction ids compare only within one server's history: the server's start time is kept
  with the snapshot (a dump restored elsewhere, a promoted replica, start afresh);
- the log is pruned (`pota_registro`) only below an xmin every later snapshot is above, and the
  horizon it leaves refuses older snapshots.
Any write to those tables anywhere in the region (another ambito's objective) costs the next
request one full computation, which records a new snapshot.
"""

import hashlib
import importlib.metadata
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ambiti.models import Ambito, AreaPolicy, Asst, Comune, Ente, Periodo, SubAmbito
from obiettivi.models import (
    Azione,
    Destinatario,
    Fondo,
    Indicatore,
    Obiettivo,
    Risorsa,
    ValoreIndicatore,
    Valutazione,
)
from tavoli.models import Esito, Incontro, Tavolo

from .models import ImprontaRighe, Piano, Sezione


class Fonti:
    """The querysets the plan's assembly starts from, for one plan.

    `ambito`, `periodo` and `anno_inizio` come from the plan the assembly has in hand, or from
    its row in the database for the fingerprint."""

    def __init__(self, piano_id, *, ambito, periodo, anno_inizio, capofila=None, precedente=None):
        self.piano_id = piano_id
        # Read for the fingerprint only: the ente capofila and the previous period's pk.
        self.capofila = capofila
        self.precedente = precedente
        self.ambito = ambito
        self.periodo = periodo
        self.anno_inizio = anno_inizio

    @classmethod
    def del_piano(cls, piano: Piano) -> "Fonti":
        return cls(
            piano.pk,
            ambito=piano.ambito_id,
            periodo=piano.periodo_id,
            anno_inizio=piano.periodo.anno_inizio,
        )

    @classmethod
    def nel_database(cls, piano_id) -> "Fonti":
        """From the plan's row as the database has it now, not as the caller loaded it."""
        ambito, periodo, anno_inizio, capofila = (
            Piano.objects.filter(pk=piano_id)
            .values_list("ambito_id", "periodo_id", "periodo__anno_inizio", "ambito__ente_capofila")
            .get()
        )
        fonti = cls(
            piano_id, ambito=ambito, periodo=periodo, anno_inizio=anno_inizio, capofila=capofila
        )
        fonti.precedente = fonti.periodi_precedenti().values_list("pk", flat=True).first()
        return fonti

    def piano(self):
        return Piano.objects.filter(pk=self.piano_id)

    def sezioni(self):
        return Sezione.objects.filter(piano_id=self.piano_id)

    def comuni(self):
        return Comune.objects.nell_ambito(self.ambito)

    def tavoli(self):
        return Tavolo.objects.nell_ambito(self.ambito)

    def obiettivi(self):
        return Obiettivo.objects.dell_ambito(self.ambito, self.periodo)

    def periodi_precedenti(self):
        """The previous period is the first of these."""
        return Periodo.objects.filter(anno_fine__lt=self.anno_inizio).order_by(
            "-anno_fine", "-anno_inizio"
        )

    def obiettivi_precedenti(self, periodo_precedente):
        return Obiettivo.objects.dell_ambito(self.ambito, periodo_precedente)

    def fondi_attivi(self):
        return Fondo.objects.filter(attivo=True)


def sorgenti(fonti: Fonti) -> list[QuerySet]:
    """Every row the assembly of this plan may read, one queryset per table.

    The few values the scopes start from (the plan's ambito and period, the ente capofila, the
    previous period) are read first, by other statements; they are columns of rows hashed here
    (the plan, the ambito, the periods), so equal hashes still mean equal scopes."""
    ambito, precedente = fonti.ambito, fonti.precedente
    obiettivi = fonti.obiettivi()
    if precedente is not None:
        # The previous plan's objectives, and the objectives their evaluation continues into.
        obiettivi = (
            obiettivi
            | fonti.obiettivi_precedenti(precedente)
            | Obiettivo.objects.filter(
                pk__in=Valutazione.objects.filter(
                    obiettivo__ambito=ambito, obiettivo__periodo=precedente
                ).values("obiettivo_successivo")
            )
        )
    azioni = Azione.objects.filter(obiettivo__in=obiettivi.values("pk"))
    indicatori = Indicatore.objects.filter(obiettivo__in=obiettivi.values("pk"))
    partner = Azione.partner.through.objects.filter(azione__in=azioni.values("pk"))
    asst = Obiettivo.asst.through.objects.filter(obiettivo__in=obiettivi.values("pk"))
    gruppi = Obiettivo.gruppi_destinatari.through.objects.filter(
        obiettivo__in=obiettivi.values("pk")
    )
    proposte = Obiettivo.proposte.through.objects.filter(obiettivo__in=obiettivi.values("pk"))
    # The tables' meetings and outcomes, and those an objective cites as its proposals.
    esiti = Esito.objects.filter(
        Q(incontro__tavolo__ambito=ambito) | Q(pk__in=proposte.values("esito"))
    )
    incontri = Incontro.objects.filter(
        Q(tavolo__ambito=ambito) | Q(pk__in=esiti.values("incontro"))
    )
    tavoli = fonti.tavoli() | Tavolo.objects.filter(pk__in=incontri.values("tavolo"))
    comuni = fonti.comuni() | Comune.objects.filter(pk=fonti.capofila)
    return [
        fonti.piano(),
        Ambito.objects.filter(pk=ambito),
        comuni,
        SubAmbito.objects.filter(pk__in=comuni.values("sub_ambito")),
        fonti.sezioni(),
        # Reference data shared by every ambito, a few rows each: the periods (which one is
        # the previous is a question on all of them), the policy areas, the funds.
        Periodo.objects.all(),
        AreaPolicy.objects.all(),
        Fondo.objects.all(),
        obiettivi,
        Valutazione.objects.filter(obiettivo__in=obiettivi.values("pk")),
        Obiettivo.aree_policy.through.objects.filter(obiettivo__in=obiettivi.values("pk")),
        asst,
        Asst.objects.filter(pk__in=asst.values("asst")),
        gruppi,
        Destinatario.objects.filter(pk__in=gruppi.values("destinatario")),
        azioni,
        partner,
        Ente.objects.filter(
            Q(pk__in=azioni.values("responsabile")) | Q(pk__in=partner.values("ente"))
        ),
        Risorsa.objects.filter(obiettivo__in=obiettivi.values("pk")),
        indicatori,
        ValoreIndicatore.objects.filter(indicatore__in=indicatori.values("pk")),
        proposte,
        esiti,
        incontri,
        tavoli,
        Tavolo.aree_policy.through.objects.filter(tavolo__in=tavoli.values("pk")),
    ]


def _colonne(queryset: QuerySet) -> QuerySet:
    campi = [campo.attname for campo in queryset.model._meta.concrete_fields]
    return queryset.order_by().values_list(*campi)


# What turns the rows into HTML, besides the rows: the first-party code and templates.
PACCHETTI_ESCLUSI = {"tests", "tests_production", "benchmarks", "node_modules", "requirements"}
LIBRERIE = ("django", "nh3")
IMPOSTAZIONI = ("LANGUAGE_CODE", "TIME_ZONE", "USE_I18N", "USE_THOUSAND_SEPARATOR")


def _file_del_codice(base: Path):
    for cartella in sorted(base.iterdir()):
        if cartella.name.startswith(".") or cartella.name in PACCHETTI_ESCLUSI:
            continue
        if cartella.name == "templates" or (cartella / "__init__.py").exists():
            for percorso in sorted(cartella.rglob("*")):
                if percorso.is_file() and percorso.suffix in {
                    ".py",
                    ".html",
                    ".css",
                    ".txt",
                    ".mo",
                }:
                    yield percorso


@lru_cache(maxsize=1)
def versione_codice() -> str:
    """A hash of the code that writes the plan's HTML: a deployment that changes any of it
    changes every fingerprint (the first request then assembles once and finds its PDF by the
    HTML's hash, if the HTML did not change)."""
    base = Path(settings.BASE_DIR)
    h = hashlib.sha256()
    for percorso in _file_del_codice(base):
        h.update(str(percorso.relative_to(base)).encode() + b"\0")
        h.update(hashlib.sha256(percorso.read_bytes()).digest())
    for libreria in LIBRERIE:
        h.update(f"{libreria}={importlib.metadata.version(libreria)}\0".encode())
    for nome in IMPOSTAZIONI:
        h.update(f"{nome}={getattr(settings, nome, None)!r}\0".encode())
    return h.hexdigest()


# Stand-ins for the values a plan's statement depends on: it is compiled once per process with
# these, and each plan's values take their place among the parameters.
SEGNAPOSTO = {
    "piano_id": -7_000_001,
    "ambito": -7_000_002,
    "periodo": -7_000_003,
    "capofila": -7_000_004,
    "precedente": -7_000_005,
}


@lru_cache(maxsize=16)
def _istruzione_postgresql(alias: str, con_capofila: bool, con_precedente: bool):
    """(SQL, [name of a stand-in or ("=", constant)] per parameter) of the statement hashing
    every row: Django compiles these 26 querysets in tens of milliseconds, the database then
    runs the same text for every plan (psycopg prepares it once it is used often)."""
    valori = dict(SEGNAPOSTO)
    valori["capofila"] = valori["capofila"] if con_capofila else None
    valori["precedente"] = valori["precedente"] if con_precedente else None
    fonti = Fonti(
        valori["piano_id"],
        ambito=valori["ambito"],
        periodo=valori["periodo"],
        anno_inizio=None,
        capofila=valori["capofila"],
        precedente=valori["precedente"],
    )
    connessione = connections[alias]
    parti, parametri = [], []
    for queryset in sorgenti(fonti):
        pk = connessione.ops.quote_name(queryset.model._meta.pk.column)
        try:
            sql, params = _colonne(queryset).using(alias).query.sql_with_params()
        except EmptyResultSet:
            parti.append("encode(sha256(''::bytea), 'hex')")
            continue
        # A row as text is a composite literal, quoted where needed: rows cannot run into
        # each other, and each table's hash has a fixed length. The SQL is Django's own,
        # compiled from the querysets above, with every value left as a parameter.
        parti.append(
            "(SELECT encode(sha256(convert_to(coalesce(string_agg(t::text, E'\\n' "  # noqa: S608
            f"ORDER BY t.{pk}), ''), 'UTF8')), 'hex') FROM ({sql}) t)"
        )
        parametri.extend(params)
    per_valore = {v: k for k, v in SEGNAPOSTO.items()}
    ruoli = tuple(
        per_valore.get(p, ("=", p)) if isinstance(p, int) else ("=", p) for p in parametri
    )
    return "SELECT " + " || ".join(parti), ruoli


def _righe_postgresql(connessione, fonti: Fonti) -> str:
    sql, ruoli = _istruzione_postgresql(
        connessione.alias, fonti.capofila is not None, fonti.precedente is not None
    )
    parametri = [ruolo[1] if isinstance(ruolo, tuple) else getattr(fonti, ruolo) for ruolo in ruoli]
    with connessione.cursor() as cursor:
        cursor.execute(sql, parametri)
        return cursor.fetchone()[0]


def _righe_python(querysets) -> str:
    h = hashlib.sha256()
    with transaction.atomic(using=querysets[0].db):
        for queryset in querysets:
            righe = _colonne(queryset).order_by("pk")
            h.update(hashlib.sha256(repr(list(righe)).encode()).digest())
    return h.hexdigest()


# The kept hash, if it still holds: its snapshot is of this server, not older than the log's
# horizon, and no transaction it did not see has logged a write.
RIGHE_VALIDE = """
SELECT i.righe FROM piani_improntarighe i CROSS JOIN piani_orizzonte_modifiche o
WHERE i.piano_id = %s
  AND i.avvio_server = pg_postmaster_start_time()
  AND pg_snapshot_xmin(i.istantanea::pg_snapshot) >= o.xid
  AND NOT EXISTS (
      SELECT 1 FROM piani_modifica_fonti m
      WHERE m.xid >= pg_snapshot_xmin(i.istantanea::pg_snapshot)
        AND NOT pg_visible_in_snapshot(m.xid, i.istantanea::pg_snapshot)
  )
"""
ISTANTANEA = (
    "SELECT pg_current_snapshot()::text, pg_postmaster_start_time(), "
    "pg_current_xact_id_if_assigned() IS NULL"
)


def _righe_valide(connessione, piano_id) -> str | None:
    with connessione.cursor() as cursor:
        cursor.execute(RIGHE_VALIDE, [piano_id])
        riga = cursor.fetchone()
    return riga[0] if riga else None


def _conserva(connessione, piano_id, righe, istantanea, avvio) -> None:
    propria = not connessione.in_atomic_block
    try:
        with transaction.atomic(using=connessione.alias):
            if propria:
                # A cache, in a transaction of its own: a crash may lose it, which costs one
                # computation, so its commit need not wait for the disk.
                with connessione.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            ImprontaRighe.objects.using(connessione.alias).bulk_create(
                [
                    ImprontaRighe(
                        piano_id=piano_id, righe=righe, istantanea=istantanea, avvio_server=avvio
                    )
                ],
                update_conflicts=True,
                unique_fields=["piano"],
                update_fields=["righe", "istantanea", "avvio_server"],
            )
    except IntegrityError:
        # The plan was deleted meanwhile: there is nothing to keep.
        pass


def impronta_righe(piano: Piano) -> str:
    """The hash of every row the assembly of this plan may read."""
    connessione = connections[router.db_for_read(Piano)]
    if connessione.vendor != "postgresql":
        return _righe_python(sorgenti(Fonti.nel_database(piano.pk)))
    righe = _righe_valide(connessione, piano.pk)
    if righe is not None:
        return righe
    # Taken before anything is read: whatever is committed after it sends the next request
    # here again, so the hash stands for the rows every statement below saw.
    with connessione.cursor() as cursor:
        cursor.execute(ISTANTANEA)
        istantanea, avvio, senza_scritture = cursor.fetchone()
    righe = _righe_postgresql(connessione, Fonti.nel_database(piano.pk))
    if senza_scritture:
        _conserva(connessione, piano.pk, righe, istantanea, avvio)
    return righe


def pota_registro(using="default") -> int:
    """Forget the writes every transaction now sees, and the hashes whose snapshot is older:
    what a snapshot older than the new horizon would need is gone, so it no longer counts."""
    connessione = connections[using]
    if connessione.vendor != "postgresql":
        return 0
    with transaction.atomic(using=using), connessione.cursor() as cursor:
        cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")
        (orizzonte,) = cursor.fetchone()
        cursor.execute("DELETE FROM piani_modifica_fonti WHERE xid < %s::xid8", [orizzonte])
        tolte = cursor.rowcount
        cursor.execute(
            "UPDATE piani_orizzonte_modifiche SET xid = greatest(xid, %s::xid8) WHERE id = 1",
            [orizzonte],
        )
        cursor.execute(
            "DELETE FROM piani_improntarighe "
            "WHERE pg_snapshot_xmin(istantanea::pg_snapshot) < %s::xid8",
            [orizzonte],
        )
    return tolte


def impronta_bozza(piano: Piano, *, data=None) -> str:
    """The fingerprint of the draft's HTML as html_piano(piano) would write it today."""
    giorno = (data or timezone.localdate()).isoformat()
    testo = f"bozza\0{versione_codice()}\0{giorno}\0{impronta_righe(piano)}"
    return hashlib.sha256(testo.encode()).hexdigest()
