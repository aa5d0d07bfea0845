"""The portal's session engine (SESSION_ENGINE): Django's database sessions that remember the
expiry a session was read with, so the idle-logout refresh (core.middleware.IdleSessionMiddleware)
can move the expiry alone instead of writing the whole session back.

Writing it back lost changes: a request that read the session before another request changed it
(the second factor passed, a sign-in) wrote its old copy over the change when it refreshed the
expiry, and the person was asked for a code again."""

from django.contrib.sessions.backends import db


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
