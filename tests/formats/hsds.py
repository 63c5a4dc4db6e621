"""HSDS 3.0, checked by the compiled JSON Schemas of openreferral/specification (kept in
hsds-schema/, see SOURCES.md there), with their format checks (uri, email, date…)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

SCHEMAS = Path(__file__).parent / "hsds-schema"


@functools.cache
def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def errors(item: dict, name: str = "organization") -> list[str]:
    """Every error of one object against the schema `name`, "path — message"."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(objet)'} — {error.message}"
        for error in validator(name).iter_errors(item)
    ]


def document_errors(document: list[dict]) -> list[str]:
    """An export: every organization, and every service it holds on its own (as a partner
    reading /services would receive it)."""
    found = []
    for index, organization in enumerate(document, start=1):
        found += [f"organisation n° {index} : {e}" for e in errors(organization)]
        for service in organization.get("services") or []:
            found += [f"service {service.get('id')} : {e}" for e in errors(service, "service")]
    return found
