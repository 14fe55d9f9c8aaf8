#!/usr/bin/env python3
"""Lists import circles between the crate's source files.

A circle is a cycle of `crate::` / `super::` paths between files: file A
names something in file B, B (perhaps through others) names something in A.
A module's own file (`mod.rs`, or `queues.rs` beside `queues/`) that
declares or re-exports its own children is not an edge; a path that
reaches an item through such a re-export is followed to the child file
that defines it. Paths inside `#[cfg(test)]` modules are left out (a
test may build its fixtures with its layer's API); `--tests` counts them
too. Usage: `scripts/import_cycles.py [--tests] [src]`; exits
1 when there is a circle, printing each strongly connected set of files.
"""

import re
import sys
from pathlib import Path

ARGS = [a for a in sys.argv[1:] if a != "--tests"]
WITH_TESTS = "--tests" in sys.argv[1:]
SRC = Path(ARGS[0] if ARGS else "src")

# `crate::a::b::{c, d::E}`, `super::super::x` or `super::*`, as written in the code.
PATH = re.compile(r"\b((?:crate|super)(?:::(?:[A-Za-z_][A-Za-z0-9_]*|\*|\{[^;]*?\}))+)")


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
    """`crate::a::{b, c::D}` -> [[crate, a, b], [crate, a, c, D]]; a glob
    `a::*` names the module `a` itself."""
    if "{" not in path:
        return [[p for p in path.split("::") if p != "*"]]
    head, _, rest = path.partition("{")
    inner = rest.rsplit("}", 1)[0]
    prefix = [p for p in head.split("::") if p]
    out, depth, item = [], 0, ""
    for ch in inner + ",":
        if ch == "," and depth == 0:
            item = item.strip()
            if item in ("self", "*"):
                out.append(prefix)
            elif item:
                out += [prefix + tail for tail in expand(item)]
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


def is_module_file(file: Path) -> bool:
    """Whether `file` is a module's own file, with children below it:
    `mod.rs`/`lib.rs`/`main.rs`, or `queues.rs` beside a `queues/` folder."""
    return file.name in ("mod.rs", "lib.rs", "main.rs") or file.with_suffix("").is_dir()


def reexports(mod_file: Path) -> dict[str, list[str]]:
    """Names a module file re-exports from its children (`pub use`,
    `pub(crate) use`, `pub(super) use`...): {Name: [child, ...]}."""
    out = {}
    text = mod_file.read_text()
    for m in re.finditer(r"pub(?:\([^)]*\))?\s+use\s+([^;]+);", text):
        for segs in expand(m.group(1).replace(" ", "").replace("\n", "")):
            if segs and segs[0] == "self":
                segs = segs[1:]
            if len(segs) > 1 and segs[0] not in ("crate", "super"):
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
        if is_module_file(f) and rest:
            child = reexports(f).get(rest[0])
            if child:
                inner = target_file(module_path[:cut] + child)
                if inner:
                    return inner
        return f
    return None


# Text that may hold braces which are not code: strings, char literals, comments.
NOT_CODE = re.compile(r'"(?:\\.|[^"\\])*"|\'[{}]\'|//[^\n]*')
INLINE_MOD = re.compile(
    r"(#\[cfg\(test\)\]\s*)?(?:pub(?:\([^)]*\))?\s+)?\bmod\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{"
)


def inline_modules(code: str) -> list[tuple[int, int, str, bool]]:
    """The `mod name { ... }` blocks of a file: (start, end, name, is_test),
    so a `super::` inside `mod tests` starts from the file's own module."""
    blocks, open_mods, depth = [], [], 0
    mods = {m.end() - 1: (m.group(2), bool(m.group(1))) for m in INLINE_MOD.finditer(code)}
    for i, ch in enumerate(code):
        if ch == "{":
            depth += 1
            if i in mods:
                open_mods.append((i, depth, *mods[i]))
        elif ch == "}":
            if open_mods and open_mods[-1][1] == depth:
                start, _, name, is_test = open_mods.pop()
                blocks.append((start, i, name, is_test))
            depth -= 1
    return blocks


def module_at(here: list[str], blocks, pos: int) -> tuple[list[str], bool]:
    """The module a position of the file is in, inline modules included,
    and whether that is test code."""
    inner = sorted((b for b in blocks if b[0] < pos < b[1]), key=lambda b: b[0])
    return here + [b[2] for b in inner], any(b[3] for b in inner)


def edges() -> dict[Path, set[Path]]:
    graph: dict[Path, set[Path]] = {}
    for file in sorted(SRC.rglob("*.rs")):
        here = module_of(file)
        # Same length as the source, so positions still match.
        code = NOT_CODE.sub(lambda m: " " * len(m.group(0)), file.read_text())
        blocks = inline_modules(code)
        targets = set()
        for m in PATH.finditer(code):
            at, in_test = module_at(here, blocks, m.start())
            if in_test and not WITH_TESTS:
                continue
            for segs in expand(m.group(1).replace(" ", "").replace("\n", "")):
                t = target_file(absolute(segs, at))
                if t is None or t == file:
                    continue
                # A module naming its own descendants is declaring, not depending.
                if module_of(t)[: len(here)] == here and is_module_file(file):
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
