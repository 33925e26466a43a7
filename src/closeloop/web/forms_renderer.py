"""Form widgets, labels and error lists rendered with Jinja2, everything else with Django
templates.

The item page renders fourteen action forms; Django's widget templates (an input, its
attributes, every option of every select, each an included template) took most of the page's
time (``benchmarks/profile_intake.py``: ~240 template includes per item page). Django ships the
same widget templates for Jinja2 (``django/forms/jinja2``), which render the same markup far
faster; each field's label and error list next (a label took as long as its widget). Forms' own
layouts and the admin's widgets (``admin/widgets/…``) keep Django templates.
Values are escaped by Django's ``conditional_escape`` (``'`` as ``&#x27;``), as before.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import DjangoTemplates
from django.template.backends.jinja2 import Jinja2 as JinjaEngine
from django.utils.html import conditional_escape

#: The templates Django ships for both engines that Jinja2 renders here.
JINJA_TEMPLATES = (
    "django/forms/widgets/",
    "django/forms/label.html",
    "django/forms/attrs.html",
    "django/forms/errors/",
)


#: Jinja2 widget templates of ours that replace Django's of the same name, with the same markup:
#: ``select.html`` writes each option in place instead of including ``select_option.html`` (and
#: ``attrs.html``) once per option; an item page has ~540 options.
OVERRIDES = Path(__file__).parent / "jinja_widgets"


class Renderer(DjangoTemplates):
    @cached_property
    def _widgets(self) -> JinjaEngine:
        return JinjaEngine(
            {
                "APP_DIRS": False,
                # Ours first: select.html writes its options in place (``jinja_widgets/``).
                "DIRS": [OVERRIDES, Path(django.forms.__file__).parent / "jinja2"],
                "NAME": "closeloop-widgets",
                "OPTIONS": {"finalize": conditional_escape},
            }
        )

    def get_template(self, template_name: str) -> Any:
        if template_name.startswith(JINJA_TEMPLATES):
            return self._widgets.get_template(template_name)
        return super().get_template(template_name)
