"""The API's documentation page, drawn on the server from its own OpenAPI document: no
JavaScript, nothing from another origin (the strict CSP holds here too)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator


@cache
def _schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "")
    if kind == "array":
        return f"list of {_type(schema.get('items', {}))}"
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"] if v)
    return f"{kind} ({schema['format']})" if schema.get("format") else str(kind)


def endpoints() -> list[dict[str, Any]]:
    """Each path and method with its summary, parameters and answer."""
    found = []
    for path, operations in _schema()["paths"].items():
        for method, operation in operations.items():
            parameters = [
                {
                    "name": p["name"],
                    "where": p["in"],
                    "required": p.get("required", False),
                    "type": _type(p.get("schema", {})),
                    "description": p.get("description", ""),
                }
                for p in operation.get("parameters", [])
            ]
            answer = operation.get("responses", {}).get("200", {})
            body = answer.get("content", {}).get("application/json", {}).get("schema", {})
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "description": operation.get("description", ""),
                    "parameters": parameters,
                    "returns": _type(body) if body else "",
                }
            )
    return found


@require_safe
def api_docs(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/api_docs.html",
        {"endpoints": endpoints(), "version": _schema()["info"].get("version", "")},
    )
