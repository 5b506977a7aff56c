"""The case page and what an agent does on it: reply or note, move the status, resolve (with a
survey), reassign, merge, recover a complaint, download attachments, insert KB articles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape, linebreaks, urlize
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reservoir.core.errors import DomainError, NotFound
from reservoir.support import selectors, services
from reservoir.support.enums import (
    TRANSITIONS,
    CaseChannel,
    CaseStatus,
    CaseType,
    MessageAuthor,
    MessageVisibility,
    RecoveryStatus,
    SurveyKind,
)
from reservoir.support.forms import (
    AssignForm,
    CompleteActionForm,
    MergeForm,
    RecoveryForm,
    ReplyForm,
    ResolveForm,
    StatusForm,
)
from reservoir.support.knowledge import selectors as kb_selectors
from reservoir.support.models import Case, RecoveryAction
from reservoir.support.views.common import actor, desk_required, visible_case
from reservoir.support.views.context import customer_context

# Channels a public reply goes back through (others are recorded as the agent's own note).
REPLY_CHANNELS = {CaseChannel.EMAIL, CaseChannel.PORTAL, CaseChannel.CHAT, CaseChannel.PHONE}


def _page_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    user = actor(request)
    allowed = TRANSITIONS[case.status]
    transitions = [
        (value, label)
        for value, label in CaseStatus.choices
        if value in allowed and value != CaseStatus.RESOLVED
    ]
    return {
        "case": case,
        "thread": list(selectors.case_messages(case, include_internal=True)),
        "timers": selectors.sla_state(case),
        "transitions": transitions,
        "can_resolve": CaseStatus.RESOLVED in allowed,
        "recovery": list(selectors.recovery_actions(case)),
        "surveys": list(case.surveys.order_by("-sent_at")),
        "merged_cases": list(case.merged_cases.order_by("number")),
        "ctx": customer_context(actor=user, case=case),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "resolve_form": forms.get("resolve_form") or ResolveForm(),
        "assign_form": forms.get("assign_form")
        or AssignForm(initial={"assignee": case.assignee_id, "team": case.team_id}),
        "merge_form": forms.get("merge_form") or MergeForm(),
        "recovery_form": forms.get("recovery_form") or RecoveryForm(),
        "is_complaint": case.type == CaseType.COMPLAINT,
        "planned": RecoveryStatus.PLANNED,
    }


def _render(request: HttpRequest, case: Case, status: int = 200, **forms: Any) -> HttpResponse:
    context = _page_context(request, case, **forms)
    return render(request, "support/case_detail.html", context, status=status)


def _back(case: Case) -> HttpResponse:
    return redirect("support:case_detail", case_id=case.pk)


@desk_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case with its SLA timers and thread; the customer's 360 context beside it."""
    case = visible_case(request, case_id)
    if case.merged_into_id:
        messages.info(
            request,
            _("%(a)s was merged into %(b)s.") % {"a": case.number, "b": case.merged_into.number},  # type: ignore[union-attr]
        )
        return redirect("support:case_detail", case_id=case.merged_into_id)
    return _render(request, case)


@desk_required
@require_GET
def case_thread(request: HttpRequest, case_id: int) -> HttpResponse:
    """The thread and timers alone (polled by the case page every few seconds)."""
    case = visible_case(request, case_id)
    context = {
        "case": case,
        "thread": list(selectors.case_messages(case, include_internal=True)),
        "timers": selectors.sla_state(case),
    }
    return render(request, "support/includes/thread.html", context)


def as_html(text: str) -> str:
    """An agent's plain text as HTML paragraphs with clickable links (article links)."""
    return linebreaks(urlize(escape(text.strip()), nofollow=True))


