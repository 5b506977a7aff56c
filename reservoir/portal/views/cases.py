"""The customer's cases: list, open (with live help-center suggestions), read, reply,
download attachments. Every lookup goes through support's customer-scoped selectors, so
another customer's case or file is a 404 like a missing one."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reservoir.core.errors import DomainError, NotFound
from reservoir.portal import selectors
from reservoir.portal.forms import CaseForm, ReplyForm
from reservoir.portal.session import customer_required
from reservoir.portal.views.common import me, page, party_id
from reservoir.support import selectors as support_selectors
from reservoir.support import services as support_services
from reservoir.support.enums import CaseChannel, MessageAuthor, MessageVisibility
from reservoir.support.knowledge import selectors as kb_selectors
from reservoir.support.models import Case

PAGE_SIZE = 20


def _case(request: HttpRequest, case_id: int) -> Case:
    try:
        return support_selectors.get_customer_case(party_id=party_id(request), case_id=case_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@customer_required
def case_list(request: HttpRequest) -> HttpResponse:
    qs = support_selectors.list_customer_cases(party_id=party_id(request))
    listing = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return page(request, "portal/case_list.html", {"page": listing})


@customer_required
def case_new(request: HttpRequest) -> HttpResponse:
    products = selectors.my_products(party_id=party_id(request))
    form = CaseForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        products=products,
        initial={
            "type": request.GET.get("type", "question"),
            "subject": request.GET.get("subject", "")[:200],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = support_services.open_case(
                party=me(request).party,
                subject=data["subject"],
                body=data["body"],
                type=data["type"],
                product=data["product"],
                channel=CaseChannel.PORTAL,
                by=None,
                attachments=data["attachments"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Thank you. Your request %(number)s is with our team.") % {"number": case.number},
            )
            return redirect("portal:case_detail", case_id=case.pk)
    status = 422 if form.errors else 200
    context = {"form": form, "show_product": products.exists()}
    return page(request, "portal/case_new.html", context, status=status)


@customer_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    form = ReplyForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            support_services.add_message(
                case,
                body=form.cleaned_data["body"],
                by=None,
                author_kind=MessageAuthor.CUSTOMER,
                visibility=MessageVisibility.PUBLIC,
                channel=CaseChannel.PORTAL,
                attachments=form.cleaned_data["attachments"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Your reply was sent."))
            return redirect("portal:case_detail", case_id=case.pk)
    context = {
        "case": case,
        "thread": support_selectors.case_messages(case, include_internal=False),
        "form": form,
    }
    return page(request, "portal/case_detail.html", context, status=422 if form.errors else 200)


@customer_required
@require_GET
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    try:
        attachment = support_selectors.get_customer_attachment(
            party_id=party_id(request), attachment_id=attachment_id
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is no longer stored.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """Help-center articles for what the customer is typing (htmx partial)."""
    text = (request.GET.get("q") or request.GET.get("subject") or "").strip()[:200]
    hits = kb_selectors.suggest(text, audience="public", limit=4) if len(text) >= 2 else []
    return page(request, "portal/includes/suggestions.html", {"hits": hits})
