"""The ``kanban export`` and ``kanban import`` console commands."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from kanban.errors import ServiceError
from kanban.extensions import db
from kanban.folding import fold
from kanban.i18n import team_or_default_language
from kanban.models import Pipeline, Stage, User
from kanban.permissions import can_export
from kanban.private_files import open_private_file
from kanban.services.exports import record_export
from kanban.services.queries import LeadFilter
from kanban.tables.reading import CsvProblem, open_table
from kanban_csv.cleanup import remove_stale_exports, remove_stale_uploads
from kanban_csv.export import (
    DEFAULT_COLUMNS,
    count_leads,
    export_formats,
    header_of,
    iter_rows,
    resolve_columns,
)
from kanban_csv.importer import (
    ImportReport,
    ImportSettings,
    count_lines,
    rejected_csv,
    run_import,
)
from kanban_csv.mapping import TARGETS, guess_mapping

PRINTED_REJECTED = 20  # rejected rows printed; the report file holds them all


def find_user(value: str) -> User:
    user = (db.session.get(User, int(value)) if value.isdigit() else
            db.session.scalar(select(User).where(func.lower(User.email) == value.lower())))
    if user is None:
        raise click.BadParameter(
            _("There is no user %(value)s (give an id or an email).", value=repr(value)))
    return user


def find_stage(value: str, pipeline_id: int | None) -> Stage:
    if value.isdigit():
        stage = db.session.get(Stage, int(value))
    else:
        statement = select(Stage)
        if pipeline_id is not None:
            statement = statement.where(Stage.pipeline_id == pipeline_id)
        stage = _named(db.session.scalars(
            statement.order_by(Stage.pipeline_id, Stage.position)), value)
    if stage is None:
        raise click.BadParameter(
            _("There is no stage %(value)s (give an id or a name).", value=repr(value)))
    return stage


def find_pipeline(value: str | None) -> int | None:
    if not value:
        return None
    pipeline = (db.session.get(Pipeline, int(value)) if value.isdigit() else
                _named(db.session.scalars(select(Pipeline).order_by(Pipeline.position)), value))
    if pipeline is None:
        raise click.BadParameter(
            _("There is no pipeline %(value)s (give an id or a name).", value=repr(value)))
    return pipeline.id


def _named(candidates: Iterable[Any], name: str) -> Any:
    """The first of ``candidates`` with this name, whatever its case and accents, in any
    alphabet ("новые" is the stage "Новые"): the database's lower() folds ASCII only."""
    wanted = fold(name)
    return next((item for item in candidates if fold(item.name) == wanted), None)


@click.command("export")
@click.argument("output", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "format_key", default="excel", show_default=True,
              help="excel, csv, tsv, or a format another plugin adds.")
@click.option("--locale", help="Language of the numbers for the Excel preset (pt, it, es, ru, "
                               "de, fr use ;); the team's (KANBAN_LANGUAGE) if not given.")
@click.option("--columns", default=",".join(DEFAULT_COLUMNS), show_default=True,
              help="Comma-separated columns; custom fields as custom:<name>.")
@click.option("--pipeline", help="Pipeline id or name.")
@click.option("--stage", help="Stage id or name.")
@click.option("--owner", help="Owner id or email.")
@click.option("--tag")
@click.option("--status", help="open, won, lost, cancelled, closed or all.")
@click.option("--q", "text", help="Text searched in title, company, contact, email, phone.")
@click.option("--created-from", help="First creation day, e.g. 2026-01-01.")
@click.option("--created-to", help="Last creation day, e.g. 2026-03-31.")
@click.option("--as", "as_user",
              help="Id or email of the person taking the export: their role must be allowed "
                   "to export, and the record of exports names them.")
def export_command(output, format_key, locale, columns, pipeline, stage, owner, tag, status,
                   text, created_from, created_to, as_user):
    """Export leads to a spreadsheet file, with the board's filters."""
    person = find_user(as_user) if as_user else None
    if person is not None and not can_export(person):
        raise click.ClickException(_(
            "%(email)s is %(role)s; exports are kept to: %(roles)s (the EXPORT_ROLES setting).",
            email=person.email, role=person.role,
            roles=", ".join(current_app.config["EXPORT_ROLES"])))
    formats = export_formats()
    if format_key not in formats:
        raise click.BadParameter(_("Use one of: %(choices)s.", choices=", ".join(formats)),
                                 param_hint="--format")
    pipeline_id = find_pipeline(pipeline)
    args = {"tag": tag, "status": status, "q": text, "created_from": created_from,
            "created_to": created_to, "pipeline": pipeline_id,
            "stage": find_stage(stage, pipeline_id).id if stage else None,
            "owner": find_user(owner).id if owner else None}
    try:
        filters = LeadFilter.from_args({k: str(v) for k, v in args.items() if v is not None})
    except ServiceError as exc:
        said = "; ".join(f"--{name.removesuffix('_id').replace('_', '-')}: {message}"
                         for name, message in exc.fields.items())
        raise click.UsageError(said or exc.message) from None
    chosen = resolve_columns([c.strip() for c in columns.split(",") if c.strip()])
    if not chosen:
        raise click.BadParameter(_("Choose at least one known column."), param_hint="--columns")
    fmt = formats[format_key]
    total = count_leads(filters)
    record_export(user=person, filters=filters.to_args(), row_count=total, format=fmt.key,
                  via="command")
    from kanban.cli.progress import ProgressBar  # only a command with a bar waits for tqdm

    with ProgressBar(_("Leads written"), total) as bar:
        rows = bar_rows(iter_rows(filters, chosen), bar)
        chunks = fmt.render(header_of(chosen), rows,
                            {"locale": locale or team_or_default_language()})
        with (click.open_file(output, "wb") if output == "-"
              else open_private_file(output)) as stream:
            for chunk in chunks:
                stream.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
    click.echo(ngettext("Exported %(num)d lead to %(path)s.", "Exported %(num)d leads to %(path)s.",
                        total, path=output), err=output == "-")


