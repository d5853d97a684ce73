"""What the public site keeps of its own: the bulk downloads, built from the public record."""

from __future__ import annotations

from django.db import models


class DataFile(models.Model):
    """One file of /data/, stored gzipped (served as is to clients that accept gzip).

    Rebuilt by a task after the record changes; `sha256` (of the uncompressed content) and
    `built_at` move only when the content does, so they say nothing of changes the public cannot
    see (an internal note)."""

    name = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=100)
    content_gz = models.BinaryField()
    size = models.PositiveIntegerField(help_text="Uncompressed size in bytes.")
    sha256 = models.CharField(max_length=64)
    built_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
