"""The subscribe form: an address, a language, and what to follow (one bill or a jurisdiction)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bills.models import Bill, Jurisdiction
from events.models import Subscription, validate_plain_address


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        validators=[validate_plain_address],
        widget=forms.EmailInput(attrs={"autocomplete": "email", "required": True}),
    )
    language = forms.ChoiceField(
        label=_("Language of the mails"), choices=Subscription.Language.choices
    )
    bill = forms.ModelChoiceField(
        queryset=Bill.objects.all(), to_field_name="slug", required=False, widget=forms.HiddenInput
    )
    jurisdiction = forms.ModelChoiceField(
        queryset=Jurisdiction.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        active = (get_language() or "en").split("-")[0]
        if active in Subscription.Language.values:
            self.fields["language"].initial = active

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and (data.get("bill") is None) == (data.get("jurisdiction") is None):
            raise forms.ValidationError(_("Choose either a bill or a jurisdiction to follow."))
        return data

    def followed(self) -> dict[str, Any]:
        """The bill or jurisdiction the form is about (for the page's heading), if it exists."""
        source = self.data if self.is_bound else self.initial
        slug, code = source.get("bill"), source.get("jurisdiction")
        # Raw request input: PostgreSQL refuses NUL characters in a query (a 500); such a value
        # names nothing anyway.
        slug = slug if isinstance(slug, str) and "\x00" not in slug else None
        code = code if isinstance(code, str) and "\x00" not in code else None
        return {
            "followed_bill": Bill.objects.filter(slug=slug).first() if slug else None,
            "followed_jurisdiction": (
                Jurisdiction.objects.filter(code=code).first() if code and not slug else None
            ),
        }


class WebhookForm(forms.Form):
    """An organisation's webhook: where to POST, who is told if it fails, and what it follows
    (one bill, one jurisdiction, or everything when neither is chosen)."""

    target_url = forms.URLField(
        label=_("Webhook URL"),
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://example.org/hooks/tracker"}),
    )
    owner_email = forms.EmailField(
        label=_("Contact e-mail (told if the URL keeps failing)"),
        max_length=254,
        validators=[validate_plain_address],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    bill = forms.ModelChoiceField(
        label=_("Bill"),
        queryset=Bill.objects.order_by("slug"),
        to_field_name="slug",
        required=False,
        empty_label=_("(any)"),
    )
    jurisdiction = forms.ModelChoiceField(
        label=_("Jurisdiction"),
        queryset=Jurisdiction.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("(any)"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("bill") is not None and data.get("jurisdiction") is not None:
            raise forms.ValidationError(
                _("Choose a bill, a jurisdiction, or neither (everything).")
            )
        return data
