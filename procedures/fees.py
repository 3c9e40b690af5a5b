"""Fee items of a procedure version and the one function that turns them into the amount a dossier owes.

Every place that shows money (procedure page, filing review, the officer's payment request, the fees API, the
e-receipt, the payment itself) calls `fee_breakdown`, so the figures cannot drift apart. Amounts are integer đồng.

A fee item (the template's `version.fee_items`, JSON):
    {"code", "name", "name_en"?, "kind": "phi"|"le_phi", "basis": "per_case"|"per_copy"|"per_page"|"fixed",
     "amount": unit amount,
     "quantity_field"?: form key holding the number of copies (per_copy) or of pages (per_page),
     "copies_field"?: per_page only, form key of the number of copies (pages are charged for each copy),
     "free_units"?: the first N copies/pages are free, "tiers"?: [{"from": page, "amount"}] per_page price from
     that page on, "cap"?: the most one copy (per_page) or the item (other bases) costs,
     "cases"?: [case codes, "" = the general case] the item applies only to those, "channels"?: ["online", ...],
     "exempt_if"?: [{"field", "in": [values]}] exemption, e.g. by applicant category}
A version without fee items keeps the older single `fee` (or its case's `fee`) as one per-case lệ phí.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KINDS = {"phi": gettext_lazy("Phí"), "le_phi": gettext_lazy("Lệ phí")}
BASES = {
    "per_case": gettext_lazy("mỗi hồ sơ"),
    "per_copy": gettext_lazy("mỗi bản"),
    "per_page": gettext_lazy("mỗi trang"),
    "fixed": gettext_lazy("cố định"),
}
# When the applicant pays: before the dossier is submitted, or when the specialist requests it after appraisal.
TIMINGS = {
    "after_appraisal": gettext_lazy("Sau khi thẩm định (cơ quan yêu cầu thanh toán)"),
    "at_filing": gettext_lazy("Khi nộp hồ sơ (thanh toán rồi hồ sơ mới được nộp)"),
}
MAX_AMOUNT = 10**12


@dataclass(frozen=True)
class FeeLine:
    code: str
    name: str
    kind: str
    basis: str
    quantity: int
    unit_amount: int
    amount: int
    exempt: bool = False


@dataclass(frozen=True)
class FeeBreakdown:
    lines: tuple[FeeLine, ...]
    total: int

    def items(self) -> list[dict]:
        """The API's item shape (API.md "Payments")."""
        return [
            {
                k: v
                for k, v in asdict(line).items()
                if k in {"code", "name", "kind", "quantity", "unit_amount", "amount"}
            }
            | {"exempt": line.exempt}
            for line in self.lines
        ]


