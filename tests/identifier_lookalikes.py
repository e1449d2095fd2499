"""Look-alikes of an identifier, as a person (or an attacker) might type them: the same number with
full-width characters, digits of other scripts, a lower-case letter, spaces of every kind and
invisible characters inside. Used by the identifier tests of every app."""

# Digits that NFKC turns into ASCII: accepted as the same number.
FULL_WIDTH = {ord(c): 0xFF10 + int(c) for c in "0123456789"} | {ord("X"): "Ｘ"}
MATH_BOLD = {ord(c): 0x1D7CE + int(c) for c in "0123456789"}
# Digits of other scripts: pass str.isdigit() and int() but are not the number: refused.
OTHER_SCRIPTS = {
    "Arabic-Indic": 0x0660,
    "Extended Arabic-Indic": 0x06F0,
    "Devanagari": 0x0966,
    "Bengali": 0x09E6,
    "Thai": 0x0E50,
    "Myanmar": 0x1040,
}
INVISIBLE = {
    "zero-width space": "\u200b",
    "zero-width non-joiner": "\u200c",
    "zero-width joiner": "\u200d",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "soft hyphen": "\u00ad",
    "left-to-right mark": "\u200e",
}
BLANKS = {
    "space": " ",
    "tab": "\t",
    "no-break space": "\u00a0",
    "ideographic space": "\u3000",
    "narrow no-break space": "\u202f",
    "line break": "\n",
}


def _first_digit(value: str) -> int:
    return next(i for i, ch in enumerate(value) if ch.isdigit())


def accepted_lookalikes(value: str) -> dict[str, str]:
    """Spellings that must canonicalise to `value` itself (the same identity, not a second one)."""
    middle = len(value) // 2
    found = {
        "full-width": value.translate(FULL_WIDTH),
        "one full-width digit": value[:middle]
        + value[middle:].translate(FULL_WIDTH)[:1]
        + value[middle + 1 :],
        "mathematical bold digits": value.translate(MATH_BOLD),
        "padded": f"  {value}\t\n",
    }
    if value != value.lower():
        found["lower-case"] = value.lower()
    for name, blank in BLANKS.items():
        found[f"{name} inside"] = value[:middle] + blank + value[middle:]
    for name, char in INVISIBLE.items():
        found[f"{name} inside"] = value[:middle] + char + value[middle:]
    return found


def refused_lookalikes(value: str) -> dict[str, str]:
    """Spellings with one digit of another script: must be refused, never stored."""
    index = _first_digit(value[1:]) + 1  # not the first character: the bypass changed one digit inside
    found = {}
    for script, zero in OTHER_SCRIPTS.items():
        found[f"one {script} digit"] = value[:index] + chr(zero + int(value[index])) + value[index + 1 :]
        found[f"all {script} digits"] = "".join(
            chr(zero + int(ch)) if ch.isascii() and ch.isdigit() else ch for ch in value
        )
    return found
