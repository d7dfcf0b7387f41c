"""Import a survey from an XLSForm spreadsheet (ODK, KoboToolbox) as a draft.

XLSForm is a workbook with a ``survey`` sheet (one row per question, ``begin group``/``end group``
around pages), a ``choices`` sheet (answer options by list name) and an optional ``settings``
sheet (``form_title``, ``form_id``, ``default_language``). Texts come in language columns such as
``label::Suomi (fi)`` or ``label::sv``.

What maps onto our question types is imported; everything else (types we do not have,
conditions or checks we cannot express as data, calculations, repeats, choice filters…) is listed
in an import report with its sheet and row, never dropped silently.

The file is treated as hostile: its size and unpacked size are limited before any XML is parsed,
XML with a DOCTYPE is refused, formulas are never evaluated (a cell with a formula is an error),
conditions are parsed by a small tokenizer and turned into data, never evaluated, and the survey is
created in a savepoint, so a failed import leaves nothing behind.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from sqlalchemy import select

from app.core import audit
from app.core.audit import AuditLog
from app.engagements.models import Engagement, Kind
from app.engagements.services import EngagementError, create_engagement
from app.extensions import db
from app.i18n import LOCALES
from app.plan.models import Department, FocusArea
from app.questionnaires import services
from app.questionnaires.models import Questionnaire
from app.questionnaires.services import OptionInput, QuestionnaireError

# --- limits --------------------------------------------------------------------------------

#: Largest workbook accepted (the web form is also bounded by MAX_CONTENT_LENGTH).
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Largest total unpacked size of the workbook's parts (zip bombs stop here).
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ZIP_MEMBERS = 500
#: Rows with content on the survey sheet (each question costs a little more than the one before).
MAX_ROWS = 1000
#: Rows with content on the choices sheet (long lists such as postal areas are fine).
MAX_CHOICE_ROWS = 5000
MAX_COLUMNS = 100
MAX_CELL_CHARS = 5000
MAX_EXPRESSION_CHARS = 1000
#: As in XLSForm, rows after this many blank rows are not read.
BLANK_ROWS_END = 20

AUDIT_ACTION = "survey.import"

# --- notes, errors and the result ----------------------------------------------------------

#: Every message of the import report and of import errors, by code.
MESSAGES: dict[str, Any] = {
    # errors
    "too_large": _l("The file is larger than %(max)d MB."),
    "empty_file": _l("The file is empty."),
    "old_xls": _l(
        "The file is in the old Excel format (.xls). Save it as an Excel workbook (.xlsx) and "
        "try again."
    ),
    "not_xlsx": _l("The file is not an Excel workbook (.xlsx). Save it as .xlsx and try again."),
    "unpacked_too_large": _l(
        "The workbook is too large: unpacked, it would be more than %(max)d MB. Make it smaller "
        "and try again."
    ),
    "too_many_parts": _l(
        "The workbook has too many parts inside it. Save it again as a plain .xlsx file and try "
        "again."
    ),
    "doctype": _l("The workbook contains XML declarations that are not allowed (DOCTYPE)."),
    "broken": _l(
        "The workbook could not be read. It may be damaged: open it in Excel and save it again."
    ),
    "no_survey_sheet": _l("The workbook has no sheet named “survey”."),
    "missing_column": _l("The sheet has no “%(column)s” column."),
    "no_label_column": _l("The survey sheet has no label column (label or label::language)."),
    "too_many_rows": _l("The sheet has more than %(max)d rows."),
    "too_many_columns": _l("The sheet has more than %(max)d columns."),
    "formula": _l(
        "Cell %(cell)s contains a formula. Formulas are not run: replace them with plain values "
        "and try again."
    ),
    "cell_too_long": _l("Cell %(cell)s has more than %(max)d characters."),
    "duplicate_name": _l("The name “%(name)s” is used twice (also on row %(first)d)."),
    "duplicate_choice": _l("The list “%(list)s” has the choice “%(name)s” twice."),
    "choice_without_name": _l("A choice of the list “%(list)s” has no name."),
    "missing_name": _l("The row of type “%(type)s” has no name."),
    "missing_type": _l("The row “%(name)s” has no type."),
    "missing_list": _l("“%(name)s” (%(type)s) does not say which choice list it uses."),
    "unknown_list": _l(
        "“%(name)s” uses the choice list “%(list)s”, which is not on the choices sheet."
    ),
    "end_without_begin": _l("“%(type)s” has no matching begin row."),
    "group_not_closed": _l("The group “%(name)s” is not closed with an end group row."),
    "no_language": _l("The form has no texts in Finnish, Swedish or English."),
    "no_questions": _l("The form has no questions that could be imported."),
    "not_created": _l("The survey could not be created: %(problems)s"),
    # skipped: not imported
    "unsupported_type": _l(
        "“%(name)s” (%(type)s) was not imported: the service has no such question type."
    ),
    "unknown_type": _l("“%(name)s” was not imported: the type “%(type)s” is unknown."),
    "metadata": _l(
        "“%(name)s” (%(type)s) would collect device or time data; not imported, answers here "
        "are anonymous."
    ),
    "calculate": _l("The calculation “%(name)s” was not imported: calculations are not supported."),
    "from_file": _l(
        "“%(name)s” takes its choices from the file %(file)s, which is not part of the "
        "workbook; not imported."
    ),
    "no_type_row": _l("The row has no type; it was not imported."),
    "empty_note": _l("The note “%(name)s” has no text; not imported."),
    "empty_group": _l(
        "The group “%(name)s” has no questions that could be imported; no page was made."
    ),
    "ignored_column": _l("The column “%(column)s” is not used by this service."),
    "unknown_language": _l(
        "The column “%(column)s” is in a language the service does not offer; not imported."
    ),
    "media": _l(
        "The column “%(column)s” (pictures, sound or video) is not supported; not imported."
    ),
    "ignored_sheet": _l("The sheet “%(sheet)s” is not used by this service."),
    "ignored_settings": _l("These settings are not used by this service: %(columns)s."),
    "unknown_default_language": _l(
        "The default language “%(language)s” is not Finnish, Swedish or English: texts in "
        "columns without a language were not imported."
    ),
    "rows_after_blank": _l("Rows after %(count)d blank rows were not read (as in XLSForm)."),
    # simplified: imported differently
    "relevant_complex": _l(
        "The display condition of “%(name)s” (%(expression)s) is too complex to import: it is "
        "always shown. Add the condition in the builder."
    ),
    "relevant_unknown_question": _l(
        "The display condition of “%(name)s” refers to “%(other)s”, which was not imported or "
        "comes later: it is always shown."
    ),
    "relevant_unknown_choice": _l(
        "The display condition of “%(name)s” refers to the choice “%(value)s”, which “%(other)s” "
        "does not have: it is always shown."
    ),
    "relevant_group": _l(
        "The display condition of “%(name)s” could not be combined with the condition of the "
        "group around it; only the group's condition was kept."
    ),
    "constraint_dropped": _l(
        "The answer check of “%(name)s” (%(expression)s) was not imported; only the question "
        "type's own checks apply."
    ),
    "constraint_approximate": _l(
        "The answer check of “%(name)s” (%(expression)s) was imported as limits that include "
        "the end values."
    ),
    "own_messages": _l(
        "“%(name)s”: the %(column)s was not imported; the service shows its own messages in "
        "every language."
    ),
    "required_expression": _l(
        "“%(name)s” is required only when %(expression)s; it was imported as optional."
    ),
    "repeat": _l("The repeat “%(name)s” was imported as questions asked once."),
    "nested_group": _l("The group “%(name)s” inside another group was merged into its page."),
    "or_other": _l("“%(name)s”: “or_other” became an option “Other, please specify”."),
    "choice_filter": _l("The choice filter of “%(name)s” was not imported: all choices are shown."),
    "default": _l("The default answer of “%(name)s” was not imported."),
    "read_only": _l("“%(name)s” was read-only in the form; here it can be answered."),
    "calculation": _l("The calculation of “%(name)s” was not imported."),
    "parameters": _l("The parameters of “%(name)s” (%(parameters)s) were not imported."),
    "appearance": _l("The appearance “%(appearance)s” of “%(name)s” was not imported."),
    "renamed": _l("The name “%(name)s” became the code “%(code)s”."),
    "choices_renamed": _l(
        "Choice names of the list “%(list)s” were changed to fit the code rules: %(changes)s."
    ),
    "no_label": _l("“%(name)s” has no text; its name is used as the text."),
    "choice_no_label": _l(
        "The choice “%(name)s” of the list “%(list)s” has no text; its name is used."
    ),
    "label_reference": _l(
        "The text of “%(name)s” refers to other answers (${…}); it is shown as written."
    ),
    "datetime": _l("“%(name)s” asked for a date and time; it was imported as a date."),
    "range_number": _l("“%(name)s” (range %(start)s–%(end)s) was imported as a number question."),
    "matrix": _l("The group “%(name)s” became one matrix question with %(rows)d rows."),
    "matrix_conditions": _l("The display conditions of the rows of “%(name)s” were not imported."),
    "no_title": _l(
        "The settings have no form_title; the title is “%(title)s”. Edit it before publishing."
    ),
}

#: Codes of notes that say something was not imported at all.
SKIPPED = frozenset(
    {
        "unsupported_type",
        "unknown_type",
        "metadata",
        "calculate",
        "from_file",
        "no_type_row",
        "empty_note",
        "empty_group",
        "ignored_column",
        "unknown_language",
        "media",
        "ignored_sheet",
        "ignored_settings",
        "unknown_default_language",
        "rows_after_blank",
    }
)


@dataclass(frozen=True)
class Note:
    """One line of the import report, or one import error: a code, where, and parameters."""

    code: str
    sheet: str = ""
    #: Row number as Excel shows it; None when the note is about the whole sheet or file.
    row: int | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def skipped(self) -> bool:
        return self.code in SKIPPED

    @property
    def message(self) -> str:
        """The message in the current language."""
        template = MESSAGES.get(self.code)
        if template is None:
            return self.code
        return str(template) % dict(self.params) if self.params else str(template)

    @property
    def where(self) -> str:
        if self.sheet and self.row:
            return _("%(sheet)s, row %(row)d", sheet=self.sheet, row=self.row)
        return self.sheet

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "sheet": self.sheet,
            "row": self.row,
            "params": dict(self.params),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Note:
        return cls(
            code=str(data.get("code", "")),
            sheet=str(data.get("sheet", "")),
            row=data.get("row"),
            params=dict(data.get("params") or {}),
        )


class XlsFormError(Exception):
    """The file cannot be imported; ``problems`` says why and where. Nothing was created."""

    def __init__(self, problems: list[Note]) -> None:
        super().__init__("; ".join(note.code for note in problems))
        self.problems = problems

    @property
    def messages(self) -> list[str]:
        """Each problem as one sentence with its place, in the current language."""
        return [
            f"{note.where}: {note.message}" if note.where else note.message
            for note in self.problems
        ]


@dataclass
class ImportReport:
    """What an import did, as kept in the audit log: counts and the notes."""

    public_id: str
    pages: int
    questions: int
    languages: list[str]
    notes: list[Note]

    @property
    def skipped(self) -> list[Note]:
        return [note for note in self.notes if note.skipped]

    @property
    def simplified(self) -> list[Note]:
        return [note for note in self.notes if not note.skipped]


@dataclass
class ImportResult(ImportReport):
    engagement: Engagement | None = None
    questionnaire: Questionnaire | None = None


def _fail(code: str, sheet: str = "", row: int | None = None, **params: Any) -> XlsFormError:
    return XlsFormError([Note(code, sheet, row, params)])


# --- reading the workbook ------------------------------------------------------------------


def _check_archive(data: bytes) -> None:
    """Refuse what is not a small, plain .xlsx before any XML parser sees it."""
    if not data:
        raise _fail("empty_file")
    if len(data) > MAX_FILE_BYTES:
        raise _fail("too_large", max=MAX_FILE_BYTES // (1024 * 1024))
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _fail("old_xls")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _fail("not_xlsx") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise _fail("too_many_parts")
        if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
            raise _fail("unpacked_too_large", max=MAX_UNPACKED_BYTES // (1024 * 1024))
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
            raise _fail("not_xlsx")
        # Every part, whatever its name: the workbook's relations may point anywhere.
        for member in members:
            try:
                # Declared sizes are enforced by zipfile (reading stops there, CRC is checked).
                with archive.open(member) as part:
                    content = part.read()
            except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError):
                raise _fail("broken") from None
            # UTF-16 XML hides the declaration between NUL bytes.
            if b"<!doctype" in content.replace(b"\x00", b"").lower():
                raise _fail("doctype")


@dataclass
class _Sheet:
    title: str
    header_row: int
    headers: list[str]
    #: (Excel row number, cell texts by column index)
    rows: list[tuple[int, list[str]]]


def _cell_text(cell: Any, sheet: str) -> str:
    """A cell's value as text; formulas are refused, never evaluated."""
    value = cell.value
    if value is None:
        return ""
    if getattr(cell, "data_type", None) == "f" or not isinstance(
        value, str | int | float | bool | datetime | date | time | Decimal
    ):
        raise _fail("formula", sheet, getattr(cell, "row", None), cell=cell.coordinate)
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == time() else value.isoformat()
    elif isinstance(value, date | time):
        text = value.isoformat()
    else:
        text = str(value)
    text = re.sub(
        r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text.replace("\r\n", "\n").replace("\r", "\n")
    )
    # After the removal: a control character between a letter and its accent kept them apart.
    text = unicodedata.normalize("NFC", text).strip()
    if len(text) > MAX_CELL_CHARS:
        raise _fail("cell_too_long", sheet, cell.row, cell=cell.coordinate, max=MAX_CELL_CHARS)
    return text


