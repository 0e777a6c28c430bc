"""The form of a plan's section: its rich text written in an editor (django-prose-editor).

The editor is a convenience for the person writing: what it lets her make (headings, bold and
italic, lists, tables, links) is what `piani.sanitizzazione` keeps, and the server cleans every
text again whatever the browser sent, editor or not.
"""

from django import forms
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import ProseEditorWidget

from .sanitizzazione import pulisci

# What the toolbar offers (Tiptap's extensions, by the names django-prose-editor gives them).
# Pasted text keeps only what these know: other marks, styles and tags leave their text alone.
ESTENSIONI = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "HardBreak": True,
    "Blockquote": True,
    # The package's own "edit HTML" and invisible-character helpers are left out: staff write
    # text, not markup.
    "History": True,
    # The browser's spelling checker stays on: the package turns it off by default.
    "NoSpellCheck": False,
    "Menu": {
        "groups": [
            {"group": "blockType -lists"},
            {"group": "lists"},
            {"group": "marks"},
            {"group": "link"},
            {"group": "nodes -blockType -lists"},
            {"group": "table"},
            {"group": "history"},
        ]
    },
}


class EditorTesto(ProseEditorWidget):
    """The textarea the editor replaces; without JavaScript it stays a plain textarea.

    The package's own media would add an inline import map, which the Content-Security-Policy
    forbids: `static/js/editor-sezioni.js` loads the editor's module by its address instead.
    """

    @property
    def media(self):
        return forms.Media(
            css={
                "all": [
                    "django_prose_editor/material-icons.css",
                    "django_prose_editor/editor.css",
                    "css/editor-sezioni.css",
                ]
            },
            js=[forms.Script("js/editor-sezioni.js", type="module")],
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-editor-modulo"] = static("django_prose_editor/editor.js")
        return context


class SezioneForm(forms.Form):
    titolo = forms.CharField(label=gettext_lazy("Titolo"), max_length=200)
    testo = ProseEditorFormField(
        label=gettext_lazy("Testo"),
        required=False,
        extensions=ESTENSIONI,
        sanitize=pulisci,
        widget=EditorTesto(attrs={"rows": 18}),
        help_text=gettext_lazy(
            "Titoli, grassetto, corsivo, elenchi, tabelle e collegamenti; il resto viene rimosso, "
            "anche da un testo incollato."
        ),
    )
    versione = forms.IntegerField(widget=forms.HiddenInput)


class ScadenzaRevisioneForm(forms.Form):
    """By when the reviewers should comment, set where the Ufficio di Piano opens the review
    (and changed while it lasts): they are reminded before and on the day."""

    scadenza_revisione = forms.DateField(
        label=gettext_lazy("Scadenza della revisione"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Indica una data valida.")},
    )

    def clean_scadenza_revisione(self):
        scadenza = self.cleaned_data["scadenza_revisione"]
        if scadenza and scadenza < timezone.localdate():
            raise forms.ValidationError(gettext_lazy("La scadenza non può essere già passata."))
        return scadenza
