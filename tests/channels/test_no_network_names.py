"""Outside the providers and the sandbox, code asks the registry what a network can do; it
never names a network to decide something. This walks the source and fails on a decision
made by a network's name: ``Network.VK``, or ``"vk"`` compared with, looked up in a
collection of, or passed as a filter value."""

import ast
from pathlib import Path

import vitrina

SOURCE = Path(vitrina.__file__).parent
NAMES = {"vk", "ok", "telegram", "max"}
MEMBERS = {"VK", "OK", "TELEGRAM", "MAX"}
# Where networks are named by design: the providers and emulators themselves, the file that
# defines the choices, migrations (frozen history) and the demo's data from the seeds (the
# demo package and every app's demo step).
ALLOWED = ("channels/providers/", "sandbox/", "channels/networks.py", "demo/")


def _allowed(path: Path) -> bool:
    relative = path.relative_to(SOURCE).as_posix()
    return (
        "/migrations/" in relative or relative.startswith(ALLOWED) or relative.endswith("/demo.py")
    )


def _is_name(node) -> bool:
    return isinstance(node, ast.Constant) and node.value in NAMES


def decisions(tree: ast.AST):
    # A dictionary formatting a message ("%(max)s" % {"max": ...}) names no network.
    formats = {
        id(node.right)
        for node in ast.walk(tree)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in MEMBERS
            and isinstance(node.value, ast.Name)
            and node.value.id == "Network"
        ):
            yield node.lineno, f"Network.{node.attr}"
        elif isinstance(node, ast.Compare):
            for side in [node.left, *node.comparators]:
                items = side.elts if isinstance(side, ast.List | ast.Tuple | ast.Set) else [side]
                yield from ((node.lineno, item.value) for item in items if _is_name(item))
        elif isinstance(node, ast.keyword) and node.arg and node.arg.startswith("network"):
            value = node.value
            items = value.elts if isinstance(value, ast.List | ast.Tuple | ast.Set) else [value]
            yield from ((node.lineno, item.value) for item in items if _is_name(item))
        elif isinstance(node, ast.Dict) and id(node) not in formats:
            yield from ((node.lineno, key.value) for key in node.keys if _is_name(key))


def test_no_decision_is_made_by_a_networks_name():
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if _allowed(path):
            continue
        for line, name in decisions(ast.parse(path.read_text(), str(path))):
            found.append(f"{path.relative_to(SOURCE)}:{line}: {name}")
    assert found == [], "\n".join(found)


def test_the_walk_finds_what_it_must():
    code = """
if channel.network == "vk": pass
if network in ("ok", "telegram"): pass
Channel.objects.filter(network="max")
x = Network.TELEGRAM
rates = {"vk": 1}
"""
    found = sorted(name for _line, name in decisions(ast.parse(code)))
    assert found == sorted(["vk", "ok", "telegram", "max", "Network.TELEGRAM", "vk"])
    assert not list(decisions(ast.parse('text = _("%(max)s") % {"max": 10}')))
