"""Data at a province's scale for ``make bench``: ``seed_demo --scale large``.

A province of towns and communes, tens of thousands of collaborators and a million
reports over five years cannot be made one ``save()`` at a time. Each app's
``<app>/scale.py`` builds its rows as plain tuples with ids chosen here, and
:meth:`ScaleContext.load` streams them into the table: ``COPY`` on PostgreSQL,
``executemany`` on SQLite (the small smoke set only). Everything runs in one
transaction, so a run that fails leaves nothing behind and can simply be run again.

The shape is realistic rather than uniform: a few topics and communes draw most
reports, urgent reports are rare, most reports are accepted and a share is
returned, late or archived. The random generator is seeded, so two runs of the
same size make the same data.
"""

import datetime
import io
import json
import random
import sys
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from dluan.demo import DEMO_PASSWORD
from dluan.models import OrgUnit, User
from dluan.periods import period_starts_back
from dluan.search import fold_parts

PROVINCE_NAME = "Tỉnh Thanh Hóa"


@dataclass(frozen=True)
class Size:
    """How much to make; ``large`` is the province of the benchmark."""

    towns: int
    communes: int
    collaborators: int
    periods: int
    reports: int
    issues: int
    linked_reports: int
    meeting_invitees: int


SIZES = {
    "large": Size(
        towns=40,
        communes=716,
        collaborators=50_000,
        periods=30,
        reports=1_000_000,
        issues=5_000,
        linked_reports=20_000,
        meeting_invitees=60,
    ),
    "small": Size(
        towns=3,
        communes=18,
        collaborators=400,
        periods=8,
        reports=2_500,
        issues=30,
        linked_reports=300,
        meeting_invitees=20,
    ),
}

# Syllables of Vietnamese place names; towns and communes are pairs of them.
PLACE_SYLLABLES = [
    "An", "Bình", "Cẩm", "Diễn", "Đông", "Gia", "Hà", "Hải", "Hòa", "Hoằng",
    "Hưng", "Hương", "Khánh", "Lam", "Lộc", "Minh", "Nam", "Nga", "Nghĩa", "Ngọc",
    "Nhân", "Như", "Phong", "Phú", "Phúc", "Quảng", "Quang", "Sơn", "Tân", "Thạch",
    "Thanh", "Thành", "Thiệu", "Thọ", "Thuận", "Tiến", "Triệu", "Trung", "Trường",
    "Tĩnh", "Vân", "Vĩnh", "Xuân", "Yên",
]  # fmt: skip

FAMILY_NAMES = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
    "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Trương", "Đinh", "Lương", "Mai",
]  # fmt: skip
MIDDLE_NAMES = {
    "male": ["Văn", "Đình", "Hữu", "Minh", "Quang", "Đức", "Xuân", "Công"],
    "female": ["Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Hồng", "Bích"],
}
GIVEN_NAMES = {
    "male": [
        "An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Khoa", "Long",
        "Minh", "Nam", "Phúc", "Quân", "Sơn", "Thắng", "Toàn", "Trung", "Tuấn",
    ],
    "female": [
        "Anh", "Bích", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan",
        "Linh", "Mai", "Nga", "Nhung", "Phương", "Quyên", "Thảo", "Trang", "Yến",
    ],
}  # fmt: skip


def skewed_weights(count: int, exponent: float = 1.0) -> list[float]:
    """Zipf-like weights: the first items draw most of the rows."""
    return [1.0 / (rank**exponent) for rank in range(1, count + 1)]


class Progress:
    """A progress bar on a terminal, a line per tenth elsewhere."""

    def __init__(self, out, label: str, total: int):
        self.out, self.label, self.total = out, label, max(total, 1)
        self.done = 0
        self.started = time.monotonic()
        self.tty = hasattr(out, "isatty") and out.isatty()
        self._shown = -1

    def advance(self, count: int = 1) -> None:
        self.done += count
        step = self.done * (50 if self.tty else 10) // self.total
        if step != self._shown:
            self._shown = step
            self._draw()

    def _draw(self) -> None:
        share = min(self.done / self.total, 1.0)
        elapsed = time.monotonic() - self.started
        if self.tty:
            bar = "█" * int(share * 30) + "·" * (30 - int(share * 30))
            self.out.write(
                f"\r  {self.label:<28} {bar} {share:6.1%} {elapsed:5.0f}s", ending=""
            )
            self.out.flush()
        else:
            self.out.write(f"  {self.label}: {share:.0%} ({elapsed:.0f}s)")

    def finish(self) -> None:
        elapsed = time.monotonic() - self.started
        if self.tty:
            self.out.write("")
        self.out.write(f"  {self.label}: {self.done:,} rows in {elapsed:.1f}s")


