"""Client names: what is shown and stored, what makes two names one person, and look-alike spoofs."""
from __future__ import annotations

import re
import unicodedata

from core.errors import AtelierError

MAX_NAME = 60

# Characters that draw nothing: zero-width spaces and joiners, bidi controls, soft hyphen, BOM, tags.
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e0fff]")
# Cyrillic and Greek letters drawn like Latin ones (from Unicode's confusables.txt, the letters names use).
_LOOKALIKE = str.maketrans("аеорсухіјѕԁһӏԛԝаеоАВЕКМНОРСТХІЈЅУԜαβεικνορτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
                           "aeopcyxijsdhlqwaeoABEKMHOPCTXIJSYWaBeiKvopTuxABEZHIKMNOPTYX")
# Beyond Cyrillic/Greek (confusables.txt): Armenian, Latin small capitals and IPA, Cherokee, Coptic, Lisu.
_LOOKALIKE.update({ord(a): b for a, b in (pair.split(":") for pair in (
    "օ:o ս:u ո:n հ:h ց:g զ:q վ:v ɑ:a ɡ:g ı:i ȷ:j ʀ:R ʏ:Y ᴀ:A ʙ:B ᴄ:C ᴅ:D ᴇ:E ɢ:G ʜ:H ɪ:I ᴊ:J ᴋ:K ʟ:L ᴍ:M ɴ:N "
    "ᴏ:O ᴘ:P ᴛ:T ᴜ:U ᴠ:V ᴡ:W ᴢ:Z Ꭺ:A Ᏼ:B Ꮯ:C Ꭼ:E Ꮋ:H Ꮖ:I Ꭻ:J Ꮶ:K Ꮮ:L Ꮇ:M Ꮎ:O Ꮲ:P Ꮪ:S Ꭲ:T Ꮩ:V Ꮃ:W Ꮓ:Z "
    "ⲟ:o ⲣ:p ⲥ:c ⲁ:a ⲉ:e ꓮ:A ꓐ:B ꓚ:C ꓓ:D ꓰ:E ꓝ:F ꓖ:G ꓧ:H ꓲ:I ꓙ:J ꓗ:K ꓡ:L ꓟ:M ꓠ:N ꓳ:O ꓑ:P ꓣ:R ꓢ:S ꓔ:T ꓴ:U "
    "ꓦ:V ꓪ:W ꓫ:X ꓬ:Y ꓜ:Z").split())})
_ZWJ = "\u200d"
MAX_NAME_INPUT = 10 * MAX_NAME  # longer input is refused with a message, never cut silently


def _keep_emoji_joiners(raw: str) -> str:
    """U+200D between two pictographs joins an emoji (family, profession, flag): keep it; elsewhere it draws nothing."""
    def pictograph(ch: str) -> bool:
        return ord(ch) >= 0x1F000 or 0x2600 <= ord(ch) <= 0x27BF or ch == "\ufe0f"

    out = []
    for i, ch in enumerate(raw):
        if ch == _ZWJ and 0 < i < len(raw) - 1 and pictograph(raw[i - 1]) and pictograph(raw[i + 1]):
            out.append("\x00")  # a placeholder the invisible-character pass leaves alone
        else:
            out.append(ch)
    return "".join(out)


def check_profile_name(raw: str) -> None:
    """Refuse, with a message, a name that would otherwise be cut (the store keeps MAX_NAME characters)."""
    shown = display_profile_name(str(raw or "")[: MAX_NAME_INPUT + 1], cut=False)
    if len(str(raw or "")) > MAX_NAME_INPUT or len(shown) > MAX_NAME:
        raise AtelierError(f"A profile name is at most {MAX_NAME} characters; this one has "
                           f"{len(shown) if len(str(raw or '')) <= MAX_NAME_INPUT else len(str(raw))}. Shorten it.")


def display_profile_name(raw: str, cut: bool = True) -> str:
    """The name as shown and stored: NFKC, invisible characters removed (emoji joiners kept), whitespace
    collapsed, at most MAX_NAME."""
    s = _keep_emoji_joiners(str(raw or ""))
    s = unicodedata.normalize("NFKC", _INVISIBLE.sub("", s).replace("\x00", "\ufffe")).replace("\ufffe", _ZWJ)
    s = "".join(ch if ch.isprintable() or ch.isspace() or ch == _ZWJ else " " for ch in s)
    s = " ".join(s.split())
    return (s[:MAX_NAME] if cut else s).strip()


def name_key(raw: str) -> str:
    """What makes two names the same profile: the display name, case-folded ("Ada", "ADA", "ada\u200b")."""
    return unicodedata.normalize("NFKC", display_profile_name(raw).casefold())


def lookalike_key(raw: str) -> str:
    """name_key with Cyrillic/Greek look-alike letters read as Latin: used to refuse a spoof at create time.

    Not used for lookup: a name written in Cyrillic is a real name, and folding it would merge real people.
    """
    return name_key(raw).translate(_LOOKALIKE).casefold()
