"""View helpers shared by the apps."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from core.utils import parse_id


class PermissionRequiredMixin(LoginRequiredMixin):
    """Refuses (403) signed-in users without the named permission `permission_required` (see the
    apps' rules.py) on `get_permission_object()`; sends anonymous visitors to the login page."""

    permission_required: str = ""

    def get_permission_object(self):
        """The object the permission is about; None for a permission about no one object."""
        return None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(
            self.permission_required, self.get_permission_object()
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PerPageMixin:
    """`?per_page=` among a few sizes; an unknown page number shows the nearest page instead of
    an error (a shared link may outlive the rows it pointed at)."""

    page_sizes = (10, 25, 50, 100)
    paginate_by = 25

    def get_paginate_by(self, queryset):
        size = parse_id(self.request.GET.get("per_page"))
        return size if size in self.page_sizes else self.paginate_by

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()
