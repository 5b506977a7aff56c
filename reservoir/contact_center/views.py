"""Live chat pages: the widget script, the session-create endpoint it calls, the agent chat
console with the customer's 360 beside it, and canned responses.

`POST /chat/api/sessions` and `/chat/widget.js` answer other origins (the widget is embedded
on any website): CORS for CHAT_ALLOWED_ORIGINS (default "*"). The token they hand out, not a
cookie, is the visitor's key; only a same-origin page (the portal) sends the session cookie,
which identifies a signed-in customer. Starts are limited per client address and visitor
(`throttle`): over a limit, 429 problem+json with Retry-After.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from reservoir.contact_center import routing, selectors, services
from reservoir.contact_center.forms import CannedForm
from reservoir.contact_center.models import CannedResponse
from reservoir.contact_center.throttle import TooManyStarts, check_start, visitor_key
from reservoir.contact_center.widget_strings import strings_for_all
from reservoir.core.api.problems import problem
from reservoir.core.customer_session import customer_party_id
from reservoir.core.errors import DomainError
from reservoir.iam.models import User

WIDGET_JS = Path(__file__).resolve().parent / "static" / "contact_center" / "widget.js"
WIDGET_CSS = Path(__file__).resolve().parent / "static" / "contact_center" / "widget.css"


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _agent(request: HttpRequest) -> User:
    user = _actor(request)
    if not services.is_chat_agent(user):
        raise PermissionDenied(_("Only chat agents may open the chat console."))
    return user


# ------------------------------------------------------------------ the widget


def _cors(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    origin = request.headers.get("Origin", "")
    allowed = routing.allowed_origins()
    if "*" in allowed:
        response["Access-Control-Allow-Origin"] = "*"
    elif origin and origin in allowed:
        response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin"
    response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Content-Type"
    response["Access-Control-Expose-Headers"] = "Retry-After"
    response["Access-Control-Max-Age"] = "600"
    return response


@functools.cache
def _widget_source() -> tuple[str, str]:
    return WIDGET_JS.read_text(encoding="utf-8"), WIDGET_CSS.read_text(encoding="utf-8")


def widget_js(request: HttpRequest) -> HttpResponse:
    """The embeddable widget: one `<script src="…/chat/widget.js">` on any page."""
    code, css = _widget_source() if not settings.DEBUG else _read_fresh()
    config = {"strings": strings_for_all(), "css": css, "default_lang": settings.LANGUAGE_CODE}
    body = "window.ReservoirChatConfig=" + json.dumps(config, ensure_ascii=False) + ";\n" + code
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _read_fresh() -> tuple[str, str]:
    return WIDGET_JS.read_text(encoding="utf-8"), WIDGET_CSS.read_text(encoding="utf-8")


def _problem(status: int, title: str, *, code: str, field: str | None = None) -> JsonResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "code": code}
    if field:
        body["field"] = field
    return JsonResponse(body, status=status, content_type="application/problem+json")


@csrf_exempt  # JSON only: another site cannot send it without a CORS preflight
@require_http_methods(["POST", "OPTIONS"])
def session_create(request: HttpRequest) -> HttpResponse:
    """Start a chat; answers {token, ws_path, status}. The signed-in customer (same-origin
    portal cookie) is identified by the session, others by the email or phone they give.
    """
    if request.method == "OPTIONS":
        return _cors(request, HttpResponse(status=204))
    return _cors(request, _start(request))


def _start(request: HttpRequest) -> HttpResponse:
    if request.content_type != "application/json":
        return _problem(415, _("Send JSON."), code="unsupported_media_type")
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return _problem(400, _("The body is not JSON."), code="bad_json")
    if not isinstance(data, dict) or not all(
        isinstance(data.get(k, ""), str) for k in ("name", "email", "phone", "page_url", "language")
    ):
        return _problem(422, _("Give text fields only."), code="invalid_input")
    language = data.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language_from_request(request)
    party_id = customer_party_id(request.session)
    try:
        check_start(
            remote_addr=str(request.META.get("REMOTE_ADDR", "")),
            visitor=visitor_key(
                party_id=party_id, email=data.get("email", ""), phone=data.get("phone", "")
            ),
        )
        session = services.start_session(
            party_id=party_id,
            name=data.get("name", ""),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            page_url=data.get("page_url", "") or request.headers.get("Referer", ""),
            language=language,
        )
    except TooManyStarts as exc:
        retry = {"Retry-After": str(exc.retry_after)}
        return problem(429, exc.message, code=exc.code, headers=retry)
    except DomainError as exc:
        return _problem(exc.status, exc.message, code=exc.code, field=exc.field)
    body = {
        "token": session.token,
        "ws_path": routing.VISITOR_PATH,
        "status": session.status,
        "name": session.name,
    }
    return JsonResponse(body, status=201)


# ------------------------------------------------------------------ the console


@login_required
def console(request: HttpRequest) -> HttpResponse:
    user = _agent(request)
    canned = [
        {"shortcut": c.shortcut, "title": c.title, "body": c.body, "language": c.language}
        for c in selectors.list_canned(actor=user)
    ]
    colleagues = list(
        User.objects.filter(is_active=True).exclude(pk=user.pk).order_by("username")[:200]
    )
    transfer_to = [{"id": u.pk, "name": str(u)} for u in colleagues if services.is_chat_agent(u)]
    return render(
        request,
        "contact_center/console.html",
        {
            "state": selectors.state_of(user),
            "canned": canned,
            "transfer_to": transfer_to,
            "console_strings": {
                "available": _("Available"),
                "away": _("Away"),
                "empty": _("Pick a chat on the left, or wait for the next visitor."),
                "waiting": _("Waiting"),
                "ended": _("Ended"),
                "typing": _("typing…"),
                "bot": _("Bot"),
                "system": _("System"),
                "visitor": _("Visitor"),
                "you": _("You"),
                "offline": _("Connection lost — reconnecting…"),
                "no_chats": _("No chats yet"),
                "no_queue": _("Nobody is waiting"),
            },
        },
    )


@login_required
def console_context(request: HttpRequest, session_id: int) -> HttpResponse:
    """The customer's 360 beside a chat (htmx partial): only for a chat the agent may see."""
    user = _agent(request)
    session = selectors.visible_session(user, session_id)
    if session is None:
        raise Http404(_("No such chat among yours."))
    ctx = selectors.context_360(actor=user, session=session)
    return render(request, "contact_center/console_context.html", {"s": session, "c": ctx})


