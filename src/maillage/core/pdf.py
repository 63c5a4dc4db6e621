"""HTML printed to PDF by headless Chromium (the browser the project installs for its
tests): the annual report, a commission's minutes."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

PDF_SECONDS = 60


class PdfError(RuntimeError):
    pass


def to_pdf(html: str) -> bytes:
    """Print the report's HTML with headless Chromium. Raises PdfError with the reason."""
    browser = settings.MAILLAGE_CHROMIUM
    if not Path(browser).exists():
        raise PdfError(f"Chromium not found at {browser} (make browser installs it)")
    with tempfile.TemporaryDirectory(prefix="maillage-report-") as folder:
        source = Path(folder) / "report.html"
        target = Path(folder) / "report.pdf"
        source.write_text(html, encoding="utf-8")
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-extensions",
            "--no-pdf-header-footer",
            f"--user-data-dir={folder}/profile",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        # Its own process group: on timeout, the browser's renderers go with it.
        try:
            process = subprocess.Popen(
                command,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as error:
            raise PdfError(f"Chromium could not start: {error}") from error
        try:
            process.wait(timeout=PDF_SECONDS)
        except subprocess.TimeoutExpired as error:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise PdfError(f"Chromium did not finish printing within {PDF_SECONDS} s") from error
        if not target.exists() or target.stat().st_size == 0:
            raise PdfError("Chromium wrote no PDF")
        return target.read_bytes()
