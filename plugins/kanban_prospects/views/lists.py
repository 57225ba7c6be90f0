"""The lists' pages: all lists with their progress, a new list (typed or imported), one
list as a spreadsheet, its export."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from kanban import jobs
from kanban.api.helpers import MAX_ID, whole_number
from kanban.auth import csrf_exempt
from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.form_tokens import saved_once
from kanban.permissions import can, require, require_export
from kanban.services.exports import record_export
from kanban.services.users import active_users
from kanban.tables.delimited import builtin_formats
from kanban.tables.reading import ENCODINGS, CsvProblem, estimated_rows, open_table
from kanban.text import machine_text
from kanban.uploads import accept_upload
from kanban_prospects import uploads
from kanban_prospects.export import export_rows, row_count
from kanban_prospects.jobs import IMPORT, inline_rows
from kanban_prospects.lists import (
    EXTRA,
    RowQuery,
    add_rows,
    all_lists,
    clean_name,
    columns_from,
    create_list,
    find_rows,
    get_list,
    guess_fields,
    import_table,
    targets,
)
from kanban_prospects.models import ProspectRow
from kanban_prospects.progress import progress_of
from kanban_prospects.views import bp
from kanban_prospects.working import REASONS, STATUS_NAMES, assign, delete_list

DEFAULT_COLUMNS = ("company", "contact_name", "phone", "email")


def index_page(errors: dict[str, str] | None = None, typed: dict[str, str] | None = None,
               status: int = 200):
    lists = all_lists()
    return render_template(
        "prospects/index.html", page="prospects", lists=lists,
        progress=progress_of([plist.id for plist in lists]), errors=errors or {},
        typed=typed or {}, encodings=ENCODINGS,
        default_columns="\n".join(str(targets()[name]) for name in DEFAULT_COLUMNS),
    ), status


@bp.get("/")
def index():
    return index_page()


@bp.post("/")
@saved_once
def create():
    names = [line.strip() for line in request.form.get("columns", "").splitlines()
             if line.strip()]
    fields = guess_fields(names)
    try:
        plist = create_list(request.form.get("name"), columns_from(names, fields),
                            user=current_user)
    except ValidationError as exc:
        return index_page(exc.fields, request.form.to_dict(), 422)
    return redirect(url_for("prospects.show", list_id=plist.id))


@bp.post("/import")
@csrf_exempt  # checked below, once the upload limit is raised for this view
@machine_text
def upload():
    require(current_user, "lead.create")
    try:
        accept_upload(uploads.max_bytes())
        token = uploads.store(request.files.get("file"))
        open_table(uploads.path_of(token), request.form.get("encoding") or None)
    except RequestEntityTooLarge:  # the form is not read: only the file's field can tell
        return index_page({"file": uploads.too_large_message()}, {}, 413)
    except ValidationError as exc:
        return index_page(exc.fields, request.form.to_dict(), 422)
    except CsvProblem as problem:
        return index_page({"file": problem.message}, request.form.to_dict(), 422)
    name = request.form.get("name") or (request.files["file"].filename or "").rsplit(".", 1)[0]
    return redirect(url_for("prospects.mapping", token=token, name=name[:200],
                            encoding=request.form.get("encoding") or None))


def _mapping_page(token: str, errors: dict[str, str], status: int = 200):
    try:
        table = open_table(uploads.path_of(token), request.args.get("encoding") or None)
    except CsvProblem as problem:
        return index_page({"file": problem.message}, {}, 422)
    chosen = [request.form.get(f"column-{i}") for i in range(len(table.header))]
    fields = ([field if field in targets() else EXTRA for field in chosen]
              if request.method == "POST" else guess_fields(table.header))
    return render_template(
        "prospects/mapping.html", page="prospects", sheet=table, fields=fields,
        targets=targets(), errors=errors, token=token,
        name=request.form.get("name", request.args.get("name", "")),
    ), status


@bp.get("/import/<token>")
def mapping(token: str):
    require(current_user, "lead.create")
    return _mapping_page(token, {})


@bp.post("/import/<token>")
@machine_text
def import_into_list(token: str):
    require(current_user, "lead.create")
    went = uploads.where_it_went(token)
    if went is not None:  # a second click after the first one's import
        return redirect(url_for("prospects.show", list_id=went), 303)
    if uploads.TOKEN.fullmatch(token) and uploads.being_imported(token).exists():
        flash(_("This file is being imported already; its list appears below."), "info")
        return redirect(url_for("prospects.index"), 303)
    try:
        table = open_table(uploads.path_of(token), request.args.get("encoding") or None)
        fields = [request.form.get(f"column-{i}", EXTRA) for i in range(len(table.header))]
        if any(field not in targets() for field in fields):
            raise ValidationError(_("Some fields need your attention."),
                                  fields={"columns": _("Choose what each column holds.")})
        columns = columns_from(table.header, fields)
        name = clean_name(request.form.get("name"))
    except CsvProblem as problem:
        return _mapping_page(token, {"file": problem.message}, 422)
    except ValidationError as exc:
        return _mapping_page(token, exc.fields, 422)
    path = uploads.claim(token)
    table.path = path
    try:
        plist = create_list(name, columns, user=current_user)
        if estimated_rows(path) > inline_rows():
            job = jobs.start(IMPORT, {"list_id": plist.id, "token": token, "fields": fields,
                                      "encoding": table.encoding}, user=current_user)
            return redirect(url_for("web.show_job", job_id=job.id), 303)
        added = import_table(plist, table, fields, user=current_user)
    except BaseException:
        uploads.give_back(token)
        raise
    uploads.imported(token, plist.id)
    flash(_("%(list)s: rows imported: %(num)d.", list=plist.name, num=added), "success")
    return redirect(url_for("prospects.show", list_id=plist.id), 303)


@bp.get("/<int:list_id>")
def show(list_id: int):
    plist = get_list(list_id)
    try:
        query = RowQuery.from_args(request.args, plist)
        errors: dict[str, str] = {}
    except ValidationError as exc:
        query, errors = RowQuery(), exc.fields
    found = find_rows(plist, query)
    team = active_users()
    return render_template(
        "prospects/list.html", page="prospects", plist=plist, query=query, found=found,
        progress=progress_of([plist.id])[plist.id], statuses=STATUS_NAMES, reasons=REASONS,
        people=team if can(current_user, "lead.reassign") else [],
        formats=builtin_formats(), errors=errors,
        users={person.id: person.name for person in team},
        may_delete=plist.owner_id == current_user.id or can(current_user, "lead.delete"),
    ), 400 if errors else 200


@bp.post("/<int:list_id>/rows")
@saved_once
def add_row(list_id: int):
    plist = get_list(list_id)
    cells = [request.form.get(f"cell-{i}", "") for i in range(len(plist.columns))]
    if not any(cell.strip() for cell in cells):
        flash(_("Fill in at least one column."), "error")
        return redirect(url_for("prospects.show", list_id=plist.id) + "#add-row")
    add_rows(plist, [cells], user=current_user)
    return redirect(url_for("prospects.show", list_id=plist.id, sort="", order="desc"))


@bp.post("/<int:list_id>/assign")
def assign_list(list_id: int):
    """Give the rows ticked on the page, or the whole list, to a salesperson."""
    plist = get_list(list_id)
    person = whole_number(request.form.get("assignee_id"), 1, MAX_ID)
    ticked = [number for value in request.form.getlist("row_id")
              if (number := whole_number(value, 1, MAX_ID)) is not None]
    if request.form.get("what") == "ticked":
        if not ticked:
            flash(_("Tick the rows to give first."), "error")
            return redirect(request.referrer or url_for("prospects.show", list_id=plist.id))
        rows = db.session.scalars(select(ProspectRow).where(
            ProspectRow.list_id == plist.id, ProspectRow.id.in_(ticked))).all()
        count = assign(list(rows), person, user=current_user)
    else:
        count = assign(plist, person, user=current_user)
    flash(_("Rows given: %(num)d.", num=count), "success")
    return redirect(url_for("prospects.show", list_id=plist.id))


@bp.post("/<int:list_id>/delete")
def delete(list_id: int):
    plist = get_list(list_id)
    delete_list(plist, user=current_user)
    flash(_("The list %(list)s is deleted; the leads made from it stay.", list=plist.name),
          "success")
    return redirect(url_for("prospects.index"))


@bp.get("/<int:list_id>/export")
def export(list_id: int):
    require_export(current_user)
    plist = get_list(list_id)
    formats = {fmt.key: fmt for fmt in builtin_formats()}
    fmt = formats.get(request.args.get("format") or "excel")
    if fmt is None:  # as the leads' export answers: no such file to give
        abort(404)
    header = [column["name"] for column in plist.columns] + [
        _("Status"), _("Call back on"), _("Reason"), _("Lead")]
    record_export(user=current_user, filters={"prospect_list": plist.id},
                  row_count=row_count(plist), format=fmt.key)
    body = fmt.render(header, export_rows(plist), {"locale": str(get_locale() or "en")})
    filename = f"prospects-{plist.id}.{fmt.extension}"
    return Response(stream_with_context(body), content_type=fmt.media_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})

