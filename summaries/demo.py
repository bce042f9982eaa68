"""The demo's summaries: the town's past periods approved, with the board's text,
and a draft of the current period, so the dashboard has a trend to draw."""

from django.utils import timezone

from reports.models import ReportingPeriod
from summaries import services
from summaries.models import Summary

# Periods before the last one compiled and approved too, for the trend.
EARLIER_PERIODS = 2

LAST = {
    "number": "Số 45-BC/BTGTU",
    "sign_title": "TRƯỞNG BAN",
    "signer": "Lê Thị Thu Hương",
    "general_situation": (
        "Trong kỳ, tình hình tư tưởng của cán bộ, đảng viên và Nhân dân trên địa bàn "
        "thị xã cơ bản ổn định; đa số đồng tình với các chủ trương của Thị ủy về "
        "phát triển kinh tế – xã hội, chỉnh trang đô thị và chuyển đổi số.\n\n"
        "Mạng lưới cộng tác viên duy trì chế độ báo cáo; một số phường, xã còn nộp "
        "chậm, chất lượng báo cáo ở một số địa bàn chưa cao, còn thiên về phản ánh "
        "mặt tích cực."
    ),
    "prominent_opinion": (
        "Về môi trường: dư luận bức xúc kéo dài về mùi hôi từ bãi rác Thủy Phương "
        "và tình trạng khai thác cát trái phép trên sông Bồ, nhất là ở Hương Văn, "
        "Hương Xuân và Hương Chữ.\n\n"
        "Về đất đai: người dân băn khoăn về tiến độ cấp giấy chứng nhận quyền sử "
        "dụng đất và chi trả bồi thường giải phóng mặt bằng tuyến đường Tứ Hạ – "
        "Hương Vân."
    ),
    "forecast": (
        "Thời gian tới, dư luận về môi trường có thể tiếp tục gia tăng vào mùa mưa "
        "lũ; việc chi trả bồi thường nếu chậm sẽ dễ phát sinh khiếu nại đông người."
    ),
    "recommendations": (
        "1. Đề nghị Ban Thường vụ Thị ủy chỉ đạo UBND thị xã kiểm tra, xử lý dứt "
        "điểm mùi hôi bãi rác Thủy Phương, công khai kết quả cho Nhân dân biết.\n"
        "2. Chỉ đạo lực lượng chức năng tăng cường tuần tra, xử lý khai thác cát "
        "trái phép trên sông Bồ.\n"
        "3. Đẩy nhanh tiến độ cấp giấy chứng nhận quyền sử dụng đất, chi trả bồi "
        "thường đúng cam kết."
    ),
}


def _compiled(ctx, period) -> Summary | None:
    summary = services.summary_request(
        unit=ctx.town, period=period, user=ctx.staff, enqueue=False
    )
    if summary.status == Summary.Status.QUEUED:
        # Every demo version is edited next: its brief is rendered once, then.
        services.summary_compile(summary_id=summary.pk, render_brief=False)
        summary.refresh_from_db()
    return summary if summary.is_compiled else None


def seed(ctx) -> None:
    if Summary.objects.filter(unit=ctx.town).exists():
        ctx.log("Summaries: already there.")
        return
    today = timezone.localdate()
    past = list(
        ReportingPeriod.objects.filter(deadline__lt=today).order_by("-start")[
            : EARLIER_PERIODS + 1
        ]
    )[::-1]
    current = ReportingPeriod.objects.current(today)
    for index, period in enumerate(past):
        summary = _compiled(ctx, period)
        if summary is None:
            continue
        text = dict(LAST) if index == len(past) - 1 else {}
        if text:
            candidates = summary.snapshot.get("quote_candidates", [])[:2]
            text["quotes"] = [{"kind": "stream", **quote} for quote in candidates]
        summary = services.summary_edit(
            summary=summary,
            user=ctx.staff,
            data={
                "number": text.get("number", ""),
                "sign_title": "TRƯỞNG BAN",
                "signer": LAST["signer"],
                **text,
            },
        )
        summary = services.summary_approve(summary=summary, user=ctx.staff)
        if index == len(past) - 1:
            services.summary_mark_read(summary=summary, user=ctx.leader)
    if current is not None and current not in past:
        draft = _compiled(ctx, current)
        if draft is not None:
            services.summary_edit(
                summary=draft,
                user=ctx.staff,
                data={
                    "general_situation": (
                        "Bản nháp: tổng hợp giữa kỳ, sẽ hoàn thiện sau hạn nộp báo "
                        "cáo của cộng tác viên."
                    ),
                },
            )
    ctx.log(f"Summaries: {Summary.objects.count()} versions compiled.")
