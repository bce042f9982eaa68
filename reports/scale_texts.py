"""What the province's collaborators write, for ``seed_demo --scale``.

Each topic has titles, accounts of what happened, proposals and, per direction,
what people say. ``{place}`` is the commune or ward the report is about; topics
without their own texts use the generic ones with ``{topic}``.
"""

# Topics added at scale to the article's defaults, so a province has about forty.
EXTRA_TOPICS: list[tuple[str, list[str]]] = [
    ("Giáo dục, đào tạo", ["Các khoản thu trong trường học", "Sáp nhập điểm trường"]),
    ("Y tế, chăm sóc sức khỏe", ["Bảo hiểm y tế", "Giá thuốc, viện phí", "Dịch bệnh"]),
    ("Giao thông, hạ tầng", ["Đường giao thông nông thôn", "Tai nạn giao thông"]),
    (
        "Nông nghiệp, nông thôn",
        ["Giá nông sản", "Dịch bệnh gia súc, gia cầm", "Xây dựng nông thôn mới"],
    ),
    (
        "Chính sách xã hội",
        ["Chính sách người có công", "Hỗ trợ hộ nghèo", "Bảo hiểm xã hội một lần"],
    ),
    ("Lao động, việc làm", ["Xuất khẩu lao động"]),
    ("Thiên tai, biến đổi khí hậu", ["Bão lũ, sạt lở"]),
]

# Topics in the order of how much they are reported on (most first); the rest
# follow in any order.
POPULAR = [
    "Đất đai, cấp giấy chứng nhận quyền sử dụng đất",
    "Khai thác cát, sỏi trái phép trên các dòng sông",
    "Cải cách chính sách tiền lương",
    "Công tác cán bộ, sắp xếp tổ chức bộ máy",
    "Phòng, chống tham nhũng, tiêu cực",
    "Thông tin xấu, độc trên mạng xã hội",
    "Tín dụng đen",
    "Phát triển kinh tế - xã hội",
    "Đường giao thông nông thôn",
    "Bảo hiểm y tế",
    "Ô nhiễm môi trường",
    "Các khoản thu trong trường học",
    "Giá nông sản",
    "Ma túy",
    "Trộm cắp tài sản",
]

SUPPORT, OPPOSE, CONCERN, UNCLEAR = "support", "oppose", "concern", "unclear"

