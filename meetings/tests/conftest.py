import pytest

from collaborators.models import Collaborator
from collaborators.tests.factories import CollaboratorFactory
from meetings.tests.factories import InvitationFactory, MeetingFactory


@pytest.fixture
def meeting(town, staff, collaborator, other_collaborator):
    """A planned ad hoc meeting of Hương Trà, both collaborators invited."""
    meeting = MeetingFactory(unit=town, created_by=staff)
    for user in (collaborator, other_collaborator):
        InvitationFactory(meeting=meeting, collaborator=user.collaborator)
    return meeting


@pytest.fixture
def other_meeting(other_town, other_staff):
    return MeetingFactory(unit=other_town, created_by=other_staff)


@pytest.fixture
def make_invitees(commune):
    def _make(meeting, count):
        people = CollaboratorFactory.create_batch(
            count, unit=commune, with_account=True, gender=Collaborator.Gender.FEMALE
        )
        for person in people:
            InvitationFactory(meeting=meeting, collaborator=person)
        return people

    return _make
