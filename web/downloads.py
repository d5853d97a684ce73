"""/data/: the bulk downloads, served gzipped to clients that accept it, with ETag and
Last-Modified (304 when the client has the file), open to other origins."""

from __future__ import annotations

import gzip

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from web import data
from web.ratelimit import rate_limited


@require_safe
def data_page(request: HttpRequest) -> HttpResponse:
    files = data.data_files()
    return render(
        request,
        "web/data.html",
        {"files": [files[name] for name in data.FILES], "tables": data.TABLES},
    )


@require_safe
@rate_limited("data", rate_setting="RATELIMIT_FEEDS")
def data_file(request: HttpRequest, name: str) -> HttpResponse:
    if name not in data.FILES:
        raise Http404("No such file.")
    stored = data.data_files()[name]
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    etag = f'"{stored.sha256[:32]}{"-gz" if gzipped else ""}"'
    modified = int(stored.built_at.timestamp())  # HTTP dates have whole seconds
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        body = bytes(stored.content_gz)
        response = HttpResponse(
            body if gzipped else gzip.decompress(body), content_type=stored.content_type
        )
        if gzipped:
            response["Content-Encoding"] = "gzip"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = "public, max-age=300"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
