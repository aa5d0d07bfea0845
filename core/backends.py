"""Authentication backends."""

import rules
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
