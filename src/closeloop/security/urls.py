from django.contrib.auth import views as auth_views
from django.urls import path

from closeloop.security import views

urlpatterns = [
    path("mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("mfa/verify/", views.mfa_verify, name="mfa_verify"),
    path("account/", views.account, name="account"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="security/password_change.html", success_url="/account/?changed=1"
        ),
        name="password_change",
    ),
    path("emergency-access/", views.emergency_access, name="emergency_access"),
    path("audit/", views.audit_search, name="audit"),
    path("patients/<int:pk>/access/", views.patient_audit, name="patient_audit"),
    path("patients/<int:pk>/export.json", views.patient_data_export, name="patient_export"),
]