def _int(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    try:
        number = int(value)
    except (TypeError, ValueError):
        try:
            number = int(float(str(value).replace(",", ".")))
        except (TypeError, ValueError):
            return 0
    return max(0, min(number, 100_000))


def fee_items(version: Any) -> list[dict]:
    """The version's fee items; the legacy single fee becomes one per-case lệ phí (the case's fee when it sets one)."""
    items = getattr(version, "fee_items", None) or []
    if items:
        return [dict(item) for item in items if isinstance(item, Mapping)]
    cases = [c for c in getattr(version, "cases", None) or [] if isinstance(c, Mapping)]
    own = [c for c in cases if c.get("fee") is not None]
    legacy = []
    if getattr(version, "fee", 0):
        # The version's fee covers the general case and every case that does not set its own.
        legacy.append(_legacy(version.fee, cases=["", *[c.get("code") for c in cases if c not in own]]))
    for case in own:
        if case.get("fee"):
            legacy.append(_legacy(int(case["fee"]), cases=[case.get("code")], code=f"fee-{case.get('code')}"))
    return legacy


def _legacy(amount: int, *, cases: list, code: str = "fee") -> dict:
    return {
        "code": code,
        "name": "Lệ phí",
        "kind": "le_phi",
        "basis": "per_case",
        "amount": int(amount),
        "cases": cases,
    }


def _applies(item: Mapping, *, case_code: str, channel: str) -> bool:
    cases = item.get("cases")
    if cases and (case_code or "") not in cases:
        return False
    channels = item.get("channels")
    return not channels or channel in channels


def _exempt(item: Mapping, data: Mapping) -> bool:
    for rule in item.get("exempt_if") or []:
        if not isinstance(rule, Mapping):
            continue
        value = data.get(rule.get("field"))
        values = value if isinstance(value, list) else [value]
        if any(v in (rule.get("in") or []) for v in values if v not in (None, "")):
            return True
    return False


def _per_page_amount(item: Mapping, pages: int) -> int:
    """Price of one copy of `pages` pages: tiers by page number, the first `free_units` free, capped."""
    tiers = sorted(
        (_int(t.get("from")), _int(t.get("amount"))) for t in item.get("tiers") or [] if isinstance(t, Mapping)
    )
    free = _int(item.get("free_units"))
    total = 0
    for page in range(free + 1, pages + 1):
        price = int(item.get("amount") or 0)
        for start, amount in tiers:
            if page >= start:
                price = amount
        total += price
    cap = item.get("cap")
    return min(total, int(cap)) if cap else total


def line_for(item: Mapping, data: Mapping, *, lang: str = "vi") -> FeeLine:
    basis = item.get("basis", "per_case")
    unit = int(item.get("amount") or 0)
    name = (item.get("name_en") if lang == "en" and item.get("name_en") else item.get("name")) or item.get("code", "")
    if basis == "per_copy":
        quantity = _int(data.get(item.get("quantity_field"))) if item.get("quantity_field") else 1
        charged = max(0, quantity - _int(item.get("free_units")))
        amount = charged * unit
        if item.get("cap"):
            amount = min(amount, int(item["cap"]))
    elif basis == "per_page":
        pages = _int(data.get(item.get("quantity_field"))) if item.get("quantity_field") else 1
        copies = _int(data.get(item.get("copies_field"))) if item.get("copies_field") else 1
        quantity = pages * copies
        amount = copies * _per_page_amount(item, pages)
    else:  # per_case, fixed: once per dossier
        quantity, amount = 1, unit
    exempt = _exempt(item, data)
    return FeeLine(
        code=str(item.get("code", "")),
        name=str(name),
        kind=item.get("kind", "le_phi"),
        basis=basis,
        quantity=quantity,
        unit_amount=unit,
        amount=0 if exempt else min(amount, MAX_AMOUNT),
        exempt=exempt,
    )


def fee_breakdown(
    *, version: Any, data: Mapping | None = None, case_code: str = "", channel: str = "online", lang: str = "vi"
) -> FeeBreakdown:
    """What a dossier under `version` with these answers owes: one line per applicable item, and the total."""
    data = data if isinstance(data, Mapping) else {}
    lines = tuple(
        line_for(item, data, lang=lang)
        for item in fee_items(version)
        if _applies(item, case_code=case_code, channel=channel)
    )
    return FeeBreakdown(lines=lines, total=sum(line.amount for line in lines))


def dossier_fee_breakdown(dossier: Any, *, lang: str = "vi") -> FeeBreakdown:
    return fee_breakdown(
        version=dossier.procedure_version,
        data=dossier.data,
        case_code=dossier.case_code,
        channel=dossier.channel,
        lang=lang,
    )


def base_fee(version: Any) -> int:
    """The general case's fee with nothing counted (what the catalogue list shows as "from")."""
    return fee_breakdown(version=version).total


def is_fee_bearing(version: Any) -> bool:
    """Some item can cost money (indicator 3.5 counts these procedures)."""
    return any(int(item.get("amount") or 0) > 0 for item in fee_items(version))


def item_description(item: Mapping, *, money=None) -> str:
    """ "8.000 đồng mỗi bản" — for the procedure page and the editor."""
    money = money or (lambda v: f"{v:,}".replace(",", "."))
    text = f"{money(int(item.get('amount') or 0))} {BASES.get(item.get('basis', 'per_case'), '')}"
    if item.get("free_units"):
        text += " " + _("(miễn %(n)s đơn vị đầu)") % {"n": item["free_units"]}
    for tier in item.get("tiers") or []:
        text += "; " + _("từ trang %(p)s: %(a)s") % {"p": tier.get("from"), "a": money(int(tier.get("amount") or 0))}
    if item.get("cap"):
        text += "; " + _("tối đa %(a)s") % {"a": money(int(item["cap"]))}
    if item.get("exempt_if"):
        text += "; " + _("có trường hợp được miễn")
    return text


def fee_items_problems(items: Any, *, field_keys: set[str], case_codes: set[str]) -> list[str]:
    """What is wrong with a template's fee items, in words an editor can act on."""
    if items in (None, []):
        return []
    if not isinstance(items, Sequence) or isinstance(items, str | bytes):
        return [_("Danh sách phí, lệ phí phải là một mảng.")]
    problems = []
    codes = [item.get("code") for item in items if isinstance(item, Mapping)]
    if len(codes) != len(set(codes)):
        problems.append(_("Mã khoản phí bị trùng."))
    for index, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            problems.append(_("Khoản phí %(i)s không hợp lệ.") % {"i": index})
            continue
        where = _("Khoản phí %(i)s (%(c)s)") % {"i": index, "c": item.get("code") or "?"}
        if not item.get("code") or not str(item.get("name") or "").strip():
            problems.append(_("%(w)s: cần mã và tên.") % {"w": where})
        if item.get("kind") not in KINDS:
            problems.append(_("%(w)s: loại phải là phí hoặc lệ phí.") % {"w": where})
        if item.get("basis", "per_case") not in BASES:
            problems.append(_("%(w)s: cách tính không hợp lệ.") % {"w": where})
        for key in ("amount", "cap", "free_units"):
            value = item.get(key)
            if key != "amount" and value is None:
                continue
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_AMOUNT:
                problems.append(_("%(w)s: %(k)s phải là số nguyên không âm.") % {"w": where, "k": key})
        for key in ("quantity_field", "copies_field"):
            if item.get(key) and item[key] not in field_keys:
                problems.append(_("%(w)s: không có trường '%(f)s' trong biểu mẫu.") % {"w": where, "f": item[key]})
        if item.get("basis") in {"per_copy", "per_page"} and not item.get("quantity_field"):
            problems.append(_("%(w)s: cần trường biểu mẫu chứa số bản/số trang.") % {"w": where})
        for code in item.get("cases") or []:
            if code and code not in case_codes:
                problems.append(_("%(w)s: không có trường hợp '%(c)s'.") % {"w": where, "c": code})
        for rule in item.get("exempt_if") or []:
            if not isinstance(rule, Mapping) or rule.get("field") not in field_keys or not rule.get("in"):
                problems.append(_("%(w)s: điều kiện miễn cần một trường biểu mẫu và các giá trị.") % {"w": where})
    return problems
