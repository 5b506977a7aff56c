"""What a column can be imported as, and the suggestion for a column from its header.

The synonyms cover the headers of the usual CRM, Outlook, Google and WeChat Work exports in
English, simplified and traditional Chinese; a header is matched exactly (after folding
case, spaces and punctuation) before it is matched by a contained word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Field:
    key: str
    label: str | Promise
    multiple: bool = False  # several columns (or ";"-separated values) add up


FIELDS: tuple[Field, ...] = (
    Field("full_name", _("Full name")),
    Field("family_name", _("Family name")),
    Field("given_name", _("Given name")),
    Field("company", _("Company")),
    Field("title", _("Job title")),
    Field("email", _("Email"), multiple=True),
    Field("phone", _("Phone"), multiple=True),
    Field("mobile", _("Mobile"), multiple=True),
    Field("wechat", _("WeChat"), multiple=True),
    Field("qq", _("QQ"), multiple=True),
    Field("whatsapp", _("WhatsApp"), multiple=True),
    Field("line", _("LINE"), multiple=True),
    Field("street", _("Street address")),
    Field("district", _("District")),
    Field("city", _("City")),
    Field("region", _("Province / state")),
    Field("postal_code", _("Postal code")),
    Field("country", _("Country")),
    Field("birth_date", _("Birth date")),
    Field("gender", _("Gender")),
    Field("language", _("Language")),
    Field("website", _("Website")),
    Field("industry", _("Industry")),
    Field("notes", _("Notes"), multiple=True),
    Field("tags", _("Roles / tags"), multiple=True),
    Field("kind", _("Person or organization")),
)
FIELD_KEYS = frozenset(f.key for f in FIELDS)
BY_KEY = {f.key: f for f in FIELDS}
CHAT_FIELDS = ("wechat", "qq", "whatsapp", "line")

_EXACT: dict[str, str] = {}
_CONTAINS: list[tuple[str, str]] = []


def _add(key: str, exact: str, contains: str = "") -> None:
    for word in exact.split("|"):
        _EXACT[_fold(word)] = key
    for word in filter(None, contains.split("|")):
        _CONTAINS.append((_fold(word), key))


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-./:()（）：*#]+", "", text.strip().lower())


_add(
    "full_name",
    "name|full name|fullname|contact|contact name|display name|fn|姓名|名字|联系人|聯絡人|"
    "联系人姓名|客户姓名|客戶姓名|客户名称|客戶名稱",
    "姓名|fullname",
)
_add(
    "family_name",
    "last name|lastname|surname|family name|familyname|姓|姓氏",
    "lastname|surname|familyname",
)
_add("given_name", "first name|firstname|given name|givenname|名", "firstname|givenname")
_add(
    "company",
    "company|company name|organization|organisation|org|account|account name|employer|"
    "公司|公司名称|公司名稱|单位|單位|工作单位|工作單位|企业|企業|机构|機構",
    "company|organi|公司|单位|單位",
)
_add(
    "title",
    "title|job title|position|role title|职位|職位|职务|職務|头衔|頭銜",
    "jobtitle|职位|職位",
)
_add(
    "email",
    "email|e-mail|mail|email address|邮箱|郵箱|电子邮件|電子郵件|电子邮箱|電子郵箱|邮件|郵件",
    "email|e-mail|邮箱|郵箱|邮件|郵件",
)
_add(
    "mobile",
    "mobile|mobile phone|cell|cell phone|cellphone|手机|手機|手机号|手機號|手机号码|手機號碼|"
    "移动电话|行動電話",
    "mobile|cell|手机|手機",
)
_add(
    "phone",
    "phone|telephone|tel|phone number|work phone|business phone|电话|電話|座机|座機|固话|"
    "联系电话|聯絡電話|办公电话|辦公電話",
    "phone|tel|电话|電話",
)
_add("wechat", "wechat|weixin|wechat id|微信|微信号|微信號", "wechat|weixin|微信")
_add("qq", "qq|qq号|qq號", "qq")
_add("whatsapp", "whatsapp", "whatsapp")
_add("line", "line|line id", "lineid")
_add(
    "street",
    "address|street|street address|address line 1|地址|街道|详细地址|詳細地址|通讯地址|通訊地址",
    "street|address|地址",
)
_add("district", "district|county|区|區|区县|區縣|县|縣", "district")
_add("city", "city|town|locality|城市|市", "city|城市")
_add("region", "province|state|region|省|省份|州", "province|state|省")
_add(
    "postal_code",
    "postal code|postcode|zip|zip code|邮编|郵編|邮政编码|郵遞區號|郵政編碼",
    "postal|zip|邮编|郵編",
)
_add("country", "country|nation|国家|國家|国家地区|國家地區", "country|国家|國家")
_add(
    "birth_date",
    "birthday|birth date|birthdate|date of birth|dob|生日|出生日期|出生年月",
    "birth|生日|出生",
)
_add("gender", "gender|sex|性别|性別", "gender|性别|性別")
_add("language", "language|语言|語言", "language")
_add("website", "website|web|url|homepage|网站|網站|网址|網址", "website|网站|網站")
_add("industry", "industry|sector|行业|行業", "industry|行业|行業")
_add(
    "notes", "notes|note|comment|comments|remarks|description|备注|備註|说明|說明", "note|备注|備註"
)
_add(
    "tags",
    "tags|tag|role|roles|type|category|categories|标签|標籤|类型|類型|分类|分類",
    "tag|标签|標籤",
)
_add("kind", "kind|party type|contact type|客户类型|客戶類型", "")


def suggest(header: str) -> str:
    """Return the field key a column named `header` most likely holds ("" when unsure)."""
    folded = _fold(header)
    if not folded:
        return ""
    if folded in _EXACT:
        return _EXACT[folded]
    for word, key in _CONTAINS:
        if word in folded:
            return key
    return ""


def suggest_mapping(columns: list[str]) -> list[str]:
    """Return one suggestion per column; a single-value field is suggested once only."""
    out: list[str] = []
    taken: set[str] = set()
    for header in columns:
        key = suggest(header)
        if key and not BY_KEY[key].multiple and key in taken:
            key = ""
        taken.add(key)
        out.append(key)
    return out
