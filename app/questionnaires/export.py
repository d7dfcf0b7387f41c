"""A survey's answers as a wide table, in CSV or XLSX, with a codebook (data dictionary).

One row per response, one column per question: a single choice gives its option code (or label),
a multiple choice one 0/1 column per option plus the "other" text, a matrix one column per row, a
ranking one column per option holding its rank, and number, date and text questions their value.
Meta columns come first: response id, submission time (ISO 8601, UTC), channel, language and the
background bands. The receipt code is never exported: the respondent holds it, so it would link a
row to a person.

The table is built from answer rows read with SQL (``pandas.read_sql`` on the session's
connection, narrow columns, a chunk of responses at a time) and pivoted in pandas; no ORM object is
made for an answer. Memory stays flat however many responses there are.

Spreadsheet safety (OWASP "CSV injection"): in CSV every text cell that starts with ``= + - @``,
a tab or a carriage return gets a leading ``'``, and every text cell is quoted, so a separator
inside an answer cannot start a new cell in Excel whichever separator it assumes. Numbers stay
numbers. In XLSX text is always written as a string cell, never as a formula.
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import IO, Any

import numpy as np
import pandas as pd
import xlsxwriter
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, Select, String, bindparam, cast, func, select

from app.core import audit
from app.core.types import utcnow
from app.engagements import background
from app.engagements.models import Engagement
from app.extensions import db
from app.i18n import LOCALES, tr
from app.questionnaires import export_xlsx
from app.questionnaires.definition import definition
from app.questionnaires.models import Answer, Submission
from app.questionnaires.services import CHANNELS, questionnaire_of
from app.questionnaires.spec import OptionSpec, QuestionSpec

FORMATS = ("csv", "xlsx", "codebook")
SEPARATORS = (",", ";")
#: A cell starting with one of these is a formula to a spreadsheet (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Responses read, pivoted and written at a time.
CHUNK_RESPONSES = 10_000
#: Background bands snapshotted with a submission (Submission.demographics keys).
BACKGROUND_KEYS = background.QUESTIONS
XLSX_DATA_SHEET = "data"
XLSX_CODEBOOK_SHEET = "codebook"

#: The same words as on the results page.
CHANNEL_LABELS = {
    "web": _l("Online"),
    "paper": _l("Paper form"),
    "event": _l("At an event"),
    "phone": _l("By phone"),
    "kiosk": _l("Kiosk"),
}
LANGUAGE_LABELS = {"fi": _l("Finnish"), "sv": _l("Swedish"), "en": _l("English")}
#: Codebook headings: stable codes, and what they are called for people.
CODEBOOK_FIELDS = (
    ("column", _l("Column")),
    ("header", _l("Heading")),
    ("question", _l("Question code")),
    ("question_text", _l("Question")),
    ("type", _l("Type")),
    ("value", _l("Value")),
    ("value_label", _l("Value means")),
    ("note", _l("Note")),
)


class ExportError(Exception):
    """The export cannot be made as asked (unknown format, language…)."""


@dataclass(frozen=True)
class ExportOptions:
    #: csv | xlsx | codebook (the codebook alone, as CSV)
    format: str = "csv"
    #: CSV only: "," or ";" (";" also writes decimal commas, as Finnish Excel expects).
    separator: str = ","
    #: Column headings as question texts instead of codes.
    header_labels: bool = False
    #: Answers as option texts instead of codes.
    value_labels: bool = False
    #: Language of headings, option texts and the codebook.
    language: str = "fi"

    def check(self) -> None:
        if self.format not in FORMATS:
            raise ExportError(f"unknown format {self.format!r}")
        if self.separator not in SEPARATORS:
            raise ExportError(f"unknown separator {self.separator!r}")
        if self.language not in LOCALES:
            raise ExportError(f"unknown language {self.language!r}")


@dataclass(frozen=True)
class Column:
    """One column of the export and how it is filled from the answer rows."""

    #: Stable heading, e.g. ``when`` or ``when_evening``.
    code: str
    #: Heading in the chosen language.
    header: str
    #: Where the value comes from: a submission field, or
    #: value | flag | other | row | rank (from the answers of ``question_id``).
    source: str
    question: str = ""
    question_text: str = ""
    type: str = ""
    question_id: int | None = None
    #: The option or matrix row the column is about.
    key: str | None = None
    #: Answer field of a ``value`` column: option | number | date | text | option_or_number | any
    field: str = ""
    #: Codes this column may hold → their labels, for value labels and the codebook.
    labels: tuple[tuple[str, str], ...] = ()
    #: Extra value meanings listed in the codebook only (e.g. scale end labels).
    codebook_values: tuple[tuple[str, str], ...] = ()
    note: str = ""


@dataclass(frozen=True)
class ExportResult:
    rows: int
    columns: int
    filename: str
    mimetype: str


MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "codebook": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# --- columns ---------------------------------------------------------------------------------


def _labels(options: tuple[OptionSpec, ...], language: str) -> tuple[tuple[str, str], ...]:
    return tuple((option.code, tr(option.label, language)) for option in options)


def _cant_say(question: QuestionSpec) -> tuple[OptionSpec, ...]:
    return tuple(option for option in question.options if option.is_cant_say)


def _question_columns(question: QuestionSpec, question_id: int, language: str) -> list[Column]:
    """The columns of one question, headings in ``language`` (inside force_locale)."""
    text = tr(question.text, language)
    base = {
        "question": question.code,
        "question_text": text,
        "type": question.type,
        "question_id": question_id,
    }
    kind = question.type
    if kind == "info":
        return []
    if kind in ("short_text", "long_text"):
        note = _("Text written by the respondent.")
        return [Column(question.code, text, "value", field="text", note=note, **base)]
    if kind == "number":
        limits = []
        if question.settings.get("min") is not None:
            limits.append(_("smallest %(min)s", min=question.settings["min"]))
        if question.settings.get("max") is not None:
            limits.append(_("largest %(max)s", max=question.settings["max"]))
        note = _("A number.") + (" " + ", ".join(limits) if limits else "")
        field = "integer" if question.settings.get("integer") else "number"
        return [Column(question.code, text, "value", field=field, note=note, **base)]
    if kind == "date":
        note = _("A date, YYYY-MM-DD.")
        return [Column(question.code, text, "value", field="date", note=note, **base)]
    if kind == "yes_no":
        labels = (("yes", _("Yes")), ("no", _("No")), *_labels(_cant_say(question), language))
        return [Column(question.code, text, "value", field="option", labels=labels, **base)]
    if kind == "consent":
        labels = (("yes", _("Yes")),)
        note = _("Empty: the box was not ticked.")
        return [
            Column(question.code, text, "value", field="option", labels=labels, note=note, **base)
        ]
    if kind in ("scale", "rating", "matrix"):
        low, high = (0, 10) if kind == "rating" else (1, int(question.settings.get("points", 5)))
        ends = []
        for end, key in ((low, "low_label"), (high, "high_label")):
            label = question.settings.get(key)
            if isinstance(label, dict) and tr(label, language):
                ends.append((str(end), tr(label, language)))
        note = _("A whole number from %(low)d to %(high)d.", low=low, high=high)
        common = {
            "labels": _labels(_cant_say(question), language),
            "codebook_values": tuple(ends),
            "note": note,
        }
        if kind != "matrix":
            return [
                Column(question.code, text, "value", field="option_or_number", **common, **base)
            ]
        return [
            Column(
                f"{question.code}_{row.code}",
                _("%(question)s: %(row)s", question=text, row=tr(row.label, language)),
                "row",
                key=row.code,
                field="option_or_number",
                **common,
                **base,
            )
            for row in question.rows
        ]
    if kind == "multiple_choice":
        columns = []
        for option in question.options:
            label = tr(option.label, language)
            columns.append(
                Column(
                    f"{question.code}_{option.code}",
                    _("%(question)s: %(option)s", question=text, option=label),
                    "flag",
                    key=option.code,
                    labels=(("1", _("chosen")), ("0", _("not chosen"))),
                    note=_("Empty: the question was not answered."),
                    **base,
                )
            )
        return columns + _other_columns(question, text, language, base)
    if kind == "ranking":
        return [
            Column(
                f"{question.code}_{option.code}",
                _(
                    "%(question)s: %(option)s (rank)",
                    question=text,
                    option=tr(option.label, language),
                ),
                "rank",
                key=option.code,
                note=_("Rank given to this option, 1 = first. Empty: not ranked."),
                **base,
            )
            for option in question.options
        ]
    if kind in ("single_choice", "area"):
        labels = _labels(question.options, language)
        value = Column(question.code, text, "value", field="option", labels=labels, **base)
        return [value, *_other_columns(question, text, language, base)]
    # A type this export does not know yet: its first stored value, whatever it is.
    labels = _labels(question.options, language)
    return [Column(question.code, text, "value", field="any", labels=labels, **base)]


def _other_columns(
    question: QuestionSpec, text: str, language: str, base: dict[str, Any]
) -> list[Column]:
    return [
        Column(
            f"{question.code}_{option.code}_text",
            _(
                "%(question)s: %(option)s (written answer)",
                question=text,
                option=tr(option.label, language),
            ),
            "other",
            key=option.code,
            note=_("Text written by the respondent."),
            **{**base, "type": "other_text"},
        )
        for option in question.options
        if option.is_other
    ]


def _meta_columns() -> list[Column]:
    """Response facts and background bands (inside force_locale for the headings)."""
    channels = tuple((code, str(CHANNEL_LABELS[code])) for code in CHANNELS)
    languages = tuple((code, str(LANGUAGE_LABELS[code])) for code in LOCALES)
    return [
        Column(
            "response_id",
            _("Response"),
            "response_id",
            type="meta",
            note=_("Numbers the responses in the order they arrived."),
        ),
        Column(
            "submitted_at",
            _("Submitted (UTC)"),
            "submitted_at",
            type="meta",
            note=_("Date and time in UTC, ISO 8601."),
        ),
        Column("channel", _("Channel"), "channel", type="meta", labels=channels),
        Column("language", _("Language"), "language", type="meta", labels=languages),
        *(
            Column(
                f"bg_{key}",
                background.question_label(key),
                f"bg_{key}",
                type="background",
                labels=tuple(background.options(key)),
                note=_("Asked after the answers; empty: not given."),
            )
            for key in BACKGROUND_KEYS
        ),
    ]


def export_columns(engagement: Engagement, language: str) -> list[Column]:
    """Every column of the export, in order, with headings in ``language``."""
    questionnaire = questionnaire_of(engagement)
    spec = definition(questionnaire.id, questionnaire.version)
    with force_locale(language):
        columns = _meta_columns()
        for question in spec.questions():
            columns += _question_columns(question, spec.question_ids[question.code], language)
    return _unique_codes(columns)


def _unique_codes(columns: list[Column]) -> list[Column]:
    """A generated code (``q5_opt_a``) may equal another question's code: number the later one."""
    seen: set[str] = set()
    result = []
    for column in columns:
        code, n = column.code, 1
        while code in seen:
            n += 1
            code = f"{column.code}_{n}"
        seen.add(code)
        result.append(column if code == column.code else replace(column, code=code))
    return result


