#!/usr/bin/env python3
"""Checks the dependency rule of docs/architecture.md on the sources and on the link graph.

  scripts/check_deps.py <cmake graphviz .dot file>

1. Includes: a file under src/<folder> may include only headers of its own target and of the
   targets the rule lets it depend on (directly or through them).
2. Links: every link between dialtrack_ targets is one the rule allows, and the targets that must
   stay free of a database, TLS or HTTP library do not reach one, even transitively.
Exits 1 and names every violation.
"""
import pathlib
import re
import sys

# Target -> the targets it may link directly. cli (the wiring) may link anything.
RULE = {
    "domain": [],
    "store_api": ["domain"],
    "storage_common": ["store_api"],
    "storage_sqlite": ["storage_common", "store_api"],
    "storage_postgres": ["storage_common", "store_api"],
    "storage": ["store_api", "storage_sqlite", "storage_postgres"],
    "net": [],
    "dialer_api": ["domain"],
    "dialer_alibaba": ["dialer_api", "net"],
    "app": ["domain", "store_api", "dialer_api"],
    "config": ["domain"],
    "metrics": [],
    "csv": [],
    "sim": ["domain"],
    "web": [],
    "export": ["app", "csv"],
    "http": ["app", "export", "config", "metrics", "csv", "web"],
    "notify": ["app", "metrics", "net"],
    "cli": None,
}
# Include prefix -> target, longest prefix first.
PREFIXES = [
    ("storage/common/", "storage_common"), ("storage/sqlite/", "storage_sqlite"),
    ("storage/postgres/", "storage_postgres"), ("storage/", "storage"),
    ("dialers/alibaba/", "dialer_alibaba"), ("dialers/", "dialer_api"),
    ("store_api/", "store_api"), ("domain/", "domain"), ("net/", "net"), ("app/", "app"),
    ("config/", "config"), ("metrics/", "metrics"), ("csv/", "csv"), ("sim/", "sim"),
    ("web/", "web"), ("export/", "export"), ("http/", "http"), ("notify/", "notify"),
    ("cli/", "cli"),
]
# Libraries a target must not reach, even through others.
FORBIDDEN = {
    "domain": ["SQLite", "PostgreSQL", "OpenSSL", "dialtrack_"],
    "store_api": ["SQLite", "PostgreSQL", "OpenSSL"],
    "app": ["SQLite", "PostgreSQL", "OpenSSL", "dialtrack_storage", "dialtrack_net",
            "dialtrack_http", "dialtrack_dialer_alibaba"],
    "export": ["SQLite", "PostgreSQL", "dialtrack_storage", "dialtrack_http"],
    "http": ["SQLite", "PostgreSQL", "dialtrack_storage", "dialtrack_dialer_alibaba"],
    "notify": ["SQLite", "PostgreSQL", "dialtrack_storage", "dialtrack_http"],
}


def closure(target):
    seen, todo = set(), list(RULE.get(target) or [])
    while todo:
        t = todo.pop()
        if t not in seen:
            seen.add(t)
            todo.extend(RULE.get(t) or [])
    return seen


def target_of_path(path: pathlib.Path, src: pathlib.Path):
    rel = path.relative_to(src).as_posix() + "/"
    for prefix, target in PREFIXES:
        if rel.startswith(prefix) and "/" not in rel[len(prefix):].rstrip("/").replace(
                "routes/", ""):
            return target
    return None


def check_includes(src: pathlib.Path):
    errors = []
    include = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
    for path in sorted(src.rglob("*")):
        if path.suffix not in (".hpp", ".cpp"):
            continue
        owner = target_of_path(path.parent, src)
        if owner is None:
            errors.append(f"{path}: folder belongs to no target of the rule")
            continue
        allowed = None if RULE[owner] is None else closure(owner) | {owner}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = include.match(line)
            if not m:
                continue
            name = m.group(1)
            if ".." in name.split("/"):
                errors.append(f"{path}:{number}: relative include {name!r}")
                continue
            target = next((t for p, t in PREFIXES if name.startswith(p)), None)
            if target is None or allowed is None or target in allowed:
                continue
            errors.append(f"{path}:{number}: {owner} includes {name} of {target}, "
                          f"which the rule does not allow ({owner} may use: "
                          f"{', '.join(sorted(allowed - {owner})) or 'nothing'})")
    return errors


def read_graph(dot: pathlib.Path):
    labels, edges = {}, []
    for line in dot.read_text(encoding="utf-8").splitlines():
        m = re.match(r'\s*"(node\d+)" \[ label = "([^"]+)"', line)
        if m:
            labels[m.group(1)] = m.group(2)
        m = re.match(r'\s*"(node\d+)" -> "(node\d+)"', line)
        if m:
            edges.append((m.group(1), m.group(2)))
    graph = {}
    for a, b in edges:
        graph.setdefault(labels[a], set()).add(labels[b])
    return graph


def check_links(graph):
    errors = []
    short = lambda name: name[len("dialtrack_"):] if name.startswith("dialtrack_") else None
    for node, deps in graph.items():
        owner = short(node)
        if owner not in RULE or RULE[owner] is None:
            continue
        for dep in deps:
            d = short(dep)
            if d in RULE and d not in RULE[owner]:
                errors.append(f"link: {node} -> {dep} is not allowed by the rule")
    for owner, forbidden in FORBIDDEN.items():
        seen, todo = set(), list(graph.get("dialtrack_" + owner, ()))
        while todo:
            t = todo.pop()
            if t in seen:
                continue
            seen.add(t)
            todo.extend(graph.get(t, ()))
        for t in sorted(seen):
            if any(t.startswith(f) for f in forbidden):
                errors.append(f"link: dialtrack_{owner} reaches {t}")
    missing = [t for t in RULE if "dialtrack_" + t not in graph and RULE[t]]
    for t in missing:
        errors.append(f"link: target dialtrack_{t} not found in the graph")
    return errors


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = pathlib.Path(__file__).resolve().parent.parent
    errors = check_includes(root / "src") + check_links(read_graph(pathlib.Path(sys.argv[1])))
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print(f"check_deps: {len(errors)} violation(s) of the dependency rule "
              "(docs/architecture.md)", file=sys.stderr)
        return 1
    print("check_deps: includes and links follow the dependency rule")
    return 0


if __name__ == "__main__":
    sys.exit(main())
