"""The timeline (legislative actions and advocacy events), alerts, subscriptions and the outbox."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bills.models import Bill, Event, Family, Jurisdiction, SigningWindow


class Alert(models.Model):
    """Something subscribers must hear about, raised once: by unique constraints, not timing."""

    class Kind(models.TextChoices):
        WINDOW_THRESHOLD = "window-threshold", _("signing window closing")
        WINDOW_OVERDUE = "window-overdue", _("signing deadline passed")
        NEW_ACTION = "new-action", _("new action or vote")
        # A vote added to an action announced before (a vote recorded with its act is in
        # that act's 'new action' alert).
        NEW_VOTE = "new-vote", _("new vote")
        # For webhooks only: the bill's derived status, dates or windows moved.
        RECORD_CHANGED = "record-changed", _("record changed")

    kind = models.CharField(max_length=24, choices=Kind.choices)
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="alerts")
    window = models.ForeignKey(
        SigningWindow, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    threshold_days = models.SmallIntegerField(
        null=True, blank=True, help_text=_("Days before the earliest close; 0 is that day.")
    )
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["window", "threshold_days"],
                condition=Q(kind="window-threshold"),
                name="alert_once_per_window_threshold",
            ),
            models.UniqueConstraint(
                fields=["window"],
                condition=Q(kind="window-overdue"),
                name="alert_once_per_window_overdue",
            ),
            models.UniqueConstraint(
                fields=["event"], condition=Q(kind="new-action"), name="alert_once_per_event"
            ),
            models.UniqueConstraint(
                fields=["event"], condition=Q(kind="new-vote"), name="alert_once_per_vote"
            ),
            models.CheckConstraint(
                condition=Q(
                    kind="window-threshold",
                    window__isnull=False,
                    threshold_days__isnull=False,
                    event__isnull=True,
                )
                | Q(
                    kind="window-overdue",
                    window__isnull=False,
                    threshold_days__isnull=True,
                    event__isnull=True,
                )
                | Q(kind="new-action", window__isnull=True, event__isnull=False)
                | Q(kind="new-vote", window__isnull=True, event__isnull=False)
                | Q(
                    kind="record-changed",
                    window__isnull=True,
                    threshold_days__isnull=True,
                    event__isnull=True,
                ),
                name="alert_kind_fields_coherent",
            ),
        ]
        # The scan fans out the alerts it raised by their shared creation time.
        indexes = [models.Index(fields=["created_at"], name="alert_created_idx")]

    def __str__(self) -> str:
        suffix = "" if self.threshold_days is None else f" ({self.threshold_days} days)"
        return f"{self.kind} {self.bill}{suffix}"


def validate_plain_address(value: str) -> None:
    """An address is one line of printable characters: a control character (a vertical tab, a
    newline) passes Django's e-mail validator but breaks the mail headers later."""
    if any(ord(c) < 32 or ord(c) == 127 or c.isspace() for c in value):
        raise ValidationError(_("Enter a valid e-mail address."), code="invalid")


# What a subscription (and the request for one) follows: exactly one bill, one jurisdiction or one
# family of laws.
ONE_SCOPE = (
    Q(bill__isnull=False, jurisdiction__isnull=True, family__isnull=True)
    | Q(bill__isnull=True, jurisdiction__isnull=False, family__isnull=True)
    | Q(bill__isnull=True, jurisdiction__isnull=True, family__isnull=False)
)