# --- reading ---------------------------------------------------------------------------------


def responses_query(engagement: Engagement) -> Select:
    """The survey's responses (meta columns), in the order they arrived."""
    return (
        select(
            Submission.id.label("response_id"),
            Submission.submitted_at,
            Submission.channel,
            Submission.locale.label("language"),
            *(
                Submission.demographics[key].as_string().label(f"bg_{key}")
                for key in BACKGROUND_KEYS
            ),
        )
        .where(Submission.engagement_id == engagement.id)
        .order_by(Submission.id)
    )


#: The answer fields an export reads (numbers as floats, dates as ISO text: no per-row Decimal).
ANSWER_COLUMNS = (
    Answer.submission_id,
    Answer.question_id,
    Answer.option_code,
    Answer.row_code,
    Answer.text,
    cast(Answer.number, Float).label("number"),
    cast(Answer.date, String).label("date"),
    Answer.rank,
)


def answers_query(submission_ids: list[int]) -> Select:
    """The answer rows of these responses (long format, codes).

    The ids (integers from the database) are written into the SQL rather than bound one by one,
    so a chunk is never too many parameters for the driver.
    """
    ids = bindparam("ids", submission_ids, expanding=True, literal_execute=True)
    return select(*ANSWER_COLUMNS).where(Answer.submission_id.in_(ids))


