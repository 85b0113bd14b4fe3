"""Fetching a URL: http(s) only, a timeout, a size cap and at most three redirects.

Every failure is an InputError with a one-line reason. No checks on where the address
points (loopback, private networks) yet: that is a later issue's allow list.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from .base import InputError, mb, os_reason

SCHEMES = ("http", "https")
TIMEOUT = 10.0  # seconds, for the whole fetch
MAX_REDIRECTS = 3
CHUNK = 64 * 1024
USER_AGENT = "parley (news event coder)"


@dataclass(frozen=True)
class Response:
    """A fetched body, the URL it came from after redirects and its media type ("text/html")."""

    url: str
    media_type: str
    body: bytes


def is_url(text: str) -> bool:
    """Whether an input names an http(s) URL rather than a path."""
    return urlsplit(text).scheme.lower() in SCHEMES and "://" in text


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows at most MAX_REDIRECTS redirects, and only to http(s) URLs."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if len(getattr(req, "redirect_dict", ())) >= MAX_REDIRECTS:  # the URLs redirected to so far
            raise InputError(f"too many redirects (more than {MAX_REDIRECTS})")
        if not is_url(newurl):
            raise InputError(f"redirected to a URL that is not http(s): {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)



def fetch(url: str, max_bytes: int, timeout: float = TIMEOUT) -> Response:
    """GET an http(s) URL; InputError for a bad URL, a network or HTTP error, a timeout, or too many bytes."""
    if not is_url(url):
        raise InputError(f"not an http(s) URL: {url}")
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
    try:  # an opener per fetch: it reads the proxy settings of the environment as they are now
        with urllib.request.build_opener(_Redirects).open(request, timeout=timeout) as response:
            size = response.headers.get("Content-Length", "")
            if size.isdigit() and int(size) > max_bytes:
                raise InputError(f"too large ({mb(int(size))}; the limit is {mb(max_bytes)}, see --max-bytes)")
            body = bytearray()
            while chunk := response.read1(CHUNK):  # what has arrived: the deadline is checked often
                body += chunk
                if len(body) > max_bytes:
                    raise InputError(f"too large (over {mb(max_bytes)}; see --max-bytes)")
                if time.monotonic() > deadline:
                    raise TimeoutError
            return Response(response.geturl(), response.headers.get_content_type(), bytes(body))
    except InputError:
        raise
    except urllib.error.HTTPError as e:
        raise InputError(f"HTTP error {e.code} ({e.reason})") from None
    except urllib.error.URLError as e:
        if isinstance(e.reason, TimeoutError):
            raise InputError(f"timed out (after {timeout:g} s)") from None
        reason = os_reason(e.reason) if isinstance(e.reason, OSError) else e.reason
        raise InputError(f"cannot fetch: {reason}") from None
    except TimeoutError:
        raise InputError(f"timed out (after {timeout:g} s)") from None
    except http.client.HTTPException as e:
        raise InputError(f"bad HTTP response ({type(e).__name__})") from None
    except OSError as e:
        raise InputError(f"cannot fetch: {os_reason(e)}") from None
    except ValueError as e:  # http.client refuses the address ("nonnumeric port", control characters)
        raise InputError(f"not a valid URL ({e})") from None
