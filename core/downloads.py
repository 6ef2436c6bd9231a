"""Answer a stored file (kept gzip-compressed) as a download: compressed to a client that
accepts it, "not modified" to one that has it, and in part to one that asks for a range of
bytes (a download that resumes), each with its ETag and its date."""

import gzip
import re
from calendar import timegm

from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from core.page_cache import ACCEPTS_GZIP

ONE_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def stored_file(request, *, compressed, digest, built_at, content_type, headers=()):
    """The file whose gzip body is `compressed` and whose uncompressed body has the MD5
    `digest`, built at `built_at`."""
    accepts_gzip = bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))
    # Strong ETags, one for each body: a range is a range of one exact series of bytes.
    etag = f'"{digest}-gzip"' if accepts_gzip else f'"{digest}"'
    last_modified = timegm(built_at.utctimetuple())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        body = compressed if accepts_gzip else gzip.decompress(compressed)
        response = ranged(request, body, etag)
        response["Content-Type"] = content_type
        if accepts_gzip:
            response["Content-Encoding"] = "gzip"
        for name, value in headers:
            response[name] = value
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Accept-Ranges"] = "bytes"
    patch_vary_headers(response, ["Accept-Encoding"])
    patch_cache_control(response, public=True, no_cache=True)
    return response


def ranged(request, body, etag):
    """The whole body (200), the one range of it asked for (206), or 416 for a range past
    its end. Several ranges, or a range asked "if" the file is one it no longer is, get the
    whole body, as HTTP allows."""
    asked = request.headers.get("Range", "")
    match = ONE_RANGE.fullmatch(asked.strip())
    if_range = request.headers.get("If-Range")
    if request.method != "GET" or not match or (if_range and if_range != etag):
        return HttpResponse(body)
    first, last = match.groups()
    size = len(body)
    if first:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    elif last:
        start, end = max(size - int(last), 0), size - 1
    else:
        return HttpResponse(body)
    if start >= size or start > end:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    response = HttpResponse(body[start : end + 1], status=206)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response
