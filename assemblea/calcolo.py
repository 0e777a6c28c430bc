"""The outcome of a vote, computed from the rules it was opened with, in exact integers.

Pure functions of plain data, so that each rule of a regolamento can be checked by hand.
The weight is an integer (residents) or an exact Decimal (the shares of the Accordo di Programma),
never a float. "More than half" is strict: 2·x > total. The qualified majorities are "at least":
two thirds is 3·x ≥ 2·total, three fifths is 5·x ≥ 3·total, so exactly two thirds pass.
"""

from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from core.templatetags.pdz_formati import numero

from .models import RegolaVoto, Scelta, Seduta

Misura = RegolaVoto.Misura


@dataclass(frozen=True)
class Conteggio:
    """Heads and weight. The weight keeps the name "popolazione" of the measure it belongs to
    (RegolaVoto.Misura.POPOLAZIONE): residents, or the shares when the rule weighs by quote."""

    teste: int = 0
    popolazione: int | Decimal = 0

    def __add__(self, altro):
        return Conteggio(self.teste + altro.teste, self.popolazione + altro.popolazione)

    def di(self, misura) -> int:
        return self.teste if misura == Misura.TESTE else self.popolazione


def somma(pesi: dict[int, int | Decimal], comuni) -> Conteggio:
    comuni = [c for c in comuni if c in pesi]
    return Conteggio(len(comuni), sum(pesi[c] for c in comuni))


def misure(scelta: str) -> list[str]:
    if scelta == Misura.ENTRAMBE:
        return [Misura.TESTE, Misura.POPOLAZIONE]
    if scelta == Misura.NESSUNA:
        return []
    return [scelta]


def cifra(n: int | Decimal) -> str:
    """A number as Italian readers expect it next to the others: 162.287, or 333,5 for a share."""
    if isinstance(n, Decimal):
        return numero(n)
    return number_format(n, use_l10n=True, force_grouping=True)


def _nome_misura(misura, regola=None) -> str:
    if misura == Misura.TESTE:
        return _("comuni")
    return _("quote") if regola is not None and regola.a_quote else _("abitanti")


def in_json(valore):
    """Result and quorum are stored as JSON: an exact share becomes its decimal string."""
    if isinstance(valore, Decimal):
        return format(valore.normalize(), "f")
    if isinstance(valore, dict):
        return {k: in_json(v) for k, v in valore.items()}
    if isinstance(valore, list):
        return [in_json(v) for v in valore]
    return valore


@dataclass
class Verifica:
    """One condition of the rules: what was needed, what there was, whether it holds."""

    descrizione: str
    richiesto: str
    ottenuto: int
    superata: bool


def _quorum(regola, convocazione, misura, presenti, totale) -> Verifica:
    nome = _nome_misura(misura, regola)
    if convocazione == Seduta.Convocazione.SECONDA and regola.quorum_seconda != "uguale":
        if regola.quorum_seconda == RegolaVoto.QuorumSeconda.UN_TERZO:
            return Verifica(
                _("Quorum in %(m)s (seconda convocazione)") % {"m": nome},
                _("almeno un terzo di %(t)s") % {"t": cifra(totale)},
                presenti,
                3 * presenti >= totale,
            )
        return Verifica(_("Quorum (seconda convocazione)"), _("nessuno"), presenti, True)
    return Verifica(
        _("Quorum in %(m)s") % {"m": nome},
        _("più della metà di %(t)s") % {"t": cifra(totale)},
        presenti,
        2 * presenti > totale,
    )


def verifica_quorum(regola, convocazione, presenti: Conteggio, totale: Conteggio):
    return [
        _quorum(regola, convocazione, m, presenti.di(m), totale.di(m))
        for m in misure(regola.quorum)
    ]


@dataclass
class Risultato:
    aventi_diritto: Conteggio
    presenti: Conteggio
    favorevoli: Conteggio
    contrari: Conteggio
    astenuti: Conteggio
    quorum: list[Verifica] = field(default_factory=list)
    maggioranza: list[Verifica] = field(default_factory=list)
    esito: str = ""
    spiegazione: str = ""

    @property
    def quorum_raggiunto(self) -> bool:
        return all(v.superata for v in self.quorum)

    def as_dict(self) -> dict:
        dati = asdict(self)
        dati["quorum_raggiunto"] = self.quorum_raggiunto
        return in_json(dati)


