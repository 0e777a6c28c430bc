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
