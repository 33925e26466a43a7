import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "closeloop.settings")

application = get_wsgi_application()

from closeloop.core.checks import assert_safe_to_serve  # noqa: E402

assert_safe_to_serve()
