"""Roles and visibility scopes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    MANAGER = "manager", _("Manager")
    SALES_REP = "sales_rep", _("Sales rep")
    MARKETER = "marketer", _("Marketer")
    SERVICE_AGENT = "service_agent", _("Service agent")
    CONTACT_CENTER_AGENT = "contact_center_agent", _("Contact-center agent")
    ANALYST = "analyst", _("Analyst")


class Scope(models.TextChoices):
    OWN = "own", _("Own records")
    TEAM = "team", _("Own team's records")
    MANAGED = "managed", _("Records of the teams one manages")
    ALL = "all", _("All records")


# Who may see which customers. Service and contact-center staff must see any caller
# (the thesis: every employee sees the customer at the moment of contact); sales reps see
# their team's book; managers see the teams they manage.
ROLE_SCOPE: dict[str, str] = {
    Role.ADMINISTRATOR: Scope.ALL,
    Role.ANALYST: Scope.ALL,
    Role.MARKETER: Scope.ALL,
    Role.SERVICE_AGENT: Scope.ALL,
    Role.CONTACT_CENTER_AGENT: Scope.ALL,
    Role.MANAGER: Scope.MANAGED,
    Role.SALES_REP: Scope.TEAM,
}

# Role hierarchy: a role inherits the permissions of the roles below it.
ROLE_PARENTS: dict[str, tuple[str, ...]] = {
    Role.ADMINISTRATOR: (Role.MANAGER, Role.ANALYST),
    Role.MANAGER: (Role.SALES_REP, Role.MARKETER, Role.SERVICE_AGENT, Role.CONTACT_CENTER_AGENT),
    Role.SALES_REP: (),
    Role.MARKETER: (),
    Role.SERVICE_AGENT: (),
    Role.CONTACT_CENTER_AGENT: (),
    Role.ANALYST: (),
}
