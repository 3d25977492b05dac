"""What `pip install` puts on a user's machine: one `advisor` package, the service inside it.

The service's source folder is the repository's top-level `api/`, installed as
`advisor.api` (pyproject.toml maps it), so no top-level `api` package can collide
with another distribution's; and `import advisor` loads none of the service's or the
checks' dependencies, so evaluating profiles from Python stays light.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("fastapi", "uvicorn", "sqlalchemy", "alembic", "pytest", "pytest_bdd", "starlette")


def _pyproject() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)


def _package_folders() -> set[str]:
    found = set()
    for package, root in (("advisor", ROOT / "src" / "advisor"), ("advisor.api", ROOT / "api")):
        for init in root.rglob("__init__.py"):
            parts = init.parent.relative_to(root).parts
            found.add(".".join([package, *parts]))
    return found


def test_every_package_folder_is_listed_for_installation() -> None:
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])  # type: ignore[index]
    assert listed == _package_folders()


def test_import_advisor_loads_no_service_or_test_dependency(tmp_path: Path) -> None:
    # A new interpreter, isolated from this test run's modules and working directory.
    script = (
        "import json, sys, advisor; "
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == []
    # The check can fail: importing the service does load them.
    script = script.replace("import json, sys, advisor;", "import json, sys, advisor.api;")
    loaded = subprocess.run(
        [sys.executable, "-I", "-c", script], cwd=tmp_path, capture_output=True, text=True
    )
    assert "fastapi" in json.loads(loaded.stdout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            *("-w", str(out), str(ROOT)),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("*.whl")
    return zipfile.ZipFile(built)


def test_the_wheel_installs_one_top_level_package(wheel: zipfile.ZipFile) -> None:
    top = {name.split("/")[0] for name in wheel.namelist()}
    assert {t for t in top if not t.endswith(".dist-info")} == {"advisor"}
    names = set(wheel.namelist())
    assert "advisor/api/app.py" in names
    assert "advisor/api/migrations/versions/r0001_decisions.py" in names
    assert "advisor/api/migrations/script.py.mako" in names
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)


def test_the_wheel_carries_the_workbench_assets(wheel: zipfile.ZipFile) -> None:
    """Every template and static file of the workbench: the page needs nothing from elsewhere."""
    web = ROOT / "api" / "web"
    assets = {
        f"advisor/api/web/{p.relative_to(web).as_posix()}"
        for folder in ("templates", "static")
        for p in (web / folder).rglob("*")
        if p.is_file()
    }
    assert {
        "advisor/api/web/templates/decision.html",
        "advisor/api/web/static/workbench.js",
    } <= assets
    assert assets <= set(wheel.namelist())


def test_the_wheel_carries_every_source_module(wheel: zipfile.ZipFile) -> None:
    expected = {
        f"advisor/{p.relative_to(ROOT / 'src' / 'advisor')}"
        for p in ROOT.glob("src/advisor/**/*.py")
    }
    expected |= {f"advisor/api/{p.relative_to(ROOT / 'api')}" for p in ROOT.glob("api/**/*.py")}
    assert expected <= set(wheel.namelist())


def test_serve_reaches_the_command_line_by_entry_point(wheel: zipfile.ZipFile) -> None:
    (entry_points,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode()
    commands = text.split("[advisor.commands]\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert "serve = advisor.api.command" in commands
    assert "decisions = advisor.api.decisions_command" in commands
    assert "advisor = advisor.cli:main" in text
