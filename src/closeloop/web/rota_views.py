"""Who is on call (read only): for everyone who works for a practice, whatever their role —
the clinician paged now for urgent symptoms while the practice is closed, the shifts next, and
the phone each is reached on. The rota itself is edited in Settings, by those who configure the
practice; another practice's rota is a 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from closeloop.practices.models import Practice
from closeloop.security.scope import administered_practices
from closeloop.triage.emergency import rota


def _rotas(request: HttpRequest, practices: list[Practice]) -> HttpResponse:
    now = timezone.now()
    editable = set(administered_practices(request.user).values_list("pk", flat=True))
    rows = [(practice, rota(practice, now), practice.pk in editable) for practice in practices]
    return render(request, "web/on_call.html", {"rows": rows, "now": now})


@login_required
@require_GET
def on_call(request: HttpRequest) -> HttpResponse:
    """Every practice the person works for."""
    return _rotas(request, list(Practice.objects.for_user(request.user).order_by("name")))


@login_required
@require_GET
def on_call_practice(request: HttpRequest, slug: str) -> HttpResponse:
    practice = Practice.objects.for_user(request.user).filter(slug=slug).first()
    if practice is None:
        raise Http404("No such practice among yours")
    return _rotas(request, [practice])