def _read_sheet(worksheet: Any, notes: list[Note]) -> _Sheet:
    title = worksheet.title
    declared_rows = worksheet.max_row
    # Dimensions written by some tools are wrong; read what is there.
    worksheet.reset_dimensions()
    header_row, headers = 0, []
    rows: list[tuple[int, list[str]]] = []
    blanks = 0
    last = 0
    ended = False
    rows_iter = worksheet.iter_rows(max_col=MAX_COLUMNS + 1)
    for cells in rows_iter:
        texts = [_cell_text(cell, title) for cell in cells]
        number = next((cell.row for cell in cells if getattr(cell, "row", None)), last + 1)
        last = number
        if not any(texts):
            blanks += 1
            if blanks >= BLANK_ROWS_END:
                ended = True
                break
            continue
        blanks = 0
        if len(texts) > MAX_COLUMNS and texts[MAX_COLUMNS]:
            raise _fail("too_many_columns", title, number, max=MAX_COLUMNS)
        texts = texts[:MAX_COLUMNS]
        if not header_row:
            header_row, headers = number, texts
            continue
        rows.append((number, texts))
        limit = MAX_CHOICE_ROWS if title.strip().lower() == "choices" else MAX_ROWS
        if len(rows) > limit:
            raise _fail("too_many_rows", title, max=limit)
    if ended and _more_content(rows_iter, declared_rows, last):
        notes.append(Note("rows_after_blank", title, params={"count": BLANK_ROWS_END}))
    return _Sheet(title, header_row, headers, rows)


