"""Importing a CSV file of leads, for admins: upload it, map its columns over a preview, dry run, import,
then download the rows refused. The upload waits in the data dir (`imports/`) until it is imported."""

from __future__ import annotations

import re
import secrets
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from leadsmanager.application.imports import FIELDS, CsvImport, ImportCsv, ImportSummary
from leadsmanager.domain.errors import NotFound, ValidationError
from leadsmanager.domain.roles import Permission
from leadsmanager.entrypoints.formats.import_errors import refusal_lines
from leadsmanager.entrypoints.http.bodies import posted_form
from leadsmanager.entrypoints.http.context import container
from leadsmanager.entrypoints.web.context import redirect, render, require, verified_form
from leadsmanager.entrypoints.web.i18n.messages import refusal, translate

UPLOAD_PATH = "/imports/csv"
_UPLOAD_ID = re.compile(r"[0-9a-f]{32}")
_FILE_HASH = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1024 * 1024


def upload_page(request: Request) -> Response:
    require(request, Permission.IMPORT_LEADS)
    limit = container(request).settings().import_max_bytes
    # Sent back here by the body limit (`security.BodyLimit`), which read no more of the file than that.
    too_large = request.query_params.get("refused") == "too-large"
    return render(request, "import_upload.html", limit=limit, too_large=too_large)


def upload(request: Request) -> Response:
    require(request, Permission.IMPORT_LEADS)
    verified_form(request)
    sent = posted_form(request).get("file")
    if not isinstance(sent, UploadFile) or not sent.filename:
        raise ValidationError("choose a CSV file to upload", {"file": "choose a file"})
    upload_id = secrets.token_hex(16)
    folder = _uploads(request)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{upload_id}.csv").open("wb") as kept:
        shutil.copyfileobj(sent.file, kept, _CHUNK)
    (folder / f"{upload_id}.name").write_text(Path(sent.filename).name[:200], encoding="utf-8")
    request.path_params["upload_id"] = upload_id
    try:
        _importer(request).preview(_source(request, {}))
    except ValidationError as e:  # not kept: the page says why, and another file may be chosen
        _forget(request, upload_id)
        limit = container(request).settings().import_max_bytes
        return render(request, "import_upload.html", status_code=400, limit=limit, error=refusal(request, e))
    return redirect(request, f"{UPLOAD_PATH}/{upload_id}")


def mapping_page(request: Request) -> Response:
    require(request, Permission.IMPORT_LEADS)
    source = _source(request, {})
    return _mapping(request, source, _importer(request).preview(source).suggested)


def run(request: Request) -> Response:
    actor = require(request, Permission.IMPORT_LEADS)
    form = verified_form(request)
    chosen = {key.removeprefix("column:"): value for key, value in form.items() if key.startswith("column:")}
    source = _source(request, chosen, form.get("separator") or None)
    importer = _importer(request)
    if form.get("action") != "import":
        summary = importer(source, by=actor, dry_run=True)
        return _mapping(request, source, chosen, dry_run=summary)
    summary = importer(source, by=actor)
    _forget(request, request.path_params["upload_id"])
    imported = translate(request, "%(file)s imported") % {"file": source.file_name}
    return redirect(request, f"{UPLOAD_PATH}/done/{summary.file_hash}", imported)


def done_page(request: Request) -> Response:
    require(request, Permission.IMPORT_LEADS)
    stored = _importer(request).stored(_file_hash(request))
    if stored is None:
        raise NotFound("no such import")
    return render(request, "import_done.html", imported=stored)


def errors_csv(request: Request) -> Response:
    require(request, Permission.IMPORT_LEADS)
    importer = _importer(request)
    stored = importer.stored(_file_hash(request))
    if stored is None:
        raise NotFound("no such import")

    def lines() -> Iterator[str]:
        yield "\ufeff"
        # In the file's own separator, as `import csv --errors` writes it: a Spanish Excel's `;` file reads
        # its refused rows back into columns.
        for line in refusal_lines(stored.columns, importer.refusals(stored.file_hash)):
            yield stored.separator.join(_quoted(cell) for cell in line) + "\r\n"

    name = Path(stored.file_name).stem + "-refused.csv"
    headers = {"Content-Disposition": f'attachment; filename="{_safe_name(name)}"'}
    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8", headers=headers)


def _mapping(
    request: Request, source: CsvImport, chosen: Mapping[str, str], dry_run: ImportSummary | None = None
) -> Response:
    preview = _importer(request).preview(source)
    return render(
        request,
        "import_mapping.html",
        upload_id=request.path_params["upload_id"],
        file_name=source.file_name,
        preview=preview,
        chosen={**preview.suggested, **chosen},
        fields=FIELDS,
        dry_run=dry_run,
    )


def _importer(request: Request) -> ImportCsv:
    importer: ImportCsv = container(request).use_cases.import_csv()
    return importer


def _uploads(request: Request) -> Path:
    data_dir: Path = container(request).settings().data_dir
    return data_dir / "imports"


def _source(request: Request, mapping: dict[str, str], separator: str | None = None) -> CsvImport:
    upload_id = request.path_params["upload_id"]
    if not _UPLOAD_ID.fullmatch(upload_id):
        raise NotFound("no such upload")
    path = _uploads(request) / f"{upload_id}.csv"
    if not path.exists():
        raise NotFound("no such upload: it was imported already, or never uploaded")
    name = (_uploads(request) / f"{upload_id}.name").read_text(encoding="utf-8")

    def open_file() -> BinaryIO:
        return path.open("rb")

    return CsvImport(open_file, name, mapping, separator if separator in (",", ";") else None)


def _forget(request: Request, upload_id: str) -> None:
    for suffix in (".csv", ".name"):
        (_uploads(request) / f"{upload_id}{suffix}").unlink(missing_ok=True)


def _file_hash(request: Request) -> str:
    file_hash: str = request.path_params["file_hash"]
    if not _FILE_HASH.fullmatch(file_hash):
        raise NotFound("no such import")
    return file_hash


def _quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:100] or "refused.csv"


routes = [
    Route(UPLOAD_PATH, upload_page, methods=["GET"]),
    Route(UPLOAD_PATH, upload, methods=["POST"]),
    Route(UPLOAD_PATH + "/done/{file_hash:str}", done_page, methods=["GET"]),
    Route(UPLOAD_PATH + "/done/{file_hash:str}/refused.csv", errors_csv, methods=["GET"]),
    Route(UPLOAD_PATH + "/{upload_id:str}", mapping_page, methods=["GET"]),
    Route(UPLOAD_PATH + "/{upload_id:str}", run, methods=["POST"]),
]
