"""The Lombardy-scale data set of the load benchmarks: 91 ambiti, 1,502 comuni.

Imported by `pages_load.py` and `vote_load.py --lombardia`, after `django.setup()` on the
dedicated database (DATABASE_URL) and before anything has queried it:

    from benchmarks import lombardia
    lombardia.ricrea_database(database_url)      # DROP and CREATE, then migrate
    dati = lombardia.costruisci(scala=1.0)       # prints how long it took
    dati = lombardia.leggi()                     # the same description, from a built database

What it holds: the real territory (the three Cremona ambiti, 123 comuni, `carica_territorio`),
the policy areas and funds of the demo loaders, and 88 made-up ambiti ("Prova <provincia> NN")
with 1,379 made-up comuni of the other Lombard provinces (ISTAT codes: the province's code and a
progressive number from 201, which no real comune of these provinces uses; seeded random
populations). The measured ambito is the made-up `prova-bg-01` (Bergamo), with 250 comuni: the
largest real Lombard ambito has about 90, so every page of it is at least as long as in life.

Every ambito has: 20 enti in the register; 10 tables with 5 members each; 30 meetings (approved,
in review, draft) with 2 proposals (a third accepted, some refused), a need and a resource
each and the attendance; 40 objectives with 2 areas, the accepted proposals, 2 actions (a
responsible, 2 partners, resources by fund), 6 resources (3 years x 2 funds), an indicator with
its 3 targets and a measured value; 15 objectives of 2021-2023 with what was spent, two thirds of
them evaluated; the funds' allocations; a plan in review with 20 sections
(every live block: comuni, population chart, tables, objectives, resources, evaluation) and a
comment each; a voting rule (one vote per comune, by population, secret, in turn) and an open
Assemblea session with an open vote. Users: five Ufficio di Piano accounts in the measured
ambito and one in every other, with an authenticator app (the production login asks for the
second factor: `codici_di_recupero` gives each client a recovery code), and one sindaco per
comune (1,502). One password for all: `PASSWORD`.

Volume with bulk_create (no signals, no audit trail: data an installation would have gathered
over years); the Assemblea's sessions and votes through the portal's own services, as
vote_load.py prepares them. Seeded and deterministic: the same `seme` gives the same data.

`scala` (0 < scala <= 1) shrinks the made-up part for quick runs: round(88 x scala) made-up
ambiti and round(1,379 x scala) made-up comuni, 250 x scala of them in the measured ambito; what
each ambito holds stays the same.
"""

import datetime
import random
import time
import urllib.parse
from dataclasses import dataclass, field
from decimal import Decimal

PASSWORD = "benchmark-lombardia-0123456789"
PREFISSO = "bench.lomb"
AMBITO_MISURATO = "prova-bg-01"
AMBITI_TOTALI = 91
COMUNI_TOTALI = 1502
COMUNI_MISURATO = 250
UFFICI_PIANO_MISURATO = 5

# (province code, abbreviation, name, ATS): the Lombard provinces other than Cremona and Mantova,
# whose real comuni are in the real territory.
PROVINCE = (
    ("016", "BG", "Bergamo", "ATS Bergamo"),
    ("015", "MI", "Milano", "ATS della Città Metropolitana di Milano"),
    ("017", "BS", "Brescia", "ATS Brescia"),
    ("012", "VA", "Varese", "ATS Insubria"),
    ("013", "CO", "Como", "ATS Insubria"),
    ("108", "MB", "Monza e Brianza", "ATS Brianza"),
    ("097", "LC", "Lecco", "ATS Brianza"),
    ("018", "PV", "Pavia", "ATS Pavia"),
    ("098", "LO", "Lodi", "ATS della Città Metropolitana di Milano"),
    ("014", "SO", "Sondrio", "ATS della Montagna"),
)
RADICI = (
    "Castel", "Villa", "Borgo", "Torre", "Ponte", "Cassina", "Corte", "Rocca", "Colle", "Pieve",
    "Cascina", "Monte", "Bosco", "Fontana", "Ca'", "Valle", "Campo", "Prato", "Riva", "Sesto",
)  # fmt: skip
NOMI = (
    "Nuovo", "Vecchio", "Lungo", "Rosso", "Bianco", "Alto", "Basso", "Grande", "Piccolo", "Verde",
    "San Pietro", "San Giorgio", "Sant'Ambrogio", "San Martino", "Santa Maria", "San Vittore",
)  # fmt: skip
LUOGHI = (
    "d'Adda", "sul Serio", "al Lambro", "sul Ticino", "d'Oglio", "al Brembo", "sull'Olona",
    "in Valle", "di Sopra", "di Sotto", "Superiore", "Inferiore", "al Piano", "", "", "",
)  # fmt: skip
# The rules the made-up ambiti take in turn, as believable variants of real regolamenti (the
# real ambiti keep the ones vote_load.py gives them).
REGOLE = (
    {"peso": "uno", "quorum": "teste", "misura_maggioranza": "teste"},
    {
        "peso": "popolazione",
        "quorum": "entrambe",
        "maggioranza": "assoluta",
        "base": "presenti",
        "misura_maggioranza": "popolazione",
    },
    {
        "peso": "popolazione",
        "quorum": "popolazione",
        "misura_maggioranza": "entrambe",
        "scrutinio": "segreto",
    },
)
REGOLE_REALI = {"cremonese": REGOLE[0], "cremasco": REGOLE[1], "oglio-po": REGOLE[2]}

