"""A hand-written snapshot in the shape of ``summaries.snapshot`` (schema 1), for
the formatters' tests: they render it without compiling anything."""


def fig(value, previous=None):
    return {"value": value, "previous": previous}


def _rates(expected, on_time, late, missing, pending=0, prev=(None, None)):
    done = on_time + late
    return {
        "expected": expected,
        "on_time": on_time,
        "late": late,
        "missing": missing,
        "pending": pending,
        "reporting_rate": round(100 * done / expected, 1) if expected else None,
        "on_time_rate": round(100 * on_time / expected, 1) if expected else None,
        "previous_reporting_rate": prev[0],
        "previous_on_time_rate": prev[1],
    }


def _issue(pk, title, reports, streams, negative, communes, **extra):
    row = {
        "id": pk,
        "title": title,
        "unit": "Thị xã Hương Trà",
        "status": "handling",
        "severity": 3,
        "reports": reports,
        "streams": streams,
        "negative_streams": negative,
        "negative_share": round(100 * negative / streams, 1) if streams else None,
        "communes": communes,
        "first_seen": "2026-09-03",
        "last_seen": "2026-10-21",
        "days_open": 58,
    }
    row.update(extra)
    return row


def sample_snapshot() -> dict:
    landfill = _issue(
        11,
        "Ô nhiễm mùi từ bãi rác Thủy Phương ảnh hưởng khu dân cư",
        14,
        22,
        19,
        4,
    )
    compensation = _issue(
        12,
        "Chậm chi trả bồi thường giải phóng mặt bằng đường Tứ Hạ – Hương Vân",
        9,
        12,
        8,
        2,
        status="monitoring",
        severity=2,
    )
    flood = _issue(
        13,
        "Sạt lở bờ sông Bồ đoạn qua phường Hương Văn",
        6,
        8,
        7,
        3,
        status="new",
        first_seen="2026-10-02",
        days_open=29,
    )
    return {
        "schema": 1,
        "unit": {"id": 2, "name": "Thị xã Hương Trà"},
        "period": {
            "id": 7,
            "start": "2026-09-01",
            "end": "2026-10-31",
            "deadline": "2026-10-25",
        },
        "previous_period": {
            "id": 6,
            "start": "2026-07-01",
            "end": "2026-08-31",
            "deadline": "2026-08-25",
        },
        "compiled_at": "2026-10-27T08:15:00+07:00",
        "lingering_days": 60,
        "reports": {
            "total": fig(86, 71),
            "periodic": fig(74, 65),
            "urgent": fig(12, 6),
            "accepted": fig(80, 69),
            "rumour": fig(3, 1),
            "with_proposals": fig(41, 30),
            "one_sided": fig(9, 14),
            "one_sided_share": fig(10.5, 19.7),
        },
        "directions": {
            "support": fig(61, 58),
            "oppose": fig(38, 22),
            "concern": fig(44, 30),
            "unclear": fig(7, 9),
            "total": fig(150, 119),
            "negative_share": fig(54.7, 43.7),
        },
        "discipline": {
            "own": _rates(0, 0, 0, 0),
            "total": _rates(20, 15, 3, 2, prev=(85.0, 70.0)),
            "children": [
                {"unit_id": 3, "name": "Phường Tứ Hạ", **_rates(4, 4, 0, 0)},
                {"unit_id": 4, "name": "Phường Hương Văn", **_rates(3, 2, 1, 0)},
                {"unit_id": 5, "name": "Xã Hương Toàn", **_rates(3, 1, 1, 1)},
                {"unit_id": 6, "name": "Xã Bình Tiến", **_rates(0, 0, 0, 0)},
            ],
        },
        "topics": [
            {
                "id": 1,
                "name": "Môi trường",
                "support": 4,
                "oppose": 20,
                "concern": 15,
                "unclear": 1,
                "total": 40,
                "previous_total": 21,
            },
            {
                "id": 2,
                "name": "Đất đai, giải phóng mặt bằng",
                "support": 6,
                "oppose": 12,
                "concern": 10,
                "unclear": 2,
                "total": 30,
                "previous_total": 33,
            },
            {
                "id": 3,
                "name": "Kinh tế, đời sống",
                "support": 25,
                "oppose": 3,
                "concern": 12,
                "unclear": 2,
                "total": 42,
                "previous_total": 40,
            },
        ],
        "issues": {
            "open": fig(7, 6),
            "new": fig(2, 3),
            "lingering": fig(1, 1),
            "by_volume": [landfill, compensation, flood],
            "by_negative_share": [landfill, flood, compensation],
            "by_communes": [landfill, flood, compensation],
            "new_items": [flood],
            "lingering_items": [compensation],
        },
        "follow_ups": {
            "resolved": fig(3, 2),
            "overdue": fig(1, 2),
            "resolved_items": [
                {
                    "id": 21,
                    "issue_id": 11,
                    "issue_title": landfill["title"],
                    "agency": "Phòng Tài nguyên và Môi trường",
                    "request": "Kiểm tra, xử lý mùi hôi tại bãi rác",
                    "due_date": "2026-10-15",
                    "responded_on": "2026-10-12",
                    "response": "Đã phun chế phẩm khử mùi, che phủ ô chôn lấp số 3.",
                    "days_overdue": 0,
                }
            ],
            "overdue_items": [
                {
                    "id": 22,
                    "issue_id": 12,
                    "issue_title": compensation["title"],
                    "agency": "Trung tâm Phát triển quỹ đất",
                    "request": "Báo cáo tiến độ chi trả cho 14 hộ còn lại",
                    "due_date": "2026-10-10",
                    "responded_on": None,
                    "response": "",
                    "days_overdue": 21,
                }
            ],
        },
        "proposals": [
            {
                "report_id": 501,
                "title": "Người dân phản ánh mùi hôi bãi rác",
                "text": "Đề nghị thị xã sớm di dời bãi rác hoặc xử lý triệt để mùi.",
                "area": "Phường Hương Văn",
                "author": "Trần Thị Hoa",
                "urgency": 2,
                "submitted_at": "2026-09-12T09:30:00+07:00",
            }
        ],
        "meetings": {
            "held": fig(1, 1),
            "invited": 20,
            "present": 16,
            "excused": 3,
            "absent": 1,
            "attendance_rate": fig(80.0, 75.0),
            "items": [
                {
                    "id": 31,
                    "title": "Giao ban cộng tác viên dư luận xã hội kỳ tháng 9–10",
                    "unit": "Thị xã Hương Trà",
                    "starts_at": "2026-10-28T08:00:00+07:00",
                    "present": 16,
                    "excused": 3,
                    "absent": 1,
                }
            ],
        },
        "warnings": {
            "total": fig(3, 1),
            "by_kind": {"negative_jump": 1, "spread": 1, "silent_area": 1},
            "items": [
                {
                    "id": 41,
                    "kind": "spread",
                    "title": "Bãi rác Thủy Phương được phản ánh từ 4 xã, phường",
                    "unit": "Thị xã Hương Trà",
                    "raised_at": "2026-09-20T06:15:00+07:00",
                }
            ],
        },
        "sub_summaries": [
            {
                "summary_id": 91,
                "unit_id": 3,
                "unit": "Phường Tứ Hạ",
                "version": 1,
                "approved_at": "2026-10-26T10:00:00+07:00",
                "reports": 18,
                "negative_share": 48.0,
                "reporting_rate": 100.0,
            }
        ],
        "quote_candidates": [
            {
                "stream_id": 701,
                "report_id": 501,
                "title": "Người dân phản ánh mùi hôi bãi rác",
                "text": "Nhiều hộ dân bức xúc vì mùi hôi nồng nặc vào buổi tối, "
                "trẻ em phải đóng cửa ngủ.",
                "direction": "oppose",
                "breadth": 4,
                "intensity": 3,
                "area": "Phường Hương Văn",
                "social_groups": ["farmers", "elderly"],
                "author": "Trần Thị Hoa",
            }
        ],
    }
