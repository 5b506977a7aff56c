"""Customer portal API (`/api/v1/portal/...`): the signed-in customer's own cases and orders.

Authentication is the customer's portal session (not a staff login, not a token); unsafe
methods need the CSRF header. Every lookup is scoped to the customer's party: another
customer's id answers 404 exactly like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.security import APIKeyCookie
from ninja.utils import check_csrf

from reservoir.core.api import Id, Page, paginate
from reservoir.core.errors import InvalidInput, NotFound, PermissionDenied
from reservoir.portal import selectors
from reservoir.portal.models import PortalAccount
from reservoir.portal.schemas import (
    CaseDetailOut,
    CaseIn,
    CaseOut,
    Filters,
    OrderDetailOut,
    OrderOut,
    ReplyIn,
)
from reservoir.portal.session import current_account
from reservoir.support import selectors as support_selectors
from reservoir.support import services as support_services
from reservoir.support.enums import CaseChannel, MessageAuthor, MessageVisibility
from reservoir.support.models import Case

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class CustomerSessionAuth(APIKeyCookie):
    """The portal session of a signed-in customer; writes must carry X-CSRFToken."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        account = current_account(request)
        if account is None:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request):
            raise PermissionDenied(_("CSRF check failed: send the X-CSRFToken header."))
        return account

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return None  # pragma: no cover - __call__ does the work


router = Router(auth=CustomerSessionAuth(), tags=["portal"])


def _me(request: HttpRequest) -> PortalAccount:
    return request.auth  # type: ignore[attr-defined, no-any-return]


def _case(request: HttpRequest, case_id: int) -> Case:
    return support_selectors.get_customer_case(party_id=_me(request).party_id, case_id=case_id)


def _detail(case: Case) -> dict[str, Any]:
    messages = support_selectors.case_messages(case, include_internal=False)
    return {
        **CaseOut.from_orm(case).model_dump(),
        "messages": [
            {
                "id": m.pk,
                "author_kind": m.author_kind,
                "body_text": m.body_text,
                "created_at": m.created_at,
                "attachments": list(m.attachments.all()),
            }
            for m in messages
        ],
    }


@router.get("/portal/cases", response=Page[CaseOut], summary="My cases")
def list_cases(request: HttpRequest, filters: Query[Filters]) -> dict[str, Any]:
    qs = support_selectors.list_customer_cases(party_id=_me(request).party_id)
    return paginate(qs, ("-id",), cursor=filters.cursor, limit=filters.limit)


@router.post("/portal/cases", response={201: CaseDetailOut}, summary="Open a case")
def create_case(request: HttpRequest, payload: CaseIn) -> tuple[int, dict[str, Any]]:
    account = _me(request)
    product = None
    if payload.product_id is not None:
        product = (
            selectors.my_products(party_id=account.party_id).filter(pk=payload.product_id).first()
        )
        if product is None:
            raise InvalidInput(_("You have not bought this product."), field="product_id")
    case = support_services.open_case(
        party=account.party,
        subject=payload.subject,
        body=payload.body,
        type=payload.type,
        product=product,
        channel=CaseChannel.PORTAL,
        by=None,
    )
    return 201, _detail(case)


@router.get("/portal/cases/{case_id}", response=CaseDetailOut, summary="One of my cases")
def get_case(request: HttpRequest, case_id: Id) -> dict[str, Any]:
    return _detail(_case(request, case_id))


@router.post(
    "/portal/cases/{case_id}/replies", response={201: CaseDetailOut}, summary="Reply to my case"
)
def reply(request: HttpRequest, case_id: Id, payload: ReplyIn) -> tuple[int, dict[str, Any]]:
    case = _case(request, case_id)
    support_services.add_message(
        case,
        body=payload.body,
        by=None,
        author_kind=MessageAuthor.CUSTOMER,
        visibility=MessageVisibility.PUBLIC,
        channel=CaseChannel.PORTAL,
    )
    return 201, _detail(case)


@router.get("/portal/attachments/{attachment_id}", summary="Download one of my files")
def download(request: HttpRequest, attachment_id: Id) -> FileResponse:
    attachment = support_selectors.get_customer_attachment(
        party_id=_me(request).party_id, attachment_id=attachment_id
    )
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


@router.get("/portal/orders", response=Page[OrderOut], summary="My orders")
def list_orders(request: HttpRequest, filters: Query[Filters]) -> dict[str, Any]:
    qs = selectors.list_my_orders(party_id=_me(request).party_id).prefetch_related(None)
    return paginate(qs, ("-ordered_at", "-id"), cursor=filters.cursor, limit=filters.limit)


@router.get("/portal/orders/{order_id}", response=OrderDetailOut, summary="One of my orders")
def get_order(request: HttpRequest, order_id: Id) -> dict[str, Any]:
    order = selectors.get_my_order(party_id=_me(request).party_id, order_id=order_id)
    return {
        **OrderOut.from_orm(order).model_dump(),
        "lines": [
            {
                "sku": line.product.sku,
                "product": line.product.name,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "amount": line.amount,
            }
            for line in order.lines.all()
        ],
    }