class _Out:
    """``stdout`` of a management command, or plain ``sys.stdout``."""

    def __init__(self, out):
        self._out = out or sys.stdout

    def write(self, text: str, ending: str = "\n") -> None:
        if hasattr(self._out, "style_func"):  # Django's OutputWrapper
            self._out.write(text, ending=ending)
        else:
            self._out.write(text + ending)

    def flush(self) -> None:
        self._out.flush()

    def isatty(self) -> bool:
        return hasattr(self._out, "isatty") and self._out.isatty()


@dataclass
class ScaleContext:
    """What the apps' scale seeders share: sizes, places, people, ids and the loader."""

    scale: str
    size: Size
    out: _Out
    rng: random.Random
    today: datetime.date
    # Starts of the periods the data spans, oldest first; the last is today's.
    period_starts: list[datetime.date] = field(default_factory=list)
    province: OrgUnit = None
    towns: list[OrgUnit] = field(default_factory=list)
    communes_by_town: dict[int, list[int]] = field(default_factory=dict)
    commune_town: dict[int, int] = field(default_factory=dict)
    commune_names: dict[int, str] = field(default_factory=dict)
    town_staff: dict[int, int] = field(default_factory=dict)
    admin: User = None
    password_hash: str = ""
    # What one app hands to the next (collaborators, periods, topics, reports).
    shared: dict = field(default_factory=dict)
    _next_ids: dict = field(default_factory=dict)

    def log(self, text: str) -> None:
        self.out.write(text)

    def progress(self, label: str, total: int) -> Progress:
        return Progress(self.out, label, total)

    def ids(self, model, count: int) -> range:
        """``count`` fresh primary keys for ``model``, after any that exist."""
        table = model._meta.db_table
        start = self._next_ids.get(table)
        if start is None:
            start = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        self._next_ids[table] = start + count
        return range(start, start + count)

    def load(self, model, columns: list[str], rows, progress=None) -> int:
        """Stream ``rows`` (tuples in ``columns`` order) into ``model``'s table."""
        table = model._meta.db_table
        attnames = {f.name: f.column for f in model._meta.concrete_fields}
        attnames.update({f.attname: f.column for f in model._meta.concrete_fields})
        db_columns = [attnames.get(name, name) for name in columns]
        if connection.vendor == "postgresql":
            return _copy(table, db_columns, rows, progress)
        return _insert(table, db_columns, rows, progress)

    def reset_sequences(self, *models) -> None:
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for model in models:
                table = model._meta.db_table
                # Table names come from the models, never from input.
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
                )

    def aware(self, day: datetime.date, minutes: int = 8 * 60) -> datetime.datetime:
        """A moment on ``day``, ``minutes`` after midnight, local time."""
        naive = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(
            minutes=minutes
        )
        return timezone.make_aware(naive)

    def person_name(self, gender: str) -> str:
        rng = self.rng
        return " ".join(
            [
                rng.choice(FAMILY_NAMES),
                rng.choice(MIDDLE_NAMES[gender]),
                rng.choice(GIVEN_NAMES[gender]),
            ]
        )


_CHUNK = 20_000


