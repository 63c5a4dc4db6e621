"""The OpenAPI document names each schema once: two different classes with one name (an
enum of urgencies in two apps, say) would leave only one in the document, and clients and
the API campaign would read the other's values."""

import enum
import importlib
import inspect

from django.apps import apps
from ninja import Schema

from maillage.api import api


def _classes_named(name):
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("maillage."):
            continue
        for room in ("enums", "inputs", "schemas"):
            try:
                module = importlib.import_module(f"{config.name}.{room}")
            except ModuleNotFoundError:
                continue
            cls = vars(module).get(name)
            ours = inspect.isclass(cls) and cls.__module__ == module.__name__
            if ours and issubclass(cls, Schema | enum.Enum):
                found.append(cls)
    return found


def _shape(cls):
    if issubclass(cls, enum.Enum):
        return sorted(str(m.value) for m in cls)
    return cls.model_json_schema()


def test_every_schema_of_the_document_has_one_meaning():
    components = api.get_openapi_schema(path_prefix="/api/v1/")["components"]["schemas"]
    clashes = {}
    for name in components:
        shapes = {repr(_shape(cls)) for cls in _classes_named(name)}
        if len(shapes) > 1:
            clashes[name] = [c.__module__ for c in _classes_named(name)]
    assert clashes == {}
