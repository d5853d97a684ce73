"""Factories for the alerting app's models, each through its service: a subscription asked for
and confirmed as a reader would, an alert raised by a recorded action, its deliveries fanned out.
Timeline events are made by tests.bills.factories (EventFactory, AdvocacyEventFactory)."""

from __future__ import annotations

import factory
from django.test import override_settings

from bills.models import Classification
from events.alerts import alert_fan_out, alert_raise_for_event
from events.models import Alert, Delivery, Subscription, SubscriptionRequest, Webhook
from events.subscriptions import (
    subscription_confirm,
    subscription_request,
    subscription_request_process,
)
from events.tokens import confirm_token_issue
from events.webhooks import webhook_register
from tests.bills.factories import BillFactory, ChamberFactory, EventFactory, ServiceFactory


class SubscriptionFactory(ServiceFactory):
    """A confirmed subscriber of a bill (pass jurisdiction=… or family=…, and bill=None, for a
    jurisdiction or a family of laws; confirmed=False leaves it pending)."""

    class Meta:
        model = Subscription

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    language = "en"
    bill = factory.SubFactory(BillFactory)
    jurisdiction = None
    confirmed = True

    @staticmethod
    def service(*, confirmed, **kwargs):
        # As a reader does it: the form's request, the task that decides it, the mailed link.
        request = subscription_request(**kwargs)
        subscription_request_process(request_id=request.pk)
        [scope] = [
            {name: kwargs[name]}
            for name in ("bill", "jurisdiction", "family")
            if kwargs.get(name) is not None
        ]
        subscription = Subscription.objects.get(email=kwargs["email"].lower(), **scope)
        if confirmed:
            subscription = subscription_confirm(token=confirm_token_issue(subscription))
        return subscription


class SubscriptionRequestFactory(ServiceFactory):
    """A subscribe form's submission, not yet decided by its task."""

    class Meta:
        model = SubscriptionRequest

    email = factory.Sequence(lambda n: f"asker{n}@example.org")
    language = "en"
    bill = factory.SubFactory(BillFactory)
    jurisdiction = None

    @staticmethod
    def service(**kwargs):
        return subscription_request(**kwargs)


def _action(o):
    bill = BillFactory()
    chamber = ChamberFactory(jurisdiction=bill.jurisdiction)
    # Recording a public action raises its 'new action' alert (bills.signals -> events).
    return EventFactory(bill=bill, classification=Classification.PASSAGE, chamber=chamber)


class AlertFactory(ServiceFactory):
    """The 'new action' alert a public action raises (threshold alerts come from the scan)."""

    class Meta:
        model = Alert

    event = factory.LazyAttribute(_action)

    @staticmethod
    def service(*, event):
        return Alert.objects.filter(event=event).first() or alert_raise_for_event(event=event)


class DeliveryFactory(ServiceFactory):
    """The delivery of an alert to a confirmed subscriber of its bill."""

    class Meta:
        model = Delivery

    alert = factory.SubFactory(AlertFactory)
    subscription = factory.LazyAttribute(lambda o: SubscriptionFactory(bill=o.alert.bill))

    @staticmethod
    def service(*, alert, subscription):
        alert_fan_out(alert=alert)
        return Delivery.objects.get(alert=alert, subscription=subscription)


class WebhookFactory(ServiceFactory):
    """A registered webhook, pending its challenge, following one bill (bill=None and
    jurisdiction=… for a jurisdiction; both None for everything). Its default URL is local,
    so the factory allows private targets while it registers it (tests/events/test_webhooks.py
    activates webhooks against a real local receiver)."""

    class Meta:
        model = Webhook

    owner_email = factory.Sequence(lambda n: f"hooks{n}@example.org")
    target_url = factory.Sequence(lambda n: f"http://127.0.0.1:9/hooks/{n}")
    bill = factory.SubFactory(BillFactory)
    jurisdiction = None

    @staticmethod
    def service(**kwargs):
        with override_settings(WEBHOOKS_ALLOW_PRIVATE_TARGETS=True):
            return webhook_register(**kwargs)
