"""manage.py crea_ambito: a new ambito from ANPR's national file by the ISTAT codes of its comuni."""

import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ambiti import anpr
from pdz.nuovo_ambito import MODELLI, PREFISSO_COPIA, Richiesta, crea_ambito


def _mese(valore: str | None) -> datetime.date | None:
    if not valore:
        return None
    try:
        return anpr.parse_mese(valore)
    except (ValueError, anpr.AnprError) as errore:
        raise CommandError(f"--mese: «{valore}» non è un mese AAAA-MM") from errore


# The field a refusal names → the option the operator typed.
OPZIONI = {
    "nome": "--nome",
    "slug": "--slug",
    "codici": "--comuni",
    "anpr": "--anpr",
    "capofila": "--capofila",
    "modello": "--modello",
}


class Command(BaseCommand):
    help = (
        "Crea un ambito con i suoi comuni (dal file nazionale ANPR dei residenti, per codice "
        "ISTAT), le aree di policy del periodo corrente, le regole di voto da un modello, il "
        "primo utente dell'Ufficio di Piano e il Piano di Zona in bozza. Rieseguito con gli "
        "stessi dati non crea nulla due volte."
    )

    def add_arguments(self, parser):
        parser.add_argument("--nome", required=True, help="Nome dell'ambito, es. «Lodi».")
        parser.add_argument(
            "--slug", required=True, help="Identificativo nell'indirizzo, es. lodi."
        )
        parser.add_argument(
            "--comuni",
            required=True,
            help="Codici ISTAT dei comuni, separati da virgole o spazi; oppure @file con un "
            "codice per riga.",
        )
        parser.add_argument(
            "--anpr", required=True, type=Path, help="File CSV nazionale ANPR dei residenti."
        )
        parser.add_argument("--mese", help="Mese del file, AAAA-MM (predefinito: il più recente).")
        parser.add_argument(
            "--ats", required=True, help="Nome dell'ATS, es. «ATS Città Metropolitana di Milano»."
        )
        parser.add_argument(
            "--asst", action="append", default=[], help="Nome di un'ASST (ripetibile)."
        )
        parser.add_argument("--capofila", default="", help="Codice ISTAT del comune capofila.")
        parser.add_argument("--ente-gestore", default="", help="Ente gestore dell'ambito.")
        parser.add_argument(
            "--modello",
            default="un-voto-per-comune",
            help="Regole di voto iniziali: "
            + ", ".join(f"{nome} ({dati['descrizione']})" for nome, dati in MODELLI.items())
            + f"; oppure {PREFISSO_COPIA}SLUG per copiare quelle in vigore di un altro ambito.",
        )
        parser.add_argument(
            "--ufficio-piano",
            nargs=3,
            metavar=("NOME", "COGNOME", "EMAIL"),
            help="Il primo utente dell'Ufficio di Piano: riceve per e-mail il link per scegliere "
            "la password.",
        )

    def handle(self, *args, **opzioni):
        comuni = opzioni["comuni"]
        if comuni.startswith("@"):
            try:
                comuni = Path(comuni[1:]).read_text(encoding="utf-8")
            except OSError as errore:
                raise CommandError(f"--comuni: {errore}") from errore
        richiesta = Richiesta(
            nome=opzioni["nome"],
            slug=opzioni["slug"],
            codici=comuni,
            anpr=Path(opzioni["anpr"]),
            mese=_mese(opzioni["mese"]),
            ats=opzioni["ats"],
            asst=opzioni["asst"],
            capofila=opzioni["capofila"],
            ente_gestore=opzioni["ente_gestore"],
            modello=opzioni["modello"],
            ufficio_piano=tuple(opzioni["ufficio_piano"]) if opzioni["ufficio_piano"] else None,
        )
        if not richiesta.anpr.is_file():
            raise CommandError(f"--anpr: il file {richiesta.anpr} non esiste")
        try:
            esito = crea_ambito(richiesta)
        except ValidationError as errore:
            righe = [
                f"{OPZIONI.get(campo, '--ufficio-piano')}: {messaggio}"
                for campo, messaggi in errore.message_dict.items()
                for messaggio in messaggi
            ]
            raise CommandError("Nessuna modifica salvata.\n" + "\n".join(righe)) from errore
        for riga in esito.riepilogo:
            self.stdout.write(riga)
