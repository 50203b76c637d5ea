"""What the push-notification helpers of the cloud adapters share."""

from __future__ import annotations


class NotificationRejected(Exception):
    """An incoming notification that fails its provider's documented verification (an unknown
    channel or subscription, a wrong token or clientState). Answer it with 403 and act on
    nothing in it: anybody can POST to a public URL."""
