"""The comparison of two texts of a section as a reader sees them: word by word, paragraph by
paragraph, with what was added and what was removed.

Pure functions of two HTML strings (the sanitised texts of two revisions): no database, no
template. `confronta` reads the text of each block (paragraph, heading, list item, table cell),
compares the two sequences of blocks, then the words of each block that was rewritten, and
returns the blocks of the result, each a list of runs of words that are the same, added or
removed. A block removed whole, or added whole, is marked as such.
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


# Two blocks of a changed stretch are the same block rewritten when at least this share of
# their words match; otherwise one was removed and the other added.
SOMIGLIANZA_MINIMA = 0.4


def _parole(testo):
    return testo.split()


def _blocco_cambiato(tipo, prima, dopo):
    blocco = Blocco(tipo=tipo)
    a, b = _parole(prima), _parole(dopo)
    aggiunte = rimosse = 0
    for operazione, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, a, b, autojunk=False
    ).get_opcodes():
        if operazione == "equal":
            blocco.aggiungi(UGUALE, b[j1:j2])
            continue
        blocco.aggiungi(RIMOSSO, a[i1:i2])
        blocco.aggiungi(AGGIUNTO, b[j1:j2])
        rimosse += i2 - i1
        aggiunte += j2 - j1
    return blocco, aggiunte, rimosse


def _intero(tipo, testo, stato):
    blocco = Blocco(tipo=tipo, stato=stato)
    blocco.aggiungi(stato, _parole(testo))
    return blocco


def _somiglianza(prima, dopo):
    return difflib.SequenceMatcher(None, _parole(prima), _parole(dopo), autojunk=False).ratio()


def confronta(prima: str, dopo: str) -> Confronto:
    """What changed from the HTML `prima` to the HTML `dopo`: first block by block, then, in a
    block that was rewritten, word by word."""
    a, b = blocchi(prima), blocchi(dopo)
    risultato: list[Blocco] = []
    conto = {AGGIUNTO: 0, RIMOSSO: 0}

    def intero(tipo, testo, stato):
        risultato.append(_intero(tipo, testo, stato))
        conto[stato] += len(_parole(testo))

    confronto = difflib.SequenceMatcher(
        None, [t for _k, t in a], [t for _k, t in b], autojunk=False
    )
    for operazione, i1, i2, j1, j2 in confronto.get_opcodes():
        if operazione == "equal":
            risultato.extend(_intero(tipo, testo, UGUALE) for tipo, testo in b[j1:j2])
            continue
        # Each old block of the stretch finds, in order, the new block most like it: those
        # are rewrites; the new blocks it skips were added, an old block with none was removed.
        nuovi, j = b[j1:j2], 0
        for tipo_prima, testo_prima in a[i1:i2]:
            candidati = [
                (_somiglianza(testo_prima, testo), k) for k, (_t, testo) in enumerate(nuovi)
            ][j:]
            migliore = max(candidati, default=(0, None))
            if migliore[0] < SOMIGLIANZA_MINIMA:
                intero(tipo_prima, testo_prima, RIMOSSO)
                continue
            k = migliore[1]
            for tipo, testo in nuovi[j:k]:
                intero(tipo, testo, AGGIUNTO)
            blocco, aggiunte, rimosse = _blocco_cambiato(nuovi[k][0], testo_prima, nuovi[k][1])
            risultato.append(blocco)
            conto[AGGIUNTO] += aggiunte
            conto[RIMOSSO] += rimosse
            j = k + 1
        for tipo, testo in nuovi[j:]:
            intero(tipo, testo, AGGIUNTO)
    return Confronto(
        blocchi=risultato, parole_aggiunte=conto[AGGIUNTO], parole_rimosse=conto[RIMOSSO]
    )
