"""Pictures and files from patients (issue 33 #3): an MMS picture or an email attachment is
kept encrypted beside the item, shown only to those who may read the item, audited when viewed,
removed by retention; an insurance card picture ticks the checklist step it answers.

MMS fixtures are Twilio's documented incoming-message parameters (MessageSid, AccountSid, From,
To, Body, NumMedia, MediaUrl<N>, MediaContentType<N>); the media URL is the Media subresource
(``/2010-04-01/Accounts/<AccountSid>/Messages/<MessageSid>/Media/<MediaSid>``), which Twilio
answers with a redirect to its media store. The fetch is mocked at the outbound session."""

from __future__ import annotations

import base64
import struct
import zlib
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from closeloop.api.models import ApiToken
from closeloop.core import outbound
from closeloop.intake import attachments
from closeloop.intake.models import Attachment, FileState, InboundMessage
from closeloop.messaging.consent import may_contact
from closeloop.messaging.models import ConsentChannel
from closeloop.periodic.retention import purge_expired
from closeloop.security.models import AuditEvent
from closeloop.support_queue.models import Channel, EventCode, Status, SupportItem
from tests.test_intake import EMAIL_SECRET, TWILIO_TOKEN, twilio_post

pytestmark = pytest.mark.django_db
SMS = "/hooks/twilio/riverside/sms/"
ACCOUNT = "AC" + "0" * 32
OTHER_ACCOUNT = "AC" + "1" * 32
PATIENT_PHONE = "+13125550142"


def tiny_png(width: int = 4, height: int = 3) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    rows = b"".join(b"\x00" + b"\x20\x60\xc0" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )  # fmt: skip


PNG = tiny_png()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def media_url(n: int = 0, account: str = ACCOUNT) -> str:
    return f"https://api.twilio.com/2010-04-01/Accounts/{account}/Messages/MM1/Media/ME{n}"


def mms(sid: str = "MM1", urls: list[str] | None = None, **extra: str) -> dict[str, str]:
    urls = [media_url()] if urls is None else urls
    params = {
        "MessageSid": sid, "SmsMessageSid": sid, "AccountSid": ACCOUNT,
        "From": PATIENT_PHONE, "To": "+13125550100", "Body": "", "NumSegments": "1",
        "NumMedia": str(len(urls)), "ApiVersion": "2010-04-01",
    }  # fmt: skip
    for n, url in enumerate(urls):
        params[f"MediaUrl{n}"] = url
        params[f"MediaContentType{n}"] = "image/jpeg"
    return {**params, **extra}


class FakeResponse:
    def __init__(self, status: int, body: bytes = b"", location: str = "") -> None:
        self.status_code, self.body = status, body
        self.headers = {"Location": location} if location else {}
        self.is_redirect = bool(location)

    def iter_content(self, size: int) -> Any:
        for start in range(0, len(self.body), size):
            yield self.body[start : start + size]

    def __enter__(self) -> FakeResponse:
        return self

    def __exit__(self, *args: Any) -> None:
        return None


class FakeTwilio:
    """Twilio's media API: the Media URL redirects to the media store, which has the bytes."""

    def __init__(self, body: bytes = PNG, fail: bool = False) -> None:
        self.body, self.fail, self.calls = body, fail, []

    def __call__(self) -> FakeTwilio:
        return self

    def get(self, url: str, *, auth: Any, allow_redirects: bool, **kw: Any) -> FakeResponse:
        self.calls.append((url, auth))
        assert allow_redirects is False
        if self.fail:
            raise OSError("connection reset")
        if url.startswith("https://api.twilio.com/"):
            return FakeResponse(302, location="https://media.twiliocdn.com/signed/abc?X=1")
        return FakeResponse(200, self.body)

    def close(self) -> None:
        return None


@pytest.fixture(autouse=True)
def _configured(riverside: Any) -> None:
    riverside.twilio_auth_token = TWILIO_TOKEN
    riverside.twilio_account_sid = ACCOUNT
    riverside.inbound_email_secret = EMAIL_SECRET
    riverside.save()
    cache.clear()


