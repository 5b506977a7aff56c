"""Human-readable evidence: translatable labels per (field, level) and the values shown."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from reservoir.resolution.matching.compare import Prepared

_FIELD_NAMES: dict[str, Promise] = {
    "kind": _("Party type"),
    "family_name": _("Family name"),
    "given_name": _("Given name"),
    "birth_date": _("Birth date"),
    "gender": _("Gender"),
    "email": _("Email"),
    "phone": _("Phone"),
    "other_id": _("Other identifier"),
    "company": _("Company"),
    "street": _("Street"),
    "city": _("City"),
    "postal_code": _("Postal code"),
    "region": _("Region"),
    "country": _("Country"),
}
_LABELS: dict[tuple[str, str], Promise] = {
    ("kind", "different"): _("One is a person, the other an organization"),
    ("family_name", "exact"): _("Same family name (spelling, script or romanization)"),
    ("family_name", "close"): _("Family name nearly the same (typo or variant)"),
    ("family_name", "partial"): _("Family name somewhat similar"),
    ("family_name", "different"): _("Different family names"),
    ("given_name", "exact"): _("Same given name (spelling, script or romanization)"),
    ("given_name", "close"): _("Given name nearly the same (typo, nickname, initial or homophone)"),
    ("given_name", "partial"): _("Given name similar"),
    ("given_name", "different"): _("Different given names"),
    ("birth_date", "exact"): _("Same birth date"),
    ("birth_date", "close"): _("Birth date differs by one digit or day/month swapped"),
    ("birth_date", "partial"): _("Birth date differs by two digits"),
    ("birth_date", "different"): _("Different birth dates"),
    ("gender", "exact"): _("Same gender"),
    ("gender", "different"): _("Different genders"),
    ("email", "exact"): _("A shared email address"),
    ("email", "partial"): _("Same email user name at another domain"),
    ("email", "different"): _("No shared email address"),
    ("phone", "exact"): _("A shared phone number"),
    ("phone", "partial"): _("Phone numbers differ by one digit or prefix only"),
    ("phone", "different"): _("No shared phone number"),
    ("other_id", "exact"): _("A shared identifier (chat or social account, ID number)"),
    ("other_id", "close"): _("Identifiers of the same kind nearly equal"),
    ("other_id", "different"): _("Identifiers of the same kind differ"),
    ("company", "exact"): _("Same company"),
    ("company", "close"): _("Company name nearly the same"),
    ("company", "partial"): _("Company names overlap"),
    ("company", "different"): _("Different companies"),
    ("street", "exact"): _("Same street address"),
    ("street", "close"): _("Street address nearly the same"),
    ("street", "partial"): _("Street addresses overlap"),
    ("street", "different"): _("Different street addresses"),
    ("city", "exact"): _("Same city"),
    ("city", "close"): _("City nearly the same"),
    ("city", "different"): _("Different cities"),
    ("postal_code", "exact"): _("Same postal code"),
    ("postal_code", "close"): _("Postal code differs by one character"),
    ("postal_code", "different"): _("Different postal codes"),
    ("region", "exact"): _("Same region"),
    ("region", "different"): _("Different regions"),
    ("country", "exact"): _("Same country"),
    ("country", "different"): _("Different countries"),
}


def field_name(name: str) -> Promise:
    return _FIELD_NAMES[name]


def label(name: str, level: str) -> Promise:
    return _LABELS[(name, level)]


def _name_part(p: Prepared, family: bool, reading: int) -> str:
    """The name part as written; `reading` picks the family/given reading that was compared."""
    if not p.name.readings:
        return ""
    rec = p.record
    if p.name.explicit and (rec.family_name or rec.given_name):
        return rec.family_name if family else rec.given_name
    part = p.name.readings[max(reading, 0)][0 if family else 1]
    return part.text


_LISTS = {"email": "emails", "phone": "phones", "other_id": "other_ids"}


def _value(name: str, p: Prepared, reading: int = 0) -> str:
    rec = p.record
    if name in ("family_name", "given_name"):
        return _name_part(p, name == "family_name", reading)
    if name in _LISTS:
        return ", ".join(getattr(rec, _LISTS[name]))
    if name == "birth_date":
        return rec.birth_date.isoformat() if rec.birth_date else ""
    if name == "company":
        return rec.company or (rec.full_name if p.kind == "organization" else "")
    return p.kind if name == "kind" else str(getattr(rec, name))


def display(
    name: str, a: Prepared, b: Prepared, readings: tuple[int, int] = (0, 0)
) -> tuple[str, str]:
    """The values of field `name` as shown beside the evidence.

    `readings` are the name readings `compare.name_levels` aligned; (-2, -2) means the family
    and given name fields were swapped on one side, so b's other part is shown.
    """
    if readings[1] == -2 and name in ("family_name", "given_name"):
        other = "given_name" if name == "family_name" else "family_name"
        return _value(name, a), _value(other, b)
    return _value(name, a, readings[0]), _value(name, b, readings[1])
