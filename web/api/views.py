"""The read-only JSON API (Django REST framework): thin views over web.selectors.

Anonymous, GET only, rate-limited per client (web.api.throttling), open to other origins
(CORS, settings), and answering conditional requests with 304 (ETag from the body, so that it
says nothing of changes the public cannot see; Last-Modified from the public rows shown).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, viewsets
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bills.models import Jurisdiction, SigningRule, SigningRuleStep, SigningWindow
from bills.rules import rules_in_force_today
from web.api import serializers as s
from web.api.changes import MAX_CHANGES, bill_changes
from web.conditional import conditional_response
from web.filters import BillFilter
from web.page_cache import CacheUnavailable, answer_get, answer_key, answer_set
from web.selectors import bill_detail, bill_list_base, bill_list_for_api, bill_modified_at


class KeptAnswer(HttpResponse):
    """An answer from the page cache: its rendered body and its Last-Modified."""

    def __init__(self, content: bytes, content_type: str, last_modified: Any) -> None:
        super().__init__(content, content_type=content_type)
        self.last_modified = last_modified


class Conditional:
    """ETag (a hash of the body) and Last-Modified on every 200; 304 when the client has it.

    Views that set `keep_answers` serve their 200s from the page cache while the record
    version stands (web.page_cache: any write to the public record starts a new one), after
    the rate limit, as the pages are: their answers depend on the record and the URL alone.
    """

    keep_answers = False

    def last_modified(self, data: Any) -> datetime.datetime | None:
        return None

    def kept(self, request: Request, build: Callable[[], HttpResponseBase]) -> HttpResponseBase:
        """The kept answer to this request, else what `build` gives (kept by finalize_response)."""
        self._answer_key = answer_key(request, kind="api") if self.keep_answers else None
        if self._answer_key is not None:
            try:
                found = answer_get(self._answer_key)
            except CacheUnavailable:
                self._answer_key = None
            else:
                if found is not None:
                    return KeptAnswer(*found)
        return build()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if response.status_code != 200 or request.method not in ("GET", "HEAD"):
            return response
        if isinstance(response, KeptAnswer):
            return conditional_response(request, response, last_modified=response.last_modified)
        response.render()
        last_modified = self.last_modified(response.data)
        key = getattr(self, "_answer_key", None)
        if key is not None:
            answer_set(key, (response.content, response["Content-Type"], last_modified))
        return conditional_response(request, response, last_modified=last_modified)


class Pages(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int:
        """The page size asked for; a value that is not a whole number from 1 to 100 is a 400
        with its reason, not silently the default."""
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        if len(raw) == 1 and raw[0].isdigit() and 1 <= int(raw[0]) <= self.max_page_size:
            return int(raw[0])
        raise ValidationError(
            {self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]}
        )

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise ValidationError(
                {self.page_query_param: ["A page number from 1 to the last page."]}
            ) from None


class JurisdictionViewSet(Conditional, viewsets.ReadOnlyModelViewSet):
    """Jurisdictions with their chambers, executive and the signing rule in force today."""

    serializer_class = s.JurisdictionSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    pagination_class = None

    def get_queryset(self):
        return Jurisdiction.objects.prefetch_related("chambers").order_by("code")

    def get_serializer(self, *args, **kwargs):
        jurisdictions = _as_list(args[0] if args else None)
        rules = rules_in_force_today(jurisdictions=jurisdictions)
        for jurisdiction in jurisdictions:
            jurisdiction.rule_in_force = rules[jurisdiction.pk]
        return super().get_serializer(*args, **kwargs)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    if hasattr(value, "_meta"):
        return [value]
    return list(value)


class SigningRuleViewSet(Conditional, viewsets.ReadOnlyModelViewSet):
    """Signing rules as data: their trigger, chain of steps, lapse effect and legal source."""

    serializer_class = s.SigningRuleSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    pagination_class = None

    def get_queryset(self):
        steps = Prefetch("steps", queryset=SigningRuleStep.objects.order_by("order"))
        return SigningRule.objects.select_related("jurisdiction").prefetch_related(steps)


class BillViewSet(Conditional, viewsets.ReadOnlyModelViewSet):
    """Bills: the list takes the same filters and search as /bills/; the detail carries the
    public timeline with sources, the votes (with members' votes), the windows and subjects."""

    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    filter_backends = [DjangoFilterBackend]
    filterset_class = BillFilter
    pagination_class = Pages
    keep_answers = True

    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return self.kept(request, lambda: super(BillViewSet, self).list(request, *args, **kwargs))

    def get_queryset(self):
        return bill_list_for_api() if self.action == "list" else bill_list_base()

    def get_serializer_class(self):
        return s.BillDetailSerializer if self.action == "retrieve" else s.BillSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return self.kept(request, lambda: self._retrieve(request, slug=kwargs["slug"]))

    def _retrieve(self, request: Request, *, slug: str) -> Response:
        bill = get_object_or_404(self.get_queryset(), slug=slug)
        detail = bill_detail(bill=bill)
        self._modified = bill_modified_at(bill=bill, detail=detail)
        serializer = s.BillDetailSerializer(bill, context={"detail": detail, "request": request})
        return Response(serializer.data)

    def filter_queryset(self, queryset):
        filterset = BillFilter(self.request.query_params, queryset=queryset, request=self.request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs

    def last_modified(self, data: Any) -> datetime.datetime | None:
        # A list's rows do not show their events' edits: lists get an ETag only.
        return getattr(self, "_modified", None)


class OpenWindowList(Conditional, generics.ListAPIView):
    """Signing windows open now, the soonest earliest close first."""

    serializer_class = s.WindowSerializer
    pagination_class = Pages

    def get_queryset(self):
        return (
            SigningWindow.objects.filter(status=SigningWindow.Status.OPEN)
            .select_related("bill", "rule")
            .order_by("closes_earliest", "closes_latest", "id")
        )


class ChangesView(Conditional, APIView):
    """The bills whose public record changed after `since`: re-fetch each from its api_url.
    Follow `next` (since = this answer's `until`) to keep in sync."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.DATETIME,
                required=True,
                description="ISO 8601 date-time, e.g. 2026-01-01T00:00:00Z",
            )
        ],
        responses=s.ChangesSerializer,
    )
    def get(self, request: Request) -> Response:
        # A "+" of the time zone left unencoded arrives as a space: read it as meant.
        raw = request.query_params.get("since", "").replace(" ", "+")
        since = _parse_since(raw)
        until = timezone.now()
        changes, truncated = bill_changes(since=since, limit=MAX_CHANGES)
        if truncated and changes:
            until = changes[-1].changed_at
        payload = {
            "since": since,
            "until": until,
            "truncated": truncated,
            "next": request.build_absolute_uri(reverse("api:changes"))
            + "?since="
            + until.isoformat().replace("+00:00", "Z"),
            "bills": [
                {
                    "slug": change.slug,
                    "changed_at": change.changed_at,
                    "deleted": change.deleted,
                    "api_url": None
                    if change.deleted
                    else s.absolute(reverse("api:bill-detail", args=[change.slug])),
                }
                for change in changes
            ],
        }
        return Response(s.ChangesSerializer(payload).data)


@extend_schema(exclude=True)
@api_view(["GET", "HEAD"])
def not_found(request: Request, path: str = "") -> Response:
    """Any other path under /api/v1/: a JSON 404, like the API's own."""
    return Response({"detail": "Not found."}, status=404)


def _parse_since(raw: str) -> datetime.datetime:
    try:
        since = parse_datetime(raw) if raw and "\x00" not in raw else None
    except ValueError:
        since = None
    if since is None:
        raise ValidationError(
            {"since": ["Give an ISO 8601 date-time, e.g. since=2026-01-01T00:00:00Z."]}
        )
    if timezone.is_naive(since):
        since = timezone.make_aware(since, datetime.UTC)
    try:
        # In UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows.
        return since.astimezone(datetime.UTC)
    except OverflowError:
        raise ValidationError({"since": ["That date-time is out of range."]}) from None
