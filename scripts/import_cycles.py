"""Fail on any import cycle between the project's modules (`make lint`).

import-linter's contracts (pyproject.toml) check who may import whom; this checks that no
module reaches itself again through its imports, counting imports inside functions too, so
a cycle cannot hide behind a late import. Prints each cycle found (shortest chain) and exits 1.

It also fails when a service package under services/ (services.notify, say) is not named in
the independence contract: import-linter refuses a module that does not exist yet, so the
contract lists the services there are, and this keeps the list complete.

    python scripts/import_cycles.py [package ...]     (default: shared services)
"""
from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
NOT_SERVICES = {"demo"}  # services/demo loads demo data into every service: it may import them all


def unlisted_services() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    listed = {m for c in config["contracts"] if c["type"] == "independence" for m in c["modules"]}
    found = {f"services.{p.parent.name}" for p in (ROOT / "services").glob("*/__init__.py")
             if p.parent.name not in NOT_SERVICES}
    return sorted(found - listed)


def strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """Tarjan's algorithm over the module graph, iteratively: the groups of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return groups


def main(packages: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*packages, cache_dir=None)
    groups = strongly_connected(graph)
    for group in groups:
        first, second = group[0], group[1]
        there = graph.find_shortest_chain(importer=first, imported=second) or (first, second)
        back = graph.find_shortest_chain(importer=second, imported=first) or (second, first)
        print(f"import cycle among {len(group)} modules: " + " -> ".join(list(there) + list(back[1:])))
        for module in group:
            print(f"    {module}")
    missing = unlisted_services()
    for name in missing:
        print(f"{name} is a service: name it in the independence contract in pyproject.toml")
    if groups or missing:
        print(f"{len(groups)} import cycle(s) found")
        return 1
    print(f"no import cycles in {', '.join(packages)} ({len(graph.modules)} modules)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["shared", "services"]))
