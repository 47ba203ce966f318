"""How the CLI shows its results: rich tables and text, built from plain data, printed by cli.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich import box
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from copier_rust_api.checks import CargoStep
from copier_rust_api.doctor import Check, Status
from copier_rust_api.matrix import Variant
from copier_rust_api.update import UpdateReport
from copier_rust_api.verify import VariantReport


def answer_text(value: object) -> str:
    """An answer as the user types it: `true`/`false` for booleans."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- rust-api matrix ------------------------------------------------------------------------


def header(key: str, value_width: int) -> str:
    """A column title: the key, on two lines at its `_` when it is wider than its values."""
    return key.replace("_", "_\n", 1) if len(key) > value_width else key


def variants_table(variants: Sequence[Variant], keys: Sequence[str], width: int = 80) -> Table:
    """One row per variant: its number, its slug, then its answer to each of `keys`.

    An answer the same in every row is said once, under the table, instead of in a column. The
    table fits in `width` columns without cutting a value: when the slug does not fit beside
    the answers (it only repeats them), it is left out.
    """
    constant = [key for key in keys if len({repr(v.answers[key]) for v in variants}) == 1]
    shown = [key for key in keys if key not in constant] if len(variants) > 1 else list(keys)
    rows = [[answer_text(variant.answers[key]) for key in shown] for variant in variants]
    headers = [header(key, max(len(row[i]) for row in rows)) for i, key in enumerate(shown)]
    widths = [
        max([*map(len, title.splitlines()), *(len(row[i]) for row in rows)])
        for i, title in enumerate(headers)
    ]
    slug_width = max([len("slug"), *(len(variant.slug) for variant in variants)])
    # The columns are one space apart, with none at the edges.
    answers_width = len(str(len(variants))) + sum(widths) + len(shown)
    with_slug = answers_width + slug_width + 1 <= width
    caption = ", ".join(
        f"{key}={answer_text(variants[0].answers[key])}" for key in keys if key not in shown
    )
    table = Table(
        box=box.SIMPLE_HEAD,
        padding=0,
        show_edge=False,
        caption=f"every row: {caption}" if caption else None,
        caption_justify="left",
    )
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    if with_slug:
        table.add_column("slug", no_wrap=True, style="cyan")
    for title in headers:
        table.add_column(title, no_wrap=True)
    for number, (variant, row) in enumerate(zip(variants, rows, strict=True), start=1):
        slug = [variant.slug] if with_slug else []
        table.add_row(str(number), *slug, *row)
    return table


def axes_summary(axes: dict[str, tuple[Any, ...]], combinations: int, distinct: int) -> str:
    """`framework (1) x database (2) x ... = 64 combinations; 8 distinct Rust projects`."""
    factors = " x ".join(f"{name} ({len(values)})" for name, values in axes.items())
    return (
        f"{factors} = [bold]{combinations}[/] combinations; "
        f"[bold]{distinct}[/] distinct Rust projects (the rest differ only in files such as "
        "the Dockerfile, CI workflow or license)"
    )


# --- rust-api verify ------------------------------------------------------------------------

_STEP_CELL = {True: Text("ok", style="green"), False: Text("FAILED", style="bold red")}
_SKIPPED = Text("skipped", style="dim")


def verify_table(reports: Sequence[VariantReport], steps: Sequence[CargoStep]) -> Table:
    """One row per variant: each step's outcome, the time taken, and the overall result."""
    table = Table(title="rust-api verify", title_justify="left")
    table.add_column("variant", no_wrap=True, style="cyan")
    for step in steps:
        table.add_column(step.name, no_wrap=True)
    table.add_column("time", justify="right", no_wrap=True)
    table.add_column("result", no_wrap=True)
    for report in reports:
        cells: list[Text] = []
        for step in steps:
            result = report.result_of(step)
            cells.append(_SKIPPED if result is None else _STEP_CELL[result.ok])
        if report.render_error is not None:
            verdict = Text("RENDER FAILED", style="bold red")
        else:
            verdict = Text("passed", style="green") if report.ok else Text("FAILED", "bold red")
        table.add_row(report.variant.slug, *cells, f"{report.seconds:.1f}s", verdict)
    return table


def verify_totals(reports: Sequence[VariantReport]) -> str:
    failed = sum(not report.ok for report in reports)
    passed = len(reports) - failed
    seconds = sum(report.seconds for report in reports)
    colour = "red" if failed else "green"
    return (
        f"[bold {colour}]{passed} of {len(reports)} variants passed[/]"
        f"{f', [bold red]{failed} failed[/]' if failed else ''} "
        f"({seconds:.1f}s of work)"
    )


# --- rust-api doctor ------------------------------------------------------------------------

_STATUS_CELL = {
    Status.OK: Text("ok", style="green"),
    Status.WARNING: Text("warning", style="yellow"),
    Status.MISSING: Text("MISSING", style="bold red"),
}


def doctor_table(results: Sequence[Check]) -> Table:
    table = Table(title="rust-api doctor", title_justify="left")
    table.add_column("check", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("found")
    table.add_column("what to do")
    for check in results:
        name = f"{check.name} (required)" if check.required else check.name
        table.add_row(name, _STATUS_CELL[check.status], escape(check.found), escape(check.fix))
    return table


# --- rust-api update ------------------------------------------------------------------------

_CHANGE_STYLE = {"?": "green", "A": "green", "D": "red", "M": "yellow", "R": "yellow"}


def change_lines(report: UpdateReport) -> list[str]:
    """`  M  config/base.yaml` per changed path, conflicts marked, in rich markup."""
    lines = []
    conflicts = set(report.conflicts)
    for change in report.changes:
        code = change.status.strip()
        style = "bold red" if change.path in conflicts else _CHANGE_STYLE.get(code[:1], "")
        label = "new" if code == "??" else code
        suffix = "  [bold red](conflict)[/]" if change.path in conflicts else ""
        path = escape(change.path)
        lines.append(
            f"  [{style}]{label:<3}[/] {path}{suffix}" if style else f"  {label:<3} {path}"
        )
    return lines
