"""Demo service data: agent profiles and ~40 realistic cases for the demo company.

Called by the demo loader after customers, orders and staff exist (support may not import
the demo app, so staff are found by their demo usernames). Everything goes through the
services, so cases carry timeline interactions, audit entries, SLA due times, breaches,
recovery actions and survey answers exactly as real ones would. Deterministic for a given
`rng` and `now`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from reservoir.iam.models import User
from reservoir.parties.enums import PartyKind, PartyStatus
from reservoir.parties.models import Party, PostalAddress
from reservoir.sales import services as sales_services
from reservoir.sales.models import Order, Product
from reservoir.support import services, sla
from reservoir.support.enums import CaseStatus, CaseType, MessageVisibility
from reservoir.support.models import AgentProfile, Case

# username → (skills, regions, capacity)
AGENTS: dict[str, tuple[list[str], list[str], int]] = {
    "service": (["complaint", "question", "problem"], [], 25),
    "he.fang": (["repair", "problem"], ["上海", "江苏", "浙江", "安徽"], 15),
    "guo.tao": (["repair", "request"], ["北京", "天津", "河北", "山东"], 15),
    "agent": (["question", "request"], [], 30),
    "ma.li": (["question", "complaint"], [], 30),
    "hu.jie": (["problem", "question"], [], 30),
    "lin.xiao": (["request", "question"], [], 30),
}

# (type, priority, category, zh subject, zh body, en subject, en body)
STORIES: list[tuple[str, str, str, str, str, str, str]] = [
    ("complaint", "normal", "delivery", "快递延误五天，客服电话一直占线",
     "订单下了五天还没到，打400电话一直占线，非常失望。", "Parcel five days late, hotline always busy",
     "My order is five days late and I could never get through on the hotline."),
    ("complaint", "high", "billing", "同一订单被扣款两次", "我的银行卡被重复扣款，请尽快退款。",
     "Charged twice for the same order", "My card was charged twice for one order. Please refund."),
    ("complaint", "normal", "staff", "安装师傅态度很差", "上门安装的师傅迟到两小时，还很不耐烦。",
     "Installer was rude and two hours late", "The installer arrived two hours late and was rude."),
    ("repair", "high", "installation", "洗衣机漏水，需要上门维修", "洗衣机底部漏水，地板都湿了，请安排师傅上门。",
     "Washing machine leaking — need a technician", "Water leaks under the machine; please send someone."),
    ("repair", "normal", "maintenance", "空调不制冷", "空调开机后只吹热风，遥控器显示正常。",
     "Air conditioner not cooling", "The unit only blows warm air although the remote looks fine."),
    ("repair", "urgent", "installation", "冰箱完全不工作，食物要坏了", "冰箱今天早上开始完全不制冷，里面有很多食物。",
     "Fridge stopped working completely", "The fridge died this morning and it is full of food."),
    ("problem", "normal", "app", "App 无法绑定设备", "按照说明书操作，App 一直提示绑定失败。",
     "App cannot pair with the device", "The app keeps saying pairing failed although I follow the manual."),
    ("problem", "normal", "account", "会员积分没有到账", "上个月的订单积分一直没有显示。",
     "Loyalty points missing", "Points from last month's order never showed up."),
    ("question", "low", "warranty", "保修期是多久？", "请问这款产品的保修期是一年还是两年？",
     "How long is the warranty?", "Is the warranty for this product one or two years?"),
    ("question", "normal", "invoice", "如何开具增值税专用发票", "公司采购需要增值税专用发票，请问怎么申请？",
     "How do I get a VAT invoice?", "Our company needs a special VAT invoice — how do we request it?"),
    ("question", "low", "product", "滤网多久更换一次", "空气净化器的滤网建议多久更换？",
     "How often should the filter be replaced?", "How often should I replace the purifier filter?"),
    ("request", "normal", "returns", "申请七天无理由退货", "收到的颜色和图片不一样，想退货。",
     "Return within 7 days", "The colour is not what the picture showed; I would like to return it."),
    ("request", "low", "account", "修改收货地址", "请把我账户里的默认收货地址改成新地址。",
     "Change my delivery address", "Please update the default delivery address on my account."),
]  # fmt: skip

REPLIES = {
    "zh": ["您好，非常抱歉给您带来不便，我们已经在处理，今天内给您回复。",
           "已为您安排师傅上门，请保持电话畅通。", "问题已经处理好了，如还有疑问请随时联系我们。"],
    "en": ["Hello, we are sorry for the trouble — we are on it and will update you today.",
           "A technician is booked; please keep your phone at hand.",
           "This is sorted now. Let us know if anything else comes up."],
}  # fmt: skip
FOLLOW_UPS = {
    "zh": "请问进展如何？还没有人联系我。",
    "en": "Any news? Nobody has contacted me yet.",
}
NOTES = ["客户是老会员，优先处理。", "Checked the order: courier lost the parcel, re-ship.",
         "已联系供应商确认配件库存。"]  # fmt: skip


def _is_chinese(party: Party) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in party.display_name)


def _work_time(rng: random.Random, day: dt.datetime) -> dt.datetime:
    local = timezone.localtime(day)
    while local.isoweekday() > 5:
        local -= dt.timedelta(days=1)
    return local.replace(hour=rng.randint(9, 17), minute=rng.choice((0, 10, 25, 40, 55)), second=0)


def ensure_agent_profiles() -> int:
    """Create the demo agents' profiles (skills, regions, capacity); return how many exist."""
    users = {u.username: u for u in User.objects.filter(username__in=AGENTS, is_active=True)}
    for username, (skills, regions, capacity) in AGENTS.items():
        if username in users:
            AgentProfile.objects.update_or_create(
                user=users[username],
                defaults={"skills": skills, "regions": regions, "capacity": capacity},
            )
    return AgentProfile.objects.count()