TEXTS: dict[str, dict] = {
    "Đất đai, cấp giấy chứng nhận quyền sử dụng đất": {
        "titles": [
            "Chậm cấp giấy chứng nhận quyền sử dụng đất tại {place}",
            "Dư luận về việc đo đạc, cấp đổi sổ đỏ ở {place}",
            "Tranh chấp đất đai giữa các hộ dân ở {place}",
            "Bồi thường giải phóng mặt bằng dự án khu dân cư tại {place}",
        ],
        "descriptions": [
            "Nhiều hộ dân nộp hồ sơ cấp đổi giấy chứng nhận từ đầu năm nhưng đến nay "
            "chưa được trả kết quả; cán bộ địa chính giải thích do vướng quy hoạch.",
            "Việc đo đạc lại bản đồ địa chính làm lệch ranh giới thửa đất giữa một số "
            "hộ, phát sinh khiếu nại kéo dài tại thôn.",
            "Người dân trong vùng dự án chưa thống nhất đơn giá bồi thường, một số hộ "
            "chưa nhận tiền và chưa bàn giao mặt bằng.",
        ],
        "proposals": [
            "Đề nghị UBND xã rà soát, công khai danh sách hồ sơ tồn đọng và thời hạn "
            "giải quyết.",
            "Kiến nghị cơ quan chuyên môn tổ chức đối thoại với các hộ dân, giải thích "
            "rõ căn cứ tính giá bồi thường.",
            "",
        ],
        "streams": {
            OPPOSE: [
                "Người dân bức xúc vì phải đi lại nhiều lần, hồ sơ bị trả về không rõ lý do.",
                "Các hộ trong vùng dự án cho rằng giá bồi thường thấp hơn giá thị trường.",
            ],
            CONCERN: [
                "Nhiều người lo ngại có tình trạng nhũng nhiễu trong khâu thẩm định hồ sơ.",
                "Bà con băn khoăn không biết khi nào được cấp sổ để thế chấp vay vốn.",
            ],
            SUPPORT: [
                "Nhân dân đồng tình với việc xã tổ chức bộ phận một cửa tiếp nhận hồ sơ "
                "vào thứ Bảy.",
            ],
            UNCLEAR: ["Một số ý kiến chưa rõ về quy định hạn mức giao đất ở mới."],
        },
    },
    "Khai thác cát, sỏi trái phép trên các dòng sông": {
        "titles": [
            "Ghe hút cát trái phép ban đêm trên sông gần {place}",
            "Khai thác cát làm sạt lở bờ sông đoạn qua {place}",
            "Xe chở cát quá tải làm hư đường liên thôn ở {place}",
        ],
        "descriptions": [
            "Khoảng 22 giờ đến 3 giờ sáng, nhiều ghe không số hiệu vào hút cát ở khu "
            "vực bến đò cũ; bờ sông phía thôn đã sạt lở thêm vài mét.",
            "Xe tải chở cát chạy liên tục qua đường bê tông mới làm, đường nứt vỡ, bụi "
            "bặm ảnh hưởng học sinh đi học.",
        ],
        "proposals": [
            "Đề nghị lực lượng chức năng tuần tra ban đêm, xử lý nghiêm các ghe vi phạm.",
            "Kiến nghị khảo sát, có phương án kè chống sạt lở trước mùa mưa.",
            "Đề nghị cắm biển hạn chế tải trọng và kiểm tra xe quá tải.",
        ],
        "streams": {
            OPPOSE: [
                "Người dân bức xúc vì tình trạng khai thác cát diễn ra nhiều lần, đã phản "
                "ánh nhưng chưa được xử lý dứt điểm.",
                "Phụ huynh phản đối việc xe chở cát chạy vào giờ học sinh tan trường.",
            ],
            CONCERN: [
                "Các hộ ven sông lo ngại nhà cửa, đất vườn bị cuốn trôi trong mùa mưa lũ.",
                "Có ý kiến cho rằng có sự bao che của cán bộ địa phương.",
            ],
            SUPPORT: [
                "Nhân dân ủng hộ việc huyện ra quân kiểm tra các bến bãi tập kết cát."
            ],
            UNCLEAR: [],
        },
    },
    "Cải cách chính sách tiền lương": {
        "titles": [
            "Cán bộ, giáo viên ở {place} bàn về cải cách tiền lương",
            "Dư luận về mức lương cơ sở mới tại {place}",
        ],
        "descriptions": [
            "Tại các buổi sinh hoạt chi bộ và họp tổ dân phố, cán bộ, công chức, viên "
            "chức và người hưởng lương hưu trao đổi nhiều về lộ trình cải cách tiền lương.",
        ],
        "proposals": [
            "Đề nghị tuyên truyền rõ lộ trình và cách tính lương mới cho cán bộ cơ sở.",
            "",
        ],
        "streams": {
            SUPPORT: [
                "Đa số cán bộ, công chức phấn khởi, đồng tình với chủ trương cải cách "
                "tiền lương.",
                "Người nghỉ hưu vui mừng khi lương hưu được điều chỉnh tăng.",
            ],
            CONCERN: [
                "Nhiều người băn khoăn giá cả hàng hóa tăng trước khi lương mới được áp dụng.",
                "Cán bộ không chuyên trách cấp xã lo lắng về chế độ phụ cấp sau sắp xếp.",
            ],
            OPPOSE: [],
            UNCLEAR: ["Chưa rõ cách xếp lương theo vị trí việc làm đối với giáo viên."],
        },
    },
    "Công tác cán bộ, sắp xếp tổ chức bộ máy": {
        "titles": [
            "Dư luận về sắp xếp đơn vị hành chính cấp xã tại {place}",
            "Cán bộ {place} băn khoăn về bố trí công tác sau sáp nhập",
        ],
        "descriptions": [
            "Sau khi có đề án sắp xếp đơn vị hành chính, cán bộ, đảng viên và nhân dân "
            "quan tâm đến trụ sở mới, tên gọi mới và việc bố trí cán bộ dôi dư.",
        ],
        "proposals": [
            "Đề nghị sớm công bố phương án bố trí cán bộ và chính sách cho người nghỉ "
            "trước tuổi.",
            "Kiến nghị lấy ý kiến nhân dân về tên gọi của đơn vị hành chính mới.",
        ],
        "streams": {
            SUPPORT: [
                "Đa số đồng tình với chủ trương tinh gọn bộ máy, giảm đầu mối.",
            ],
            CONCERN: [
                "Người dân lo ngại trụ sở xã mới xa, đi lại làm thủ tục khó khăn.",
                "Cán bộ trẻ băn khoăn về cơ hội công tác sau khi sắp xếp.",
            ],
            OPPOSE: [
                "Một số người cao tuổi không đồng tình với việc đổi tên xã gắn với lịch sử."
            ],
            UNCLEAR: [],
        },
    },
    "Phòng, chống tham nhũng, tiêu cực": {
        "titles": [
            "Nhân dân {place} theo dõi các vụ án tham nhũng được đưa ra xét xử",
            "Phản ánh dấu hiệu tiêu cực trong xét duyệt hộ nghèo ở {place}",
        ],
        "descriptions": [
            "Thông tin về các vụ án lớn được đưa ra xét xử được bà con bàn luận nhiều tại "
            "quán cà phê, chợ và trên mạng xã hội.",
            "Một số hộ khá giả vẫn có tên trong danh sách hộ cận nghèo, người dân cho rằng "
            "việc bình xét chưa khách quan.",
        ],
        "proposals": [
            "Đề nghị công khai danh sách bình xét và kết quả kiểm tra.",
            "",
        ],
        "streams": {
            SUPPORT: [
                "Nhân dân tin tưởng, đánh giá cao quyết tâm phòng, chống tham nhũng của "
                "Đảng, không có vùng cấm.",
            ],
            OPPOSE: ["Người dân bức xúc với việc bình xét hộ nghèo thiếu công khai."],
            CONCERN: [
                "Có ý kiến lo ngại tham nhũng vặt ở cơ sở chưa được xử lý nghiêm."
            ],
            UNCLEAR: [],
        },
    },
    "Thông tin xấu, độc trên mạng xã hội": {
        "titles": [
            "Tin đồn thất thiệt lan truyền trên mạng xã hội ở {place}",
            "Trang mạng xã hội đăng tải thông tin sai sự thật về cán bộ {place}",
        ],
        "descriptions": [
            "Một tài khoản Facebook chia sẻ bài viết xuyên tạc về việc thu hồi đất, kèm "
            "hình ảnh cắt ghép; bài viết được chia sẻ trong các nhóm của thôn.",
        ],
        "proposals": [
            "Đề nghị cơ quan chức năng xác minh, cải chính thông tin kịp thời.",
            "Kiến nghị tăng cường tuyên truyền kỹ năng nhận diện tin giả cho đoàn viên.",
        ],
        "streams": {
            CONCERN: [
                "Nhiều người hoang mang, không phân biệt được thông tin thật, giả.",
            ],
            OPPOSE: [
                "Cán bộ, đảng viên phản đối các bài viết xuyên tạc, bôi nhọ cán bộ."
            ],
            SUPPORT: [],
            UNCLEAR: ["Một số người chia sẻ lại mà chưa kiểm chứng thông tin."],
        },
    },
    "Tín dụng đen": {
        "titles": [
            "Hoạt động cho vay nặng lãi qua tờ rơi ở {place}",
            "Người dân {place} bị đòi nợ kiểu khủng bố",
        ],
        "descriptions": [
            "Tờ rơi quảng cáo cho vay không cần thế chấp được dán ở cột điện, cổng chợ; "
            "một số hộ vay rồi bị đe dọa, tạt chất bẩn vào nhà.",
        ],
        "proposals": [
            "Đề nghị công an xã điều tra, xử lý các đối tượng cho vay nặng lãi.",
            "Kiến nghị ngân hàng chính sách mở rộng cho vay vốn ưu đãi.",
        ],
        "streams": {
            OPPOSE: [
                "Nhân dân bức xúc với các đối tượng đòi nợ gây mất an ninh trật tự."
            ],
            CONCERN: [
                "Người dân lo ngại con em bị lôi kéo vay tiền qua ứng dụng điện thoại."
            ],
            SUPPORT: ["Bà con đồng tình khi công an xã ra quân bóc gỡ tờ rơi cho vay."],
            UNCLEAR: [],
        },
    },
    "Đường giao thông nông thôn": {
        "titles": [
            "Đường liên thôn ở {place} xuống cấp nghiêm trọng",
            "Nhân dân {place} góp công làm đường bê tông",
        ],
        "descriptions": [
            "Tuyến đường liên thôn dài hơn hai cây số nhiều ổ gà, mùa mưa ngập nước, học "
            "sinh đi lại khó khăn.",
        ],
        "proposals": [
            "Đề nghị đưa tuyến đường vào kế hoạch sửa chữa năm tới.",
            "",
        ],
        "streams": {
            SUPPORT: ["Nhân dân phấn khởi, tự nguyện hiến đất, góp công làm đường."],
            OPPOSE: ["Người dân bức xúc vì đường hư hỏng nhiều năm chưa được sửa."],
            CONCERN: ["Phụ huynh lo ngại an toàn cho học sinh khi đi học mùa mưa."],
            UNCLEAR: [],
        },
    },
    "Bảo hiểm y tế": {
        "titles": [
            "Người dân {place} phản ánh thủ tục khám chữa bệnh bảo hiểm y tế",
        ],
        "descriptions": [
            "Người bệnh có thẻ bảo hiểm y tế phải tự mua một số loại thuốc do trạm y tế "
            "và bệnh viện huyện thiếu thuốc.",
        ],
        "proposals": ["Đề nghị ngành y tế bảo đảm đủ thuốc trong danh mục bảo hiểm."],
        "streams": {
            CONCERN: ["Người cao tuổi lo lắng khi phải tự mua thuốc với giá cao."],
            OPPOSE: ["Bệnh nhân bức xúc vì thiếu thuốc, vật tư y tế kéo dài."],
            SUPPORT: [
                "Nhân dân đồng tình với việc dùng căn cước công dân thay thẻ bảo hiểm."
            ],
            UNCLEAR: [],
        },
    },
    "Ô nhiễm môi trường": {
        "titles": [
            "Trang trại chăn nuôi gây ô nhiễm ở {place}",
            "Rác thải tồn đọng ven đường tại {place}",
        ],
        "descriptions": [
            "Nước thải từ trang trại heo chảy ra mương thủy lợi, bốc mùi hôi thối, ảnh "
            "hưởng hàng chục hộ dân xung quanh.",
        ],
        "proposals": ["Đề nghị kiểm tra, xử phạt và buộc trang trại xử lý nước thải."],
        "streams": {
            OPPOSE: ["Người dân bức xúc vì mùi hôi kéo dài, đã phản ánh nhiều lần."],
            CONCERN: ["Bà con lo ngại ô nhiễm nguồn nước sinh hoạt và ruộng lúa."],
            SUPPORT: [],
            UNCLEAR: [],
        },
    },
}

