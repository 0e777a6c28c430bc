"""The plan as one self-contained HTML document, ready to be frozen and typeset to PDF.

`html_piano` renders templates/piani/stampa/piano.html: a cover, a table of contents whose page
numbers the typesetter fills in (CSS target-counter), then each section in order with its rich
text and its live block, filled from the portal's data at the moment of assembly.

The document is self-contained: its style sheet is inline and its charts are inline SVG, so that
the HTML frozen in a VersionePiano prints the same way years later, whatever the static files
have become, and the typesetter never has to fetch anything.

Queries do not grow with the plan: each kind of data (comuni, tables, objectives of the period,
funds, the previous period's objectives) is read at most once per document, only if some section
shows it, and every section showing it reuses the same objects.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, Prefetch, Q
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ambiti.models import Comune, Periodo
from core.ordinamento import chiave_naturale
from obiettivi import grafici as grafici_obiettivi
from obiettivi.calcoli import Tabella, area_principale, tabella_risorse
from obiettivi.models import Fondo, Obiettivo
from tavoli.models import Esito, Incontro, Tavolo

from . import grafici
from .impronta import Fonti
from .models import Piano, Sezione
from .sanitizzazione import pulisci

Blocco = Sezione.Blocco
TEMPLATE = "piani/stampa/piano.html"


def _chiave_area(area):
    return (area is None, area.ordine if area else 0, area.nome if area else "")


def titolo_documento(piano: Piano) -> str:
    return _("Piano di Zona %(periodo)s") % {"periodo": piano.periodo.nome}


def intestazione_documento(piano: Piano) -> str:
    return _("Piano di Zona %(periodo)s — Ambito %(ambito)s") % {
        "periodo": piano.periodo.nome,
        "ambito": piano.ambito.nome,
    }


def _data_esito(versione) -> str:
    # Django's Italian month names are capitalised; Italian writes them in lower case.
    return formats.date_format(timezone.localtime(versione.esito_il).date(), "DATE_FORMAT").lower()


def stato_documento(piano: Piano, versione=None, *, numero_versione: int | None = None) -> str:
    """What the document is, for its cover, its metadata and its name: a draft (in review or
    not), a version for the Assemblea dei Sindaci, or the plan the Assemblea approved."""
    if versione is not None:
        numero_versione = versione.numero
        Esito = versione.Esito
        if versione.esito == Esito.APPROVATA:
            if versione.esito_il is None:
                return _("Approvato dall'Assemblea dei Sindaci")
            return _("Approvato dall'Assemblea dei Sindaci il %(data)s") % {
                "data": _data_esito(versione)
            }
        if versione.esito == Esito.RESPINTA and versione.esito_il is not None:
            return _("Versione n. %(n)s, respinta dall'Assemblea dei Sindaci il %(data)s") % {
                "n": numero_versione,
                "data": _data_esito(versione),
            }
        if versione.esito == Esito.SUPERATA:
            return _("Versione n. %(n)s per l'Assemblea dei Sindaci, superata") % {
                "n": numero_versione
            }
    if numero_versione:
        return _("Versione n. %(n)s per l'Assemblea dei Sindaci") % {"n": numero_versione}
    if piano.stato == Piano.Stato.IN_REVISIONE:
        return _("Bozza in revisione")
    return _("Bozza")


def autore_documento(piano: Piano) -> str:
    return _("Ufficio di Piano — Ambito territoriale %(ambito)s") % {"ambito": piano.ambito.nome}


@dataclass
class SchedaObiettivo:
    """One objective as the plan prints it, computed from prefetched rows only."""

    obiettivo: Obiettivo
    area: object
    altre_aree: list
    azioni: list
    avanzamento: Decimal | None
    risorse: Tabella | None
    indicatori: list
    proposte: list


@dataclass
class RigaTavolo:
    tavolo: Tavolo
    aree: list
    incontri: list
    proposte: int
    accolte: int


class DatiPiano:
    """The portal's data the plan shows, each kind read once and only when first asked for."""

    def __init__(self, piano: Piano):
        self.piano = piano
        # What each kind of data is read from, shared with the draft's fingerprint (impronta).
        self.fonti = Fonti.del_piano(piano)
        self.ambito = piano.ambito
        self.periodo = piano.periodo

    # Territory

    @cached_property
    def comuni(self) -> list[Comune]:
        comuni = self.fonti.comuni().select_related("sub_ambito")
        return sorted(comuni, key=lambda c: (c.nome.casefold(), c.codice_istat))

    # Tables

    @cached_property
    def tavoli(self) -> list[RigaTavolo]:
        proposta = Q(incontri__esiti__tipo=Esito.Tipo.PROPOSTA)
        accolta = proposta & Q(incontri__esiti__valutazione=Esito.Valutazione.ACCOLTA)
        tavoli = (
            self.fonti.tavoli()
            .annotate(
                numero_proposte=Count("incontri__esiti", filter=proposta),
                numero_accolte=Count("incontri__esiti", filter=accolta),
            )
            .prefetch_related(
                "aree_policy",
                Prefetch(
                    "incontri",
                    queryset=Incontro.objects.only("tavolo", "inizio").order_by("inizio", "pk"),
                ),
            )
        )
        return [
            RigaTavolo(
                tavolo=tavolo,
                aree=sorted(tavolo.aree_policy.all(), key=_chiave_area),
                incontri=list(tavolo.incontri.all()),
                proposte=tavolo.numero_proposte,
                accolte=tavolo.numero_accolte,
            )
            for tavolo in sorted(tavoli, key=lambda t: (t.titolo.casefold(), t.pk))
        ]

    # Objectives of the plan's period

    @cached_property
    def obiettivi(self) -> list[Obiettivo]:
        obiettivi = self.fonti.obiettivi().con_dettagli()
        return sorted(obiettivi, key=lambda o: chiave_naturale(o.codice))

    @cached_property
    def fondi(self) -> list[Fondo]:
        """Active funds, plus any inactive one that still carries money in the objectives."""
        usati = {r.fondo for o in self.obiettivi for r in o.risorse.all()}
        return sorted(set(self.fonti.fondi_attivi()) | usati, key=lambda f: (f.ordine, f.nome))

    def _scheda(self, obiettivo) -> SchedaObiettivo:
        anni = self.periodo.anni
        area = area_principale(obiettivo)
        risorse = list(obiettivo.risorse.all())
        # An objective's own table shows only the funds it uses: five empty columns say nothing.
        usati = {r.fondo_id for r in risorse}
        fondi = [f for f in self.fondi if f.pk in usati]
        azioni = list(obiettivo.azioni.all())
        return SchedaObiettivo(
            obiettivo=obiettivo,
            area=area,
            altre_aree=[
                a for a in sorted(obiettivo.aree_policy.all(), key=_chiave_area) if a != area
            ],
            azioni=azioni,
            avanzamento=obiettivo.avanzamento,
            risorse=tabella_risorse(risorse, anni=anni, fondi=fondi) if risorse else None,
            indicatori=[(i, i.valori_per_anno(anni)) for i in obiettivo.indicatori.all()],
            proposte=sorted(obiettivo.proposte.all(), key=lambda e: (e.incontro.inizio, e.pk)),
        )

    @cached_property
    def schede(self) -> list[SchedaObiettivo]:
        return [self._scheda(obiettivo) for obiettivo in self.obiettivi]

    @cached_property
    def per_area(self) -> list[tuple]:
        """[(area or None, [schede])] in the order of the areas, by each one's principal area."""
        gruppi = {}
        for scheda in self.schede:
            gruppi.setdefault(scheda.area, []).append(scheda)
        return [(area, gruppi[area]) for area in sorted(gruppi, key=_chiave_area)]

    def schede_dell_area(self, area):
        return next((schede for a, schede in self.per_area if a == area), [])

    @cached_property
    def risorse_per_area(self) -> list[tuple]:
        """[(area, [obiettivi], Tabella)] as obiettivi.grafici.risorse_per_area wants them."""
        return [
            (
                area,
                [s.obiettivo for s in schede],
                tabella_risorse(
                    (r for s in schede for r in s.obiettivo.risorse.all()),
                    anni=self.periodo.anni,
                    fondi=self.fondi,
                ),
            )
            for area, schede in self.per_area
        ]

    @cached_property
    def risorse_totali(self) -> Tabella:
        return tabella_risorse(
            (r for o in self.obiettivi for r in o.risorse.all()),
            anni=self.periodo.anni,
            fondi=self.fondi,
        )

    # The previous plan

    @cached_property
    def periodo_precedente(self) -> Periodo | None:
        return self.fonti.periodi_precedenti().first()

    @cached_property
    def valutazioni(self) -> list[tuple]:
        """[(obiettivo, valutazione or None)] of the previous period, in code order."""
        if self.periodo_precedente is None:
            return []
        obiettivi = self.fonti.obiettivi_precedenti(self.periodo_precedente).select_related(
            "valutazione__obiettivo_successivo"
        )
        return [
            (obiettivo, getattr(obiettivo, "valutazione", None))
            for obiettivo in sorted(obiettivi, key=lambda o: chiave_naturale(o.codice))
        ]


