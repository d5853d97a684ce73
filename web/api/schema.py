"""The OpenAPI document says what every answer can be: besides the 200, a 304 to a
conditional request, 429 over the rate limit, 400 for a bad parameter and 404 for an unknown
object, each with the JSON body it has."""

from __future__ import annotations

from typing import Literal

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

DETAIL = inline_serializer("Detail", {"detail": serializers.CharField()})


class TrackerAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Literal["request", "response"] = "response"):
        responses = super()._get_response_bodies(direction)
        extra = {
            "304": {
                "description": "Not modified: the client's copy (ETag, Last-Modified) is current."
            },
            "429": self._get_response_for_code(DETAIL, "429"),
        }
        if self.get_filter_backends() or self._query_parameters():
            extra["400"] = {
                "description": "A parameter is not valid: the reasons, by parameter.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "additionalProperties": {"type": "array", "items": {"type": "string"}},
                        }
                    }
                },
            }
        if "{" in self.path:
            extra["404"] = self._get_response_for_code(DETAIL, "404")
        for code, body in extra.items():
            responses.setdefault(code, body)
        return responses

    def _query_parameters(self) -> bool:
        return any(p.get("in") == "query" for p in self._get_parameters())
