"""Demo reports for Hương Trà: several periods, every direction, issues and follow-up.

Safe to run twice: each report is looked up by author and title before it is made.
"""

import datetime

from django.utils import timezone

from collaborators.models import Collaborator
from reports import demo_history, services
from reports.models import (
    FocusTopic,
    Issue,
    OpinionReport,
    OpinionStream,
    ReportEvent,
    Topic,
)

D = OpinionStream.Direction
B = OpinionStream.Breadth
I = OpinionStream.Intensity  # noqa: E741

SAND = "Khai thác cát, sỏi trái phép trên các dòng sông"
LAND = "Đất đai, cấp giấy chứng nhận quyền sử dụng đất"
CREDIT = "Tín dụng đen"
SALARY = "Cải cách chính sách tiền lương"
APPARATUS = "Công tác cán bộ, sắp xếp tổ chức bộ máy"
CORRUPTION = "Phòng, chống tham nhũng, tiêu cực"
ONLINE = "Thông tin xấu, độc trên mạng xã hội"
DRUGS = "Ma túy"
ECONOMY = "Phát triển kinh tế - xã hội"
THEFT = "Trộm cắp tài sản"

# (title, topics, kind, urgency, periods back, day in period, description, proposals,
#  streams, outcome, issue key); outcome: accepted / submitted / returned / draft / rumour
REPORTS = [
    (
        "Ghe hút cát hoạt động ban đêm trên sông Bồ đoạn qua Tứ Hạ",
        [SAND],
        "urgent",
        3,
        0,
        3,
        "Khoảng 23 giờ đêm, nhiều ghe hút cát không số hiệu neo đậu và hút cát ở khu vực "
        "bến đò cũ, tiếng máy ồn ào kéo dài đến sáng. Bờ sông phía tổ dân phố 3 đã sạt "
        "lở thêm khoảng 5 mét.",
        "Đề nghị UBND thị xã chỉ đạo lực lượng chức năng tuần tra ban đêm, xử lý nghiêm "
        "các ghe vi phạm; khảo sát, có phương án kè bờ sông.",
        [
            (
                "Người dân bức xúc vì tình trạng hút cát diễn ra nhiều lần, đã phản ánh nhưng "
                "chưa được xử lý dứt điểm; lo ngại nhà cửa ven sông bị sạt lở.",
                D.OPPOSE,
                B.MAJORITY,
                I.HIGH,
                ["farmers", "elderly"],
                ["direct", "meetings"],
                False,
            ),
            (
                "Một số ý kiến cho rằng có sự bao che của cán bộ địa phương.",
                D.CONCERN,
                B.SOME,
                I.MEDIUM,
                ["party_members"],
                ["direct"],
                True,
            ),
        ],
        "accepted",
        "sand",
    ),
    (
        "Sạt lở bờ sông Bồ ở Hương Vân sau mùa mưa",
        [SAND],
        "periodic",
        1,
        1,
        20,
        "Bờ sông đoạn qua thôn Liễu Cốc Thượng sạt lở nghiêm trọng, người dân cho rằng "
        "do khai thác cát quá mức ở thượng nguồn.",
        "Kiến nghị tạm dừng cấp phép khai thác cát trên đoạn sông này.",
        [
            (
                "Nhân dân ủng hộ việc thị xã ra quân kiểm tra các bến bãi cát.",
                D.SUPPORT,
                B.MANY,
                I.MEDIUM,
                ["farmers"],
                ["meetings"],
                False,
            ),
            (
                "Nhiều hộ lo ngại mùa mưa tới đất vườn sẽ tiếp tục bị cuốn trôi.",
                D.CONCERN,
                B.MAJORITY,
                I.HIGH,
                ["farmers", "elderly"],
                ["direct"],
                False,
            ),
        ],
        "accepted",
        "sand",
    ),
    (
        "Xe chở cát quá tải làm hư hỏng đường liên xã Hương Toàn",
        [SAND, ECONOMY],
        "periodic",
        1,
        2,
        15,
        "Xe tải chở cát chạy liên tục, đường bê tông mới làm đã nứt, bụi bặm ảnh hưởng "
        "học sinh đi học.",
        "Đề nghị cắm biển hạn chế tải trọng và kiểm tra các xe chở quá tải.",
        [
            (
                "Phụ huynh học sinh phản đối việc xe tải chạy giờ tan trường.",
                D.OPPOSE,
                B.MANY,
                I.HIGH,
                ["workers", "farmers"],
                ["direct", "social_media"],
                False,
            ),
        ],
        "accepted",
        "sand",
    ),
    (
        "Hồ sơ cấp giấy chứng nhận quyền sử dụng đất chậm trả kết quả",
        [LAND],
        "periodic",
        1,
        2,
        10,
        "Nhiều hộ dân nộp hồ sơ cấp đổi giấy chứng nhận từ đầu năm đến nay chưa nhận "
        "được kết quả, phải đi lại nhiều lần.",
        "Đề nghị Chi nhánh Văn phòng đăng ký đất đai công khai tiến độ giải quyết từng hồ sơ.",
        [
            (
                "Người dân không hài lòng vì thủ tục kéo dài, thiếu thông tin.",
                D.OPPOSE,
                B.MANY,
                I.MEDIUM,
                ["farmers", "elderly"],
                ["direct"],
                False,
            ),
            (
                "Một số người cho rằng phải có 'chi phí bôi trơn' mới nhanh.",
                D.CONCERN,
                B.SOME,
                I.MEDIUM,
                ["business"],
                ["phone"],
                True,
            ),
        ],
        "accepted",
        "land",
    ),
    (
        "Người dân phấn khởi khi nhận giấy chứng nhận quyền sử dụng đất",
        [LAND],
        "periodic",
        1,
        0,
        12,
        "Sau đợt rà soát, 47 hộ ở Hương Chữ đã nhận giấy chứng nhận quyền sử dụng đất.",
        "",
        [
            (
                "Nhân dân phấn khởi, đánh giá cao sự vào cuộc của chính quyền.",
                D.SUPPORT,
                B.MAJORITY,
                I.MEDIUM,
                ["farmers"],
                ["meetings"],
                False,
            ),
        ],
        "submitted",
        "land",
    ),
    (
        "Tín dụng đen cho vay góp ngày ở chợ Tứ Hạ",
        [CREDIT],
        "periodic",
        2,
        1,
        8,
        "Xuất hiện nhiều tờ rơi cho vay nhanh, lãi suất góp ngày rất cao; một số tiểu "
        "thương đã bị đe dọa khi chậm trả.",
        "Đề nghị công an phường vào cuộc, ngân hàng chính sách mở rộng cho vay vốn ưu đãi.",
        [
            (
                "Tiểu thương lo sợ, không dám tố giác vì bị đe dọa.",
                D.CONCERN,
                B.MANY,
                I.HIGH,
                ["business"],
                ["direct"],
                False,
            ),
            (
                "Người dân đồng tình với việc công an ra quân bóc gỡ tờ rơi.",
                D.SUPPORT,
                B.MAJORITY,
                I.MEDIUM,
                ["business", "elderly"],
                ["direct"],
                False,
            ),
        ],
        "accepted",
        "credit",
    ),
    (
        "Nhóm đòi nợ thuê xuất hiện ở Hương Văn",
        [CREDIT],
        "urgent",
        2,
        0,
        5,
        "Một nhóm thanh niên lạ mặt đến nhà một hộ dân tạt sơn, đòi nợ.",
        "Đề nghị điều tra, xử lý nghiêm, bảo vệ người bị đe dọa.",
        [
            (
                "Bà con hoang mang, lo ngại mất an ninh trật tự.",
                D.CONCERN,
                B.MAJORITY,
                I.HIGH,
                ["elderly", "farmers"],
                ["direct", "social_media"],
                False,
            ),
        ],
        "submitted",
        "credit",
    ),
    (
        "Dư luận về lộ trình cải cách tiền lương",
        [SALARY],
        "periodic",
        1,
        0,
        6,
        "Cán bộ, giáo viên quan tâm thời điểm áp dụng bảng lương mới.",
        "Đề nghị tuyên truyền rõ lộ trình, tránh thông tin thất thiệt.",
        [
            (
                "Cán bộ, công chức đồng tình với chủ trương cải cách tiền lương.",
                D.SUPPORT,
                B.OVERWHELMING,
                I.MEDIUM,
                ["officials", "intellectuals"],
                ["meetings", "press"],
                False,
            ),
            (
                "Giáo viên băn khoăn phụ cấp thâm niên có bị cắt hay không.",
                D.CONCERN,
                B.MANY,
                I.MEDIUM,
                ["intellectuals"],
                ["social_media"],
                False,
            ),
        ],
        "accepted",
        None,
    ),
    (
        "Tin đồn cắt phụ cấp của cán bộ không chuyên trách",
        [SALARY, ONLINE],
        "periodic",
        1,
        0,
        9,
        "Trên Facebook lan truyền thông tin toàn bộ cán bộ không chuyên trách cấp xã sẽ "
        "bị cho nghỉ việc không có chế độ.",
        "",
        [
            (
                "Thông tin chưa kiểm chứng, gây hoang mang cho cán bộ thôn, tổ dân phố.",
                D.UNCLEAR,
                B.SOME,
                I.MEDIUM,
                ["officials"],
                ["social_media"],
                True,
            ),
        ],
        "rumour",
        None,
    ),
    (
        "Sắp xếp đơn vị hành chính cấp xã",
        [APPARATUS],
        "periodic",
        1,
        0,
        14,
        "Người dân quan tâm việc sáp nhập xã, thay đổi địa chỉ trên giấy tờ.",
        "Đề nghị hướng dẫn thủ tục chuyển đổi giấy tờ miễn phí.",
        [
            (
                "Đa số đồng tình với chủ trương tinh gọn bộ máy.",
                D.SUPPORT,
                B.MAJORITY,
                I.MEDIUM,
                ["party_members", "officials"],
                ["meetings"],
                False,
            ),
            (
                "Lo ngại phải đi xa hơn để làm thủ tục hành chính.",
                D.CONCERN,
                B.MANY,
                I.MEDIUM,
                ["elderly", "farmers"],
                ["direct"],
                False,
            ),
        ],
        "returned",
        None,
    ),
    (
        "Vụ trộm bò ở Hương Thọ",
        [THEFT],
        "periodic",
        1,
        3,
        22,
        "Trong tháng xảy ra 3 vụ mất trộm bò ban đêm.",
        "Đề nghị tăng cường tuần tra, phát huy tổ an ninh tự quản.",
        [
            (
                "Nông dân bức xúc, đề nghị xử lý nghiêm.",
                D.OPPOSE,
                B.MANY,
                I.HIGH,
                ["farmers"],
                ["direct"],
                False,
            ),
        ],
        "accepted",
        None,
    ),
    (
        "Phong trào xây dựng nông thôn mới",
        [ECONOMY],
        "periodic",
        1,
        3,
        18,
        "Người dân hiến đất làm đường, đóng góp xây dựng nhà văn hóa thôn.",
        "",
        [
            (
                "Nhân dân phấn khởi, tích cực tham gia.",
                D.SUPPORT,
                B.OVERWHELMING,
                I.MEDIUM,
                ["farmers", "youth"],
                ["meetings"],
                False,
            ),
        ],
        "accepted",
        None,
    ),
    (
        "Thanh thiếu niên tụ tập sử dụng chất kích thích",
        [DRUGS],
        "periodic",
        2,
        0,
        2,
        "Ghi nhận một số nhóm thanh niên tụ tập ở bãi đất trống gần cầu.",
        "",
        [("", "", None, I.MEDIUM, [], [], False)],
        "draft",
        None,
    ),
    (
        "Xử lý cán bộ sai phạm trong quản lý đất công",
        [CORRUPTION, LAND],
        "periodic",
        1,
        2,
        25,
        "Dư luận quan tâm kết quả thanh tra việc cho thuê đất công ích.",
        "Đề nghị công khai kết luận thanh tra.",
        [
            (
                "Đồng tình với việc xử lý nghiêm cán bộ sai phạm.",
                D.SUPPORT,
                B.MAJORITY,
                I.HIGH,
                ["party_members", "elderly"],
                ["meetings", "press"],
                False,
            ),
            (
                "Một số ý kiến cho rằng xử lý chưa tương xứng.",
                D.OPPOSE,
                B.SOME,
                I.MEDIUM,
                ["intellectuals"],
                ["social_media"],
                False,
            ),
        ],
        "accepted",
        "land",
    ),
]

