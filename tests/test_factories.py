"""Every model of the record and of the alerting app has a factory, and each factory builds its
row through the services (so a factory row meets the same rules as a real one)."""

from __future__ import annotations

import pytest
from django.apps import apps

from tests.bills import factories as record_factories
from tests.events import factories as alert_factories

FACTORIES = {
    factory._meta.model: factory
    for module in (record_factories, alert_factories)
    for factory in vars(module).values()
    if isinstance(factory, type)
    and hasattr(factory, "_meta")
    and getattr(factory._meta, "model", None) is not None
}


def _models():
    for label in ("bills", "events"):
        for model in apps.get_app_config(label).get_models():
            if not model.__name__.startswith("Historical"):
                yield model


@pytest.mark.parametrize("model", list(_models()), ids=lambda m: m._meta.label)
def test_every_model_has_a_factory_that_builds_a_valid_row(db, model):
    factory = FACTORIES.get(model)
    assert factory is not None, f"no factory for {model._meta.label}"
    row = factory()
    assert isinstance(row, model) and row.pk is not None
    row.full_clean()
