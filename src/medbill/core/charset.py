"""Text in the X12 extended character set: one rule for the 837P and the CMS-1500.

The 5010 extended character set is printable ASCII (letters of both cases, digits,
space and the marks ``! " # $ % & ' ( ) * + , - . / : ; < = > ? @ [ \\ ] ^ _ ` { | } ~``).
People's names and addresses arrive with accents (José), letters of other Latin
alphabets (Đorđević, Þórunn, Yıldız), typographic quotes and dashes, and now and then
a tab or a line break. ``to_x12_text`` writes them in that set: accents are dropped,
letters with no decomposition are spelled the way the language romanizes them (Đ -> D,
Þ -> Th, ß -> ss), every kind of white space becomes one space, and control
characters go. A character of a non-Latin script has no such form; it is reported,
not guessed (``unwritable``), so that nobody's name is sent wrong; a symbol with no
form (an emoji, a degree sign) is left out.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["same_in_x12", "to_x12_text", "unwritable"]

# Latin letters and marks that Unicode does not decompose into a base letter and an
# accent, and the marks people type for plain ones.
_SPELLED = str.maketrans(
    {
        "\u0110": "D",
        "\u0111": "d",  # Đ đ (Croatian, Serbian, Vietnamese)
        "\u00d0": "D",
        "\u00f0": "d",  # Ð ð (Icelandic eth)
        "\u00de": "Th",
        "\u00fe": "th",  # Þ þ (Icelandic thorn)
        "\u0131": "i",  # ı dotless i (Turkish); İ decomposes to I + dot
        "\u00df": "ss",
        "\u1e9e": "SS",
        "\u00c6": "AE",
        "\u00e6": "ae",
        "\u0152": "OE",
        "\u0153": "oe",
        "\u00d8": "O",
        "\u00f8": "o",
        "\u0141": "L",
        "\u0142": "l",
        "\u0126": "H",
        "\u0127": "h",
        "\u014a": "NG",
        "\u014b": "ng",
        "\u0138": "k",
        "\u017f": "s",
        "\u0192": "f",
        "\u0189": "D",
        "\u0256": "d",
        "\u0197": "I",
        "\u0268": "i",
        "\u01b5": "Z",
        "\u01b6": "z",
        "\u0180": "b",
        "\u0243": "B",
        "\u0166": "T",
        "\u0167": "t",
        "\u2014": "-",
        "\u2013": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u02bc": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u00b5": "u",  # micro sign, as in "ug"
        "\u2026": "...",
        "\u00b7": ".",
        "\u2022": "-",
        "\u2044": "/",
        "\u00d7": "x",
    }
)
_SPACE = re.compile(r"\s+")
_PRINTABLE = re.compile(r"[ -~]*")


def to_x12_text(text: str) -> str:
    """``text`` in the X12 extended character set: Đorđe Núñez -> Dorde Nunez.

    White space runs become one space and the ends are trimmed. A character with no
    Latin form is left out; ask ``unwritable`` first where leaving it out matters.
    """
    if _PRINTABLE.fullmatch(text) and "  " not in text and text == text.strip():
        return text
    plain = unicodedata.normalize("NFKD", text.translate(_SPELLED)).translate(_SPELLED)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    plain = _SPACE.sub(" ", plain)
    if not plain.isascii() or not plain.isprintable():
        plain = "".join(ch for ch in plain if " " <= ch <= "~")
        plain = _SPACE.sub(" ", plain)
    return plain.strip()


def same_in_x12(a: str | None, b: str | None) -> bool:
    """Whether two names are the same once written in X12, case aside: a payer that was
    asked about José Muñoz answers about JOSE MUNOZ."""
    return to_x12_text(a or "").upper() == to_x12_text(b or "").upper()


def unwritable(text: str) -> str | None:
    """The first letter or digit of ``text`` with no form in the X12 character set, or None."""
    if text.isascii():
        return None
    for ch in text:
        # Only a letter or a digit changes what a name says; a mark with no form may go.
        if ch.isascii() or unicodedata.category(ch)[0] not in "LN":
            continue
        plain = unicodedata.normalize("NFKD", ch.translate(_SPELLED)).translate(_SPELLED)
        if not any(" " <= c <= "~" for c in plain if not unicodedata.combining(c)):
            return ch
    return None
