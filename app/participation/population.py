"""The population table the reach comparison divides by: parsed from the coordinator's CSV.

The file has one row per age band or postal area (``dimension,code,population`` and an optional
``year``), as UTF-8 with commas or with semicolons (Finnish Excel). :func:`parse` checks every row
and reports every problem with its line at once, so the coordinator fixes the file in one go; a
valid file replaces the whole table (:func:`replace`), a bad one changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app.auth.models import User
from app.core import audit
from app.core.types import utcnow
from app.engagements import background
from app.extensions import db
from app.participation.models import PopulationGroup
from app.participation.queries import FIRST_YEAR, LAST_YEAR

#: Largest file accepted: a full table is a few hundred bytes, so this only stops mistakes.
MAX_BYTES = 1024 * 1024
REQUIRED_COLUMNS: tuple[str, ...] = ("dimension", "code", "population")
OPTIONAL_COLUMNS: tuple[str, ...] = ("year",)
#: What the ``dimension`` column's codes mean.
DIMENSION_LABELS = {"age": _l("Age band"), "area": _l("Postal area")}
DEMO_FILE = Path(__file__).resolve().parent / "data" / "population_demo.csv"

#: Spaces Excel and people put between thousands ("19 500", with a normal, no-break or thin space).
_THOUSANDS = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?:\D|$))")


@dataclass(frozen=True)
class Row:
    """One valid row of an uploaded table; ``line`` is where it was in the file."""

    dimension: str
    code: str
    population: int
    year: int | None
    line: int


class Problem(NamedTuple):
    """What is wrong and where, a ``(line, message)`` pair: ``line`` is None for the file as
    a whole; ``message`` is in the language of the request."""

    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Line %(line)d: %(message)s", line=self.line, message=self.message)


class PopulationError(Exception):
    """The file cannot be used; ``problems`` lists every one found. Nothing was changed."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems

    @property
    def messages(self) -> list[str]:
        """Each problem as one sentence with its line, in the language of the request."""
        return [str(problem) for problem in self.problems]


