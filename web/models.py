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


class SourceLink(models.Model):
    """One link from a bill's record to a source it cites: the bill's own sources, its lineage
    note's, its events' and the votes' on them, each with the bill it belongs to and whether
    the public may see it (an internal event's, or its vote's, may not). A database view
    (migration 0002) over the relations' own tables: it stores nothing, and is never written.

    The bill page reads all its sources through it, in one query of one join, where the union
    of the four relations cost the ORM four times the query (web.selectors.bill_record_sources).
    """

    # "<owner>:<the relation row's id>": a view has no key of its own, the ORM needs one.
    id = models.TextField(primary_key=True)
    owner = models.CharField(max_length=16)  # "bill", "lineage", "event" or "vote"
    owner_key = models.BigIntegerField()  # the id of the bill, event or vote citing the source
    bill = models.ForeignKey(
        "bills.Bill", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    source = models.ForeignKey(
        "bills.Source",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="record_links",
    )
    public = models.BooleanField()

    class Meta:
        managed = False
        db_table = "web_source_link"

    def __str__(self) -> str:
        return self.id
