"""Exports and the staff results page of a survey with 100,000 responses × 20 questions.

Run from the repository root::

    .venv/bin/python bench/results_scale.py [--responses 100000] [--questions 20]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/osallistu_bench] [--keep]

What it does:

1. Makes a fresh database: by default an SQLite file in a temporary directory; with
   ``--database-url`` an existing, *empty* PostgreSQL database (the script refuses one that has
   tables, and drops the tables it made at the end unless ``--keep``). The schema comes from the
   models (``db.create_all()``), as in the test suite.
2. Loads the Kemi plan, a coordinator, and a published test survey with ``--questions`` questions
   of mixed types (``app/questionnaires/synthetic.py``: choices with "other", multiple choice,
   scales, 0–10, matrices, ranking, numbers, a date, texts, postal area, consent; two questions
   shown only after a "yes"), and fills it with ``--responses`` synthetic responses by bulk insert
   (the same code as ``flask demo generate``). The time this takes is printed too. On PostgreSQL
   the tables are then VACUUMed and ANALYZEd (autovacuum would do both in service: the vacuum
   sets the visibility map, without which PostgreSQL cannot count from an index alone); SQLite
   is left as it is. A second, small survey (20 responses) is made to warm a worker up with.
3. Measures each step in its own fresh Python process (so one step's memory cannot hide
   another's), one after the other:

   - floor: ``pandas.read_sql`` of the survey's raw answer rows (the same columns the export
     reads) on the session's connection, then ``DataFrame.to_csv`` of them to a file; and the
     same again with Python's cyclic garbage collector paused, as the export pauses it
     (``export.gc_paused``), so the export is compared with both;
   - CSV export: ``app.questionnaires.export.export_survey`` (codes, ``,``) to a file, and its
     ratio to the floor (target: at most 2×);
   - XLSX export: the same with the codebook sheet (target: under 30 s);
   - results page: ``GET /fi/staff/surveys/<id>/results`` through Flask's test client signed in
     as the coordinator: the first request, then the median of three more (target: under 1 s).
     The first request is the first view ever: the survey's kept tallies are deleted before it,
     so it counts every answer and keeps the tally in the database (``result_tallies``). It is
     measured twice, each in its own fresh process: ``results_fresh`` is the process's very
     first request, so it also pays the process's own start-up (compiling the templates, loading
     the locale data: about 0.3 s, once per worker for any page); ``results`` first shows the
     small survey's results page, as a worker that has served pages before, and then the big
     survey's first view, which is the cost of counting. Then the same in another fresh process
     (``results_kept``): its first request starts from the kept tally, as a restarted or new
     worker does. Skipped, with a message, when the app has no such page.

   Peak memory is ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` of the step's process (Linux
   reports KiB), so it includes the interpreter, Flask, pandas and the app (printed as the
   "process at start" figure) as well as the step itself. Target: under 1.5 GB.

Figures are printed as plain lines. The machine is shared by whatever else runs on it, so the
load average is printed first; the export/floor ratio is the figure to compare between runs.
Exit code 0; 1 when a step fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

COORDINATOR_EMAIL = "bench-coordinator@example.fi"
COORDINATOR_PASSWORD = "bench-password-not-secret"  # noqa: S105 (a throwaway database)
RESULTS_RULE = "/<any(fi, sv, en):lang>/staff/surveys/<public_id>/results"
STEPS = ("floor", "floor_gc_paused", "csv", "xlsx", "results_fresh", "results", "results_kept")
#: Responses of the small survey that warms a worker up.
WARM_UP_RESPONSES = 20
MB = 1024 * 1024


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument(
        "--database-url",
        help="an existing empty PostgreSQL database (default: a temporary SQLite file)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the tables afterwards")
    parser.add_argument("--seed", type=int, default=1)
    # Internal: run one measured step in this (fresh) process and print its figures as JSON.
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--public-id", help=argparse.SUPPRESS)
    parser.add_argument("--warm-up-id", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.responses < 1 or args.questions < 1:
        parser.error("--responses and --questions must be positive")
    return args


def make_app(database_url: str):  # noqa: ANN201
    """The app on the benchmark database: development settings, no CSRF or rate limits."""
    os.environ.setdefault("SECRET_KEY", "bench")
    from app import create_app
    from config import Development

    class Bench(Development):
        SQLALCHEMY_DATABASE_URI = database_url
        WTF_CSRF_ENABLED = False
        RATELIMIT_ENABLED = False
        SECRET_KEY = "bench"  # noqa: S105

    return create_app(Bench)


def peak_mb() -> float:
    """This process's peak resident memory so far (Linux: ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- setup (main process) --------------------------------------------------------------------


