from django.contrib import admin
from django.urls import include, path

from closeloop.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("closeloop.intake.urls")),
    path("", include("closeloop.web.urls")),
]
