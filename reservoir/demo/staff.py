"""The demo company's teams and staff, and the logins the CLI prints."""

from __future__ import annotations

from dataclasses import dataclass

from reservoir.iam.enums import Role

DEMO_PASSWORD = "reservoir-demo"  # noqa: S105 - a published demo password, not a secret

EAST, NORTH, KEY_ACCOUNTS = "East China Sales", "North China Sales", "Key Accounts"
SERVICE_DESK, CONTACT_CENTER, MARKETING, ANALYTICS = (
    "Service Desk",
    "Contact Center",
    "Marketing",
    "Analytics",
)


@dataclass(frozen=True)
class TeamSpec:
    name: str
    description: str
    region: str


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    role: str
    team: str | None
    login: bool = False  # one demo login per role; the others share the password
    manages: tuple[str, ...] = ()
    language: str = "zh-hans"


TEAMS: tuple[TeamSpec, ...] = (
    TeamSpec(EAST, "华东销售 — 上海、江苏、浙江、安徽、福建、山东", "华东 East China"),
    TeamSpec(NORTH, "华北销售 — 北京、天津、河北、山西、内蒙古、辽宁", "华北 North China"),
    TeamSpec(KEY_ACCOUNTS, "大客户部 — distributors and national accounts", "全国 Nationwide"),
    TeamSpec(SERVICE_DESK, "客户服务 — after-sales service and repairs", ""),
    TeamSpec(CONTACT_CENTER, "呼叫中心 — hotline 400, chat and messaging", ""),
    TeamSpec(MARKETING, "市场部 — campaigns, events and the member programme", ""),
    TeamSpec(ANALYTICS, "数据分析 — reports, segments and models", ""),
)

STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("admin", "Admin", "Reservoir", Role.ADMINISTRATOR, None, login=True, language="en"),
    StaffSpec("manager", "建国", "周", Role.MANAGER, None, login=True, manages=(EAST, NORTH)),
    StaffSpec("sales", "娜", "李", Role.SALES_REP, EAST, login=True),
    StaffSpec("sales2", "磊", "王", Role.SALES_REP, NORTH, login=True),
    StaffSpec("marketer", "思雨", "陈", Role.MARKETER, MARKETING, login=True),
    StaffSpec("service", "洋", "刘", Role.SERVICE_AGENT, SERVICE_DESK, login=True),
    StaffSpec("agent", "婷", "张", Role.CONTACT_CENTER_AGENT, CONTACT_CENTER, login=True),
    StaffSpec("analyst", "敏", "赵", Role.ANALYST, ANALYTICS, login=True),
    StaffSpec("wu.hao", "浩", "吴", Role.SALES_REP, EAST),
    StaffSpec("xu.jing", "静", "徐", Role.SALES_REP, EAST),
    StaffSpec("sun.peng", "鹏", "孙", Role.SALES_REP, NORTH),
    StaffSpec("huang.zhiming", "志明", "黄", Role.SALES_REP, KEY_ACCOUNTS),
    StaffSpec("emily.clark", "Emily", "Clark", Role.SALES_REP, KEY_ACCOUNTS, language="en"),
    StaffSpec("he.fang", "芳", "何", Role.SERVICE_AGENT, SERVICE_DESK),
    StaffSpec("guo.tao", "涛", "郭", Role.SERVICE_AGENT, SERVICE_DESK),
    StaffSpec("ma.li", "丽", "马", Role.CONTACT_CENTER_AGENT, CONTACT_CENTER),
    StaffSpec("hu.jie", "杰", "胡", Role.CONTACT_CENTER_AGENT, CONTACT_CENTER),
    StaffSpec("lin.xiao", "晓", "林", Role.CONTACT_CENTER_AGENT, CONTACT_CENTER),
    StaffSpec("sophie.turner", "Sophie", "Turner", Role.MARKETER, MARKETING, language="en"),
)
USERNAMES: tuple[str, ...] = tuple(s.username for s in STAFF)


def members(team: str, role: str | None = None) -> tuple[str, ...]:
    """Return the usernames in `team` (optionally only those with `role`)."""
    return tuple(s.username for s in STAFF if s.team == team and (role is None or s.role == role))


# Who answers which kind of contact.
SALES_BY_REGION: dict[str, tuple[str, ...]] = {
    "east": members(EAST),
    "north": members(NORTH),
    "key": members(KEY_ACCOUNTS),
}
SERVICE_STAFF = members(SERVICE_DESK)
CONTACT_CENTER_STAFF = members(CONTACT_CENTER)
MARKETING_STAFF = members(MARKETING)
TEAM_OF: dict[str, str | None] = {s.username: s.team for s in STAFF}


def demo_logins() -> list[tuple[str, str, str]]:
    """Return (username, password, role label) for the one-per-role demo logins."""
    return [(s.username, DEMO_PASSWORD, str(Role(s.role).label)) for s in STAFF if s.login]
