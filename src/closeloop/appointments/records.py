"""What an import source says about one appointment, before it touches the database.

FHIR resources (``fhir.py``) and CSV rows (``csv_import.py``) both become these records; one
importer (``importer.py``) stores them, so both sources follow the same rules.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any


class RecordError(ValueError):
    """A resource or row that cannot be imported; the message names the problem."""


@dataclass(frozen=True)
class PatientRecord:
    #: The EHR's own id for the patient (FHIR ``Patient.id``), when it has one.
    ehr_id: str = ""
    #: Medical record numbers (identifiers typed MR, or the CSV's MRN column).
    mrns: tuple[str, ...] = ()
    first_name: str = ""
    last_name: str = ""
    birth_date: date | None = None
    #: E.164 numbers; unparseable numbers were dropped while reading.
    phones: tuple[str, ...] = ()
    email: str = ""
    language: str = ""

    @property
    def has_name(self) -> bool:
        return bool(self.first_name and self.last_name)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["birth_date"] = self.birth_date.isoformat() if self.birth_date else None
        data["mrns"], data["phones"] = list(self.mrns), list(self.phones)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PatientRecord:
        birth = data.get("birth_date")
        return cls(
            ehr_id=data.get("ehr_id", ""),
            mrns=tuple(data.get("mrns", ())),
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            birth_date=date.fromisoformat(birth) if birth else None,
            phones=tuple(data.get("phones", ())),
            email=data.get("email", ""),
            language=data.get("language", ""),
        )


@dataclass(frozen=True)
class AppointmentRecord:
    external_id: str
    start: datetime
    status: str
    mode: str
    end: datetime | None = None
    kind: str = ""
    patient: PatientRecord = field(default_factory=PatientRecord)

    def fingerprint(self) -> str:
        data = {
            "start": self.start.isoformat(),
            "end": self.end.isoformat() if self.end else None,
            "status": self.status,
            "mode": self.mode,
            "kind": self.kind,
            "patient": self.patient.as_json(),
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