def read_frame(statement: Select) -> pd.DataFrame:
    """``pandas.read_sql`` on the session's connection (the same transaction as the caller)."""
    return pd.read_sql(statement, db.session.connection())


def _chunks(responses: pd.DataFrame, size: int) -> Iterator[pd.DataFrame]:
    for start in range(0, len(responses), size):
        yield responses.iloc[start : start + size]


# --- pivoting --------------------------------------------------------------------------------


class _Pivot:
    """Wide columns for one chunk of responses from their long answer rows."""

    def __init__(self, meta: pd.DataFrame, answers: pd.DataFrame, value_labels: bool) -> None:
        self.meta = meta
        self.index = pd.Index(meta["response_id"].to_numpy())
        self.value_labels = value_labels
        self.parts = {int(qid): part for qid, part in answers.groupby("question_id", sort=False)}
        self._answered: dict[int, np.ndarray] = {}

    def column(self, column: Column) -> pd.Series:
        if column.question_id is None:
            series = self._meta(column)
        else:
            part = self.parts.get(column.question_id)
            series = self._empty(column) if part is None else self._from_answers(column, part)
        if self.value_labels and column.labels and column.source != "flag":
            labelled = series.map(dict(column.labels))
            series = labelled.where(labelled.notna(), series)
        return series

    def _meta(self, column: Column) -> pd.Series:
        values = self.meta[column.source]
        if column.source == "submitted_at":
            values = pd.to_datetime(values, utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        return pd.Series(values.to_numpy(), index=self.index)

    def _empty(self, column: Column) -> pd.Series:
        if column.source == "flag":
            return pd.Series(pd.NA, index=self.index, dtype="Int8")
        if column.source == "rank" or column.field == "integer":
            return pd.Series(pd.NA, index=self.index, dtype="Int64")
        if column.field == "number":
            return pd.Series(np.nan, index=self.index, dtype="float64")
        return pd.Series(None, index=self.index, dtype=object)

    def _by_response(self, rows: pd.DataFrame, values: pd.Series) -> pd.Series:
        """Values keyed by response, aligned with the chunk (first value when repeated)."""
        series = pd.Series(values.to_numpy(), index=rows["submission_id"].to_numpy())
        series = series[~series.index.duplicated()]
        return series.reindex(self.index)

    def _from_answers(self, column: Column, part: pd.DataFrame) -> pd.Series:
        source = column.source
        if source == "flag":
            answered = self._answered.get(column.question_id)
            if answered is None:
                answered = self.index.isin(part["submission_id"].to_numpy())
                self._answered[column.question_id] = answered
            chosen = part.loc[part["option_code"] == column.key, "submission_id"].to_numpy()
            flags = pd.Series(self.index.isin(chosen).astype("int8"), index=self.index)
            return flags.astype("Int8").where(answered)
        if source == "rank":
            rows = part[part["option_code"] == column.key]
            return self._by_response(rows, rows["rank"]).astype("Int64")
        if source == "other":
            rows = part[(part["option_code"] == column.key) & part["text"].notna()]
            return self._by_response(rows, rows["text"]).astype(object)
        rows = part[part["row_code"] == column.key] if source == "row" else part
        field = column.field
        if field in ("number", "integer"):
            rows = rows[rows["number"].notna()]
            values = self._by_response(rows, rows["number"]).astype("float64")
            return values.round().astype("Int64") if field == "integer" else values
        if field == "option_or_number":
            return self._by_response(rows, _option_or_number(rows)).astype(object)
        if field == "any":
            values = rows["option_code"].astype(object)
            for other in ("text", "date"):
                values = values.where(values.notna(), rows[other].astype(object))
            values = values.where(values.notna(), _whole_numbers(rows["number"]))
            rows, values = rows[values.notna()], values[values.notna()]
            return self._by_response(rows, values).astype(object)
        name = {"option": "option_code"}.get(field, field)
        rows = rows[rows[name].notna()]
        return self._by_response(rows, rows[name]).astype(object)


def _whole_numbers(numbers: pd.Series) -> pd.Series:
    """Integral floats as Python ints, others as floats, missing as None (object dtype)."""
    values = numbers.astype(object)
    present = numbers.notna()
    integral = present & (numbers == numbers.round())
    values[integral] = numbers[integral].astype("int64").astype(object)
    values[~present] = None
    return values


def _option_or_number(rows: pd.DataFrame) -> pd.Series:
    """A scale point as a whole number, or the code of a "can't say" option."""
    numbers = _whole_numbers(rows["number"])
    return numbers.where(rows["number"].notna(), rows["option_code"].astype(object))


def _frames(
    engagement: Engagement, columns: list[Column], value_labels: bool, chunk_size: int
) -> tuple[int, Iterator[pd.DataFrame]]:
    """(number of responses, the wide table a chunk at a time; columns keyed by code)."""
    responses = read_frame(responses_query(engagement))

    def generate() -> Iterator[pd.DataFrame]:
        for meta in _chunks(responses, chunk_size):
            answers = read_frame(answers_query(meta["response_id"].tolist()))
            pivot = _Pivot(meta, answers, value_labels)
            yield pd.DataFrame(
                {column.code: pivot.column(column) for column in columns}, index=pivot.index
            )

    return len(responses), generate()


# --- writing ---------------------------------------------------------------------------------


def escape_formula(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, made inert with a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _escape_series(series: pd.Series) -> pd.Series:
    if series.dtype != object and not pd.api.types.is_string_dtype(series.dtype):
        return series
    try:
        starts = series.str.startswith(FORMULA_PREFIXES)
    except AttributeError:  # no text in this column (whole numbers only)
        return series
    risky = starts.eq(True)  # noqa: FBT003 (NaN for cells that are not text)
    if not risky.any():
        return series
    series = series.astype(object).copy()
    series[risky] = "'" + series[risky].astype(str)
    return series


def _float_formatter(decimal: str) -> Callable[[float], str]:
    def format_float(value: float) -> str:
        value = float(value)
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
        return text.replace(".", decimal)

    return format_float


def _csv_kwargs(separator: str) -> dict[str, Any]:
    decimal = "," if separator == ";" else "."
    return {
        "sep": separator,
        "index": False,
        "na_rep": "",
        "lineterminator": "\r\n",
        "quoting": csv.QUOTE_NONNUMERIC,
        "float_format": _float_formatter(decimal),
    }


def _text_stream(out: IO[bytes]) -> io.TextIOWrapper:
    """UTF-8 with a byte order mark, so Excel reads the letters ä, ö and å right."""
    return io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)


def _headers(columns: list[Column], options: ExportOptions) -> list[str]:
    return [column.header if options.header_labels else column.code for column in columns]


def write_csv(
    engagement: Engagement,
    out: IO[bytes],
    options: ExportOptions,
    columns: list[Column] | None = None,
    chunk_size: int = CHUNK_RESPONSES,
) -> int:
    """Write the answers as CSV to a binary stream; returns the number of responses."""
    columns = columns or export_columns(engagement, options.language)
    headers = [escape_formula(header) for header in _headers(columns, options)]
    kwargs = _csv_kwargs(options.separator)
    count, frames = _frames(engagement, columns, options.value_labels, chunk_size)
    stream = _text_stream(out)
    try:
        wrote_header = False
        for frame in frames:
            for code in frame.columns:
                frame[code] = _escape_series(frame[code])
            frame.to_csv(stream, header=headers if not wrote_header else False, **kwargs)
            wrote_header = True
        if not wrote_header:
            pd.DataFrame(columns=headers).to_csv(stream, header=headers, **kwargs)
    finally:
        stream.flush()
        stream.detach()
    return count


def codebook_rows(columns: list[Column], options: ExportOptions) -> list[dict[str, str]]:
    """One row per value a column may hold (one row for columns without coded values).

    ``value`` is what the data file holds: the label when answers are exported as labels.
    """
    rows = []
    for column in columns:
        base = {
            "column": column.code,
            "header": column.header,
            "question": column.question,
            "question_text": column.question_text,
            "type": column.type,
            "note": column.note,
        }
        replaced = options.value_labels and column.source != "flag"
        values = list(column.codebook_values)
        values += [
            (label if replaced else code, label)
            for code, label in column.labels
            if code not in dict(column.codebook_values)
        ]
        if not values:
            rows.append({**base, "value": "", "value_label": ""})
        for shown, label in values:
            rows.append({**base, "value": shown, "value_label": label})
    return rows


def _codebook_headers(options: ExportOptions) -> list[str]:
    if not options.header_labels:
        return [code for code, _label in CODEBOOK_FIELDS]
    with force_locale(options.language):
        return [str(label) for _code, label in CODEBOOK_FIELDS]


def write_codebook_csv(
    engagement: Engagement,
    out: IO[bytes],
    options: ExportOptions,
    columns: list[Column] | None = None,
) -> int:
    """Write the codebook alone as CSV; returns its number of rows."""
    columns = columns or export_columns(engagement, options.language)
    rows = codebook_rows(columns, options)
    frame = pd.DataFrame(rows, columns=[code for code, _label in CODEBOOK_FIELDS])
    for code in frame.columns:
        frame[code] = _escape_series(frame[code].astype(object))
    headers = [escape_formula(header) for header in _codebook_headers(options)]
    stream = _text_stream(out)
    try:
        frame.to_csv(stream, header=headers, **_csv_kwargs(options.separator))
    finally:
        stream.flush()
        stream.detach()
    return len(rows)


def write_xlsx(
    engagement: Engagement,
    out: IO[bytes],
    options: ExportOptions,
    columns: list[Column] | None = None,
    chunk_size: int = CHUNK_RESPONSES,
) -> int:
    """Write the answers and a codebook sheet as XLSX; returns the number of responses.

    XlsxWriter makes the workbook with the heading row and the codebook; the data rows are made
    a chunk at a time by :mod:`export_xlsx` and added to it. Text is always an inline string,
    never a formula, and numbers are numbers.
    """
    columns = columns or export_columns(engagement, options.language)
    template = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        template,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    try:
        bold = workbook.add_format({"bold": True})
        sheet = workbook.add_worksheet(XLSX_DATA_SHEET)
        sheet.freeze_panes(1, 0)
        for index, header in enumerate(_headers(columns, options)):
            sheet.write_string(0, index, header, bold)
        _write_codebook_sheet(workbook, columns, options, bold)
    finally:
        workbook.close()
    count, frames = _frames(engagement, columns, options.value_labels, chunk_size)

    def rows() -> Iterator[str]:
        row = 1
        for frame in frames:
            yield export_xlsx.rows_xml(frame, row)
            row += len(frame)

    export_xlsx.write_with_rows(template.getvalue(), out, rows(), count, len(columns) - 1)
    return count


def _write_codebook_sheet(
    workbook: xlsxwriter.Workbook, columns: list[Column], options: ExportOptions, bold: Any
) -> None:
    sheet = workbook.add_worksheet(XLSX_CODEBOOK_SHEET)
    sheet.freeze_panes(1, 0)
    for index, header in enumerate(_codebook_headers(options)):
        sheet.write_string(0, index, header, bold)
    fields = [code for code, _label in CODEBOOK_FIELDS]
    for row, item in enumerate(codebook_rows(columns, options), start=1):
        for index, field in enumerate(fields):
            if item[field]:
                sheet.write_string(row, index, item[field])


# --- the service -----------------------------------------------------------------------------


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while millions of fetched rows pass through.

    Each chunk's rows (tuples and SQLAlchemy rows) stay alive until they are a DataFrame, so the
    collector would walk them again and again: about a third of a CSV export's time. They form no
    reference cycles, so reference counting frees them all the same. The collector is switched
    back on afterwards (unless it was off before, e.g. another export in another thread).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def response_count(engagement: Engagement) -> int:
    """How many responses the export would have."""
    query = select(func.count()).where(Submission.engagement_id == engagement.id)
    return db.session.scalar(query)


def export_filename(engagement: Engagement, options: ExportOptions) -> str:
    """A safe ASCII file name from the public id and today's date, never from user text."""
    safe_id = "".join(ch for ch in engagement.public_id if ch.isascii() and ch.isalnum())
    safe_id = safe_id or "survey"
    what = "codebook" if options.format == "codebook" else "answers"
    extension = "xlsx" if options.format == "xlsx" else "csv"
    return f"{safe_id}-{what}-{utcnow():%Y%m%d}.{extension}"


def export_survey(engagement: Engagement, out: IO[bytes], options: ExportOptions) -> ExportResult:
    """Write the export to a binary stream and add an audit record; the caller commits."""
    options.check()
    columns = export_columns(engagement, options.language)
    with gc_paused():
        if options.format == "xlsx":
            rows = write_xlsx(engagement, out, options, columns)
        elif options.format == "codebook":
            rows = write_codebook_csv(engagement, out, options, columns)
        else:
            rows = write_csv(engagement, out, options, columns)
    audit.record(
        "survey.export",
        f"engagements:{engagement.public_id}",
        format=options.format,
        rows=rows,
        headers="labels" if options.header_labels else "codes",
        values="labels" if options.value_labels else "codes",
        language=options.language,
    )
    db.session.flush()
    return ExportResult(
        rows=rows,
        columns=len(columns),
        filename=export_filename(engagement, options),
        mimetype=MIMETYPES[options.format],
    )
