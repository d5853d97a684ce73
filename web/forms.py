"""The subscribe form: an address, a language, and what to follow (one bill, a jurisdiction or a
family of laws)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bills.models import Bill, Family, Jurisdiction
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
    family = forms.ModelChoiceField(
        queryset=Family.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.HiddenInput,
    )

    # The scopes, in the order the page's heading looks for them.
    SCOPES = (
        ("bill", Bill, "slug"),
        ("jurisdiction", Jurisdiction, "code"),
        ("family", Family, "slug"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        active = (get_language() or "en").split("-")[0]
        if active in Subscription.Language.values:
            self.fields["language"].initial = active

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [name for name, _model, _key in self.SCOPES if data.get(name) is not None]
        if not self.errors and len(chosen) != 1:
            raise forms.ValidationError(
                _("Choose one bill, jurisdiction or family of laws to follow.")
            )
        return data

    def followed(self) -> dict[str, Any]:
        """The bill, jurisdiction or family the form is about (for the page's heading), if it
        exists: `followed_bill`, `followed_jurisdiction`, `followed_family`, at most one set."""
        source = self.data if self.is_bound else self.initial
        found: dict[str, Any] = {f"followed_{name}": None for name, _model, _key in self.SCOPES}
        for name, model, key in self.SCOPES:
            value = source.get(name)
            # Raw request input: PostgreSQL refuses NUL characters in a query (a 500); such a
            # value names nothing anyway.
            if isinstance(value, str) and value and "\x00" not in value:
                found[f"followed_{name}"] = model.objects.filter(**{key: value}).first()
                break
        return found


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
