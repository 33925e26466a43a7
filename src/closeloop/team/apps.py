from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "closeloop.team"
    label = "team"
    verbose_name = "Team: shifts, absences, the playbook, saved views"
