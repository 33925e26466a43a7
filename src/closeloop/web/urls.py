from django.contrib.auth import views as auth_views
from django.urls import path

from closeloop.web import (
    alert_views,
    appointment_views,
    file_views,
    health_views,
    help_views,
    intake_views,
    item_views,
    metrics_views,
    outbox_views,
    outreach_views,
    patient_views,
    playbook_views,
    queue_views,
    rota_views,
    saved_views,
    security_views,
    settings_views,
    team_views,
)
from closeloop.web import (
    settings_practice_views as practice_views,
)
from closeloop.web.forms import SignInForm

urlpatterns = [
    path("", queue_views.queue, name="queue"),
    path("queue.csv", queue_views.queue_csv, name="queue_csv"),
    path("alerts/", alert_views.alerts, name="alerts"),
    path("outbox/", outbox_views.outbox, name="outbox"),
    path("help/", help_views.help_page, name="help"),
    path("on-call/", rota_views.on_call, name="on_call"),
    path("on-call/<slug:slug>/", rota_views.on_call_practice, name="on_call_practice"),
    path("alerts/read/", alert_views.alerts_read, name="alerts_read"),
    path("log/", intake_views.log_contact, name="log_contact"),
    path("log/suggest/", intake_views.suggest, name="log_suggest"),
    path("patients/lookup/", intake_views.patient_lookup, name="patient_lookup"),
    path("log/patient-items/", intake_views.patient_items, name="log_patient_items"),
    path("patients/<int:pk>/", patient_views.patient_detail, name="patient"),
    path("metrics/", metrics_views.dashboard, name="dashboard"),
    path("metrics/charts/<slug:name>.csv", metrics_views.chart_csv, name="chart_csv"),
    path("metrics/weekly/", metrics_views.weekly, name="weekly_review"),
    path("metrics/weekly.csv", metrics_views.weekly_csv, name="weekly_review_csv"),
    path("metrics/weekly.pdf", metrics_views.weekly_pdf, name="weekly_review_pdf"),
    path("appointments/", appointment_views.appointments, name="appointments"),
    path(
        "appointments/confirmations.csv",
        appointment_views.confirmations_csv,
        name="appointment_confirmations_csv",
    ),
    path(
        "appointments/<int:pk>/check/<slug:step>/",
        appointment_views.check_step,
        name="appointment_check",
    ),
    path(
        "appointments/<int:pk>/patient/",
        appointment_views.confirm_patient,
        name="appointment_patient",
    ),
    path(
        "appointments/<int:pk>/confirm/",
        appointment_views.confirm_visit,
        name="appointment_confirm",
    ),
    path("shift/", team_views.shift, name="shift"),
    path("shift/handover/", team_views.shift_handover, name="shift_handover"),
    path("shift/duty/", team_views.shift_duty, name="shift_duty"),
    path("shift/away/", team_views.shift_away, name="shift_away"),
    path("shift/back/", team_views.shift_back, name="shift_back"),
    path("team/", team_views.team, name="team"),
    path("views/save/", saved_views.view_save, name="view_save"),
    path("views/<int:pk>/delete/", saved_views.view_delete, name="view_delete"),
    path("bulk/", saved_views.bulk, name="bulk"),
    path("playbook/", playbook_views.playbook_home, name="playbook_home"),
    path("playbook/search/", playbook_views.playbook_search, name="playbook_search"),
    path("practices/<slug:slug>/playbook/", playbook_views.playbook_page, name="playbook"),
    path("items/<int:pk>/", item_views.item_detail, name="item"),
    path("items/<int:pk>/message/preview/", item_views.message_preview, name="message_preview"),
    path("items/<int:pk>/presence/", item_views.item_presence, name="item_presence"),
    path("items/<int:pk>/files/<int:file_id>/", file_views.item_file, name="item_file"),
    path(
        "items/<int:pk>/presence/leave/",
        item_views.item_presence_leave,
        name="item_presence_leave",
    ),
    path("items/<int:pk>/<slug:action>/", item_views.item_action, name="item_action"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=SignInForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz/", health_views.healthz, name="healthz"),
    path("mfa/setup/", security_views.mfa_setup, name="mfa_setup"),
    path("mfa/verify/", security_views.mfa_verify, name="mfa_verify"),
    path("account/", security_views.account, name="account"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="security/password_change.html", success_url="/account/?changed=1"
        ),
        name="password_change",
    ),
    path("account/set-password/", security_views.password_set_own, name="password_set_own"),
    path("emergency-access/", security_views.emergency_access, name="emergency_access"),
    path("audit/", security_views.audit_search, name="audit"),
    path("patients/<int:pk>/access/", security_views.patient_audit, name="patient_audit"),
    path(
        "patients/<int:pk>/export.json", security_views.patient_data_export, name="patient_export"
    ),
    # Settings for practice and organization admins.
    path("settings/", settings_views.index, name="settings"),
    path("settings/staff/", settings_views.staff_list, name="settings_staff"),
    path("settings/staff/new/", settings_views.staff_new, name="settings_staff_new"),
    path("settings/staff/<int:pk>/", settings_views.staff_edit, name="settings_staff_edit"),
    path(
        "settings/staff/<int:pk>/password/",
        settings_views.staff_password,
        name="settings_staff_password",
    ),
    path(
        "settings/staff/<int:pk>/reset-mfa/",
        settings_views.staff_reset_mfa,
        name="settings_staff_reset_mfa",
    ),
    path(
        "settings/staff/<int:pk>/unlock/", settings_views.staff_unlock, name="settings_staff_unlock"
    ),
    path(
        "settings/staff/<int:pk>/deactivate/",
        settings_views.staff_deactivate,
        name="settings_staff_deactivate",
    ),
    path(
        "settings/staff/<int:pk>/reactivate/",
        settings_views.staff_reactivate,
        name="settings_staff_reactivate",
    ),
    path("settings/<slug:slug>/", practice_views.practice_settings, name="settings_practice"),
    path(
        "settings/<slug:slug>/section/<slug:section>/",
        practice_views.practice_section,
        name="settings_practice_section",
    ),
    path("settings/<slug:slug>/holidays/", practice_views.holiday_add, name="settings_holiday_add"),
    path(
        "settings/<slug:slug>/holidays/<int:pk>/delete/",
        practice_views.holiday_delete,
        name="settings_holiday_delete",
    ),
    path("settings/<slug:slug>/on-call/", practice_views.oncall_add, name="settings_oncall_add"),
    path(
        "settings/<slug:slug>/on-call/<int:pk>/delete/",
        practice_views.oncall_delete,
        name="settings_oncall_delete",
    ),
    path("settings/<slug:slug>/routes/", practice_views.route_add, name="settings_route_add"),
    path(
        "settings/<slug:slug>/routes/<int:pk>/delete/",
        practice_views.route_delete,
        name="settings_route_delete",
    ),
    path("settings/<slug:slug>/webhooks/", practice_views.webhook_add, name="settings_webhook_add"),
    path(
        "settings/<slug:slug>/webhooks/<int:pk>/delete/",
        practice_views.webhook_delete,
        name="settings_webhook_delete",
    ),
    path("settings/<slug:slug>/categories/", settings_views.categories, name="settings_categories"),
    path(
        "settings/<slug:slug>/categories/<int:pk>/",
        settings_views.category_edit,
        name="settings_category",
    ),
    path(
        "settings/<slug:slug>/categories/<int:pk>/preview/<str:language>/",
        settings_views.script_preview,
        name="settings_script_preview",
    ),
    path("settings/<slug:slug>/templates/", settings_views.templates, name="settings_templates"),
    path("settings/<slug:slug>/outreach/", outreach_views.outreach, name="settings_outreach"),
    path(
        "settings/<slug:slug>/outreach/<int:pk>/",
        outreach_views.outreach_plan,
        name="settings_outreach_plan",
    ),
    path(
        "settings/<slug:slug>/outreach/<int:pk>/delete/",
        outreach_views.outreach_plan_delete,
        name="settings_outreach_delete",
    ),
    path(
        "settings/<slug:slug>/playbook/",
        playbook_views.settings_playbook,
        name="settings_playbook",
    ),
    path(
        "settings/<slug:slug>/playbook/<int:pk>/",
        playbook_views.settings_playbook_entry,
        name="settings_playbook_entry",
    ),
    path(
        "settings/<slug:slug>/templates/edit/",
        settings_views.template_edit,
        name="settings_template",
    ),
    path(
        "settings/<slug:slug>/templates/preview/",
        settings_views.template_preview,
        name="settings_template_preview",
    ),
]
