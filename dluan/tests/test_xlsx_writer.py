"""The .xlsx writer every export uses (``dluan.xlsx.write_workbook``): what a board
opens in Excel is typed, safe and whole.

The hostile-text tests (tests/test_hostile_text.py) cover formulas and control
characters in every export; these cover what the writer itself must keep.
"""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dluan.xlsx import SafeRows, build_workbook, read_rows, write_workbook


def sheets_of(content: bytes) -> dict:
    workbook = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows()]
        for sheet in workbook.worksheets
    }


def test_cells_keep_their_types_and_dates_read_dd_mm_yyyy():
    content = build_workbook(
        [
            (
                "Số liệu",
                ["Mã", "Tỷ lệ", "Ngày", "Có", "Ghi chú"],
                [
                    [7, 12.5, datetime.date(2026, 3, 9), True, "=1+1"],
                    [8, Decimal("3.25"), datetime.date(2026, 12, 31), False, "0012"],
                ],
            )
        ]
    )
    header, first, second = sheets_of(content)["Số liệu"]

    assert [cell.value for cell in header] == ["Mã", "Tỷ lệ", "Ngày", "Có", "Ghi chú"]
    assert header[0].font.b
    assert first[0].value == 7 and first[0].data_type == "n"
    assert first[1].value == 12.5
    assert second[1].value == 3.25
    assert first[2].is_date and first[2].value == datetime.datetime(2026, 3, 9)
    assert first[2].number_format == "dd/mm/yyyy"
    assert first[3].value is True and second[3].value is False
    # Text stays text: quoted before what a spreadsheet would run, digits kept.
    assert first[4].data_type == "s" and first[4].value == "'=1+1"
    assert second[4].data_type == "s" and second[4].value == "0012"


def test_a_sheet_without_rows_keeps_its_header_and_short_rows_are_padded():
    content = build_workbook(
        [
            ("Trống", ["Họ tên", "Đơn vị"], []),
            ("Tổng quan", ["Chỉ tiêu", "Kỳ này", "Kỳ trước"], [["Đơn vị", "Xã A"]]),
        ]
    )
    sheets = sheets_of(content)

    assert [[c.value for c in row] for row in sheets["Trống"]] == [["Họ tên", "Đơn vị"]]
    assert [[c.value for c in row] for row in sheets["Tổng quan"]] == [
        ["Chỉ tiêu", "Kỳ này", "Kỳ trước"],
        ["Đơn vị", "Xã A", None],
    ]


def test_a_row_longer_than_its_header_is_refused_not_cut():
    with pytest.raises(ValueError):
        build_workbook([("Sheet", ["A"], [["a", "b"]])])


def test_repeated_names_stay_apart():
    content = build_workbook(
        [
            ("Danh sách", ["Tên", "Tên"], [["An", "Bình"]]),
            ("Danh sách", ["Tên"], [["Chi"]]),
        ]
    )
    sheets = sheets_of(content)

    assert list(sheets) == ["Danh sách", "Danh sách (2)"]
    assert [[c.value for c in row] for row in sheets["Danh sách"]] == [
        ["Tên", "Tên (2)"],
        ["An", "Bình"],
    ]


def test_rows_stream_to_a_file_and_read_back_through_the_import_reader(tmp_path):
    def rows():
        for number in range(1, 3001):
            yield [number, f"Xã số {number}", "-bớt" if number == 3000 else None]

    path = tmp_path / "lon.xlsx"
    with path.open("wb") as fileobj:
        write_workbook(
            [("Dữ liệu", ["Số", "Tên", "Ghi chú"], SafeRows(rows()))], fileobj
        )
    with zipfile.ZipFile(path) as archive:  # a real workbook, whole
        assert "xl/worksheets/sheet1.xml" in archive.namelist()
    from dluan.xlsx import ReadBudget

    with path.open("rb") as upload:
        read = list(
            read_rows(
                upload,
                budget=ReadBudget(
                    rows=5000, columns=10, cells=20000, cell_chars=100, chars=10**6
                ),
            )
        )
    assert read[0] == (1, ("Số", "Tên", "Ghi chú"))
    assert read[1] == (2, (1, "Xã số 1"))
    # SafeRows are written as given: their builder made them safe.
    assert read[-1] == (3001, (3000, "Xã số 3000", "-bớt"))