@pytest.fixture
def twilio(monkeypatch: Any) -> FakeTwilio:
    fake = FakeTwilio()
    monkeypatch.setattr(outbound, "session", fake)
    return fake


@pytest.fixture
def insurance_item(make_item: Any) -> SupportItem:
    return make_item("insurance_info", channel=Channel.SMS, summary="Send your insurance card")


def fetch_all() -> list[str]:
    return [attachments.fetch(pk) for pk in Attachment.objects.values_list("pk", flat=True)]


def stored_bytes(file_id: int) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM intake_attachment WHERE id = %s", [file_id])
        return bytes(cursor.fetchone()[0])


# --- MMS --------------------------------------------------------------------------------------


def test_an_mms_card_photo_is_stored_encrypted_on_the_insurance_item_and_ticks_its_step(
    client, clock, twilio, insurance_item
) -> None:
    assert twilio_post(client, SMS, mms()).status_code == 200
    row = Attachment.objects.get()
    assert row.item_id == insurance_item.pk and row.state == FileState.PENDING
    assert fetch_all() == [FileState.STORED]
    row.refresh_from_db()
    assert (row.content_type, row.size, row.data) == ("image/png", len(PNG), PNG)
    raw = stored_bytes(row.pk)
    assert PNG not in raw and b"PNG" not in raw and raw.startswith(b"gAAAAA")  # a Fernet token
    # Credentials only to Twilio's API for the practice's own account; the store gets none.
    assert twilio.calls == [
        (media_url(), (ACCOUNT, TWILIO_TOKEN)),
        ("https://media.twiliocdn.com/signed/abc?X=1", None),
    ]
    codes = list(insurance_item.events.values_list("code", flat=True))
    assert EventCode.FILE_RECEIVED in codes and EventCode.CHECKLIST_STEP in codes
    assert attachments.steps_done(insurance_item) == {"Record payer, member id and group number"}
    assert row.source_url == ""  # Twilio's copy is not referenced once we hold ours


def test_a_second_card_photo_does_not_tick_the_step_twice(
    client, clock, twilio, insurance_item
) -> None:
    twilio_post(client, SMS, mms("MM1"))
    twilio_post(client, SMS, mms("MM2"))
    fetch_all()
    assert insurance_item.events.filter(code=EventCode.CHECKLIST_STEP).count() == 1


def test_a_picture_on_a_scheduling_item_ticks_nothing(client, clock, twilio, make_item) -> None:
    item = make_item("scheduling", channel=Channel.SMS)
    twilio_post(client, SMS, mms())
    fetch_all()
    assert Attachment.objects.get().item == item
    assert not item.events.filter(code=EventCode.CHECKLIST_STEP).exists()


def test_a_duplicate_mms_callback_records_its_pictures_once(client, clock, twilio) -> None:
    for _ in range(3):
        assert twilio_post(client, SMS, mms()).status_code == 200
    assert Attachment.objects.count() == 1 and SupportItem.objects.count() == 1


@pytest.mark.parametrize("signature", ["", "forged"])
def test_a_forged_or_unsigned_mms_is_403_and_stores_nothing(client, signature) -> None:
    headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
    assert client.post(SMS, mms(), **headers).status_code == 403
    assert not Attachment.objects.exists() and not InboundMessage.objects.exists()


@pytest.mark.parametrize(
    "params",
    [
        {"NumMedia": "two"},
        {"NumMedia": "-1"},
        {"NumMedia": "99999"},
        {"NumMedia": "2"},  # MediaUrl1 missing
    ],
)
def test_contradictory_media_fields_are_a_400(client, params) -> None:
    response = twilio_post(client, SMS, mms(**params))
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_media"
    assert not SupportItem.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        media_url(account=OTHER_ACCOUNT),  # another Twilio account's media
        "https://evil.example/2010-04-01/Accounts/" + ACCOUNT + "/Media/ME0",
        "http://api.twilio.com/2010-04-01/Accounts/" + ACCOUNT + "/Media/ME0",
        "https://api.twilio.com:8443/2010-04-01/Accounts/" + ACCOUNT + "/Media/ME0",
    ],
)
def test_credentials_never_go_anywhere_but_the_practices_twilio_account(
    client, clock, twilio, url
) -> None:
    twilio_post(client, SMS, mms(urls=[url]))
    assert fetch_all() == ["refused"]
    assert twilio.calls == []
    row = Attachment.objects.get()
    assert row.refused == "not_twilio" and row.data is None
    assert row.item.events.filter(code=EventCode.FILE_REFUSED).exists()


