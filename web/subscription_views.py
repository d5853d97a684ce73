"""Subscribe, confirm and unsubscribe. Thin: forms and services do the work.

Every page answers the same whether or not an address was already subscribed, so the site never
tells anyone who follows what.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from events.models import Subscription
from events.subscriptions import (
    subscription_confirm,
    subscription_request,
    subscription_unsubscribe,
)
from events.tokens import subscription_from_confirm_token, subscription_from_unsubscribe_token
from web.forms import SubscribeForm
from web.ratelimit import rate_limited


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("subscribe", rate_setting="RATELIMIT_SUBSCRIBE", methods=("POST",))
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                subscription_request(
                    email=data["email"],
                    language=data["language"],
                    bill=data["bill"],
                    jurisdiction=data["jurisdiction"],
                    family=data["family"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("web:subscribe_sent")
        context = {"form": form, **form.followed()}
        return render(request, "web/alerts/subscribe.html", context, status=400)
    form = SubscribeForm(initial={name: request.GET.get(name) for name, *_ in SubscribeForm.SCOPES})
    return render(request, "web/alerts/subscribe.html", {"form": form, **form.followed()})


@require_safe
def subscribe_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "web/alerts/subscribe_sent.html")


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; POST confirms. Link scanners that fetch every URL in a mail must not
    confirm a subscription on someone's behalf."""
    try:
        if request.method == "POST":
            subscription = subscription_confirm(token=token)
            return render(request, "web/alerts/confirmed.html", {"subscription": subscription})
        subscription_from_confirm_token(token)
    except ValidationError as exc:
        return render(request, "web/alerts/invalid_link.html", {"errors": exc.messages}, status=400)
    return render(request, "web/alerts/confirm.html", {"token": token})


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The List-Unsubscribe target. RFC 8058 one-click: a POST with List-Unsubscribe=One-Click
    unsubscribes without a CSRF token (mail clients have none; the token in the URL is the
    authorisation). Anything else is the page with a button, under the normal CSRF protection."""
    if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
        try:
            subscription_unsubscribe(token=token)
        except ValidationError as exc:
            return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain")
        return HttpResponse("Unsubscribed.\n", content_type="text/plain")
    return csrf_protect(_unsubscribe_page)(request, token)


def _unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "POST":
            subscription_unsubscribe(token=token)
            return render(request, "web/alerts/unsubscribed.html")
        subscription = subscription_from_unsubscribe_token(token)
    except ValidationError as exc:
        return render(request, "web/alerts/invalid_link.html", {"errors": exc.messages}, status=400)
    if subscription.status == Subscription.Status.UNSUBSCRIBED:
        return render(request, "web/alerts/unsubscribed.html")
    return render(request, "web/alerts/unsubscribe.html", {"token": token})
