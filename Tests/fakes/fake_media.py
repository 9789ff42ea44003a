"""Images and documents in requests: what every dialect checks the way its service does (shape,
base64, media type), and the answer of scenario `describe`, which lists the media parts the
request carried in one form for all dialects:

    image image/png 8 bytes, image https://x.test/a.png, document application/pdf 8 bytes, document file-abc

(inline parts: kind, media type, decoded size; others: kind and URL or file id; "no media" when
there is none). Error texts are each fake's own wording unless a dialect says they are the
service's."""
import base64
import binascii
import re

DATA_URL = re.compile(r"data:([a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+)((?:;[^;,]*)*);base64,(.*)", re.S | re.I)


def decoded(data):
    """The bytes of standard, padded base64 text, or None."""
    if not isinstance(data, str) or not data:
        return None
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None


def data_url(url):
    """(media type, bytes) of a base64 data: URL, or None."""
    match = DATA_URL.fullmatch(url) if isinstance(url, str) else None
    if not match:
        return None
    data = decoded(match.group(3))
    return None if data is None else (match.group(1).lower(), data)


def is_web_url(url):
    return isinstance(url, str) and re.match(r"https?://[^\s]+$", url) is not None


def inline(kind, media_type, data):
    return f"{kind} {media_type} {len(data)} bytes"


def referenced(kind, where):
    return f"{kind} {where}"


def parts_of(messages, kinds, field):
    """(where, message, part, kind) of each content part of the messages whose type is one of
    `kinds`; `where` names it as the service does ("messages[0].content[1]" for field "messages")."""
    for i, message in enumerate(messages if isinstance(messages, list) else []):
        content = message.get("content") if isinstance(message, dict) else None
        for j, part in enumerate(content if isinstance(content, list) else []):
            kind = part.get("type") if isinstance(part, dict) else None
            if kind in kinds:
                yield f"{field}[{i}].content[{j}]", message, part, kind


def image_at(url, media_types):
    """The description of an image given by http(s) URL or as a base64 data: URL of one of
    `media_types`; None for anything else."""
    inline_data = data_url(url)
    if inline_data and inline_data[0] in media_types:
        return inline("image", *inline_data)
    if is_web_url(url):
        return referenced("image", url)
    return None


def description(parts):
    return ", ".join(parts) if parts else "no media"