def bar_rows(rows, bar):
    for count, row in enumerate(rows, start=1):
        yield row
        if count % 500 == 0:
            bar.update(500)
    bar.update(bar.total - bar.n if bar.total else 0)


@click.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--stage", required=True, help="Stage id or name the new leads go to.")
@click.option("--pipeline", help="Pipeline id or name (to find the stage by name).")
@click.option("--owner", "owners", multiple=True,
              help="Owner id or email; repeat to share the leads in turn (round-robin).")
@click.option("--tag", "tags", multiple=True, help="Tag for every new lead; repeatable.")
@click.option("--encoding", help="The file's encoding (detected when left out).")
@click.option("--delimiter", help="The separator (sniffed when left out); use 'tab' for tabs.")
@click.option("--map", "mappings", multiple=True, metavar="COLUMN=FIELD",
              help=f"Correct a guessed column; fields: {', '.join(TARGETS)}.")
@click.option("--dry-run", is_flag=True, help="Report what would happen; create nothing.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the rejected rows (with reasons) to this CSV file.")
def import_command(source, stage, pipeline, owners, tags, encoding, delimiter, mappings,
                   dry_run, report_path):
    """Import a prospect list (CSV) as leads, leaving out duplicates and invalid rows."""
    if delimiter == "tab":
        delimiter = "\t"
    try:
        table = open_table(source, encoding, delimiter)
    except CsvProblem as problem:
        raise click.ClickException(problem.message) from None
    mapping = guess_mapping(table.header)
    lowered = [name.lower() for name in table.header]
    for item in mappings:
        column, _sep, target = item.rpartition("=")
        if column.lower() not in lowered or target not in TARGETS:
            raise click.BadParameter(_(
                "%(mapping)s: use COLUMN=FIELD with a column of the file and one of "
                "%(fields)s.", mapping=repr(item), fields=", ".join(TARGETS)), param_hint="--map")
        mapping[lowered.index(column.lower())] = target
    click.echo(_("Columns") + " (--map): " + ", ".join(
        f"{n} -> {t}" for n, t in zip(table.header, mapping, strict=True)))
    settings = ImportSettings(
        mapping=mapping,
        stage=find_stage(stage, find_pipeline(pipeline)),
        owner_ids=[find_user(owner).id for owner in owners],
        tags=list(tags),
        source=f"import: {source.name}"[:120],
    )
    from kanban.cli.progress import ProgressBar

    with ProgressBar(_("Rows read")) as bar:
        try:
            report = run_import(table, settings, user=None, dry_run=dry_run, progress=bar.update)
        except CsvProblem as problem:
            raise click.ClickException(problem.message) from None
    for line in summary_lines(report, settings.stage):
        click.echo(line)
    if report_path is not None:
        with io.TextIOWrapper(open_private_file(report_path), encoding="utf-8",
                              newline="") as stream:
            for chunk in rejected_csv(report.rejected, table.header):
                stream.write(chunk)
        click.echo(_("Rejected rows written to %(path)s.", path=report_path))
    if report.failure:
        raise click.ClickException(report.failure)
    current_app.logger.info("Imported %s: %s", source, report.counts())


def summary_lines(report: ImportReport, stage: Stage) -> list[str]:
    """What the import did, in the team's language and the import page's words."""
    lines = count_lines(report, stage)
    for item in report.rejected[:PRINTED_REJECTED]:
        problem = _("duplicate") if item.problem == "duplicate" else _("invalid")
        column = f" {item.column}" if item.column else ""
        lines.append(f"  {_('Row')} {item.row} ({problem}){column}: {item.reason}")
    if len(report.rejected) > PRINTED_REJECTED:
        lines.append("  " + _("… and %(count)s more.",
                              count=format_number(len(report.rejected) - PRINTED_REJECTED)))
    return lines


@click.command("csv-cleanup")
@with_appcontext
def cleanup_command() -> None:
    """Remove uploaded CSV files that waited more than a day without being imported, and
    exports prepared in the background more than a day ago."""
    click.echo(_("Removed %(uploads)d unimported upload(s) and %(exports)d prepared export(s).",
                 uploads=remove_stale_uploads(), exports=remove_stale_exports()))
