"""A new ambito in minutes: its comuni from ANPR's national file by their ISTAT codes, the policy
areas of the current period and the voting rules from a template, the first Ufficio di Piano
user, and an empty plan to start from.

In the project package because it spans the apps: the territory (ambiti), the rules (assemblea),
the plan (piani). The command `crea_ambito` and the admin page (pdz.admin_nuovo_ambito) both call
`crea_ambito`, which is idempotent: run again with the same request it creates nothing twice and
changes nothing already there (the population of existing comuni is `import_anpr`'s to update,
with its plausibility checks). Everything is checked before anything is written: a code missing
from the file, a comune of another ambito, an unknown province, and nothing is created.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Ruolo
from ambiti import anpr
from ambiti.demo import carica_aree_policy, carica_periodo
from ambiti.istat import nome_comune, sigla_provincia
from ambiti.models import Ambito, Asst, Ats, Comune, Popolazione
from ambiti.services_utenti import EsitoInvito, invita
from assemblea.forms import CAMPI_REGOLA
from assemblea.models import RegolaVoto
from assemblea.services import nuova_regola, regola_corrente
from piani.models import Piano
from piani.services import crea_piano

# The voting rules a new ambito starts from; the Ufficio di Piano adapts them to its regolamento
# (a new version of the rules) before the first Assemblea.
MODELLI = {
    "un-voto-per-comune": {
        "descrizione": gettext_lazy("Un voto per comune, quorum e maggioranza semplice per teste"),
        "regole": {
            "peso": RegolaVoto.Peso.UNO,
            "quorum": RegolaVoto.Misura.TESTE,
            "maggioranza": RegolaVoto.Maggioranza.SEMPLICE,
            "base": RegolaVoto.Base.VOTANTI,
            "misura_maggioranza": RegolaVoto.Misura.TESTE,
        },
    },
    "ponderato-popolazione": {
        "descrizione": gettext_lazy(
            "Voto ponderato sulla popolazione (ANPR): quorum per teste e per peso, maggioranza "
            "assoluta dei presenti per teste e per peso"
        ),
        "regole": {
            "peso": RegolaVoto.Peso.POPOLAZIONE,
            "fonte_popolazione": anpr.FONTE,
            "quorum": RegolaVoto.Misura.ENTRAMBE,
            "maggioranza": RegolaVoto.Maggioranza.ASSOLUTA,
            "base": RegolaVoto.Base.PRESENTI,
            "misura_maggioranza": RegolaVoto.Misura.ENTRAMBE,
        },
    },
}
PREFISSO_COPIA = "ambito:"


@dataclass
class Richiesta:
    nome: str
    slug: str
    codici: list[str]
    anpr: Path
    ats: str
    asst: list[str] = field(default_factory=list)
    capofila: str = ""
    ente_gestore: str = ""
    modello: str = "un-voto-per-comune"
    mese: datetime.date | None = None
    # The first Ufficio di Piano user: nome, cognome, e-mail (the invitation goes there).
    ufficio_piano: tuple[str, str, str] | None = None


@dataclass
class Esito:
    ambito: Ambito
    ambito_creato: bool
    comuni_creati: list[Comune]
    comuni_presenti: int
    mese: datetime.date
    regola_creata: bool
    piano_creato: bool
    utente: EsitoInvito | None

    @property
    def riepilogo(self) -> list[str]:
        righe = [
            (
                _("Ambito %(nome)s creato.")
                if self.ambito_creato
                else _("Ambito %(nome)s già presente.")
            )
            % {"nome": self.ambito.nome},
            _("Comuni creati: %(n)d (popolazione ANPR %(mese)s); già nell'ambito: %(p)d.")
            % {
                "n": len(self.comuni_creati),
                "mese": anpr.formatta_mese(self.mese),
                "p": self.comuni_presenti,
            },
            _("Regole di voto: create dal modello.")
            if self.regola_creata
            else _("Regole di voto: già presenti, non modificate."),
            _("Piano di Zona: creato in bozza.")
            if self.piano_creato
            else _("Piano di Zona: già presente."),
        ]
        if self.utente is not None:
            righe.append(
                _("Ufficio di Piano: %(u)s%(invito)s.")
                % {
                    "u": self.utente.utente.get_full_name() or self.utente.utente.username,
                    "invito": _(", invito inviato per e-mail") if self.utente.email_inviata else "",
                }
            )
        return righe


def normalizza_codici(testo_o_lista) -> list[str]:
    """ISTAT codes as typed or pasted (commas, spaces, new lines; a spreadsheet's 19036 for
    019036), in order, each once; ValidationError naming each one that is not a code."""
    if isinstance(testo_o_lista, str):
        pezzi = testo_o_lista.replace(",", " ").replace(";", " ").split()
    else:
        pezzi = [str(p).strip() for p in testo_o_lista if str(p).strip()]
    sbagliati = [p for p in pezzi if not p.isdigit() or len(p) > 6]
    if sbagliati:
        raise ValidationError(
            {"codici": _("Non sono codici ISTAT di 6 cifre: %(c)s.") % {"c": ", ".join(sbagliati)}}
        )
    codici = list(dict.fromkeys(p.zfill(6) for p in pezzi))
    if not codici:
        raise ValidationError({"codici": _("Indica almeno un codice ISTAT.")})
    senza_provincia = [c for c in codici if sigla_provincia(c) is None]
    if senza_provincia:
        raise ValidationError(
            {
                "codici": _("Provincia sconosciuta per i codici: %(c)s.")
                % {"c": ", ".join(senza_provincia)}
            }
        )
    return codici


def _regole_del_modello(modello: str) -> dict:
    if modello.startswith(PREFISSO_COPIA):
        slug = modello.removeprefix(PREFISSO_COPIA)
        sorgente = Ambito.objects.filter(slug=slug).first()
        regola = regola_corrente(sorgente) if sorgente else None
        if regola is None:
            raise ValidationError(
                {"modello": _("L'ambito «%(s)s» non ha regole di voto da copiare.") % {"s": slug}}
            )
        if regola.a_quote:
            raise ValidationError(
                {
                    "modello": _(
                        "Le regole di «%(s)s» pesano le quote dei suoi comuni: non valgono per "
                        "un altro ambito. Scegli un modello e stabilisci le quote dopo."
                    )
                    % {"s": slug}
                }
            )
        return {campo: getattr(regola, campo) for campo in CAMPI_REGOLA}
    if modello not in MODELLI:
        raise ValidationError(
            {
                "modello": _("Modello sconosciuto «%(m)s»: sono %(elenco)s.")
                % {"m": modello, "elenco": ", ".join(MODELLI)}
            }
        )
    return dict(MODELLI[modello]["regole"])


def _righe_anpr(richiesta: Richiesta, codici: list[str]):
    try:
        file = anpr.leggi_file_anpr(richiesta.anpr, dict.fromkeys(codici, 0))
        mese = anpr.scegli_mese(file, richiesta.mese)
    except anpr.AnprError as errore:
        raise ValidationError({"anpr": errore.errori}) from errore
    righe = file.rilevazioni(mese)
    mancanti = [c for c in codici if c not in righe]
    if mancanti:
        raise ValidationError(
            {
                "codici": _("Nel file ANPR non c'è il mese %(mese)s dei comuni: %(c)s.")
                % {"mese": anpr.formatta_mese(mese), "c": ", ".join(mancanti)}
            }
        )
    return mese, righe


def _verifica_ambito(richiesta: Richiesta, codici: list[str]) -> Ambito | None:
    if not richiesta.nome.strip():
        raise ValidationError({"nome": _("Indica il nome dell'ambito.")})
    if richiesta.slug != slugify(richiesta.slug) or not richiesta.slug:
        raise ValidationError(
            {"slug": _("L'identificativo usa solo lettere minuscole, cifre e trattini.")}
        )
    esistente = Ambito.objects.filter(slug=richiesta.slug).first()
    omonimo = Ambito.objects.filter(nome=richiesta.nome.strip()).exclude(slug=richiesta.slug)
    if omonimo.exists():
        raise ValidationError({"nome": _("Un altro ambito ha già questo nome.")})
    altrove = (
        Comune.objects.filter(codice_istat__in=codici)
        .exclude(ambito__slug=richiesta.slug)
        .select_related("ambito")
        .order_by("codice_istat")
    )
    if altrove:
        raise ValidationError(
            {
                "codici": _("Questi comuni sono già di un altro ambito: %(c)s.")
                % {"c": ", ".join(f"{c.codice_istat} {c.nome} ({c.ambito})" for c in altrove)}
            }
        )
    if richiesta.capofila and richiesta.capofila not in codici:
        raise ValidationError(
            {"capofila": _("Il comune capofila deve essere uno dei comuni dell'ambito.")}
        )
    return esistente


def _ufficio_piano(ambito: Ambito, dati) -> EsitoInvito | None:
    if dati is None:
        return None
    nome, cognome, email = dati
    gia = Ruolo.objects.attivi().filter(
        ambito=ambito, tipo=Ruolo.Tipo.UFFICIO_PIANO, user__email__iexact=email
    )
    ruolo = gia.select_related("user").first()
    if ruolo is not None:
        return EsitoInvito(utente=ruolo.user, ruolo=ruolo, creato=False, email_inviata=False)
    return invita(
        ambito=ambito,
        nome=nome,
        cognome=cognome,
        email=email,
        tipo=Ruolo.Tipo.UFFICIO_PIANO,
        da=None,
    )


def crea_ambito(richiesta: Richiesta) -> Esito:
    codici = normalizza_codici(richiesta.codici)
    regole = _regole_del_modello(richiesta.modello)
    mese, righe = _righe_anpr(richiesta, codici)
    with transaction.atomic():
        esistente = _verifica_ambito(richiesta, codici)
        ats, _creata = Ats.objects.get_or_create(nome=richiesta.ats.strip())
        ambito = esistente or Ambito.objects.create(
            nome=richiesta.nome.strip(),
            slug=richiesta.slug,
            ente_gestore=richiesta.ente_gestore.strip(),
            ats=ats,
        )
        if esistente is None:
            ambito.asst.set(
                [
                    Asst.objects.get_or_create(nome=nome.strip(), defaults={"ats": ats})[0]
                    for nome in richiesta.asst
                    if nome.strip()
                ]
            )
        presenti = set(
            Comune.objects.filter(ambito=ambito, codice_istat__in=codici).values_list(
                "codice_istat", flat=True
            )
        )
        nuovi = [
            Comune(
                codice_istat=codice,
                nome=nome_comune(righe[codice].nome) if righe[codice].nome else codice,
                provincia=sigla_provincia(codice),
                ambito=ambito,
                popolazione=righe[codice].residenti,
                popolazione_data=mese,
                popolazione_fonte=anpr.FONTE,
            )
            for codice in codici
            if codice not in presenti
        ]
        Comune.objects.bulk_create(nuovi)
        creati = list(Comune.objects.filter(codice_istat__in=[c.codice_istat for c in nuovi]))
        Popolazione.objects.bulk_create(
            [
                Popolazione(
                    comune=c, fonte=anpr.FONTE, data_riferimento=mese, residenti=c.popolazione
                )
                for c in creati
            ],
            ignore_conflicts=True,
        )
        if richiesta.capofila and ambito.ente_capofila_id is None:
            ambito.ente_capofila = Comune.objects.get(codice_istat=richiesta.capofila)
            ambito.save(update_fields=["ente_capofila"])

        periodo = carica_periodo()
        carica_aree_policy(periodo)
        utente = _ufficio_piano(ambito, richiesta.ufficio_piano)
        autore = utente.utente if utente else None
        regola_creata = regola_corrente(ambito) is None
        if regola_creata:
            nuova_regola(RegolaVoto(ambito=ambito, **regole), utente=autore)
        piano_creato = not Piano.objects.filter(ambito=ambito, periodo=periodo).exists()
        if piano_creato:
            crea_piano(ambito=ambito, periodo=periodo, utente=autore)
    return Esito(
        ambito=ambito,
        ambito_creato=esistente is None,
        comuni_creati=creati,
        comuni_presenti=len(presenti),
        mese=mese,
        regola_creata=regola_creata,
        piano_creato=piano_creato,
        utente=utente,
    )
