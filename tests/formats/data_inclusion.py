"""data·inclusion v1, checked by the official `data-inclusion-schema` package: its JSON Schema
(which the package generates and data·inclusion publishes) and its pydantic models (which also
hold the rules a JSON Schema cannot say, such as a date in the future)."""

from __future__ import annotations

import functools

import pydantic
from data_inclusion.schema.v1 import Service, Structure
from jsonschema import Draft202012Validator, FormatChecker

MODELS = {"structures": Structure, "services": Service}


@functools.cache
def _validator(kind: str) -> Draft202012Validator:
    schema = MODELS[kind].model_json_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def errors(document: dict) -> list[str]:
    """Every error of every row, "services n° 3 : date_maj — …"; empty when all is valid."""
    found = []
    for kind, model in MODELS.items():
        for index, row in enumerate(document.get(kind) or [], start=1):
            for error in _validator(kind).iter_errors(row):
                where = "/".join(str(p) for p in error.absolute_path) or "(ligne)"
                found.append(f"{kind} n° {index} : {where} — {error.message} [JSON Schema]")
            try:
                model.model_validate(row, context={"ignore_warnings": True})
            except pydantic.ValidationError as error:
                for item in error.errors():
                    where = ".".join(str(p) for p in item["loc"])
                    found.append(f"{kind} n° {index} : {where} — {item['msg']} [modèle]")
    return found


def valid_counts(document: dict) -> dict[str, tuple[int, int]]:
    """{"structures": (valid, total), "services": (valid, total)}."""
    counts = {}
    for kind in MODELS:
        rows = document.get(kind) or []
        valid = sum(not errors({kind: [row]}) for row in rows)
        counts[kind] = (valid, len(rows))
    return counts
