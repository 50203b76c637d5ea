"""The Slack directory (bot/directory.py) over the Web API: users.lookupByEmail, users.info,
usergroups.list and usergroups.users.list, through slack_sdk's WebClient (so SLACK_API_URL
points it at a proxy or the fake Slack)."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.directory import DirectoryPerson

NOT_FOUND = ("users_not_found", "user_not_found", "no_such_subteam", "invalid_usergroup")


class SlackDirectory:
    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._handles: dict[str, str] | None = None

    def by_email(self, email: str) -> DirectoryPerson | None:
        return self._user(lambda: self.client.users_lookupByEmail(email=email))

    def person(self, slack_user_id: str) -> DirectoryPerson | None:
        return self._user(lambda: self.client.users_info(user=slack_user_id))

    def group_members(self, group: str) -> list[str] | None:
        group_id = self._group_id(group)
        if group_id is None:
            return None
        try:
            return list(self.client.usergroups_users_list(usergroup=group_id)["users"])
        except SlackApiError as error:
            if error.response.get("error") in NOT_FOUND:
                return None
            raise

    def _group_id(self, group: str) -> str | None:
        if self._handles is None:
            groups = self.client.usergroups_list()["usergroups"]
            self._handles = {g["handle"]: g["id"] for g in groups}
            self._handles.update({g["id"]: g["id"] for g in groups})
        return self._handles.get(group.lstrip("@"))

    def _user(self, call) -> DirectoryPerson | None:
        try:
            user = call()["user"]
        except SlackApiError as error:
            if error.response.get("error") in NOT_FOUND:
                return None
            raise
        if user.get("deleted") or user.get("is_bot"):
            return None
        profile = user.get("profile", {})
        return DirectoryPerson(
            user["id"],
            profile.get("real_name") or user.get("real_name") or user.get("name", user["id"]),
            profile.get("email"),
            user.get("tz"),
        )
