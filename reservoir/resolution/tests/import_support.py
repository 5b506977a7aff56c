"""Helpers for the import tests: files built in memory, a job run to its end synchronously."""

from __future__ import annotations

import csv
import io

from reservoir.resolution.importing import services
from reservoir.resolution.importing.services import ImportOptions
from reservoir.resolution.models import ImportJob
from reservoir.resolution.tasks_import import analyze_import, run_import

HEADER = ["姓名", "手机", "邮箱", "公司", "职位", "城市", "省份"]


def csv_bytes(
    rows: list[list[str]], *, header: list[str] | None = None, encoding: str = "utf-8"
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header or HEADER)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def people(n: int, *, start: int = 0) -> list[list[str]]:
    """`n` distinct business cards with unique phones and emails."""
    return [
        [
            f"测试{i:05d}",
            f"139{i:08d}",
            f"card{i}@example.com",
            f"公司{i % 7}",
            "经理",
            "深圳",
            "广东",
        ]
        for i in range(start, start + n)
    ]


def upload(user, data: bytes, *, name: str = "cards.csv", **options) -> ImportJob:
    options.setdefault("source_tag", "Trade show 2026")
    return services.create_job(by=user, file_name=name, data=data, options=ImportOptions(**options))


def analyzed(job: ImportJob, user) -> ImportJob:
    """Map (suggested mapping) and dry-run `job`, synchronously."""
    if job.status == "mapping":
        services.set_mapping(job, job.mapping, by=user)
    analyze_import.call(job.pk)
    job.refresh_from_db()
    return job


def imported(job: ImportJob, user) -> ImportJob:
    """Dry-run then run `job` to its end, synchronously."""
    job = analyzed(job, user)
    services.start_run(job, by=user)
    run_import.call(job.pk)
    job.refresh_from_db()
    return job
