"""Service settings for managers: SLA policies and agent profiles (skills, regions, capacity).

Saving goes through `support.setup` (audited writes)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from reservoir.iam.models import User
from reservoir.support import services, setup
from reservoir.support.enums import ACTIVE_STATUSES
from reservoir.support.forms import AgentProfileForm, SlaPolicyForm
from reservoir.support.models import AgentProfile, Case, SlaPolicy
from reservoir.support.views.common import actor, can_manage, desk_required, manager_required


@desk_required
def sla_list(request: HttpRequest) -> HttpResponse:
    """The SLA policies in the order they are tried (agents read, managers edit)."""
    if not SlaPolicy.objects.exists() and can_manage(actor(request)):
        services.ensure_default_policies()
    policies = SlaPolicy.objects.select_related("calendar").order_by("position", "name")
    return render(
        request,
        "support/sla_list.html",
        {"policies": policies, "can_edit": can_manage(actor(request))},
    )


@manager_required
def sla_edit(request: HttpRequest, policy_id: int | None = None) -> HttpResponse:
    policy = get_object_or_404(SlaPolicy, pk=policy_id) if policy_id else None
    form = SlaPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        saved = setup.save_sla_policy(
            policy.pk if policy else None, by=actor(request), data=form.cleaned_data
        )
        messages.success(request, _("Policy “%(name)s” saved.") % {"name": saved.name})
        return redirect("support:sla_list")
    status = 422 if form.errors else 200
    return render(request, "support/sla_form.html", {"form": form, "policy": policy}, status=status)


@desk_required
def agent_list(request: HttpRequest) -> HttpResponse:
    """Agents with their skills, regions, load against capacity and availability."""
    profiles = list(
        AgentProfile.objects.select_related("user", "user__team").order_by("user__username")
    )
    loads = dict(
        Case.objects.filter(
            assignee_id__in=[p.user_id for p in profiles], status__in=ACTIVE_STATUSES
        )
        .values_list("assignee_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = [(p, loads.get(p.user_id, 0)) for p in profiles]
    return render(
        request,
        "support/agent_list.html",
        {"rows": rows, "can_edit": can_manage(actor(request))},
    )


@manager_required
def agent_edit(request: HttpRequest, profile_id: int | None = None) -> HttpResponse:
    profile = get_object_or_404(AgentProfile, pk=profile_id) if profile_id else None
    form = AgentProfileForm(request.POST or None, profile=profile)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user: User = profile.user if profile else data["user"]
        if profile is None and AgentProfile.objects.filter(user=user).exists():
            form.add_error("user", _("This agent already has a profile; edit it instead."))
        else:
            saved = setup.save_agent_profile(user, by=actor(request), data=data)
            messages.success(request, _("Saved %(who)s.") % {"who": saved.user})
            return redirect("support:agent_list")
    status = 422 if form.errors else 200
    return render(
        request, "support/agent_form.html", {"form": form, "profile": profile}, status=status
    )
