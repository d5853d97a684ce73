"""The bill list's filters: every one a GET parameter, so a filtered list is a shareable URL.

An invalid value makes the form invalid; django-filter then applies only the valid filters and
the view shows the form's errors on the page (never a 500).
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterator, Mapping
from operator import itemgetter
from typing import Any, cast

import django_filters
from django import forms
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import CharField, F, Min, Q, QuerySet, Value, Window
from django.db.models.functions import Cast, RowNumber
from django.forms import renderers
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from bills.models import (
    Bill,
    BillStatus,
    Chamber,
    Family,
    Jurisdiction,
    SigningWindow,
    Subject,
)
from bills.translation import localized
from web.selectors import bill_filter_closing_within, bill_search, translated_columns

# One renderer, so its Jinja2 environment is built once per process, not per form.
FILTER_RENDERER = renderers.Jinja2()


class FilterForm(forms.Form):
    """The public filter forms, their widgets rendered by Jinja2 from the templates Django ships
    for it. With Django's engine, where each option of a select is an include, the bill list's
    twelve widgets were a third of the page's cost. The options of its selects over reference
    tables are read together (ListedOptions)."""

    default_renderer = FILTER_RENDERER

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        listed = {
            name: field
            for name, field in self.fields.items()
            if isinstance(field, ListedChoiceField)
        }
        options = ListedOptions(listed)
        for field in listed.values():
            field.options = options


class Select(forms.Select):
    """A select whose options are written inline (web/jinja2/web/widgets/select.html), each a
    (value, label, selected) triple. Django's builds a dict of a dozen keys with its own attrs
    for every option, and includes a template per option: on the bill list, whose selects hold
    a hundred options between them, that was a third of the page."""

    template_name = "web/widgets/select.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = forms.Widget.get_context(self, name, value, attrs)
        wanted = set(self.format_value(value))
        options = []
        chosen = False
        for option_value, label in self.choices:
            text = "" if option_value is None else str(option_value)
            # As Django's: only the first option with the value is selected.
            selected = not chosen and text in wanted
            chosen = chosen or selected
            options.append((text, label, selected))
        context["widget"]["options"] = options
        return context


class ListedChoiceIterator(ModelChoiceIterator):
    """The options of a select of a few dozen rows, as (value, label) from plain rows. Django's
    iterator streams model instances, which on PostgreSQL is a server-side cursor (three round
    trips per select), and builds a model for every option."""

    field: ListedChoiceField

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        field = self.field
        if field.empty_label is not None:
            yield ("", field.empty_label)
        for row in self._rows():
            yield (row["key"], field.label_from_row(row))

    def __len__(self) -> int:
        # Django's counts the queryset in a query of its own.
        return len(self._rows()) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self._rows())

    def _rows(self) -> list[dict[str, Any]]:
        field = self.field
        # A field outside a FilterForm reads its options alone, the same way.
        return (field.options or ListedOptions({"": field})).rows(field)


class ListedChoiceField(forms.ModelChoiceField):
    iterator = ListedChoiceIterator
    widget = Select
    # The columns label_from_row reads.
    label_columns: tuple[str, ...] = translated_columns("name")
    # Set by FilterForm: the options of all the form's listed selects.
    options: ListedOptions | None = None

    # The queryset as given (a filter's or a form class's, made once per process), which
    # ListedOptions keys its query on: the field itself keeps a copy of it (.all()).
    declared_queryset: QuerySet[Any] | None = None

    # (django-stubs does not declare the accessors of ModelChoiceField.queryset.)
    def _set_queryset(self, queryset: QuerySet[Any] | None) -> None:
        super()._set_queryset(queryset)  # type: ignore[misc]
        self.declared_queryset = queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)  # type: ignore[attr-defined]

    def __deepcopy__(self, memo: dict[int, Any]) -> ListedChoiceField:
        result = super().__deepcopy__(memo)
        # A form's copy of its class's field: the same rows as given, not a new declaration.
        result.declared_queryset = self.declared_queryset
        return result

    def label_from_row(self, row: dict[str, Any]) -> str:
        return localized(row, "name")


class ChamberChoiceField(ListedChoiceField):
    label_columns = (*ListedChoiceField.label_columns, "jurisdiction__code")

    def label_from_row(self, row: dict[str, Any]) -> str:
        return f"{localized(row, 'name')} ({row['jurisdiction__code']})"


class ListedOptions:
    """The options of a form's listed selects, read for all of them in one query when the first
    is rendered: a UNION ALL of one arm per select, each numbering its rows in its queryset's
    own order. The bill list's four reference tables (jurisdictions, chambers, subjects and
    families) were four of its six queries, and each cost twice its round trip in the ORM."""

    def __init__(self, fields: Mapping[str, ListedChoiceField]) -> None:
        self.fields = list(fields.values())
        self._rows: dict[int, list[dict[str, Any]]] | None = None

    def rows(self, field: ListedChoiceField) -> list[dict[str, Any]]:
        """`field`'s options in its queryset's order, as `values(*label_columns, key=…)` gives
        them: the columns its label reads, and its key as text."""
        if self._rows is None:
            self._rows = self._read()
        return self._rows[self.fields.index(field)]

    def _read(self) -> dict[int, list[dict[str, Any]]]:
        if not self.fields:
            return {}
        sql, params, aliases, using = self._compiled()
        if sql is None:  # every select's queryset is empty (.none())
            return defaultdict(list)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            names = [column[0] for column in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        by_field: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in sorted(rows, key=itemgetter("arm", "position")):
            field = self.fields[row["arm"]]
            by_field[row["arm"]].append(
                {"key": row["key"], **{c: row[aliases[c]] for c in field.label_columns}}
            )
        return by_field

    def _compiled(self) -> tuple[str | None, tuple[Any, ...], dict[str, str], str]:
        """The UNION's SQL and parameters, its label aliases and its database, built and
        compiled by the ORM once per process for each set of selects: building and compiling
        its arms cost three times the query itself (1.4 ms against 0.3 on 10k bills), and what
        it reads is a fixed list of reference tables, its parameters constants (the arms'
        numbers). Keyed on the selects' querysets as given (the same objects on every
        request), and checked to be them, so that an id reused by another object is no match.
        Only the SQL is kept: the rows are read on every form. Every column is an integer
        or text, which the database's driver gives as the ORM would."""
        declared = tuple(f.declared_queryset for f in self.fields)
        key = tuple(
            (id(queryset), type(f), f.to_field_name)
            for queryset, f in zip(declared, self.fields, strict=True)
        )
        built = _BUILT_OPTIONS.get(key)
        if built is not None and all(a is b for a, b in zip(built[0], declared, strict=True)):
            return built[1]
        read, aliases = self._build()
        sql: str | None
        try:
            sql, params = read.query.get_compiler(using=read.db).as_sql()
        except EmptyResultSet:  # as the ORM does: no query, no rows
            sql, params = None, ()
        compiled = (sql, tuple(params), aliases, read.db)
        if len(_BUILT_OPTIONS) >= 64:  # querysets made per request (a callable's): no growth
            _BUILT_OPTIONS.clear()
        _BUILT_OPTIONS[key] = (declared, compiled)
        return compiled

    def _build(self) -> tuple[QuerySet[Any], dict[str, str]]:
        # Every arm selects the same columns in the same order (a UNION pairs them by place):
        # the label columns of all the selects as label_0, label_1…, NULL where an arm's select
        # does not read one.
        columns = list(dict.fromkeys(c for f in self.fields for c in f.label_columns))
        aliases = {column: f"label_{i}" for i, column in enumerate(columns)}
        nothing = Value(None, output_field=CharField())
        arms = []
        for index, field in enumerate(self.fields):
            # A listed select always has one; the one given (which _compiled keys on).
            queryset = cast("QuerySet[Any]", field.declared_queryset)
            ordering: list[Any] = [
                *(queryset.query.order_by or queryset.model._meta.ordering or ["pk"])
            ]
            labels = {
                alias: F(column) if column in field.label_columns else nothing
                for column, alias in aliases.items()
            }
            arms.append(
                queryset.order_by().values(
                    arm=Value(index),
                    position=Window(RowNumber(), order_by=ordering),
                    # As text: a UNION gives one type per column (a code, a slug, an id).
                    key=Cast(field.to_field_name or "pk", output_field=CharField()),
                    **labels,
                )
            )
        read = arms[0].union(*arms[1:], all=True) if len(arms) > 1 else arms[0]
        return read, aliases


