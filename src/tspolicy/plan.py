"""The build plan (``notebooks/reports.yml``): its pages × languages, read and checked.

:func:`read_plan` checks the plan's structure cheaply (no data loaded);
:func:`validate_plan` checks every entry's parameters against the data;
:meth:`Plan.jobs` lists the pages to build (:class:`Job`), for ``--only``, ``--lang`` and
``--shard``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import paths, yamlfile
from .errors import TspolicyError, echo
from .i18n import LANGUAGES

PLAN = paths.NOTEBOOKS_DIR / "reports.yml"
#: A page name: it names files, so it may not hold a path.
SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
MAX_NAME = 64


class PlanError(TspolicyError, ValueError):
    """The plan file is unreadable, or one of its entries is invalid."""


@dataclass(frozen=True)
class Job:
    """One page to build: a report entry of the plan in one language."""

    name: str
    report: str
    notebook: Path
    lang: str
    parameters: dict[str, Any]

    @property
    def key(self) -> str:
        """``<lang>/<name>``, the page's place in the site."""
        return f"{self.lang}/{self.name}"


@dataclass
class Plan:
    """The parsed plan: its pages, languages, and the figures to write."""

    path: Path
    languages: list[str]
    figures: list[str]
    entries: list[dict[str, Any]] = field(default_factory=list)

    def jobs(
        self,
        only: Sequence[str] | None = None,
        langs: Sequence[str] | None = None,
        shard: tuple[int, int] | None = None,
    ) -> list[Job]:
        """The pages to build, restricted to some names, languages, or one shard ``(i, n)``.

        Shard ``i`` of ``n`` takes every ``n``-th page of the plan (from the ``i``-th), in
        the plan's order, so the ``n`` shards cover the plan exactly once.
        """
        names = [e["name"] for e in self.entries]
        unknown = [name for name in only or () if name not in names]
        if unknown:
            raise PlanError(
                f"--only {echo(' '.join(unknown))}: no such page in {self.path.name}; "
                f"the pages are: {', '.join(names)}"
            )
        chosen = [e for e in self.entries if not only or e["name"] in only]
        languages = [lang for lang in self.languages if not langs or lang in langs]
        jobs = [
            Job(
                e["name"],
                e["report"],
                self.path.parent / e["notebook"],
                lang,
                {**e["parameters"], "language": lang},
            )
            for e in chosen
            for lang in languages
        ]
        if shard is not None:
            index, count = shard
            jobs = [job for position, job in enumerate(jobs) if position % count == index - 1]
        return jobs