def test_a_redirect_into_the_private_network_is_not_followed(client, clock, monkeypatch) -> None:
    class Inward(FakeTwilio):
        def get(self, url: str, **kw: Any) -> FakeResponse:
            self.calls.append((url, kw["auth"]))
            return FakeResponse(302, location="http://169.254.169.254/latest/meta-data/")

    fake = Inward()
    monkeypatch.setattr(outbound, "session", fake)
    twilio_post(client, SMS, mms())
    assert fetch_all() == ["retry"]
    assert len(fake.calls) == 1


def test_the_content_type_comes_from_the_bytes_not_the_header(client, clock, monkeypatch) -> None:
    fake = FakeTwilio(body=b"<html><script>alert(1)</script></html>")
    monkeypatch.setattr(outbound, "session", fake)
    twilio_post(client, SMS, mms())  # says image/jpeg
    assert fetch_all() == ["refused"]
    row = Attachment.objects.get()
    assert (row.state, row.refused, row.data) == (FileState.REFUSED, "type", None)
    event = row.item.events.get(code=EventCode.FILE_REFUSED)
    assert "not a picture or a PDF" in event.text


def test_a_picture_over_the_size_cap_is_refused(client, clock, monkeypatch) -> None:
    big = PNG + b"\x00" * attachments.MAX_BYTES
    monkeypatch.setattr(outbound, "session", FakeTwilio(body=big))
    twilio_post(client, SMS, mms())
    assert fetch_all() == ["refused"]
    assert Attachment.objects.get().refused == "too_large"


def test_pictures_past_the_count_cap_are_refused(client, clock, twilio) -> None:
    count = attachments.MAX_FILES + 1
    twilio_post(client, SMS, mms(urls=[media_url(n) for n in range(count)]))
    states = list(Attachment.objects.order_by("position").values_list("state", flat=True))
    assert states == [FileState.PENDING] * attachments.MAX_FILES + [FileState.REFUSED]


def test_a_failed_fetch_is_tried_again_then_noted(client, clock, monkeypatch) -> None:
    fake = FakeTwilio(fail=True)
    monkeypatch.setattr(outbound, "session", fake)
    twilio_post(client, SMS, mms())
    pk = Attachment.objects.get().pk
    assert attachments.fetch(pk) == "retry"
    assert attachments.fetch(pk) == "not-due"  # waits for its next try
    for _ in range(attachments.MAX_ATTEMPTS - 1):
        clock.shift(timedelta(minutes=30))
        attachments.fetches_due(timezone.now())
    row = Attachment.objects.get()
    assert (row.state, row.refused, row.attempts) == (FileState.REFUSED, "fetch_failed", 3)
    assert len(fake.calls) == attachments.MAX_ATTEMPTS


# --- email ------------------------------------------------------------------------------------


