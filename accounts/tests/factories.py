import factory

from accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="it_IT")
    password = factory.django.Password("pw-cosviluppo")
    # E-mails go out in each person's language: tests read the English texts.
    preferred_language = "en"
