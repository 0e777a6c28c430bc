"""Demo accounts, one per role, printed by `make run`: here, above ambiti, whose Ruolo they bind."""

from base64 import b32encode
from dataclasses import dataclass

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Ruolo, User
from ambiti.models import Ambito, Comune, Ente

PASSWORD_DEMO = "pdz-demo-2025"
# DEMO ONLY, like the password: the key of the authenticator app the demo Ufficio di Piano and
# administrator hold (accounts/otp.py; without DEBUG their password logins need its code). Known to
# everyone who reads this file: never on a portal with real data. Its base32 form is what an app
# asks for when typed by hand; tests_production/client.py computes the codes from it.
CHIAVE_TOTP_DEMO = b"pdz-demo-2025-totp!!".hex()
SEGRETO_TOTP_DEMO = b32encode(bytes.fromhex(CHIAVE_TOTP_DEMO)).decode("ascii")


@dataclass(frozen=True)
class AccountDemo:
    username: str
    nome: str
    cognome: str
    descrizione: str
    tipo: str | None = None  # None: the portal administrator (superuser)
    ambito: str | None = None
    comune_istat: str | None = None
    ente: str | None = None

    @property
    def secondo_fattore(self) -> bool:
        """Whether the persona holds the demo authenticator app (accounts.otp.obbligato)."""
        return self.tipo in (None, Ruolo.Tipo.UFFICIO_PIANO)


ACCOUNT_DEMO = (
    AccountDemo("admin", "Amministratore", "Portale", "amministratore di tutto il portale"),
    AccountDemo(
        "up.cremasco",
        "Giulia",
        "Ferrari",
        "Ufficio di Piano, ambito Cremasco",
        Ruolo.Tipo.UFFICIO_PIANO,
        "cremasco",
    ),
    AccountDemo(
        "up.cremonese",
        "Marco",
        "Bassi",
        "Ufficio di Piano, ambito Cremonese",
        Ruolo.Tipo.UFFICIO_PIANO,
        "cremonese",
    ),
    AccountDemo(
        "up.ogliopo",
        "Sara",
        "Lodi",
        "Ufficio di Piano, ambito Oglio Po",
        Ruolo.Tipo.UFFICIO_PIANO,
        "oglio-po",
    ),
    AccountDemo(
        "operatore.cremasco",
        "Luca",
        "Rossi",
        "operatore dei tavoli, ambito Cremasco",
        Ruolo.Tipo.OPERATORE,
        "cremasco",
    ),
    AccountDemo(
        "ente.cremasco",
        "Anna",
        "Galli",
        "ente partecipante, Cooperativa Il Ponte",
        Ruolo.Tipo.ENTE,
        "cremasco",
        ente="Cooperativa sociale Il Ponte (demo)",
    ),
    AccountDemo(
        "sindaco.crema",
        "Paolo",
        "Verdi",
        "sindaco del Comune di Crema",
        Ruolo.Tipo.SINDACO,
        "cremasco",
        comune_istat="019035",
    ),
    AccountDemo(
        "delegato.pandino",
        "Chiara",
        "Neri",
        "delegata del sindaco di Pandino",
        Ruolo.Tipo.DELEGATO,
        "cremasco",
        comune_istat="019067",
    ),
    AccountDemo(
        "sindaco.offanengo",
        "Roberto",
        "Sala",
        "sindaco del Comune di Offanengo",
        Ruolo.Tipo.SINDACO,
        "cremasco",
        comune_istat="019062",
    ),
    AccountDemo(
        "sindaca.castelleone",
        "Marta",
        "Riva",
        "sindaca del Comune di Castelleone",
        Ruolo.Tipo.SINDACO,
        "cremasco",
        comune_istat="019025",
    ),
    AccountDemo(
        "sindaco.cremona",
        "Elena",
        "Fontana",
        "sindaca del Comune di Cremona",
        Ruolo.Tipo.SINDACO,
        "cremonese",
        comune_istat="019036",
    ),
    AccountDemo(
        "sindaco.viadana",
        "Davide",
        "Monti",
        "sindaco del Comune di Viadana",
        Ruolo.Tipo.SINDACO,
        "oglio-po",
        comune_istat="020066",
    ),
)


def carica_account_demo(enti: dict[str, Ente]) -> list[AccountDemo]:
    ambiti = Ambito.objects.in_bulk(field_name="slug")
    for account in ACCOUNT_DEMO:
        user, creato = User.objects.get_or_create(
            username=account.username,
            defaults={
                "first_name": account.nome,
                "last_name": account.cognome,
                "email": f"{account.username}@demo.invalid",
                "is_staff": account.tipo is None,
                "is_superuser": account.tipo is None,
            },
        )
        if creato:
            user.set_password(PASSWORD_DEMO)
            user.save(update_fields=["password"])
        if account.secondo_fattore:
            TOTPDevice.objects.get_or_create(
                user=user,
                name="App di autenticazione (demo)",
                defaults={"key": CHIAVE_TOTP_DEMO, "confirmed": True},
            )
        if account.tipo is None:
            continue
        comune = (
            Comune.objects.get(codice_istat=account.comune_istat) if account.comune_istat else None
        )
        Ruolo.objects.get_or_create(
            user=user,
            tipo=account.tipo,
            ambito=ambiti[account.ambito],
            comune=comune,
            ente=enti.get(account.ente) if account.ente else None,
        )
    return list(ACCOUNT_DEMO)