# ------------------------------------------------------------------ canned responses


@login_required
def canned_list(request: HttpRequest) -> HttpResponse:
    user = _agent(request)
    language = request.GET.get("language")
    items = selectors.list_canned(actor=user, language=language or None)
    form = CannedForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_canned(None, by=user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Canned response saved."))
            return redirect("contact_center:canned_list")
    return render(
        request,
        "contact_center/canned_list.html",
        {"items": items, "form": form, "language": language or "", "languages": settings.LANGUAGES},
    )


def _canned(request: HttpRequest, canned_id: int) -> CannedResponse:
    user = _agent(request)
    found = selectors.list_canned(actor=user).filter(pk=canned_id).first()
    if found is None:
        raise Http404(_("No such canned response."))
    return found


@login_required
def canned_edit(request: HttpRequest, canned_id: int) -> HttpResponse:
    canned = _canned(request, canned_id)
    user = _actor(request)
    initial = {
        "shortcut": canned.shortcut, "title": canned.title, "body": canned.body,
        "language": canned.language, "team": canned.team,
    }  # fmt: skip
    form = CannedForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_canned(canned, by=user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Canned response saved."))
            return redirect("contact_center:canned_list")
    return render(request, "contact_center/canned_edit.html", {"form": form, "canned": canned})


@login_required
@require_POST
def canned_delete(request: HttpRequest, canned_id: int) -> HttpResponse:
    canned = _canned(request, canned_id)
    services.delete_canned(canned, by=_actor(request))
    messages.success(request, _("Canned response deleted."))
    return redirect("contact_center:canned_list")
