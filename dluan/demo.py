"""Demo data for the foundation: the town of Hương Trà, its units and demo accounts.

Apps add their own demo data in ``<app>/demo.py`` with ``seed(ctx)``; the
``seed_demo`` command runs them in order. Every step is safe to run again.
"""

import functools
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from dluan.models import OrgUnit, User

DEMO_PASSWORD = "dluan-demo-2026"  # noqa: S105 (published demo password)

WARDS = [
    "Phường Tứ Hạ",
    "Phường Hương Văn",
    "Phường Hương Vân",
    "Phường Hương Xuân",
    "Phường Hương Chữ",
    "Phường Hương An",
    "Phường Hương Hồ",
]
COMMUNES = [
    "Xã Hương Toàn",
    "Xã Hương Thọ",
    "Xã Hương Bình",
    "Xã Bình Tiến",
    "Xã Bình Thành",
    "Xã Hương Phong",
    "Xã Hải Dương",
]
AGENCIES = [
    "Hội Cựu chiến binh thị xã",
    "Hội Liên hiệp Phụ nữ thị xã",
    "Thị đoàn Hương Trà",
    "Trường THPT Hương Trà",
]
PARTY_ORGS = ["Đảng bộ Quân sự thị xã", "Chi bộ Trung tâm Y tế thị xã"]

COLLABORATOR_NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bích",
    "Lê Văn Cường",
    "Phạm Thị Dung",
    "Hoàng Văn Đức",
    "Huỳnh Thị Giang",
    "Phan Văn Hải",
    "Vũ Thị Hạnh",
    "Võ Văn Hùng",
    "Đặng Thị Lan",
    "Bùi Văn Long",
    "Đỗ Thị Mai",
    "Hồ Văn Minh",
    "Ngô Thị Nga",
    "Dương Văn Phúc",
    "Lý Thị Quyên",
    "Trương Văn Sơn",
    "Đinh Thị Thảo",
    "Lương Văn Trung",
    "Tôn Nữ Thu Vân",
]


@dataclass
class DemoContext:
    province: OrgUnit
    town: OrgUnit
    communes: list[OrgUnit]
    agencies: list[OrgUnit]
    admin: User
    staff: User
    leader: User
    collaborator_users: list[User] = field(default_factory=list)
    stdout: object = None

    def log(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)


def _unit(name, kind, parent):
    unit = OrgUnit.objects.filter(name=name, parent=parent).first()
    return unit or OrgUnit.objects.create(name=name, kind=kind, parent=parent)


def _user(username, full_name, role, unit, **extra):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, role=role, org_unit=unit)
        user.email = f"{username}@huongtra.example.vn"
        for key, value in extra.items():
            setattr(user, key, value)
        user.password = _demo_password_hash()
        user.save()
    return user


@functools.cache
def _demo_password_hash() -> str:
    """One hash of the published demo password for every demo account: hashing
    it afresh (a deliberately slow PBKDF2) for each took half a second apiece."""
    return make_password(DEMO_PASSWORD)


def seed(stdout=None) -> DemoContext:
    province = _unit("Thành phố Huế", OrgUnit.Kind.PROVINCE, None)
    town = _unit("Thị xã Hương Trà", OrgUnit.Kind.TOWN, province)
    communes = [_unit(name, OrgUnit.Kind.COMMUNE, town) for name in WARDS + COMMUNES]
    agencies = [_unit(name, OrgUnit.Kind.AGENCY, town) for name in AGENCIES]
    agencies += [_unit(name, OrgUnit.Kind.PARTY, town) for name in PARTY_ORGS]
    ctx = DemoContext(
        province=province,
        town=town,
        communes=communes,
        agencies=agencies,
        admin=_user(
            "admin",
            "Quản trị hệ thống",
            User.Role.ADMIN,
            province,
            is_superuser=True,
            is_staff=True,
        ),
        staff=_user("canbo", "Nguyễn Thị Hoài Trang", User.Role.STAFF, town),
        leader=_user("lanhdao", "Trần Văn Hùng", User.Role.LEADER, town),
        stdout=stdout,
    )
    for index, name in enumerate(COLLABORATOR_NAMES, start=1):
        # Most collaborators work in the wards and communes, a few in agencies.
        unit = (
            agencies[index % len(agencies)]
            if index % 7 == 0
            else communes[(index - 1) % len(communes)]
        )
        ctx.collaborator_users.append(
            _user(f"ctv{index:02d}", name, User.Role.COLLABORATOR, unit)
        )
    ctx.log(
        f"Foundation: {OrgUnit.objects.count()} units, {User.objects.count()} accounts."
    )
    return ctx
