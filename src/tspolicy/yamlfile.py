"""YAML files: the plan, the report registry and the interface strings, read one way.

libyaml's C loader when PyYAML has it (several times faster: the strings file is read by
every page), else the pure-Python one; both are the *safe* loader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import TspolicyError

#: The safe loader, in C when available.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse(text: str) -> Any:
    """``text`` parsed as YAML (safe: plain data only)."""
    return yaml.load(text, Loader=LOADER)


def read(path: Path, error: type[TspolicyError], what: str) -> Any:
    """The YAML file ``path`` parsed; a missing, unreadable or invalid file raises ``error``
    naming the file (``what``: "plan file", "registry file")."""
    try:
        return parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{path}: {what} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot be read as UTF-8 text ({exc})") from None
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from None
