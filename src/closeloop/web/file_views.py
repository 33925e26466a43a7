"""A patient's picture or PDF, served to those who may read its item in full
(``intake.attachments.file_response``: the same response as the API's, every view audited)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from closeloop.actions.registry import VIEW_DETAILS
from closeloop.intake.attachments import file_response
from closeloop.lib.ids import parse_id
from closeloop.web.get_or_404 import item_for_action_or_404


@login_required
@require_GET
def item_file(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    item = item_for_action_or_404(request, pk, VIEW_DETAILS)
    response = file_response(item, parse_id(file_id))
    if response is None:
        raise Http404("No such file")
    return response
