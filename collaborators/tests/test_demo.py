from collaborators.models import (
    Collaborator,
    Regulation,
    RosterEvent,
    TrainingSession,
)
from collaborators.selectors import regulation_in_force, terms_ending
from dluan import demo


def test_demo_roster_is_realistic_and_safe_to_run_twice(db):
    from collaborators import demo as roster_demo

    for _ in range(2):
        ctx = demo.seed()
        roster_demo.seed(ctx)
    assert Collaborator.objects.count() == len(ctx.collaborator_users) + len(
        roster_demo.EXTRA_NAMES
    )
    for user in ctx.collaborator_users:
        record = Collaborator.objects.get(user=user)
        assert record.full_name == user.full_name
        assert record.unit == user.org_unit
    assert Collaborator.objects.filter(status="suspended").count() == 1
    assert Collaborator.objects.filter(status="dismissed").count() == 1
    assert RosterEvent.objects.filter(kind="dismiss").count() == 1
    assert terms_ending(user=ctx.staff).exists()
    assert Regulation.objects.count() == 2
    assert regulation_in_force(user=ctx.collaborator_users[0]).version == "2025"
    assert TrainingSession.objects.count() == 2