def _allowed_codes() -> dict[str, list[str]]:
    return {
        "age": [code for code, _label in background.AGE_BANDS],
        "area": [code for code, _name in background.postal_areas()],
    }


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise PopulationError(
            [Problem(None, _("The file is bigger than %(mb)d MB.", mb=MAX_BYTES // (1024 * 1024)))]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise PopulationError(
            [
                Problem(
                    line,
                    _(
                        "The file is not in UTF-8. In Excel, choose Save as and the file type "
                        "“CSV UTF-8”."
                    ),
                )
            ]
        ) from None
    if not text.strip():
        raise PopulationError([Problem(None, _("The file is empty."))])
    return text


def _delimiter(first_line: str) -> str:
    """Semicolons when the header uses them (Finnish Excel), commas otherwise."""
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _whole_number(value: str) -> int | None:
    """A whole number, allowing spaces between thousands; None when it is not one."""
    value = _THOUSANDS.sub("", value.strip())
    return int(value) if re.fullmatch(r"[+-]?\d+", value) else None


def _check_row(
    line: int,
    values: dict[str, str],
    allowed: dict[str, list[str]],
    seen: dict[tuple[str, str], int],
    problems: list[Problem],
) -> Row | None:
    found: list[Problem] = []
    dimension = values.get("dimension", "").strip().lower()
    code = values.get("code", "").strip()
    raw_population = values.get("population", "").strip()
    raw_year = values.get("year", "").strip()

    if not dimension:
        found.append(Problem(line, _("The dimension is missing: write age or area.")))
    elif dimension not in allowed:
        found.append(
            Problem(
                line,
                _("Unknown dimension “%(value)s”: write age or area.", value=dimension),
            )
        )
    elif not code:
        found.append(Problem(line, _("The code is missing.")))
    elif dimension == "area" and code == background.OUTSIDE_AREA[0]:
        found.append(
            Problem(
                line,
                _(
                    "The code “%(code)s” (people who live elsewhere) has no population in the "
                    "city: leave the row out.",
                    code=code,
                ),
            )
        )
    elif code not in allowed[dimension]:
        message = (
            _(
                "Unknown age band “%(code)s”. The age bands are: %(codes)s.",
                code=code,
                codes=", ".join(allowed["age"]),
            )
            if dimension == "age"
            else _(
                "Unknown postal area “%(code)s”. The city's postal areas are: %(codes)s.",
                code=code,
                codes=", ".join(allowed["area"]),
            )
        )
        found.append(Problem(line, message))
    elif (dimension, code) in seen:
        found.append(
            Problem(
                line,
                _(
                    "This group (%(dimension)s %(code)s) is already on line %(first)d. "
                    "Give each group only once.",
                    dimension=dimension,
                    code=code,
                    first=seen[(dimension, code)],
                ),
            )
        )
    else:
        seen[(dimension, code)] = line

    population = _whole_number(raw_population)
    if not raw_population:
        found.append(Problem(line, _("The population is missing.")))
    elif population is None:
        found.append(
            Problem(
                line,
                _(
                    "The population “%(value)s” is not a whole number. Write digits only, "
                    "for example 3120.",
                    value=raw_population,
                ),
            )
        )
    elif population < 0:
        found.append(
            Problem(
                line,
                _("The population %(value)s is negative.", value=raw_population),
            )
        )

    year = _whole_number(raw_year) if raw_year else None
    if raw_year and (year is None or not FIRST_YEAR <= year <= LAST_YEAR):
        found.append(
            Problem(
                line,
                _(
                    "The year “%(value)s” is not a year between %(first)d and %(last)d.",
                    value=raw_year,
                    first=FIRST_YEAR,
                    last=LAST_YEAR,
                ),
            )
        )

    problems.extend(found)
    if found or population is None:
        return None
    return Row(dimension=dimension, code=code, population=population, year=year, line=line)


def _read(data: bytes) -> tuple[list[Row], list[Problem]]:
    """Every valid row and every problem of the file."""
    text = _decode(data)
    first_line = text.lstrip("\r\n").splitlines()[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    header: list[str] | None = None
    header_line = 0
    rows: list[Row] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    allowed = _allowed_codes()
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue  # blank lines and Excel's trailing ";;;" lines
            if header is None:
                header_line = reader.line_num
                header = [cell.strip().lower() for cell in record]
                missing = [column for column in REQUIRED_COLUMNS if column not in header]
                if missing:
                    raise PopulationError(
                        [
                            Problem(
                                header_line,
                                _(
                                    "The first line must be the header "
                                    "“dimension,code,population” (with “year” if you like). "
                                    "Missing: %(columns)s.",
                                    columns=", ".join(missing),
                                ),
                            )
                        ]
                    )
                continue
            values = {
                name: record[index] if index < len(record) else ""
                for index, name in enumerate(header)
                if name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS
            }
            row = _check_row(reader.line_num, values, allowed, seen, problems)
            if row is not None:
                rows.append(row)
    except csv.Error:
        problems.append(
            Problem(
                reader.line_num or None,
                _("This line cannot be read as CSV. Check its quotation marks."),
            )
        )
    if header is not None and not rows and not problems:
        problems.append(Problem(header_line, _("The file has a header but no rows of figures.")))
    return rows, problems


def parse(data: bytes) -> list[Row]:
    """The rows of an uploaded population CSV, checked.

    Raises PopulationError listing every problem with its line (unknown dimension or code,
    not a whole number, negative, a group twice, no header, empty, too big, not UTF-8).
    """
    rows, problems = _read(data)
    if problems:
        raise PopulationError(problems)
    return rows


@dataclass(frozen=True)
class TableRow:
    """A stored row as the population page shows it."""

    dimension: str
    dimension_label: str
    code: str
    label: str
    population: int
    year: int | None
    uploaded_at: datetime


def table() -> list[TableRow]:
    """The table as stored (age bands first, then areas, in file order), labels in the
    current language."""
    groups = db.session.scalars(
        select(PopulationGroup).order_by(PopulationGroup.dimension, PopulationGroup.id)
    )
    return [
        TableRow(
            dimension=group.dimension,
            dimension_label=str(DIMENSION_LABELS.get(group.dimension, group.dimension)),
            code=group.code,
            label=background.label(group.dimension, group.code),
            population=group.population,
            year=group.year,
            uploaded_at=group.uploaded_at,
        )
        for group in groups
    ]


def is_empty() -> bool:
    return not db.session.scalar(select(func.count(PopulationGroup.id)))


def replace(rows: list[Row], user: User | None, source: str = "upload") -> int:
    """Make ``rows`` the whole population table (the old rows go). Flushes; the caller commits.

    Audited as ``participation.population.upload`` with the row counts (figures only, no names).
    Returns the number of rows stored.
    """
    removed = db.session.execute(delete(PopulationGroup)).rowcount or 0
    uploaded_at: datetime = utcnow()
    db.session.add_all(
        PopulationGroup(
            dimension=row.dimension,
            code=row.code,
            population=row.population,
            year=row.year,
            uploaded_at=uploaded_at,
        )
        for row in rows
    )
    db.session.flush()
    audit.record(
        "participation.population.upload",
        "population_groups",
        actor_id=user.id if user is not None else None,
        source=source,
        rows=len(rows),
        age_rows=sum(1 for row in rows if row.dimension == "age"),
        area_rows=sum(1 for row in rows if row.dimension == "area"),
        replaced_rows=removed,
    )
    return len(rows)


def example_csv() -> bytes:
    """The demo table as a file the coordinator can download, edit and upload."""
    return DEMO_FILE.read_bytes()


def load_demo() -> bool:
    """Load the demo table (Kemi-like figures) if the table is empty. Flushes; caller commits.

    Rows for postal areas the city does not have (``POSTAL_AREAS`` set to another city's) are
    left out. Returns whether anything was loaded.
    """
    if not is_empty():
        return False
    rows, _problems = _read(example_csv())
    if not rows:
        return False
    replace(rows, None, source="demo")
    return True
