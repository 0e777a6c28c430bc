"""The approved plan's sections as a fragment of a public page, from the frozen version's HTML.

The frozen document (piani/assemblaggio.py) is the text the Assemblea voted: the page shows that
text, not a new rendering of today's data. It is a whole document for the typesetter (a cover, a
table of contents, an inline style sheet), so only its sections are taken, and cleaned again with
nh3 whatever wrote them: a strict page allows no inline style, and only structural tags survive.
The charts are dropped with their content: every chart of the plan sits next to the table or the
caption that says the same figures in words (piani/stampa/_blocco_*.html). Headings go one level
down, since the page's own title is the only h1.
"""

import re

import nh3

from piani.sanitizzazione import SCHEMI_AMMESSI, TAG_AMMESSI, TAG_CON_CONTENUTO_ESCLUSO

INIZIO_SEZIONI = re.compile(r'<section\b[^>]*class="sezione', re.IGNORECASE)
FINE_DOCUMENTO = re.compile(r"</body>", re.IGNORECASE)
TITOLO = re.compile(r"<(/?)h([1-5])\b", re.IGNORECASE)

# The sections' own rich text (piani.sanitizzazione) plus what the live blocks print around it.
TAG = TAG_AMMESSI | {
    "section",
    "h5",
    "h6",
    "dl",
    "dt",
    "dd",
    "abbr",
    "figure",
    "figcaption",
    "caption",
    "tfoot",
    "span",
    "div",
}
ATTRIBUTI = {
    "a": {"href"},
    "abbr": {"title"},
    "section": {"id", "aria-labelledby"},
    "h2": {"id"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
CON_CONTENUTO_ESCLUSO = TAG_CON_CONTENUTO_ESCLUSO | {"svg"}


def _scendi_di_livello(corrispondenza):
    return f"<{corrispondenza.group(1)}h{int(corrispondenza.group(2)) + 1}"


def sezioni_pubbliche(html: str) -> str:
    """The sections of a frozen plan, as safe HTML for a public page."""
    inizio = INIZIO_SEZIONI.search(html)
    if inizio is None:
        return ""
    fine = FINE_DOCUMENTO.search(html, inizio.start())
    corpo = html[inizio.start() : fine.start() if fine else len(html)]
    corpo = TITOLO.sub(_scendi_di_livello, corpo)
    return nh3.clean(
        corpo,
        tags=set(TAG),
        attributes={tag: set(nomi) for tag, nomi in ATTRIBUTI.items()},
        clean_content_tags=set(CON_CONTENUTO_ESCLUSO),
        url_schemes=set(SCHEMI_AMMESSI),
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"table": {"class": "table table-sm", "tabindex": "0"}},
    )