def calcola(
    regola: RegolaVoto,
    *,
    pesi: dict[int, int],
    presenti: set[int],
    voti: dict[int, str],
    convocazione: str = Seduta.Convocazione.PRIMA,
) -> Risultato:
    """pesi: comune → population for every comune entitled to vote; presenti: the comuni present
    when the vote closes; voti: comune → choice (the last one cast)."""
    from .models import Votazione

    per_scelta = {s: {c for c, v in voti.items() if v == s and c in pesi} for s in Scelta.values}
    contati = set(presenti) | set(voti)
    if not regola.astenuti_nel_quorum:
        contati -= per_scelta[Scelta.ASTENUTO]
    r = Risultato(
        aventi_diritto=somma(pesi, pesi),
        presenti=somma(pesi, contati),
        favorevoli=somma(pesi, per_scelta[Scelta.FAVOREVOLE]),
        contrari=somma(pesi, per_scelta[Scelta.CONTRARIO]),
        astenuti=somma(pesi, per_scelta[Scelta.ASTENUTO]),
    )
    r.quorum = verifica_quorum(regola, convocazione, r.presenti, r.aventi_diritto)
    if not r.quorum_raggiunto:
        r.esito = Votazione.Esito.NON_VALIDA.value
        r.spiegazione = _("Quorum non raggiunto: la votazione non è valida.")
        return _senza_voto(r, presenti, voti, pesi)
    votanti = r.favorevoli + r.contrari
    # The model refuses abstainers among the votes cast who do not count as present.
    if regola.astenuti_tra_i_votanti:
        votanti = votanti + r.astenuti
    base = {
        RegolaVoto.Base.PRESENTI: r.presenti,
        RegolaVoto.Base.AVENTI_DIRITTO: r.aventi_diritto,
    }.get(regola.base, votanti)
    for m in misure(regola.misura_maggioranza):
        r.maggioranza.append(_maggioranza(regola, m, r, base))
    if regola.minimo_comuni_favorevoli:
        r.maggioranza.append(
            Verifica(
                _("Numero minimo di comuni favorevoli"),
                _("almeno %(n)s comuni") % {"n": regola.minimo_comuni_favorevoli},
                r.favorevoli.teste,
                r.favorevoli.teste >= regola.minimo_comuni_favorevoli,
            )
        )
    approvata = all(v.superata for v in r.maggioranza)
    r.esito = (Votazione.Esito.APPROVATA if approvata else Votazione.Esito.RESPINTA).value
    mancate = [v.descrizione for v in r.maggioranza if not v.superata]
    r.spiegazione = (
        _("Quorum raggiunto e maggioranza richiesta ottenuta: la proposta è approvata.")
        if approvata
        else _("Quorum raggiunto, ma la proposta è respinta: manca %(m)s.")
        % {"m": "; ".join(mancate).lower()}
    )
    return _senza_voto(r, presenti, voti, pesi)


# Majority → (its name, the threshold in words, whether favourable x of base b pass), exact.
_SOGLIE = {
    RegolaVoto.Maggioranza.ASSOLUTA: (
        _lazy("Maggioranza assoluta"),
        _lazy("più della metà di %(b)s (%(base)s)"),
        lambda x, b: 2 * x > b,
    ),
    RegolaVoto.Maggioranza.DUE_TERZI: (
        _lazy("Maggioranza dei due terzi"),
        _lazy("almeno i due terzi di %(b)s (%(base)s)"),
        lambda x, b: 3 * x >= 2 * b,
    ),
    RegolaVoto.Maggioranza.TRE_QUINTI: (
        _lazy("Maggioranza dei tre quinti"),
        _lazy("almeno i tre quinti di %(b)s (%(base)s)"),
        lambda x, b: 5 * x >= 3 * b,
    ),
}


def _maggioranza(regola, misura, r: Risultato, base: Conteggio) -> Verifica:
    nome = _nome_misura(misura, regola)
    favorevoli = r.favorevoli.di(misura)
    if regola.maggioranza == RegolaVoto.Maggioranza.SEMPLICE:
        return Verifica(
            _("Maggioranza semplice in %(m)s") % {"m": nome},
            _("più favorevoli che contrari (%(c)s contrari)") % {"c": cifra(r.contrari.di(misura))},
            favorevoli,
            favorevoli > r.contrari.di(misura),
        )
    titolo, soglia, passa = _SOGLIE[regola.maggioranza]
    return Verifica(
        _("%(titolo)s in %(m)s") % {"titolo": titolo, "m": nome},
        soglia % {"b": cifra(base.di(misura)), "base": RegolaVoto.Base(regola.base).label.lower()},
        favorevoli,
        passa(favorevoli, base.di(misura)),
    )


def _senza_voto(r: Risultato, presenti, voti, pesi) -> Risultato:
    """The explanation says how many comuni were present and did not vote."""
    n = len({c for c in presenti if c in pesi} - set(voti))
    if n:
        r.spiegazione += " " + ngettext(
            "%(n)d comune presente non ha votato.", "%(n)d comuni presenti non hanno votato.", n
        ) % {"n": n}
    return r
