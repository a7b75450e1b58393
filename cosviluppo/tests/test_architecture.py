"""Guards of the one permission pattern and of the import direction (README, "Who may do what").

- Templates never compare a status or a role with a string: the view passes what the page may
  offer (`actions.can_…`) or the model answers a state question (`call.results_are_published`).
- A `can_<action>_<entity>` check is defined only in an app's `permissions.py`.
- No import circle among the project's modules at import time (imports inside functions are
  allowed: they run later, and a few break a circle on purpose), and no app imports another
  app's views or another module's private (`_name`) names.
- Views never query models (`Model.objects…`): they ask the app's selectors (README, "Architecture").
- URL names are hyphenated (`projects:proposal-submit`), never snake_case.
"""

import ast
import re
from pathlib import Path

from django.apps import apps
from django.db import models

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "node_modules", "migrations", "static", "locale", ".git", "__pycache__"}

# Attribute names that hold a status or a role, whatever the literal compared with them.
STATE_ATTRIBUTES = re.compile(
    r"(?:^|\.|_)(status|role|role_here|municipal_role|verification_status|response|outcome|decision|kind)$"
)
IF_TAG = re.compile(r"{%-?\s*(?:if|elif)\b(.*?)-?%}", re.S)
COMPARISON = re.compile(
    r"""(?P<left>[\w.]+)\s*(?:==|!=|\bnot\s+in\b|\bin\b)\s*(?P<quote>["'])(?P<literal>[^"']*)(?P=quote)"""
    r"""|(?P<quote2>["'])(?P<literal2>[^"']*)(?P=quote2)\s*(?:==|!=)\s*(?P<right>[\w.]+)"""
)


def project_files(pattern: str) -> list[Path]:
    found = []
    for path in ROOT.rglob(pattern):
        if SKIPPED_DIRS & set(path.relative_to(ROOT).parts):
            continue
        found.append(path)
    return sorted(found)


def role_values() -> set[str]:
    """Every value of the models' role choices (a role compared under any name is still a role)."""
    values: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            choices = getattr(field, "choices", None)
            if choices and isinstance(field, models.CharField) and "role" in field.name:
                values.update(str(value) for value, _label in field.flatchoices)
    return values


PROJECT_APPS = {"accounts", "associations", "calls", "projects", "evaluation", "funding", "reports", "outbox"}


def template_comparisons() -> list[str]:
    """`path:line: expression` of every comparison of a status or role with a string literal."""
    values = role_values()
    found = []
    for path in project_files("*.html"):
        parts = path.relative_to(ROOT).parts
        if "templates" not in parts:
            continue
        text = path.read_text(encoding="utf-8")
        for tag in IF_TAG.finditer(text):
            for comparison in COMPARISON.finditer(tag.group(1)):
                name = comparison.group("left") or comparison.group("right")
                literal = comparison.group("literal") if comparison.group("left") else comparison.group("literal2")
                if STATE_ATTRIBUTES.search(name) or literal in values:
                    line = text.count("\n", 0, tag.start()) + 1
                    found.append(f"{path.relative_to(ROOT)}:{line}: {comparison.group(0).strip()}")
    return found


def test_the_guard_finds_what_it_is_meant_to_find():
    tag = '{% if call.status == "evaluation" %}'
    assert [m.group("left") for m in COMPARISON.finditer(IF_TAG.search(tag).group(1))] == ["call.status"]
    assert STATE_ATTRIBUTES.search("partner.role") and STATE_ATTRIBUTES.search("organisation.verification_status")
    assert not STATE_ATTRIBUTES.search("active")
    assert {"legal_representative", "editor", "officer", "evaluator"} <= role_values()


def test_templates_do_not_compare_statuses_or_roles_with_strings():
    found = template_comparisons()
    message = "Templates compare a status or role with a string; pass actions.can_… instead:\n"
    assert not found, message + "\n".join(found)


