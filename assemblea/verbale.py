"""The minutes (verbale) of a session of the Assemblea, as an accessible PDF.

Built from what the portal recorded: the comuni with their population (and their share, when the
rules weigh by the shares of the Accordo di Programma), who was present for each
(mayor or named delegate), the quorum as computed at the opening, each vote with the rules it was opened with in the words of
RegolaVoto.descrizione(), its result and,
in an open ballot, the named votes; the secretary's corrections of online ballots, with reason.
Typeset by core.pdf.rendi_pdf (PDF/UA-1, nothing fetched).
"""

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ambiti.models import Comune
from core.pdf import rendi_pdf

from .models import Delega, EventoVoto, Presenza, PuntoOdg, RegolaVoto, Votazione, Voto


def _punti(seduta):
    return list(
        PuntoOdg.objects.filter(seduta=seduta)
        .select_related("versione_piano__piano__periodo", "votazione__regola")
        .prefetch_related(
            Prefetch(
                "votazione__voti",
                queryset=Voto.objects.select_related("comune").order_by("comune__nome"),
            ),
            "votazione__elettorato",
            "votazione__regola__quote",
            # The corrections of online ballots, with their reason: never the choice.
            Prefetch(
                "votazione__eventi",
                queryset=EventoVoto.objects.filter(rettifica=True)
                .select_related("comune", "utente")
                .order_by("registrato_il", "pk"),
                to_attr="rettifiche",
            ),
        )
        .order_by("ordine")
    )


def _regola_seduta(seduta):
    """The rule version the session was opened with (its quorum names it), else the current one."""
    versione = (seduta.quorum_apertura or {}).get("regola")
    regole = RegolaVoto.objects.filter(ambito=seduta.ambito)
    if versione is not None:
        return regole.filter(versione=versione).first()
    return regole.order_by("-versione").first()


def contesto_verbale(seduta) -> dict:
    presenze = {
        p.comune_id: p for p in Presenza.objects.filter(seduta=seduta).select_related("comune")
    }
    deleghe = {
        d.comune_id: d for d in Delega.objects.filter(seduta=seduta).select_related("delegato")
    }
    comuni = list(Comune.objects.filter(ambito=seduta.ambito).order_by("nome"))
    regola = _regola_seduta(seduta)
    quote = (
        dict(regola.quote.values_list("comune_id", "quota")) if regola and regola.a_quote else {}
    )
    righe = [
        {
            "comune": c,
            "quota": quote.get(c.pk),
            "presenza": presenze.get(c.pk),
            "delega": deleghe.get(c.pk),
        }
        for c in comuni
    ]
    punti = _punti(seduta)
    for punto in punti:
        votazione = getattr(punto, "votazione", None)
        punto.voto = votazione
        punto.nominali = []
        if votazione and votazione.stato == Votazione.Stato.CHIUSA and not votazione.regola.segreto:
            # The weight the vote was opened with, not today's population.
            pesi = {a.comune_id: a.peso for a in votazione.elettorato.all()}
            punto.nominali = list(votazione.voti.all())
            for voto in punto.nominali:
                voto.peso = pesi.get(voto.comune_id)
    return {
        "seduta": seduta,
        "ambito": seduta.ambito,
        "righe": righe,
        "presenti": sum(1 for r in righe if r["presenza"]),
        "popolazione_totale": sum(c.popolazione for c in comuni),
        # With a rule weighing by quote the comuni are listed with their share, the weight.
        "a_quote": bool(quote),
        "quote_totale": sum(quote.values()),
        "punti": punti,
        "quorum": seduta.quorum_apertura,
        "generato_il": timezone.localtime(),
    }


def verbale_pdf(seduta) -> bytes:
    html = render_to_string("assemblea/stampa/verbale.html", contesto_verbale(seduta))
    titolo = _("Verbale dell'Assemblea dei Sindaci — %(s)s") % {"s": seduta.titolo}
    return rendi_pdf(html, titolo=titolo, autore=str(seduta.ambito)).pdf
