"""The ``cifar-lab`` entry point: every subcommand is there, and starting it stays cheap."""

from __future__ import annotations

import subprocess
import sys

from cifar_lab.cli import build_parser, main


def test_every_subcommand_is_registered():
    subcommands = next(a for a in build_parser()._actions if a.dest == "command").choices
    assert set(subcommands) == {"data", "run", "grid", "check"}


def test_no_subcommand_prints_help_and_fails(capsys):
    assert main([]) == 2
    assert "usage: cifar-lab" in capsys.readouterr().out


def test_building_the_command_line_imports_no_tensorflow():
    code = "import sys; from cifar_lab.cli import build_parser; build_parser(); print('tensorflow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
