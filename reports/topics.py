"""The article's subjects of public opinion, the topics every install starts with."""

# (parent, children): the data migration and the demo seed share this list.
DEFAULT_TOPICS: list[tuple[str, list[str]]] = [
    (
        "Xây dựng, chỉnh đốn Đảng",
        [
            "Phòng, chống tham nhũng, tiêu cực",
            "Công tác cán bộ, sắp xếp tổ chức bộ máy",
            "Tính tiên phong, gương mẫu của cán bộ lãnh đạo",
        ],
    ),
    ("Cải cách chính sách tiền lương", []),
    ("Đất đai, cấp giấy chứng nhận quyền sử dụng đất", []),
    (
        "Tài nguyên, môi trường",
        ["Khai thác cát, sỏi trái phép trên các dòng sông", "Ô nhiễm môi trường"],
    ),
    (
        "An ninh, trật tự",
        [
            "Trộm cắp tài sản",
            "Tín dụng đen",
            "Ma túy",
            "Cờ bạc, lô đề trái phép",
        ],
    ),
    ("Thông tin xấu, độc trên mạng xã hội", []),
    ("Phát triển kinh tế - xã hội", []),
    ("Kỳ họp Quốc hội, Hội đồng nhân dân", []),
    ("Các ngày lễ, kỷ niệm", []),
]
