"""The shared PDF renderer (dluan/pdf.py): vendored fonts only, nothing else."""

from pathlib import Path

import pytest
from PIL import Image

from dluan import pdf


def test_fetcher_serves_a_vendored_font():
    fetcher = pdf.make_url_fetcher()
    font = pdf.fonts_dir() / "noto-serif" / "NotoSerif-Regular.ttf"
    response = fetcher(font.as_uri())
    assert response.read(4) == b"\x00\x01\x00\x00"
    response.close()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.css",
        "https://example.com/font.ttf",
        "ftp://example.com/a.png",
        "file:///etc/passwd",
        "data:text/css,body{}",
    ],
)
def test_fetcher_refuses_network_and_other_files(url):
    fetcher = pdf.make_url_fetcher()
    with pytest.raises(pdf.RefusedURL):
        fetcher(url)
    assert fetcher.refused == [url]


def test_fetcher_refuses_escaping_the_fonts_folder():
    escape = pdf.fonts_dir().as_uri() + "/../../manage.py"
    with pytest.raises(pdf.RefusedURL):
        pdf.make_url_fetcher()(escape)


def test_rendering_fetches_nothing_from_the_network_or_disk(counting_server, tmp_path):
    base, hits = counting_server
    picture = tmp_path / "secret.png"
    Image.new("RGB", (40, 40), "red").save(picture)
    fetcher = pdf.make_url_fetcher()
    html = f"""<html><head>
      <link rel="stylesheet" href="{base}/style.css">
      <style>@import url("{base}/import.css"); body {{ background: url("{base}/bg.png") }}</style>
      </head><body><p>Xin chào</p>
      <img src="{base}/pixel.png"><img src="{picture.as_uri()}">
      <img src="{Path("/etc/hostname").as_uri()}"></body></html>"""
    data = pdf.render_html_to_pdf(html, url_fetcher=fetcher)
    assert data.startswith(b"%PDF")
    assert hits == []
    assert b"/Subtype /Image" not in data
    assert any(url.endswith("secret.png") for url in fetcher.refused)
    assert any(url.startswith(base) for url in fetcher.refused)


def test_issuer_and_date_follow_the_party_layout(town, commune):
    import datetime

    assert pdf.issuer_lines(town) == ["THỊ ỦY HƯƠNG TRÀ", "BAN TUYÊN GIÁO VÀ DÂN VẬN"]
    assert pdf.issuer_lines(commune)[0] == "ĐẢNG ỦY PHƯỜNG TỨ HẠ"
    assert (
        pdf.place_and_date(town, datetime.date(2019, 6, 7))
        == "Hương Trà, ngày 07 tháng 6 năm 2019"
    )
    assert pdf.place_and_date(town, datetime.date(2026, 2, 3)).endswith(
        "ngày 03 tháng 02 năm 2026"
    )
