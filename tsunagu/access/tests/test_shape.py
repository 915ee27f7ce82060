"""The shape of the access rules, read from the source (docs/decisions/0008):

- every access question is answered in ``tsunagu/access/policy/``: no view queries a
  record about a person itself, and ``user.agency_ids()`` (every membership, 管理者 and 監査
  included) decides nothing outside the policy;
- the policy imports the domain models at the top, the models never import the policy,
  and no module imports another domain inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the tsunagu package
POLICY = ROOT / "access" / "policy"

# Records that hold or reveal a person's data: only the policy filters or fetches them.
# (Rows read only through one of these, like a consent's scopes, follow their parent.)
SENSITIVE = {
    "Person",
    "Household",
    "HouseholdMembership",
    "PersonMerge",
    "NotSamePerson",
    "Involvement",
    "Consultation",
    "ProgressNote",
    "Referral",
    "RecipientTask",
    "CoordinationRequest",
    "Case",
    "CaseMember",
    "CaseNote",
    "Consent",
    "Assessment",
    "SupportPlan",
    "Assignment",
    "Monitoring",
    "Closure",
    "Reminder",
    "MeetingSession",
    "AgendaItem",
    "Decision",
    "Attendance",
}
# Where user.agency_ids() may be called: its definition and the audit log, which files an
# event under the acting user's agency (attribution, not access).
AGENCY_IDS_ALLOWED = {ROOT / "accounts" / "models.py", ROOT / "access" / "audit.py"}


def _sources(pattern: str) -> list[Path]:
    return sorted(p for p in ROOT.glob(pattern) if "migrations" not in p.parts)


def _code() -> list[Path]:
    return [p for p in _sources("**/*.py") if "tests" not in p.parts]


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT.parent)}:{getattr(node, 'lineno', '?')}"


def _sensitive_queries(tree: ast.Module) -> list[ast.AST]:
    """``Model.objects…`` and ``get_object_or_404(Model…)`` for a sensitive model."""
    found: list[ast.AST] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("objects", "_default_manager", "_base_manager")
            and isinstance(node.value, ast.Name)
            and node.value.id in SENSITIVE
        ):
            found.append(node)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("get_object_or_404", "get_list_or_404")
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in SENSITIVE
        ):
            found.append(node)
    return found


VIEWS = _sources("*/views.py") + _sources("*/views/*.py")


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: str(p.relative_to(ROOT)))
def test_views_never_query_a_persons_records_themselves(path):
    found = [_where(path, n) for n in _sensitive_queries(_parse(path))]
    assert not found, (
        "A view queries a record about a person itself; ask tsunagu/access/policy instead "
        f"(visible_<things>(user) / get_<thing>_or_404(user, pk)): {found}"
    )


def test_the_view_walk_sees_a_query_when_there_is_one():
    tree = ast.parse(
        "def v(request, pk):\n"
        "    a = Case.objects.filter(pk=pk)\n"
        "    b = get_object_or_404(Consultation, pk=pk)\n"
    )
    assert len(_sensitive_queries(tree)) == 2
    assert VIEWS, "no views found: the walk would prove nothing"


def _agency_ids_calls(tree: ast.Module) -> list[ast.AST]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("agency_ids", "content_agency_ids")
    ]


def test_agency_ids_decides_nothing_outside_the_policy():
    """``user.agency_ids()`` counts 管理者 and 監査 memberships, which grant no content: lists
    and actions use the policy's content rule (``policy.casework_agency_ids``) instead, and
    ask the policy for it rather than reading ``user.content_agency_ids()`` themselves."""
    found = [
        _where(path, node)
        for path in _code()
        if POLICY not in path.parents and path not in AGENCY_IDS_ALLOWED
        for node in _agency_ids_calls(_parse(path))
    ]
    assert not found, f"user.agency_ids() outside the policy: {found}"


def _domain_imports_in_functions(tree: ast.Module) -> list[ast.AST]:
    found = []
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if fn.name == "ready":  # AppConfig.ready: Django's place for start-up imports
            continue
        for node in ast.walk(fn):
            modules = []
            if isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            # tsunagu.lib holds small helpers (a PDF renderer loaded only when used).
            if any(m.startswith("tsunagu.") and not m.startswith("tsunagu.lib") for m in modules):
                found.append(node)
    return found


def test_no_domain_import_inside_a_function():
    found = [
        _where(path, node)
        for path in _code()
        for node in _domain_imports_in_functions(_parse(path))
    ]
    assert not found, f"imports inside functions (import at the top instead): {found}"


def test_models_never_import_the_policy():
    """The policy sits above the models it reads; a model importing it would be a cycle."""
    found = []
    for path in _sources("*/models.py") + _sources("*/models/*.py"):
        for node in ast.walk(_parse(path)):
            if isinstance(node, ast.ImportFrom) and (
                (node.module or "").startswith("tsunagu.access.policy")
                or (node.module == "tsunagu.access" and any(a.name == "policy" for a in node.names))
            ):
                found.append(_where(path, node))
    assert not found, f"a model module imports the access policy: {found}"


def test_one_import_reaches_every_public_rule():
    """``from tsunagu.access import policy`` re-exports each domain module's public names."""
    from tsunagu.access import policy

    for module in sorted(POLICY.glob("*.py")):
        if module.name == "__init__.py":
            continue
        tree = _parse(module)
        public = [
            node.name
            for node in tree.body
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
        ]
        missing = [name for name in public if not hasattr(policy, name)]
        assert not missing, f"{module.name}: not re-exported from policy/__init__.py: {missing}"
