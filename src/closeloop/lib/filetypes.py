"""What a file from a patient is, read from its first bytes (the sender's Content-Type header
is a claim, not a fact): the few kinds the item page shows or links, and nothing else."""

from __future__ import annotations

#: The kinds we keep: pictures a phone sends (a browser shows them) and PDF.
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
ALLOWED_TYPES = IMAGE_TYPES | {"application/pdf"}
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
}


def sniff(data: bytes) -> str:
    """The content type the bytes say they are, or "" when they are none of ``ALLOWED_TYPES``."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return ""


def is_image(content_type: str) -> bool:
    return content_type in IMAGE_TYPES
