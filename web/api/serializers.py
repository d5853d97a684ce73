"""What the API says of each part of the public record: explicit fields, all three languages.

Only public data reaches these serializers (the views read through web.selectors and
Event.objects.public()); nothing here knows of subscribers, staff or internal events.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from bills.models import (
    Bill,
    Chamber,
    Event,
    Jurisdiction,
    MemberVote,
    SigningRule,
    SigningRuleStep,
    SigningWindow,
    Source,
    Subject,
    Vote,
)
from web.paths import slug_path

LANGUAGES = ("en", "ru", "kk")
TRANSLATED = inline_serializer(
    "Translated",
    {
        "en": serializers.CharField(),
        "ru": serializers.CharField(allow_blank=True),
        "kk": serializers.CharField(allow_blank=True),
    },
)


@extend_schema_field(TRANSLATED)
class TranslatedField(serializers.Field):
    """A text in English, Russian and Kazakh (blank where not entered) from `<name>`,
    `<name>_ru` and `<name>_kk`."""

    def __init__(self, name: str | None = None, **kwargs: Any) -> None:
        self.base = name
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, obj: Any) -> dict[str, str]:
        base = self.base or self.field_name
        return {
            "en": getattr(obj, base),
            "ru": getattr(obj, f"{base}_ru"),
            "kk": getattr(obj, f"{base}_kk"),
        }


def absolute(path: str) -> str:
    return settings.SITE_URL + path


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["publisher", "title", "url", "published_on", "published_precision"]


class SubjectSerializer(serializers.ModelSerializer):
    name = TranslatedField()

    class Meta:
        model = Subject
        fields = ["slug", "name"]


class ChamberSerializer(serializers.ModelSerializer):
    name = TranslatedField()

    class Meta:
        model = Chamber
        fields = ["classification", "name", "seats"]


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = SigningRuleStep
        fields = [
            "order",
            "phase",
            "label",
            "length",
            "unit",
            "ends_with_receipt",
            "extends_past_holidays",
        ]


class SigningRuleSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.SlugRelatedField(slug_field="code", read_only=True)
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = SigningRule
        fields = [
            "code",
            "jurisdiction",
            "name",
            "legal_source",
            "source_url",
            "in_force_from",
            "in_force_until",
            "trigger",
            "lapse_effect",
            "lapse_note",
            "court_referral",
            "alert_days",
            "steps",
        ]


class JurisdictionSerializer(serializers.ModelSerializer):
    name = TranslatedField()
    executive_title = TranslatedField()
    chambers = ChamberSerializer(many=True, read_only=True)
    signing_rule = serializers.SerializerMethodField()

    class Meta:
        model = Jurisdiction
        fields = [
            "code",
            "ocd_id",
            "name",
            "classification",
            "timezone",
            "languages",
            "executive_title",
            "chambers",
            "signing_rule",
        ]

    @extend_schema_field(SigningRuleSerializer(allow_null=True))
    def get_signing_rule(self, obj: Jurisdiction) -> dict[str, Any] | None:
        """The rule in force today in the jurisdiction (the view attaches it)."""
        rule = getattr(obj, "rule_in_force", None)
        return SigningRuleSerializer(rule).data if rule is not None else None


class WindowSerializer(serializers.ModelSerializer):
    bill = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    rule = serializers.SlugRelatedField(slug_field="code", read_only=True)
    exact = serializers.SerializerMethodField()

    class Meta:
        model = SigningWindow
        fields = [
            "bill",
            "rule",
            "phase",
            "status",
            "triggered_earliest",
            "triggered_latest",
            "received_on",
            "closes_earliest",
            "closes_latest",
            "exact",
            "closed_on",
        ]

    def get_exact(self, obj: SigningWindow) -> bool:
        """Whether the deadline is known to the day (the receipt is recorded)."""
        return obj.closes_earliest == obj.closes_latest


class MemberVoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = MemberVote
        fields = ["member_name", "option"]


class VoteSerializer(serializers.ModelSerializer):
    motion = TranslatedField()
    member_votes = MemberVoteSerializer(many=True, read_only=True)
    sources = serializers.SerializerMethodField()

    class Meta:
        model = Vote
        fields = [
            "motion",
            "result",
            "yes_count",
            "no_count",
            "abstain_count",
            "absent_count",
            "not_voting_count",
            "unanimous",
            "member_votes",
            "sources",
        ]

    @extend_schema_field(SourceSerializer(many=True))
    def get_sources(self, obj: Vote) -> list[dict[str, Any]]:
        # Read with every other source of the bill's record (web.selectors.bill_record_sources).
        return SourceSerializer(self.context["detail"].vote_sources[obj.pk], many=True).data


class EventSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    chamber = serializers.SerializerMethodField()
    description = TranslatedField()
    sources = serializers.SerializerMethodField()
    vote = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "classification",
            "date",
            "date_precision",
            "chamber",
            "actor",
            "description",
            "sources",
            "vote",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_chamber(self, obj: Event) -> str | None:
        """The acting chamber's classification (lower, upper or unicameral), if any."""
        return obj.chamber.classification if obj.chamber_id and obj.chamber else None

    @extend_schema_field(SourceSerializer(many=True))
    def get_sources(self, obj: Event) -> list[dict[str, Any]]:
        # Read with every other source of the bill's record (web.selectors.bill_record_sources).
        return SourceSerializer(self.context["detail"].event_sources[obj.pk], many=True).data

    @extend_schema_field(VoteSerializer(allow_null=True))
    def get_vote(self, obj: Event) -> dict[str, Any] | None:
        vote = self.context.get("votes", {}).get(obj.pk)
        return VoteSerializer(vote, context=self.context).data if vote is not None else None