ISSUES = {
    "sand": {
        "title": "Khai thác cát trái phép trên sông Bồ",
        "description": "Ghe hút cát hoạt động ban đêm, sạt lở bờ sông, xe quá tải làm hỏng "
        "đường ở Tứ Hạ, Hương Vân, Hương Toàn.",
        "severity": Issue.Severity.HIGH,
        "status": Issue.Status.HANDLING,
    },
    "land": {
        "title": "Chậm cấp giấy chứng nhận quyền sử dụng đất",
        "description": "Hồ sơ cấp đổi giấy chứng nhận kéo dài, thiếu công khai tiến độ.",
        "severity": Issue.Severity.MEDIUM,
        "status": Issue.Status.MONITORING,
    },
    "credit": {
        "title": "Tín dụng đen và đòi nợ thuê",
        "description": "Cho vay góp ngày lãi cao, đòi nợ thuê gây mất an ninh trật tự.",
        "severity": Issue.Severity.CRITICAL,
        "status": Issue.Status.HANDLING,
    },
}


def _stream(row):
    summary, direction, breadth, intensity, groups, channels, rumour = row
    return {
        "summary": summary,
        "direction": direction,
        "breadth": breadth,
        "intensity": intensity,
        "social_groups": groups,
        "channels": channels,
        "is_rumour": rumour,
    }


