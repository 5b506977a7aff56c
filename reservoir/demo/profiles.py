"""Profiles (客户轮廓) and hand-typed traits for demo parties."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

OCCUPATIONS = (
    "软件工程师 Software engineer", "教师 Teacher", "医生 Doctor", "护士 Nurse",
    "公务员 Civil servant", "销售 Sales", "设计师 Designer", "会计 Accountant",
    "学生 Student", "自由职业 Freelancer", "企业主 Business owner", "退休 Retired",
    "产品经理 Product manager", "律师 Lawyer",
)  # fmt: skip
INCOME_BANDS = ("<8k/月", "8k–15k/月", "15k–30k/月", "30k–50k/月", ">50k/月")
INTERESTS = (
    "音乐 music", "跑步 running", "健身 fitness", "摄影 photography", "电影 films",
    "烹饪 cooking", "旅行 travel", "游戏 gaming", "阅读 reading", "育儿 parenting",
    "智能家居 smart home", "户外 outdoors", "咖啡 coffee", "宠物 pets",
)  # fmt: skip
LIFESTYLES = ("都市白领 urban professional", "新手父母 new parents", "学生党 student",
              "品质生活 quality-seeker", "科技尝鲜 early adopter", "精打细算 value-seeker")  # fmt: skip
VALUES = ("性价比 value for money", "品牌 brand", "环保 sustainability", "设计 design",
          "售后 after-sales service", "健康 health")  # fmt: skip
CONSUMER_NEEDS = (
    "通勤降噪 noise cancelling for the commute", "家庭影院 home cinema", "空气质量 air quality (pets)",
    "宝宝房间净化 clean air for the baby's room", "厨房省时 quicker cooking", "全屋智能 whole-home automation",
    "老人看护 keeping an eye on elderly parents", "运动耳机 headphones for running",
    "租房友好 renter-friendly devices", "以旧换新 trade-in of an old TV",
)  # fmt: skip
BUSINESS_NEEDS = (
    "客房电视批量采购 bulk TVs for guest rooms", "门店陈列样机 display units for stores",
    "办公区空气净化 air purifiers for the office", "年度滤芯集采 yearly filter contract",
    "员工福利礼品 employee gift programme", "账期 30 天 30-day payment terms",
    "上门安装 on-site installation", "增值税专用发票 VAT special invoices",
)  # fmt: skip
CHANNELS = ("wechat", "phone", "email", "sms", "whatsapp", "line")
CONTACT_TIMES = ("weekday_morning", "lunch_break", "weekday_evening", "weekend", "any")
EMPLOYEE_BANDS = ("1–10", "11–50", "51–200", "201–1000", ">1000")
REVENUE_BANDS = ("<¥5M", "¥5M–20M", "¥20M–100M", "¥100M–500M", ">¥500M")


def _age_band(birth: dt.date | None, today: dt.date) -> str:
    if birth is None:
        return ""
    age = (today - birth).days // 365
    low = max(18, age // 10 * 10)
    return f"{low}–{low + 9}"


def person_profile(
    rng: random.Random, *, birth: dt.date | None, language: str, region: str, today: dt.date
) -> dict[str, Any]:
    """Return the four profile sections for a consumer or a contact person."""
    preferred = {"hk": "whatsapp", "tw": "line", "intl": "email"}.get(region, "wechat")
    channel = preferred if rng.random() < 0.6 else rng.choice(CHANNELS[:4])
    return {
        "demographics": {
            "occupation": rng.choice(OCCUPATIONS),
            "income_band": rng.choices(INCOME_BANDS, weights=(20, 35, 28, 11, 6))[0],
            "age_band": _age_band(birth, today),
            "household_size": rng.choices((1, 2, 3, 4, 5), weights=(18, 30, 30, 15, 7))[0],
        },
        "psychographics": {
            "interests": rng.sample(INTERESTS, rng.randint(1, 3)),
            "lifestyle": rng.choice(LIFESTYLES),
            "values": rng.sample(VALUES, 2),
        },
        "needs": rng.sample(CONSUMER_NEEDS, rng.randint(1, 2)),
        "preferences": {
            "channel": channel,
            "contact_time": rng.choice(CONTACT_TIMES),
            "language": language,
        },
    }


def organization_profile(rng: random.Random, *, segment: str, language: str) -> dict[str, Any]:
    """Return the profile sections for an organization."""
    demographics: dict[str, Any] = {
        "employees": rng.choices(EMPLOYEE_BANDS, weights=(10, 35, 30, 18, 7))[0],
        "annual_revenue": rng.choices(REVENUE_BANDS, weights=(15, 35, 30, 15, 5))[0],
    }
    if segment == "distributor":
        demographics["stores"] = rng.randint(3, 60)
    return {
        "demographics": demographics,
        "psychographics": {
            "buying_style": rng.choice(
                ("价格敏感 price-driven", "看重服务 service-driven", "长期合作 relationship-driven")
            ),  # fmt: skip
        },
        "needs": rng.sample(BUSINESS_NEEDS, rng.randint(1, 3)),
        "preferences": {
            "channel": rng.choice(("email", "phone", "wechat", "meeting")),
            "invoice": "增值税专用发票 VAT special invoice" if language != "en" else "invoice",
            "language": language,
        },
    }


def manual_traits(rng: random.Random, *, segment: str, spend_rank: float) -> list[tuple[str, Any]]:
    """Return hand-typed traits: (key, value).

    `spend_rank` is the party's spend percentile among its peers (1.0 = the biggest buyer);
    staff flag the best customers as VIP by hand.
    """
    traits: list[tuple[str, Any]] = []
    if segment in {"consumer", "contact", "lead"} and rng.random() < 0.3:
        traits.append(("preferred_contact_time", rng.choice(CONTACT_TIMES[:4])))
    if (segment == "consumer" and spend_rank >= 0.95) or (
        segment in {"distributor", "business"} and spend_rank >= 0.8
    ):
        traits.append(("vip", True))
    if segment == "consumer" and rng.random() < 0.1:
        traits.append(("birthday_greeting", rng.random() < 0.8))
    if segment in {"distributor", "business"} and rng.random() < 0.4:
        traits.append(("payment_terms_days", rng.choice((15, 30, 45, 60))))
    return traits
