"""A Party document's heading: the issuing committee's short form and name."""

# The issuing committee (first heading line) → its short form in the number and
# the name its standing office goes by: Party usage, the same in every language.
_COMMITTEES = [
    ("THÀNH ỦY", "ThU", "Thành ủy"),
    ("THỊ ỦY", "TU", "Thị ủy"),
    ("TỈNH ỦY", "TU", "Tỉnh ủy"),
    ("HUYỆN ỦY", "HU", "Huyện ủy"),
    ("QUẬN ỦY", "QU", "Quận ủy"),
    ("ĐẢNG ỦY", "ĐU", "Đảng ủy"),
]


def committee(issuer: list[str]) -> tuple[str, str]:
    first = issuer[0] if issuer else ""
    for prefix, short, name in _COMMITTEES:
        if first.startswith(prefix):
            return short, name
    return "ĐU", "Đảng ủy"
