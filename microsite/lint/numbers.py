"""Figures written in words or Chinese numerals that equal a fact: "thirty per cent", "三成", "四万余", "29 per cent".

figures.py catches figures typed in digits ('1,048', '29%', '4万'); this module catches the ones it
cannot see: English number words (with "per cent"), digits followed by "per cent", and Chinese
numerals. A Chinese numeral counts only where it is plainly a quantity (followed by a measure word
from the fact sheet's units, by 成, 余, 多, or written with 十 百 千 万 亿), so 统一 or 一些 never match.
"""

from __future__ import annotations

import re

from ..errors import BuildError
from ..facts import SHARE, Facts
from .text import Text

_ONES = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_TENS = {w: 10 * n for n, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_WORDS = "|".join(sorted([*_ONES, *_TENS, *_SCALES, "a", "an", "and"], key=len, reverse=True))
_PER_CENT = r"\s*(?:per\s*cent|percent)\b"  # '29%' is figures.py's
_EN_RE = re.compile(
    rf"(?<![\w.,])(?P<digits>\d+(?:\.\d+)?)(?=\s*(?:{'|'.join(_SCALES)})\b|{_PER_CENT})(?P<dscale>\s*(?:{'|'.join(_SCALES)})\b)?"
    rf"|\b(?P<words>(?:{_WORDS})(?:[\s-]+(?:{_WORDS}))*)\b", re.I)
_PER_CENT_RE = re.compile(_PER_CENT, re.I)

_ZH_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG = {"万": 10_000, "亿": 100_000_000}
_ZH_NUMERAL = "".join([*_ZH_DIGITS, *_ZH_UNITS, *_ZH_BIG])
_ZH_RE = re.compile(rf"(?P<percent>百分之)?(?P<n>[{_ZH_NUMERAL}]+)(?P<tenths>成)?(?P<rest>[余多来]?)")


def english_number(words: str) -> float | None:
    """Return the value of English number words ('forty thousand', 'twenty-nine'), or None if they are not one."""
    parts = [w for w in re.split(r"[\s-]+", words.lower()) if w and w != "and"]
    if not parts or parts[0] in _SCALES:
        return None  # 'the nearest hundred', 'thousands of': no count
    if parts[-1] in ("a", "an") or any(w in ("a", "an") and i + 1 < len(parts) and parts[i + 1] not in _SCALES
                                                     for i, w in enumerate(parts)):
        return None
    for word, following in zip(parts, parts[1:]):
        if (word in _ONES or word in _TENS) and not (following in _SCALES or (word in _TENS and _ONES.get(following, 10) < 10)):
            return None  # 'one two' or 'ten forty' is not one number
    total = current = 0
    for word in parts:
        if word in ("a", "an"):
            current += 1
        elif word in _ONES:
            current += _ONES[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        else:
            total += (current or 1) * _SCALES[word]
            current = 0
    return float(total + current)


def chinese_number(numeral: str) -> float:
    """Return the value of a Chinese numeral: '三十' -> 30, '四万' -> 40000, '一百零八' -> 108, '二〇二二' -> 2022."""
    if not any(ch in _ZH_UNITS or ch in _ZH_BIG for ch in numeral):
        return float("".join(str(_ZH_DIGITS[ch]) for ch in numeral))  # written digit by digit
    total = section = digit = 0
    for ch in numeral:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        elif ch in _ZH_UNITS:
            section += (digit or 1) * _ZH_UNITS[ch]
            digit = 0
        else:
            total = (total + section + digit) * _ZH_BIG[ch]
            section = digit = 0
    return float(total + section + digit)


def written_numbers(text: str, measure_words: str) -> list[tuple[int, str, float, bool]]:
    """Return (offset, as written, value, is a share) of each figure in `text` written in words or numerals."""
    found = []
    for match in _EN_RE.finditer(text):
        after = _PER_CENT_RE.match(text, match.end())
        if match.group("digits"):
            if match.group("dscale"):
                value = float(match.group("digits")) * _SCALES[match.group("dscale").strip().lower()]
            elif after:
                value = float(match.group("digits"))
            else:
                continue
        else:
            value = english_number(match.group("words"))  # type: ignore[assignment]
            if value is None or (match.group("words").lower() in ("one", "a", "an") and not after):
                continue  # 'one of them' is not a figure
        end = after.end() if after else match.end()
        share = bool(after)
        found.append((match.start(), text[match.start():end], value / 100 if share else value, share))
    for match in _ZH_RE.finditer(text):
        numeral, following = match.group("n"), text[match.end():match.end() + 1]
        plain = not (match.group("percent") or match.group("tenths") or match.group("rest"))
        has_unit = any(ch in _ZH_UNITS or ch in _ZH_BIG for ch in numeral)
        if plain and not (following and following in measure_words) and not (has_unit and len(numeral) > 1):
            continue  # 一些, 统一, 十分: not quantities
        value = chinese_number(numeral)
        if match.group("tenths"):
            value, share = value / 10, True
        elif match.group("percent"):
            value, share = value / 100, True
        else:
            share = False
        found.append((match.start(), match.group(0), value, share))
    return sorted(found)


def check_number_words(text: Text, facts: Facts) -> list[BuildError]:
    """Return a warning for each figure written in words or numerals that equals a fact's value."""
    values: dict[tuple[float, bool], str] = {}
    for key, fact in facts.facts.items():
        if fact.value is not None:
            values.setdefault((round(float(fact.value), 6), fact.unit == SHARE), key)
    measure_words = "".join(facts.units[u].get(lang, "") for u in facts.units for lang in facts.units[u])
    warnings = []
    for offset, written, value, share in written_numbers(text.text, measure_words + "个家名项所篇座"):
        key = values.get((round(value, 6), share))
        if key is None:
            continue
        if text.page:
            fix = f"write {{{{fact:{key}}}}} so it follows content/facts.yaml"
        else:
            fix = f"it equals fact '{key}': keep figures out of labels and notes, which cannot cite facts"
        warnings.append(BuildError(text.path, text.line_at(offset), f"number '{written}' is written by hand; {fix}"))
    return warnings