def email_with_files(*files: tuple[str, str, bytes], message_id: str = "<f1@example.com>") -> bytes:
    boundary = "XyZ"
    parts = [f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHere is my card.\r\n"]
    for name, ctype, data in files:
        encoded = base64.encodebytes(data).decode()
        parts.append(
            f'--{boundary}\r\nContent-Type: {ctype}; name="{name}"\r\n'
            f'Content-Disposition: attachment; filename="{name}"\r\n'
            f"Content-Transfer-Encoding: base64\r\n\r\n{encoded}\r\n"
        )
    head = (
        "From: Ana Lopez <ana@example.com>\r\nTo: desk@riverside.example\r\n"
        f"Subject: Insurance card\r\nMessage-ID: {message_id}\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: multipart/mixed; boundary={boundary}\r\n\r\n"
    )
    return (head + "".join(parts) + f"--{boundary}--\r\n").encode()


def post_email(client: Any, raw: bytes) -> Any:
    return client.post(
        "/hooks/email/riverside/", raw, content_type="message/rfc822",
        HTTP_X_CLOSELOOP_SECRET=EMAIL_SECRET,
    )  # fmt: skip


def test_email_pictures_and_pdfs_are_kept_and_other_files_refused_with_a_note(
    client, clock
) -> None:
    raw = email_with_files(
        ("card.png", "image/png", PNG),
        ("letter.pdf", "application/pdf", PDF),
        ("setup.exe", "application/octet-stream", b"MZ\x90\x00binary"),
        ("fake.jpg", "image/jpeg", b"not really a picture"),
    )
    assert post_email(client, raw).status_code == 201
    rows = list(Attachment.objects.order_by("position"))
    assert [(r.state, r.content_type, r.refused) for r in rows] == [
        (FileState.STORED, "image/png", ""),
        (FileState.STORED, "application/pdf", ""),
        (FileState.REFUSED, "", "type"),
        (FileState.REFUSED, "", "type"),
    ]
    assert rows[1].data == PDF and PDF not in stored_bytes(rows[1].pk)
    item = SupportItem.objects.get()
    assert item.events.filter(code=EventCode.FILE_REFUSED).count() == 2
    # A retry of the same message records nothing again.
    assert post_email(client, raw).status_code == 200
    assert Attachment.objects.count() == 4


# --- the item page and the file view -------------------------------------------------------------


@pytest.fixture
def stored(client: Any, clock: Any, twilio: FakeTwilio, insurance_item: SupportItem) -> Attachment:
    twilio_post(client, SMS, mms())
    fetch_all()
    return Attachment.objects.get()


def file_url(row: Attachment) -> str:
    return f"/items/{row.item_id}/files/{row.pk}/"


def test_the_item_page_shows_the_picture_to_those_who_may_read_the_item(
    client, stored, assistant
) -> None:
    client.force_login(assistant)
    page = client.get(f"/items/{stored.item_id}/").content.decode()
    assert file_url(stored) in page and "Files from the patient" in page
    assert "checked" in page or "✓" in page  # the card step shows as answered


def test_the_file_is_served_privately_and_each_view_is_audited(client, stored, assistant) -> None:
    client.force_login(assistant)
    before = AuditEvent.objects.filter(object_type="intake.attachment", action="view").count()
    response = client.get(file_url(stored))
    assert response.status_code == 200 and response.content == PNG
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    after = AuditEvent.objects.filter(object_type="intake.attachment", action="view")
    assert after.count() == before + 1
    assert after.last().user_id == assistant.pk


def test_the_file_needs_a_login(client, stored) -> None:
    response = client.get(file_url(stored))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_another_practice_gets_404_for_the_file(client, stored, outsider) -> None:
    client.force_login(outsider)
    assert client.get(file_url(stored)).status_code == 404


def test_a_file_is_found_only_under_its_own_item(client, stored, assistant, make_item) -> None:
    other = make_item("scheduling")
    client.force_login(assistant)
    assert client.get(f"/items/{other.pk}/files/{stored.pk}/").status_code == 404


def test_a_clinical_items_file_is_refused_to_support_staff(
    client, stored, assistant, nurse
) -> None:
    SupportItem.objects.filter(pk=stored.item_id).update(red_flag=True)
    client.force_login(assistant)
    assert client.get(file_url(stored)).status_code == 403
    client.force_login(nurse)
    assert client.get(file_url(stored)).status_code == 200


# --- the same files through the API (the page's permission, audit and headers) ----------------


def bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=user)[1]}"}


def api_file_url(row: Attachment) -> str:
    return f"/api/v1/items/{row.item_id}/files/{row.pk}"


