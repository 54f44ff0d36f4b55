"""The two ways to install cifar-lab (pip via pyproject.toml, conda via environment.yml) must agree."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def normalise(requirement: str) -> str:
    """Canonical form of a requirement line: lower-case name, no spaces, single quotes in markers."""
    requirement = requirement.split(" #")[0].strip()
    return re.sub(r"\s+", "", requirement).replace('"', "'").lower()


def pyproject_requirements() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {normalise(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}


def environment_requirements() -> set[str]:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict)]
    assert len(pip_sections) == 1, "environment.yml should have exactly one pip: section"
    return {normalise(r) for r in pip_sections[0] if not r.startswith("-e")}


def test_environment_yml_declares_the_same_dependencies_as_pyproject():
    in_pyproject, in_environment = pyproject_requirements(), environment_requirements()
    assert in_pyproject - in_environment == set(), "add these to environment.yml"
    assert in_environment - in_pyproject == set(), "add these to pyproject.toml (dependencies or dev)"


def test_environment_yml_installs_the_package_itself():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    commands = [line.strip() for line in ci.splitlines() if line.strip().startswith("make")]
    assert commands == ["make test"]


def test_tensorflow_requirement_is_a_cpu_build_on_linux():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    linux = [
        r for r in project["dependencies"] if "platform_machine == 'x86_64'" in r and "sys_platform == 'linux'" in r
    ]
    assert len(linux) == 1 and linux[0].startswith("tensorflow-cpu")


def test_keras_floor_excludes_every_release_with_a_published_safe_mode_bypass():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    (keras,) = [r for r in project["dependencies"] if r.startswith("keras")]
    assert normalise(keras).startswith("keras>=3.14")
    assert any(r.startswith("keras>=3.14") for r in environment_requirements())
    assert project["requires-python"] == ">=3.11"  # what keras 3.14 itself requires
