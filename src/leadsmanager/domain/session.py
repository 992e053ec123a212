"""A signed-in browser session: how long it lives, and when it must end."""

from __future__ import annotations

from datetime import datetime, timedelta

from attrs import define, frozen

from leadsmanager.domain.user import User


@frozen
class SessionPolicy:
    idle: timedelta = timedelta(hours=2)
    absolute: timedelta = timedelta(hours=12)
    # Writing last_seen on every request would turn every page view into a database write.
    touch_every: timedelta = timedelta(minutes=1)


@define(slots=False)
class WebSession:
    key: str  # a hash of the cookie's token: a leaked table row cannot be replayed as a cookie
    user_id: int
    user_session_version: int
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime

    def is_valid_for(self, user: User | None, *, now: datetime, policy: SessionPolicy) -> bool:
        return (
            user is not None
            and user.active
            and user.id == self.user_id
            and user.session_version == self.user_session_version
            and now - self.last_seen_at < policy.idle
            and now - self.created_at < policy.absolute
        )

    def needs_touch(self, *, now: datetime, policy: SessionPolicy) -> bool:
        return now - self.last_seen_at >= policy.touch_every
