"""An organisation registers its webhook URL. Thin: the form checks the input, the service
(events.webhooks.webhook_register) refuses private targets and puts the challenge.

The answer shows the signing secret this once, so it is never cached and never compressed
(web/compression.py): a body that holds a secret next to input from the request must not be.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from events.webhooks import webhook_register
from web.forms import WebhookForm
from web.ratelimit import rate_limited


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("webhook-register", rate_setting="RATELIMIT_SUBSCRIBE", methods=("POST",))
def webhook_register_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "web/webhooks/register.html", {"form": WebhookForm()})
    form = WebhookForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            webhook = webhook_register(
                owner_email=data["owner_email"],
                target_url=data["target_url"],
                language=(get_language() or "en").split("-")[0],
                bill=data["bill"],
                jurisdiction=data["jurisdiction"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            response = render(request, "web/webhooks/registered.html", {"webhook": webhook})
            add_never_cache_headers(response)
            return response
    return render(request, "web/webhooks/register.html", {"form": form}, status=400)