def _encode(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _copy(table, columns, rows, progress) -> int:
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    total = 0
    buffer = io.StringIO()
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2's cursor, for copy_expert

        def flush():
            buffer.seek(0)
            raw.copy_expert(sql, buffer)
            buffer.seek(0)
            buffer.truncate()

        for row in rows:
            buffer.write("\t".join(_encode(value) for value in row))
            buffer.write("\n")
            count += 1
            if count == _CHUNK:
                flush()
                total += count
                if progress:
                    progress.advance(count)
                count = 0
        if count:
            flush()
            total += count
            if progress:
                progress.advance(count)
    return total


def _insert(table, columns, rows, progress) -> int:
    # Table and column names come from the models, never from input.
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
    total = 0
    batch = []

    def prepare(value):
        if isinstance(value, list | dict):
            return json.dumps(value, ensure_ascii=False)
        return value

    with connection.cursor() as cursor:
        for row in rows:
            batch.append([prepare(value) for value in row])
            if len(batch) == _CHUNK:
                cursor.executemany(sql, batch)
                total += len(batch)
                if progress:
                    progress.advance(len(batch))
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            total += len(batch)
            if progress:
                progress.advance(len(batch))
    return total


def already_seeded() -> bool:
    return OrgUnit.objects.filter(name=PROVINCE_NAME, parent=None).exists()


def seed_places(ctx: ScaleContext) -> None:
    """The province, its towns and communes, and the accounts that run them."""
    size, rng = ctx.size, ctx.rng
    ctx.province = OrgUnit.objects.create(
        name=PROVINCE_NAME, kind=OrgUnit.Kind.PROVINCE, parent=None
    )
    pairs = [(a, b) for a in PLACE_SYLLABLES for b in PLACE_SYLLABLES if a != b]
    rng.shuffle(pairs)
    town_names = [f"{a} {b}" for a, b in pairs[: size.towns]]
    ctx.towns = [
        OrgUnit(
            name=("Thị xã " if i % 5 == 0 else "Huyện ") + name,
            kind=OrgUnit.Kind.TOWN,
            parent=ctx.province,
        )
        for i, name in enumerate(town_names)
    ]
    for town in ctx.towns:
        town.save()
    # Towns differ in size: a few large ones, most of middling size.
    weights = [rng.uniform(0.6, 1.6) for _ in ctx.towns]
    scale = size.communes / sum(weights)
    counts = [max(2, round(w * scale)) for w in weights]
    counts[0] += size.communes - sum(counts)
    commune_pairs = pairs[size.towns :]
    ids = iter(ctx.ids(OrgUnit, size.communes))
    rows = []
    position = 0
    for town, count in zip(ctx.towns, counts, strict=True):
        ctx.communes_by_town[town.pk] = []
        for index in range(count):
            a, b = commune_pairs[position % len(commune_pairs)]
            position += 1
            prefix = "Phường" if index % 4 == 0 else "Xã"
            name = f"{prefix} {a} {b}"
            pk = next(ids)
            path = f"{town.path}{pk}/"
            rows.append(
                (
                    pk,
                    name,
                    OrgUnit.Kind.COMMUNE,
                    town.pk,
                    path,
                    2,
                    True,
                    fold_parts(name),
                )
            )
            ctx.communes_by_town[town.pk].append(pk)
            ctx.commune_town[pk] = town.pk
            ctx.commune_names[pk] = name
    ctx.load(
        OrgUnit,
        [
            "id",
            "name",
            "kind",
            "parent_id",
            "path",
            "depth",
            "is_active",
            "search_text",
        ],
        rows,
    )
    ctx.reset_sequences(OrgUnit)
    ctx.log(f"  {len(ctx.towns)} towns, {len(rows)} communes")


def seed_accounts(ctx: ScaleContext) -> None:
    """Staff and leaders at the province, in each town and in one commune."""
    ctx.password_hash = make_password(DEMO_PASSWORD)
    first_town = ctx.towns[0]
    first_commune = OrgUnit.objects.get(pk=ctx.communes_by_town[first_town.pk][0])
    people = [
        ("bench_admin", "Quản trị hệ thống tỉnh", User.Role.ADMIN, ctx.province, True),
        ("tinh_canbo", "Lê Thị Minh Nguyệt", User.Role.STAFF, ctx.province, False),
        ("tinh_lanhdao", "Nguyễn Văn Thành", User.Role.LEADER, ctx.province, False),
        ("huyen_canbo", "Phạm Thị Thu Hà", User.Role.STAFF, first_town, False),
        ("huyen_lanhdao", "Trịnh Văn Quang", User.Role.LEADER, first_town, False),
        ("xa_canbo", "Đỗ Văn Hiếu", User.Role.STAFF, first_commune, False),
        ("xa_lanhdao", "Mai Thị Hạnh", User.Role.LEADER, first_commune, False),
    ]
    for username, full_name, role, unit, superuser in people:
        user = User(
            username=username,
            full_name=full_name,
            role=role,
            org_unit=unit,
            is_superuser=superuser,
            is_staff=superuser,
            email=f"{username}@thanhhoa.example.vn",
            password=ctx.password_hash,
        )
        user.save()
        if username == "bench_admin":
            ctx.admin = user
    # Every other town has one officer who reviews its reports.
    rows = []
    ids = iter(ctx.ids(User, len(ctx.towns)))
    for index, town in enumerate(ctx.towns):
        pk = next(ids)
        gender = "female" if index % 2 else "male"
        rows.append(
            (
                pk,
                f"canbo{index + 1:02d}",
                ctx.person_name(gender),
                User.Role.STAFF,
                town.pk,
                ctx.password_hash,
                "",
                "",
                "",
                "",
                False,
                False,
                True,
                timezone.now(),
            )
        )
        ctx.town_staff[town.pk] = pk
    ctx.load(User, _USER_COLUMNS, rows)
    ctx.reset_sequences(User)


_USER_COLUMNS = [
    "id",
    "username",
    "full_name",
    "role",
    "org_unit_id",
    "password",
    "first_name",
    "last_name",
    "email",
    "phone",
    "is_superuser",
    "is_staff",
    "is_active",
    "date_joined",
]

USER_COLUMNS = _USER_COLUMNS


def make_context(scale: str, stdout=None) -> ScaleContext:
    today = timezone.localdate()
    return ScaleContext(
        scale=scale,
        size=SIZES[scale],
        out=_Out(stdout),
        rng=random.Random(20190607),
        today=today,
        period_starts=period_starts_back(today, SIZES[scale].periods),
    )


def faster_bulk_load():
    """Loosen durability for this transaction only: the seed can simply be rerun."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL statement_timeout = 0")


def _product_tables() -> list[str]:
    from django.apps import apps

    from dluan.registry import PRODUCT_APPS

    tables = []
    for label in ("dluan", *PRODUCT_APPS):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            tables.append(model._meta.db_table)
    return tables


def _drop_secondary_indexes(ctx: ScaleContext) -> list[str]:
    """Drop the plain indexes of the product's tables; return how to rebuild them.

    Building an index once over a million rows is many times faster than
    updating it a row at a time. Unique indexes stay: they guard the data.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(x.indexrelid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary
            """,
            [_product_tables()],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def _skip_foreign_key_checks() -> None:
    """Rows are made consistent by construction; skip per-row checks if allowed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


def run(scale: str, stdout=None) -> bool:
    """Seed the province at ``scale``; False when it is there already."""
    from importlib import import_module

    from django.db import transaction

    from dluan.registry import PRODUCT_APPS

    ctx = make_context(scale, stdout)
    if already_seeded():
        ctx.log(f"{PROVINCE_NAME} is seeded already; nothing to do.")
        return False
    started = time.monotonic()
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        faster_bulk_load()
        indexes = []
        if postgres:
            _skip_foreign_key_checks()
            indexes = _drop_secondary_indexes(ctx)
        ctx.log(f"Seeding {PROVINCE_NAME} at scale {scale!r}…")
        seed_places(ctx)
        seed_accounts(ctx)
        for app in PRODUCT_APPS:
            ctx.log(f"Seeding {app}…")
            import_module(f"{app}.scale").seed(ctx)
        if indexes:
            bar = ctx.progress("rebuilding indexes", len(indexes))
            with connection.cursor() as cursor:
                for definition in indexes:
                    cursor.execute(definition)
                    bar.advance()
            bar.finish()
    if postgres:
        # Statistics for the planner, and the visibility map that lets the
        # covering indexes answer without visiting the rows.
        ctx.log("Vacuuming and updating the planner's statistics…")
        with connection.cursor() as cursor:
            # VACUUM cannot run inside a transaction (a test's, say): ANALYZE can.
            cursor.execute(
                "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            )
    # What reads the loaded rows (an app's ``finish``) runs on indexed, analysed
    # tables.
    with transaction.atomic():
        for app in PRODUCT_APPS:
            finish = getattr(import_module(f"{app}.scale"), "finish", None)
            if finish is not None:
                ctx.log(f"Finishing {app}…")
                finish(ctx)
    ctx.log(f"Seeded in {time.monotonic() - started:.0f}s.")
    return True