def _more_content(rows: Iterable[Any], declared_rows: int | None, last: int) -> bool:
    """Whether anything follows the blank rows: looked for in a bounded number of rows."""
    for scanned, cells in enumerate(rows):
        if any(getattr(cell, "value", None) is not None for cell in cells):
            return True
        if scanned >= MAX_CHOICE_ROWS:
            # Too far to look (a hostile sheet may claim a million rows): say it may be there.
            return bool(declared_rows and declared_rows > last + scanned)
    return False


def _read_workbook(data: bytes, notes: list[Note]) -> dict[str, _Sheet]:
    """The survey, choices and settings sheets (by lowercase name); other sheets are noted."""
    _check_archive(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(
                io.BytesIO(data), read_only=True, data_only=False, keep_links=False
            )
            try:
                sheets: dict[str, _Sheet] = {}
                for worksheet in workbook.worksheets:
                    name = worksheet.title.strip().lower()
                    if name not in ("survey", "choices", "settings") or name in sheets:
                        notes.append(Note("ignored_sheet", params={"sheet": worksheet.title}))
                        continue
                    sheets[name] = _read_sheet(worksheet, notes)
            finally:
                workbook.close()
    except XlsFormError:
        raise
    except Exception:  # any failure to parse a hostile file means "broken"; never a crash
        raise _fail("broken") from None
    if "survey" not in sheets:
        raise _fail("no_survey_sheet")
    return sheets


# --- columns and languages -----------------------------------------------------------------

_LANGUAGE_WORDS = {
    "fi": {"fi", "fin", "finnish", "suomi", "suomeksi", "finska", "finsk"},
    "sv": {"sv", "swe", "swedish", "svenska", "ruotsi", "ruotsiksi", "på svenska"},
    "en": {"en", "eng", "english", "englanti", "englanniksi", "engelska"},
}


def language_code(raw: str) -> str | None:
    """fi, sv or en for an XLSForm language such as ``Finnish (fi)``, ``Svenska`` or ``en-GB``."""
    text = " ".join(raw.split()).lower()
    candidates = [text]
    found = re.fullmatch(r"(.*?)\s*\(\s*([a-z]{2,3})(?:[-_][a-z0-9]+)?\s*\)", text)
    if found:
        candidates = [found.group(2), found.group(1)]
    candidates += [re.split(r"[-_]", candidate)[0] for candidate in candidates]
    for candidate in candidates:
        for code, words in _LANGUAGE_WORDS.items():
            if candidate in words:
                return code
    return None


#: Columns whose text is translated (may carry ``::language``).
_TRANSLATED = {
    "label",
    "hint",
    "guidance_hint",
    "constraint_message",
    "required_message",
    "form_title",
    "summary",
    "image",
    "big-image",
    "audio",
    "video",
}
_MEDIA = {"image", "big-image", "audio", "video"}


@dataclass(frozen=True)
class _Column:
    index: int
    header: str
    base: str
    #: fi/sv/en; None = no language given; "?" = a language we do not offer.
    language: str | None


def _columns(sheet: _Sheet) -> list[_Column]:
    columns = []
    for index, header in enumerate(sheet.headers):
        if not header:
            continue
        parts = [part.strip() for part in header.split("::")]
        base = re.sub(r"\s+", "_", parts[0].lower())
        language_part = None
        if base == "media" and len(parts) > 1:
            base = parts[1].lower()
            language_part = parts[2] if len(parts) > 2 else None
        elif len(parts) > 1:
            if base in _TRANSLATED:
                language_part = "::".join(parts[1:])
            else:
                base = header.lower()
        language = None
        if language_part:
            language = language_code(language_part) or "?"
        columns.append(_Column(index, header, base, language))
    return columns


class _Table:
    """A sheet with named columns: values and translated texts by row."""

    def __init__(self, sheet: _Sheet, default_language: str) -> None:
        self.sheet = sheet
        self.title = sheet.title
        self.columns = _columns(sheet)
        self.default_language = default_language

    def has(self, base: str) -> bool:
        return any(column.base == base for column in self.columns)

    def value(self, cells: list[str], base: str) -> str:
        for column in self.columns:
            if column.base == base and column.index < len(cells) and cells[column.index]:
                return cells[column.index]
        return ""

    def texts(self, cells: list[str], base: str) -> dict[str, str]:
        """Text by language; a column with a language wins over one without."""
        found: dict[str, str] = {}
        for explicit in (False, True):
            for column in self.columns:
                if column.base != base or (column.language is not None) != explicit:
                    continue
                language = column.language or self.default_language
                text = cells[column.index] if column.index < len(cells) else ""
                if language in LOCALES and text:
                    found[language] = text
        return found

    def rows(self) -> Iterable[tuple[int, list[str]]]:
        return self.sheet.rows

    def note_columns(self, known: set[str], notes: list[Note]) -> None:
        """Report columns that are not read, once each."""
        for column in self.columns:
            if column.base in _MEDIA:
                notes.append(Note("media", self.title, params={"column": column.header}))
            elif column.language == "?":
                notes.append(Note("unknown_language", self.title, params={"column": column.header}))
            elif column.base not in known:
                notes.append(Note("ignored_column", self.title, params={"column": column.header}))


# --- codes ---------------------------------------------------------------------------------


def make_code(raw: str, prefix: str, used: set[str]) -> str:
    """A code that fits our rules (``[a-z][a-z0-9_]{0,39}``) and is not in ``used``; adds it."""
    text = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"_+", "_", re.sub(r"[^a-z0-9_]+", "_", text)).strip("_")
    if not text:
        text = prefix
    elif not text[0].isalpha():
        text = f"{prefix}{text}"
    text = text[:40].rstrip("_")
    code, number = text, 1
    while code in used:
        number += 1
        suffix = f"_{number}"
        code = text[: 40 - len(suffix)].rstrip("_") + suffix
    used.add(code)
    return code


# --- expressions: a small tokenizer and parser, never an evaluator --------------------------


class _Unsupported(Exception):  # noqa: N818 (control flow, not an error for users)
    """The expression is outside the subset we turn into data."""

    def __init__(self, reason: str = "complex", **params: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<var>\$\{\s*(?P<varname>[^}\s]+)\s*\})
    | (?P<str>'[^']*'|"[^"]*")
    | (?P<num>-?(?:\d+(?:\.\d+)?|\.\d+))
    | (?P<op>!=|>=|<=|=|>|<)
    | (?P<name>[A-Za-z_][A-Za-z0-9_-]*)
    | (?P<dot>\.)
    | (?P<punct>[(),])
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str


