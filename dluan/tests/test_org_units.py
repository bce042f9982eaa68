import pytest
from django.core.exceptions import ValidationError

from dluan.models import Notification, OrgUnit, User
from dluan.tests.factories import OrgUnitFactory, UserFactory


def test_a_tree_of_any_depth_keeps_its_subtree(
    town, commune, other_commune, other_town
):
    village = OrgUnitFactory(
        name="Thôn Liễu Cốc", kind=OrgUnit.Kind.OTHER, parent=commune
    )
    hamlet = OrgUnitFactory(name="Tổ 3", kind=OrgUnit.Kind.OTHER, parent=village)
    assert set(town.subtree()) == {town, commune, other_commune, village, hamlet}
    assert list(hamlet.ancestors()) == [town.parent, town, commune, village, hamlet]
    assert town.contains(hamlet)
    assert not other_town.contains(hamlet)


def test_moving_a_unit_moves_its_subtree(town, commune, other_town):
    village = OrgUnitFactory(name="Thôn Liễu Cốc", parent=commune)
    commune.parent = other_town
    commune.save()
    village.refresh_from_db()
    assert other_town.contains(village)
    assert not town.contains(village)
    assert village.depth == 3


def test_a_unit_cannot_go_under_its_own_subtree(town, commune):
    town.parent = commune
    with pytest.raises(ValidationError):
        town.full_clean()


def test_sibling_names_are_unique(town, commune):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnit.objects.create(name=commune.name, kind=commune.kind, parent=town)


def test_staff_and_leaders_see_their_subtree(staff, leader, town, commune, other_town):
    visible = set(OrgUnit.objects.visible_to(staff))
    assert commune in visible and town in visible
    assert other_town not in visible
    assert set(OrgUnit.objects.visible_to(leader)) == visible


def test_collaborator_sees_only_own_user_record(
    collaborator, other_collaborator, staff
):
    assert list(User.objects.visible_to(collaborator)) == [collaborator]
    assert other_collaborator in User.objects.visible_to(staff)


def test_anonymous_and_inactive_users_see_nothing(staff):
    from django.contrib.auth.models import AnonymousUser

    assert not OrgUnit.objects.visible_to(AnonymousUser()).exists()
    staff.is_active = False
    assert not OrgUnit.objects.visible_to(staff).exists()


def test_staff_without_a_unit_sees_nothing(db):
    orphan = UserFactory(org_unit=None, role=User.Role.STAFF)
    assert not User.objects.visible_to(orphan).exists()


def test_superuser_sees_everything(admin_user, other_town, town):
    assert set(OrgUnit.objects.visible_to(admin_user)) >= {town, other_town}


def test_notifications_are_private_even_to_staff_above(staff, collaborator):
    Notification.objects.create(recipient=collaborator, title="Riêng")
    assert not Notification.objects.visible_to(staff).exists()
