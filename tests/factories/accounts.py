import factory

from accounts.models import Ruolo, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"utente{n}")
    first_name = "Nome"
    last_name = factory.Sequence(lambda n: f"Cognome{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("password-di-prova")


class RuoloFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ruolo

    user = factory.SubFactory(UserFactory)


def codice_fiscale_persona(n: int) -> str:
    """A valid personal tax code (check character included), different for each n < 1000."""
    from stdnum.it import codicefiscale

    base = f"RSSMRA80A01H{n % 1000:03d}"
    return base + codicefiscale.calc_check_digit(base)