def _tokens(expression: str) -> list[_Token]:
    if len(expression) > MAX_EXPRESSION_CHARS:
        raise _Unsupported()
    tokens, position = [], 0
    text = expression.strip()
    while position < len(text):
        found = _TOKEN.match(text, position)
        if not found or found.end() == position:
            raise _Unsupported()
        position = found.end()
        kind = found.lastgroup
        if kind == "varname":
            kind = "var"
        if kind == "var":
            tokens.append(_Token("var", found.group("varname")))
        elif kind == "str":
            tokens.append(_Token("str", found.group("str")[1:-1]))
        else:
            tokens.append(_Token(kind, found.group(kind)))
    return tokens


@dataclass(frozen=True)
class _Operand:
    #: var | dot | str | num | call
    kind: str
    value: str = ""
    args: tuple[_Operand, ...] = ()


@dataclass(frozen=True)
class _Term:
    """``left op right``, or ``selected(${q}, 'v')`` as op ``selected``."""

    left: _Operand
    op: str
    right: _Operand


_FLIP = {"=": "=", "!=": "!=", ">": "<", "<": ">", ">=": "<=", "<=": ">="}
_CALLS = {"selected": 2, "string-length": 1, "count-selected": 1}


class _Parser:
    """``term (and|or term)*`` where a term is a comparison, ``selected()`` or ``( … )``.

    ``and`` and ``or`` may not be mixed; anything else raises _Unsupported.
    """

    #: Parentheses nested deeper than this are refused (a hostile cell must not exhaust the stack).
    MAX_DEPTH = 10

    def __init__(self, expression: str) -> None:
        self.tokens = _tokens(expression)
        self.position = 0
        self.depth = 0

    def parse(self) -> tuple[str, list[_Term]]:
        if not self.tokens:
            raise _Unsupported()
        connector, terms = self._expression()
        if self.position != len(self.tokens):
            raise _Unsupported()
        return connector or "and", terms

    def _peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self, kind: str | None = None, text: str | None = None) -> _Token:
        token = self._peek()
        if token is None or (kind and token.kind != kind) or (text and token.text != text):
            raise _Unsupported()
        self.position += 1
        return token

    def _expression(self) -> tuple[str | None, list[_Term]]:
        connector, terms = self._atom()
        while (token := self._peek()) is not None and token.kind == "name":
            word = token.text.lower()
            if word not in ("and", "or"):
                raise _Unsupported()
            self.position += 1
            if connector is None:
                connector = word
            elif connector != word:
                raise _Unsupported()
            inner, more = self._atom()
            if inner not in (None, word) and len(more) > 1:
                raise _Unsupported()
            terms += more
        return connector, terms

    def _atom(self) -> tuple[str | None, list[_Term]]:
        token = self._peek()
        if token is not None and token.kind == "punct" and token.text == "(":
            self.position += 1
            self.depth += 1
            if self.depth > self.MAX_DEPTH:
                raise _Unsupported()
            connector, terms = self._expression()
            self._take("punct", ")")
            self.depth -= 1
            return (connector if len(terms) > 1 else None), terms
        left = self._operand()
        if left.kind == "call" and left.value == "selected":
            return None, [_Term(left.args[0], "selected", left.args[1])]
        op = self._take("op").text
        right = self._operand()
        if left.kind in ("str", "num") and right.kind not in ("str", "num"):
            left, op, right = right, _FLIP[op], left
        return None, [_Term(left, op, right)]

    def _operand(self) -> _Operand:
        token = self._take()
        if token.kind == "var":
            return _Operand("var", token.text)
        if token.kind == "dot":
            return _Operand("dot")
        if token.kind in ("str", "num"):
            return _Operand(token.kind, token.text)
        if token.kind == "name" and token.text in _CALLS:
            self._take("punct", "(")
            args = [self._operand()]
            while (peek := self._peek()) is not None and peek.text == ",":
                self.position += 1
                args.append(self._operand())
            self._take("punct", ")")
            if len(args) != _CALLS[token.text]:
                raise _Unsupported()
            if token.text == "selected" and (
                args[0].kind not in ("var", "dot") or args[1].kind not in ("str", "num")
            ):
                raise _Unsupported()
            return _Operand("call", token.text, tuple(args))
        raise _Unsupported()


def _decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _plain(number: Decimal) -> int | float:
    """A JSON-friendly number for settings."""
    return int(number) if number == number.to_integral_value() else float(number)


def _number_text(number: Decimal) -> str:
    return format(number.normalize(), "f")


# --- the form, read into plain objects -----------------------------------------------------


@dataclass
class _Choice:
    name: str
    code: str
    label: dict[str, str]
    row: int


@dataclass
class _Question:
    row: int
    name: str
    code: str
    type: str
    text: dict[str, str]
    help: dict[str, str]
    required: bool
    settings: dict[str, Any]
    options: list[OptionInput]
    #: XLSForm choice name → our option code (choice questions).
    option_codes: dict[str, str] | None
    relevant: str
    rows: list[OptionInput] = field(default_factory=list)
    #: A matrix whose row questions had display conditions (they cannot be kept).
    matrix_conditions: bool = False


@dataclass
class _Group:
    row: int
    name: str
    label: dict[str, str]
    relevant: str
    appearance: str
    repeat: bool
    items: list[_Question | _Group] = field(default_factory=list)


@dataclass
class _Known:
    """An imported question, as conditions see it."""

    code: str
    type: str
    option_codes: dict[str, str] | None
    numeric: bool
    whole: bool
    page: int


_METADATA = {
    "start",
    "end",
    "today",
    "deviceid",
    "imei",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "background-geopoint",
    "instanceid",
}
_UNSUPPORTED = {
    "geopoint",
    "geotrace",
    "geoshape",
    "time",
    "image",
    "photo",
    "audio",
    "background-audio",
    "video",
    "file",
    "barcode",
    "xml-external",
    "csv-external",
    "trigger",
    "osm",
    "hidden",
    "signature",
}
_TRUE = {"yes", "true", "true()", "1", "y"}
_FALSE = {"no", "false", "false()", "0", "n", ""}
#: Appearances that only change the look, which our pages decide anyway.
_LOOKS = re.compile(
    r"^(field-list|likert|horizontal|horizontal-compact|columns|columns-pack|columns-\d+|"
    r"no-buttons|quick|compact|compact-\d+|w\d+|label|list-nolabel|list|"
    r"multiline|minimal|autocomplete|search)$"
)
_SURVEY_COLUMNS = {
    "type",
    "name",
    "label",
    "hint",
    "required",
    "required_message",
    "relevant",
    "constraint",
    "constraint_message",
    "choice_filter",
    "appearance",
    "default",
    "calculation",
    "read_only",
    "parameters",
    "repeat_count",
    "guidance_hint",
    "trigger",
}
_SETTINGS_USED = {"form_title", "form_id", "default_language", "summary"}
OTHER_LABEL = {"fi": "Muu, mikä?", "sv": "Annat, vad?", "en": "Other, please specify"}


