"""Participation records at scale: the coordinator's dashboard and the year's exports.

Run from the repository root::

    .venv/bin/python bench/participation_scale.py [--engagements 500] [--submissions 200000]
        [--answers 2000000] [--posts 20000] [--years 4] [--seed 1] [--small]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/osallistu_bench_part] [--keep]

What it does:

1. Makes a fresh database: by default an SQLite file in a temporary directory; with
   ``--database-url`` an existing, *empty* PostgreSQL database (the script refuses one that has
   tables, and drops the tables it made at the end unless ``--keep``). The schema comes from the
   models (``db.create_all()``), as in the test suite.
2. Loads the Kemi plan and a coordinator, then ``--years`` calendar years (the current one up to
   now and the ones before it) of made-up participation (``app/participation/synthetic.py``):
   ``--engagements`` surveys and EVA hearings over the plan's five departments and its focus
   areas, each with a questionnaire of about ten questions; ``--submissions`` responses through
   every channel and language, four in ten with background bands; ``--answers`` answers;
   ``--posts`` comments in the discussions of about a hundred engagements; offline participation,
   outcome subscriptions and the population table. Rows go in by bulk insert, one transaction
   per chunk of 10,000 responses; the time this takes is printed. On PostgreSQL the tables are
   then ANALYZEd (autovacuum would do that in service); SQLite is left as it is.
   ``--small`` makes a quick smoke run (20 engagements, 2,000 responses): it shows that every
   step works, but its figures are mostly fixed costs and say little about the targets.
3. Measures, for the finished year with the most responses, each step in its own fresh Python
   process (so one step's memory cannot hide another's), one after the other. The script's own
   process never imports the app: Linux hands a process's peak memory on to the programs it
   starts, so the data is made (and dropped) in fresh processes too.

   - records: ``app.participation.records.build(year, "fi")``, what every page and export reads:
     the first call, then the median of three more;
   - dashboard: ``GET /fi/staff/participation/?year=<year>`` through Flask's test client signed
     in as the coordinator: the first request, then the median of three more (target: the
     median under 1 s; the first request also pays for the process's first templates and
     translations). Skipped, with a message, while the app has no ``participation.dashboard``
     view;
   - floor: ``pandas.read_sql`` of the year's raw submission rows (every column of
     ``submissions``) on the session's connection;
   - CSV export: ``app.participation.export.write(year, "csv", "fi", out)`` to a file, and its
     ratio to the floor (target: at most 2×);
   - XLSX export: the same as a workbook (target: under 15 s, peak memory under 1 GB).
   The exports are skipped, with a message, while the app has no ``export.write``.

   Peak memory is ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` of the step's process (Linux
   reports KiB), so it includes the interpreter, Flask, pandas and the app (printed as the
   "process at start" figure) as well as the step itself.

Figures are printed as plain lines with their targets and PASS or MISS. The machine is shared by
whatever else runs on it, so the load average is printed first. Exit code 0; 1 when a step fails
or misses its target.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

COORDINATOR_EMAIL = "bench-coordinator@example.fi"
COORDINATOR_PASSWORD = "bench-password-not-secret"  # noqa: S105 (a throwaway database)
DASHBOARD_ENDPOINT = "participation.dashboard"
STEPS = ("records", "dashboard", "floor", "csv", "xlsx")
#: Steps that make and remove the data: also in their own processes, see :func:`main`.
CHORES = ("setup", "drop")
SMALL = {"engagements": 20, "submissions": 2_000, "answers": 20_000, "posts": 200}
MB = 1024 * 1024
#: Targets: seconds (and MB of peak memory) a step may take.
DASHBOARD_TARGET_S = 1.0
XLSX_TARGET_S = 15.0
XLSX_TARGET_MB = 1024
CSV_TARGET_RATIO = 2.0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engagements", type=int, default=500)
    parser.add_argument("--submissions", type=int, default=200_000)
    parser.add_argument("--answers", type=int, default=2_000_000)
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--small", action="store_true", help="a quick smoke run: 20 engagements, 2,000 responses"
    )
    parser.add_argument(
        "--database-url",
        help="an existing empty PostgreSQL database (default: a temporary SQLite file)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the tables afterwards")
    # Internal: run one measured step in this (fresh) process and print its figures as JSON.
    parser.add_argument("--step", choices=STEPS + CHORES, help=argparse.SUPPRESS)
    parser.add_argument("--year", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.small:
        for name, value in SMALL.items():
            setattr(args, name, value)
    if min(args.engagements, args.submissions, args.years) < 1:
        parser.error("--engagements, --submissions and --years must be positive")
    if min(args.answers, args.posts) < 0:
        parser.error("--answers and --posts must not be negative")
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


def export_writer() -> Callable[..., Any] | None:
    """``app.participation.export.write`` when the app has it."""
    try:
        module = importlib.import_module("app.participation.export")
    except ModuleNotFoundError:
        return None
    return getattr(module, "write", None)


# --- setup (main process) --------------------------------------------------------------------


def prepare(app: Any, args: argparse.Namespace) -> dict[str, Any]:
    from sqlalchemy import inspect, text

    from app.auth import services as auth_services
    from app.core.auth import Role
    from app.core.types import utcnow
    from app.extensions import db
    from app.participation import synthetic
    from app.plan import services as plan_services

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
        db.session.commit()
        sizes = synthetic.Sizes(
            engagements=args.engagements,
            submissions=args.submissions,
            answers=args.answers,
            posts=args.posts,
            years=args.years,
            seed=args.seed,
        )
        # From midnight (UTC) rather than this second: the same seed on the same day makes the
        # same data, and so the same figures to compare.
        today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
        started = time.perf_counter()
        made = synthetic.generate(sizes, now=today, on_chunk=db.session.commit)
        db.session.commit()
        generate_seconds = time.perf_counter() - started
        analyze_seconds = None
        if db.engine.dialect.name == "postgresql":
            started = time.perf_counter()
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            analyze_seconds = time.perf_counter() - started
        return {
            "made": {
                **{name: value for name, value in vars(made).items() if name != "kinds"},
                "kinds": dict(made.kinds),
                "submissions_by_year": {
                    str(year): n for year, n in made.submissions_by_year.items()
                },
            },
            "year": made.busiest_full_year(),
            "generate_seconds": generate_seconds,
            "analyze_seconds": analyze_seconds,
        }


def drop_everything(app: Any) -> dict[str, Any]:
    from app.extensions import db

    with app.app_context():
        db.drop_all()
    return {"dropped": True}


# --- the measured steps (each in a fresh process) --------------------------------------------


def run_step(args: argparse.Namespace, database_url: str) -> dict[str, Any]:
    start_mb = peak_mb()
    app = make_app(database_url)
    if args.step == "setup":
        return prepare(app, args)
    if args.step == "drop":
        return drop_everything(app)
    workdir = Path(args.workdir)
    result: dict[str, Any] = {}
    with app.app_context():
        result["start_mb"] = peak_mb()
        if args.step == "records":
            result |= measure_records(app, args.year)
        elif args.step == "dashboard":
            result |= measure_dashboard(app, args.year)
        elif args.step == "floor":
            result |= measure_floor(args.year)
        else:
            result |= measure_export(app, args.year, args.step, workdir / f"export.{args.step}")
    result["peak_mb"] = peak_mb()
    result["interpreter_mb"] = start_mb
    return result


def _timed(call: Callable[[], Any], times: int = 4) -> tuple[list[float], Any]:
    timings, value = [], None
    for _ in range(times):
        started = time.perf_counter()
        value = call()
        timings.append(time.perf_counter() - started)
    return timings, value


def measure_records(app: Any, year: int) -> dict[str, Any]:
    from app.participation import records

    with app.test_request_context("/fi/"):
        timings, built = _timed(lambda: records.build(year, "fi"))
    return {
        "seconds": statistics.median(timings[1:]),
        "first_seconds": timings[0],
        "timings": timings,
        "engagements": built.total.engagements,
        "participants": built.total.participants,
        "responses": built.total.responses,
        "comments": built.total.comments,
        "tidy_rows": len(built.tidy),
    }


def measure_dashboard(app: Any, year: int) -> dict[str, Any]:
    if DASHBOARD_ENDPOINT not in app.view_functions:
        return {"skipped": f"the app has no page {DASHBOARD_ENDPOINT} yet"}
    client = app.test_client()
    signed_in = client.post(
        "/fi/login", data={"email": COORDINATOR_EMAIL, "password": COORDINATOR_PASSWORD}
    )
    if signed_in.status_code != 302:
        return {"error": f"signing in answered {signed_in.status_code}"}
    url = f"/fi/staff/participation/?year={year}"
    statuses: set[int] = set()
    sizes: list[int] = []

    def get() -> None:
        response = client.get(url)
        statuses.add(response.status_code)
        sizes.append(len(response.data))

    timings, _ = _timed(get)
    if statuses != {200}:
        return {"error": f"{url} answered {sorted(statuses)}"}
    return {
        "seconds": statistics.median(timings[1:]),
        "first_seconds": timings[0],
        "timings": timings,
        "bytes": sizes[-1],
        "url": url,
    }


def measure_floor(year: int) -> dict[str, Any]:
    import pandas as pd
    from sqlalchemy import select

    from app.extensions import db
    from app.participation.queries import period
    from app.questionnaires.models import Submission

    the_year = period(year)
    statement = select(Submission.__table__).where(
        Submission.submitted_at >= the_year.start, Submission.submitted_at < the_year.end
    )
    started = time.perf_counter()
    frame = pd.read_sql(statement, db.session.connection())
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": len(frame), "columns": len(frame.columns)}


def measure_export(app: Any, year: int, fmt: str, path: Path) -> dict[str, Any]:
    from app.extensions import db

    write = export_writer()
    if write is None:
        return {"skipped": "the app has no app.participation.export.write yet"}
    with app.test_request_context("/fi/"):
        started = time.perf_counter()
        with path.open("wb") as out:
            write(year, fmt, "fi", out)
        db.session.commit()
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "bytes": path.stat().st_size}


def spawn_step(
    step: str, args: argparse.Namespace, database_url: str, year: int | None = None
) -> dict:
    """Run ``step`` in a fresh process and return the figures it printed.

    This process never imports the app, so it stays small: Linux hands a process's peak memory
    on to the programs it starts (``ru_maxrss`` survives fork and exec), and a large parent
    would hide the step's own peak.
    """
    sizes = [f"--{name}={getattr(args, name)}" for name in (*SMALL, "years", "seed")]
    argv = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--step",
        step,
        "--workdir",
        args.workdir,
        "--database-url",
        database_url,
        *sizes,
        *(["--year", str(year)] if year is not None else []),
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

    names = ("pandas", "XlsxWriter", "SQLAlchemy", "Flask", "psycopg")
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(
        [f"Python {platform.python_version()}", f"SQLite {sqlite3.sqlite_version}"] + found
    )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def memory_text(figures: dict) -> str:
    return (
        f"peak memory {figures['peak_mb']:.0f} MB (process at start {figures['start_mb']:.0f} MB)"
    )


def report(step: str, figures: dict, floor: dict) -> bool:
    """Print one step's line; False when it failed or missed its target."""
    if "error" in figures:
        print(f"{step}: FAILED: {figures['error']}")
        return False
    if "skipped" in figures:
        print(f"{step}: skipped: {figures['skipped']}")
        return True
    if step == "records":
        print(
            f"records.build(year, 'fi'): median {figures['seconds']:.3f} s of 3 more calls, "
            f"first call {figures['first_seconds']:.3f} s; {figures['engagements']} engagements, "
            f"{figures['participants']} participants, {figures['responses']} responses, "
            f"{figures['comments']} comments, {figures['tidy_rows']} tidy rows; "
            f"{memory_text(figures)}"
        )
        return True
    if step == "dashboard":
        ok = figures["seconds"] < DASHBOARD_TARGET_S
        print(
            f"dashboard {figures['url']}: median {figures['seconds']:.3f} s of 3 more requests "
            f"(target < {DASHBOARD_TARGET_S:g} s) {verdict(ok)}, first request of the process "
            f"{figures['first_seconds']:.3f} s, {figures['bytes'] / 1024:.0f} KiB; "
            f"{memory_text(figures)}"
        )
        return ok
    if step == "floor":
        print(
            f"floor (pandas.read_sql of the year's submission rows, every column): "
            f"{figures['seconds']:.2f} s, {figures['rows']} rows × {figures['columns']} columns; "
            f"{memory_text(figures)}"
        )
        return True
    size = figures["bytes"] / MB
    if step == "csv":
        if "seconds" not in floor:
            print(f"CSV export: {figures['seconds']:.2f} s (no floor to compare with) MISS")
            return False
        ratio = figures["seconds"] / floor["seconds"]
        ok = ratio <= CSV_TARGET_RATIO
        print(
            f"CSV export: {figures['seconds']:.2f} s = {ratio:.2f} × floor "
            f"(target ≤ {CSV_TARGET_RATIO:g}×) {verdict(ok)}, {size:.2f} MB; {memory_text(figures)}"
        )
        return ok
    ok = figures["seconds"] < XLSX_TARGET_S and figures["peak_mb"] < XLSX_TARGET_MB
    print(
        f"XLSX export: {figures['seconds']:.2f} s (target < {XLSX_TARGET_S:g} s), "
        f"{memory_text(figures)} (target < {XLSX_TARGET_MB} MB) {verdict(ok)}, {size:.2f} MB"
    )
    return ok


