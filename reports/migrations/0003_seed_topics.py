from django.db import migrations

from dluan.search import fold_parts, nfc

# A copy of reports.topics.DEFAULT_TOPICS as it stood: migrations keep their data.
TOPICS = [
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
        ["Trộm cắp tài sản", "Tín dụng đen", "Ma túy", "Cờ bạc, lô đề trái phép"],
    ),
    ("Thông tin xấu, độc trên mạng xã hội", []),
    ("Phát triển kinh tế - xã hội", []),
    ("Kỳ họp Quốc hội, Hội đồng nhân dân", []),
    ("Các ngày lễ, kỷ niệm", []),
]


def seed_topics(apps, schema_editor):
    Topic = apps.get_model("reports", "Topic")
    for parent_name, children in TOPICS:
        parent, _ = Topic.objects.get_or_create(
            parent=None,
            name=nfc(parent_name),
            defaults={"search_text": fold_parts(parent_name)},
        )
        for child in children:
            Topic.objects.get_or_create(
                parent=parent,
                name=nfc(child),
                defaults={"search_text": fold_parts(child)},
            )


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_search_indexes")]

    operations = [migrations.RunPython(seed_topics, migrations.RunPython.noop)]
