"""Service API: cases (list, open, read), messages, status, assignment, attachment download.

Every lookup goes through the selectors' visibility: a case the caller may not see answers
404 exactly like a missing one.
"""

from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile

from reservoir.core.api import Id, IdempotencyKey, Page, idempotent, paginate
from reservoir.core.errors import InvalidInput, NotFound
from reservoir.iam.models import Team, User
from reservoir.parties import selectors as party_selectors
from reservoir.sales.models import Product
from reservoir.support import selectors, services
from reservoir.support.enums import CaseChannel, CaseStatus, MessageAuthor, MessageVisibility
from reservoir.support.models import Case
from reservoir.support.permissions import require_worker
from reservoir.support.schemas import (
    AssignIn,
    CaseDetailOut,
    CaseIn,
    CaseOut,
    CaseQuery,
    MessageIn,
    MessageOut,
    StatusIn,
)

router = Router()


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


def _case(request: HttpRequest, case_id: int) -> Case:
    return selectors.get_case(actor=_actor(request), case_id=case_id)


def _detail(case: Case) -> Case:
    """The case reloaded with its SLA timers (attribute `timers`), as CaseDetailOut reads it."""
    case = Case.objects.select_related("party", "sla_policy").get(pk=case.pk)
    case.timers = [  # type: ignore[attr-defined]
        {
            "target": t.target,
            "due_at": t.due_at,
            "done_at": t.done_at,
            "state": t.state,
            "seconds_left": t.seconds_left,
            "paused_since": t.paused_since,
        }
        for t in selectors.sla_state(case)
    ]
    return case


@router.get("/cases", response=Page[CaseOut], summary="Cases you may see")
def list_cases(request: HttpRequest, filters: Query[CaseQuery]) -> dict[str, Any]:
    qs = (
        selectors.list_cases(
            actor=_actor(request),
            filters=selectors.CaseFilters(
                status=filters.status or "",
                type=filters.type or "",
                priority=filters.priority or "",
                channel=filters.channel or "",
                party_id=filters.party,
                assignee_id=filters.assignee,
                team_id=filters.team,
                unassigned=filters.unassigned,
                breached=filters.breached,
                search=filters.q or "",
            ),
        )
        .select_related(None)
        .select_related("party")
    )
    return paginate(qs, ("-id",), cursor=filters.cursor, limit=filters.limit)


@router.post("/cases", response={201: CaseDetailOut}, summary="Open a case")
@idempotent("support.case.create")
def create_case(
    request: HttpRequest, payload: CaseIn, idempotency_key: IdempotencyKey = None
) -> tuple[int, CaseDetailOut]:
    actor = _actor(request)
    try:
        party = party_selectors.get_party(actor=actor, party_id=payload.party_id)
    except NotFound as exc:
        raise InvalidInput(exc.message, field="party_id") from exc
    product = None
    if payload.product_id is not None:
        product = Product.objects.filter(pk=payload.product_id).first()
        if product is None:
            raise InvalidInput(
                _("No product with id %(id)s.") % {"id": payload.product_id}, field="product_id"
            )
    case = services.open_case(
        party=party,
        subject=payload.subject,
        body=payload.body,
        type=payload.type,
        priority=payload.priority,
        channel=payload.channel,
        category=payload.category,
        product=product,
        region=payload.region,
        by=actor,
    )
    return 201, CaseDetailOut.from_orm(_detail(case))


@router.get("/cases/{case_id}", response=CaseDetailOut, summary="One case with its SLA timers")
def get_case(request: HttpRequest, case_id: Id) -> Case:
    return _detail(_case(request, case_id))


@router.get("/cases/{case_id}/messages", response=list[MessageOut], summary="A case's messages")
def list_messages(request: HttpRequest, case_id: Id) -> list[Any]:
    case = _case(request, case_id)
    return list(selectors.case_messages(case, include_internal=True))


@router.post("/cases/{case_id}/messages", response={201: MessageOut}, summary="Reply, note or log")
@idempotent("support.case.message")
def add_message(
    request: HttpRequest, case_id: Id, payload: MessageIn, idempotency_key: IdempotencyKey = None
) -> tuple[int, Any]:
    case = _case(request, case_id)
    message = services.add_message(
        case,
        body=payload.body,
        by=_actor(request),
        author_kind=payload.author_kind,
        visibility=payload.visibility,
        channel=payload.channel,
    )
    return 201, MessageOut.from_orm(message)


@router.post(
    "/cases/{case_id}/files",
    response={201: MessageOut},
    summary="Attach files (multipart), with an optional message",
)
def attach_files(
    request: HttpRequest,
    case_id: Id,
    files: File[list[UploadedFile]],
    body: Form[str] = "",
    visibility: Form[MessageVisibility] = MessageVisibility.PUBLIC,
) -> tuple[int, Any]:
    case = _case(request, case_id)
    message = services.add_message(
        case,
        body=body,
        by=_actor(request),
        author_kind=MessageAuthor.AGENT,
        visibility=visibility,
        channel=CaseChannel.API,
        attachments=files,
    )
    return 201, message


@router.post("/cases/{case_id}/status", response=CaseDetailOut, summary="Change the status")
def change_status(request: HttpRequest, case_id: Id, payload: StatusIn) -> Case:
    case = _case(request, case_id)
    if payload.status == CaseStatus.RESOLVED:
        case = services.resolve_case(case, by=_actor(request), first_contact=payload.first_contact)
    else:
        case = services.change_status(case, payload.status, by=_actor(request))
    return _detail(case)


@router.post("/cases/{case_id}/assign", response=CaseDetailOut, summary="Assign the case")
def assign(request: HttpRequest, case_id: Id, payload: AssignIn) -> Case:
    actor = _actor(request)
    case = _case(request, case_id)
    if payload.auto:
        require_worker(actor)
        Case.objects.filter(pk=case.pk).update(assignee=None)
        services.auto_assign(case)
        return _detail(case)
    user = team = None
    if payload.assignee_id is not None:
        user = User.objects.filter(pk=payload.assignee_id, is_active=True).first()
        if user is None:
            raise InvalidInput(
                _("No active user with id %(id)s.") % {"id": payload.assignee_id},
                field="assignee_id",
            )
    if payload.team_id is not None:
        team = Team.objects.filter(pk=payload.team_id).first()
        if team is None:
            raise InvalidInput(
                _("No team with id %(id)s.") % {"id": payload.team_id}, field="team_id"
            )
    return _detail(services.assign_case(case, by=actor, user=user, team=team))


@router.get("/cases/attachments/{attachment_id}", summary="Download an attachment")
def download(request: HttpRequest, attachment_id: Id) -> FileResponse:
    attachment = selectors.get_attachment(actor=_actor(request), attachment_id=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise NotFound(_("The file is no longer stored.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
