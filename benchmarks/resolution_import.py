"""Bulk import benchmark: a 100,000-row CSV of business cards, imported twice.

    python benchmarks/resolution_import.py [--quick] [--rows N] [--base N]

Migrates a fresh SQLite database in a temporary data folder, seeds `--base` existing
parties (10% of the file's rows match one of them by phone), writes the CSV (Chinese
names, mobiles, emails, companies, cities), then runs the job as the worker would:
upload → dry run → import, and the same file again. Prints one line per figure:

    import_100k_seconds          upload + import of the file (dry run excluded), wall clock
    import_100k_cpu_seconds      the same in CPU time (shows the cost on a busy machine)
    import_100k_dry_run_seconds  the dry run over the whole file
    import_100k_rows_per_s
    import_100k_created          parties created by the first run
    import_100k_rerun_seconds    the same file imported again
    import_100k_rerun_added      parties the second run added (must be 0)

With --quick (5,000 rows) the figure names keep the `100k` prefix so runs stay comparable
by name; the `rows` line says the size. Never fails on time.
"""

from __future__ import annotations

import csv
import io
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import _runner  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文志海燕亮宇浩然子轩梓涵一诺欣怡"
CITIES = [("广东", "深圳"), ("广东", "广州"), ("北京", "北京"), ("上海", "上海"), ("浙江", "杭州"),
          ("江苏", "南京"), ("四川", "成都"), ("湖北", "武汉")]  # fmt: skip


def _csv(rows: int, seed: int) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["姓名", "手机", "邮箱", "公司", "职位", "省份", "城市", "备注"])
    for i in range(rows):
        region, city = rng.choice(CITIES)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        writer.writerow([
            name, f"139{i:08d}", f"card{i}@example.com", f"{city}科技{i % 500}有限公司",
            rng.choice(["经理", "总监", "工程师", "采购"]), region, city,
            "展会名片" if i % 3 == 0 else "",
        ])  # fmt: skip
    return out.getvalue().encode("utf-8")


def _seed_base(n: int, rows: int) -> None:
    """`n` existing parties; every 10th row of the file shares a phone with one of them."""
    from reservoir.core.bulk import db_now, insert_rows
    from reservoir.parties.models import ContactPoint, Party
    from reservoir.resolution.matchindex import rebuild_match_index

    parties = Party.objects.bulk_create(
        [
            Party(
                kind="person",
                display_name=f"老客户{i}",
                family_name="老",
                given_name=f"客户{i}",
                name_order="eastern",
                search_text=f"老客户{i}",
            )
            for i in range(n)
        ],  # fmt: skip
        batch_size=1000,
    )
    now = db_now()
    phones = [f"+86139{i:08d}" for i in range(0, rows, 10)][:n]
    insert_rows(
        ContactPoint,
        ("party", "kind", "value", "raw", "label", "is_primary", "verified", "created_at", "updated_at"),
        [(p.pk, "phone", v, v, "", True, False, now, now) for p, v in zip(parties, phones, strict=False)],
    )  # fmt: skip
    rebuild_match_index()


def _run(user, data: bytes) -> tuple[float, float, float, object]:
    from reservoir.resolution.importing import services
    from reservoir.resolution.importing.services import ImportOptions
    from reservoir.resolution.tasks_import import analyze_import, run_import

    started, cpu = time.perf_counter(), time.process_time()
    job = services.create_job(
        by=user, file_name="cards.csv", data=data,
        options=ImportOptions(source_tag="Trade show 2026", owner_mode="round_robin", owner_team=user.team),
    )  # fmt: skip
    services.set_mapping(job, job.mapping, by=user)
    upload_s, upload_cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    analyze_import.call(job.pk)
    dry_s = time.perf_counter() - started
    job.refresh_from_db()
    started, cpu = time.perf_counter(), time.process_time()
    services.start_run(job, by=user)
    run_import.call(job.pk)
    run_s, run_cpu = time.perf_counter() - started, time.process_time() - cpu
    job.refresh_from_db()
    return upload_s + run_s, upload_cpu + run_cpu, dry_s, job


def main() -> None:
    parser = _runner.make_parser(__doc__ or "", quick_help="5,000 rows instead of 100,000")
    parser.add_argument("--rows", type=int, default=0)
    parser.add_argument("--base", type=int, default=-1, help="existing parties (default rows/10)")
    args = parser.parse_args()
    rows = args.rows or (5_000 if args.quick else 100_000)
    base = args.base if args.base >= 0 else rows // 10
    with _runner.fresh_sqlite("reservoir-import-bench-"):
        from reservoir.iam.models import Team, User
        from reservoir.parties.models import Party

        team = Team.objects.create(name="Trade show team")
        user = User.objects.create(username="importer", role="manager", team=team)
        for i in range(3):
            User.objects.create(username=f"rep{i}", role="sales_rep", team=team)
        _seed_base(base, rows)
        data = _csv(rows, seed=42)
        before = Party.objects.count()
        first_s, first_cpu, dry_s, job = _run(user, data)
        after_first = Party.objects.count()
        rerun_s, _cpu2, _dry2, job2 = _run(user, data)
        added = Party.objects.count() - after_first
        figure = _runner.figure
        figure("rows", rows, "rows", 0)
        figure("base_parties", base, "parties", 0)
        figure("import_100k_seconds", first_s, "s", 1)
        note = " (this process; the rest is waiting)"
        figure("import_100k_cpu_seconds", first_cpu, "s", 1, note=note)
        figure("import_100k_dry_run_seconds", dry_s, "s", 1)
        figure("import_100k_rows_per_s", rows / first_s, "rows/s", 0)
        figure("import_100k_created", job.created_count, "parties", 0)  # type: ignore[attr-defined]
        figure("import_100k_updated", job.updated_count, "parties", 0)  # type: ignore[attr-defined]
        note = " (incl. organizations)"
        figure("import_100k_parties_added", after_first - before, "parties", 0, note=note)
        figure("import_100k_rerun_seconds", rerun_s, "s", 1)
        figure("import_100k_rerun_added", added, "parties", 0)
        figure("import_100k_rerun_created", job2.created_count, "parties", 0)  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
