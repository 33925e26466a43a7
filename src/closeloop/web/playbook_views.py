"""Each practice's playbook: read and searched by everyone who serves the practice (beside the
item and the log form), edited by its admins under Settings, every edit kept."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from closeloop.lib.ids import parse_id
from closeloop.practices.models import Practice
from closeloop.team import playbook
from closeloop.team.models import PlaybookEntry, PlaybookSection
from closeloop.web.http import acting_user
from closeloop.web.settings_views import _common, _practice


class EntryForm(forms.Form):
    section = forms.ChoiceField(choices=PlaybookSection.choices)
    title = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000)


def _served(request: HttpRequest, slug: str) -> Practice:
    practice = Practice.objects.for_user(request.user).filter(slug=slug).first()
    if practice is None:
        raise Http404("No such practice among yours")
    return practice


@login_required
@require_GET
def playbook_page(request: HttpRequest, slug: str) -> HttpResponse:
    practice = _served(request, slug)
    user = acting_user(request)
    query = request.GET.get("q", "")[:200]
    entries = (
        playbook.search(user, query, practice)
        if query.strip()
        else list(playbook.entries_for(user, practice))
    )
    sections: dict[str, list[PlaybookEntry]] = {}
    for entry in entries:
        sections.setdefault(entry.get_section_display(), []).append(entry)
    return render(
        request,
        "web/playbook.html",
        {"practice": practice, "sections": sections, "q": query,
         "practices": Practice.objects.for_user(request.user).order_by("name")},
    )  # fmt: skip


@login_required
@require_GET
def playbook_home(request: HttpRequest) -> HttpResponse:
    practice = Practice.objects.for_user(request.user).order_by("name").first()
    if practice is None:
        raise Http404("You do not serve any practice yet")
    return redirect("playbook", slug=practice.slug)


@login_required
@require_GET
def playbook_search(request: HttpRequest) -> HttpResponse:
    """The htmx fragment beside the item page and the log form: type "fax", see the fax."""
    query = request.GET.get("q", "")[:200]
    slug = request.GET.get("practice", "")
    practice = Practice.objects.for_user(request.user).filter(slug=slug).first() if slug else None
    user = acting_user(request)
    results = playbook.search(user, query, practice)
    return render(request, "web/_playbook_results.html", {"results": results, "q": query})


# --- Settings: the practice's admins edit it -----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def settings_playbook(request: HttpRequest, slug: str) -> HttpResponse:
    practice = _practice(request, slug)
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        playbook.entry_save(actor=acting_user(request), practice=practice, **form.cleaned_data)
        messages.success(request, "Added to the playbook.")
        return redirect("settings_playbook", slug=practice.slug)
    entries = [
        (entry, EntryForm(initial={"section": entry.section, "title": entry.title,
                                   "body": entry.body}, prefix=f"e{entry.pk}"))
        for entry in PlaybookEntry.objects.for_practice(practice)
    ]  # fmt: skip
    return render(
        request,
        "settings/playbook.html",
        _common(
            request,
            practice=practice,
            section="playbook",
            form=form,
            entries=entries,
            history=playbook.history(practice),
        ),
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def settings_playbook_entry(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    practice = _practice(request, slug)
    entry_id = parse_id(str(pk))  # beyond 64 bits: no such entry, not a database overflow
    entry = (
        PlaybookEntry.objects.for_practice(practice).filter(pk=entry_id).first()
        if entry_id is not None
        else None
    )
    if entry is None:
        raise Http404("No such entry")
    if request.POST.get("delete"):
        playbook.entry_delete(actor=acting_user(request), entry=entry)
        messages.success(request, f"Removed “{entry.title}” (its text is kept in the history).")
        return redirect("settings_playbook", slug=practice.slug)
    form: Any = EntryForm(request.POST, prefix=f"e{entry.pk}")
    if form.is_valid():
        playbook.entry_save(
            actor=acting_user(request), practice=practice, entry=entry, **form.cleaned_data
        )
        messages.success(request, f"Saved “{entry.title}”.")
    else:
        messages.error(request, "Check the entry: a section, a title and the text are needed.")
    return redirect("settings_playbook", slug=practice.slug)
