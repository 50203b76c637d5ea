"""Calendars: the port the services call (`port`) and one adapter module per provider.

Services import `bot.calendars.port` only; an adapter (caldav, google, microsoft) is chosen
by `LOOPBOT_CALENDAR` in the composition root and may import its provider's SDK lazily.
"""
