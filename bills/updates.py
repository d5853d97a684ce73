"""The generic create and update that every record service uses (after HackSoft's
`model_update`): validate with full_clean(), save, set many-to-many fields, say what changed."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def _many_to_many(model: type[models.Model]) -> set[str]:
    return {field.name for field in model._meta.many_to_many}


def model_create(*, model: type[M], data: Mapping[str, Any]) -> M:
    """A new row from `data` (many-to-many fields as iterables of objects), validated first."""
    m2m = _many_to_many(model)
    instance = model(**{name: value for name, value in data.items() if name not in m2m})
    instance.full_clean()
    instance.save()
    for name in m2m & set(data):
        getattr(instance, name).set(list(data[name]))
    return instance


def model_update(
    *, instance: M, fields: Collection[str], data: Mapping[str, Any]
) -> tuple[M, list[str]]:
    """Set the `fields` named in `data` that differ (many-to-many too), validate, save.

    Returns the instance and the names of the fields that changed; saves nothing when none did.
    A name in `data` that is not in `fields` is a programming error (TypeError).
    """
    unknown = set(data) - set(fields)
    if unknown:
        raise TypeError(f"cannot update {', '.join(sorted(unknown))} of {type(instance).__name__}")
    m2m = _many_to_many(type(instance))
    changed = [
        name for name, value in data.items() if name not in m2m and getattr(instance, name) != value
    ]
    for name in changed:
        setattr(instance, name, data[name])
    if changed:
        instance.full_clean()
        instance.save()
    for name in sorted(m2m & set(data)):
        if _m2m_set(getattr(instance, name), data[name]):
            changed.append(name)
    return instance, changed


def _m2m_set(manager: Any, objects: Iterable[models.Model]) -> bool:
    wanted = {obj.pk for obj in objects}
    if wanted == set(manager.values_list("pk", flat=True)):
        return False
    manager.set(list(wanted))
    return True
