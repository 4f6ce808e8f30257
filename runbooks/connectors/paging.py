"""Following a list API's next-page link (Okta ``Link: <...>; rel="next"``, Graph ``@odata.nextLink``) safely.

Both APIs say to treat the link as opaque and call it as given. We do, with two guards: the link must point at the
same host and path as the request that returned it (the client's credentials are never sent anywhere else), and a
link that repeats, or pages that never end, stop the listing with an error instead of looping forever.
"""

from __future__ import annotations

from urllib.parse import unquote

import httpx

from .calls import Call

MAX_PAGES = 5000  # 1,000,000 members at 200 a page: beyond that a directory is looping, not paging
_PORTS = {"https": 443, "http": 80}


class BadNextLink(ValueError):
    """The next-page link cannot be followed; the message says why (no URL, no secret in it)."""


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port or _PORTS.get(url.scheme)


class Pager:
    """Turns next-page links into the next :class:`Call` of one listing."""

    def __init__(self, base_url: str, first: Call) -> None:
        self.base = httpx.URL(base_url)
        self.first = first
        self.pages = 1
        self._seen: set[tuple[tuple[str, str], ...]] = {tuple(sorted(first.params.items()))}

    def follow(self, link: str) -> Call:
        """The call for ``link``: same method and path as the first page, the link's own query."""
        url = httpx.URL(link)
        expected = self.base.path.rstrip("/") + unquote(self.first.path)
        if _origin(url) != _origin(self.base) or url.path != expected:
            raise BadNextLink("the next-page link points outside this listing")
        params = tuple(sorted(url.params.multi_items()))
        if params in self._seen:
            raise BadNextLink("the next-page link repeats an earlier page")
        if self.pages >= MAX_PAGES:
            raise BadNextLink(f"more than {MAX_PAGES} pages")
        self._seen.add(params)
        self.pages += 1
        return Call(self.first.system, self.first.method, self.first.path, params=dict(params))
