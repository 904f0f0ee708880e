"""Personal-data detectors, Chinese and English. No model download: regexes, checksums and the
`phonenumbers` / `python-stdnum` metadata that ship with those packages.

Types: email, phone, id_number, bank_card, ip_address, passport, qq, wechat, address.

Technical text must survive, so every numeric detector needs either a checksum (ID numbers,
bank cards), a shape that ordinary numbers do not have (CN mobile 1[3-9]x, +country codes), or
a context word (护照/passport, QQ号, 微信号, 卡号/card). Version numbers ("v1.2.3.4",
"version 1.2.3.4") are not IP addresses.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import re

import phonenumbers
from stdnum.cn import ric

from colleague.privacy._base import Detection, Recognizer, context_before, select


def _r(type_: str, pattern: str, *, group: int | str = 0, flags: int = 0,
       validate: object = None, triggers: tuple[str, ...] = ()) -> Recognizer:
    return Recognizer(type_, re.compile(pattern, flags), "pii", group,
                      validate,  # type: ignore[arg-type]
                      tuple(t.lower() for t in triggers))


# -- email ---------------------------------------------------------------------------------------

def _email_ok(m: re.Match[str], text: str) -> bool:
    # git@github.com:owner/repo is an SSH remote, not a person's address
    after = text[m.end():m.end() + 1]
    return not (m.group("local").lower() == "git" and after == ":")


EMAIL = _r("email",
           r"(?<![\w.%+\-])(?P<local>[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63})@"
           r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w\-])",
           validate=_email_ok, triggers=("@",))

# -- phones --------------------------------------------------------------------------------------

CN_MOBILE = _r("phone",
               r"(?<![\w+.\-/])(?:(?:\+|00)?86[\s\-]?)?1[3-9]\d(?:[\s\-]?\d{4}){2}(?![\w.\-/])")


def _landline_ok(m: re.Match[str], text: str) -> bool:
    return "-" in m.group(0) or "(" in m.group(0) or "（" in m.group(0)


CN_LANDLINE = _r("phone",
                 r"(?<![\w.\-/])(?:0\d{2,3}-\d{7,8}|[(（]0\d{2,3}[)）]\s?\d{7,8})(?:-\d{1,5})?"
                 r"(?![\w.\-/])",
                 validate=_landline_ok)

_PHONE_CONTEXT = re.compile(r"(?i)\b(?:phone|tel|telephone|cell|mobile|fax|call me)\b|电话|手机|联系")
_PLUS_NUMBER = re.compile(r"(?<![\w+])\+\d[\d\s().\-]{6,}\d")


def find_intl_phones(text: str) -> list[Detection]:
    """International numbers via `phonenumbers`: those written with +CC anywhere, and national
    US-style numbers only next to a phone word (bare digit runs are too often ids)."""
    out: list[Detection] = []
    if _PLUS_NUMBER.search(text):
        for match in phonenumbers.PhoneNumberMatcher(text, None, phonenumbers.Leniency.VALID):
            out.append(Detection("phone", match.start, match.end, "pii", key=match.raw_string))
    if _PHONE_CONTEXT.search(text):
        for match in phonenumbers.PhoneNumberMatcher(text, "US", phonenumbers.Leniency.VALID):
            before = context_before(text, match.start, 30)
            if _PHONE_CONTEXT.search(before) and len(re.sub(r"\D", "", match.raw_string)) >= 10:
                out.append(Detection("phone", match.start, match.end, "pii", key=match.raw_string))
    return out


# -- resident identity numbers --------------------------------------------------------------------

def _ric18_ok(m: re.Match[str], _text: str) -> bool:
    try:
        ric.validate(m.group(0))
    except Exception:  # stdnum raises its ValidationError subclasses; any failure means "not one"
        return False
    return True


def _ric15_ok(m: re.Match[str], _text: str) -> bool:
    """First-generation 15-digit number: a real area code, then a valid YYMMDD birth date."""
    number = m.group(0)
    try:
        _dt.date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
        # the area must have existed in the birth year: widen to the 18-digit layout to ask
        ric.get_birth_place(number[:6] + "19" + number[6:12] + "0000")
    except Exception:
        return False
    return True


ID18 = _r("id_number", r"(?<![\w.\-])[1-9]\d{16}[\dXx](?![\w.\-])", validate=_ric18_ok)
ID15 = _r("id_number", r"(?<![\w.\-])[1-9]\d{14}(?![\w.\-])", validate=_ric15_ok)

# -- bank cards ----------------------------------------------------------------------------------

_CARD_CONTEXT = re.compile(r"(?i)卡号|银行卡|信用卡|借记卡|储蓄卡|账号|帐号|账户|card|visa|master|amex|银联|unionpay|iban|account")
_BIN = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|35|6011|65|62|60|9\d)")


def luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card_ok(m: re.Match[str], text: str) -> bool:
    raw = m.group(0)
    digits = re.sub(r"[\s\-]", "", raw)
    if not 13 <= len(digits) <= 19 or not luhn(digits) or len(set(digits)) < 3:
        return False
    if _CARD_CONTEXT.search(context_before(text, m.start(), 30)):
        return True
    grouped = bool(re.fullmatch(r"\d{4}(?:[\s\-]\d{4}){2,3}(?:[\s\-]\d{1,3})?", raw))
    # without a context word only a card-shaped number passes: grouped in fours, or UnionPay 62…
    return bool(_BIN.match(digits)) and (grouped or (digits.startswith("62") and len(digits) >= 16))


BANK_CARD = _r("bank_card", r"(?<![\w.\-/])\d{4}(?:[\s\-]?\d{4}){2,3}(?:[\s\-]?\d{1,3})?(?![\w.\-/])",
               validate=_card_ok)

# -- IP addresses --------------------------------------------------------------------------------

_VERSION_CONTEXT = re.compile(
    r"(?i)(?:\bv|\bver\.?|\bversion|\brelease|\brev\.?|\bbuild|\bpython|\bnode|\bjava|版本|升级到|"
    r"\btag|\bchrome|\bfirefox|\bkernel|\blinux|\bsdk|\bapi)\s*[:=]?\s*$")


def _ipv4_ok(m: re.Match[str], text: str) -> bool:
    ip = m.group(0)
    octets = [int(o) for o in ip.split(".")]
    if octets[0] in (0, 127, 255):
        return False
    # 2.8.7.1, 1.9.2.24, 5.5.13.3: small numbers after a low first part are versions and
    # section numbers; an address like that (1.1.1.1, 8.8.8.8) is a public resolver, not a person
    if octets[0] < 10 and max(octets) < 50:
        return False
    before = context_before(text, m.start(), 16)
    return not _VERSION_CONTEXT.search(before)


_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
IPV4 = _r("ip_address", rf"(?<![\w.\-])(?:{_OCTET}\.){{3}}{_OCTET}(?![\w\-]|\.\d)", validate=_ipv4_ok)


def _ipv6_ok(m: re.Match[str], _text: str) -> bool:
    raw = m.group(0)
    groups = [g for g in raw.split(":") if g]
    if len(groups) < 4 or all(g.isdigit() and len(g) <= 2 for g in groups):
        return False
    try:
        addr = ipaddress.IPv6Address(raw)
    except ValueError:
        return False
    return not (addr.is_loopback or addr.is_unspecified)


IPV6 = _r("ip_address", r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{1,4}(?![\w:])",
          validate=_ipv6_ok, triggers=(":",))

# -- ids in context ------------------------------------------------------------------------------

PASSPORT = _r("passport",
              r"(?i:护照|passport)(?:\s*(?:号码|号|no\.?|number|#))?\s*(?:[:：是为]|is)?\s*"
              r"(?P<v>[A-Z]{1,2}\d{6,8}|\d{9})(?![\w])",
              group="v", triggers=("护照", "passport"))
QQ = _r("qq", r"(?:(?<![A-Za-z])(?i:QQ)|扣扣)(?:号码|号)?\s*(?:[:：是为]|is)?\s*(?P<v>[1-9]\d{4,11})(?!\d)",
        group="v", triggers=("qq", "扣扣"))
WECHAT = _r("wechat",
            r"(?P<w>\bwxid_[a-z0-9]{6,}\b)|(?:(?:微信号?\s*(?:[:：是为]|is)?|(?i:\bwechat(?:\s*id)?|\bweixin|\bvx|\bwx)"
            r"\s*(?:[:：]|是|为|\bis\b))\s*(?P<v>[A-Za-z][\w\-]{5,19})(?![\w\-]))",
            triggers=("微信", "wechat", "weixin", "vx", "wx"))


def _wechat_find(text: str, lowered: str) -> list[Detection]:
    out = []
    if not any(t in lowered for t in WECHAT.triggers):
        return out
    for m in WECHAT.pattern.finditer(text):
        g = "v" if m.group("v") else "w"
        out.append(Detection("wechat", m.start(g), m.end(g), "pii", key=m.group(g)))
    return out


# -- postal addresses ----------------------------------------------------------------------------

_CN_ADDRESS = re.compile(
    r"(?:[\u4e00-\u9fa5]{2,7}(?:省|自治区))?(?:[\u4e00-\u9fa5]{2,7}市)?(?:[\u4e00-\u9fa5]{1,7}(?:区|县))?"
    r"[\u4e00-\u9fa5A-Za-z0-9]{1,10}(?:路|街|大街|大道|道|巷|弄|胡同)"
    r"\d{1,5}(?:号|弄)(?:院)?(?:[\dA-Za-z一二三四五六七八九十]{1,4}(?:号楼|栋|幢|座|单元|层|楼|室|号))*"
)
# Words that end a sentence's lead-in ("我住在…", "地址：…"): the address starts after them.
_CN_LEAD = re.compile(r".*(?:在|于|住|是|到|址|寄|：|:|，|,|。|\s)")

EN_ADDRESS = _r(
    "address",
    r"\b\d{1,5}\s+(?:[A-Z][a-z]+\.?\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|"
    r"Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Parkway|Pkwy)\b\.?"
    r"(?:,?\s+(?:Apt|Suite|Unit|#)\.?\s*\w+)?(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)?"
    r"(?:,\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?)?",
)


def _cn_addresses(text: str) -> list[Detection]:
    out = []
    if "号" not in text and "弄" not in text:
        return out
    for m in _CN_ADDRESS.finditer(text):
        start = m.start()
        lead = _CN_LEAD.match(text, start, m.end())
        # the lead-in words are not part of the address, unless they are all there is
        if lead and lead.end() < m.end() - 3:
            start = lead.end()
        out.append(Detection("address", start, m.end(), "pii", key=text[start:m.end()]))
    return out


RECOGNIZERS: list[Recognizer] = [
    EMAIL, CN_MOBILE, CN_LANDLINE, ID18, ID15, BANK_CARD, IPV4, IPV6, PASSPORT, QQ, EN_ADDRESS,
]


def find_pii(text: str) -> list[Detection]:
    """Every personal datum in `text` that the detectors can see (non-overlapping, by start)."""
    if not text:
        return []
    lowered = text.lower()
    found: list[Detection] = []
    # numeric detectors only matter when there is a run of digits
    for rec in RECOGNIZERS:
        found.extend(rec.find(text, lowered))
    found.extend(_wechat_find(text, lowered))
    found.extend(_cn_addresses(text))
    found.extend(find_intl_phones(text))
    return select(_prefer_ids(found))


def _prefer_ids(found: list[Detection]) -> list[Detection]:
    """An 18-digit checksum-valid ID also passes Luhn one time in ten: the ID reading wins."""
    ids = [d for d in found if d.type == "id_number"]
    return [d for d in found
            if d.type != "bank_card" or not any(i.start < d.end and d.start < i.end for i in ids)]
