"""Reading the mayors' file of an ambito: every row checked, nothing written.

The file has exactly the columns COLONNE (the export writes the same ones); UTF-8 with or
without the byte order mark Excel adds; ';' or ',' between columns; dates as dd/mm/yyyy or
yyyy-mm-dd. `analizza` returns what an import would change (the preview) and every bad row with
its line number and the reason, in Italian: ambiti.services_utenti.importa_sindaci writes it,
all or nothing.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _
from stdnum.it import codicefiscale

from accounts.models import Ruolo
from accounts.services import trova_persona

from .models import Comune, normalizza_codice_fiscale

COLONNE = ["codice_istat", "codice_fiscale", "nome", "cognome", "email", "dal"]
FORMATI_DATA = ("%d/%m/%Y", "%Y-%m-%d")
DIMENSIONE_MASSIMA = 1024 * 1024
Tipo = Ruolo.Tipo


class ErroreImportazione(Exception):
    def __init__(self, errori):
        super().__init__("; ".join(f"{e.riga}: {e.motivo}" for e in errori))
        self.errori = errori


@dataclass
class Errore:
    riga: int  # the line of the file, the header being line 1 (0: the file as a whole)
    motivo: str


@dataclass
class Riga:
    riga: int
    comune: Comune
    codice_fiscale: str
    nome: str
    cognome: str
    email: str
    dal: datetime.date
    # The outgoing sindaco whose role ends the day before `dal`.
    da_chiudere: Ruolo | None = None
    # The same person is already the comune's sindaco: nothing to do.
    invariata: bool = False
    utente_esistente: object = None

    @property
    def chiusura(self):
        return self.dal - datetime.timedelta(days=1)


@dataclass
class Piano:
    righe: list[Riga] = field(default_factory=list)
    errori: list[Errore] = field(default_factory=list)

    @property
    def modifiche(self):
        return [r for r in self.righe if not r.invariata]


def leggi_data(testo: str) -> datetime.date | None:
    for formato in FORMATI_DATA:
        try:
            return datetime.datetime.strptime(testo.strip(), formato).date()
        except ValueError:
            continue
    return None


def _testo(contenuto: bytes) -> str:
    if len(contenuto) > DIMENSIONE_MASSIMA:
        raise ErroreImportazione([Errore(0, _("Il file supera 1 MB."))])
    try:
        # utf-8-sig drops the byte order mark when there is one.
        return contenuto.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ErroreImportazione(
            [Errore(0, _("Il file non è in UTF-8: salvalo come «CSV UTF-8» e riprova."))]
        ) from None


def _righe_csv(testo: str):
    try:
        dialetto = csv.Sniffer().sniff(testo.split("\n", 1)[0], delimiters=";,")
    except csv.Error:
        dialetto = csv.excel
    return csv.reader(io.StringIO(testo, newline=""), dialetto)


def analizza(contenuto: bytes, *, ambito) -> Piano:
    """What importing `contenuto` into `ambito` would do, and every reason it cannot."""
    piano = Piano()
    try:
        testo = _testo(contenuto)
    except ErroreImportazione as e:
        piano.errori = e.errori
        return piano
    lettore = _righe_csv(testo)
    intestazione = next(lettore, None)
    if intestazione is None:
        piano.errori.append(Errore(0, _("Il file è vuoto.")))
        return piano
    if [c.strip().lower() for c in intestazione] != COLONNE:
        piano.errori.append(
            Errore(
                1,
                _("Le colonne devono essere, in quest'ordine: %(colonne)s.")
                % {"colonne": ", ".join(COLONNE)},
            )
        )
        return piano
    grezze = [(n, riga) for n, riga in enumerate(lettore, start=2) if any(c.strip() for c in riga)]
    if not grezze:
        piano.errori.append(Errore(0, _("Il file non contiene sindaci.")))
        return piano
    codici = {riga[0].strip() for _n, riga in grezze if riga}
    comuni = Comune.objects.select_related("ambito").in_bulk(codici, field_name="codice_istat")
    righe_per_comune, righe_per_codice = {}, {}
    for numero, valori in grezze:
        errori_riga = []
        riga = _leggi_riga(numero, valori, comuni, ambito, errori_riga)
        if riga is not None:
            if riga.comune.pk in righe_per_comune:
                errori_riga.append(
                    _("il comune %(comune)s è già alla riga %(riga)s.")
                    % {"comune": riga.comune.nome, "riga": righe_per_comune[riga.comune.pk]}
                )
            righe_per_comune.setdefault(riga.comune.pk, numero)
            chiave = riga.codice_fiscale or riga.email.casefold()
            if chiave in righe_per_codice:
                errori_riga.append(
                    _("la stessa persona è già alla riga %(riga)s: un sindaco ha un solo comune.")
                    % {"riga": righe_per_codice[chiave]}
                )
            righe_per_codice.setdefault(chiave, numero)
            if not errori_riga:
                _confronta_con_il_portale(riga, errori_riga)
        if errori_riga:
            piano.errori.extend(Errore(numero, motivo) for motivo in errori_riga)
        elif riga is not None:
            piano.righe.append(riga)
    return piano


def _leggi_riga(numero, valori, comuni, ambito, errori) -> Riga | None:
    if len(valori) != len(COLONNE):
        errori.append(
            _("servono %(attese)s colonne, ce ne sono %(trovate)s.")
            % {"attese": len(COLONNE), "trovate": len(valori)}
        )
        return None
    codice_istat, codice_fiscale, nome, cognome, email, dal = (v.strip() for v in valori)
    comune = comuni.get(codice_istat)
    if comune is None:
        errori.append(
            _("nessun comune ha il codice ISTAT «%(codice)s».") % {"codice": codice_istat}
        )
    elif comune.ambito_id != ambito.pk:
        errori.append(
            _("il comune %(comune)s (%(codice)s) non fa parte dell'ambito %(ambito)s.")
            % {"comune": comune.nome, "codice": codice_istat, "ambito": ambito.nome}
        )
    codice_fiscale = normalizza_codice_fiscale(codice_fiscale)
    if codice_fiscale and not codicefiscale.is_valid(codice_fiscale):
        errori.append(
            _("il codice fiscale «%(codice)s» non è valido.") % {"codice": codice_fiscale}
        )
    if not nome:
        errori.append(_("manca il nome."))
    if not cognome:
        errori.append(_("manca il cognome."))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errori.append(_("l'e-mail «%(email)s» non è valida.") % {"email": email})
    if not codice_fiscale and not email:
        errori.append(_("serve il codice fiscale (per SPID e CIE) o l'e-mail."))
    giorno = leggi_data(dal) if dal else None
    if giorno is None:
        errori.append(
            _("la data «%(data)s» non è valida: scrivila come 01/07/2024 o 2024-07-01.")
            % {"data": dal}
        )
    if errori:
        return None
    return Riga(numero, comune, codice_fiscale, nome, cognome, email, giorno)


def _giorno(giorno) -> str:
    return formats.date_format(giorno, "SHORT_DATE_FORMAT")


def _confronta_con_il_portale(riga: Riga, errori) -> None:
    """The row against the mayors and people already in the portal."""
    try:
        persona = trova_persona(email=riga.email, codice_fiscale=riga.codice_fiscale)
    except ValidationError as e:
        errori.extend(m.rstrip(".") + "." for m in e.messages)
        return
    riga.utente_esistente = persona
    if persona is not None and (persona.is_superuser or persona.is_staff):
        errori.append(_("questa persona amministra il portale: la gestisce l'amministratore."))
        return
    sindaci = list(
        Ruolo.objects.filter(tipo=Tipo.SINDACO, comune=riga.comune, attivo=True)
        .filter(Q(al__isnull=True) | Q(al__gte=riga.dal))
        .select_related("user")
    )
    if persona is not None and any(s.user_id == persona.pk for s in sindaci):
        # Already this comune's sindaco on that day (a file exported earlier and read back, a
        # mandate that ends later): nothing to change.
        riga.invariata = True
        return
    if persona is not None:
        altro = Ruolo.objects.filter(
            user=persona, attivo=True, tipo__in=[Tipo.SINDACO, Tipo.DELEGATO]
        ).filter(Q(al__isnull=True) | Q(al__gte=riga.dal))
        if altro.exists():
            errori.append(_("questa persona è già sindaco o delegato di un comune."))
            return
    for sindaco in sindaci:
        chiudibile = sindaco.al is None and sindaco.dal < riga.dal and riga.da_chiudere is None
        if chiudibile:
            riga.da_chiudere = sindaco
        else:
            errori.append(
                _(
                    "il periodo si sovrappone a quello di %(nome)s, sindaco dal %(dal)s%(al)s, "
                    "che l'importazione non può chiudere: correggi prima quel ruolo."
                )
                % {
                    "nome": sindaco.user,
                    "dal": _giorno(sindaco.dal),
                    "al": (_(" al %(al)s") % {"al": _giorno(sindaco.al)}) if sindaco.al else "",
                }
            )