TAVOLI = 10
INCONTRI_PER_TAVOLO = 3
OBIETTIVI = 40
OBIETTIVI_PRECEDENTI = 15
ENTI = 20
SEZIONI = 20
MEMBRI_PER_TAVOLO = 5


@dataclass
class Sindaco:
    username: str
    comune_pk: int
    comune: str
    ambito: str
    votazione_pk: int
    url_voto: str


@dataclass
class Assemblea:
    """The open session of an ambito with its open vote."""

    ambito: str
    seduta_pk: int
    punto_pk: int
    votazione_pk: int
    ufficio_piano_pk: int


@dataclass
class Dati:
    ambiti: int
    comuni: int
    misurato: str
    uffici_piano: list[str]  # usernames of the measured ambito's Ufficio di Piano
    sindaci: list[Sindaco]  # every comune's, in the order of the ambiti and comuni
    assemblee: dict[str, Assemblea] = field(default_factory=dict)

    def sindaci_di(self, slug) -> list[Sindaco]:
        return [s for s in self.sindaci if s.ambito == slug]


# --- The database -----------------------------------------------------------------------------


def ricrea_database(database_url: str) -> None:
    """DROP and CREATE the database, then migrate it. Django must not have opened it yet."""
    import psycopg
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    parti = urllib.parse.urlsplit(database_url)
    nome = parti.path.lstrip("/")
    if not nome.replace("_", "").isalnum():
        raise SystemExit(f"Nome di database non valido: {nome!r}")
    amministrazione = urllib.parse.urlunsplit(parti._replace(path="/postgres"))
    with psycopg.connect(amministrazione, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{nome}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{nome}"')
    call_command("migrate", verbosity=0, interactive=False)


# --- Building ---------------------------------------------------------------------------------


def _nome_comune(caso) -> str:
    radice = caso.choice(RADICI)
    nome = (
        f"{radice} {caso.choice(NOMI)}"
        if caso.random() < 0.6
        else radice
        + caso.choice(("ano", "ate", "engo", "ello", "ago", "one", "ino", "asco")).lower()
    )
    luogo = caso.choice(LUOGHI)
    return f"{nome} {luogo}".strip()


def _territorio_inventato(caso, scala):
    """The made-up ambiti and comuni: a list of (ambito fields, province, [comune fields])."""
    from ambiti.models import Ambito, Asst, Ats, Comune

    quanti = max(1, round(88 * scala))
    comuni_inventati = max(quanti, round((COMUNI_TOTALI - 123) * scala))
    nel_misurato = max(1, round(COMUNI_MISURATO * scala))
    altri = quanti - 1
    resto = comuni_inventati - nel_misurato
    # The others share the rest evenly: 85 with 13 comuni and 2 with 12 at full size.
    per_ambito = [resto // altri + (1 if i < resto % altri else 0) for i in range(altri)]
    ats = {p[3]: Ats.objects.get_or_create(nome=p[3])[0] for p in PROVINCE}
    progressivi = {p[0]: 200 for p in PROVINCE}
    numeri = {p[1]: 0 for p in PROVINCE}
    data = datetime.date(2025, 1, 1)
    ambiti, comuni, asst_di = [], [], {}
    for i, numero_comuni in enumerate([nel_misurato, *per_ambito]):
        provincia = PROVINCE[0] if i == 0 else PROVINCE[i % len(PROVINCE)]
        codice, sigla, nome_provincia, nome_ats = provincia
        numeri[sigla] += 1
        slug = f"prova-{sigla.lower()}-{numeri[sigla]:02d}"
        ambito = Ambito(
            nome=f"Prova {nome_provincia} {numeri[sigla]:02d}",
            slug=slug,
            ats=ats[nome_ats],
            ente_gestore=f"Azienda consortile di prova {nome_provincia} {numeri[sigla]:02d}",
            email_ufficio_piano=f"udp.{slug}@example.org",
        )
        ambiti.append(ambito)
        asst_di[slug] = Asst.objects.get_or_create(
            nome=f"ASST di prova {nome_provincia}", defaults={"ats": ats[nome_ats]}
        )[0]
        for _ in range(numero_comuni):
            progressivi[codice] += 1
            comuni.append(
                Comune(
                    codice_istat=f"{codice}{progressivi[codice]:03d}",
                    nome=_nome_comune(caso),
                    provincia=sigla,
                    ambito=ambito,
                    popolazione=max(60, int(caso.lognormvariate(8.2, 1.1))),
                    popolazione_data=data,
                    popolazione_fonte="Dati di prova 2025-01",
                )
            )
    Ambito.objects.bulk_create(ambiti)
    for comune in comuni:
        comune.ambito_id = comune.ambito.pk
    Comune.objects.bulk_create(comuni)
    Ambito.asst.through.objects.bulk_create(
        [Ambito.asst.through(ambito_id=a.pk, asst_id=asst_di[a.slug].pk) for a in ambiti]
    )
    capofila = {}
    for comune in comuni:
        attuale = capofila.get(comune.ambito_id)
        if attuale is None or comune.popolazione > attuale.popolazione:
            capofila[comune.ambito_id] = comune
    for ambito in ambiti:
        ambito.ente_capofila = capofila[ambito.pk]
    Ambito.objects.bulk_update(ambiti, ["ente_capofila"])


def _utenti(ambiti, hash_password):
    """The Ufficio di Piano accounts (with an authenticator app) and one sindaco per comune."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Ruolo, User
    from accounts.otp import NOME_APP, NOME_CODICI
    from ambiti.models import Comune

    uffici = []
    for ambito in ambiti:
        quanti = UFFICI_PIANO_MISURATO if ambito.slug == AMBITO_MISURATO else 1
        for n in range(1, quanti + 1):
            uffici.append(
                (
                    ambito,
                    User(
                        username=f"{PREFISSO}.up{n}.{ambito.slug}",
                        first_name=f"Ufficio di Piano {n}",
                        last_name=ambito.nome,
                        email=f"up{n}.{ambito.slug}@example.org",
                        password=hash_password,
                    ),
                )
            )
    User.objects.bulk_create([u for _a, u in uffici])
    Ruolo.objects.bulk_create(
        [Ruolo(user=u, tipo=Ruolo.Tipo.UFFICIO_PIANO, ambito=a) for a, u in uffici]
    )
    TOTPDevice.objects.bulk_create(
        [TOTPDevice(user=u, name=NOME_APP, confirmed=True) for _a, u in uffici]
    )
    StaticDevice.objects.bulk_create(
        [StaticDevice(user=u, name=NOME_CODICI, confirmed=True) for _a, u in uffici]
    )
    comuni = list(Comune.objects.select_related("ambito").order_by("ambito__nome", "codice_istat"))
    sindaci = User.objects.bulk_create(
        [
            User(
                username=f"{PREFISSO}.sindaco.{c.codice_istat}",
                first_name="Sindaco di",
                last_name=c.nome,
                password=hash_password,
            )
            for c in comuni
        ]
    )
    Ruolo.objects.bulk_create(
        [
            Ruolo(user=u, tipo=Ruolo.Tipo.SINDACO, ambito_id=c.ambito_id, comune=c)
            for u, c in zip(sindaci, comuni, strict=True)
        ]
    )
    return {a.pk: u for a, u in reversed(uffici)}


def _enti(caso, ambiti, aree):
    from ambiti.demo import codice_fiscale_demo
    from ambiti.models import Ente, Iscrizione

    tipi = Ente.Tipo.values
    enti = Ente.objects.bulk_create(
        [
            Ente(
                denominazione=f"{caso.choice(('Cooperativa', 'Associazione', 'Fondazione'))} "
                f"{caso.choice(NOMI)} {a.slug} {n:02d}",
                tipo=tipi[n % len(tipi)],
                codice_fiscale=codice_fiscale_demo(f"9{i:04d}{n:05d}"),
                indirizzo=f"Via di prova {n}, {a.nome}",
                email=f"ente{n}.{a.slug}@example.org",
                telefono="0370 000000",
                referente=f"Referente {n}",
            )
            for i, a in enumerate(ambiti)
            for n in range(ENTI)
        ]
    )
    iscrizioni = Iscrizione.objects.bulk_create(
        [
            Iscrizione(
                ambito=a,
                ente=enti[i * ENTI + n],
                data_iscrizione=datetime.date(2024, 1 + n % 12, 1 + n),
                stato=Iscrizione.Stato.ATTIVA if n % 7 else Iscrizione.Stato.SOSPESA,
                aderisce_adp=n % 3 == 0,
                data_adesione_adp=datetime.date(2024, 3, 1) if n % 3 == 0 else None,
            )
            for i, a in enumerate(ambiti)
            for n in range(ENTI)
        ]
    )
    Iscrizione.aree_policy.through.objects.bulk_create(
        [
            Iscrizione.aree_policy.through(iscrizione_id=s.pk, areapolicy_id=area.pk)
            for n, s in enumerate(iscrizioni)
            for area in aree[n % 8 : n % 8 + 2]
        ]
    )
    return {a.pk: enti[i * ENTI : (i + 1) * ENTI] for i, a in enumerate(ambiti)}


def _tavoli(caso, ambiti, aree, enti, uffici):
    """Tables, members, meetings with attendance and outcomes; returns the accepted proposals."""
    from django.utils import timezone

    from tavoli.models import Esito, Incontro, Membro, Presenza, Tavolo

    adesso = timezone.now().replace(minute=0, second=0, microsecond=0)
    tavoli = Tavolo.objects.bulk_create(
        [
            Tavolo(
                ambito=a,
                titolo=f"Tavolo {aree[t].nome}",
                descrizione=f"Il tavolo tematico su {aree[t].nome.lower()} dell'ambito.",
                data_inizio=datetime.date(2024, 9, 1),
            )
            for a in ambiti
            for t in range(TAVOLI)
        ]
    )
    Tavolo.aree_policy.through.objects.bulk_create(
        [
            Tavolo.aree_policy.through(tavolo_id=t.pk, areapolicy_id=aree[n % TAVOLI].pk)
            for n, t in enumerate(tavoli)
        ]
    )
    Tavolo.coordinatori.through.objects.bulk_create(
        [
            Tavolo.coordinatori.through(tavolo_id=t.pk, user_id=uffici[t.ambito_id].pk)
            for t in tavoli
        ]
    )
    membri = Membro.objects.bulk_create(
        [
            Membro(tavolo=t, ente=enti[t.ambito_id][(n + m) % ENTI], ruolo="Componente")
            for n, t in enumerate(tavoli)
            for m in range(MEMBRI_PER_TAVOLO)
        ]
    )
    stati = (Incontro.Stato.APPROVATO, Incontro.Stato.IN_REVISIONE, Incontro.Stato.BOZZA)
    incontri = []
    for n, t in enumerate(tavoli):
        for k in range(INCONTRI_PER_TAVOLO):
            # The first two in the past, the last one to come (its minutes still a draft).
            inizio = adesso + datetime.timedelta(days=(k - 2) * 30 + n % 20, hours=k)
            stato = stati[k]
            testo = f"<p>Verbale dell'incontro {k + 1} del {t.titolo}.</p>" * 5
            incontri.append(
                Incontro(
                    tavolo=t,
                    titolo=f"Incontro {k + 1}",
                    inizio=inizio,
                    fine=inizio + datetime.timedelta(hours=2),
                    luogo="Sala consiliare",
                    ordine_del_giorno="Analisi dei bisogni\nProposte per il Piano",
                    verbale=testo,
                    stato=stato,
                    testo_approvato=testo if stato == Incontro.Stato.APPROVATO else "",
                    approvato_il=inizio if stato == Incontro.Stato.APPROVATO else None,
                    approvato_da=uffici[t.ambito_id] if stato == Incontro.Stato.APPROVATO else None,
                    creato_da=uffici[t.ambito_id],
                )
            )
    Incontro.objects.bulk_create(incontri)
    Presenza.objects.bulk_create(
        [
            Presenza(incontro=i, membro=membri[(n // INCONTRI_PER_TAVOLO) * MEMBRI_PER_TAVOLO + m],
                     partecipanti=1 + m % 3)
            for n, i in enumerate(incontri)
            if i.stato != Incontro.Stato.BOZZA
            for m in range(MEMBRI_PER_TAVOLO - n % 2)
        ]
    )  # fmt: skip
    esiti = []
    for n, incontro in enumerate(incontri):
        ambito_id = incontro.tavolo.ambito_id
        area = aree[(n // INCONTRI_PER_TAVOLO) % TAVOLI]
        for j, tipo in enumerate(
            (Esito.Tipo.PROPOSTA, Esito.Tipo.PROPOSTA, Esito.Tipo.BISOGNO, Esito.Tipo.RISORSA)
        ):
            campi = {}
            if tipo == Esito.Tipo.PROPOSTA and incontro.stato != Incontro.Stato.BOZZA:
                scelta = (n + j) % 3
                if scelta == 0:
                    campi = {"valutazione": Esito.Valutazione.ACCOLTA}
                elif scelta == 1 and n % 2:
                    campi = {
                        "valutazione": Esito.Valutazione.NON_ACCOLTA,
                        "motivazione": "Non di competenza del Piano di Zona.",
                    }
                if campi:
                    campi |= {"valutata_da": uffici[ambito_id], "valutata_il": incontro.fine}
            esiti.append(
                Esito(
                    incontro=incontro,
                    tipo=tipo,
                    testo=f"{tipo.label}: {caso.choice(NOMI).lower()} {n}.{j} per {area.nome}",
                    area_policy=area if j != 1 else None,
                    target=caso.choice(("Anziani", "Famiglie", "Giovani", "")),
                    ordine=j,
                    creato_da=uffici[ambito_id],
                    **campi,
                )
            )
    Esito.objects.bulk_create(esiti)
    accolte = {}
    for e in esiti:
        if e.valutazione == Esito.Valutazione.ACCOLTA:
            accolte.setdefault(e.incontro.tavolo.ambito_id, []).append(e)
    return accolte


def _obiettivi(ambiti, periodo, aree, fondi, enti, accolte):
    from obiettivi.models import (
        Azione,
        Destinatario,
        Disponibilita,
        Indicatore,
        Obiettivo,
        Risorsa,
        RisorsaAzione,
        ValoreIndicatore,
    )

    obiettivi = Obiettivo.objects.bulk_create(
        [
            Obiettivo(
                ambito=a,
                periodo=periodo,
                codice=f"{i % len(aree) + 1}.{i // len(aree) + 1}",
                titolo=f"Obiettivo {i + 1:02d}: {aree[i % len(aree)].nome.lower()}",
                descrizione="<p>Che cosa si vuole ottenere, per chi e come.</p>",
                integrazione_sociosanitaria=aree[i % len(aree)].integrazione_sociosanitaria,
                priorita=Obiettivo.Priorita.values[i % 3],
                stato=Obiettivo.Stato.values[i % len(Obiettivo.Stato.values)],
            )
            for a in ambiti
            for i in range(OBIETTIVI)
        ]
    )
    Through = Obiettivo.aree_policy.through
    Through.objects.bulk_create(
        [
            Through(obiettivo_id=o.pk, areapolicy_id=area.pk)
            for n, o in enumerate(obiettivi)
            for area in {aree[n % len(aree)], aree[(n + 3) % len(aree)]}
        ]
    )
    gruppi = list(Destinatario.objects.filter(ambito=None))
    Obiettivo.gruppi_destinatari.through.objects.bulk_create(
        [
            Obiettivo.gruppi_destinatari.through(obiettivo_id=o.pk, destinatario_id=g.pk)
            for n, o in enumerate(obiettivi)
            for g in gruppi[n % 5 : n % 5 + 2]
        ]
    )
    proposte = []
    for n, o in enumerate(obiettivi):
        delle_ambito = accolte.get(o.ambito_id, [])
        if delle_ambito:
            proposte.append(
                Obiettivo.proposte.through(
                    obiettivo_id=o.pk, esito_id=delle_ambito[n % len(delle_ambito)].pk
                )
            )
    Obiettivo.proposte.through.objects.bulk_create(proposte, ignore_conflicts=True)
    azioni = Azione.objects.bulk_create(
        [
            Azione(
                obiettivo=o,
                descrizione=f"Azione {j + 1} dell'obiettivo {o.codice}",
                responsabile=enti[o.ambito_id][(n + j) % ENTI] if j == 0 else None,
                responsabile_altro="" if j == 0 else "Ufficio di Piano",
                data_inizio=datetime.date(2025, 1, 1),
                data_fine=datetime.date(2027, 12, 31),
                risorse_assegnate=Decimal("12000.00") * (j + 1),
                avanzamento=(n * 7 + j * 30) % 101,
                ordine=j,
            )
            for n, o in enumerate(obiettivi)
            for j in range(2)
        ]
    )
    Azione.partner.through.objects.bulk_create(
        [
            Azione.partner.through(azione_id=az.pk, ente_id=enti[az.obiettivo.ambito_id][k].pk)
            for n, az in enumerate(azioni)
            for k in {(n + 5) % ENTI, (n + 11) % ENTI}
        ]
    )
    RisorsaAzione.objects.bulk_create(
        [
            RisorsaAzione(azione=az, anno=2025, fondo=f, importo=az.risorse_assegnate / 2)
            for az in azioni
            for f in fondi[:2]
        ]
    )
    Risorsa.objects.bulk_create(
        [
            Risorsa(obiettivo=o, anno=anno, fondo=f, importo=Decimal("8000.00") + n % 17 * 500)
            for n, o in enumerate(obiettivi)
            for anno in periodo.anni
            for f in (fondi[n % 2], fondi[2 + n % 3])
        ]
    )
    indicatori = Indicatore.objects.bulk_create(
        [
            Indicatore(
                obiettivo=o,
                nome="Persone raggiunte",
                unita="persone",
                fonte="Cartella sociale",
                valore_base=Decimal(100 + n % 50),
                anno_base=periodo.anno_inizio - 1,
            )
            for n, o in enumerate(obiettivi)
        ]
    )
    valori = [
        ValoreIndicatore(
            indicatore=ind, tipo=ValoreIndicatore.Tipo.TARGET, anno=anno, valore=150 + k * 20
        )
        for ind in indicatori
        for k, anno in enumerate(periodo.anni)
    ]
    valori += [
        ValoreIndicatore(
            indicatore=ind, tipo=ValoreIndicatore.Tipo.MISURA, anno=periodo.anno_inizio, valore=140
        )
        for ind in indicatori
    ]
    ValoreIndicatore.objects.bulk_create(valori)
    Disponibilita.objects.bulk_create(
        [
            Disponibilita(
                ambito=a,
                periodo=periodo,
                fondo=f,
                anno=anno,
                importo=Decimal("400000.00"),
                atto=f"Riparto {f.sigla} {anno}",
            )
            for a in ambiti
            for f in fondi
            for anno in periodo.anni
        ]
    )


def _piano_precedente(ambiti, precedente, aree, fondi, uffici):
    """The objectives of 2021-2023, with what was spent on them, two thirds already evaluated
    (the page of the evaluation and the plan's evaluation block read them)."""
    from obiettivi.models import Obiettivo, Risorsa, SpesaEffettiva, Valutazione

    obiettivi = Obiettivo.objects.bulk_create(
        [
            Obiettivo(
                ambito=a,
                periodo=precedente,
                codice=f"{i % len(aree) + 1}.{i // len(aree) + 1}",
                titolo=f"Obiettivo {precedente.nome} {i + 1:02d}",
                priorita=Obiettivo.Priorita.values[i % 3],
            )
            for a in ambiti
            for i in range(OBIETTIVI_PRECEDENTI)
        ]
    )
    Obiettivo.aree_policy.through.objects.bulk_create(
        [
            Obiettivo.aree_policy.through(obiettivo_id=o.pk, areapolicy_id=aree[n % len(aree)].pk)
            for n, o in enumerate(obiettivi)
        ]
    )
    Risorsa.objects.bulk_create(
        [
            Risorsa(obiettivo=o, anno=anno, fondo=f, importo=Decimal("10000.00"))
            for o in obiettivi
            for anno in precedente.anni
            for f in fondi[:2]
        ]
    )
    SpesaEffettiva.objects.bulk_create(
        [
            SpesaEffettiva(
                obiettivo=o,
                anno=anno,
                fondo=f,
                importo=Decimal("9000.00") + n % 5 * 500,
                registrato_da=uffici[o.ambito_id],
            )
            for n, o in enumerate(obiettivi)
            for anno in precedente.anni
            for f in fondi[:2]
        ]
    )
    gradi = Valutazione.Grado.values
    Valutazione.objects.bulk_create(
        [
            Valutazione(
                obiettivo=o,
                grado=gradi[n % len(gradi)],
                criticita="Difficoltà di coordinamento tra i comuni." if n % 2 else "",
                valutato_da=uffici[o.ambito_id],
            )
            for n, o in enumerate(obiettivi)
            if n % 3
        ]
    )


def _piani(ambiti, periodo, aree, uffici):
    from piani.models import CommentoSezione, Piano, RevisioneSezione, Sezione

    piani = Piano.objects.bulk_create(
        [
            Piano(
                ambito=a,
                periodo=periodo,
                titolo=f"Piano di Zona {periodo.nome} — {a.nome}",
                stato=Piano.Stato.IN_REVISIONE,
                creato_da=uffici[a.pk],
            )
            for a in ambiti
        ]
    )
    blocchi = Sezione.Blocco.values
    sezioni = Sezione.objects.bulk_create(
        [
            Sezione(
                piano=p,
                ordine=s + 1,
                titolo=f"{s + 1}. {aree[s % len(aree)].nome}",
                testo="<p>Il testo della sezione, scritto dall'Ufficio di Piano.</p>" * 8,
                blocco=blocchi[s % len(blocchi)],
                area=aree[s % len(aree)]
                if blocchi[s % len(blocchi)] == Sezione.Blocco.OBIETTIVI
                else None,
                modificata_da=uffici[p.ambito_id],
            )
            for p in piani
            for s in range(SEZIONI)
        ]
    )
    # The first version of each section, as piani.services writes it.
    RevisioneSezione.objects.bulk_create(
        [
            RevisioneSezione(
                sezione=s, versione=1, titolo=s.titolo, testo=s.testo, autore=s.modificata_da
            )
            for s in sezioni
        ]
    )
    CommentoSezione.objects.bulk_create(
        [
            CommentoSezione(sezione=s, autore=s.modificata_da, testo="Da completare con i dati.")
            for s in sezioni
        ]
    )


def _assemblee(ambiti, uffici) -> dict:
    """Rule, open session, agenda item and open vote of every ambito, through the services."""
    from django.utils import timezone

    from assemblea import services
    from assemblea.models import PuntoOdg, RegolaVoto, Seduta, Votazione

    assemblee = {}
    for n, ambito in enumerate(ambiti):
        up = uffici[ambito.pk]
        campi = REGOLE_REALI.get(ambito.slug) or REGOLE[n % len(REGOLE)]
        regola = services.nuova_regola(RegolaVoto(ambito=ambito, **campi), utente=up)
        seduta = Seduta.objects.create(
            ambito=ambito,
            titolo="Assemblea dei Sindaci: approvazione del Piano di Zona",
            modalita=Seduta.Modalita.ONLINE,
            link_online="https://riunioni.example.org/assemblea",
            prima_convocazione=timezone.now() - datetime.timedelta(minutes=5),
            convocata_da=up,
        )
        seduta = services.apri_seduta(seduta, utente=up, convocazione=Seduta.Convocazione.PRIMA)
        punto = PuntoOdg.objects.create(
            seduta=seduta, ordine=1, titolo="Approvazione del Piano di Zona 2025-2027"
        )
        votazione = services.apri_votazione(
            Votazione.objects.create(punto=punto, regola=regola), utente=up
        )
        assemblee[ambito.slug] = (seduta.pk, punto.pk, votazione.pk)
    return assemblee


def costruisci(*, scala: float = 1.0, seme: int = 16, stampa=print) -> "Dati":
    """Builds the data set in the (freshly migrated) database; prints how long it took."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from ambiti.demo import carica_aree_policy, carica_periodo
    from ambiti.models import Ambito
    from ambiti.territorio import carica_territorio
    from obiettivi.demo import carica_fondi

    if not 0 < scala <= 1:
        raise SystemExit("--scala va da poco più di 0 a 1")
    inizio = time.perf_counter()
    caso = random.Random(seme)
    with transaction.atomic():
        carica_territorio()
        periodo = carica_periodo()
        aree = carica_aree_policy(periodo)
        fondi = carica_fondi()
        _territorio_inventato(caso, scala)
        ambiti = list(Ambito.objects.order_by("nome"))
        uffici = _utenti(ambiti, make_password(PASSWORD))
        enti = _enti(caso, ambiti, aree)
        accolte = _tavoli(caso, ambiti, aree, enti, uffici)
        _obiettivi(ambiti, periodo, aree, fondi, enti, accolte)
        precedente = carica_periodo("2021-2023")
        _piano_precedente(ambiti, precedente, carica_aree_policy(precedente), fondi, uffici)
        _piani(ambiti, periodo, aree, uffici)
        intermedio = time.perf_counter()
        _assemblee(ambiti, uffici)
    with transaction.atomic():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    dati = leggi()
    stampa(
        f"dati di prova: {dati.ambiti} ambiti, {dati.comuni} comuni, misurato {dati.misurato} "
        f"({len(dati.sindaci_di(dati.misurato))} comuni) costruiti in "
        f"{time.perf_counter() - inizio:.1f} s (di cui assemblee "
        f"{time.perf_counter() - intermedio:.1f} s)"
    )
    return dati


def leggi() -> "Dati":
    """The description of a data set built by `costruisci`, read from its database."""
    from django.urls import reverse

    from accounts.models import Ruolo
    from ambiti.models import Ambito, Comune
    from assemblea.models import Votazione

    assemblee = {}
    for v in Votazione.objects.filter(stato=Votazione.Stato.APERTA).select_related(
        "punto__seduta__ambito"
    ):
        slug = v.punto.seduta.ambito.slug
        if slug in assemblee:
            continue
        assemblee[slug] = Assemblea(
            ambito=slug,
            seduta_pk=v.punto.seduta_id,
            punto_pk=v.punto_id,
            votazione_pk=v.pk,
            ufficio_piano_pk=v.aperta_da_id,
        )
    if AMBITO_MISURATO not in assemblee:
        raise SystemExit(
            "Il database non contiene i dati di prova: ricostruiscili (senza --riusa)."
        )
    sindaci = []
    ruoli = (
        Ruolo.objects.filter(tipo=Ruolo.Tipo.SINDACO, user__username__startswith=PREFISSO)
        .select_related("user", "comune", "ambito")
        .order_by("ambito__nome", "comune__codice_istat")
    )
    for r in ruoli:
        a = assemblee[r.ambito.slug]
        sindaci.append(
            Sindaco(
                username=r.user.username,
                comune_pk=r.comune_id,
                comune=r.comune.nome,
                ambito=r.ambito.slug,
                votazione_pk=a.votazione_pk,
                url_voto=reverse(
                    "assemblea:vota",
                    kwargs={"slug": a.ambito, "pk": a.seduta_pk, "punto": a.punto_pk},
                ),
            )
        )
    uffici = list(
        Ruolo.objects.filter(
            tipo=Ruolo.Tipo.UFFICIO_PIANO,
            ambito__slug=AMBITO_MISURATO,
            user__username__startswith=PREFISSO,
        )
        .order_by("user__username")
        .values_list("user__username", flat=True)
    )
    return Dati(
        ambiti=Ambito.objects.count(),
        comuni=Comune.objects.count(),
        misurato=AMBITO_MISURATO,
        uffici_piano=uffici,
        sindaci=sindaci,
        assemblee=assemblee,
    )


def codici_di_recupero(username: str, quanti: int) -> list[str]:
    """`quanti` new recovery codes of an Ufficio di Piano account: a password login under the
    production settings asks for the second factor, and each code opens one session."""

    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    dispositivo = StaticDevice.objects.get(user__username=username)
    codici = [StaticToken.random_token() for _ in range(quanti)]
    StaticToken.objects.bulk_create([StaticToken(device=dispositivo, token=c) for c in codici])
    return codici