def seed(ctx) -> None:
    services.topics_seed_defaults()
    today = timezone.localdate()
    periods = services.periods_ensure_ahead(today=today, ahead=1, behind=3)
    current = services.period_for(day=today)
    topics = {topic.name: topic for topic in Topic.objects.all()}
    for name in (SAND, SALARY):
        FocusTopic.objects.get_or_create(
            period=current, topic=topics[name], unit=ctx.town
        )
    authors = list(
        Collaborator.objects.filter(user__in=ctx.collaborator_users)
        .select_related("user", "unit")
        .prefetch_related("coverage_areas")
        .order_by("user__username")
    )
    authors = [a for a in authors if a.coverage_areas.all()]
    if not authors:
        ctx.log("Reports: no collaborators with coverage areas; nothing seeded.")
        return
    issues = {}
    made = 0
    for index, row in enumerate(REPORTS):
        (
            title,
            topic_names,
            kind,
            urgency,
            back,
            day_in,
            description,
            proposals,
            streams,
            outcome,
            issue_key,
        ) = row
        author = authors[index % len(authors)]
        if OpinionReport.objects.filter(author=author, title=title).exists():
            continue
        period_index = max(0, len(periods) - 2 - back)
        period = periods[period_index]
        occurred = min(today, period.start + datetime.timedelta(days=day_in))
        report = services.report_save_draft(
            author=author,
            user=author.user,
            data={
                "kind": kind,
                "urgency": urgency,
                "title": title,
                "area": author.coverage_areas.all()[0],
                "occurred_on": occurred,
                "description": description,
                "proposals": proposals,
            },
            topics=[topics[name] for name in topic_names],
            streams=[_stream(s) for s in streams],
        )
        made += 1
        if outcome == "draft":
            continue
        report = services.report_submit(
            report=report, user=author.user, confirm_balance=True
        )
        sent = timezone.make_aware(
            datetime.datetime.combine(occurred, datetime.time(9, 30))
        )
        OpinionReport.objects.filter(pk=report.pk).update(submitted_at=sent)
        ReportEvent.objects.filter(report=report).update(created_at=sent)
        report.refresh_from_db()
        if outcome == "returned":
            services.report_return(
                report=report,
                user=ctx.staff,
                version=report.version,
                question="Đề nghị đồng chí nêu rõ số ý kiến băn khoăn ở từng thôn và "
                "kiến nghị cụ thể của người dân.",
            )
            continue
        if outcome == "rumour":
            report = services.report_mark_rumour(
                report=report, user=ctx.staff, version=report.version
            )
        if outcome in {"accepted", "rumour"}:
            report = services.report_accept(
                report=report, user=ctx.staff, version=report.version
            )
            OpinionReport.objects.filter(pk=report.pk).update(
                accepted_at=sent + datetime.timedelta(days=1)
            )
            report.refresh_from_db()
            if index % 2 == 0:
                services.report_rate(
                    report=report,
                    user=ctx.staff,
                    version=report.version,
                    depth=4,
                    balance=3 if len(streams) == 1 else 5,
                    timeliness=5 if kind == "urgent" else 4,
                    usefulness=4,
                    feedback="Báo cáo kịp thời, nêu rõ các luồng ý kiến. Đề nghị "
                    "đồng chí tiếp tục theo dõi và bổ sung số liệu cụ thể.",
                )
        if issue_key:
            report.refresh_from_db()
            issue = (
                issues.get(issue_key)
                or Issue.objects.filter(title=ISSUES[issue_key]["title"]).first()
            )
            if issue is None:
                issue = services.issue_create(
                    user=ctx.staff,
                    topics=[topics[name] for name in topic_names[:1]],
                    **ISSUES[issue_key],
                )
            issues[issue_key] = issue
            services.report_link_issue(report=report, issue=issue, user=ctx.staff)
    _follow_up(ctx, issues, today)
    ctx.log(f"Reports: {made} added, {OpinionReport.objects.count()} in all.")
    demo_history.seed(ctx, fixed_titles=[row[0] for row in REPORTS])


