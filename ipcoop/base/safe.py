"""Text a person typed, made safe to show: control characters as escapes, never
sent raw to a terminal (they could move the cursor, or hide what follows)."""

from __future__ import annotations


def sanitize(text: str) -> str:
    """Make text safe for a terminal: control characters become visible escapes.

    Newlines and tabs become spaces (a table cell is one logical line); ESC,
    BEL and the like become '\\x1b', '\\x07' so they never reach the terminal raw.
    """
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch in "\n\t\r":
            out.append(" ")
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return "".join(out)


def terminal_safe(text: str) -> str:
    """Text for a terminal: line breaks and tabs kept, every other control
    character (C0, DEL, C1, bidi overrides, line separators) shown as an escape."""
    import unicodedata

    if text.isascii() and all(ch >= " " or ch in "\n\t" for ch in text) and "\x7f" not in text:
        return text
    out = []
    for ch in text:
        if ch in "\n\t" or (ch >= " " and ch != "\x7f" and ch.isascii()):
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)
