"""The client's address, for sign-in lockouts and the activity log (django-axes calls
`client_ip` through AXES_CLIENT_IP_CALLABLE; the portal asks axes)."""

from django.conf import settings
from ipware import ip as ipware


def client_ip(request) -> str | None:
    """X-Forwarded-For is read (as configured from AXES_PROXY_COUNT) only when the request came
    from one of AXES_PROXY_ADDRESSES, the reverse proxies that reach the app: an app server
    bound to a network address would otherwise take any sender's word for its address, and a
    password guesser could name a new one with each try."""
    remote = request.META.get("REMOTE_ADDR")
    if settings.AXES_IPWARE_PROXY_COUNT is None or remote not in settings.AXES_PROXY_ADDRESSES:
        return remote
    client, _routable = ipware.get_client_ip(
        request,
        proxy_order=settings.AXES_IPWARE_PROXY_ORDER,
        proxy_count=settings.AXES_IPWARE_PROXY_COUNT,
        request_header_order=settings.AXES_IPWARE_META_PRECEDENCE_ORDER,
    )
    return client
