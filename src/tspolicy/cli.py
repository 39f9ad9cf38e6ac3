"""The ``tspolicy`` command line (also ``python -m tspolicy``).

Bad input never ends in a traceback: each command reports what is wrong with the data and
how to fix it, and exits 1. An unexpected internal error exits 2 with a one-line message;
set ``TSPOLICY_DEBUG=1`` to see its traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, paths
from .errors import EXIT_USER, TspolicyError, describe, echo, exit_status
from .i18n import LANGUAGES

if TYPE_CHECKING:
    from .validate import Report


def _console():
    from rich.console import Console

    # Wide enough for the table when the output is piped or captured (no terminal width).
    width = None if sys.stdout.isatty() else max(120, int(os.environ.get("COLUMNS", "0") or 0))
    return Console(width=width, soft_wrap=False, highlight=False)


def _problem_table(title: str, problems, style: str):
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=True, header_style=style)
    for name, kwargs in (
        ("file", {"no_wrap": True}),
        ("row", {"justify": "right", "no_wrap": True}),
        ("field", {"no_wrap": True}),
        ("problem", {"ratio": 3}),
        ("how to fix", {"ratio": 3}),
    ):
        table.add_column(name, **kwargs)
    for p in problems:
        table.add_row(p.file, "" if p.row is None else str(p.row), p.field or "", p.problem, p.fix)
    return table


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate the data; print every problem; 0 when valid, 1 otherwise."""
    from .validate import validate

    report = validate(args.data_dir, args.sources_dir)
    failed = not report.ok or (args.strict and bool(report.skipped or report.warnings))
    if args.format == "json":
        json.dump(
            {
                "valid": not failed,
                "data_dir": str(report.data_dir),
                "sources_dir": str(report.sources_dir),
                "rows": report.rows,
                "errors": [p.as_dict() for p in report.errors],
                "skipped": [p.as_dict() for p in report.skipped],
                "warnings": [p.as_dict() for p in report.warnings],
            },
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        print()
        return 1 if failed else 0
    console = _console()
    if report.errors:
        console.print(
            _problem_table(
                f"{len(report.errors)} problem(s) in {report.data_dir}", report.errors, "bold red"
            )
        )
    if report.skipped:
        console.print(
            _problem_table(
                f"{len(report.skipped)} check(s) skipped, not passed", report.skipped, "bold yellow"
            )
        )
    if report.warnings:
        console.print(
            _problem_table(
                f"{len(report.warnings)} translation(s) pending (warnings; "
                "`tspolicy i18n todo` lists them for translators)",
                report.warnings,
                "bold yellow",
            )
        )
    rows = ", ".join(f"{n} {name}" for name, n in report.rows.items())
    if report.ok:
        console.print(f"{report.data_dir}: {_verdict(report, listed=True)} (rows: {rows}).")
        if args.strict and (report.skipped or report.warnings):
            console.print("--strict: skipped checks and pending translations count as failures.")
    else:
        console.print(
            f"{report.data_dir}: {len(report.errors)} problem(s). Fix them and run "
            "`tspolicy validate` again."
        )
    return 1 if failed else 0


#: The columns of `i18n todo`, as its table, CSV and JSON name them (Pending's fields).
TODO_COLUMNS = ("file", "row", "key", "what", "lang", "column", "written")


def _verdict(report: Report, *, listed: bool) -> str:
    """ "valid", with the checks skipped and the translations pending, if any; ``listed``:
    the tables above list them, else the sentence says which command does."""
    skipped = (
        "the checks above skipped"
        if listed
        else (f"{len(report.skipped)} check(s) skipped (`tspolicy validate` lists them)")
    )
    pending = f"{len(report.warnings)} translation(s) pending" + (
        "" if listed else " (warnings; `tspolicy i18n todo` lists them for translators)"
    )
    unfinished = [
        text for text, present in ((skipped, report.skipped), (pending, report.warnings)) if present
    ]
    return "valid" + (", with " + " and ".join(unfinished) if unfinished else "")


def cmd_i18n_todo(args: argparse.Namespace) -> int:
    """List the pending translations: what to write, where, and the text to translate."""
    from rich.table import Table

    from .validate import validate

    report = validate(args.data_dir, args.sources_dir)
    todo = [p for p in report.pending if not args.lang or p.lang in args.lang]
    if args.format == "json":
        json.dump([p.as_dict() for p in todo], sys.stdout, ensure_ascii=False, indent=2)
        print()
    elif args.format == "csv":
        import csv

        from .csvsafe import safe_cell

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(TODO_COLUMNS)
        for p in todo:
            written = " | ".join(f"{lang}: {text}" for lang, text in p.written.items())
            writer.writerow(
                [
                    safe_cell(str(v))
                    for v in (p.file, p.row, p.key, p.what, p.lang, p.column, written)
                ]
            )
    elif not todo:
        _console().print(f"0 translation(s) pending in {report.data_dir}: nothing to translate.")
    else:
        console = _console()
        table = Table(
            title=f"{len(todo)} translation(s) pending in {report.data_dir}",
            title_justify="left",
            show_lines=True,
        )
        for name in TODO_COLUMNS:
            table.add_column(name)
        for p in todo:
            table.add_row(
                p.file,
                str(p.row),
                p.key,
                p.what,
                p.lang,
                p.column,
                "\n".join(f"{lang}: {text}" for lang, text in p.written.items()),
            )
        console.print(table)
        console.print(
            "Write each in its column, in your own words as a reader of the language "
            "(never a machine translation); then run `tspolicy validate`."
        )
    if not report.ok:
        print(
            f"tspolicy: {len(report.errors)} problem(s) in the data as well; "
            "`tspolicy validate` lists them",
            file=sys.stderr,
        )
    return 0


def cmd_corroborate(args: argparse.Namespace) -> int:
    """Print each claim with the documents that report it and whether they agree."""
    from rich.table import Table

    from .corroborate import corroborate, document_origins
    from .data import load_figures, load_sources

    origins = document_origins(load_sources(args.data_dir))
    claims = corroborate(load_figures(args.data_dir), origins)
    if args.multi:
        claims = claims[claims["n_documents"] >= 2]
    if args.format == "json":
        records = [
            {
                "claim": row.claim,
                "metric": row.metric,
                "subject": row.subject,
                "period": row.period,
                "statements": row.statements,
                "status": str(row.status),
                "documents": list(row.documents),
                "n_documents": int(row.n_documents),
                "origins": list(row.origins),
                "independent_origins": int(row.independent_origins),
                "corroborated": bool(row.corroborated),
                "figure_ids": list(row.figure_ids),
            }
            for row in claims.itertuples()
        ]
        json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if args.format == "csv":
        from .csvsafe import safe_frame

        out = claims.assign(
            documents=claims["documents"].map(";".join),
            origins=claims["origins"].map(";".join),
            figure_ids=claims["figure_ids"].map(";".join),
        )
        safe_frame(out).to_csv(sys.stdout, index=False, lineterminator="\n")
        return 0
    table = Table(title=f"{len(claims)} claim(s)", title_justify="left", show_lines=False)
    for name in ("claim", "statements", "documents", "independent origins", "status"):
        table.add_column(name)
    for row in claims.itertuples():
        table.add_row(
            row.claim,
            row.statements,
            "\n".join(row.documents),
            f"{row.independent_origins}: " + ", ".join(row.origins),
            str(row.status),
        )
    _console().print(table)
    return 0


def cmd_import_context(args: argparse.Namespace) -> int:
    """Rewrite data/context/ from the external extracts."""
    from .context import import_external
    from .data import DataError, shell_path

    source = args.external_dir or paths.EXTERNAL_DIR
    data = paths.data_dir(args.data_dir)
    if not (data / "datapackage.json").is_file():
        raise DataError(
            f"--data-dir {data}: not a data folder (no datapackage.json); pass the folder "
            "that holds the data package (default: data/)"
        )
    written = import_external(source, data / "context")
    for path in written:
        print(f"wrote {path}")
    print(
        "Run `tspolicy validate`, and review the change with "
        f"`git diff {shell_path(data / 'context')}`."
    )
    return 0


def cmd_gallery(args: argparse.Namespace) -> int:
    """Write every chart kind in every language, and an index page."""
    from .charts import gallery

    written = gallery(args.out, data_dir=args.data_dir)
    print(f"wrote {len(written)} files; open {written[-1]}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Build what changed: execute the plan's notebooks and write the site and figures."""
    from .build import build, parse_shard

    result = build(
        plan_path=args.plan,
        out=args.out,
        only=args.only,
        langs=args.lang,
        shard=parse_shard(args.shard) if args.shard else None,
        jobs=args.jobs,
        force=args.force,
        include_code=args.include_code,
        data_dir=args.data_dir,
        figures_dir=None if args.no_figures else paths.FIGURES_DIR,
        progress=not args.quiet,
        wait=not args.no_wait,
        fresh_kernels=args.fresh_kernels,
        cell_timeout=args.cell_timeout or None,
    )
    if args.explain:
        for page, reason in result.reasons.items():
            print(f"{page:<28} {reason}")
    for r in result.results:
        mark = "ok  " if r.ok else "FAIL"
        print(f"{mark} {r.job.key:<28} {r.seconds:5.1f} s{'  ' + r.error if r.error else ''}")
    if args.timings and result.results:
        stages = ("kernel", "imports", "execution", "export")
        done = [r for r in result.results if r.ok]
        print(
            "mean seconds per page: "
            + ", ".join(
                f"{stage} {sum(r.timings.get(stage, 0.0) for r in done) / max(len(done), 1):.2f}"
                for stage in stages
            )
        )
    yours = ", ".join(result.kept[:10]) + (" …" if len(result.kept) > 10 else "")
    if result.failed:
        print(
            f"{len(result.failed)} of {len(result.results)} page(s) failed; the previous site "
            f"was kept. The pages that built are in {result.out} for inspection"
            + (f" (the file(s) you put there stay: {yours})." if result.kept else "."),
            file=sys.stderr,
        )
        return 1
    if result.kept:
        from .output import failed_dir

        print(
            f"tspolicy: {failed_dir(result.out)}: the failed pages of an earlier build were "
            f"removed; the file(s) you put there stay: {yours}",
            file=sys.stderr,
        )
    fresh = len(result.reasons) - len(result.results)
    if not result.results and not result.figures:
        print(f"Nothing to rebuild: {fresh} page(s) up to date ({result.seconds:.2f} s).")
        return 0
    print(
        f"Rebuilt {len(result.results)} page(s) ({fresh} up to date) and wrote "
        f"{len(result.figures)} figure file(s) in {result.seconds:.1f} s: "
        f"open {result.out / 'index.html'}"
    )
    return 0


def cmd_add_document(args: argparse.Namespace) -> int:
    """Add a document (its sources.csv row and candidates file), or accept its candidates."""
    from .adddoc import AcceptError, accept, add_document, describe

    if args.accept:
        if args.path or args.lang or args.id or args.force:
            raise TspolicyError(
                "--accept ID takes no PATH, --lang, --id or --force: run "
                f"`tspolicy add-document --accept {args.accept}` alone"
            )
        try:
            result = accept(args.accept, data_dir=args.data_dir, sources_dir=args.sources_dir)
        except AcceptError as exc:
            console = _console()
            console.print(
                _problem_table(
                    f"{len(exc.problems)} problem(s) in the candidates: nothing was written",
                    exc.problems,
                    "bold red",
                )
            )
            console.print("Fix them in the candidates file and run the command again.")
            return 1
        for message in result.messages:
            print(message)
        for file, ids in result.written.items():
            print(f"{file}: added {', '.join(ids)}")
        report = result.report
        console = _console()
        if report.errors:
            console.print(
                _problem_table(
                    f"tspolicy validate: {len(report.errors)} problem(s) left in {report.data_dir}",
                    report.errors,
                    "bold red",
                )
            )
            console.print(
                "The accepted rows are in the tables: fix the problems above there, then run "
                "`tspolicy validate`."
            )
            return 1
        console.print(f"{report.data_dir}: {_verdict(report, listed=False)}.")
        return 0
    missing = [name for name in ("path", "lang", "id") if not getattr(args, name)]
    if missing:
        raise TspolicyError(
            "add-document needs PATH, --lang and --id (missing: "
            + ", ".join("PATH" if m == "path" else f"--{m}" for m in missing)
            + "), or --accept ID"
        )
    added = add_document(
        args.path,
        args.lang,
        args.id,
        data_dir=args.data_dir,
        sources_dir=args.sources_dir,
        force=args.force,
    )
    print(describe(added))
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error exiting 1 (bad input), not argparse's 2 (our bugs')."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USER, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser (papermill-style: every option has help)."""
    from .build import CELL_TIMEOUT

    parser = _Parser(
        prog="tspolicy",
        description="Provenance-checked figures on online child sexual exploitation "
        "and trafficking.",
    )
    parser.add_argument("--version", action="version", version=f"tspolicy {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    data_help = f"folder holding datapackage.json and its tables (default: {paths.DATA_DIR})"
    sources_default = f"(default: ${paths.SOURCES_ENV}, else {paths.DEFAULT_SOURCES_DIR})"
    sources_help = f"folder holding the documents' texts {sources_default}"
    val = sub.add_parser(
        "validate",
        help="check data/ against its schema and the curation rules",
        description="Check the data package: schema (Frictionless) and curation rules "
        "(excerpts verbatim and stating their number, hashes, units, links). "
        "Exit 0 when valid, 1 when not.",
    )
    val.add_argument("--data-dir", help=data_help)
    val.add_argument("--sources-dir", help=sources_help)
    val.add_argument(
        "--format",
        choices=["table", "json"],
        default="table",
        help="output format (default: table)",
    )
    val.add_argument(
        "--strict",
        action="store_true",
        help="fail when any check had to be skipped (e.g. a missing text) or a translation "
        "is pending",
    )
    val.set_defaults(func=cmd_validate)

    i18n = sub.add_parser(
        "i18n",
        help="translations: list what is pending (i18n todo)",
        description="Work on the dataset's translations (labels, caveats, events, titles, "
        "excerpts, explanations written per language).",
    )
    i18n_sub = i18n.add_subparsers(dest="i18n_command", metavar="ACTION", required=True)
    todo = i18n_sub.add_parser(
        "todo",
        help="list every pending translation: file, row, column, and the text to translate",
        description="List every translation that is pending — a label, caveat, event, "
        "title, excerpt or explanation written in some languages and not in others — with "
        "the column to write it in and the texts that exist. Exit 0 (tspolicy validate "
        "--strict fails while any is pending).",
    )
    todo.add_argument("--data-dir", help=data_help)
    todo.add_argument("--sources-dir", help=sources_help)
    todo.add_argument(
        "--lang",
        nargs="+",
        choices=LANGUAGES,
        help="only what is pending in these languages (default: all)",
    )
    todo.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help="output format (default: table)",
    )
    todo.set_defaults(func=cmd_i18n_todo)

    cor = sub.add_parser(
        "corroborate",
        help="list claims, the documents that report them, and whether they agree",
        description="Group figure mentions by claim (metric, subject, period) and say "
        "whether the documents agree, are compatible or conflict.",
    )
    cor.add_argument("--data-dir", help=data_help)
    cor.add_argument(
        "--multi", action="store_true", help="only claims reported by two or more documents"
    )
    cor.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help="output format (default: table); json gives per claim its documents, origins "
        "and number of independent origins",
    )
    cor.set_defaults(func=cmd_corroborate)

    imp = sub.add_parser(
        "import-context",
        help="rewrite data/context/ from the external extracts (NCMEC, Meta)",
        description="Write the tidy context tables of data/context/ from ../shared/external/.",
    )
    imp.add_argument(
        "--external-dir", help=f"folder holding the extracts (default: {paths.EXTERNAL_DIR})"
    )
    imp.add_argument("--data-dir", help=data_help)
    imp.set_defaults(func=cmd_import_context)

    bld = sub.add_parser(
        "build",
        help="run the report notebooks and write reports/ (HTML) and figures/",
        description="Execute the plan's notebooks with papermill in every language, export "
        "them as self-contained HTML, and write the figures papers embed. Only pages whose "
        "notebook, parameters, data, package code or environment changed are rebuilt. The "
        "previous reports/ is replaced only when every page built.",
    )
    bld.add_argument(
        "--plan",
        default=str(paths.NOTEBOOKS_DIR / "reports.yml"),
        help="plan file (default: notebooks/reports.yml)",
    )
    bld.add_argument(
        "--out", default=str(paths.REPORTS_DIR), help="site folder (default: reports/)"
    )
    bld.add_argument(
        "--only", nargs="+", metavar="NAME", help="build only these pages (names from the plan)"
    )
    bld.add_argument("--lang", nargs="+", choices=LANGUAGES, help="build only these languages")
    bld.add_argument(
        "--jobs",
        type=_positive,
        help="pages built at once, 1 or more (default and at most: the number of CPUs)",
    )
    bld.add_argument(
        "--force", action="store_true", help="rebuild every selected page, whatever the cache says"
    )
    bld.add_argument(
        "--explain", action="store_true", help="say why each page was or was not rebuilt"
    )
    bld.add_argument(
        "--timings",
        action="store_true",
        help="print where the pages' time went (kernel start, imports, execution, export)",
    )
    bld.add_argument(
        "--fresh-kernels",
        action="store_true",
        help="start each page's kernel as a new Python process instead of forking it from a "
        "pre-imported one (slower; the pages are the same: for debugging)",
    )
    bld.add_argument(
        "--cell-timeout",
        type=_seconds,
        default=CELL_TIMEOUT,
        metavar="SECONDS",
        help=f"a notebook cell running longer fails its page; the other pages build "
        f"(default {CELL_TIMEOUT:g}; 0: no limit)",
    )
    bld.add_argument(
        "--shard", metavar="I/N", help="build shard I of N of the pages (no index, no figures)"
    )
    bld.add_argument(
        "--include-code", action="store_true", help="show the notebooks' code in the pages"
    )
    bld.add_argument("--data-dir", help=data_help)
    bld.add_argument("--no-figures", action="store_true", help="do not write figures/")
    bld.add_argument("--quiet", action="store_true", help="no progress bar")
    bld.add_argument(
        "--no-wait",
        action="store_true",
        help="when another build is writing the same --out, exit 1 at once instead of waiting",
    )
    bld.set_defaults(func=cmd_build)

    add = sub.add_parser(
        "add-document",
        help="add a document: its sources.csv row and candidate figures; --accept moves "
        "the curated candidates into the data",
        description="Step 1: `add-document PATH --lang L --id ID` pins the text (SHA-256), "
        "writes its sources.csv row and data/candidates/ID.csv, one candidate per number, "
        "number word, vague word, rank and date the text states. Step 2, after editing the "
        "candidates: `add-document --accept ID` moves them into figures.csv, events.csv, "
        "primary_checks.csv and left_out.csv and runs the validator. See data/README.md.",
    )
    add.add_argument("path", nargs="?", metavar="PATH", help="the document's text (UTF-8)")
    add.add_argument("--lang", choices=LANGUAGES, help="the document's language")
    add.add_argument("--id", help="its document_id, e.g. en-wire-ncmec-2024")
    add.add_argument(
        "--accept", metavar="ID", help="move the curated candidates of document ID into the data"
    )
    add.add_argument(
        "--force",
        action="store_true",
        help="overwrite a candidates file that holds edits, or re-pin a changed text",
    )
    add.add_argument("--data-dir", help=data_help)
    add.add_argument(
        "--sources-dir",
        help=f"folder of the documents' texts, where PATH is copied {sources_default}",
    )
    add.set_defaults(func=cmd_add_document)

    gal = sub.add_parser(
        "gallery",
        help="draw every chart kind in en, fr and ar (SVG, PNG) with an index page",
        description="Draw every chart kind in every language from the data, to look at them.",
    )
    gal.add_argument(
        "--out",
        default=str(paths.REPORTS_DIR / "gallery"),
        help="output folder (default: reports/gallery)",
    )
    gal.add_argument("--data-dir", help=data_help)
    gal.set_defaults(func=cmd_gallery)
    return parser


