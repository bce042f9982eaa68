"""A province's board sees every report of its tree and nothing of another tree.

The root of the only tree filters by nothing (a list of every unit's id would cost
each query more than it filters); a second tree must bring the filter back.
"""

from collaborators.tests.factories import CollaboratorFactory
from dluan.models import OrgUnit, User
from dluan.tests.factories import OrgUnitFactory, UserFactory
from reports.models import OpinionReport
from reports.tests.factories import OpinionReportFactory


def _report_in(unit):
    return OpinionReportFactory(author=CollaboratorFactory(unit=unit))


def _staff_of(unit, username):
    return UserFactory(username=username, role=User.Role.STAFF, org_unit=unit)


def test_province_staff_see_every_report_of_the_only_tree(
    province, commune, other_town
):
    mine = {_report_in(commune).pk, _report_in(other_town).pk}
    staff = _staff_of(province, "canbo_tinh")
    assert (
        set(OpinionReport.objects.visible_to(staff).values_list("pk", flat=True))
        == mine
    )


def test_a_second_tree_stays_out_of_the_first_provinces_sight(province, commune):
    mine = _report_in(commune)
    elsewhere = OrgUnitFactory(name="Tỉnh Quảng Trị", kind=OrgUnit.Kind.PROVINCE)
    theirs = _report_in(OrgUnitFactory(name="Xã Gio Linh", parent=elsewhere))
    staff = _staff_of(province, "canbo_tinh")
    other = _staff_of(elsewhere, "canbo_quangtri")
    assert list(OpinionReport.objects.visible_to(staff)) == [mine]
    assert list(OpinionReport.objects.visible_to(other)) == [theirs]


def test_town_staff_see_their_subtree_only(staff, commune, other_town):
    mine = _report_in(commune)
    _report_in(other_town)
    assert list(OpinionReport.objects.visible_to(staff)) == [mine]
