from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "closeloop.followup"
    label = "followup"
    verbose_name = "Follow-up"
