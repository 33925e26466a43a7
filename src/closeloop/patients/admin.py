from django.contrib import admin

from closeloop.patients.models import Patient


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "practice", "date_of_birth")
    list_filter = ("practice",)
    search_fields = ("last_name", "mrn")
