"""The action types Reservoir ships; registered from AutomationConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from reservoir.automation.actions import assign, forms, outbound, record, work
from reservoir.automation.actions.registry import ActionType, register


def register_builtin() -> None:
    for action in (
        ActionType("assign", _("Assign the customer"), forms.AssignForm, assign.run_assign),
        ActionType("create_todo", _("Create a task"), forms.TodoActionForm, work.run_todo, False),
        ActionType("notify", _("Notify someone"), forms.NotifyForm, work.run_notify, False),
        ActionType("send_email", _("Send an email"), forms.EmailForm, outbound.run_email, False),
        ActionType("set_field", _("Set a field"), forms.SetFieldForm, record.run_set_field),
        ActionType("set_trait", _("Set a trait"), forms.TraitForm, record.run_set_trait),
        ActionType("add_tag", _("Add a tag"), forms.TagForm, record.run_add_tag),
        ActionType("add_role", _("Add a role"), forms.RoleForm, record.run_add_role),
        ActionType("webhook", _("Call a webhook"), forms.WebhookForm, outbound.run_webhook, False),
        ActionType("escalate", _("Escalate"), forms.EscalateForm, work.run_escalate, False),
    ):
        register(action)