def _customers(rng: random.Random, count: int) -> list[Party]:
    buyer_ids = list(
        Order.objects.order_by().values_list("party_id", flat=True).distinct()[: count * 20]
    )
    qs = Party.objects.filter(kind=PartyKind.PERSON, status=PartyStatus.ACTIVE)
    pool = list(qs.filter(pk__in=buyer_ids)) or list(qs.order_by("id")[: count * 5])
    rng.shuffle(pool)
    chinese = [p for p in pool if _is_chinese(p)]
    english = [p for p in pool if not _is_chinese(p)]
    picked = chinese[: int(count * 0.7)] + english[: count - int(count * 0.7)]
    return (picked + pool)[:count] if len(picked) < count else picked


def load_demo(
    rng: random.Random,
    *,
    now: dt.datetime | None = None,
    count: int = 40,
    say: Callable[[str], Any] | None = None,
) -> dict[str, int]:
    """Create agent profiles, SLA policies and `count` cases over the last 60 days.

    Side effects: cases with messages (timeline interactions), assignments, resolutions,
    recovery actions with follow-ups, surveys with answers and SLA breaches (check_sla at
    `now`). Returns counts. Needs the demo staff, customers and products to exist.
    """
    now = now or timezone.now()
    sla.ensure_default_policies()
    agents = ensure_agent_profiles()
    customers = _customers(rng, count)
    users = {u.username: u for u in User.objects.filter(username__in=AGENTS)}
    lead = users.get("service") or User.objects.filter(is_superuser=True).first()
    products = list(Product.objects.filter(is_active=True).order_by("id")[:200])
    regions = dict(
        PostalAddress.objects.filter(party__in=customers, is_primary=True).values_list(
            "party_id", "region"
        )
    )
    opened = 0
    for index, party in enumerate(customers):
        story = STORIES[index % len(STORIES)] if index < len(STORIES) else rng.choice(STORIES)
        kind, priority, category, zh_s, zh_b, en_s, en_b = story
        lang = "zh" if _is_chinese(party) else "en"
        age = dt.timedelta(days=rng.uniform(0.2, 60))
        at = _work_time(rng, now - age)
        if at >= now:
            at = now - dt.timedelta(hours=2)
        case = services.open_case(
            party=party,
            subject=zh_s if lang == "zh" else en_s,
            body=zh_b if lang == "zh" else en_b,
            type=kind,
            priority=priority,
            category=category,
            product=rng.choice(products) if products and kind != "question" else None,
            channel=rng.choice(["phone", "email", "portal", "chat", "phone"]),
            by=None,
            region=regions.get(party.pk, ""),
            opened_at=at,
        )
        opened += 1
        _play(rng, case, lang=lang, opened=at, now=now, lead=lead)
    breaches = len(sla.check_sla(now))
    if say:
        say(f"Service: {opened} cases, {agents} agent profiles, {breaches} SLA warnings/breaches.")
    return {"cases": opened, "agent_profiles": agents, "sla_events": breaches}