def parse_shard(text: str) -> tuple[int, int]:
    """Parse ``i/n`` (1 ≤ i ≤ n), as given to ``--shard``."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise PlanError(f"--shard {text!r}: write i/n, e.g. 2/4") from None
    if not 1 <= index <= count:
        raise PlanError(f"--shard {text!r}: i must be between 1 and n")
    return index, count


def read_plan(path: str | Path = PLAN) -> Plan:
    """Read the plan and check its structure (names, reports, notebooks, languages).

    Cheap: the data are not loaded; :func:`validate_plan` checks the parameter values.

    Raises
    ------
    PlanError
        Naming the plan file, the entry and what is wrong.
    """
    from .registry import load

    path = Path(path)
    raw = yamlfile.read(path, PlanError, "plan file")
    if not isinstance(raw, dict) or not isinstance(raw.get("reports"), list):
        raise PlanError(f"{path}: expected a mapping with a 'reports' list")
    languages = raw.get("languages", list(LANGUAGES))
    # Default: every chart kind the plan's reports show (their registry entries).
    figures = raw.get("figures", None)
    if figures is None:
        shown = load(path.parent.resolve())
        figures = list(dict.fromkeys(k for e in raw["reports"] for k in _charts_of(e, shown)))
    for key, value, known in (("languages", languages, LANGUAGES), ("figures", figures, None)):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise PlanError(
                f"{path}: '{key}' must be a list of names, e.g. "
                f"{key}: [{', '.join(known or ['timeline'])}]; found {echo(value)}"
            )
    bad = [lang for lang in languages if lang not in LANGUAGES]
    if bad:
        raise PlanError(f"{path}: language {echo(bad[0])} is not one of {', '.join(LANGUAGES)}")
    twice = sorted({lang for lang in languages if languages.count(lang) > 1})
    if twice or not languages:
        raise PlanError(
            f"{path}: 'languages' lists {twice[0]} twice; name each language once"
            if twice
            else f"{path}: 'languages' is empty; name at least one of {', '.join(LANGUAGES)}"
        )
    if not raw["reports"]:
        raise PlanError(f"{path}: 'reports' is empty; list at least one report page")
    folder = path.parent.resolve()
    reports = load(folder)  # the registry beside the plan, else the repository's
    seen: set[str] = set()
    for i, entry in enumerate(raw["reports"], start=1):
        where = f"{path}: report #{i}"
        if not isinstance(entry, dict):
            raise PlanError(
                f"{where}: expected a mapping with name, report, notebook (and parameters); "
                f"found {echo(entry)}"
            )
        if entry.get("report") in reports:  # the notebook is the registry's, unless named
            entry.setdefault("notebook", reports[entry["report"]].notebook.name)
        missing = [k for k in ("name", "report", "notebook") if k not in entry]
        if missing:
            raise PlanError(f"{where}: missing '{missing[0]}'")
        name, notebook = entry["name"], entry["notebook"]
        if not isinstance(name, str) or not SLUG.fullmatch(name) or len(name) > MAX_NAME:
            raise PlanError(
                f"{where}: name {echo(name)} is not a slug: use lower-case letters, digits, "
                f"'-' and '_', at most {MAX_NAME} characters (it names the page's files), "
                "e.g. platform_shares"
            )
        if name in seen:
            raise PlanError(f"{where}: name '{name}' is used twice")
        seen.add(name)
        if not isinstance(entry["report"], str) or entry["report"] not in reports:
            raise PlanError(
                f"{where}: report {echo(entry['report'])} is not one of "
                f"{', '.join(reports.names)} (the reports of {reports.path})"
            )
        resolved = (folder / str(notebook)).resolve()
        if not isinstance(notebook, str) or not resolved.is_relative_to(folder):
            raise PlanError(
                f"{where}: notebook {echo(notebook)} is not in the plan's folder {folder}; "
                "name a notebook beside the plan, e.g. 50_timeline.ipynb"
            )
        if resolved.suffix != ".ipynb" or not resolved.is_file():
            raise PlanError(f"{where}: notebook {echo(notebook)} not found in {folder}")
        entry["parameters"] = entry.get("parameters") or {}
        if not isinstance(entry["parameters"], dict):
            raise PlanError(
                f"{where} ({name}): parameters must be a mapping of names to values, "
                f"e.g. parameters: {{year: 2020}}; found {echo(entry['parameters'])}"
            )
        keys = [k for k in entry["parameters"] if not isinstance(k, str)]
        if keys:
            raise PlanError(
                f"{where} ({name}): parameter name {echo(keys[0])} is not a name; "
                "write names such as year or highlight"
            )
        if "language" in entry["parameters"]:
            raise PlanError(f"{where}: set languages at the top of the plan, not as a parameter")
        if "data_dir" in entry["parameters"]:
            raise PlanError(
                f"{where}: data_dir is not a plan parameter; choose the data folder with "
                "`tspolicy build --data-dir DIR`"
            )
    return Plan(path, list(languages), list(figures), raw["reports"])


def _charts_of(entry: Any, reports: Any) -> tuple[str, ...]:
    """The chart kinds of a plan entry's report (none for an entry the checks will refuse)."""
    name = entry.get("report") if isinstance(entry, dict) else None
    return reports[name].charts if isinstance(name, str) and name in reports else ()


def validate_plan(plan: Plan, data_dir: str | Path | None = None) -> None:
    """Check every entry's parameters against the data: names and values, strictly."""
    from .charts import KINDS
    from .data import load_dataset
    from .parameters import ParameterError, check
    from .registry import load, validate

    dataset = load_dataset(data_dir)
    # The registry first: a bad chart there is its entry's fault, not the plan's figures'.
    reports = validate(load(plan.path.parent), dataset)
    bad = [kind for kind in plan.figures if kind not in KINDS]
    if bad:
        raise PlanError(f"{plan.path}: figure '{bad[0]}' is not one of {', '.join(KINDS)}")
    for i, entry in enumerate(plan.entries, start=1):
        given = {**entry["parameters"], "data_dir": str(data_dir) if data_dir else None}
        try:
            check(entry["report"], given, dataset, reports)
        except ParameterError as exc:
            raise PlanError(f"{plan.path}: report #{i} ({entry['name']}): {exc}") from None


def load_plan(path: str | Path = PLAN, data_dir: str | Path | None = None) -> Plan:
    """Read the plan and check it entirely, parameter values included."""
    plan = read_plan(path)
    validate_plan(plan, data_dir)
    return plan
