"""Items from before "first response = the first human contact" (issue 32): their after-hours
automatic acknowledgement was recorded as the first response (``acknowledged_how=automatic``,
0 minutes). Each one's first response is read again from its timeline by the rule the code
applies to new rows (``support_queue.item_writes.first_human_contact``): the first contact a person made,
or none. The automatic reply is kept beside it (``auto_replied_at``), as for new rows."""

from django.db import migrations

from closeloop.lib.business_hours import BusinessCalendar
from closeloop.practices.choices import DEFAULT_WEEKLY_HOURS
from closeloop.support_queue.item_writes import first_human_contact

AUTOMATIC = "automatic"


def rederive(apps, schema_editor):
    Practice = apps.get_model("practices", "Practice")
    SupportItem = apps.get_model("support_queue", "SupportItem")
    TimelineEvent = apps.get_model("support_queue", "TimelineEvent")
    legacy = SupportItem.objects.filter(acknowledged_how=AUTOMATIC, first_response_at__isnull=False)
    for practice in Practice.objects.filter(pk__in=legacy.values("practice_id")):
        calendar = BusinessCalendar.from_config(
            timezone=practice.timezone,
            weekly_hours=practice.business_hours or DEFAULT_WEEKLY_HOURS,
            holidays=practice.holidays.values_list("date", flat=True),
        )
        for item in legacy.filter(practice=practice).iterator():
            events = TimelineEvent.objects.filter(item_id=item.pk).order_by("at", "pk")
            found = first_human_contact(
                events.values_list("at", "actor_id", "changes"), item.channel
            )
            changes = {"auto_replied_at": item.auto_replied_at or item.first_response_at}
            if found is None:
                changes.update(
                    first_response_at=None,
                    first_response_minutes=None,
                    first_response_wall_minutes=None,
                )
                if item.status == "acknowledged":  # only the automatic reply acknowledged it
                    changes["status"] = "new"
            else:
                at, how = found
                changes.update(
                    first_response_at=at,
                    acknowledged_how=how,
                    first_response_minutes=int(
                        calendar.between(item.first_contact_at, at).total_seconds() // 60
                    ),
                    first_response_wall_minutes=max(
                        0, int((at - item.first_contact_at).total_seconds() // 60)
                    ),
                )
            SupportItem.objects.filter(pk=item.pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0001_initial"),
        ("support_queue", "0024_attachments"),
    ]

    operations = [migrations.RunPython(rederive, migrations.RunPython.noop)]
