"""View helpers shared by the apps."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from core.utils import parse_id


class RoleRequiredMixin(LoginRequiredMixin):
    """Refuses (403) users holding none of `roles`. An empty `roles` admits any signed-in user."""

    roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.roles and not request.user.has_role(*self.roles):
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