class BillSerializer(serializers.ModelSerializer):
    """A bill in a list: its titles, status, dates and the window open now."""

    jurisdiction = serializers.SlugRelatedField(slug_field="code", read_only=True)
    family = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    title = TranslatedField()
    short_title = TranslatedField()
    open_window = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = Bill
        fields = [
            "slug",
            "jurisdiction",
            "family",
            "identifier",
            "title",
            "short_title",
            "status",
            "introduced_on",
            "last_action_on",
            "updated_at",
            "open_window",
            "url",
            "api_url",
        ]

    @extend_schema_field(WindowSerializer(allow_null=True))
    def get_open_window(self, obj: Bill) -> dict[str, Any] | None:
        windows = getattr(obj, "open_windows", None)
        if windows is None:
            windows = list(obj.windows.filter(status=SigningWindow.Status.OPEN))
        return self._window.to_representation(windows[0]) if windows else None

    @cached_property
    def _window(self) -> WindowSerializer:
        # One for the whole list (with many=True this serializer is the list's one child):
        # building a serializer's fields costs more than using them.
        return WindowSerializer(context=self.context)

    def get_url(self, obj: Bill) -> str:
        """The bill's page."""
        return absolute(slug_path("web:bill_detail", obj.slug))

    def get_api_url(self, obj: Bill) -> str:
        return absolute(slug_path("api:bill-detail", obj.slug))


class BillDetailSerializer(BillSerializer):
    """A bill with its public record: summary, subjects, sources, timeline, votes, windows."""

    summary = TranslatedField()
    lineage = TranslatedField()
    lineage_sources = serializers.SerializerMethodField()
    subjects = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    windows = serializers.SerializerMethodField()

    class Meta(BillSerializer.Meta):
        fields = [
            *BillSerializer.Meta.fields,
            "summary",
            "lineage",
            "lineage_sources",
            "subjects",
            "sources",
            "timeline",
            "windows",
        ]

    def _detail(self) -> Any:
        return self.context["detail"]

    @extend_schema_field(SubjectSerializer(many=True))
    def get_subjects(self, obj: Bill) -> list[dict[str, Any]]:
        return SubjectSerializer(self._detail().subjects, many=True).data

    @extend_schema_field(SourceSerializer(many=True))
    def get_sources(self, obj: Bill) -> list[dict[str, Any]]:
        return SourceSerializer(self._detail().sources, many=True).data

    @extend_schema_field(SourceSerializer(many=True))
    def get_lineage_sources(self, obj: Bill) -> list[dict[str, Any]]:
        """Where the lineage (which earlier law this one follows) is said."""
        return SourceSerializer(self._detail().lineage_sources, many=True).data

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, obj: Bill) -> list[dict[str, Any]]:
        detail = self._detail()
        votes = {vote.action_id: vote for vote in detail.votes}
        context = {"votes": votes, "detail": detail}
        return EventSerializer(detail.events, many=True, context=context).data

    @extend_schema_field(WindowSerializer(many=True))
    def get_windows(self, obj: Bill) -> list[dict[str, Any]]:
        """Every signing window of the bill, latest first: one per passage to the executive."""
        return WindowSerializer([p.window for p in self._detail().windows], many=True).data


class ChangeSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    changed_at = serializers.DateTimeField()
    deleted = serializers.BooleanField()
    api_url = serializers.URLField(allow_null=True)


class ChangesSerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    truncated = serializers.BooleanField()
    next = serializers.URLField()
    bills = ChangeSerializer(many=True)
