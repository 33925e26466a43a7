from django.urls import path

from closeloop.intake import hooks, public, status_link_views

urlpatterns = [
    path("hooks/twilio/<slug:slug>/voicemail/", hooks.twilio_voicemail, name="hook_voicemail"),
    path("hooks/twilio/<slug:slug>/sms/", hooks.twilio_sms, name="hook_sms"),
    path(
        "hooks/twilio/<slug:slug>/call-status/",
        hooks.twilio_call_status,
        name="hook_call_status",
    ),
    path("hooks/twilio/<slug:slug>/status/", hooks.twilio_status, name="hook_sms_status"),
    path("hooks/email/<slug:slug>/", hooks.email_hook, name="hook_email"),
    path("u/<str:token>/", public.unsubscribe, name="unsubscribe"),
    path("p/<slug:slug>/contact/", public.contact, name="public_contact"),
    path("s/<str:token>", status_link_views.status_view, name="status_page"),
    path("s/<str:token>/reply", status_link_views.status_reply, name="status_reply"),
    path("s/<str:token>/answer", status_link_views.status_answer, name="status_answer"),
]
