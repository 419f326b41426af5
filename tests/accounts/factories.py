import factory

from accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@ngo.kz")
    full_name = factory.Faker("name", locale="ru_RU")
    password = factory.django.Password("correct horse battery staple")
