"""The help page: help for each role, with every measure's definition."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from closeloop.metrics import measures
from closeloop.web.http import HtmxHttpRequest


@login_required
@require_GET
def help_page(request: HtmxHttpRequest) -> HttpResponse:
    """Help for each role, linked from every screen's header (with the relevant anchor)."""
    return render(request, "web/help.html", {"measures": measures.definitions()})
