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