class _Reader:
    """Reads the sheets into groups and questions, collecting notes; creates nothing."""

    def __init__(self, sheets: dict[str, _Sheet], filename: str | None) -> None:
        self.notes: list[Note] = []
        self.errors: list[Note] = []
        self.filename = filename
        settings = sheets.get("settings")
        self.settings_table = _Table(settings, "fi") if settings else None
        settings_cells = settings.rows[0][1] if settings and settings.rows else []
        default = ""
        if self.settings_table:
            default = self.settings_table.value(settings_cells, "default_language")
        self.default_language = language_code(default) if default else "fi"
        if self.default_language is None:
            self.default_language = "?"
        if self.settings_table:
            self.settings_table.default_language = self.default_language
        self.settings_cells = settings_cells
        self.survey = _Table(sheets["survey"], self.default_language)
        choices = sheets.get("choices")
        self.choices_table = _Table(choices, self.default_language) if choices else None
        self.languages: set[str] = set()

    # -- settings

    def title(self) -> dict[str, str]:
        table, cells = self.settings_table, self.settings_cells
        title = table.texts(cells, "form_title") if table else {}
        if title:
            return title
        fallback = (table.value(cells, "form_id") if table else "") or (
            re.sub(r"\.xlsx?$", "", self.filename or "", flags=re.IGNORECASE) or "XLSForm"
        )
        language = self.default_language if self.default_language in LOCALES else "fi"
        self.notes.append(
            Note("no_title", table.title if table else "", params={"title": fallback})
        )
        return {language: fallback}

    def summary(self) -> dict[str, str]:
        if not self.settings_table:
            return {}
        return self.settings_table.texts(self.settings_cells, "summary")

    def note_settings(self) -> None:
        if not self.settings_table:
            return
        table = self.settings_table
        if self.default_language == "?":
            language = table.value(self.settings_cells, "default_language")
            self.notes.append(
                Note("unknown_default_language", table.title, params={"language": language})
            )
        unused = [
            column.header
            for column in table.columns
            if column.base not in _SETTINGS_USED
            and column.index < len(self.settings_cells)
            and self.settings_cells[column.index]
        ]
        if unused:
            self.notes.append(
                Note("ignored_settings", table.title, params={"columns": ", ".join(unused)})
            )
        for column in table.columns:
            if column.language == "?":
                self.notes.append(
                    Note("unknown_language", table.title, params={"column": column.header})
                )

    # -- choices

    def read_choices(self) -> dict[str, list[_Choice]]:
        lists: dict[str, list[_Choice]] = {}
        table = self.choices_table
        if table is None:
            return lists
        list_column = "list_name" if table.has("list_name") else "list"
        for column, present in (("list_name", table.has(list_column)), ("name", table.has("name"))):
            if not present:
                self.errors.append(Note("missing_column", table.title, params={"column": column}))
        if self.errors:
            return lists
        table.note_columns({"list_name", "list", "name", "label"}, self.notes)
        renamed: dict[str, list[str]] = {}
        seen: dict[tuple[str, str], int] = {}
        used: dict[str, set[str]] = {}
        for number, cells in table.rows():
            list_name = table.value(cells, list_column)
            if not list_name:
                continue
            name = table.value(cells, "name")
            if not name:
                self.errors.append(
                    Note("choice_without_name", table.title, number, {"list": list_name})
                )
                continue
            if (list_name, name) in seen:
                self.errors.append(
                    Note("duplicate_choice", table.title, number, {"list": list_name, "name": name})
                )
                continue
            seen[(list_name, name)] = number
            code = make_code(name, "c", used.setdefault(list_name, set()))
            if code != name:
                renamed.setdefault(list_name, []).append(f"{name} → {code}")
            label = table.texts(cells, "label")
            if not label:
                self.notes.append(
                    Note("choice_no_label", table.title, number, {"name": name, "list": list_name})
                )
                label = {self.fallback_language(): name}
            self.languages |= set(label)
            lists.setdefault(list_name, []).append(_Choice(name, code, label, number))
        for list_name, changes in renamed.items():
            shown = ", ".join(changes[:5]) + (" …" if len(changes) > 5 else "")
            self.notes.append(
                Note("choices_renamed", table.title, params={"list": list_name, "changes": shown})
            )
        return lists

    def fallback_language(self) -> str:
        """The language of texts made up from names (the default language, or Finnish)."""
        return self.default_language if self.default_language in LOCALES else "fi"

    # -- survey

    def read_survey(self, lists: dict[str, list[_Choice]]) -> list[_Question | _Group]:
        table = self.survey
        for column in ("type", "name"):
            if not table.has(column):
                self.errors.append(Note("missing_column", table.title, params={"column": column}))
        if not table.has("label"):
            self.errors.append(Note("no_label_column", table.title))
        if self.errors:
            return []
        table.note_columns(_SURVEY_COLUMNS, self.notes)
        top: list[_Question | _Group] = []
        stack: list[_Group] = []
        names: dict[str, int] = {}
        used_codes: set[str] = set()
        for number, cells in table.rows():
            raw_type = " ".join(table.value(cells, "type").split())
            name = table.value(cells, "name")
            words = raw_type.lower().replace("_", " ").split()
            if not raw_type:
                if name:
                    self.errors.append(Note("missing_type", table.title, number, {"name": name}))
                else:
                    self.notes.append(Note("no_type_row", table.title, number))
                continue
            container = stack[-1].items if stack else top
            if words[:1] == ["end"] and words[1:] in (["group"], ["repeat"]):
                if not stack or stack[-1].repeat != (words[1] == "repeat"):
                    self.errors.append(
                        Note("end_without_begin", table.title, number, {"type": raw_type})
                    )
                    continue
                stack.pop()
                continue
            if not name:
                self.errors.append(Note("missing_name", table.title, number, {"type": raw_type}))
                continue
            if name in names:
                self.errors.append(
                    Note(
                        "duplicate_name", table.title, number, {"name": name, "first": names[name]}
                    )
                )
                continue
            names[name] = number
            if words[:1] == ["begin"] and words[1:] in (["group"], ["repeat"]):
                group = _Group(
                    row=number,
                    name=name,
                    label=table.texts(cells, "label"),
                    relevant=table.value(cells, "relevant"),
                    appearance=table.value(cells, "appearance").lower(),
                    repeat=words[1] == "repeat",
                )
                self.languages |= set(group.label)
                if group.repeat:
                    self.notes.append(Note("repeat", table.title, number, {"name": name}))
                container.append(group)
                stack.append(group)
                continue
            question = self._question(number, cells, raw_type, name, lists, used_codes)
            if question is not None:
                container.append(question)
        for group in stack:
            self.errors.append(
                Note("group_not_closed", table.title, group.row, {"name": group.name})
            )
        return top

    def _question(
        self,
        number: int,
        cells: list[str],
        raw_type: str,
        name: str,
        lists: dict[str, list[_Choice]],
        used_codes: set[str],
    ) -> _Question | None:
        table, sheet = self.survey, self.survey.title
        words = raw_type.split()
        keyword = words[0].lower()
        lowered = [word.lower() for word in words]
        appearance = table.value(cells, "appearance")
        appearance_words = appearance.lower().split()
        params = {"name": name, "type": raw_type}
        list_name, or_other, kind = "", False, keyword
        # Select types: select_one list [or_other], "select one list", select1, rank.
        joined = " ".join(lowered[:2])
        if keyword in (
            "select_one_from_file",
            "select_multiple_from_file",
            "select_one_external",
        ) or (joined in ("select one", "select multiple") and "from" in lowered):
            self.notes.append(Note("from_file", sheet, number, {"name": name, "file": words[-1]}))
            return None
        if keyword in ("select_one", "select1", "select_multiple", "rank"):
            rest = words[1:]
        elif joined in ("select one", "select multiple"):
            keyword = "select_one" if joined == "select one" else "select_multiple"
            rest = words[2:]
        else:
            rest = None
        if rest is not None:
            kind = {"select1": "select_one"}.get(keyword, keyword)
            if rest and rest[-1].lower() == "or_other":
                or_other, rest = True, rest[:-1]
            if len(rest) != 1:
                self.errors.append(Note("missing_list", sheet, number, params))
                return None
            list_name = rest[0]
            if list_name not in lists:
                self.errors.append(
                    Note("unknown_list", sheet, number, {"name": name, "list": list_name})
                )
                return None
        elif len(words) > 1:
            kind = "?"
        if kind in _METADATA:
            self.notes.append(Note("metadata", sheet, number, params))
            return None
        if kind == "calculate":
            self.notes.append(Note("calculate", sheet, number, params))
            return None
        if kind in _UNSUPPORTED:
            self.notes.append(Note("unsupported_type", sheet, number, params))
            return None
        settings: dict[str, Any] = {}
        qtype = {
            "text": "short_text",
            "integer": "number",
            "decimal": "number",
            "range": "number",
            "date": "date",
            "datetime": "date",
            "note": "info",
            "acknowledge": "consent",
            "select_one": "single_choice",
            "select_multiple": "multiple_choice",
            "rank": "ranking",
        }.get(kind)
        if qtype is None:
            self.notes.append(Note("unknown_type", sheet, number, params))
            return None
        text = table.texts(cells, "label")
        if not text:
            if qtype == "info":
                self.notes.append(Note("empty_note", sheet, number, {"name": name}))
                return None
            self.notes.append(Note("no_label", sheet, number, {"name": name}))
            text = {self.fallback_language(): name}
        else:
            self.languages |= set(text)
        if any("${" in value for value in text.values()):
            self.notes.append(Note("label_reference", sheet, number, {"name": name}))
        help_text = table.texts(cells, "hint")
        self.languages |= set(help_text)
        code = make_code(name, "q", used_codes)
        if code != name:
            self.notes.append(Note("renamed", sheet, number, {"name": name, "code": code}))
        if kind == "datetime":
            self.notes.append(Note("datetime", sheet, number, {"name": name}))
        if kind == "text" and "multiline" in appearance_words:
            qtype = "long_text"
        if kind == "integer":
            settings["integer"] = True
        if kind == "select_one" and {"minimal", "autocomplete", "search"} & set(appearance_words):
            settings["display"] = "dropdown"
        elif kind == "select_one":
            settings["display"] = "radio"
        options: list[OptionInput] = []
        option_codes: dict[str, str] | None = None
        if list_name:
            choices = lists[list_name]
            options = [OptionInput(choice.code, choice.label) for choice in choices]
            option_codes = {choice.name: choice.code for choice in choices}
            if or_other:
                other = make_code("other", "c", {choice.code for choice in choices})
                options.append(OptionInput(other, dict(OTHER_LABEL), is_other=True))
                option_codes["other"] = other
                self.notes.append(Note("or_other", sheet, number, {"name": name}))
        parameters = table.value(cells, "parameters")
        if kind == "range":
            qtype, settings = self._range(number, name, parameters, settings)
        elif parameters:
            self.notes.append(
                Note("parameters", sheet, number, {"name": name, "parameters": parameters})
            )
        required = self._required(number, cells, name)
        self._note_unused(number, cells, name, kind)
        for word in appearance.split():
            if not _LOOKS.match(word.lower()):
                self.notes.append(
                    Note("appearance", sheet, number, {"name": name, "appearance": word})
                )
        question = _Question(
            row=number,
            name=name,
            code=code,
            type=qtype,
            text=text,
            help=help_text,
            required=required and qtype != "info",
            settings=settings,
            options=options,
            option_codes=option_codes,
            relevant=table.value(cells, "relevant"),
        )
        self._constraint(question, table.value(cells, "constraint"))
        return question

    def _range(
        self, number: int, name: str, parameters: str, settings: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        values = {"start": Decimal(1), "end": Decimal(10), "step": Decimal(1)}
        for key, raw in re.findall(r"(\w+)\s*=\s*([^\s,;]+)", parameters):
            number_value = _decimal(raw)
            if key.lower() in values and number_value is not None:
                values[key.lower()] = number_value
        start, end, step = values["start"], values["end"], values["step"]
        if step == 1 and start == 1 and end in (5, 7):
            return "scale", {"points": int(end)}
        if step == 1 and start == 0 and end == 10:
            return "rating", {}
        whole = all(value == value.to_integral_value() for value in values.values())
        self.notes.append(
            Note(
                "range_number",
                self.survey.title,
                number,
                {"name": name, "start": _number_text(start), "end": _number_text(end)},
            )
        )
        return "number", {
            **settings,
            "min": _plain(min(start, end)),
            "max": _plain(max(start, end)),
            **({"integer": True} if whole else {}),
        }

    def _required(self, number: int, cells: list[str], name: str) -> bool:
        raw = self.survey.value(cells, "required")
        if raw.lower() in _TRUE:
            return True
        if raw.lower() not in _FALSE:
            self.notes.append(
                Note(
                    "required_expression",
                    self.survey.title,
                    number,
                    {"name": name, "expression": raw},
                )
            )
        return False

    def _note_unused(self, number: int, cells: list[str], name: str, kind: str) -> None:
        table, sheet = self.survey, self.survey.title
        for column, code in (
            ("choice_filter", "choice_filter"),
            ("default", "default"),
            ("calculation", "calculation"),
        ):
            if table.value(cells, column):
                self.notes.append(Note(code, sheet, number, {"name": name}))
        read_only = table.value(cells, "read_only").lower()
        if read_only and read_only not in _FALSE and kind != "note":
            self.notes.append(Note("read_only", sheet, number, {"name": name}))
        for column in ("required_message", "guidance_hint"):
            if table.texts(cells, column):
                self.notes.append(
                    Note("own_messages", sheet, number, {"name": name, "column": column})
                )
        if table.texts(cells, "constraint_message") and table.value(cells, "constraint"):
            self.notes.append(
                Note("own_messages", sheet, number, {"name": name, "column": "constraint_message"})
            )

    def _constraint(self, question: _Question, expression: str) -> None:
        if not expression:
            return
        params = {"name": question.name, "expression": expression}
        sheet = self.survey.title
        try:
            updates, approximate = _constraint_settings(expression, question)
        except _Unsupported:
            self.notes.append(Note("constraint_dropped", sheet, question.row, params))
            return
        question.settings.update(updates)
        if approximate:
            self.notes.append(Note("constraint_approximate", sheet, question.row, params))


def _constraint_settings(expression: str, question: _Question) -> tuple[dict[str, Any], bool]:
    """Settings for a constraint of the shape ``. >= 0 and . <= 120``; raises _Unsupported."""
    connector, terms = _Parser(expression).parse()
    if connector != "and" and len(terms) > 1:
        raise _Unsupported()
    whole = bool(question.settings.get("integer")) or question.type in ("scale", "rating")
    updates: dict[str, Any] = {}
    approximate = False
    for term in terms:
        limit = _decimal(term.right.value) if term.right.kind in ("num", "str") else None
        if limit is None or term.op in ("!=", "selected"):
            raise _Unsupported()
        left = term.left
        if left.kind == "dot" and question.type == "number":
            low_key, high_key, counted = "min", "max", whole
        elif (
            left.kind == "call"
            and left.args
            and left.args[0].kind == "dot"
            and (
                (left.value == "string-length" and question.type in ("short_text", "long_text"))
                or (left.value == "count-selected" and question.type == "multiple_choice")
            )
        ):
            if left.value == "string-length":
                low_key, high_key = None, "max_length"
            else:
                low_key, high_key = "min_choices", "max_choices"
            counted = True
        else:
            raise _Unsupported()
        low, high = _bounds(term.op, limit, counted)
        # A strict bound on a decimal cannot be said with min/max: the end value is let in.
        approximate = approximate or (term.op in (">", "<") and not counted)
        if low is not None:
            if low_key is None:
                raise _Unsupported()
            updates[low_key] = _plain(max(low, Decimal(str(updates.get(low_key, low)))))
        if high is not None:
            updates[high_key] = _plain(min(high, Decimal(str(updates.get(high_key, high)))))
    for key in ("max_length", "min_choices", "max_choices"):
        if key in updates and (updates[key] < 0 or updates[key] != int(updates[key])):
            raise _Unsupported()
    return updates, approximate


def _bounds(op: str, limit: Decimal, whole: bool) -> tuple[Decimal | None, Decimal | None]:
    """(low, high) inclusive bounds for ``value op limit``; whole numbers round inwards."""
    ceiling = limit.to_integral_value(rounding=ROUND_CEILING)
    floor = limit.to_integral_value(rounding=ROUND_FLOOR)
    if op == "=":
        return limit, limit
    if op == ">=":
        return (ceiling if whole else limit), None
    if op == "<=":
        return None, (floor if whole else limit)
    if op == ">":
        return (floor + 1 if whole else limit), None
    return None, (ceiling - 1 if whole else limit)


def condition_from_relevant(expression: str, known: Mapping[str, _Known]) -> dict[str, Any]:
    """A display condition for an XLSForm ``relevant`` of a simple shape; raises _Unsupported.

    ``known`` maps XLSForm names to the questions already imported before this one.
    """
    connector, terms = _Parser(expression).parse()
    rules = [_rule(term, known) for term in terms]
    return {"match": "any" if connector == "or" else "all", "rules": rules}


def _rule(term: _Term, known: Mapping[str, _Known]) -> dict[str, Any]:
    if term.left.kind != "var" or term.right.kind not in ("str", "num"):
        raise _Unsupported()
    target = known.get(term.left.value)
    if target is None:
        raise _Unsupported("unknown_question", other=term.left.value)
    value, op = term.right.value, term.op
    if op == "selected" or (op == "=" and value != ""):
        if target.option_codes is not None:
            code = target.option_codes.get(value)
            if code is None:
                raise _Unsupported("unknown_choice", other=term.left.value, value=value)
            return {"question": target.code, "op": "equals", "value": code}
        if op == "selected":
            raise _Unsupported()
        if target.type == "consent":
            if value.lower() not in ("ok", "yes", "true", "1"):
                raise _Unsupported()
            return {"question": target.code, "op": "equals", "value": "yes"}
        if target.numeric:
            number = _decimal(value)
            if number is None:
                raise _Unsupported()
            return {"question": target.code, "op": "equals", "value": _number_text(number)}
        return {"question": target.code, "op": "equals", "value": value}
    if op in ("=", "!=") and value == "" and term.right.kind == "str":
        return {"question": target.code, "op": "not_answered" if op == "=" else "answered"}
    if op in (">", "<", ">=", "<=") and target.numeric:
        number = _decimal(value)
        if number is None:
            raise _Unsupported()
        if op in (">=", "<="):
            if not target.whole:
                raise _Unsupported()
            # Whole numbers: x >= 3 is x > 2, x <= 3 is x < 4.
            if op == ">=":
                number = number.to_integral_value(rounding=ROUND_CEILING) - 1
            else:
                number = number.to_integral_value(rounding=ROUND_FLOOR) + 1
        return {
            "question": target.code,
            "op": "greater_than" if op in (">", ">=") else "less_than",
            "value": _plain(number),
        }
    raise _Unsupported()


def _combine(outer: dict[str, Any] | None, inner: dict[str, Any] | None) -> dict[str, Any] | None:
    """Both conditions must hold; None when that cannot be said with one all/any list."""
    if outer is None or inner is None:
        return outer or inner
    parts = [outer, inner]
    if all(part["match"] == "all" or len(part["rules"]) == 1 for part in parts):
        return {"match": "all", "rules": [*outer["rules"], *inner["rules"]]}
    raise _Unsupported()


# --- turning the form into a survey --------------------------------------------------------


@dataclass
class _Page:
    code_source: str
    title: dict[str, str]
    relevant: str
    row: int | None
    #: (question, conditions of enclosing nested groups, the rows those came from)
    questions: list[tuple[_Question, list[tuple[str, int, str]]]] = field(default_factory=list)


def _matrix(group: _Group, reader: _Reader, used_codes: set[str]) -> _Question | None:
    """A table-list group of select_one questions on one 1..N list becomes a matrix."""
    looks = set(group.appearance.split())
    if not looks & {"table-list"}:
        return None
    rows = [item for item in group.items if isinstance(item, _Question)]
    if len(rows) != len(group.items) or not rows:
        return None
    if any(q.type != "single_choice" or q.option_codes is None for q in rows):
        return None
    first = rows[0].option_codes or {}
    if any(q.option_codes != first for q in rows):
        return None
    numeric = sorted(int(name) for name in first if name.isdigit() and str(int(name)) == name)
    others = [name for name in first if not (name.isdigit() and str(int(name)) == name)]
    if not numeric or numeric != list(range(1, len(numeric) + 1)) or not 2 <= len(numeric) <= 11:
        return None
    if len(others) > 2 or "other" in others:
        return None
    labels = {option.code: option.label for option in rows[0].options}
    points = len(numeric)
    settings: dict[str, Any] = {"points": points}
    if labels.get(first["1"]):
        settings["low_label"] = labels[first["1"]]
    if labels.get(first[str(points)]):
        settings["high_label"] = labels[first[str(points)]]
    code = make_code(group.name, "q", used_codes)
    text = group.label
    if not text:
        reader.notes.append(Note("no_label", reader.survey.title, group.row, {"name": group.name}))
        text = {reader.fallback_language(): group.name}
    matrix = _Question(
        row=group.row,
        name=group.name,
        code=code,
        type="matrix",
        text=text,
        help={},
        required=all(q.required for q in rows),
        settings=settings,
        options=[
            OptionInput(first[name], labels[first[name]], is_cant_say=True) for name in others
        ],
        option_codes=None,
        relevant="",
        rows=[OptionInput(q.code, q.text) for q in rows],
        matrix_conditions=any(q.relevant for q in rows),
    )
    reader.notes.append(
        Note("matrix", reader.survey.title, group.row, {"name": group.name, "rows": len(rows)})
    )
    return matrix


def _pages(items: list[_Question | _Group], reader: _Reader) -> list[_Page]:
    pages: list[_Page] = []
    loose: _Page | None = None
    # A matrix gets its code from its group's name; it must not clash with a question's.
    used_codes = {q.code for q in _all_questions(items)}

    def flatten(group: _Group, page: _Page, outer: list[tuple[str, int, str]]) -> None:
        for item in group.items:
            if isinstance(item, _Question):
                page.questions.append((item, outer))
                continue
            matrix = _matrix(item, reader, used_codes)
            conditions = outer + ([(item.relevant, item.row, item.name)] if item.relevant else [])
            if matrix is not None:
                page.questions.append((matrix, conditions))
                continue
            if not item.repeat:
                reader.notes.append(
                    Note("nested_group", reader.survey.title, item.row, {"name": item.name})
                )
            flatten(item, page, conditions)

    for item in items:
        if isinstance(item, _Question):
            if loose is None:
                loose = _Page("page", {}, "", None)
                pages.append(loose)
            loose.questions.append((item, []))
            continue
        loose = None
        page = _Page(item.name, item.label, item.relevant, item.row)
        matrix = _matrix(item, reader, used_codes)
        if matrix is not None:
            page.questions.append((matrix, []))
        else:
            flatten(item, page, [])
        if not page.questions:
            reader.notes.append(
                Note("empty_group", reader.survey.title, item.row, {"name": item.name})
            )
            continue
        pages.append(page)
    return pages


def _all_questions(items: list[_Question | _Group]) -> Iterable[_Question]:
    for item in items:
        if isinstance(item, _Question):
            yield item
        else:
            yield from _all_questions(item.items)


def _relevant_note(error: _Unsupported, name: str, expression: str, sheet: str, row: int) -> Note:
    if error.reason == "unknown_question":
        return Note("relevant_unknown_question", sheet, row, {"name": name, **error.params})
    if error.reason == "unknown_choice":
        return Note("relevant_unknown_choice", sheet, row, {"name": name, **error.params})
    return Note("relevant_complex", sheet, row, {"name": name, "expression": expression})


def _build(
    reader: _Reader,
    pages: list[_Page],
    department: Department,
    focus_areas: list[FocusArea],
    title: dict[str, str],
    summary: dict[str, str],
    languages: list[str],
    created_by_id: int | None,
) -> tuple[Engagement, Questionnaire, int]:
    sheet = reader.survey.title
    engagement = create_engagement(
        Kind.SURVEY, department, title, languages, focus_areas, created_by_id
    )
    if summary:
        engagement.summary = summary
    questionnaire = services.create_questionnaire(engagement)
    known: dict[str, _Known] = {}
    page_codes: set[str] = set()
    count = 0
    for number, spec in enumerate(pages, start=1):
        source = spec.code_source if spec.row else f"page_{number}"
        code = make_code(source, "p", page_codes)
        condition = None
        if spec.relevant:
            earlier = {name: item for name, item in known.items() if item.page < number}
            try:
                condition = condition_from_relevant(spec.relevant, earlier)
            except _Unsupported as error:
                reader.notes.append(
                    _relevant_note(error, spec.code_source, spec.relevant, sheet, spec.row or 0)
                )
        page = services.add_page(questionnaire, code, spec.title, condition)
        for question, outer in spec.questions:
            condition = None
            parts = [
                *outer,
                *([(question.relevant, question.row, question.name)] if question.relevant else []),
            ]
            for expression, row, name in parts:
                try:
                    part = condition_from_relevant(expression, known)
                except _Unsupported as error:
                    reader.notes.append(_relevant_note(error, name, expression, sheet, row))
                    continue
                try:
                    condition = _combine(condition, part)
                except _Unsupported:
                    reader.notes.append(Note("relevant_group", sheet, row, {"name": name}))
            if question.matrix_conditions:
                reader.notes.append(
                    Note("matrix_conditions", sheet, question.row, {"name": question.name})
                )
            services.add_question(
                page,
                question.code,
                question.type,
                question.text,
                required=question.required,
                settings=question.settings,
                options=question.options,
                rows=question.rows,
                condition=condition,
                help=question.help,
            )
            count += 1
            known[question.name] = _Known(
                code=question.code,
                type=question.type,
                option_codes=question.option_codes,
                numeric=question.type in ("number", "scale", "rating"),
                whole=question.type in ("scale", "rating")
                or bool(question.settings.get("integer")),
                page=number,
            )
    return engagement, questionnaire, count


def _unique(notes: list[Note]) -> list[Note]:
    """Notes in order, each once (a group's condition is noted for each of its questions)."""
    seen, kept = set(), []
    for note in notes:
        key = (note.code, note.sheet, note.row, tuple(sorted(note.params.items())))
        if key not in seen:
            seen.add(key)
            kept.append(note)
    return kept


def import_xlsform(
    data: bytes,
    department: Department,
    focus_areas: Iterable[FocusArea],
    created_by_id: int | None = None,
    filename: str | None = None,
) -> ImportResult:
    """Create a draft survey from an XLSForm workbook; flushes, the caller commits.

    Raises XlsFormError (with every problem found, each with its sheet and row) when the file
    cannot be imported; nothing is created then. What could not be imported as it was is in
    the result's notes, and in the audit log entry of the import.
    """
    notes: list[Note] = []
    sheets = _read_workbook(data, notes)
    reader = _Reader(sheets, filename)
    reader.notes = notes
    reader.note_settings()
    lists = reader.read_choices()
    items = reader.read_survey(lists) if not reader.errors else []
    if reader.errors:
        raise XlsFormError(reader.errors)
    title = reader.title()
    summary = reader.summary()
    pages = _pages(items, reader)
    if not pages:
        raise _fail("no_questions", reader.survey.title)
    languages = [locale for locale in LOCALES if locale in reader.languages]
    if not languages:
        raise _fail("no_language")
    try:
        with db.session.begin_nested():
            engagement, questionnaire, count = _build(
                reader,
                pages,
                department,
                list(focus_areas),
                title,
                summary,
                languages,
                created_by_id,
            )
            notes = _unique(reader.notes)
            result = ImportResult(
                public_id=engagement.public_id,
                pages=len(questionnaire.pages),
                questions=count,
                languages=languages,
                notes=notes,
                engagement=engagement,
                questionnaire=questionnaire,
            )
            audit.record(
                AUDIT_ACTION,
                f"engagements:{engagement.public_id}",
                format="xlsform",
                pages=result.pages,
                questions=result.questions,
                languages=languages,
                notes=[note.as_dict() for note in notes],
            )
            db.session.flush()
    except (QuestionnaireError, EngagementError) as error:
        raise _fail("not_created", problems="; ".join(error.problems)) from None
    return result


def import_report(engagement: Engagement) -> ImportReport | None:
    """The report of the import that created this survey, from the audit log; None if none."""
    entry = db.session.scalar(
        select(AuditLog)
        .where(
            AuditLog.action == AUDIT_ACTION,
            AuditLog.target == f"engagements:{engagement.public_id}",
        )
        .order_by(AuditLog.id.desc())
        .limit(1)
    )
    if entry is None:
        return None
    details = entry.details or {}
    return ImportReport(
        public_id=engagement.public_id,
        pages=int(details.get("pages", 0)),
        questions=int(details.get("questions", 0)),
        languages=list(details.get("languages", [])),
        notes=[Note.from_dict(item) for item in details.get("notes", [])],
    )
