"""Text folding for search: lower case, no Vietnamese diacritics ("Đăng ký" -> "dang ky")."""

import unicodedata


def fold(text: str) -> str:
    # NFD splits most diacritics into combining marks; đ/Đ is a letter of its own and needs an explicit mapping.
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