def _follow_up(ctx, issues, today) -> None:
    sand = issues.get("sand")
    if sand is not None and not sand.follow_ups.exists():
        services.followup_create(
            issue=sand,
            agency="Công an thị xã Hương Trà",
            request="Tổ chức tuần tra ban đêm trên sông Bồ, xử lý các ghe hút cát trái phép.",
            due_date=today - datetime.timedelta(days=10),
            user=ctx.staff,
        )
        responded = services.followup_create(
            issue=sand,
            agency="Phòng Tài nguyên và Môi trường",
            request="Khảo sát sạt lở bờ sông, đề xuất phương án kè khẩn cấp.",
            due_date=today - datetime.timedelta(days=20),
            user=ctx.staff,
        )
        services.followup_respond(
            follow_up=responded,
            response="Đã khảo sát, đề xuất UBND thị xã bố trí 2,5 tỷ đồng kè 300 m bờ sông.",
            responded_on=today - datetime.timedelta(days=22),
            user=ctx.staff,
        )
        services.followup_create(
            issue=sand,
            agency="UBND phường Tứ Hạ",
            request="Báo cáo kết quả xử lý các bến bãi tập kết cát không phép.",
            due_date=today + datetime.timedelta(days=14),
            user=ctx.staff,
        )
        services.direction_create(
            issue=sand,
            user=ctx.leader,
            text="Giao Công an thị xã chủ trì, phối hợp UBND các phường, xã ven sông "
            "Bồ xử lý dứt điểm tình trạng khai thác cát trái phép; báo cáo Ban Thường "
            "vụ trước ngày 30 của tháng.",
            due_date=today + datetime.timedelta(days=20),
        )
    credit = issues.get("credit")
    if credit is not None and not credit.directions.exists():
        services.direction_create(
            issue=credit,
            user=ctx.leader,
            text="Đẩy mạnh tuyên truyền về tác hại của tín dụng đen; Ngân hàng Chính "
            "sách xã hội mở rộng cho vay ưu đãi.",
        )
    land = issues.get("land")
    if land is not None and land.status != Issue.Status.RESOLVED:
        land.refresh_from_db()
        services.issue_update(
            issue=land,
            user=ctx.staff,
            version=land.version,
            status=Issue.Status.RESOLVED,
            outcome="Chi nhánh Văn phòng đăng ký đất đai đã công khai tiến độ trên cổng "
            "thông tin điện tử và trả kết quả cho 126 hồ sơ tồn đọng.",
        )