def _positive(text: str) -> int:
    """argparse type: a whole number from 1."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{echo(text)} is not a whole number from 1")
    return number


def _seconds(text: str) -> float:
    """argparse type: a number of seconds, 0 or more."""
    try:
        number = float(text)
    except ValueError:
        number = -1.0
    if not number >= 0 or number == float("inf"):
        raise argparse.ArgumentTypeError(f"{echo(text)} is not a number of seconds (0 or more)")
    return number


#: The options naming an input folder, resolved to absolute paths for every command.
PATH_OPTIONS = ("data_dir", "sources_dir", "external_dir", "path")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (see :mod:`tspolicy.errors`)."""
    args = build_parser().parse_args(argv)
    # Folders named relative to where the command runs, made absolute once: a build runs its
    # notebooks in notebooks/, where `--data-dir data` would name another folder.
    for option in PATH_OPTIONS:
        if getattr(args, option, None) is not None:
            setattr(args, option, str(Path(getattr(args, option)).resolve()))
    try:
        return args.func(args)
    except BrokenPipeError:  # `tspolicy corroborate | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (Exception, KeyboardInterrupt) as exc:  # what each exits with: tspolicy.errors
        status = exit_status(exc)
        if os.environ.get("TSPOLICY_DEBUG") and not isinstance(
            exc, TspolicyError | KeyboardInterrupt
        ):
            raise
        print(f"tspolicy: {describe(exc)}", file=sys.stderr)
        return status


def run() -> None:
    """The ``tspolicy`` program (and ``python -m tspolicy``): :func:`main` in a process of
    its own, which skips the imports none of its commands needs (:mod:`tspolicy.startup`)."""
    from .startup import skip_unneeded_imports

    skip_unneeded_imports()
    raise SystemExit(main())
