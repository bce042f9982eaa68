"""Shared fixtures for the reports tests."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from reports import services
from reports.tests.factories import (
    IssueFactory,
    OpinionReportFactory,
    OpinionStreamFactory,
    TopicFactory,
)


@pytest.fixture
def topic(db):
    return TopicFactory(name="Khai thác cát, sỏi trái phép")


@pytest.fixture
def report(collaborator):
    """A submitted report by ``collaborator`` with one opposing stream."""
    report = OpinionReportFactory(author=collaborator.collaborator)
    OpinionStreamFactory(report=report)
    return report


@pytest.fixture
def other_report(other_collaborator):
    report = OpinionReportFactory(author=other_collaborator.collaborator)
    OpinionStreamFactory(report=report)
    return report


@pytest.fixture
def issue(town, staff):
    return IssueFactory(unit=town, created_by=staff)


def stream_post(index=0, **values) -> dict:
    data = {
        "summary": "Người dân bức xúc vì ghe hút cát hoạt động ban đêm.",
        "direction": "oppose",
        "breadth": "3",
        "intensity": "2",
    }
    data.update(values)
    return {f"streams-{index}-{key}": value for key, value in data.items()}


def report_post(area, *, streams=None, **values) -> dict:
    """A complete POST for the report form, with one opposing stream by default."""
    streams = [stream_post()] if streams is None else streams
    data = {
        "kind": "periodic",
        "urgency": "1",
        "title": "Sạt lở bờ sông Bồ",
        "area": str(area.pk),
        "occurred_on": "",
        "description": "Bờ sông sạt lở sau mùa mưa.",
        "proposals": "Đề nghị kè bờ sông.",
        "streams-TOTAL_FORMS": str(len(streams)),
        "streams-INITIAL_FORMS": "0",
        "streams-MIN_NUM_FORMS": "0",
        "streams-MAX_NUM_FORMS": "1000",
    }
    for stream in streams:
        data.update(stream)
    data.update(values)
    return data


def jpeg_with_gps(name="anh.jpg") -> SimpleUploadedFile:
    """A small JPEG whose EXIF names a camera and a GPS position."""
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    gps = {1: "N", 2: (16.0, 30.0, 0.0), 3: "E", 4: (107.0, 30.0, 0.0)}
    exif[0x8825] = gps
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def linked(report, other_report, issue, staff):
    """``issue``, with a report from each collaborator linked to it by staff."""
    services.report_link_issue(report=report, issue=issue, user=staff)
    services.report_link_issue(report=other_report, issue=issue, user=staff)
    return issue
