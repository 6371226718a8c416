"""Checks a JSON payload against a definition of an official SP-API model (Swagger 2.0).

The sandbox's responses, and the requests clients send it, are tested against the models in
``shared/reference/spapi/models`` (amzn/selling-partner-api-models). This walker covers what
those models use for response bodies: ``$ref`` to ``#/definitions/…``, ``type``, ``required``,
``enum``, ``properties``, ``items``, ``minItems``/``maxItems`` and ``minimum``/``maximum``.
Unknown keywords (``x-docgen-…``, ``description``, ``format``) are ignored. No dependency.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

__all__ = ["ModelContract"]

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


class ModelContract:
    """The definitions of one model file."""

    def __init__(self, definitions: Mapping[str, Any]) -> None:
        self.definitions = definitions

    @classmethod
    def load(cls, path: Path) -> ModelContract:
        return cls(json.loads(path.read_text(encoding="utf-8"))["definitions"])

    def errors(self, definition: str, payload: Any) -> list[str]:
        """Every violation of ``definition`` by ``payload``, as ``path: problem`` lines."""
        return list(self._walk({"$ref": f"#/definitions/{definition}"}, payload, "$"))

    def _resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        while "$ref" in schema:
            schema = self.definitions[str(schema["$ref"]).rsplit("/", 1)[-1]]
        return schema

    def _walk(self, schema: Mapping[str, Any], value: Any, path: str) -> Iterator[str]:
        schema = self._resolve(schema)
        kind = schema.get("type")
        if isinstance(kind, str) and kind in _TYPES:
            wrong_bool = isinstance(value, bool) and kind in ("integer", "number")
            if not isinstance(value, _TYPES[kind]) or wrong_bool:
                yield f"{path}: expected {kind}, got {type(value).__name__}"
                return
        if "enum" in schema and value not in schema["enum"]:
            yield f"{path}: {value!r} is not one of {schema['enum']}"
        yield from self._bounds(schema, value, path)
        if isinstance(value, dict):
            yield from self._object(schema, value, path)
        elif isinstance(value, list) and "items" in schema:
            for index, item in enumerate(value):
                yield from self._walk(schema["items"], item, f"{path}[{index}]")

    @staticmethod
    def _bounds(schema: Mapping[str, Any], value: Any, path: str) -> Iterator[str]:
        if isinstance(value, list):
            if len(value) < schema.get("minItems", 0):
                yield f"{path}: fewer than {schema['minItems']} items"
            if "maxItems" in schema and len(value) > schema["maxItems"]:
                yield f"{path}: more than {schema['maxItems']} items"
        if isinstance(value, int | float) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                yield f"{path}: {value} is below {schema['minimum']}"
            if "maximum" in schema and value > schema["maximum"]:
                yield f"{path}: {value} is above {schema['maximum']}"

    def _object(self, schema: Mapping[str, Any], value: dict[str, Any], path: str) -> Iterator[str]:
        for name in schema.get("required", ()):
            if name not in value:
                yield f"{path}: missing required property {name!r}"
        properties = schema.get("properties", {})
        for name, item in value.items():
            if name in properties:
                yield from self._walk(properties[name], item, f"{path}.{name}")
