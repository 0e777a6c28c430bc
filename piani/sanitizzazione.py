"""The rich text of the plan's sections, reduced to what a printed document needs.

Every text that reaches the plan goes through `pulisci`: when it is saved (piani/services.py) and
again when the document is assembled (piani/assemblaggio.py), so that a text written before a
change of these rules, or straight into the database, never reaches a page or the PDF unfiltered.
Only the tags below survive, with no attribute but a link's address and a table cell's span (a
whole number, as the editor's merged cells write it); scripts and styles go with their content,
every other tag goes and leaves its text. Images are not allowed: in the PDF they
would be fetched from wherever their address points.
"""

import nh3

TAG_AMMESSI = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "u",
        "ul",
        "ol",
        "li",
        "h2",
        "h3",
        "h4",
        "blockquote",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ATTRIBUTI_AMMESSI = {"a": {"href"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
# A cell spans at most this many rows or columns: more is no table a plan prints.
CAMPATA_MASSIMA = 100
SCHEMI_AMMESSI = frozenset({"http", "https", "mailto"})
# Removed together with what they contain: their content is code or markup, never prose.
TAG_CON_CONTENUTO_ESCLUSO = frozenset(
    {"script", "style", "template", "noscript", "iframe", "object", "textarea", "select"}
)


def _filtra_attributo(tag, attributo, valore):
    # A span is a whole number from 2 up; 1 is what a cell does anyway, and is left out so that
    # the editor's colspan="1" on every cell does not fill the stored text.
    if attributo in ("colspan", "rowspan"):
        valore = valore.strip()
        if not valore.isdigit() or not 1 < int(valore) <= CAMPATA_MASSIMA:
            return None
        return str(int(valore))
    # nh3 keeps a title on any tag; an empty one (the editor's link dialog leaves it so) says
    # nothing.
    if attributo == "title" and not valore.strip():
        return None
    # nh3 checks the scheme of absolute addresses only: a relative one ("/admin", "x.png",
    # "#nota") would point into the portal or, in the PDF, to a local file. Both go.
    if tag == "a" and attributo == "href":
        schema, separatore, _resto = valore.strip().partition(":")
        if not separatore or schema.lower() not in SCHEMI_AMMESSI:
            return None
    return valore


def _pulisci_una_volta(html):
    return nh3.clean(
        html,
        tags=set(TAG_AMMESSI),
        clean_content_tags=set(TAG_CON_CONTENUTO_ESCLUSO),
        attributes={tag: set(nomi) for tag, nomi in ATTRIBUTI_AMMESSI.items()},
        attribute_filter=_filtra_attributo,
        url_schemes=set(SCHEMI_AMMESSI),
        link_rel=None,
        strip_comments=True,
    ).strip()


def pulisci(html: str) -> str:
    """The allowed subset of `html`; idempotent, so a saved text is stable across saves."""
    if not html:
        return ""
    # Removing a tag can leave its text where HTML does not allow text (a <caption>'s inside a
    # <table>): parsed again, the text moves before the table. A second pass reaches the form
    # that no further pass changes, so that saving a text twice never makes a new revision.
    pulito = _pulisci_una_volta(html)
    for _tentativo in range(2):
        di_nuovo = _pulisci_una_volta(pulito)
        if di_nuovo == pulito:
            break
        pulito = di_nuovo
    return pulito