def _recover(rng: random.Random, case: Case, agent: User, *, opened: dt.datetime,
             now: dt.datetime) -> None:  # fmt: skip
    """Recovery actions; older complainants may have ordered again (the recovery-rate report)."""
    kinds = ["apology", rng.choice(["discount", "credit", "callback", "replacement"])]
    elapsed_days = (now - opened).days
    recovered = False
    for action in services.start_recovery(case, by=agent, kinds=kinds):
        if elapsed_days >= 2 and rng.random() < 0.8:
            done_at = min(now, opened + dt.timedelta(days=1, hours=rng.randint(0, 20)))
            services.complete_recovery_action(action, by=agent, at=done_at)
            recovered = True
    products = list(Product.objects.filter(is_active=True).order_by("id")[:50])
    if elapsed_days > 32 and products and rng.random() < (0.7 if recovered else 0.3):
        when = opened + dt.timedelta(days=rng.uniform(30, elapsed_days - 1))
        sales_services.place_order(
            case.party, by=None, lines=[(rng.choice(products), 1)], ordered_at=when,
            source="demo.support", external_id=f"repeat:{case.pk}",
            number=f"SO-{when:%y%m}-R{rng.randrange(10**5):05d}",
        )  # fmt: skip


def _play(
    rng: random.Random,
    case: Case,
    *,
    lang: str,
    opened: dt.datetime,
    now: dt.datetime,
    lead: User | None,
) -> None:
    """Give a case a plausible history up to `now` (reply, notes, resolution, recovery)."""
    agent = case.assignee or lead
    if agent is None:
        return
    if case.assignee_id is None:
        services.assign_case(case, by=None, user=agent)
    elapsed = (now - opened).total_seconds() / 3600
    roll = rng.random()
    if elapsed < 1 or roll < 0.12:
        return  # still new: waits for its first answer (may breach)
    slow = rng.random() < 0.25
    reply_at = opened + dt.timedelta(
        minutes=rng.randint(600, 2400) if slow else rng.randint(15, 240)
    )
    if reply_at >= now:
        return
    sla.check_case(case.pk, reply_at)
    if rng.random() < 0.3:
        services.add_message(case, body=rng.choice(NOTES), by=agent, author_kind="agent",
                             channel="staff", visibility=MessageVisibility.INTERNAL, at=reply_at)  # fmt: skip
    services.add_message(case, body=REPLIES[lang][0], by=agent, author_kind="agent",
                         channel=case.channel, at=reply_at + dt.timedelta(minutes=1))  # fmt: skip
    later = reply_at + dt.timedelta(hours=rng.randint(2, 30))
    if later < now and rng.random() < 0.35:
        services.add_message(case, body=FOLLOW_UPS[lang], by=None, author_kind="customer",
                             channel=case.channel, at=later)  # fmt: skip
        answer = later + dt.timedelta(hours=rng.randint(1, 12))
        if answer < now and rng.random() < 0.8:
            sla.check_case(case.pk, answer)
            services.add_message(case, body=REPLIES[lang][1], by=agent, author_kind="agent",
                                 channel=case.channel, at=answer)  # fmt: skip
    if case.type == CaseType.COMPLAINT and elapsed > 4:
        _recover(rng, case, agent, opened=opened, now=now)
    if elapsed > 24 and roll < 0.75:
        done = min(now, later + dt.timedelta(hours=rng.randint(1, 60)))
        sla.check_case(case.pk, done)
        services.add_message(case, body=REPLIES[lang][2], by=agent, author_kind="agent",
                             channel=case.channel, at=done - dt.timedelta(minutes=5))  # fmt: skip
        services.change_status(case, CaseStatus.RESOLVED, by=agent, at=done)
        survey = services.send_survey(case, "csat", at=done)
        if rng.random() < 0.6:
            score = (
                rng.choice([5, 5, 4, 4, 3, 2])
                if case.type != "complaint"
                else rng.choice([5, 4, 3, 2, 1])
            )
            services.answer_survey(survey.token, score, at=min(now, done + dt.timedelta(hours=3)))
        if rng.random() < 0.3:
            nps = services.send_survey(case, "nps", at=done)
            services.answer_survey(
                nps.token,
                rng.choice([10, 9, 9, 8, 7, 6, 3]),
                at=min(now, done + dt.timedelta(hours=4)),
            )
        if elapsed > 72 and rng.random() < 0.5:
            services.change_status(
                case, CaseStatus.CLOSED, by=agent, at=min(now, done + dt.timedelta(days=2))
            )
    elif roll < 0.85:
        services.change_status(case, CaseStatus.PENDING_CUSTOMER, by=agent, at=now)
