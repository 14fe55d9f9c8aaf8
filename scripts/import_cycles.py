#!/usr/bin/env python3
"""Lists import circles between the crate's source files.

A circle is a cycle of `crate::` / `super::` paths between files: file A
names something in file B, B (perhaps through others) names something in A.
A `mod.rs` that declares or re-exports its own children is not an edge;
a path that reaches an item through such a re-export is followed to the
child file that defines it. Usage: `scripts/import_cycles.py [src]`; exits
1 when there is a circle, printing each strongly connected set of files.
"""

import re
import sys
from pathlib import Path

SRC = Path(sys.argv[1] if len(sys.argv) > 1 else "src")

# `crate::a::b::{c, d::E}` or `super::super::x`, as written in the code.
PATH = re.compile(r"\b((?:crate|super)(?:::(?:[A-Za-z_][A-Za-z0-9_]*|\{[^;]*?\}))+)")


def module_of(file: Path) -> list[str]:
    """The module path of a source file: src/ui/panes/calls.rs -> [ui, panes, calls]."""
    parts = list(file.relative_to(SRC).with_suffix("").parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return parts


def file_of(module: list[str]) -> Path | None:
    if not module:
        return SRC / "lib.rs"
    base = SRC.joinpath(*module)
    for candidate in (base.with_suffix(".rs"), base / "mod.rs"):
        if candidate.exists():
            return candidate
    return None


def expand(path: str) -> list[list[str]]:
    """`crate::a::{b, c::D}` -> [[crate, a, b], [crate, a, c, D]]."""
    if "{" not in path:
        return [path.split("::")]
    head, _, rest = path.partition("{")
    inner = rest.rsplit("}", 1)[0]
    prefix = [p for p in head.split("::") if p]
    out, depth, item = [], 0, ""
    for ch in inner + ",":
        if ch == "," and depth == 0:
            item = item.strip()
            if item and item != "self":
                out += [prefix + tail for tail in expand(item)]
            elif item == "self":
                out.append(prefix)
            item = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        item += ch
    return out


def absolute(segments: list[str], here: list[str]) -> list[str]:
    """The crate-relative module path that `segments`, written in module
    `here`, names; each `super` steps up from the file's own module."""
    if segments[0] == "crate":
        return segments[1:]
    base = list(here)
    while segments and segments[0] == "super":
        base = base[:-1]
        segments = segments[1:]
    return base + segments


def reexports(mod_file: Path) -> dict[str, list[str]]:
    """Names a mod.rs re-exports from its children: {Name: [child, ...]}."""
    out = {}
    text = mod_file.read_text()
    for m in re.finditer(r"pub(?:\(crate\))?\s+use\s+([^;]+);", text):
        for segs in expand(m.group(1).replace(" ", "").replace("\n", "")):
            if segs and segs[0] not in ("crate", "super", "self"):
                out[segs[-1]] = segs[:-1]
    return out


def target_file(module_path: list[str]) -> Path | None:
    """The file that defines what `module_path` names (longest module prefix,
    following a mod.rs re-export of a child's item)."""
    for cut in range(len(module_path), -1, -1):
        f = file_of(module_path[:cut])
        if f is None:
            continue
        rest = module_path[cut:]
        if f.name == "mod.rs" and rest:
            child = reexports(f).get(rest[0])
            if child:
                inner = target_file(module_path[:cut] + child)
                if inner:
                    return inner
        return f
    return None


def edges() -> dict[Path, set[Path]]:
    graph: dict[Path, set[Path]] = {}
    for file in sorted(SRC.rglob("*.rs")):
        here = module_of(file)
        is_mod_file = file.name in ("mod.rs", "lib.rs", "main.rs")
        code = "\n".join(
            line for line in file.read_text().splitlines() if not line.lstrip().startswith("//")
        )
        targets = set()
        for m in PATH.finditer(code):
            for segs in expand(m.group(1).replace(" ", "").replace("\n", "")):
                t = target_file(absolute(segs, here))
                if t is None or t == file:
                    continue
                # A mod.rs naming its own descendants is declaring, not depending.
                if is_mod_file and file.parent in t.parents:
                    continue
                targets.add(t)
        graph[file] = targets
    return graph


def strongly_connected(graph: dict[Path, set[Path]]) -> list[list[Path]]:
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return out


def main() -> int:
    circles = strongly_connected(edges())
    for comp in circles:
        print("circle:", ", ".join(str(p.relative_to(SRC)) for p in comp))
    print(f"{len(circles)} import circle(s)")
    return 1 if circles else 0


if __name__ == "__main__":
    sys.exit(main())