def print_made(setup: dict[str, Any], args: argparse.Namespace) -> None:
    made = argparse.Namespace(**setup["made"])
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(made.kinds.items()))
    years = ", ".join(
        f"{year}: {made.submissions_by_year.get(str(year), 0)}"
        for year in range(made.first_year, made.last_year + 1)
    )
    print(
        f"data: {made.engagements} engagements ({kinds}), {made.questions} questions, "
        f"{made.submissions} responses, {made.answers} answers, {made.posts} posts in "
        f"{made.threads} threads of {made.discussions} discussions, {made.offline_rows} offline "
        f"rows, {made.subscriptions} outcome subscriptions, {made.population_rows} population rows"
    )
    print(f"responses per year ({made.last_year} up to now): {years}")
    analyze = setup["analyze_seconds"]
    analyze_text = f", ANALYZE {analyze:.1f} s" if analyze is not None else ""
    print(
        f"generate: {setup['generate_seconds']:.1f} s (bulk insert, seed {args.seed}){analyze_text}"
    )
    print(f"measured year: {setup['year']} (the finished year with the most responses)")


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
        setup = spawn_step("setup", args, database_url)
        if "error" in setup:
            print(f"setup: FAILED: {setup['error']}")
            return 1
        ok = True
        try:
            print_made(setup, args)
            floor: dict = {}
            for step in STEPS:
                figures = spawn_step(step, args, database_url, setup["year"])
                if step == "floor":
                    floor = figures
                ok = report(step, figures, floor) and ok
            print("peak memory: ru_maxrss of each step's own fresh process (Linux, KiB / 1024)")
            print(f"load average after: {os.getloadavg()[0]:.2f} (1 min)")
        finally:
            if args.database_url and not args.keep:
                dropped = spawn_step("drop", args, database_url)
                if "error" in dropped:
                    print(f"dropping the tables: FAILED: {dropped['error']}")
                    ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
