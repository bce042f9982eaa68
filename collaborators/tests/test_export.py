import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from collaborators.tests.factories import CollaboratorFactory

EXPORT = reverse("collaborators:collaborator-export")


def _sheet(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def test_export_has_the_filtered_roster(client_of, staff, commune, other_commune):
    CollaboratorFactory(full_name="Nguyễn Văn An", unit=commune)
    CollaboratorFactory(full_name="Lê Thị Bé", unit=other_commune)
    response = client_of(staff).get(EXPORT, {"unit": commune.pk})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = _sheet(response)
    assert [row[0] for row in rows[1:]] == ["Nguyễn Văn An"]


def test_export_leaves_out_other_units(client_of, other_staff, commune):
    CollaboratorFactory(unit=commune)
    rows = _sheet(client_of(other_staff).get(EXPORT))
    assert len(rows) == 1  # the header only


def test_export_cells_cannot_be_formulas(client_of, staff, commune):
    name = '=HYPERLINK("http://evil.example","bấm vào")'
    CollaboratorFactory(full_name=name, unit=commune, occupation="+1+1", notes="@x")
    response = client_of(staff).get(EXPORT)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    values = [cell.value for cell in cells]
    assert "'" + name in values
    assert "'+1+1" in values


@pytest.mark.parametrize("size", [10, 200])
def test_export_query_count_does_not_grow(
    client_of, staff, commune, django_assert_num_queries, size
):
    for _index in range(size):
        CollaboratorFactory(unit=commune).coverage_areas.add(commune)
    client = client_of(staff)
    # 6, and the audit trail's insert.
    with django_assert_num_queries(7):
        response = client.get(EXPORT)
    assert len(_sheet(response)) == size + 1
