"""Cursor paging on any sort: the primary key is added to break ties, pages chain through their
cursors, a cursor past the last row gives an empty page that still leads back, and a sort that
is no column cannot be paged by cursor. Plain lists page as well (with a count)."""

import base64

import pytest
from django.db.models.functions import Lower

from core.pagination import CappedPaginator, Keyset
from directory.models import Region

pytestmark = pytest.mark.django_db


def codes(page):
    return [region.code for region in page]


def test_cursor_pages_chain_and_end_on_an_empty_page_that_leads_back(
    kecamatan, other_kecamatan, desa
):
    keyset = Keyset(Region.objects.order_by("code"))
    assert keyset.keys == [("code", False), ("pk", True)]

    first = keyset.page(2)
    assert codes(first) == ["35.17", "35.17.05"] and len(first) == 2
    assert first.has_next and not first.has_previous
    second = keyset.page(2, values=keyset.decode(first.next_cursor))
    assert codes(second) == ["35.17.08", "35.17.08.2001"]
    assert second.has_previous

    past_the_end = keyset.page(2, values=keyset.decode(keyset.encode(second.object_list[-1])))
    assert len(past_the_end) == 0
    assert past_the_end.has_previous and not past_the_end.has_next


def test_a_sort_that_is_no_column_cannot_be_paged_by_cursor(kecamatan):
    with pytest.raises(TypeError, match="Cannot page"):
        Keyset(Region.objects.order_by(Lower("name")))


def test_a_plain_list_pages_with_its_count():
    paginator = CappedPaginator(list(range(45)), 20)
    assert (paginator.count, paginator.num_pages, paginator.capped) == (45, 3, False)
    assert list(paginator.page(3)) == list(range(40, 45))


@pytest.mark.parametrize(
    "payload",
    [
        '[["code","pk"],["35.17",Infinity]]',  # JSON's Infinity as an id: int() overflows
        '[["code","pk"],["35.17",-Infinity]]',
        "[" * 1000,  # nested past Python's recursion limit
        r'[["code","pk"],["\ud800",1]]',  # half a UTF-16 pair: no text PostgreSQL can take
    ],
)
def test_a_cursor_that_only_json_can_read_is_no_cursor(kecamatan, payload):
    keyset = Keyset(Region.objects.order_by("code"))
    token = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    assert keyset.decode(token) is None
