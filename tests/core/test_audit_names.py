"""Audit names are declared, not typed: each app's `enums.AuditAction` lists what the
trail records, with the words the person reads in « qui a consulté mon dossier »."""

import ast
import logging
import pathlib

import pytest

import maillage
from maillage.core import audit
from maillage.core.models import AuditEvent

SOURCE = pathlib.Path(maillage.__file__).parent
# The functions that take an audit name, and where: (position, keyword).
TAKES_A_NAME = {
    "record": (0, "action"),
    "deny": (0, "action"),
    "acting": (0, "action"),
    "Denied": (0, "action"),
    "Missing": (0, "action"),
    "found": (1, "action"),
    "require": (1, "action"),
    "_saved": (3, "action"),
    "portal_record_read": (None, "what"),
}


def _name_arguments():
    """Every argument given as an audit name in the code: (file, line, node)."""
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            function = node.func
            name = getattr(function, "attr", None) or getattr(function, "id", None)
            if name not in TAKES_A_NAME:
                continue
            position, keyword = TAKES_A_NAME[name]
            given = [k.value for k in node.keywords if k.arg == keyword]
            if position is not None and len(node.args) > position:
                given.append(node.args[position])
            for argument in given:
                yield path.relative_to(SOURCE), node.lineno, argument


def _literals(node):
    """The names a literal argument can be: a string, or either branch of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def test_every_audit_name_in_the_code_is_declared():
    declared = audit.declared()
    undeclared = [
        f"{path}:{line} {value}"
        for path, line, node in _name_arguments()
        for value in _literals(node)
        if value and value not in declared
    ]
    assert not undeclared, "audit names no AuditAction declares:\n" + "\n".join(undeclared)


def test_the_scan_finds_the_names_it_checks():
    """Not vacuous: the scan sees the calls that write the trail, by the hundred."""
    found = {v for _path, _line, node in _name_arguments() for v in _literals(node)}
    assert {"plan.save", "pathway.read", "orientation.send", "auth.login"} <= found
    assert len(found) > 80


def test_every_declared_name_is_used_somewhere():
    """A declaration with no call left is a name the trail can no longer hold: remove it."""
    code = "\n".join(p.read_text() for p in SOURCE.rglob("*.py") if "migrations" not in p.parts)

    def used(value):
        member = value.upper().replace(".", "_")
        outside = code.replace(f'{member} = "{value}", _(', "")
        return f'"{value}"' in outside or f"AuditAction.{member}" in outside

    unused = [value for value in audit.declared() if not used(value)]
    assert not unused, f"declared and never written: {unused}"


def test_every_name_has_words_for_the_person():
    for value, label in audit.declared().items():
        assert str(label).strip() and str(label) != value, value


def test_an_undeclared_name_is_refused_in_strict_mode(db, settings):
    settings.MAILLAGE_AUDIT_STRICT = True
    with pytest.raises(audit.UnknownAuditAction):
        audit.record("plan.sav")
    assert not AuditEvent.objects.filter(action="plan.sav").exists()


def test_in_production_an_undeclared_name_is_logged_and_the_row_kept(db, settings, caplog):
    settings.MAILLAGE_AUDIT_STRICT = False
    with caplog.at_level(logging.ERROR, logger="maillage.core.audit"):
        audit.record("plan.sav")
    assert AuditEvent.objects.filter(action="plan.sav").exists()
    assert "plan.sav" in caplog.text


def test_the_list_of_accesses_speaks_the_declared_words():
    assert audit.label_of("plan.read") == "a consulté le plan personnalisé"
    assert audit.label_of("meeting.schedule") == "a prévu une réunion de concertation"
