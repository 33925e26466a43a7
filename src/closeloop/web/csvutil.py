"""Downloads: every export (CSV, PDF, JSON) is an attachment, and CSV cells a spreadsheet
will not run as formulas (CSV injection). No cache keeps one: ``core.middleware.NoStoreMiddleware``
marks every response ``no-store`` (``tests/test_exports.py`` checks each export URL)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TypeVar

from django.http import HttpResponse, HttpResponseBase

R = TypeVar("R", bound=HttpResponseBase)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """Text starting like a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def as_download(response: R, filename: str) -> R:
    """An export, saved under ``filename``. (It must not set a ``Cache-Control`` of its own:
    the middleware's ``no-store`` then stays.)"""
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, rows: Iterable[list[Any]]) -> HttpResponse:
    response = as_download(HttpResponse(content_type="text/csv; charset=utf-8"), filename)
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return response
