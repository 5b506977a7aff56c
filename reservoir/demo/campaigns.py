"""The marketing calendar: campaign messages sent to members and business contacts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CampaignSpec:
    month: int
    day: int
    name_zh: str
    name_en: str
    body_zh: str
    body_en: str
    audience: str  # "consumers" (members and leads), "business" (organization contacts), "en"
    medium: str  # email, sms or messaging


# Cost of one campaign message by medium (CNY): the provider's price per message.
MEDIUM_COST = {"email": Decimal("0.02"), "sms": Decimal("0.05"), "messaging": Decimal("0.01")}

CALENDAR: tuple[CampaignSpec, ...] = (
    CampaignSpec(1, 12, "春节焕新季 | 年货节低至 7 折", "Lunar New Year sale — up to 30% off",
                 "辞旧迎新，空气净化器、电饭煲低至 7 折，顺丰包邮到家。", "Fresh start for the new year: purifiers and rice cookers up to 30% off.", "consumers", "email"),
    CampaignSpec(3, 1, "诚邀参加清流电器年度经销商大会", "Invitation: Qingliu annual dealer conference",
                 "诚邀贵司出席年度经销商大会，发布新品与渠道政策。", "Join us at the annual dealer conference: new products and partner terms.", "business", "email"),
    CampaignSpec(3, 10, "3·15 品质月 | 免费上门检测", "Quality month: free home check-ups",
                 "3 月会员专享免费上门检测与深度清洁 8 折。", "Members get a free home check-up in March and 20% off deep cleaning.", "consumers", "sms"),
    CampaignSpec(3, 25, "新品上市 | Buds Pro 2 主动降噪", "New: Buds Pro 2 with active noise cancelling",
                 "Buds Pro 2 全新上市，首发赠保护套。", "Buds Pro 2 is here — free case with launch orders.", "consumers", "messaging"),
    CampaignSpec(5, 15, "520 心意礼单", "Gift ideas for 520",
                 "为 TA 挑一份好礼：耳机、吹风机、筋膜枪限时特惠。", "Gifts for someone special: headphones, hair dryers, massage guns.", "consumers", "messaging"),
    CampaignSpec(6, 1, "618 年中大促 | 预售开启", "618 mid-year sale: pre-orders open",
                 "618 预售开启，定金 50 抵 100，前 1000 名赠滤芯。", "618 pre-orders: ¥50 deposit counts as ¥100; first 1,000 get a free filter.", "consumers", "email"),
    CampaignSpec(6, 16, "618 最后 48 小时", "618: last 48 hours",
                 "618 狂欢最后 48 小时，爆款直降。", "Last 48 hours of 618 — best sellers at their lowest price.", "consumers", "sms"),
    CampaignSpec(8, 25, "开学季 | 宿舍好物", "Back to school essentials",
                 "开学季宿舍好物：迷你电饭煲、台灯、充电宝学生价。", "Back to school: mini rice cookers, power banks at student prices.", "consumers", "messaging"),
    CampaignSpec(9, 5, "新品发布 | Vision Pro 75 Mini LED", "Launch: Vision Pro 75 Mini LED TV",
                 "75 英寸 Mini LED 旗舰电视发布，以旧换新最高抵 800 元。", "Our 75-inch Mini LED flagship — trade-in worth up to ¥800.", "consumers", "email"),
    CampaignSpec(9, 20, "中秋国庆 | 团圆好礼", "Mid-Autumn and National Day offers",
                 "中秋国庆双节同庆，全场满 2000 减 200。", "Mid-Autumn and National Day: ¥200 off every ¥2,000.", "consumers", "sms"),
    CampaignSpec(10, 24, "双十一预售 | 付定金享双倍膨胀", "Singles' Day pre-sale: double-value deposits",
                 "双十一预售开启，定金翻倍，会员再享 95 折。", "Singles' Day pre-sale: deposits count double; members save 5% more.", "consumers", "email"),
    CampaignSpec(11, 10, "双十一 | 今晚 8 点开抢", "11.11 starts tonight at 8 pm",
                 "双十一今晚 8 点开抢，前 1 小时叠加满减。", "11.11 opens tonight at 8 pm — extra savings in the first hour.", "consumers", "sms"),
    CampaignSpec(11, 24, "Black Friday 海外直邮", "Black Friday: ships worldwide",
                 "海外会员黑五特惠，直邮包税。", "Black Friday for our overseas members — duties included.", "en", "email"),
    CampaignSpec(12, 1, "{next_year} 年度渠道政策发布", "{next_year} partner programme",
                 "新年度返利与备货政策已发布，请查收附件。", "The new year's rebates and stock terms are attached.", "business", "email"),
    CampaignSpec(12, 10, "双十二 | 年终清仓", "12.12 year-end clearance",
                 "双十二年终清仓，样机低至 6 折。", "12.12 clearance: display units from 40% off.", "consumers", "messaging"),
)  # fmt: skip


def occurrences(start: dt.date, end: dt.date) -> list[tuple[dt.date, CampaignSpec]]:
    """Return every campaign send date within [start, end), oldest first."""
    found = []
    for year in range(start.year, end.year + 1):
        for spec in CALENDAR:
            day = dt.date(year, spec.month, spec.day)
            if start <= day < end:
                found.append((day, spec))
    found.sort(key=lambda item: item[0])
    return found
