"""The import half of the browser journey (acceptance 7), for tests/e2e to call.

    from reservoir.resolution.tests.import_journey import import_vcard, vcard_text
    job_url = import_vcard(page, base_url, vcard_text([("张", "伟", "13800138001")]),
                           policy="create")

Uploads a .vcf on the import page, waits for the dry run, runs the import and waits for
"Completed" (the progress bar polls every second). With policy "create", every card that
matches a customer is created anyway and its pair is queued in the duplicates queue
(flagged), which is what the journey reviews and merges next. Needs only Playwright.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def vcard_text(cards: list[tuple[str, str, str]], *, company: str = "") -> str:
    """vCard 3.0 text for (family name, given name, phone) cards (Chinese names in N/FN)."""
    out = []
    for family, given, phone in cards:
        lines = ["BEGIN:VCARD", "VERSION:3.0", f"N:{family};{given};;;", f"FN:{family}{given}"]
        lines += [f"TEL;TYPE=CELL:{phone}"] + ([f"ORG:{company}"] if company else [])
        out.append("\r\n".join([*lines, "END:VCARD"]))
    return "\r\n".join(out) + "\r\n"


def import_vcard(
    page: Any,
    base_url: str,
    text: str,
    *,
    source: str = "Business cards",
    policy: str = "update",
    timeout_s: float = 60,
) -> str:
    """Import `text` as a .vcf through the UI; return the job page's URL once completed."""
    with tempfile.NamedTemporaryFile("w", suffix=".vcf", delete=False, encoding="utf-8") as f:
        f.write(text)
        path = f.name
    page.goto(f"{base_url.rstrip('/')}/data/imports/new/")
    page.set_input_files("input[name=file]", path)
    page.fill("input[name=source_tag]", source)
    page.select_option("select[name=duplicate_policy]", policy)
    page.click("button:has-text('Upload and continue')")
    page.wait_for_url("**/data/imports/*/")
    run = page.locator("form[action$='/run/'] button")
    run.wait_for(timeout=timeout_s * 1000)  # the page reloads itself when the dry run ends
    run.click()
    page.locator("#import-progress .badge-success").wait_for(timeout=timeout_s * 1000)
    return str(page.url)
