"""A rule version in plain Italian, said once.

The rules page, the vote page and the minutes quote these sentences, so a sindaco reads the same
words before voting that the minutes record afterwards (RegolaVoto.descrizione()).
"""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.templatetags.pdz_formati import numero

from .models import RegolaVoto

Misura = RegolaVoto.Misura
Maggioranza = RegolaVoto.Maggioranza


def _peso(regola) -> str:
    if regola.a_quote:
        totale = sum(q.quota for q in regola.quote.all())
        return _(
            "Voto ponderato sulle quote dell'Accordo di Programma: ogni comune pesa quanto la sua "
            "quota (totale delle quote: %(t)s)."
        ) % {"t": numero(totale)}
    if regola.ponderato:
        fonte = regola.fonte_popolazione or _("popolazione residente registrata nel portale")
        if regola.data_popolazione:
            fonte = _("%(fonte)s al %(data)s") % {
                "fonte": fonte,
                "data": date_format(regola.data_popolazione, "SHORT_DATE_FORMAT"),
            }
        return _(
            "Voto ponderato: ogni comune pesa quanto la sua popolazione residente (%(fonte)s)."
        ) % {"fonte": fonte}
    return _("Un voto per comune, qualunque sia la sua popolazione.")


def _quorum(regola) -> list[str]:
    if regola.quorum == Misura.NESSUNA:
        return [_("Non è richiesto un quorum costitutivo.")]
    peso = _("delle quote") if regola.a_quote else _("degli abitanti")
    chi = {
        Misura.TESTE: _("più della metà dei comuni"),
        Misura.POPOLAZIONE: _("comuni che rappresentano più della metà %(p)s") % {"p": peso},
        Misura.ENTRAMBE: _(
            "più della metà dei comuni, che rappresentino anche più della metà %(p)s"
        )
        % {"p": peso},
    }[regola.quorum]
    seconda = {
        RegolaVoto.QuorumSeconda.UN_TERZO: _(
            "In seconda convocazione basta la presenza di almeno un terzo."
        ),
        RegolaVoto.QuorumSeconda.NESSUNO: _(
            "In seconda convocazione non è richiesto alcun quorum."
        ),
    }.get(regola.quorum_seconda, _("In seconda convocazione vale lo stesso quorum."))
    return [
        _("Quorum costitutivo: la votazione è valida se sono presenti %(chi)s.") % {"chi": chi},
        seconda,
    ]


def _maggioranza(regola) -> str:
    peso = _("le quote") if regola.a_quote else _("gli abitanti rappresentati")
    misura = {
        Misura.TESTE: _("contando i comuni"),
        Misura.POPOLAZIONE: _("contando %(p)s") % {"p": peso},
        Misura.ENTRAMBE: _("sia contando i comuni sia contando %(p)s") % {"p": peso},
    }[regola.misura_maggioranza]
    if regola.maggioranza == Maggioranza.SEMPLICE:
        return _(
            "Maggioranza semplice: la proposta è approvata se i favorevoli superano i contrari, "
            "%(m)s."
        ) % {"m": misura}
    base = {
        RegolaVoto.Base.PRESENTI: _("dei presenti"),
        RegolaVoto.Base.AVENTI_DIRITTO: _("di tutti i comuni aventi diritto, presenti o no"),
    }.get(regola.base, _("dei voti espressi"))
    testo = {
        Maggioranza.ASSOLUTA: _(
            "Maggioranza assoluta: la proposta è approvata se i favorevoli sono più della metà "
            "%(base)s, %(m)s; la metà esatta non basta."
        ),
        Maggioranza.DUE_TERZI: _(
            "Maggioranza dei due terzi: la proposta è approvata se i favorevoli sono almeno i due "
            "terzi %(base)s, %(m)s; i due terzi esatti bastano."
        ),
        Maggioranza.TRE_QUINTI: _(
            "Maggioranza dei tre quinti: la proposta è approvata se i favorevoli sono almeno i tre "
            "quinti %(base)s, %(m)s; i tre quinti esatti bastano."
        ),
    }[regola.maggioranza]
    return testo % {"base": base, "m": misura}


def _astenuti(regola) -> str:
    if not regola.astenuti_nel_quorum:
        return _("Chi si astiene non conta né per il quorum né per la base della maggioranza.")
    if regola.astenuti_tra_i_votanti:
        return _("Chi si astiene conta come presente e nel numero dei voti espressi.")
    return _(
        "Chi si astiene conta come presente per il quorum, ma non nel numero dei voti espressi."
    )


def descrivi(regola: RegolaVoto) -> list[str]:
    frasi = [_peso(regola), *_quorum(regola), _maggioranza(regola)]
    if regola.minimo_comuni_favorevoli:
        frasi.append(
            _(
                "Servono inoltre almeno %(n)s comuni favorevoli, perché i comuni più popolosi non "
                "decidano da soli."
            )
            % {"n": regola.minimo_comuni_favorevoli}
        )
    frasi.append(_astenuti(regola))
    if regola.segreto:
        frasi.append(
            _(
                "Scrutinio segreto: il voto dei singoli comuni non è mai mostrato e durante la "
                "votazione non si vedono risultati parziali; alla chiusura si pubblicano solo i "
                "totali."
            )
        )
    else:
        frasi.append(
            _(
                "Scrutinio palese: il voto di ogni comune è pubblico, e i totali parziali si vedono "
                "mentre si vota."
            )
        )
    return frasi
