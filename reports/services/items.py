"""The phone's outbox: one report per item, however often it is sent (issue 22).

An item is what the collaborator filled in offline, sent as the report form's
own post with its ``client_id`` (see :mod:`dluan.outbox`). Its sends take turns,
and what each comes to is decided before anything is written.
"""

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Value, When

from collaborators.models import Collaborator
from dluan.models import User
from dluan.outbox import lock_item
from dluan.uploads import CheckedFile
from reports.models import OpinionReport

from .filing import report_file


class Sent:
    """What became of one send of an item (a form post with a client id)."""

    CREATED = "created"  # saved: the draft, or the submission
    DUPLICATE = "duplicate"  # the same item arrived before: nothing done again
    CHANGED = "changed"  # sent already with other content: refused, not merged
    CONFLICT = "conflict"  # the draft changed on the server since the form


@dataclass
class ItemResult:
    outcome: str
    report: OpinionReport


def _new_files(
    report: OpinionReport, files: Iterable[CheckedFile], *, same: bool
) -> list[CheckedFile]:
    """The files not on ``report`` already: an item's photos count once, however
    often it is sent. ``same``: this content was saved last, files included."""
    if same:
        return []
    files = list(files)
    if not files:
        return files
    present = set()
    for attachment in report.attachments.present():
        with attachment.file.open("rb") as stored:
            present.add(_sha256(stored))
    return [f for f in files if _sha256(f.file) not in present]


def _sha256(file) -> str:
    """Of a checked upload (as it is stored: location data already removed)."""
    file.seek(0)
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def version_token(report: OpinionReport) -> str:
    """The draft's version as the form carries it (``base_version``): any change
    on the server since the form was shown, the author's or staff's, changes it."""
    return str(report.version)


def report_item_target(
    *,
    author: Collaborator,
    client_id: uuid.UUID | None,
    report: OpinionReport | None = None,
    for_update: bool = False,
) -> OpinionReport | None:
    """The report an item's send is about: the one of its URL, else the author's
    report made under its client id, else none (a new report)."""
    reports = OpinionReport.objects.all()
    if for_update:
        reports = reports.select_for_update()
    if report is not None:
        return reports.get(pk=report.pk)
    if client_id is None:
        return None
    return reports.filter(author=author, client_id=client_id).first()


def report_item_find(
    *, author: Collaborator, client_id: uuid.UUID
) -> tuple[OpinionReport | None, bool]:
    """The author's report made under an item's ``client_id`` (or None), and
    whether, lacking one, another collaborator's report has it: one read."""
    found = (
        OpinionReport.objects.filter(client_id=client_id)
        .order_by(Case(When(author=author, then=Value(0)), default=Value(1)))
        .first()
    )
    if found is None or found.author_id == author.pk:
        return found, False
    return None, True


def report_item_outcome(
    *,
    target: OpinionReport | None,
    client_id: uuid.UUID,
    digest: str,
    base_version: str | None,
    submit: bool,
) -> str | None:
    """What a send of an item comes to before anything is written, or None when
    it is to be saved. A report no longer editable answers its own item only
    (the caller answers 404 to any other)."""
    if target is None:
        return None
    same = target.client_id == client_id and target.content_digest == digest
    if not target.is_editable_by_author:
        return Sent.DUPLICATE if same else Sent.CHANGED
    # Returned since this item was submitted: its answer would change the
    # content, so the same content is the submission's repeat.
    returned = target.status == OpinionReport.Status.RETURNED
    if same and (returned or not submit):
        return Sent.DUPLICATE
    if not same and base_version is not None and base_version != version_token(target):
        return Sent.CONFLICT
    return None


def report_file_item(
    *,
    author: Collaborator,
    user: User,
    client_id: uuid.UUID,
    digest: str,
    base_version: str | None = None,
    report: OpinionReport | None = None,
    data: dict,
    topics=None,
    streams: list[dict] | None = None,
    files: Iterable[CheckedFile] = (),
    submit: bool = False,
    answer: str = "",
    confirm_balance: bool = False,
    keep_refused: bool = True,
) -> ItemResult:
    """File one item of a collaborator's outbox (or a form post) exactly once.

    The sends of one item (``author``, ``client_id``) take turns. A repeat with
    the same content (``digest``) returns the report it made; one with other
    content is refused once the report is sent (``changed``), and updates it
    while it is a draft of theirs; a draft changed on the server since the form
    was shown (``base_version``) is left as it is (``conflict``). When the same
    content is now submitted, its files are not added a second time. A refusal
    by validation raises; with ``keep_refused`` False nothing of it is saved,
    else what was written stays as a draft as :func:`report_file` keeps it.
    """
    refusal = None
    with transaction.atomic():
        lock_item("report", author.pk, client_id)
        target = report_item_target(
            author=author, client_id=client_id, report=report, for_update=True
        )
        outcome = report_item_outcome(
            target=target,
            client_id=client_id,
            digest=digest,
            base_version=base_version,
            submit=submit,
        )
        if outcome is not None:
            return ItemResult(outcome, target)
        if target is not None and target.client_id == client_id:
            # The same item sent again: what it sent before is on the report.
            files = _new_files(target, files, same=target.content_digest == digest)
        claim = client_id
        if target is not None and target.client_id != client_id:
            taken = OpinionReport.objects.filter(author=author, client_id=client_id)
            claim = None if taken.exists() else client_id
        try:
            saved = report_file(
                author=author,
                user=user,
                report=target,
                data=data,
                topics=topics,
                streams=streams,
                files=files,
                submit=submit,
                answer=answer,
                confirm_balance=confirm_balance,
                client_id=claim,
                digest=digest,
                locked=True,
            )
        except ValidationError as error:
            if not keep_refused:
                raise  # out of the transaction: nothing of this send stays
            refusal = error
    if refusal is not None:
        raise refusal
    return ItemResult(Sent.CREATED, saved)