# One function per live block: the context of its partial, from the shared data.


def _blocco_comuni(sezione, dati):
    comuni = dati.comuni
    fonti = sorted(
        {(c.popolazione_fonte, c.popolazione_data) for c in comuni}, key=lambda f: (f[1], f[0])
    )
    return {
        "comuni": comuni,
        "totale_popolazione": sum(c.popolazione for c in comuni),
        "fonti": fonti,
    }


def _blocco_popolazione(sezione, dati):
    return {
        "numero_comuni": len(dati.comuni),
        "totale_popolazione": sum(c.popolazione for c in dati.comuni),
        "grafico": grafici.popolazione_per_comune(
            dati.comuni, id_prefix=f"popolazione-{sezione.pk}"
        ),
    }


def _blocco_tavoli(sezione, dati):
    righe = dati.tavoli
    return {
        "righe": righe,
        "totale_incontri": sum(len(r.incontri) for r in righe),
        "totale_proposte": sum(r.proposte for r in righe),
        "totale_accolte": sum(r.accolte for r in righe),
    }


def _blocco_obiettivi(sezione, dati):
    if sezione.area_id is None:
        return {"area": None, "gruppi": dati.per_area, "periodo": dati.periodo}
    area = sezione.area
    return {
        "area": area,
        "schede": dati.schede_dell_area(area),
        # Listed under their principal area, they also concern this one: a pointer, not a copy.
        "collegate": [s for s in dati.schede if area in s.altre_aree],
        "periodo": dati.periodo,
    }


