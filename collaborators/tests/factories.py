import datetime

import factory

from collaborators.models import Collaborator, Regulation, TrainingSession
from dluan.models import User
from dluan.tests.factories import OrgUnitFactory, UserFactory


class CollaboratorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collaborator

    full_name = factory.Sequence(lambda n: f"Phan Văn Tâm {n}")
    gender = Collaborator.Gender.MALE
    birth_year = 1970
    phone = factory.Sequence(lambda n: f"0914{n:06d}")
    unit = factory.SubFactory(OrgUnitFactory)
    occupation = "giáo viên"

    class Params:
        # A collaborator who files online: with a sign-in account in the same unit.
        with_account = factory.Trait(
            user=factory.LazyAttribute(
                lambda o: UserFactory(
                    role=User.Role.COLLABORATOR, org_unit=o.unit, full_name=o.full_name
                )
            )
        )


class RegulationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Regulation

    unit = factory.SubFactory(OrgUnitFactory)
    title = "Quy chế hoạt động của mạng lưới cộng tác viên"
    version = factory.Sequence(lambda n: f"v{n}")
    effective_date = datetime.date(2025, 1, 1)
    created_by = factory.SubFactory(UserFactory)


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    unit = factory.SubFactory(OrgUnitFactory)
    title = factory.Sequence(lambda n: f"Tập huấn nghiệp vụ {n}")
    organiser = "Ban Tuyên giáo và Dân vận"
    date = datetime.date(2025, 6, 1)
    created_by = factory.SubFactory(UserFactory)
