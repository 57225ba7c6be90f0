"""Latin letters for a name in another alphabet, for an address made from it."""

from __future__ import annotations

import unicodedata

# Cyrillic as Russian, Ukrainian, Belarusian and Serbian addresses are commonly written
# ("Заявка" -> "zayavka"). Other alphabets have no letters here, and give none.
CYRILLIC = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
    "ґ": "g", "є": "ye", "і": "i", "ї": "yi", "ў": "u",
    "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dz",
})


def to_latin(text: str) -> str:
    """Return ``text`` in lowercase Latin letters: Cyrillic transliterated ("Сайт" ->
    "sayt"), accents dropped ("perché" -> "perche"), any other character left out."""
    lowered = unicodedata.normalize("NFC", text).lower().translate(CYRILLIC)
    return unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode()
