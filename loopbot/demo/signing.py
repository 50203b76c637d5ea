"""Slack's request signing (v0) and the plain HTTP POST that carries a signed request.

Only the standard library is used for HTTP; signatures follow Slack's v0 scheme (what
``slack_sdk.signature.SignatureVerifier`` checks).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, TypedDict


class SigningOptions(TypedDict, total=False):
    """Per-request overrides for testing the signature guard."""

    unsigned: bool  # send no signature headers at all
    forged: bool  # sign with a wrong secret
    timestamp: int | str  # use this X-Slack-Request-Timestamp (e.g. a stale one)
    sign_with: str  # sign with this secret instead of the configured one


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class SentRequest:
    """What was last sent, so a test can inspect or replay it."""

    url: str
    headers: dict[str, str]
    body: bytes
    extra: dict[str, Any] = field(default_factory=dict)


def sign(signing_secret: str, timestamp: int | str, body: bytes | str) -> str:
    """Slack's v0 request signature: HMAC-SHA256 over ``v0:{timestamp}:{body}``."""
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    base = f"v0:{timestamp}:{body}".encode()
    digest = hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return f"v0={digest}"


def signature_headers(
    signing_secret: str, body: bytes, options: SigningOptions | None = None
) -> dict[str, str]:
    """The X-Slack-* headers for ``body`` under ``options`` (empty when unsigned)."""
    options = options or {}
    if options.get("unsigned"):
        return {}
    timestamp = options.get("timestamp", int(time.time()))
    secret = options.get("sign_with", signing_secret)
    if options.get("forged"):
        secret = f"forged-{secret}-{secrets.token_hex(4)}"
    return {
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": sign(secret, timestamp, body),
    }


def post(url: str, data: bytes, headers: dict[str, str], timeout: float) -> Response:
    """POST and return the answer, error statuses included (they are what tests look at)."""
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return Response(answer.status, dict(answer.headers.items()), answer.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, dict(error.headers.items()), error.read())
