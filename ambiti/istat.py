"""What the ISTAT code of a comune says by itself: its province, and its name as people write it.

A comune's six-digit code starts with the three digits of its province (019036 Cremona: 019, the
province of Cremona). ANPR's open data name every comune in upper case (CASALETTO DI SOPRA); the
portal writes names as the comuni do (Casaletto di Sopra): articles and prepositions in lower
case inside a name, everything else capitalised, apostrophes and hyphens kept.
"""

import re

# ISTAT province codes (the three-digit "codice storico" that prefixes every comune's code) and
# the provinces' abbreviations. A code missing here (a province created after this table) is
# refused by name, so that a comune never gets a wrong abbreviation.
SIGLE_PROVINCE = {
    "001": "TO", "002": "VC", "003": "NO", "004": "CN", "005": "AT", "006": "AL", "007": "AO",
    "008": "IM", "009": "SV", "010": "GE", "011": "SP", "012": "VA", "013": "CO", "014": "SO",
    "015": "MI", "016": "BG", "017": "BS", "018": "PV", "019": "CR", "020": "MN", "021": "BZ",
    "022": "TN", "023": "VR", "024": "VI", "025": "BL", "026": "TV", "027": "VE", "028": "PD",
    "029": "RO", "030": "UD", "031": "GO", "032": "TS", "033": "PC", "034": "PR", "035": "RE",
    "036": "MO", "037": "BO", "038": "FE", "039": "RA", "040": "FC", "041": "PU", "042": "AN",
    "043": "MC", "044": "AP", "045": "MS", "046": "LU", "047": "PT", "048": "FI", "049": "LI",
    "050": "PI", "051": "AR", "052": "SI", "053": "GR", "054": "PG", "055": "TR", "056": "VT",
    "057": "RI", "058": "RM", "059": "LT", "060": "FR", "061": "CE", "062": "BN", "063": "NA",
    "064": "AV", "065": "SA", "066": "AQ", "067": "TE", "068": "PE", "069": "CH", "070": "CB",
    "071": "FG", "072": "BA", "073": "TA", "074": "BR", "075": "LE", "076": "PZ", "077": "MT",
    "078": "CS", "079": "CZ", "080": "RC", "081": "TP", "082": "PA", "083": "ME", "084": "AG",
    "085": "CL", "086": "EN", "087": "CT", "088": "RG", "089": "SR", "090": "SS", "091": "NU",
    "092": "CA", "093": "PN", "094": "IS", "095": "OR", "096": "BI", "097": "LC", "098": "LO",
    "099": "RN", "100": "PO", "101": "KR", "102": "VV", "103": "VB", "108": "MB", "109": "FM",
    "110": "BT", "111": "SU",
}  # fmt: skip

# Written in lower case inside a comune's name: Casaletto di Sopra, San Martino dall'Argine,
# Torre de' Picenardi. The first word is always capitalised.
_MINUSCOLE = frozenset({
    "a", "ai", "agli", "al", "all", "alla", "alle", "con", "d", "da", "dal", "dall", "dalla",
    "dalle", "de", "dei", "degli", "del", "dell", "della", "delle", "dello", "di", "e", "ed",
    "il", "in", "l", "la", "le", "lo", "nel", "nell", "nella", "sul", "sull", "sulla", "sulle",
})  # fmt: skip
# Roman numerals stay in capitals: Sotto il Monte Giovanni XXIII.
_ROMANO = re.compile(r"(?=[ivx]{2})x{0,3}(ix|iv|v?i{0,3})")
_PEZZI = re.compile(r"(\s+|-|'|’)")


def sigla_provincia(codice_istat: str) -> str | None:
    return SIGLE_PROVINCE.get(codice_istat[:3])


def nome_comune(maiuscolo: str) -> str:
    """«SAN MARTINO DALL'ARGINE» → «San Martino dall'Argine»."""
    parti = []
    primo = True
    for pezzo in _PEZZI.split(" ".join(maiuscolo.split()).lower()):
        if not pezzo or _PEZZI.fullmatch(pezzo):
            parti.append(pezzo)
            continue
        if not primo and pezzo in _MINUSCOLE:
            parti.append(pezzo)
        elif _ROMANO.fullmatch(pezzo) and pezzo not in _MINUSCOLE:
            parti.append(pezzo.upper())
        else:
            parti.append(pezzo[:1].upper() + pezzo[1:])
        primo = False
    return "".join(parti)
