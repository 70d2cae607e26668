"""Article pages by address: `bilingual translate URL`, `bilingual segment URL`.

The page is fetched with httpx (bounded: timeouts, a size limit, a capped number of
redirects, http/https only, HTML only) and then read exactly like a saved page. Every way
this can fail is one `BilingualError` line naming the address.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bilingual.ingest.html import PageText

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from bilingual.errors import BilingualError

URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
SCHEMES = ("http", "https")
HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_BYTES = 5 * 1024 * 1024  # a news page with inline scripts is well under 2 MB
MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 5.0  # seconds
READ_TIMEOUT = 20.0
USER_AGENT = "bilingual (article translation; +https://pypi.org/project/httpx/)"


@dataclass(frozen=True)
class Limits:
    max_bytes: int = MAX_BYTES
    max_redirects: int = MAX_REDIRECTS
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT


@dataclass(frozen=True)
class Page:
    url: str  # after redirects
    data: bytes
    charset: str | None  # as the Content-Type header declares it


def is_url(text: str) -> bool:
    """Whether an input names a web address rather than a file."""
    return bool(URL_RE.match(str(text)))


def url_stem(url: str) -> str:
    """The output name of a fetched article: the page's file name, else the host."""
    parts = urlsplit(url)
    last = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    stem = re.sub(r"\.(?:s?html?|xhtml|php|aspx?|jsp)$", "", last, flags=re.I)
    stem = re.sub(r"[^\w.-]+", "-", stem).strip("-.")
    return stem or re.sub(r"[^\w.-]+", "-", parts.hostname or "page")


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        raise BilingualError(f"cannot fetch '{parts.scheme}:' addresses", url,
                             "give an http:// or https:// address, or a saved file")
    if not parts.hostname:
        raise BilingualError("is not a valid web address", url, "check the address")


def fetch_page(url: str, limits: Limits | None = None) -> Page:
    """The page's bytes; a 4xx/5xx answer, a non-HTML answer, a too-large page, too many
    redirects, a timeout or a network failure is a BilingualError."""
    import httpx

    limits = limits or Limits()
    check_url(url)
    timeout = httpx.Timeout(limits.read_timeout, connect=limits.connect_timeout)
    try:
        with httpx.Client(follow_redirects=True, max_redirects=limits.max_redirects,
                          timeout=timeout, headers={"User-Agent": USER_AGENT}) as client, \
                client.stream("GET", url) as response:
            _check_response(response, url, limits)
            data = _read_limited(response, url, limits.max_bytes)
            return Page(str(response.url), data, response.charset_encoding)
    except httpx.TooManyRedirects as exc:
        raise BilingualError(f"more than {limits.max_redirects} redirects", url,
                             "open the address in a browser and give the final one") from exc
    except httpx.TimeoutException as exc:
        raise BilingualError("the server did not answer in time", url,
                             "try again later, or save the page and give the file") from exc
    except httpx.UnsupportedProtocol as exc:
        raise BilingualError("redirects to an address that is not http or https", url,
                             "save the page and give the file") from exc
    except httpx.HTTPError as exc:
        raise BilingualError(f"cannot fetch the page ({type(exc).__name__})", url,
                             "check the address and the network") from exc


def _check_response(response: object, url: str, limits: Limits) -> None:
    status = getattr(response, "status_code", 0)
    if status >= 400:
        reason = getattr(response, "reason_phrase", "")
        raise BilingualError(f"the server answered {status} {reason}".rstrip(), url,
                             "check the address")
    headers = getattr(response, "headers", {})
    media = headers.get("content-type", "").split(";")[0].strip().lower()
    if media and media not in HTML_TYPES:
        raise BilingualError(f"is not a web page (it is {media})", url,
                             "give the address of the article's HTML page")
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise BilingualError(f"the page is too large ({int(declared):,} bytes)", url,
                             f"pages up to {limits.max_bytes:,} bytes are fetched")


def _read_limited(response: object, url: str, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():  # type: ignore[attr-defined]
        size += len(chunk)
        if size > max_bytes:
            raise BilingualError(f"the page is too large (over {max_bytes:,} bytes)", url,
                                 f"pages up to {max_bytes:,} bytes are fetched")
        chunks.append(chunk)
    return b"".join(chunks)


def read_url(url: str, limits: Limits | None = None) -> tuple[PageText, str]:
    """(the article as read, stem) of the page at `url`."""
    from bilingual.ingest.html import read_html_bytes

    fetched = fetch_page(url, limits)
    return read_html_bytes(fetched.data, url, fetched.charset), url_stem(fetched.url)