def prepare(app: Any, args: argparse.Namespace) -> dict[str, Any]:
    from sqlalchemy import inspect, text

    from app.auth import services as auth_services
    from app.core.auth import Role
    from app.extensions import db
    from app.plan import services as plan_services
    from app.questionnaires import export, synthetic

    with app.app_context(), app.test_request_context("/fi/"):
        if inspect(db.engine).get_table_names():
            raise SystemExit(
                "The database has tables already: give an empty database (nothing is dropped)."
            )
        db.create_all()
        plan_services.import_plan(Path(app.config["PLAN_DATA_FILE"]).read_text(encoding="utf-8"))
        auth_services.create_user(
            COORDINATOR_EMAIL,
            Role.COORDINATOR,
            None,
            name="Bench Coordinator",
            password=COORDINATOR_PASSWORD,
        )
        department = plan_services.department_by_code("kulttuuri-vapaa-aika")
        area = plan_services.focus_area_by_code("HK-05")
        engagement = synthetic.create_benchmark_survey(department, [area], args.questions)
        db.session.commit()
        started = time.perf_counter()
        rows = synthetic.generate_responses(engagement, args.responses, seed=args.seed)
        db.session.commit()
        generate_seconds = time.perf_counter() - started
        warm_up = synthetic.create_benchmark_survey(department, [area], args.questions)
        synthetic.generate_responses(warm_up, WARM_UP_RESPONSES, seed=args.seed)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        columns = len(export.export_columns(engagement, "fi"))
        return {
            "public_id": engagement.public_id,
            "warm_up_id": warm_up.public_id,
            "answer_rows": rows,
            "generate_seconds": generate_seconds,
            "columns": columns,
        }


def drop_everything(app: Any) -> None:
    from app.extensions import db

    with app.app_context():
        db.drop_all()


# --- the measured steps (each in a fresh process) --------------------------------------------


def run_step(args: argparse.Namespace, database_url: str) -> dict[str, Any]:
    start_mb = peak_mb()
    app = make_app(database_url)
    workdir = Path(args.workdir)
    from sqlalchemy import select

    from app.engagements.models import Engagement
    from app.extensions import db

    result: dict[str, Any] = {}
    with app.app_context():
        engagement = db.session.scalar(
            select(Engagement).where(Engagement.public_id == args.public_id)
        )
        result["start_mb"] = peak_mb()
        if args.step == "floor":
            result |= measure_floor(engagement, workdir / "floor.csv")
        elif args.step == "floor_gc_paused":
            from app.questionnaires.export import gc_paused

            with gc_paused():
                result |= measure_floor(engagement, workdir / "floor.csv")
        elif args.step in ("csv", "xlsx"):
            result |= measure_export(app, engagement, args.step, workdir / f"export.{args.step}")
        else:
            warm_up = args.warm_up_id if args.step == "results" else None
            result |= measure_results(app, engagement, args.step != "results_kept", warm_up)
    result["peak_mb"] = peak_mb()
    result["interpreter_mb"] = start_mb
    return result


def measure_floor(engagement: Any, path: Path) -> dict[str, Any]:
    import pandas as pd
    from sqlalchemy import select

    from app.extensions import db
    from app.questionnaires.export import ANSWER_COLUMNS
    from app.questionnaires.models import Answer, Submission

    statement = (
        select(*ANSWER_COLUMNS)
        .join(Submission, Submission.id == Answer.submission_id)
        .where(Submission.engagement_id == engagement.id)
    )
    started = time.perf_counter()
    frame = pd.read_sql(statement, db.session.connection())
    read = time.perf_counter()
    frame.to_csv(path, index=False)
    done = time.perf_counter()
    return {
        "seconds": done - started,
        "read_seconds": read - started,
        "write_seconds": done - read,
        "rows": len(frame),
        "bytes": path.stat().st_size,
    }


def measure_export(app: Any, engagement: Any, fmt: str, path: Path) -> dict[str, Any]:
    from app.extensions import db
    from app.questionnaires.export import ExportOptions, export_survey

    with app.test_request_context("/fi/"):
        started = time.perf_counter()
        with path.open("wb") as out:
            result = export_survey(engagement, out, ExportOptions(format=fmt))
        db.session.commit()
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": result.rows,
        "columns": result.columns,
        "bytes": path.stat().st_size,
    }


def measure_results(
    app: Any, engagement: Any, first_ever: bool, warm_up: str | None
) -> dict[str, Any]:
    """The results page four times; ``first_ever`` forgets the kept tallies first, and
    ``warm_up`` (a small survey's public id) is shown once before, untimed."""
    if not any(rule.rule == RESULTS_RULE for rule in app.url_map.iter_rules()):
        return {"skipped": f"the app has no page {RESULTS_RULE}"}
    from app.extensions import db
    from app.questionnaires import frames

    if first_ever:
        frames.forget_tallies(engagement.id)
        db.session.commit()
    client = app.test_client()
    signed_in = client.post(
        "/fi/login", data={"email": COORDINATOR_EMAIL, "password": COORDINATOR_PASSWORD}
    )
    if signed_in.status_code != 302:
        return {"error": f"signing in answered {signed_in.status_code}"}
    if warm_up:
        shown = client.get(f"/fi/staff/surveys/{warm_up}/results")
        if shown.status_code != 200:
            return {"error": f"the warm-up survey's results answered {shown.status_code}"}
    url = f"/fi/staff/surveys/{engagement.public_id}/results"
    timings, statuses, size = [], set(), 0
    for _ in range(4):
        started = time.perf_counter()
        response = client.get(url)
        size = len(response.data)
        timings.append(time.perf_counter() - started)
        statuses.add(response.status_code)
    if statuses != {200}:
        return {"error": f"{url} answered {sorted(statuses)}"}
    return {
        "seconds": statistics.median(timings[1:]),
        "first_seconds": timings[0],
        "timings": timings,
        "bytes": size,
    }