GENERIC = {
    "titles": [
        "Dư luận về {topic} tại {place}",
        "Nhân dân {place} quan tâm đến {topic}",
        "Tình hình {topic} trên địa bàn {place}",
    ],
    "descriptions": [
        "Qua nắm bắt tại các buổi sinh hoạt khu dân cư và trao đổi trực tiếp, cán bộ, "
        "đảng viên và nhân dân quan tâm nhiều đến {topic}.",
        "Trong kỳ, trên địa bàn có nhiều ý kiến trao đổi về {topic}, tập trung ở các "
        "thôn đông dân cư.",
    ],
    "proposals": [
        "Đề nghị cấp ủy, chính quyền tiếp tục tuyên truyền để nhân dân hiểu rõ chủ "
        "trương.",
        "Kiến nghị cơ quan chuyên môn giải đáp các thắc mắc của người dân.",
        "",
        "",
    ],
    "streams": {
        SUPPORT: [
            "Đa số cán bộ, đảng viên và nhân dân đồng tình, ủng hộ chủ trương.",
            "Nhân dân phấn khởi trước kết quả đạt được trên địa bàn.",
        ],
        CONCERN: [
            "Một bộ phận người dân băn khoăn về cách thức triển khai ở cơ sở.",
            "Nhiều người lo ngại việc thực hiện chưa đồng bộ, thiếu công khai.",
        ],
        OPPOSE: ["Một số người bức xúc vì kiến nghị trước đây chưa được trả lời."],
        UNCLEAR: ["Một số ý kiến chưa rõ, cần được giải thích thêm."],
    },
}

RETURN_QUESTIONS = [
    "Đề nghị đồng chí bổ sung thời gian, địa điểm cụ thể và số hộ bị ảnh hưởng.",
    "Báo cáo chưa nêu các luồng ý kiến trái chiều, đề nghị bổ sung.",
    "Đề nghị làm rõ nguồn thông tin: trực tiếp nghe hay qua mạng xã hội?",
]

FEEDBACK = [
    "Báo cáo phản ánh kịp thời, có số liệu cụ thể. Đề nghị tiếp tục theo dõi diễn biến.",
    "Nội dung còn chung chung, cần nêu rõ ý kiến của từng thành phần xã hội.",
    "Báo cáo tốt, có đề xuất giải pháp sát thực tế.",
]

FOLLOW_UP_AGENCIES = [
    "UBND xã",
    "Phòng Tài nguyên và Môi trường",
    "Công an huyện",
    "Phòng Kinh tế - Hạ tầng",
    "Trung tâm Y tế huyện",
    "Phòng Giáo dục và Đào tạo",
]
