"""Import a board's roster workbook through the real views, timed, in a process of
its own; and the office workbook it imports.

    python bench/roster_import.py USERNAME WORKBOOK

Signs in as USERNAME (a staff member) with Django's test client and walks the
import as an officer does: upload, the columns page, the columns as proposed, the
preview, the import of the valid rows. All of it inside one transaction rolled back
at the end: the bench database keeps its roster.

Prints one JSON line: ``{"rows", "imported", "seconds", "cpu_seconds", "steps",
"peak_mb"}``, ``steps`` the seconds of each page, the peak being the process's
largest resident set over its whole life (``VmHWM``), Django's start included.
"""

import datetime
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the project imports

from bench.core import peak_mb  # noqa: E402 - after the path is set

HEADINGS = [
    "STT",
    "Họ và tên",
    "Giới tính",
    "Năm sinh",
    "Số điện thoại",
    "Email",
    "Đơn vị",
    "Địa bàn phụ trách",
    "Nghề nghiệp",
    "Chức vụ",
    "Đảng viên",
    "Nghỉ hưu",
    "Số QĐ",
    "Ngày QĐ",
    "Từ ngày",
    "Đến ngày",
    "Phụ cấp",
    "Ghi chú",
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng"]
GIVEN = ["Văn An", "Thị Bình", "Hữu Cường", "Thị Dung", "Minh Đức", "Thị Hoa"]


def office_workbook(path: Path, *, units: list[str], rows: int) -> None:
    """A roster as a board keeps it: the title block, the header, a row of column
    numbers, ``rows`` collaborators (dates as dates), the place-and-date line and
    the signatures."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách CTV")
    sheet.append(["BAN TUYÊN GIÁO VÀ DÂN VẬN"])
    sheet.append(["DANH SÁCH CỘNG TÁC VIÊN DƯ LUẬN XÃ HỘI NĂM 2026"])
    sheet.append([])
    sheet.append(HEADINGS)
    sheet.append([f"({index})" for index in range(1, len(HEADINGS) + 1)])
    start = datetime.date(2025, 3, 1)
    for index in range(rows):
        unit = units[index % len(units)]
        sheet.append(
            [
                index + 1,
                f"{SURNAMES[index % len(SURNAMES)]} {GIVEN[index % len(GIVEN)]} "
                f"{index:04d}",
                "Nữ" if index % 2 else "Nam",
                1950 + index % 50,
                f"0399{index:06d}",
                f"ctv.bench.{index}@example.vn" if index % 3 == 0 else None,
                unit,
                unit,
                "giáo viên" if index % 4 else "hưu trí",
                "tổ trưởng tổ dân phố",
                "x" if index % 3 else None,
                "x" if index % 4 == 0 else None,
                f"{100 + index % 50}-QĐ/BTG",
                start,
                start,
                start.replace(year=2027),
                500000,
                "Nhập từ danh sách của ban" if index % 10 == 0 else None,
            ]
        )
    sheet.append([])
    sheet.append([None, None, None, None, None, None, None, None, None, None,
                  "Hương Trà, ngày 05 tháng 01 năm 2026"])  # fmt: skip
    sheet.append([None, "Người lập biểu", None, None, None, None, None, None, None,
                  None, "TRƯỞNG BAN"])  # fmt: skip
    workbook.save(path)


def run(username: str, workbook: Path) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from collaborators.models import Collaborator, ImportDraft
    from collaborators.spreadsheets import Sheet, remembered_mapping
    from dluan.models import User

    steps: dict[str, float] = {}

    def page(response, expected: int, step: str):
        if response.status_code != expected:
            raise SystemExit(f"{step}: answered {response.status_code}")
        steps[step] = time.perf_counter() - started - sum(steps.values())
        return response

    user = User.objects.get(username=username)
    client = Client(SERVER_NAME="localhost")
    data = workbook.read_bytes()
    started, cpu = time.perf_counter(), time.process_time()
    with transaction.atomic():
        before = Collaborator.objects.count()
        client.force_login(user)
        upload = client.post(
            reverse("collaborators:import-upload"),
            {"file": SimpleUploadedFile(workbook.name, data)},
        )
        columns_url = page(upload, 302, "upload")["Location"]
        page(client.get(columns_url), 200, "columns page")
        # The columns as the page proposes them (its form's initial values).
        sheet = Sheet.from_json(ImportDraft.objects.get(user=user).sheet)
        proposal = sheet.proposal(remembered_mapping(user.org_unit))
        rows = len(sheet.mapped_rows(proposal))
        chosen = {f"column_{index}": key for index, key in enumerate(proposal)}
        preview_url = page(client.post(columns_url, chosen), 302, "columns")["Location"]
        page(client.get(preview_url), 200, "preview")
        page(client.post(preview_url, {"mode": "valid"}), 302, "import")
        imported = Collaborator.objects.count() - before
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        transaction.set_rollback(True)
    return {
        "rows": rows,
        "imported": imported,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "steps": {step: round(seconds, 3) for step, seconds in steps.items()},
    }


def main(username: str, workbook: str) -> None:
    import django

    django.setup()
    result = run(username, Path(workbook))
    print(json.dumps({**result, "peak_mb": peak_mb()}))


if __name__ == "__main__":
    main(*sys.argv[1:])
