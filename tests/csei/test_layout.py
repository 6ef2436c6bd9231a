"""The project's shape: apps depend on one another in one direction, from the foundations
up, and no module grows too big for one concern (README, Layout)."""

import ast
from collections import defaultdict
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# From the foundations up: a package imports only those below it.
FLOORS = ["core", "themes", "clusters", "cases", "alerts", "network", "csei"]
# Imports that run from a lower floor to a higher one, each with the reason the README
# gives. At most two.
UPWARD = {}
NOT_PROJECT_CODE = {"tests", "bench", ".venv", "var", "node_modules", "static", "templates"}
LONGEST_MODULE = 500


def project_packages():
    return sorted(
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in NOT_PROJECT_CODE
    )


def modules(package):
    return [path for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts]


def arrows():
    """{(importing package, imported package): [module that imports]} across packages, the
    imports inside functions included."""
    found = defaultdict(list)
    for package in FLOORS:
        for path in modules(package):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    target = name.split(".")[0]
                    if target in FLOORS and target != package:
                        found[package, target].append(str(path.relative_to(ROOT)))
    return found


def test_every_package_of_the_project_has_its_floor():
    assert set(project_packages()) == set(FLOORS)


def test_imports_run_down_the_floors():
    upward = {(low, high) for low, high in arrows() if FLOORS.index(low) < FLOORS.index(high)}
    assert upward == set(UPWARD)
    assert len(UPWARD) <= 2


def test_no_two_packages_import_each_other():
    found = arrows()
    assert [pair for pair in found if pair[::-1] in found] == []


def class_length(path, name):
    tree = ast.parse((ROOT / path).read_text())
    [node] = [node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == name]
    return node.end_lineno - node.lineno + 1


def test_the_cluster_model_and_its_admin_stay_small():
    assert class_length("clusters/models/clusters.py", "Cluster") < 400
    assert class_length("clusters/admin/clusters.py", "ClusterAdmin") <= 250


def test_no_module_is_longer_than_one_concern_needs():
    long = {
        str(path.relative_to(ROOT)): length
        for package in FLOORS
        for path in modules(package)
        if (length := len(path.read_text().splitlines())) > LONGEST_MODULE
    }
    assert long == {}
