"""Appointments from a spreadsheet export, for practices whose EHR offers nothing else.

Columns (names are matched ignoring case and spaces; ``--map field=Header`` renames):

    appointment_id  required  the EHR's id for the appointment (re-imports update it)
    start           required  e.g. 2026-12-01 09:30, 12/01/2026 9:30 AM; local practice time
                              unless it carries an offset
    end, status, type, telehealth, mrn, first_name, last_name, date_of_birth, phone, email,
    language        optional

``status`` accepts FHIR codes and common words (scheduled, confirmed, canceled, no show,
completed). ``telehealth`` is yes/no; without it, a ``type`` naming video or telehealth counts.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from closeloop.appointments.fhir import TELEHEALTH_WORDS
from closeloop.appointments.importer import ImportSummary, Progress, import_records
from closeloop.appointments.models import AppointmentStatus, Mode, Source
from closeloop.appointments.records import AppointmentRecord, PatientRecord, RecordError
from closeloop.lib.phones import PhoneError, normalize_phone
from closeloop.patients.selectors import as_date
from closeloop.practices.models import Practice

FIELDS = (
    "appointment_id",
    "start",
    "end",
    "status",
    "type",
    "telehealth",
    "mrn",
    "first_name",
    "last_name",
    "date_of_birth",
    "phone",
    "email",
    "language",
)
REQUIRED = ("appointment_id", "start")

_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %I:%M%p",
    "%m/%d/%y %I:%M %p",
    "%m/%d/%y %H:%M",
)
STATUS_WORDS = {
    **{code: code for code in AppointmentStatus.values},
    "": AppointmentStatus.BOOKED,
    "scheduled": AppointmentStatus.BOOKED,
    "confirmed": AppointmentStatus.BOOKED,
    "canceled": AppointmentStatus.CANCELLED,
    "no show": AppointmentStatus.NOSHOW,
    "no-show": AppointmentStatus.NOSHOW,
    "completed": AppointmentStatus.FULFILLED,
    "complete": AppointmentStatus.FULFILLED,
    "attended": AppointmentStatus.FULFILLED,
    "checked out": AppointmentStatus.FULFILLED,
    "checked in": AppointmentStatus.CHECKED_IN,
}
YES = {"yes", "y", "true", "1", "x", "telehealth", "video", "virtual"}
NO = {"", "no", "n", "false", "0", "in person", "in-person", "office"}


#: The longest value a row may carry (longer: that row is rejected).
MAX_VALUE = 1_000
#: The longest field the parser reads at all (longer: the file is not a sane export).
MAX_FIELD = 1 << 20
csv.field_size_limit(MAX_FIELD)


class CsvFileError(ValueError):
    """The file as a whole cannot be read (missing columns, not text)."""


def _key(header: str) -> str:
    return re.sub(r"[\s_-]+", "", header.strip().lower())


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """``["start=Appt Date", ...]`` -> {field: header}; unknown fields are an error."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        field, sep, header = pair.partition("=")
        field = field.strip()
        if not sep or not header.strip():
            raise CsvFileError(f"--map {pair!r}: write it as field=Header")
        if field not in FIELDS:
            raise CsvFileError(
                f"--map {pair!r}: unknown field {field!r}; fields: {', '.join(FIELDS)}"
            )
        mapping[field] = header.strip()
    return mapping


def parse_datetime(text: str, zone: ZoneInfo) -> datetime:
    text = text.strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None:
        for fmt in _DATETIME_FORMATS:
            try:
                value = datetime.strptime(text, fmt)  # noqa: DTZ007  (zone applied below)
                break
            except ValueError:
                continue
    if value is None:
        raise RecordError(f"cannot read the date and time {text!r}")
    return value if value.tzinfo else value.replace(tzinfo=zone)


