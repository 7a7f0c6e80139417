"""Imports point one way: ``formats -> model <- geometry <- analysis <- reports|archive|service|
cli``. Every ``import`` in src/overflight (including ones inside functions) is read with ast and
checked against the layer it comes from; ``import overflight`` must stay cheap."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "overflight"

LOWER = {"errors", "model"}
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "model": {"errors"},
    "formats": {"errors", "model"},
    "geometry": {"errors", "model"},
    "analysis": {"errors", "model", "geometry"},
    # the outer layers use the inner ones (and the package root, for __version__)
    # national airspace: built from coastline data (formats) by geometry and analysis
    "national": LOWER | {"geometry", "analysis", "formats", ""},
    "reports": LOWER | {"geometry", "analysis", "formats", ""},
    "archive": LOWER | {"geometry", "analysis", "formats", ""},
    "service": LOWER | {"geometry", "analysis", "formats", "reports", "archive", "national", ""},
    "cli": LOWER
    | {"geometry", "analysis", "formats", "reports", "archive", "service", "national", ""},
    "__main__": {"cli"},  # ``python -m overflight``: the command line, nothing else
}
HEAVY = ("fastapi", "duckdb", "matplotlib", "pyarrow", "pyspark", "dask")


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)


def _module_name(path: Path) -> list[str]:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imports(path: Path) -> list[tuple[int, str]]:
    """Absolute dotted names of every overflight module imported by ``path``."""
    return _imports_of(path.read_text(encoding="utf-8"), _module_name(path), path.name)


def _imports_of(source: str, here: list[str], filename: str) -> list[tuple[int, str]]:
    package = here if filename == "__init__.py" else here[:-1]
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            out += [
                (node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "overflight"
            ]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
                if node.module is None:  # from .. import x: x may be a module
                    out += [(node.lineno, f"{mod}.{a.name}") for a in node.names]
                    continue
            else:
                mod = node.module or ""
            if mod.split(".")[0] == "overflight":
                out.append((node.lineno, mod))
    return out


def _layer(dotted: str) -> str:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_the_source_tree_is_found() -> None:
    layers = {_layer(".".join(_module_name(p))) for p in _modules()}
    assert {"model", "geometry", "analysis"} <= layers


def _violations(here: str, imports: list[tuple[int, str]], where: str) -> list[str]:
    allowed = ALLOWED[here] | {here}
    return [
        f"{where}:{line}: {here} imports {target}"
        for line, target in imports
        # "from .. import __version__" names the package root, allowed where "" is
        if _layer(target) not in allowed and not (_layer(target) == "__version__" and "" in allowed)
    ]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_imports_point_one_way(path: Path) -> None:
    here = _layer(".".join(_module_name(path)))
    if here == "":  # the package root re-exports the public API
        return
    assert here in ALLOWED, f"{path}: unknown layer {here!r}; add it to the import rules"
    bad = _violations(here, _imports(path), str(path.relative_to(SRC.parent)))
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(
    ("module", "source", "layer"),
    [
        (["overflight", "geometry", "x"], "from ..analysis.check import check\n", "analysis"),
        (["overflight", "model", "x"], "def f():\n    from ..geometry import path\n", "geometry"),
        (["overflight", "formats", "a", "x"], "from ...reports import json\n", "reports"),
        (["overflight", "analysis", "x"], "import overflight.cli.main\n", "cli"),
        (["overflight", "geometry", "x"], "from .. import formats\n", "formats"),
    ],
)
def test_the_checker_catches_upward_and_sideways_imports(
    module: list[str], source: str, layer: str
) -> None:
    imports = _imports_of(source, module, "x.py")
    assert [_layer(t) for _, t in imports] == [layer]
    assert _violations(module[1], imports, "x.py")


def test_import_overflight_loads_nothing_heavy() -> None:
    code = (
        "import sys, overflight\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert proc.stdout.strip() == "", f"import overflight loaded: {proc.stdout.strip()}"