@desk_required
@require_POST
def case_reply(request: HttpRequest, case_id: int) -> HttpResponse:
    """A customer-visible reply (e-mailed on e-mail cases) or an internal note, with files."""
    case = visible_case(request, case_id)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        public = data["visibility"] == MessageVisibility.PUBLIC
        channel = case.channel if public and case.channel in REPLY_CHANNELS else CaseChannel.STAFF
        try:
            services.add_message(
                case,
                body=as_html(data["body"]),
                by=actor(request),
                author_kind=MessageAuthor.AGENT,
                channel=channel,
                visibility=data["visibility"],
                attachments=data["attachments"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Reply sent.") if public else _("Note added."))
            return _back(case)
    return _render(request, case, status=422, reply_form=form)


@desk_required
@require_POST
def case_status(request: HttpRequest, case_id: int) -> HttpResponse:
    case = visible_case(request, case_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown status."))
        return _render(request, case, status=422)
    try:
        services.change_status(case, form.cleaned_data["status"], by=actor(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return _render(request, case, status=409)
    messages.success(request, _("Status changed."))
    return _back(case)


@desk_required
@require_POST
def case_resolve(request: HttpRequest, case_id: int) -> HttpResponse:
    """Resolve; optionally send the CSAT (and NPS) survey by the case's channel."""
    case = visible_case(request, case_id)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return _render(request, case, status=422, resolve_form=form)
    data = form.cleaned_data
    try:
        case = services.resolve_case(
            case,
            by=actor(request),
            first_contact=True if data["first_contact"] else None,
            note=data["note"],
        )
        channel = "email" if case.channel == CaseChannel.EMAIL else "portal"
        if data["send_csat"]:
            services.send_survey(case, SurveyKind.CSAT, channel=channel)
        if data["send_nps"]:
            services.send_survey(case, SurveyKind.NPS, channel=channel)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _render(request, case, status=409, resolve_form=form)
    sent = data["send_csat"] or data["send_nps"]
    messages.success(
        request, _("Resolved; the survey is on its way.") if sent else _("Case resolved.")
    )
    return _back(case)


@desk_required
@require_POST
def case_assign(request: HttpRequest, case_id: int) -> HttpResponse:
    case = visible_case(request, case_id)
    if request.POST.get("auto"):
        case.assignee = None
        try:
            services.assign_case(case, by=actor(request))
        except DomainError as exc:
            messages.error(request, exc.message)
            return _back(case)
        who = services.auto_assign(case)
        if who is None:
            messages.warning(request, _("No available agent fits; the case waits in the queue."))
        else:
            messages.success(request, _("Assigned to %(who)s.") % {"who": who})
        return _back(case)
    form = AssignForm(request.POST)
    if not form.is_valid():
        return _render(request, case, status=422, assign_form=form)
    try:
        services.assign_case(
            case,
            by=actor(request),
            user=form.cleaned_data["assignee"],
            team=form.cleaned_data["team"],
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _render(request, case, status=exc.status, assign_form=form)
    messages.success(request, _("Assignment saved."))
    return _back(case)


@desk_required
@require_POST
def case_take(request: HttpRequest, case_id: int) -> HttpResponse:
    """Take the case: assign it to me."""
    case = visible_case(request, case_id)
    try:
        services.assign_case(case, by=actor(request), user=actor(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(case)


@desk_required
@require_POST
def case_merge(request: HttpRequest, case_id: int) -> HttpResponse:
    """Merge this case (a duplicate) into another case of the same customer, by number."""
    case = visible_case(request, case_id)
    form = MergeForm(request.POST)
    if not form.is_valid():
        return _render(request, case, status=422, merge_form=form)
    try:
        into = selectors.get_case_by_number(actor=actor(request), number=form.cleaned_data["into"])
        survivor = services.merge_cases(case, into, by=actor(request))
    except DomainError as exc:
        form.add_error("into", exc.message)
        return _render(request, case, status=422, merge_form=form)
    messages.success(
        request, _("%(a)s merged into %(b)s.") % {"a": case.number, "b": survivor.number}
    )
    return _back(survivor)


@desk_required
@require_POST
def recovery_start(request: HttpRequest, case_id: int) -> HttpResponse:
    """Plan recovery actions; credit and discount come from the decision service."""
    case = visible_case(request, case_id)
    form = RecoveryForm(request.POST)
    if not form.is_valid():
        return _render(request, case, status=422, recovery_form=form)
    data = form.cleaned_data
    try:
        services.start_recovery(
            case, by=actor(request), kinds=data["kinds"], amount=data["amount"], note=data["note"]
        )
    except DomainError as exc:
        form.add_error("kinds" if exc.field == "kinds" else None, exc.message)
        return _render(request, case, status=422, recovery_form=form)
    messages.success(request, _("Recovery planned."))
    return _back(case)


@desk_required
@require_POST
def recovery_complete(request: HttpRequest, case_id: int, action_id: int) -> HttpResponse:
    case = visible_case(request, case_id)
    action = RecoveryAction.objects.filter(pk=action_id, case=case).first()
    if action is None:
        raise Http404(_("No such recovery action on this case."))
    form = CompleteActionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        done = services.complete_recovery_action(action, by=actor(request), note=note)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(case)
    if done.follow_up_todo_id:
        messages.success(request, _("Done. A follow-up task is on your list."))
    else:
        messages.success(request, _("Action done."))
    return _back(case)


@desk_required
@require_GET
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    """A case file, only for staff who may see the case (404 otherwise)."""
    try:
        att = selectors.get_attachment(actor=actor(request), attachment_id=attachment_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        handle = att.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("The file is missing from storage.")) from exc
    inline = att.content_type.startswith("image/") or att.content_type == "application/pdf"
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=att.filename,
        content_type=att.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@desk_required
@require_GET
def kb_picker(request: HttpRequest) -> HttpResponse:
    """Articles to insert into a reply (htmx): a link and the excerpt, ready to paste."""
    text = request.GET.get("q", "").strip()[: kb_selectors.MAX_QUERY]
    try:
        hits = kb_selectors.search(text, audience="staff", limit=6) if text else []
    except DomainError:
        hits = []
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    rows = []
    for hit in hits:
        art = hit.article
        if art.visibility == "public":
            url = site + reverse("portal:kb_article", kwargs={"slug": art.slug})
        else:
            url = site + reverse("knowledge:article_detail", kwargs={"article_id": art.pk})
        summary = (art.excerpt or "").strip()
        insert = f"{art.title}: {url}" + (f"\n{summary}" if summary else "")
        rows.append({"hit": hit, "url": url, "insert": insert})
    return render(request, "support/includes/kb_picker.html", {"rows": rows, "q": text})
