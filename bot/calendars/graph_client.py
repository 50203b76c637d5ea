"""Microsoft Graph over HTTP (httpx), signed in as the app itself (OAuth 2.0 client credentials).

Why plain OAuth rather than msal: app-only sign-in is one form POST to the tenant's token
endpoint (RFC 6749 section 4.4) with nothing to refresh but the token itself, which we cache until
five minutes before it expires. msal adds authority discovery and validation that accept https
authorities only, so a local stand-in would need TLS certificates of its own, and its value
(interactive flows, token cache serialization, brokers) is not used by a daemon.

Every call is retried by `Backoff` on 429 and 503/504 (Graph's throttling answers, with
Retry-After), other 5xx and connection errors; a 401 gets one fresh token and one more try.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Mapping
from typing import Any

import httpx

from bot.calendars.backoff import Backoff, parse_retry_after
from bot.calendars.port import CalendarRefused, CalendarUnavailable

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
_EARLY_REFRESH = 300.0  # seconds before expiry that a token is replaced


class GraphError(CalendarRefused):
    """Graph refused the request: `status` and Graph's `code` (ErrorItemNotFound…) say why."""

    def __init__(self, message: str, *, status: int, code: str, calendar: str | None = None):
        super().__init__(message, calendar=calendar)
        self.status = status
        self.code = code


class SignInRefused(CalendarRefused):
    """The token endpoint said no: `codes` are its AADSTS numbers (7000215: wrong secret…)."""

    def __init__(self, message: str, *, error: str, codes: tuple[int, ...]):
        super().__init__(message)
        self.error = error
        self.codes = codes


class GraphClient:
    def __init__(
        self,
        *,
        tenant_id: str,
        client_id: str,
        client_secret: str,
        graph_url: str,
        login_url: str,
        timeout: float = 20.0,
        backoff: Backoff | None = None,
    ):
        self.tenant_id = tenant_id
        self.client_id = client_id
        self._secret = client_secret
        self.graph_url = graph_url.rstrip("/") + "/"
        self.token_url = f"{login_url.rstrip('/')}/{tenant_id}/oauth2/v2.0/token"
        self.backoff = backoff or Backoff()
        self._http = httpx.Client(timeout=timeout)  # thread-safe, pooled
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0

    def close(self) -> None:
        self._http.close()

    # ------------------------------------------------------------------ sign-in

    def token(self, *, fresh: bool = False) -> str:
        with self._lock:
            if not fresh and self._token and time.monotonic() < self._expires_at - _EARLY_REFRESH:
                return self._token
            form = {
                "client_id": self.client_id,
                "client_secret": self._secret,
                "scope": GRAPH_SCOPE,
                "grant_type": "client_credentials",
            }
            try:
                response = self._http.post(self.token_url, data=form)
            except httpx.TransportError as error:
                raise CalendarUnavailable(f"Microsoft sign-in unreachable: {error}") from error
            if response.status_code == 429 or response.status_code >= 500:
                raise CalendarUnavailable(
                    f"Microsoft sign-in answered {response.status_code}",
                    retry_after=parse_retry_after(response.headers.get("retry-after")),
                )
            answer = _json(response)
            if response.status_code != 200 or "access_token" not in answer:
                raise SignInRefused(
                    f"Microsoft sign-in refused: {answer.get('error_description') or answer}",
                    error=str(answer.get("error", "")),
                    codes=tuple(int(c) for c in answer.get("error_codes", []) if str(c).isdigit()),
                )
            self._token = str(answer["access_token"])
            self._expires_at = time.monotonic() + float(answer.get("expires_in", 3599))
            return self._token

    def roles(self) -> set[str] | None:
        """The application permissions in the access token's `roles` claim; None when the
        token is not a JWT one can read (Microsoft keeps the right to make it opaque)."""
        parts = self.token().split(".")
        if len(parts) != 3:
            return None
        try:
            claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        except ValueError:
            return None
        return set(claims.get("roles", [])) if isinstance(claims, dict) else None

    # ------------------------------------------------------------------ calls

    def call(
        self,
        method: str,
        path_or_url: str,
        *,
        what: str,
        calendar: str | None = None,
        json_body: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """One Graph request (a path under the Graph root, or a full nextLink/deltaLink), retried
        as the module says; the decoded JSON answer ({} for 204)."""
        url = path_or_url if "://" in path_or_url else self.graph_url + path_or_url.lstrip("/")

        def send(token: str) -> httpx.Response:
            try:
                return self._http.request(
                    method,
                    url,
                    json=json_body,
                    params=params,
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Prefer": 'outlook.timezone="UTC"',
                        **(headers or {}),
                    },
                )
            except httpx.TransportError as error:
                raise CalendarUnavailable(
                    f"Microsoft Graph unreachable for {what}: {error}", calendar=calendar
                ) from error

        def once() -> dict[str, Any]:
            response = send(self.token())
            if response.status_code == 401:  # expired or revoked early: one fresh token
                response = send(self.token(fresh=True))
            return self._answer(response, what=what, calendar=calendar)

        return self.backoff.run(once)

    def _answer(self, response: httpx.Response, *, what: str, calendar: str | None) -> dict:
        status = response.status_code
        if status < 300:
            return _json(response) if response.content else {}
        error = _json(response).get("error", {})
        code = str(error.get("code", "")) if isinstance(error, dict) else ""
        message = str(error.get("message", "")) if isinstance(error, dict) else ""
        text = f"Microsoft Graph {what}: {status} {code} {message}".strip()
        if status == 429 or status >= 500:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            raise CalendarUnavailable(text, calendar=calendar, retry_after=retry_after)
        raise GraphError(text, status=status, code=code, calendar=calendar)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}
