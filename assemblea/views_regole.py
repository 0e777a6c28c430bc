"""The voting rules of the ambito: the current version, the history, a new version.

The Ufficio di Piano writes them; the sindaci and delegati of the ambito read them (they vote under
them); nobody else learns they exist.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import check_access
from ambiti.permissions import get_ambito_for_reader

from . import services
from .forms import RegolaForm
from .models import RegolaVoto
from .permissions import can_manage_sedute, can_view_sedute

Misura = RegolaVoto.Misura


def ambito_lettore(request, slug):
    ambito = get_ambito_for_reader(request.user, slug)
    check_access(can_view=can_view_sedute(request.user, ambito))
    return ambito


def ambito_gestore(request, slug):
    ambito = ambito_lettore(request, slug)
    check_access(can_act=can_manage_sedute(request.user, ambito))
    return ambito


def _misura(misura) -> str:
    return {
        Misura.TESTE: _("per teste (numero dei comuni)"),
        Misura.POPOLAZIONE: _("per popolazione (abitanti rappresentati)"),
        Misura.ENTRAMBE: _("per teste e per popolazione"),
    }.get(misura, "")


def riassunto(regola: RegolaVoto) -> list[tuple[str, str]]:
    """The rules in words, as a regolamento would state them."""
    if regola.ponderato:
        fonte = regola.fonte_popolazione or _("la popolazione registrata nel portale")
        if regola.data_popolazione:
            quando = _("al %(d)s") % {
                "d": date_format(regola.data_popolazione, "SHORT_DATE_FORMAT")
            }
        else:
            quando = _("più recente")
        peso = _("Ogni comune pesa quanto i suoi residenti (%(fonte)s, %(quando)s).") % {
            "fonte": fonte,
            "quando": quando,
        }
    else:
        peso = _("Un voto per comune, qualunque sia la sua popolazione.")

    if regola.quorum == Misura.NESSUNA:
        quorum = _("Nessun quorum costitutivo.")
    else:
        quorum = _("Presenti più della metà degli aventi diritto, %(m)s.") % {
            "m": _misura(regola.quorum)
        }
        seconda = {
            RegolaVoto.QuorumSeconda.UGUALE: _("In seconda convocazione lo stesso quorum."),
            RegolaVoto.QuorumSeconda.UN_TERZO: _(
                "In seconda convocazione basta almeno un terzo degli aventi diritto."
            ),
            RegolaVoto.QuorumSeconda.NESSUNO: _("In seconda convocazione nessun quorum."),
        }[regola.quorum_seconda]
        quorum = f"{quorum} {seconda}"

    base = _("dei voti espressi") if regola.base == RegolaVoto.Base.VOTANTI else _("dei presenti")
    if regola.maggioranza == RegolaVoto.Maggioranza.SEMPLICE:
        maggioranza = _("Semplice: più favorevoli che contrari, %(m)s.") % {
            "m": _misura(regola.misura_maggioranza)
        }
    else:
        maggioranza = _("Assoluta: favorevoli più della metà %(base)s, %(m)s.") % {
            "base": base,
            "m": _misura(regola.misura_maggioranza),
        }
    if regola.minimo_comuni_favorevoli:
        maggioranza += " " + _("Inoltre almeno %(n)d comuni favorevoli.") % {
            "n": regola.minimo_comuni_favorevoli
        }

    astenuti = (
        _("Gli astenuti contano come presenti.")
        if regola.astenuti_presenti
        else _("Gli astenuti non contano né per il quorum né per la base della maggioranza.")
    )
    righe = [
        (_("Peso del voto"), peso),
        (_("Quorum costitutivo"), quorum),
        (_("Maggioranza per approvare"), maggioranza),
        (_("Astensioni"), astenuti),
        (_("Scrutinio"), regola.get_scrutinio_display()),
    ]
    if regola.note:
        righe.append((_("Riferimento al regolamento"), regola.note))
    return righe


@require_GET
def regole(request, slug):
    ambito = ambito_lettore(request, slug)
    versioni = list(RegolaVoto.objects.filter(ambito=ambito).select_related("creata_da"))
    for regola in versioni:
        regola.riassunto = riassunto(regola)
    return render(
        request,
        "assemblea/regole.html",
        {
            "ambito": ambito,
            "corrente": versioni[0] if versioni else None,
            "precedenti": versioni[1:],
            "puo_gestire": can_manage_sedute(request.user, ambito),
        },
    )


@require_http_methods(["GET", "POST"])
def regola_nuova(request, slug):
    ambito = ambito_gestore(request, slug)
    corrente = services.regola_corrente(ambito)
    if request.method == "POST":
        form = RegolaForm(request.POST, ambito=ambito, corrente=corrente)
        if form.is_valid():
            regola = services.nuova_regola(form.save(commit=False), utente=request.user)
            messages.success(
                request,
                _(
                    "Regole di voto salvate come versione %(n)d. Le votazioni già aperte restano "
                    "con le regole con cui sono state aperte."
                )
                % {"n": regola.versione},
            )
            return redirect("assemblea:regole", slug=ambito.slug)
    else:
        form = RegolaForm(ambito=ambito, corrente=corrente)
    return render(
        request,
        "assemblea/regola_form.html",
        {"ambito": ambito, "form": form, "corrente": corrente},
    )
