"""A patient's picture or PDF, served to those who may read its item in full: never cached
outside the browser's memory, never sniffed into HTML, and every view audited."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from closeloop.actions.registry import VIEW_DETAILS
from closeloop.intake.attachments import stored_file
from closeloop.lib import filetypes
from closeloop.lib.ids import parse_id
from closeloop.security import audit
from closeloop.web.get_or_404 import item_for_action_or_404


@login_required
@require_GET
def item_file(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    item = item_for_action_or_404(request, pk, VIEW_DETAILS)
    row = stored_file(item, parse_id(file_id))
    if row is None:
        raise Http404("No such file")
    audit.record_view(row, fields=["data"])
    response = HttpResponse(row.data, content_type=row.content_type)
    extension = filetypes.EXTENSIONS.get(row.content_type, "bin")
    how = "inline" if filetypes.is_image(row.content_type) else "attachment"
    response["Content-Disposition"] = f'{how}; filename="item-{item.pk}-file-{row.pk}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response