# ListedOptions._compiled: (the declared querysets, (their UNION's SQL, its parameters, its label
# aliases, its database)), by the querysets' ids.
_BUILT_OPTIONS: dict[
    tuple[Any, ...], tuple[tuple[Any, ...], tuple[str | None, tuple[Any, ...], dict[str, str], str]]
] = {}


class LocalizedModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = ListedChoiceField


class ChamberFilter(django_filters.ModelChoiceFilter):
    field_class = ChamberChoiceField


SORT_CHOICES = [
    ("-updated", _("Recently changed")),
    ("-last_action", _("Latest action")),
    ("-introduced", _("Newest introduced")),
    ("introduced", _("Oldest introduced")),
    ("closing", _("Window closing soonest")),
    ("title", _("Title (A to Z)")),
]
SORT_ORDERINGS: dict[str, list[Any]] = {
    "-updated": ["-updated_at", "-id"],
    "-last_action": [F("last_action_on").desc(nulls_last=True), "-id"],
    "-introduced": [F("introduced_on").desc(nulls_last=True), "-id"],
    "introduced": [F("introduced_on").asc(nulls_last=True), "id"],
    "closing": [F("open_window_closes").asc(nulls_last=True), "-updated_at", "-id"],
    "title": ["title", "id"],
}