def _row_record(row: dict[str, str], zone: ZoneInfo) -> AppointmentRecord:
    def value(field: str) -> str:
        return (row.get(field) or "").strip()

    external_id = value("appointment_id")
    if not external_id:
        raise RecordError("appointment_id is empty")
    if not value("start"):
        raise RecordError("start is empty")
    start = parse_datetime(value("start"), zone)
    end = parse_datetime(value("end"), zone) if value("end") else None
    status_word = value("status").lower()
    if status_word not in STATUS_WORDS:
        raise RecordError(f"unknown status {value('status')!r}")
    telehealth = value("telehealth").lower()
    if telehealth not in YES | NO:
        raise RecordError(f"telehealth must be yes or no, not {value('telehealth')!r}")
    kind = value("type")
    is_virtual = telehealth in YES or (
        not telehealth and any(word in kind.lower() for word in TELEHEALTH_WORDS)
    )
    birth_date = None
    if value("date_of_birth"):
        birth_date = as_date(value("date_of_birth"))
        if birth_date is None:
            raise RecordError(f"cannot read the date of birth {value('date_of_birth')!r}")
    phones: tuple[str, ...] = ()
    if value("phone"):
        try:
            phones = (normalize_phone(value("phone")),)
        except PhoneError as exc:
            raise RecordError(f"phone: {exc}") from None
    return AppointmentRecord(
        external_id=external_id,
        start=start,
        end=end,
        status=STATUS_WORDS[status_word],
        mode=Mode.TELEHEALTH if is_virtual else Mode.IN_PERSON,
        kind=kind[:200],
        patient=PatientRecord(
            mrns=(value("mrn"),) if value("mrn") else (),
            first_name=value("first_name")[:100],
            last_name=value("last_name")[:100],
            birth_date=birth_date,
            phones=phones,
            email=value("email")[:254],
            language=value("language").lower()[:3],
        ),
    )


def read_rows(
    text: str, mapping: dict[str, str], zone: ZoneInfo
) -> Iterator[tuple[str, Callable[[], AppointmentRecord]]]:
    reader = csv.DictReader(io.StringIO(text))
    headers = {_key(h): h for h in reader.fieldnames or () if h}
    columns: dict[str, str] = {}
    for field in FIELDS:
        wanted = mapping.get(field, field)
        if _key(wanted) in headers:
            columns[field] = headers[_key(wanted)]
        elif field in mapping or field in REQUIRED:
            have = ", ".join(h for h in reader.fieldnames or () if h) or "no header row"
            raise CsvFileError(
                f"column {wanted!r} (for {field}) not found; the file has: {have}. "
                f"Use --map {field}=<column>."
            )
    # The whole file is parsed before anything is imported: one that cannot be parsed is
    # refused whole, with nothing written.
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise CsvFileError(
            # (the line being read when the parser gave up)
            f"line {reader.line_num + 1}: {exc}; the file was not imported (save it again as CSV)"
        ) from None
    for number, row in rows:
        line = f"line {number}"
        if None in row:
            extra = row[None]
            yield line, _refuse(f"{len(extra)} more value(s) than there are columns")
            continue
        fields = {field: row.get(header) or "" for field, header in columns.items()}
        if problem := _value_problem(fields):
            yield line, _refuse(problem)
            continue
        yield line, _builder(fields, zone)


def _value_problem(fields: dict[str, str]) -> str:
    for field, value in fields.items():
        if len(value) > MAX_VALUE:
            return f"{field} is longer than {MAX_VALUE:,} characters"
        if "\x00" in value:
            return f"{field} contains a NUL character"
    return ""


def _refuse(reason: str) -> Callable[[], AppointmentRecord]:
    def build() -> AppointmentRecord:
        raise RecordError(reason)

    return build


def _builder(fields: dict[str, Any], zone: ZoneInfo) -> Callable[[], AppointmentRecord]:
    return lambda: _row_record(fields, zone)


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvFileError("the file is not UTF-8 text (save it as CSV UTF-8)") from None


def import_csv(
    practice: Practice,
    path: Path,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    try:
        text = decode(path.read_bytes())
    except OSError as exc:
        raise CsvFileError(f"cannot read {path}: {exc.strerror}") from None
    rows = read_rows(text, mapping or {}, ZoneInfo(practice.timezone))
    return import_records(practice, rows, Source.CSV, ImportSummary(), progress)