def spawn_step(step: str, args: argparse.Namespace, database_url: str, setup: dict) -> dict:
    argv = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--step",
        step,
        "--public-id",
        setup["public_id"],
        "--warm-up-id",
        setup["warm_up_id"],
        "--workdir",
        args.workdir,
        "--database-url",
        database_url,
    ]
    done = subprocess.run(  # noqa: S603 (this script, with arguments it made itself)
        argv, cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {"error": f"exit {done.returncode}: {done.stderr.strip()[-2000:]}"}
    return json.loads(lines[-1])


# --- report ----------------------------------------------------------------------------------


def versions() -> str:
    import sqlite3

    names = ("pandas", "XlsxWriter", "SQLAlchemy", "Flask")
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(
        [f"Python {platform.python_version()}", f"SQLite {sqlite3.sqlite_version}"] + found
    )


def memory_text(figures: dict) -> str:
    return (
        f"peak memory {figures['peak_mb']:.0f} MB (process at start {figures['start_mb']:.0f} MB)"
    )


def report(step: str, figures: dict, floors: dict[str, dict]) -> bool:
    if "error" in figures:
        print(f"{step}: FAILED: {figures['error']}")
        return False
    if "skipped" in figures:
        print(f"{step}: skipped: {figures['skipped']}")
        return True
    size = figures.get("bytes", 0) / MB
    if step in ("floor", "floor_gc_paused"):
        what = "floor" if step == "floor" else "the same with the garbage collector paused"
        print(
            f"{what} (read_sql + to_csv of the raw answer rows): {figures['seconds']:.2f} s "
            f"(read_sql {figures['read_seconds']:.2f} s, to_csv {figures['write_seconds']:.2f} s), "
            f"{figures['rows']} rows, {size:.1f} MB; {memory_text(figures)}"
        )
    elif step == "csv":
        ratio_text = ""
        if "seconds" in floors.get("floor", {}):
            ratio = figures["seconds"] / floors["floor"]["seconds"]
            ratio_text = f" = {ratio:.2f} × floor (target ≤ 2×)"
        if "seconds" in floors.get("floor_gc_paused", {}):
            paused = figures["seconds"] / floors["floor_gc_paused"]["seconds"]
            ratio_text += f", {paused:.2f} × the floor with the collector paused"
        print(
            f"CSV export: {figures['seconds']:.2f} s{ratio_text}, {figures['rows']} rows × "
            f"{figures['columns']} columns, {size:.1f} MB; {memory_text(figures)}"
        )
    elif step == "xlsx":
        print(
            f"XLSX export: {figures['seconds']:.2f} s (target < 30 s), {figures['rows']} rows × "
            f"{figures['columns']} columns + codebook sheet, {size:.1f} MB; {memory_text(figures)}"
        )
    else:
        what = {
            "results_fresh": "results page, first view ever as a fresh process's first request "
            "(counts every answer, and starts the process up)",
            "results": "results page, first view ever in a worker that has shown a page "
            "(counts every answer)",
            "results_kept": "results page, first view in a new process (starts from the kept "
            "tally)",
        }[step]
        print(
            f"{what}: first request {figures['first_seconds']:.3f} s (target < 1 s), "
            f"then median {figures['seconds']:.3f} s of 3 more, "
            f"{figures['bytes'] / 1024:.0f} KiB; "
            f"{memory_text(figures)}"
        )
    return True


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    if args.step:
        print(json.dumps(run_step(args, args.database_url)))
        return 0
    with tempfile.TemporaryDirectory(prefix="osallistu-bench-") as workdir:
        args.workdir = workdir
        database_url = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"
        kind = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite (temporary file)"
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} (1 min)")
        print(f"software: {versions()}")
        print(f"database: {kind}")
        app = make_app(database_url)
        setup = prepare(app, args)
        try:
            print(
                f"survey {setup['public_id']}: {args.questions} questions, "
                f"{setup['columns']} export columns"
            )
            print(
                f"generate: {args.responses} responses, {setup['answer_rows']} answer rows "
                f"in {setup['generate_seconds']:.1f} s (bulk insert)"
            )
            ok = True
            floors: dict[str, dict] = {}
            for step in STEPS:
                figures = spawn_step(step, args, database_url, setup)
                if step.startswith("floor"):
                    floors[step] = figures
                ok = report(step, figures, floors) and ok
            print(
                "peak memory: ru_maxrss of each step's own fresh process (Linux, KiB / 1024), "
                "target < 1.5 GB"
            )
            print(f"load average after: {os.getloadavg()[0]:.2f} (1 min)")
        finally:
            if args.database_url and not args.keep:
                drop_everything(app)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