def test_can_checks_are_defined_only_in_permissions_modules():
    misplaced = []
    for path in project_files("*.py"):
        if path.name == "permissions.py" or "tests" in path.relative_to(ROOT).parts:
            continue
        # Module-level functions: a model's state question (`Organisation.can_apply`) is a property.
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("can_"):
                misplaced.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.name}")
    assert not misplaced, "can_* checks belong in permissions.py:\n" + "\n".join(misplaced)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _top_level_imports(tree: ast.Module):
    """Import statements run when the module is imported: module level, and inside module-level
    if/try blocks, but not under `if TYPE_CHECKING:` nor inside functions or classes' methods."""

    def walk(statements):
        for node in statements:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                yield node
            elif isinstance(node, ast.If):
                if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
                    continue
                yield from walk(node.body)
                yield from walk(node.orelse)
            elif isinstance(node, ast.Try):
                yield from walk(node.body)
                for handler in node.handlers:
                    yield from walk(handler.body)
            elif isinstance(node, ast.ClassDef):
                yield from walk(node.body)

    yield from walk(tree.body)


def _every_import(tree: ast.Module):
    """Every import statement, also inside functions (they run later, but still tie the modules)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node


def import_graph(imports=_top_level_imports) -> dict[str, set[str]]:
    sources = {
        _module_name(path): path
        for path in project_files("*.py")
        if path.relative_to(ROOT).parts[0] in PROJECT_APPS | {"cosviluppo"}
    }
    graph: dict[str, set[str]] = {}
    for module, path in sources.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        edges = graph.setdefault(module, set())
        for node in imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in sources else base for alias in node.names
                ]
            edges.update(target for target in targets if target in sources and target != module)
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_import_cycles_are_found():
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circles_between_modules():
    assert import_cycles(import_graph()) == []


def test_imports_inside_functions_close_no_circle_but_a_service_enqueuing_its_task():
    """A service enqueues its app's Celery task and the task calls the service: that circle is by
    design, closed inside a function. Any other (a permission asking a selector that asks the
    permission, an app reaching back into the one above it) is a layering mistake."""
    for cycle in import_cycles(import_graph(_every_import)):
        apps_in_cycle = {module.split(".")[0] for module in cycle}
        kinds = {module.rsplit(".", 1)[-1] for module in cycle}
        assert len(apps_in_cycle) == 1 and kinds <= {"services", "tasks"}, f"Import circle: {cycle}"


def test_no_app_reaches_into_another_apps_views_or_private_names():
    reaching = []
    for path in project_files("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] not in PROJECT_APPS or "tests" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                continue
            app = node.module.split(".")[0]
            if app == parts[0] or app not in PROJECT_APPS | {"cosviluppo"}:
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            # cosviluppo.lib is the shared library: its views module holds the base classes every app uses.
            shared = node.module.startswith("cosviluppo.lib.")
            if not shared and (".views" in f".{node.module}." or any(alias.name == "views" for alias in node.names)):
                reaching.append(f"{where}: {node.module} (views)")
            reaching.extend(
                f"{where}: {node.module}.{alias.name}" for alias in node.names if alias.name.startswith("_")
            )
    assert not reaching, "Imports of another app's views or private names:\n" + "\n".join(reaching)


# --- One public service per state change -------------------------------------------------------------

# Names of the old second tier (or of any unchecked path): never part of a services package's public names.
UNCHECKED_NAME = re.compile(r"_checked$|unchecked|_unsafe$|_raw$")


def _status_assignments(source: str) -> list[int]:
    """Lines assigning `<something>.status = …` (not `self.status`: a model's own method)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        else:
            continue
        for target in targets:
            for sub in ast.walk(target):
                if (
                    isinstance(sub, ast.Attribute)
                    and sub.attr == "status"
                    and not (isinstance(sub.value, ast.Name) and sub.value.id == "self")
                ):
                    lines.append(node.lineno)
    return lines


def test_the_status_guard_finds_what_it_is_meant_to_find():
    assert _status_assignments("proposal.status = 'funded'\nplan.proposal.status, x = 'a', 1\n") == [1, 2]
    assert _status_assignments("self.status = 'draft'\nstatus = 'x'\nProposal.objects.update(status='x')") == []


def test_statuses_are_written_only_by_services():
    """Outside a services module a status is never set on an instance: it moves through the entity's
    transition service, which locks the row and writes the audit record. (Tests set up their data
    as they need and are not concerned.)"""
    writing = []
    for path in project_files("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] not in PROJECT_APPS | {"cosviluppo"} or "tests" in parts:
            continue
        if "services" in parts or path.stem == "services":
            continue
        writing.extend(
            f"{path.relative_to(ROOT)}:{line}" for line in _status_assignments(path.read_text(encoding="utf-8"))
        )
    assert not writing, "Status set outside a services module:\n" + "\n".join(writing)


def test_services_packages_export_no_unchecked_tier():
    import funding.services
    import projects.services

    for package in (projects.services, funding.services):
        public = set(getattr(package, "__all__", ())) | {name for name in vars(package) if not name.startswith("_")}
        assert not {name for name in public if UNCHECKED_NAME.search(name)}, package.__name__
    assert projects.services.proposal_submit.__module__ == "projects.services.submission"


# Views modules that may still query a model directly, each with the reason. Empty: every read
# goes through a selector; add an entry here only with a reason a selector cannot serve.
VIEWS_QUERY_ALLOWED: dict[str, str] = {}


def is_views_module(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    if "tests" in parts:
        return False
    return path.name == "views.py" or path.name.startswith("views_") or "views" in parts[:-1]


def model_queries(source: str) -> list[int]:
    """Lines where the code reaches a model's manager (`X.objects`, `X._default_manager`)."""
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and node.attr in {"objects", "_default_manager"}
    )


def test_the_views_guard_finds_model_queries():
    assert model_queries("def get(pk):\n    return Proposal.objects.filter(pk=pk).first()\n") == [2]
    assert model_queries("rows = model._default_manager.all()") == [1]
    assert model_queries("proposal = selectors.proposal_get_fresh(pk=pk)") == []
    assert is_views_module(ROOT / "projects" / "views" / "editing.py")
    assert is_views_module(ROOT / "funding" / "views.py")
    assert not is_views_module(ROOT / "funding" / "selectors.py")


def test_views_ask_selectors_instead_of_querying_models():
    found = []
    for path in project_files("*.py"):
        name = str(path.relative_to(ROOT))
        if not is_views_module(path) or name in VIEWS_QUERY_ALLOWED:
            continue
        found.extend(f"{name}:{line}" for line in model_queries(path.read_text(encoding="utf-8")))
    assert not found, "Views query models; move the query to the app's selectors.py:\n" + "\n".join(found)


def test_every_dashboard_section_provider_imports():
    """/dashboard/ skips a provider it cannot import (an app left out of an installation): a renamed
    module must not silently drop its sections."""
    from django.utils.module_loading import import_string

    from cosviluppo.views import SECTION_PROVIDERS

    for path in SECTION_PROVIDERS:
        assert callable(import_string(path)), path


URL_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _our_url_names(resolver=None, namespace: str = "") -> list[str]:
    from django.urls import URLPattern, URLResolver, get_resolver

    names = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            # Our apps' namespaces only: allauth, i18n and the admin name their own URLs.
            if entry.namespace in PROJECT_APPS or (entry.namespace is None and entry.app_name is None):
                names.extend(_our_url_names(entry, f"{entry.namespace}:" if entry.namespace else namespace))
        elif (
            isinstance(entry, URLPattern)
            and entry.name
            and (namespace or entry.callback.__module__.startswith("cosviluppo"))
        ):
            names.append(f"{namespace}{entry.name}")
    return names


def test_url_names_are_hyphenated():
    """One grammar (README, "Architecture"): `<app>:<entity>-<action>`, never snake_case."""
    names = _our_url_names()
    assert "projects:proposal-submit" in names and "reports:run-detail" in names and "dashboard" in names
    wrong = [name for name in names if not URL_NAME.match(name.split(":")[-1])]
    assert not wrong, "URL names must be hyphenated (a-z, 0-9, -):\n" + "\n".join(wrong)
