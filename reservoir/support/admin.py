"""Admin for service configuration: SLA policies and agent profiles (cases use the desk)."""

from django.contrib import admin

from reservoir.support.models import AgentProfile, SlaPolicy


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin[SlaPolicy]):
    list_display = (
        "name",
        "position",
        "is_active",
        "priority",
        "case_type",
        "min_customer_value",
        "first_response_hours",
        "next_response_hours",
        "resolution_hours",
        "warn_before_minutes",
    )
    list_editable = ("position", "is_active")
    ordering = ("position", "id")


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin[AgentProfile]):
    list_display = ("user", "available", "capacity", "skills", "regions")
    list_editable = ("available", "capacity")
    raw_id_fields = ("user",)
