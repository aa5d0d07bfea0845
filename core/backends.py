"""Authentication backends."""

import rules
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class GroupPermissionBackend(ModelBackend):
    """Model permissions granted to the role Groups, which the Django admin asks for.

    A permission named in an app's `rules.py` is decided there alone: without this, a predicate
    saying no would be overruled by a Group permission of the same name, and every refused
    check would cost the two queries that load a user's model permissions.
    """

    def has_perm(self, user_obj, perm, obj=None):
        if rules.perm_exists(perm):
            return False
        return super().has_perm(user_obj, perm, obj=obj)

    def authenticate(self, request, username=None, password=None, **kwargs):
        """The right password of a deactivated account gives the account, so the sign-in form
        can say "Akun ini tidak aktif" (its `confirm_login_allowed`) and sign nobody in. Django's
        backend answered None, as for a wrong password: the person was told to check their
        typing, and their tries counted towards a lockout. Sessions stay strict: `get_user`
        still ends a deactivated account's sessions."""
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            # As long as a check of a real password, so the answer's time tells nothing.
            user_model().set_password(password)
            return None
        return user if user.check_password(password) else None
