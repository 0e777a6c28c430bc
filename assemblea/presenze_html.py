"""The rows of the secretary's presence form and of the register, written in Python.

One row per comune of the ambito, each with a checkbox, a select and a text field: for an ambito of
250 comuni the template resolved some twelve thousand variables per request, most of the page's
CPU under load (issue 16). The markup is the one templates/assemblea/presenze.html wrote, and the
texts go through the same translations.
"""

from django.template.defaultfilters import time
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from core.templatetags.pdz_formati import numero


def _errori(campo, id_campo) -> tuple[str, str, str]:
    """(the extra class, the ARIA attributes, the messages) of a field with errors."""
    if not campo.errors:
        return "", "", ""
    messaggi = "".join(
        f'<div class="invalid-feedback d-block" id="{id_campo}-errore">{escape(e)}</div>'
        for e in campo.errors
    )
    return " is-invalid", f' aria-invalid="true" aria-describedby="{id_campo}-errore"', messaggi


def _qualita(campo) -> str:
    id_campo = escape(campo.id_for_label)
    classe, aria, messaggi = _errori(campo, id_campo)
    valore = campo.value()
    opzioni = "".join(
        f'<option value="{escape(v)}"'
        f"{' selected' if valore == v or (not valore and n == 0) else ''}>{escape(e)}</option>"
        for n, (v, e) in enumerate(campo.field.choices)
    )
    return (
        f'<td><label class="visually-hidden" for="{id_campo}">{escape(campo.label)}</label>\n'
        f'<select name="{escape(campo.html_name)}" id="{id_campo}" '
        f'class="form-select form-select-sm{classe}"{aria}>{opzioni}</select>{messaggi}</td>'
    )


def _persona(campo) -> str:
    id_campo = escape(campo.id_for_label)
    classe, aria, messaggi = _errori(campo, id_campo)
    valore = campo.value() or ""
    return (
        f'<td><label class="visually-hidden" for="{id_campo}">{escape(campo.label)}</label>\n'
        f'<input type="text" name="{escape(campo.html_name)}" id="{id_campo}" '
        f'value="{escape(valore)}" maxlength="150" '
        f'class="form-control form-control-sm{classe}"{aria}>{messaggi}</td>'
    )


def righe_modulo(form) -> SafeString:
    """The <tr> of every comune of PresenzeForm `form`, bound or not."""
    gia_presente = escape(_("già presente"))
    nessun_sindaco = escape(_("nessun sindaco registrato"))
    in_sala, delega = _("%(c)s presente in sala"), _("delega: %(d)s")
    righe = []
    for riga in form.righe:
        pk, nome = riga["comune"].pk, escape(riga["comune"].nome)
        sindaco = (
            escape(riga["sindaco"])
            if riga["sindaco"]
            else f'<span class="text-muted">{nessun_sindaco}</span>'
        )
        badge = f' <span class="badge bg-success">{gia_presente}</span>' if riga["presente"] else ""
        if riga["delegato"]:
            sindaco += "<br>" + escape(delega % {"d": riga["delegato"]})
        righe.append(
            f'<tr data-testid="riga-modulo-presenza" data-comune="{nome}">'
            '<td><div class="form-check m-0"><input class="form-check-input" type="checkbox" '
            f'name="comuni" value="{pk}" id="presente-{pk}"'
            f"{' checked' if riga['spuntato'] else ''}>"
            f'<label class="form-check-label" for="presente-{pk}">'
            f'<span class="visually-hidden">{escape(in_sala % {"c": riga["comune"].nome})}</span>'
            "</label></div></td>"
            f'<th scope="row"><label for="presente-{pk}">{nome}</label>'
            f'{badge}</th><td class="small">{sindaco}</td>'
            f"{_qualita(riga['qualita'])}{_persona(riga['persona'])}</tr>\n"
        )
    return mark_safe("".join(righe))  # noqa: S308 - every value above is escaped


def righe_registro(righe, *, modificabile, csrf_token) -> SafeString:
    """The <tr> of every comune of the register (views_presenze.contesto_registro's rows): the
    fragment every open page polls every few seconds during a session."""
    presente, uscito = escape(_("presente")), escape(_("uscito"))
    assente, uscita = escape(_("assente")), escape(_("uscita"))
    formato_ora = "TIME_FORMAT"
    etichetta_uscita = _('Uscita<span class="visually-hidden"> di %(c)s</span>')
    csrf = (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
        if modificabile
        else ""
    )
    parti = []
    for riga in righe:
        comune, presenza = riga["comune"], riga["presenza"]
        nome = escape(comune.nome)
        if riga["presente"]:
            stato = f'<span class="badge bg-success">{presente}</span>'
        elif presenza:
            stato = f'<span class="badge bg-secondary">{uscito}</span>'
        else:
            stato = f'<span class="text-muted">{assente}</span>'
        chi = come = quando = ""
        if presenza:
            chi = (
                f'{escape(presenza.persona)} <span class="small text-muted">'
                f"({escape(riga['qualita'])})</span>"
            )
            come = escape(riga["via"])
            quando = escape(time(localtime(presenza.entrata_il), formato_ora))
            if presenza.uscita_il:
                quando += f" – {uscita} " + escape(time(localtime(presenza.uscita_il), formato_ora))
        azione = ""
        if modificabile:
            if riga["presente"]:
                indirizzo = escape(riga["url_uscita"])
                etichetta = etichetta_uscita % {"c": nome}
                azione = (
                    f'<form method="post" action="{indirizzo}" hx-post="{indirizzo}" '
                    f'hx-target="#registro" hx-swap="outerHTML">{csrf}'
                    f'<button type="submit" class="btn btn-outline-secondary btn-sm" '
                    f'id="uscita-{comune.pk}">{etichetta}</button></form>'
                )
            azione = f"<td>{azione}</td>"
        parti.append(
            f'<tr data-testid="riga-presenza" data-comune="{nome}" '
            f'data-presente="{"si" if riga["presente"] else "no"}">'
            f'<th scope="row">{nome}</th><td class="numero">{numero(riga["popolazione"])}</td>'
            f"<td>{stato}</td><td>{chi}</td><td>{come}</td><td>{quando}</td>{azione}</tr>\n"
        )
    return mark_safe("".join(parti))  # noqa: S308 - every value above is escaped
