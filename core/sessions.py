"""The portal's session engine (SESSION_ENGINE): Django's database sessions that remember the
expiry a session was read with, so the idle-logout refresh (core.middleware.IdleSessionMiddleware)
can move the expiry alone instead of writing the whole session back.

Writing it back lost changes: a request that read the session before another request changed it
(the second factor passed, a sign-in) wrote its old copy over the change when it refreshed the
expiry, and the person was asked for a code again."""

from datetime import timedelta

from django.contrib.sessions.backends import db
from django.utils import timezone


class SessionStore(db.SessionStore):
    loaded_expiry = None

    def _get_session_from_db(self):
        row = super()._get_session_from_db()
        self.loaded_expiry = row.expire_date if row is not None else None
        return row

    def touch(self) -> None:
        """Move the expiry to SESSION_COOKIE_AGE from now; the data in the database stays as
        it is, whatever this request read."""
        expiry = self.get_expiry_date()
        self.model.objects.filter(session_key=self.session_key).update(expire_date=expiry)
        self.loaded_expiry = expiry

    @classmethod
    def leave_note(cls, session_key: str, data: dict, seconds: int) -> None:
        """A session of its own under `session_key` (a key just replaced), holding `data` for
        `seconds`; none if a session has that key again (a request at the same moment)."""
        model = cls.get_model_class()
        note = model(
            session_key=session_key,
            session_data=cls().encode(data),
            expire_date=timezone.now() + timedelta(seconds=seconds),
        )
        model.objects.bulk_create([note], ignore_conflicts=True)
