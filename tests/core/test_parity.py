"""Page/API parity: every page that writes has an API route taking the same typed input
(core.operations), or is declared page-only with its reason.

The pages that write are found from their code, not from a list: a view whose source (or a
helper of its module that it calls) reads the POST. So a new page that writes fails here
until it is declared, with its API route and input, in its app's `operations.py`.
"""

import ast
import importlib
import inspect
import textwrap

import pytest
from django import forms as django_forms
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from pydantic import AfterValidator

from maillage.api import api
from maillage.core import operations

# Every app of Maillage with pages (its URL namespace is its label).
APPS = tuple(
    config.label
    for config in apps.get_app_configs()
    if config.name.startswith("maillage.") and config.label not in ("demo",)
)
WRITES = ("request.POST", "require_POST", '"POST"', "posted(", "posted_version(")


def _patterns(resolver, namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}", entry.callback


def _source(function) -> str:
    return textwrap.dedent(inspect.getsource(inspect.unwrap(function)))


def _writes(view, seen=None) -> bool:
    """Whether the view (or a private helper of its module it calls) handles a POST."""
    seen = seen if seen is not None else set()
    function = inspect.unwrap(view)
    if function in seen:
        return False
    seen.add(function)
    source = _source(view)
    if any(token in source for token in WRITES):
        return True
    module = inspect.getmodule(function)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            helper = getattr(module, node.func.id, None)
            private = node.func.id.startswith("_") and inspect.isfunction(helper)
            if private and _writes(helper, seen):
                return True
    return False


def _registry(app):
    try:
        return importlib.import_module(f"maillage.{app}.operations")
    except ModuleNotFoundError:
        return None  # an app without pages that write needs none (checked below)


def _pages():
    return {
        name: view
        for name, view in _patterns(get_resolver())
        if name.split(":")[0] in APPS and _writes(view)
    }


def _routers(routers):
    for entry in routers:
        router = entry[1]
        yield router
        yield from _routers(router._routers)


def _api_operations() -> dict:
    """Every API endpoint, by (app, function name)."""
    found = {}
    for router in _routers(api._routers):
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                function = inspect.unwrap(operation.view_func)
                found[(function.__module__.split(".")[1], function.__name__)] = function
    return found


def _payload(function):
    parameter = inspect.signature(function).parameters.get("payload")
    return parameter.annotation if parameter is not None else None


def _operations():
    return [(app, op) for app in APPS if _registry(app) for op in _registry(app).PAGE_OPERATIONS]


def test_every_page_that_writes_is_declared_with_its_api_route_or_a_reason():
    declared = {}
    for app in APPS:
        registry = _registry(app)
        if registry is None:
            continue
        declared.update({op.page: "api" for op in registry.PAGE_OPERATIONS})
        for page, reason in registry.PAGE_ONLY.items():
            assert reason.strip(), f"{page}: page-only without a reason"
            declared[page] = "page"
    pages = _pages()
    undeclared = sorted(set(pages) - set(declared))
    assert not undeclared, f"pages that write with no API route nor reason: {undeclared}"
    # And the registry names real pages that write (a renamed page is not silently kept).
    assert not sorted(set(declared) - set(pages))


@pytest.mark.parametrize(("app", "op"), _operations(), ids=lambda v: getattr(v, "page", v))
def test_the_api_route_takes_the_same_input_as_the_page(app, op):
    endpoint = _api_operations().get((app, op.api))
    assert endpoint is not None, f"{op.page}: no API route named {op.api}"
    assert _payload(endpoint) is op.input, f"{op.api} does not take {op.input}"


@pytest.mark.parametrize(("app", "op"), _operations(), ids=lambda v: getattr(v, "page", v))
def test_the_page_fills_the_same_input_field_by_field(app, op):
    view = dict(_patterns(get_resolver()))[op.page]
    module = importlib.import_module(f"maillage.{app}.forms")
    forms = [
        f
        for f in vars(module).values()
        if inspect.isclass(f) and getattr(f, "input", None) is op.input and op.input
    ]
    if op.input is None:
        return  # a button: its record is in its address, on both sides
    if not forms:
        # A button without a form: the view reads the same input from its POST.
        source = _source(view)
        assert f"posted(request, inputs.{op.input.__name__})" in source or (
            set(op.input.model_fields) == {"version"} and "posted_version(request)" in source
        ), f"{op.page} neither has a form for {op.input.__name__} nor reads it with posted()"
        return
    for form in forms:
        form_only, input_only = _gap(form, op)
        assert not (form_only or input_only), (
            f"{form.__name__} and {op.input.__name__} differ: "
            f"form only {form_only}, input only {input_only}"
        )
        assert set(form.composes) <= set(op.input.model_fields)
        assert not _checks_apart(form, op.input), _checks_apart(form, op.input)


def _max_length(field_info):
    return next((m.max_length for m in field_info.metadata if hasattr(m, "max_length")), None)


def _checks_apart(form, schema) -> list[str]:
    """Where the page and the API check a field differently: an e-mail address checked on
    one side only, or a length limit that differs (a field the form transforms in its own
    clean_<name>, such as a commune typed as a name and handed over as a code, aside)."""
    problems = []
    for name, form_field in form.base_fields.items():
        info = schema.model_fields.get(name)
        if info is None or hasattr(form, f"clean_{name}"):
            continue
        checks_email = any(
            isinstance(m, AfterValidator) and m.func is operations._email for m in info.metadata
        )
        if isinstance(form_field, django_forms.EmailField) != checks_email:
            problems.append(f"{form.__name__}.{name}: e-mail checked on one side only")
        limited = isinstance(form_field, django_forms.CharField)
        if limited and form_field.max_length != _max_length(info):
            problems.append(
                f"{form.__name__}.{name}: at most {form_field.max_length} characters on the "
                f"page, {_max_length(info)} in the API"
            )
    return problems


def _gap(form, op) -> tuple[list, list]:
    """The fields the form has and the input lacks, and the other way round."""
    given = set(form.base_fields) - set(form.ui_only) - set(form.files)
    expected = set(op.input.model_fields) - set(form.composes) - set(op.from_path)
    return sorted(given - expected), sorted(expected - given)


def test_a_field_on_one_side_only_fails_the_parity_check():
    """The check is not vacuous: a field added to the page and not to the API input (or the
    other way round) is caught."""
    from maillage.pathways import inputs
    from maillage.pathways.forms import PlanForm
    from maillage.pathways.operations import PAGE_OPERATIONS

    op = next(o for o in PAGE_OPERATIONS if o.input is inputs.PlanIn)

    class Wider(PlanForm):
        colour = django_forms.CharField()

    class Narrower(PlanForm):
        alert_procedure = None

    assert _gap(PlanForm, op) == ([], [])
    assert _gap(Wider, op) == (["colour"], [])
    assert _gap(Narrower, op) == ([], ["alert_procedure"])

    class Looser(PlanForm):
        problems = django_forms.CharField(max_length=9000)
        alert_procedure = django_forms.EmailField(max_length=4000)

    assert _checks_apart(PlanForm, inputs.PlanIn) == []
    assert _checks_apart(Looser, inputs.PlanIn) == [
        "Looser.problems: at most 9000 characters on the page, 6000 in the API",
        "Looser.alert_procedure: e-mail checked on one side only",
    ]
