"""How the code is tied together: the counts the structure of the project is held to.

    python bench/structure.py            # the source tree of this checkout
    python bench/structure.py --quick    # the same (it reads files only; a second or two)
    python bench/structure.py --src DIR  # another checkout's src/vitrina, to compare

It reads the source only (nothing is imported or run) and prints:

* network_literals — lines outside ``channels/providers/``, ``sandbox/``, migrations and demo
  data that name a network as ``Network.VK`` (OK, TELEGRAM, MAX) or as a quoted ``"vk"``,
  ``"ok"``, ``"telegram"``, ``"max"`` (a plain text search, so it also counts a format key
  ``"max"`` or a status ``"ok"``), and network_files, the files they are in;
* network_decisions — of those, the places where code decides by a network's name (a
  comparison, a membership test, a filter value, a dictionary keyed by networks), found by
  walking the syntax tree; the file defining the choices is not counted;
* app_cycles — pairs of apps that import each other (any import, inline ones included);
* modules_over_600 and over_600_without_reason — Python modules of more than 600 lines, and
  those whose docstring does not say why they are that long;
* view_orm — lines of views (``views.py``, ``views/``, ``*_views.py``, ``webhooks.py``) that
  query or write models directly (``.objects.``, ``.save(``, ``.delete()``,
  ``.refresh_from_db``, ``.update(`` on something else than a dictionary);
* inline_imports and inline_without_reason — imports inside functions, and those with no
  comment on their line or the line above.
"""

import argparse
import ast
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NETWORK_LINE = re.compile(r"Network\.(VK|OK|TELEGRAM|MAX)\b|[\"'](vk|ok|telegram|max)[\"']")
EXCLUDED = ("channels/providers/", "sandbox/", "demo/")
VIEW_ORM = re.compile(r"\.objects\.|\.save\(|\.delete\(\)|\.refresh_from_db|[A-Za-z_]\.update\(")


def modules(src: Path):
    for path in sorted(src.rglob("*.py")):
        relative = path.relative_to(src).as_posix()
        if "/migrations/" in relative:
            continue
        yield relative, path.read_text()


def is_demo_data(relative: str) -> bool:
    return relative.startswith(EXCLUDED) or relative.endswith("/demo.py")


def network_counts(src: Path) -> tuple[int, int, int]:
    lines, files = 0, set()
    sys.path.insert(0, str(ROOT))
    from tests.channels.test_no_network_names import decisions  # the walk the tests use

    decided = 0
    for relative, text in modules(src):
        if is_demo_data(relative):
            continue
        found = sum(1 for line in text.split("\n") if NETWORK_LINE.search(line))
        if found:
            lines += found
            files.add(relative)
        if relative != "channels/networks.py":
            decided += len(list(decisions(ast.parse(text))))
    return lines, len(files), decided


def app_of(relative: str) -> str:
    return relative.split("/")[0] if "/" in relative else "_root"


def app_cycles(src: Path) -> list[tuple[str, str]]:
    edges = defaultdict(set)
    for relative, text in modules(src):
        app = app_of(relative)
        for node in ast.walk(ast.parse(text)):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            for name in names:
                parts = name.split(".")
                if parts[0] == "vitrina" and len(parts) > 1 and parts[1] != app:
                    edges[app].add(parts[1])
    return sorted({tuple(sorted((a, b))) for a in edges for b in edges[a] if a in edges.get(b, ())})


def long_modules(src: Path) -> tuple[int, list[str]]:
    over, without = 0, []
    for relative, text in modules(src):
        count = text.count("\n") + 1
        if count <= 600:
            continue
        over += 1
        doc = ast.get_docstring(ast.parse(text)) or ""
        if "lines" not in doc:
            without.append(f"{relative} ({count})")
    return over, without


def is_view(relative: str) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return (
        name == "views.py"
        or "/views/" in relative
        or name.endswith("_views.py")
        or name == "webhooks.py"
    ) and name != "__init__.py"


def view_orm(src: Path) -> list[str]:
    found = []
    for relative, text in modules(src):
        if not is_view(relative):
            continue
        for number, line in enumerate(text.split("\n"), 1):
            # A QueryDict copy updated with the period is not the ORM.
            if VIEW_ORM.search(line) and not re.search(r"\bquery\.update\(", line):
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def _explained(lines: list[str], number: int) -> bool:
    """A comment on the import's line, or above the run of imports it belongs to."""
    if "#" in lines[number - 1]:
        return True
    index = number - 2
    while index >= 0 and re.match(r"\s*(from |import |\)|[\w, ]+,?$)", lines[index]):
        if "#" in lines[index]:
            return True
        index -= 1
    return index >= 0 and lines[index].strip().startswith("#")


def inline_imports(src: Path) -> tuple[int, list[str]]:
    seen, without = set(), []
    for relative, text in modules(src):
        lines = text.split("\n")
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                if not isinstance(inner, ast.Import | ast.ImportFrom):
                    continue
                key = (relative, inner.lineno)
                if key in seen:
                    continue
                seen.add(key)
                if not _explained(lines, inner.lineno):
                    line = lines[inner.lineno - 1].strip()
                    without.append(f"{relative}:{inner.lineno}: {line}")
    return len(seen), without


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the same work (it is quick)")
    parser.add_argument("--src", type=Path, default=ROOT / "src" / "vitrina")
    parser.add_argument("--verbose", action="store_true", help="list every place counted")
    args = parser.parse_args()
    src = args.src

    literals, files, decided = network_counts(src)
    cycles = app_cycles(src)
    over, without_reason = long_modules(src)
    orm = view_orm(src)
    inline, inline_without = inline_imports(src)

    print(f"network names: {literals} lines in {files} files, {decided} decisions by name")
    print(f"apps importing each other: {', '.join('↔'.join(c) for c in cycles) or 'none'}")
    print(f"modules over 600 lines: {over}, without a reason: {without_reason or 'none'}")
    print(f"view-level ORM: {len(orm)}")
    print(f"inline imports: {inline}, without a reason: {len(inline_without)}")
    if args.verbose:
        for line in orm + inline_without:
            print("  " + line)
    print(
        "structure: "
        f"network_literals={literals} network_files={files} network_decisions={decided} "
        f"app_cycles={len(cycles)} modules_over_600={over} "
        f"over_600_without_reason={len(without_reason)} view_orm={len(orm)} "
        f"inline_imports={inline} inline_without_reason={len(inline_without)}"
    )


if __name__ == "__main__":
    main()
