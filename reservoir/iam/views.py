"""Staff administration pages: sign-in, users, teams and personal API tokens.

Views are thin: forms validate the shape of the input, `iam.services` does every write and
`iam.selectors` every read.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reservoir.core.errors import DomainError, NotFound
from reservoir.iam import selectors, services
from reservoir.iam.enums import Role
from reservoir.iam.forms import (
    LoginForm,
    TeamForm,
    TokenForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
    add_domain_error,
)
from reservoir.iam.models import Team, User

USERS_PER_PAGE = 50

View = Callable[..., HttpResponse]


def administrators_only(view: View) -> View:
    """Require a signed-in administrator; anybody else signed in gets 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_administrator:  # type: ignore[union-attr]
            raise PermissionDenied(_("Only administrators manage users and teams."))
        return view(request, *args, **kwargs)

    return wrapped


class LoginView(auth_views.LoginView):
    template_name = "iam/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only, as Django requires) and go back to the sign-in page."""


# --- users -------------------------------------------------------------------------------


@administrators_only
def user_list(request: HttpRequest) -> HttpResponse:
    filters = UserFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    team = data.get("team")
    users = selectors.list_users(
        actor=request.user,  # type: ignore[arg-type]
        search=data.get("q", ""),
        role=data.get("role", ""),
        team_id=team.pk if team else None,
    )
    page = Paginator(users, USERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "iam/user_list.html",
        {"filters": filters, "page": page, "users": page.object_list, "roles": Role},
    )


@administrators_only
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                by=request.user,  # type: ignore[arg-type]
                username=data["username"],
                password=data["password"],
                role=data["role"],
                team=data["team"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("User %(name)s created.") % {"name": user})
            return redirect("iam:user_list")
    status = 422 if form.errors else 200
    return render(request, "iam/user_form.html", {"form": form, "target": None}, status=status)


@administrators_only
def user_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    target = (
        selectors.list_users(actor=request.user).filter(pk=user_id).first()  # type: ignore[arg-type]
    )
    if target is None:
        raise Http404(_("No such user."))
    form = UserEditForm(request.POST or None, user=target)
    if request.method == "POST" and form.is_valid():
        by: User = request.user  # type: ignore[assignment]
        try:
            changes = form.changes()
            if changes:
                services.update_user(target, by=by, **changes)
            if form.cleaned_data["new_password"]:
                services.set_password(target, by=by, password=form.cleaned_data["new_password"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": target})
            return redirect("iam:user_list")
    status = 422 if form.errors else 200
    return render(request, "iam/user_form.html", {"form": form, "target": target}, status=status)


# --- teams -------------------------------------------------------------------------------


@administrators_only
def team_list(request: HttpRequest) -> HttpResponse:
    teams = selectors.list_teams(actor=request.user)  # type: ignore[arg-type]
    return render(request, "iam/team_list.html", {"teams": teams})


def _team_form(request: HttpRequest, team: Team | None) -> HttpResponse:
    initial = {}
    if team is not None:
        initial = {
            "name": team.name,
            "description": team.description,
            "region": team.region,
            "managers": list(team.managers.all()),
        }
    form = TeamForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.save_team(
                by=request.user,  # type: ignore[arg-type]
                team=team,
                name=data["name"],
                description=data["description"],
                region=data["region"],
                managers=list(data["managers"]),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Team %(name)s saved.") % {"name": saved})
            return redirect("iam:team_list")
    status = 422 if form.errors else 200
    return render(request, "iam/team_form.html", {"form": form, "team": team}, status=status)


@administrators_only
def team_create(request: HttpRequest) -> HttpResponse:
    return _team_form(request, None)


@administrators_only
def team_edit(request: HttpRequest, team_id: int) -> HttpResponse:
    team = selectors.list_teams(actor=request.user).filter(pk=team_id).first()  # type: ignore[arg-type]
    if team is None:
        raise Http404(_("No such team."))
    return _team_form(request, team)


# --- API tokens --------------------------------------------------------------------------


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """List the user's own tokens; a POST issues one and shows its secret this once."""
    user: User = request.user  # type: ignore[assignment]
    form = TokenForm(request.POST or None)
    raw_token = ""
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token, raw_token = services.issue_token(
                user=user, name=form.cleaned_data["name"], expires_at=form.expires_at()
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            form = TokenForm()
    tokens = selectors.list_tokens(actor=user)
    context = {
        "form": form,
        "tokens": tokens,
        "raw_token": raw_token,
        "new_token": new_token,
        "now": timezone.now(),
    }
    status = 422 if form.errors else (201 if raw_token else 200)
    response = render(request, "iam/token_list.html", context, status=status)
    if raw_token:
        # The secret is in this page only: never let a cache keep a copy.
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponseRedirect:
    try:
        services.revoke_token(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("Token revoked. Programs using it can no longer sign in."))
    return redirect("iam:token_list")
