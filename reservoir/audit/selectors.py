"""Reading the audit log."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from reservoir.audit.models import AuditEntry


def list_entries_for(obj: models.Model, *, limit: int = 50) -> QuerySet[AuditEntry]:
    """Return the newest audit entries about `obj` (caller must already be allowed to see it)."""
    meta = obj._meta
    return AuditEntry.objects.filter(
        app_label=meta.app_label, model=meta.model_name, object_pk=str(obj.pk)
    ).select_related("actor")[:limit]
