"""vCard (.vcf) in and out with vobject: cards become rows of import fields; parties become
vCard 3.0 cards with Chinese names in N (family;given) and FN.

vCard needs no column mapping: its properties name their meaning (FN, N, TEL;TYPE=CELL,
EMAIL, ORG, TITLE, ADR, BDAY, NOTE, CATEGORIES, X-WECHAT / X-WEIXIN, X-QQ).
"""

from __future__ import annotations

from typing import Any

import vobject
from django.utils.translation import gettext as _

from reservoir.resolution.importing.readers import FileRejected, Table, _check_rows, decode

VCF_FIELDS = [
    "full_name",
    "family_name",
    "given_name",
    "company",
    "title",
    "email",
    "mobile",
    "phone",
    "wechat",
    "qq",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
    "birth_date",
    "gender",
    "website",
    "notes",
    "tags",
]
_CHAT = {"x-wechat": "wechat", "x-weixin": "wechat", "x-qq": "qq"}


def _values(card: Any, name: str) -> list[Any]:
    return [item.value for item in card.contents.get(name, [])]


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value if v).strip()
    return str(value or "").strip()


def card_row(card: Any) -> dict[str, str]:
    """Return the import fields of one parsed vCard."""
    row: dict[str, str] = {}
    row["full_name"] = _text(_values(card, "fn")[:1] and _values(card, "fn")[0])
    names = _values(card, "n")
    if names:
        row["family_name"] = _text(names[0].family)
        row["given_name"] = " ".join(
            p for p in (_text(names[0].given), _text(names[0].additional)) if p
        )
    orgs = _values(card, "org")
    if orgs:
        org = orgs[0]
        row["company"] = _text(org[0] if isinstance(org, list) and org else org)
    row["title"] = _text((_values(card, "title") or [""])[0])
    row["email"] = "; ".join(_text(v) for v in _values(card, "email") if _text(v))
    mobiles: list[str] = []
    phones: list[str] = []
    for item in card.contents.get("tel", []):
        types = {t.upper() for t in item.params.get("TYPE", [])}
        (mobiles if "CELL" in types else phones).append(_text(item.value))
    row["mobile"], row["phone"] = "; ".join(mobiles), "; ".join(phones)
    for prop, key in _CHAT.items():
        found = [_text(v) for v in _values(card, prop)]
        if found:
            row[key] = "; ".join(filter(None, [row.get(key, ""), *found]))
    addresses = _values(card, "adr")
    if addresses:
        adr = addresses[0]
        row["street"] = " ".join(
            p for p in (_text(adr.box), _text(adr.extended), _text(adr.street)) if p
        )
        row["city"], row["region"] = _text(adr.city), _text(adr.region)
        row["postal_code"], row["country"] = _text(adr.code), _text(adr.country)
    row["birth_date"] = _text((_values(card, "bday") or [""])[0])
    row["gender"] = _text((_values(card, "gender") or [""])[0])
    row["website"] = _text((_values(card, "url") or [""])[0])
    row["notes"] = "\n".join(_text(v) for v in _values(card, "note"))
    row["tags"] = "; ".join(_text(v) for v in _values(card, "categories"))
    return row


def read_vcf(data: bytes, encoding: str = "") -> Table:
    """Read every card of a .vcf file; raise FileRejected if any card is malformed."""
    text, used = decode(data, encoding)
    if "BEGIN:VCARD" not in text.upper():
        raise FileRejected(_("This is not a vCard file: it has no BEGIN:VCARD."), field="file")
    rows: list[list[str]] = []
    try:
        for card in vobject.readComponents(text, ignoreUnreadable=False):
            if card.name.upper() != "VCARD":
                raise FileRejected(
                    _("Unexpected “%(name)s” block: only vCards can be imported.")
                    % {"name": card.name},
                    field="file",
                )
            fields = card_row(card)
            rows.append([fields.get(key, "") for key in VCF_FIELDS])
            _check_rows(len(rows))
    except FileRejected:
        raise
    except Exception as exc:  # vobject raises ParseError, but also ValueError/AttributeError
        raise FileRejected(
            _("The vCard file is invalid: %(msg)s. Nothing was imported.") % {"msg": exc},
            field="file",
        ) from exc
    if not rows:
        raise FileRejected(_("The vCard file contains no cards."), field="file")
    return Table(
        columns=list(VCF_FIELDS),
        rows=rows,
        encoding=used,
        first_row=1,
        fixed_mapping=list(VCF_FIELDS),
    )


def party_card(data: dict[str, Any]) -> str:
    """Return one vCard 3.0 (text) from an export row (see exporting.ROW_KEYS)."""
    card = vobject.vCard()
    card.add("version").value = "3.0"
    family, given = data.get("family_name", ""), data.get("given_name", "")
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    card.add("fn").value = data.get("display_name") or f"{given} {family}".strip() or "?"
    if data.get("company"):
        card.add("org").value = [data["company"]]
    if data.get("title"):
        card.add("title").value = data["title"]
    for email in data.get("emails", []):
        item = card.add("email")
        item.value, item.type_param = email, "INTERNET"
    for phone in data.get("phones", []):
        item = card.add("tel")
        item.value, item.type_param = phone, "VOICE"
    for wechat in data.get("wechat", []):
        card.add("x-wechat").value = wechat
    if any(data.get(k) for k in ("street", "city", "region", "postal_code")):
        card.add("adr").value = vobject.vcard.Address(
            street=data.get("street", ""),
            city=data.get("city", ""),
            region=data.get("region", ""),
            code=data.get("postal_code", ""),
            country=data.get("country", ""),
        )
    if data.get("birth_date"):
        card.add("bday").value = data["birth_date"]
    if data.get("roles"):
        card.add("categories").value = list(data["roles"])
    return str(card.serialize())
