"""Reading a sweep file's YAML without trusting it: bounded size, no aliases, no duplicate keys.

`yaml.safe_load` builds no objects, but it still expands aliases (a 500-byte "billion laughs" file
grows without bound once the grid is walked) and lets a repeated key silently replace the first.
A sweep file needs neither, so both are refused, with the line to fix.

Example:
    >>> _ = Path("sweep.yaml").write_text("grid:\\n  epochs: [1]\\n  epochs: [2]\\n")
    >>> read_sweep_yaml(Path("sweep.yaml"))
    Traceback (most recent call last):
    ...
    cifar_lab.runner.parameters.ParameterError: sweep.yaml line 3: 'epochs' is given twice in one mapping; keep one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from cifar_lab.runner.parameters import ParameterError

# A sweep file is a few lines; 1 MiB is thousands of times that and still quick to parse.
MAX_SWEEP_BYTES = 1024 * 1024


class _SweepLoader(yaml.SafeLoader):
    """`SafeLoader` that refuses aliases and duplicate keys."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise ParameterError(
                f"{mark.name} line {mark.line + 1}: YAML aliases (*name) are not allowed in a sweep file; "
                "write the values out."
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise ParameterError(
                    f"{key_node.start_mark.name} line {key_node.start_mark.line + 1}: a key must be a name, "
                    f"got {type(key).__name__}."
                )
            if key in seen:
                raise ParameterError(
                    f"{key_node.start_mark.name} line {key_node.start_mark.line + 1}: {key!r} is given twice "
                    "in one mapping; keep one."
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_sweep_yaml(path: Path) -> Any:
    """Return the parsed YAML of the sweep file at `path`, refusing what a sweep file never needs.

    Raises:
        ParameterError: the file is not a regular file, is over `MAX_SWEEP_BYTES`, is not UTF-8 YAML,
            nests too deeply, uses an alias or repeats a key.

    Example:
        >>> _ = Path("sweep.yaml").write_text("grid:\\n  epochs: [1, 2]\\n")
        >>> read_sweep_yaml(Path("sweep.yaml"))
        {'grid': {'epochs': [1, 2]}}
    """
    if not path.is_file():
        raise ParameterError(f"No sweep file at {path.resolve()}. Check the path (format: cifar-lab grid -h).")
    with open(path, "rb") as file:
        data = file.read(MAX_SWEEP_BYTES + 1)
    if len(data) > MAX_SWEEP_BYTES:
        raise ParameterError(
            f"{path} is over {MAX_SWEEP_BYTES // 1024} KiB; a sweep file is a few lines. Check it is the right file."
        )
    try:
        loader = _SweepLoader(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ParameterError(f"{path} is not UTF-8 text. Save the sweep file as UTF-8.") from None
    loader.name = str(path)  # what error marks call the file
    try:
        return loader.get_single_data()
    except RecursionError:
        raise ParameterError(f"{path} nests too deeply to be a sweep file (format: cifar-lab grid -h).") from None
    except yaml.YAMLError as error:
        raise ParameterError(f"{path} is not valid YAML: {error}") from None
    finally:
        loader.dispose()
