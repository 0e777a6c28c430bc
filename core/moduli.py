"""What the forms and views of every app share: the HTML5 date and time widgets, the crispy
helper of a form drawn inside the template's own <form>, a posted id read safely, line endings
made one, and the empty choice of a select in words ("Scegli…", not "---------")."""

from functools import lru_cache

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from crispy_forms.utils import render_crispy_form
from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """The browser's date picker; it reads and writes ISO dates only."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    """The browser's date and time picker (local time, no seconds)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def form_helper(*layout) -> FormHelper:
    """A crispy helper that draws the fields only: the template writes the <form> and its CSRF
    token, so that one page can hold several forms or extra buttons."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout:
        helper.layout = Layout(*layout)
    return helper


def campi_vuoti(fabbrica, *argomenti, dipende_da=()):
    """The crispy fields of the unbound form `fabbrica(*argomenti)`, drawn once per process.

    A page that offers the same empty forms on every request (the outcomes of a meeting, an
    attachment, a new member) drew them with crispy each time, the larger part of its CPU
    (issue 16). `fabbrica` must build the same form from the same arguments (which may carry
    the initial values, as the evaluation page's do); what else its fields show (the choices of
    a select) goes in `dipende_da` or in the arguments, so that a change draws it anew. A bound
    form, with its errors, is drawn by the template as usual.
    """
    return _campi_vuoti(fabbrica, argomenti, dipende_da, get_language())


# Some thousand forms at most in a process (an ambito's objectives for each ambito served):
# a few megabytes.
@lru_cache(maxsize=2048)
def _campi_vuoti(fabbrica, argomenti, _dipende_da, _lingua):
    return render_crispy_form(fabbrica(*argomenti))


def intero_o_none(valore) -> int | None:
    """A posted or queried id, or None when it is missing or not a number, so that a hand-edited
    request gets an empty result or a 404 rather than a database error."""
    try:
        return int(valore)
    except (TypeError, ValueError):
        return None


def a_capo_unix(testo: str) -> str:
    """The text with every line ending as "\\n": a browser sends a <textarea> with "\\r\\n",
    while the same text read by a script (and so the autosaved draft) has "\\n"."""
    return testo.replace("\r\n", "\n").replace("\r", "\n")


# --- The empty choice of a select -----------------------------------------------------------------

# Django's and django-filter's label for "no choice": a row of dashes nobody reads aloud.
TRATTINI = BLANK_CHOICE_DASH[0][1]
SCEGLI = _("Scegli…")
NESSUNO = _("— nessuno —")
QUALSIASI = _("Qualsiasi")


def etichette_vuote(form, *, obbligatorio=SCEGLI, facoltativo=NESSUNO) -> None:
    """Give every select of `form` a meaningful empty choice instead of "---------": "Scegli…"
    where a choice is required, "— nessuno —" where none is a valid answer. A label the form
    chose itself is kept."""
    for campo in form.fields.values():
        etichetta = obbligatorio if campo.required else facoltativo
        if getattr(campo, "empty_label", None) == TRATTINI:
            # ModelChoiceField, and django-filter's choice fields, which add it themselves.
            campo.empty_label = etichetta
            if not isinstance(campo, forms.ModelChoiceField):
                # django-filter's ChoiceField: the form's widget still iterates the class-level
                # field (a widget copies its choices shallowly); bind it to this one. A model
                # field's widget is bound again whenever its queryset is set.
                campo.widget.choices = campo.choices
        elif isinstance(campo, forms.ChoiceField) and not isinstance(campo, forms.ModelChoiceField):
            scelte = list(campo.choices)
            if scelte and scelte[0][0] in ("", None) and scelte[0][1] == TRATTINI:
                campo.choices = [("", etichetta), *scelte[1:]]
        scelte_widget = getattr(campo.widget, "choices", None)
        if isinstance(scelte_widget, list | tuple) and scelte_widget:
            valore, testo = scelte_widget[0]
            if valore == "" and testo == TRATTINI:
                campo.widget.choices = [("", etichetta), *scelte_widget[1:]]


# --- Selects drawn without a template per option -------------------------------------------------

SELECT = "django/forms/widgets/select.html"
OPZIONE = "django/forms/widgets/select_option.html"


def _attributi(attrs) -> str:
    """django/forms/widgets/attrs.html in Python: True as a bare name, False left out."""
    return "".join(
        f" {conditional_escape(nome)}"
        if valore is True
        else f' {conditional_escape(nome)}="{conditional_escape(valore)}"'
        for nome, valore in attrs.items()
        if valore is not False
    )


def _select(widget) -> str:
    """The markup of Django's select.html and select_option.html, with the same escaping."""
    parti = [f'<select name="{conditional_escape(widget["name"])}"{_attributi(widget["attrs"])}>']
    for gruppo, opzioni, _indice in widget["optgroups"]:
        if gruppo:
            parti.append(f'\n  <optgroup label="{conditional_escape(gruppo)}">')
        parti.extend(
            f'\n  <option value="{conditional_escape(opzione["value"])}"'
            # The newline that ends Django's select_option.html: the same markup, byte for byte.
            f"{_attributi(opzione['attrs'])}>{conditional_escape(opzione['label'])}</option>\n"
            for opzione in opzioni
        )
        if gruppo:
            parti.append("\n  </optgroup>")
    parti.append("\n</select>")
    return "".join(parti)


class RendererModuli(DjangoTemplates):
    """Django's form renderer, except that a select with Django's own templates is written in
    Python: the template includes one template per option, and a select of the register's 150
    enti or of an ambito's 250 comuni cost more than the rest of its page (issue 16). A widget
    with templates of its own is drawn by them, as before."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if template_name == SELECT and widget is not None and _opzioni_standard(widget):
            return _select(widget)
        return super().render(template_name, context, request)


def _opzioni_standard(widget) -> bool:
    return all(
        opzione["template_name"] == OPZIONE
        for _gruppo, opzioni, _indice in widget["optgroups"]
        for opzione in opzioni
    )


# One instance: its template engine is built once per process, as Django's default renderer's.
RENDERER = RendererModuli()


class EtichetteVuote:
    """Form mixin: the selects' empty choice in words (etichette_vuote) once the fields exist,
    and the selects drawn by RendererModuli."""

    default_renderer = RENDERER

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        etichette_vuote(self)


class FiltriConEtichette:
    """FilterSet mixin: a filter left empty means any value, and says so ("Qualsiasi")."""

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_etichette_vuote", False):
            etichette_vuote(form, obbligatorio=QUALSIASI, facoltativo=QUALSIASI)
            form.renderer = RENDERER
            form._etichette_vuote = True
        return form
