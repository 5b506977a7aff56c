"""Automation API: rules CRUD (managers and administrators write), runs, validation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from reservoir.automation import conditions, selectors, services
from reservoir.automation.models import Rule, Run
from reservoir.automation.schemas import (
    ExpressionIn,
    ExpressionOut,
    RuleIn,
    RuleOut,
    RulePatch,
    RunFilters,
    RunOut,
)
from reservoir.core.api import Id, Page, paginate

router = Router()


@router.get("/automation/rules", response=list[RuleOut], summary="Automation rules")
def list_rules(request: HttpRequest) -> Any:
    return list(Rule.objects.order_by("name", "id"))


@router.post("/automation/rules", response={201: RuleOut}, summary="Create a rule")
def create_rule(request: HttpRequest, payload: RuleIn) -> tuple[int, Rule]:
    data = payload.model_dump()
    rule = services.save_rule(None, by=request.auth, **data)  # type: ignore[attr-defined]
    return 201, rule


@router.get("/automation/rules/{rule_id}", response=RuleOut, summary="One rule")
def get_rule(request: HttpRequest, rule_id: Id) -> Rule:
    return selectors.get_rule(rule_id)


@router.patch("/automation/rules/{rule_id}", response=RuleOut, summary="Change a rule")
def update_rule(request: HttpRequest, rule_id: Id, payload: RulePatch) -> Rule:
    rule = selectors.get_rule(rule_id)
    data = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return services.save_rule(rule, by=request.auth, **data)  # type: ignore[attr-defined]


@router.delete("/automation/rules/{rule_id}", response={204: None}, summary="Delete a rule")
def delete_rule(request: HttpRequest, rule_id: Id) -> tuple[int, None]:
    services.delete_rule(selectors.get_rule(rule_id), by=request.auth)  # type: ignore[attr-defined]
    return 204, None


@router.get("/automation/runs", response=Page[RunOut], summary="Automation runs, newest first")
def list_runs(request: HttpRequest, filters: Query[RunFilters]) -> dict[str, Any]:
    qs = selectors.list_runs(
        actor=request.auth,  # type: ignore[attr-defined]
        rule_id=filters.rule,
        status=filters.status or "",
        party_id=filters.party,
    )
    return paginate(qs.order_by(), ("-id",), cursor=filters.cursor, limit=filters.limit)


@router.get("/automation/runs/{run_id}", response=RunOut, summary="One run with its log")
def get_run(request: HttpRequest, run_id: Id) -> Run:
    return selectors.get_run(actor=request.auth, run_id=run_id)  # type: ignore[attr-defined]


@router.post("/automation/expressions/check", response=ExpressionOut, summary="Check a condition")
def check_expression(request: HttpRequest, payload: ExpressionIn) -> dict[str, Any]:
    try:
        conditions.validate(payload.expression)
    except conditions.ExpressionError as exc:
        return {"valid": False, "line": exc.line, "column": exc.column, "reason": exc.reason}
    return {"valid": True}
