"""The comparison of two texts of a section as a reader sees them: word by word, paragraph by
paragraph, with what was added and what was removed.

Pure functions of two HTML strings (the sanitised texts of two revisions): no database, no
template. `confronta` reads the text of each block (paragraph, heading, list item, table cell),
compares the two sequences of words with the paragraph breaks between them, and returns the
blocks of the result, each a list of runs of words that are the same, added or removed. A block
removed whole, or added whole, is marked as such; the words of a changed block show where they
changed.
"""

import difflib
from dataclasses import dataclass, field
from html.parser import HTMLParser

UGUALE, AGGIUNTO, RIMOSSO = "uguale", "aggiunto", "rimosso"

PARAGRAFO, TITOLO, VOCE, CELLA, CITAZIONE = "paragrafo", "titolo", "voce", "cella", "citazione"
# Tags whose start or end closes the text gathered so far: it becomes a block.
_BLOCCHI = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "table"}
    | {"thead", "tbody", "tr", "td", "th", "div"}
)
_TITOLI = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


class _Lettore(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocchi: list[tuple[str, str]] = []
        self._aperti: list[str] = []
        self._testo: list[str] = []

    def _tipo(self):
        aperti = set(self._aperti)
        if aperti & _TITOLI:
            return TITOLO
        if aperti & {"td", "th"}:
            return CELLA
        if "li" in aperti:
            return VOCE
        if "blockquote" in aperti:
            return CITAZIONE
        return PARAGRAFO

    def _chiudi_blocco(self):
        testo = " ".join("".join(self._testo).split())
        if testo:
            self.blocchi.append((self._tipo(), testo))
        self._testo = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self._testo.append(" ")
        elif tag in _BLOCCHI:
            self._chiudi_blocco()
            self._aperti.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _BLOCCHI:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in _BLOCCHI:
            self._chiudi_blocco()
            # Close up to the innermost open tag of this name; a stray end tag changes nothing.
            if tag in self._aperti:
                while self._aperti and self._aperti.pop() != tag:
                    pass

    def handle_data(self, data):
        self._testo.append(data)


def blocchi(html: str) -> list[tuple[str, str]]:
    """The blocks of text of `html` in reading order: (kind, text with its spaces collapsed)."""
    lettore = _Lettore()
    lettore.feed(html or "")
    lettore.close()
    lettore._chiudi_blocco()
    return lettore.blocchi


@dataclass(frozen=True)
class _Capo:
    """The break before a block, compared like a word: two blocks match if their kind does."""

    tipo: str


@dataclass
class Segmento:
    stato: str  # UGUALE, AGGIUNTO or RIMOSSO
    testo: str


@dataclass
class Blocco:
    tipo: str
    stato: str = UGUALE  # AGGIUNTO or RIMOSSO when the whole block was added or removed
    segmenti: list[Segmento] = field(default_factory=list)

    def aggiungi(self, stato, parole):
        if not parole:
            return
        testo = " ".join(parole)
        if self.segmenti and self.segmenti[-1].stato == stato:
            self.segmenti[-1].testo += " " + testo
        else:
            self.segmenti.append(Segmento(stato, testo))


@dataclass
class Confronto:
    blocchi: list[Blocco]
    parole_aggiunte: int
    parole_rimosse: int

    @property
    def uguali(self):
        return not self.parole_aggiunte and not self.parole_rimosse


def _gettoni(html):
    gettoni = []
    for tipo, testo in blocchi(html):
        gettoni.append(_Capo(tipo))
        gettoni.extend(testo.split())
    return gettoni


def _testa_e_resto(gettoni):
    for indice, gettone in enumerate(gettoni):
        if isinstance(gettone, _Capo):
            return gettoni[:indice], gettoni[indice:]
    return gettoni, []


def confronta(prima: str, dopo: str) -> Confronto:
    """What changed from the HTML `prima` to the HTML `dopo`, word by word."""
    a, b = _gettoni(prima), _gettoni(dopo)
    risultato: list[Blocco] = []
    aggiunte = rimosse = 0

    def emetti(gettoni, stato):
        parole = []
        for gettone in gettoni:
            if isinstance(gettone, _Capo):
                if risultato:
                    risultato[-1].aggiungi(stato, parole)
                parole = []
                risultato.append(Blocco(tipo=gettone.tipo, stato=stato))
            else:
                parole.append(gettone)
        if parole:
            if not risultato:
                risultato.append(Blocco(tipo=PARAGRAFO))
            risultato[-1].aggiungi(stato, parole)
        return sum(not isinstance(g, _Capo) for g in gettoni)

    confronto = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for operazione, i1, i2, j1, j2 in confronto.get_opcodes():
        if operazione == "equal":
            emetti(b[j1:j2], UGUALE)
        else:
            # The words before the first break belong to the block being written, on both sides:
            # there the removed words and then the added ones; the blocks that follow, removed
            # and then added, after them.
            tolti, messi = _testa_e_resto(a[i1:i2]), _testa_e_resto(b[j1:j2])
            rimosse += emetti(tolti[0], RIMOSSO)
            aggiunte += emetti(messi[0], AGGIUNTO)
            rimosse += emetti(tolti[1], RIMOSSO)
            aggiunte += emetti(messi[1], AGGIUNTO)
    # A block marked added or removed that also holds words in the other state (a break moved
    # inside a changed paragraph) is a changed block, not a new or a gone one.
    for blocco in risultato:
        if blocco.stato != UGUALE and any(s.stato != blocco.stato for s in blocco.segmenti):
            blocco.stato = UGUALE
    risultato = [blocco for blocco in risultato if blocco.segmenti]
    return Confronto(blocchi=risultato, parole_aggiunte=aggiunte, parole_rimosse=rimosse)
