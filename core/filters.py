"""Base of the portal's FilterSets (the report list and map, the RAT matrix)."""

import copy

import django_filters


class _ClassFilters(dict):
    """A FilterSet class's filters; `copy.deepcopy` (FilterSet.__init__) copies each filter as
    `_copy_filter` does."""

    def __deepcopy__(self, memo):
        return {name: _copy_filter(original) for name, original in self.items()}


class _FreshFields(dict):
    """Fields made for one form: `copy.deepcopy` (Form.__init__) keeps them."""

    def __deepcopy__(self, memo):
        return dict(self)


def _copy_filter(original):
    new = copy.copy(original)
    new.extra = original.extra.copy()
    new.__dict__.pop("_field", None)
    if original.method is not None:
        new.method = original.method  # a new FilterMethod, calling the copy's FilterSet
    return new


class PortalFilterSet(django_filters.FilterSet):
    """A FilterSet whose filters are copied for each request one level deep.

    django-filter gives every FilterSet its own copy of the class's filters with
    `copy.deepcopy`, which also copies what a filter only reads: its choices, its widget, its
    queryset. On the report list that was about 950 calls of `deepcopy`, a tenth of building the
    filters. A filter needs its own copy of no more than: its attributes (`model` and `parent`
    are set on it), its `extra` keyword arguments (a queryset filter stores the request's
    queryset there), no field made before (each copy makes its own from its own `extra`; the
    field copies the widget) and its `method` bound to the copy, not to the class's filter.
    """

    @classmethod
    def get_filters(cls):
        return _ClassFilters(super().get_filters())

    def get_form_class(self):
        """django-filter makes the form class for this FilterSet alone, from fields its own
        filters have just made: the form need not copy them again as Django's forms copy their
        class's fields."""
        form_class = super().get_form_class()
        form_class.base_fields = _FreshFields(form_class.base_fields)
        return form_class