class SubscriptionRequest(models.Model):
    """A subscribe form's submission, waiting for the task that decides what it means.

    The web answers every submission by writing one of these rows and publishing its id, the same
    work whatever the address's state, so neither the response nor its timing tells whether the
    address is known. events.subscriptions.subscription_request_process then creates or renews
    the subscription, owes a confirmation mail if one is due, and deletes the row."""

    email = models.EmailField(validators=[validate_plain_address])
    bill = models.ForeignKey(
        Bill, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=2, default="en")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=ONE_SCOPE, name="subscription_request_one_scope"),
            models.CheckConstraint(
                condition=Q(language__in=["en", "ru", "kk"]),
                name="subscription_request_language_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Subscription request #{self.pk}"


class Subscription(models.Model):
    """An e-mail address following one bill, a whole jurisdiction or a family of laws (its bills
    in every jurisdiction). Never shown publicly.

    Its links carry opaque tokens; only their SHA-256 is stored (events.tokens)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")

    class Language(models.TextChoices):
        EN = "en", "English"
        RU = "ru", "Русский"
        KK = "kk", "Қазақша"

    email = models.EmailField(validators=[validate_plain_address])
    bill = models.ForeignKey(
        Bill, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    # Every bill of a family of laws, in whichever jurisdiction, including bills added later.
    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # When the current confirmation link was mailed; empty while one is owed (the outbox sweeper
    # sends it if the publish after the request was lost).
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    # Attempts to mail the current confirmation link: a mail server that keeps refusing the
    # address is not asked again and again for the seven days before the purge.
    confirmation_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # The confirmation link's token (random, one use, expiring), as its SHA-256.
    confirm_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    confirm_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The unsubscribe token is derived from this nonce with the secret key, so that every mail
    # carries the same link; a new nonce (each time the person subscribes again) voids old links.
    unsubscribe_nonce = models.CharField(max_length=32, blank=True, editable=False)
    unsubscribe_token_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=ONE_SCOPE, name="subscription_one_scope"),
            models.UniqueConstraint(
                fields=["email", "bill"],
                condition=Q(bill__isnull=False),
                name="subscription_unique_bill",
            ),
            models.UniqueConstraint(
                fields=["email", "jurisdiction"],
                condition=Q(jurisdiction__isnull=False),
                name="subscription_unique_jurisdiction",
            ),
            models.UniqueConstraint(
                fields=["email", "family"],
                condition=Q(family__isnull=False),
                name="subscription_unique_family",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "confirmed", "unsubscribed"]),
                name="subscription_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(language__in=["en", "ru", "kk"]), name="subscription_language_valid"
            ),
            models.UniqueConstraint(
                fields=["confirm_token_hash"],
                condition=~Q(confirm_token_hash=""),
                name="subscription_confirm_token_unique",
            ),
            models.UniqueConstraint(
                fields=["unsubscribe_token_hash"],
                condition=~Q(unsubscribe_token_hash=""),
                name="subscription_unsubscribe_token_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="subscription_status_idx"),
        ]

    def __str__(self) -> str:
        # No address here: __str__ ends up in logs and admin messages.
        return f"Subscription #{self.pk} ({self.status})"


class Webhook(models.Model):
    """An organisation's URL that receives alerts as signed JSON: about one bill, one
    jurisdiction, or everything (neither set). Never shown publicly; its URL and owner are
    subscriber identity, kept out of logs, pages and errors as addresses are.

    Pending until the URL answers a challenge (events.webhooks.webhook_challenge); active ones
    receive deliveries; disabled after repeated failures (the owner is told by mail)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting confirmation")
        ACTIVE = "active", _("active")
        DISABLED = "disabled", _("disabled")

    owner_email = models.EmailField(validators=[validate_plain_address])
    target_url = models.URLField(max_length=500)
    bill = models.ForeignKey(
        Bill, on_delete=models.CASCADE, null=True, blank=True, related_name="webhooks"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, null=True, blank=True, related_name="webhooks"
    )
    language = models.CharField(
        max_length=2, choices=Subscription.Language.choices, default=Subscription.Language.EN
    )
    # Kept in clear because the HMAC of every body needs it; shown once, at registration.
    secret = models.CharField(max_length=64, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # Attempts to put the challenge to the URL (bounded, like confirmation mails).
    challenge_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    # Failed delivery attempts since the last success; reaching the limit disables the webhook.
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    # When the owner was told of the disabling; empty while that mail is owed (the sweeper
    # sends it if its publish was lost).
    disabled_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(bill__isnull=False, jurisdiction__isnull=False),
                name="webhook_at_most_one_scope",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "active", "disabled"]),
                name="webhook_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(confirmed_at__isnull=False),
                name="webhook_active_is_confirmed",
            ),
            models.CheckConstraint(
                condition=~Q(status="disabled") | Q(disabled_at__isnull=False),
                name="webhook_disabled_has_time",
            ),
            models.CheckConstraint(
                condition=Q(language__in=["en", "ru", "kk"]), name="webhook_language_valid"
            ),
            models.CheckConstraint(condition=~Q(secret=""), name="webhook_has_secret"),
            # One live registration per URL and scope (a second would double every delivery);
            # a disabled one may be registered anew.
            models.UniqueConstraint(
                fields=["target_url", "bill"],
                condition=Q(bill__isnull=False) & ~Q(status="disabled"),
                name="webhook_unique_bill",
                violation_error_message=_("This URL is already registered for this scope."),
            ),
            models.UniqueConstraint(
                fields=["target_url", "jurisdiction"],
                condition=Q(jurisdiction__isnull=False) & ~Q(status="disabled"),
                name="webhook_unique_jurisdiction",
                violation_error_message=_("This URL is already registered for this scope."),
            ),
            models.UniqueConstraint(
                fields=["target_url"],
                condition=Q(bill__isnull=True, jurisdiction__isnull=True) & ~Q(status="disabled"),
                name="webhook_unique_everything",
                violation_error_message=_("This URL is already registered for this scope."),
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="webhook_status_idx")]

    def __str__(self) -> str:
        # No URL, no owner: __str__ ends up in logs and admin messages.
        return f"Webhook #{self.pk} ({self.status})"


class Delivery(models.Model):
    """The outbox: one row per alert and target (a mail subscriber or a webhook). A sent
    delivery is never sent again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed (gave up)")
        CANCELLED = "cancelled", _("cancelled (unsubscribed)")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    # Exactly one target: the same rows, claim, retries and sweeper serve mail and webhooks.
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Random, chosen at the first attempt and kept for retries, so that a resend is recognisably
    # the same mail; a row id would tell how many people an alert goes to.
    message_id = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "subscription"], name="delivery_once_per_alert_subscriber"
            ),
            models.UniqueConstraint(
                fields=["alert", "webhook"],
                condition=Q(webhook__isnull=False),
                name="delivery_once_per_alert_webhook",
            ),
            models.CheckConstraint(
                condition=Q(subscription__isnull=False, webhook__isnull=True)
                | Q(subscription__isnull=True, webhook__isnull=False),
                name="delivery_exactly_one_target",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sent", "failed", "cancelled"]),
                name="delivery_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="delivery_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_outbox_idx"),
        ]

    def __str__(self) -> str:
        return f"Delivery #{self.pk} ({self.status})"