def _blocco_risorse(sezione, dati):
    return {
        "tabella": dati.risorse_totali,
        "per_area": [
            (area, len(obiettivi), tabella.totale)
            for area, obiettivi, tabella in dati.risorse_per_area
        ],
        "grafico": grafici_obiettivi.risorse_per_area(
            dati.risorse_per_area, dati.fondi, id_prefix=f"risorse-{sezione.pk}"
        ),
        "numero_obiettivi": len(dati.obiettivi),
    }


def _blocco_valutazione(sezione, dati):
    return {"periodo_precedente": dati.periodo_precedente, "righe": dati.valutazioni}


BLOCCHI = {
    Blocco.COMUNI: ("piani/stampa/_blocco_comuni.html", _blocco_comuni),
    Blocco.POPOLAZIONE: ("piani/stampa/_blocco_popolazione.html", _blocco_popolazione),
    Blocco.TAVOLI: ("piani/stampa/_blocco_tavoli.html", _blocco_tavoli),
    Blocco.OBIETTIVI: ("piani/stampa/_blocco_obiettivi.html", _blocco_obiettivi),
    Blocco.RISORSE: ("piani/stampa/_blocco_risorse.html", _blocco_risorse),
    Blocco.VALUTAZIONE: ("piani/stampa/_blocco_valutazione.html", _blocco_valutazione),
}


@dataclass
class ParteStampa:
    sezione: Sezione
    numero: int
    ancora: str
    testo: str
    template: str | None
    dati: dict


def _parte(sezione, numero, dati) -> ParteStampa:
    template, contesto = BLOCCHI.get(sezione.blocco, (None, None))
    return ParteStampa(
        sezione=sezione,
        numero=numero,
        ancora=f"sezione-{sezione.pk}",
        # Cleaned again here, not only when saved: whatever wrote the row, only the allowed
        # subset is ever marked safe.
        testo=mark_safe(pulisci(sezione.testo)),  # noqa: S308
        template=template,
        dati=contesto(sezione, dati) if contesto else {},
    )


def html_piano(piano: Piano, *, numero_versione: int | None = None, data=None) -> str:
    """The complete HTML document of the plan: a draft, or version `numero_versione` for the
    Assemblea dei Sindaci, dated `data` (today by default)."""
    piano = Piano.objects.select_related("ambito__ente_capofila", "periodo").get(pk=piano.pk)
    dati = DatiPiano(piano)
    sezioni = list(dati.fonti.sezioni().select_related("area").order_by("ordine", "pk"))
    with translation.override("it"):
        parti = [_parte(sezione, numero, dati) for numero, sezione in enumerate(sezioni, start=1)]
        contesto = {
            "piano": piano,
            "ambito": piano.ambito,
            "periodo": piano.periodo,
            "titolo": titolo_documento(piano),
            "intestazione": intestazione_documento(piano),
            "autore": autore_documento(piano),
            "numero_versione": numero_versione,
            "stato_documento": stato_documento(piano, numero_versione=numero_versione),
            "data": data or timezone.localdate(),
            "parti": parti,
        }
        return render_to_string(TEMPLATE, contesto)
