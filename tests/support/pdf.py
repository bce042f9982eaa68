"""Reading PDFs back, and a server that counts what a renderer tries to fetch."""

import http.server
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"


def pdf_text(pdf: bytes | str | Path, *, layout: bool = False) -> str:
    """The text poppler's pdftotext reads from a PDF (its bytes, or its path)."""
    source = "-" if isinstance(pdf, bytes) else str(pdf)
    done = subprocess.run(  # noqa: S603 (a fixed tool on test data)
        [PDFTOTEXT, *(["-layout"] if layout else []), "-enc", "UTF-8", source, "-"],
        input=pdf if isinstance(pdf, bytes) else None,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode("utf-8")


def flat(text: str) -> str:
    """Runs of white space as one space: text compared across line breaks."""
    return " ".join(text.split())


def squeezed(text: str) -> str:
    """Without any white space: text compared however the PDF wrapped it."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def counting_server():
    """A local HTTP server that counts every request made to it: ``(url, hits)``.

    One per module: a renderer must fetch nothing, so ``hits`` stays empty."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()