def test_the_api_lists_an_items_files_without_their_bytes(client, stored, assistant) -> None:
    response = client.get(f"/api/v1/items/{stored.item_id}/files", **bearer(assistant))
    assert response.status_code == 200
    (listed,) = response.json()
    assert listed["id"] == stored.pk and listed["state"] == "stored"
    assert listed["content_type"] == "image/png" and listed["size"] == len(PNG)
    assert listed["url"] == api_file_url(stored)
    assert base64.b64encode(PNG).decode() not in response.content.decode()


def test_the_api_download_is_the_pages_response_audited_and_never_cached(
    client, stored, assistant
) -> None:
    views = AuditEvent.objects.filter(object_type="intake.attachment", action="view")
    response = client.get(api_file_url(stored), **bearer(assistant))
    assert response.status_code == 200 and response.content == PNG
    assert views.count() == 1 and views.get().user_id == assistant.pk
    client.force_login(assistant)
    page = client.get(file_url(stored))
    assert views.count() == 2
    for header in ("Content-Type", "Content-Disposition", "Cache-Control",
                   "X-Content-Type-Options", "Content-Security-Policy"):  # fmt: skip
        assert response[header] == page[header], header
    assert "no-store" in response["Cache-Control"]


def test_the_api_file_of_another_practice_is_404(client, stored, outsider) -> None:
    headers = bearer(outsider)
    assert client.get(api_file_url(stored), **headers).status_code == 404
    assert client.get(f"/api/v1/items/{stored.item_id}/files", **headers).status_code == 404
    assert not AuditEvent.objects.filter(object_type="intake.attachment", action="view").exists()


def test_the_api_finds_a_file_only_under_its_own_item(client, stored, assistant, make_item) -> None:
    other = make_item("scheduling")
    url = f"/api/v1/items/{other.pk}/files/{stored.pk}"
    assert client.get(url, **bearer(assistant)).status_code == 404


def test_a_clinical_items_files_are_refused_to_support_staff_by_the_api_too(
    client, stored, assistant, nurse
) -> None:
    SupportItem.objects.filter(pk=stored.item_id).update(red_flag=True)
    for url in (api_file_url(stored), f"/api/v1/items/{stored.item_id}/files"):
        assert client.get(url, **bearer(assistant)).status_code == 403
        assert client.get(url, **bearer(nurse)).status_code == 200


def test_the_api_download_needs_a_token(client, stored) -> None:
    assert client.get(api_file_url(stored)).status_code == 401


def test_retention_removes_the_bytes(client, stored, assistant, org, clock) -> None:
    org.retention_days = 30
    org.save()
    item = stored.item
    SupportItem.objects.filter(pk=item.pk).update(
        status=Status.CLOSED, closed_at=timezone.now() - timedelta(days=31)
    )
    assert purge_expired(timezone.now()) == 1
    stored.refresh_from_db()
    assert (stored.state, stored.data) == (FileState.PURGED, None)
    client.force_login(assistant)
    assert client.get(file_url(stored)).status_code == 404


def test_stop_with_a_picture_still_opts_out_and_keeps_no_picture(
    client, clock, twilio, riverside
) -> None:
    twilio_post(client, SMS, mms(Body="STOP"))
    assert not Attachment.objects.exists()
    assert not may_contact(riverside, ConsentChannel.SMS, PATIENT_PHONE)


def test_rotating_the_secrets_key_re_encrypts_the_files(stored, settings) -> None:
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    new = Fernet.generate_key().decode()
    before = stored_bytes(stored.pk)
    settings.SECRETS_KEYS = [new, *settings.SECRETS_KEYS]
    if len(settings.SECRETS_KEYS) == 1:  # development derives the old key from SECRET_KEY
        from closeloop.core.secrets_at_rest import _derived_key

        settings.SECRETS_KEYS = [new, _derived_key().decode()]
    call_command("rotate_secrets")
    settings.SECRETS_KEYS = [new]  # the old key removed
    stored.refresh_from_db()
    assert stored.data == PNG and stored_bytes(stored.pk) != before