class DashboardFilter(FilterForm):
    """The dashboard's one filter, a family (by slug): an unknown one is reported on the page and
    the dashboard shows every bill, as the bill list does with its filters."""

    family = ListedChoiceField(
        label=_("Bill family"),
        queryset=Family.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All families"),
    )

    def family_or_none(self) -> Family | None:
        return self.cleaned_data.get("family") if self.is_valid() else None


class DateInput(forms.DateInput):
    input_type = "date"


class _ShallowFilters(dict):
    """A filter set's filters, which each instance copies: each filter shallowly, with its own
    `extra` (ModelChoiceFilter writes its queryset there)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, django_filters.Filter]:
        copies = {}
        for name, original in self.items():
            copied = copy.copy(original)
            copied.extra = dict(original.extra)
            if original.method is not None:
                # The FilterMethod it holds calls the filter it was made for: make the copy's.
                copied.method = original.method
            copies[name] = copied
        return copies


class _FreshFields(dict):
    """The fields of a form class built for one request, which its one instance may use as
    they are."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return dict(self)


class FreshFilterSet(django_filters.FilterSet):
    """A FilterSet without its two deep copies per request. django-filter deep-copies every
    filter for each instance, and with them the querysets they hold; Django then deep-copies
    the fields of the form class that django-filter has just built for this instance alone.
    On the bill list the two were a tenth of the page. Nothing per request is written on a
    filter but its parent, its model, its field and its `extra`, all the copy's own."""

    @classmethod
    def get_filters(cls) -> dict[str, django_filters.Filter]:
        return _ShallowFilters(super().get_filters())

    def get_form_class(self) -> type[forms.Form]:
        form_class = super().get_form_class()
        form_class.base_fields = _FreshFields(form_class.base_fields)
        return form_class


class BillFilter(FreshFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=200, strip=True)
    jurisdiction = LocalizedModelChoiceFilter(
        label=_("Jurisdiction"),
        queryset=Jurisdiction.objects.all(),
        to_field_name="code",
        empty_label=_("All jurisdictions"),
    )
    chamber = ChamberFilter(
        label=_("Originating chamber"),
        queryset=Chamber.objects.select_related("jurisdiction"),
        field_name="originating_chamber",
        empty_label=_("All chambers"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=BillStatus.choices, empty_label=_("Any status"), widget=Select
    )
    subject = LocalizedModelChoiceFilter(
        label=_("Subject"),
        queryset=Subject.objects.all(),
        to_field_name="slug",
        field_name="subjects",
        empty_label=_("Any subject"),
    )
    family = LocalizedModelChoiceFilter(
        label=_("Bill family"),
        queryset=Family.objects.all(),
        to_field_name="slug",
        empty_label=_("All families"),
    )
    closing_within = django_filters.NumberFilter(
        label=_("Signing window closes within (days)"),
        method="filter_closing_within",
        min_value=0,
        max_value=3660,
    )
    introduced_after = django_filters.DateFilter(
        label=_("Introduced on or after"),
        field_name="introduced_on",
        lookup_expr="gte",
        widget=DateInput,
    )
    introduced_before = django_filters.DateFilter(
        label=_("Introduced on or before"),
        field_name="introduced_on",
        lookup_expr="lte",
        widget=DateInput,
    )
    action_after = django_filters.DateFilter(
        label=_("Last action on or after"),
        field_name="last_action_on",
        lookup_expr="gte",
        widget=DateInput,
    )
    action_before = django_filters.DateFilter(
        label=_("Last action on or before"),
        field_name="last_action_on",
        lookup_expr="lte",
        widget=DateInput,
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=SORT_CHOICES,
        method="filter_sort",
        empty_label=None,
        widget=Select,
    )

    class Meta:
        model = Bill
        fields: list[str] = []
        form = FilterForm

    def filter_q(self, queryset: QuerySet[Bill], name: str, value: str) -> QuerySet[Bill]:
        return bill_search(queryset, value)

    def filter_closing_within(self, queryset: QuerySet[Bill], name: str, value) -> QuerySet[Bill]:
        if value is None:
            return queryset
        return bill_filter_closing_within(queryset, int(value))

    def filter_sort(self, queryset: QuerySet[Bill], name: str, value: str) -> QuerySet[Bill]:
        # Applied last (see filter_queryset), so that it sees the search rank annotation.
        return queryset

    def filter_queryset(self, queryset: QuerySet[Bill]) -> QuerySet[Bill]:
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or ""
        if sort == "closing":
            queryset = queryset.annotate(
                open_window_closes=Min(
                    "windows__closes_earliest",
                    filter=Q(windows__status=SigningWindow.Status.OPEN),
                )
            )
        if sort in SORT_ORDERINGS:
            return queryset.order_by(*SORT_ORDERINGS[sort])
        if self.form.cleaned_data.get("q") and "search_rank" in queryset.query.annotations:
            return queryset.order_by("-search_rank", "-updated_at", "-id")  # type: ignore[misc]
        return queryset.order_by("-updated_at", "-id")
