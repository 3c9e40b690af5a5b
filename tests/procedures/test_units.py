"""Administrative units (2-tier, after the 2025 reorganisation). Pure Python: runs without Django settings."""

import pytest

from procedures import units

HA_NOI = "01"
HO_CHI_MINH = "79"
HOAN_KIEM = "00070"  # Phường Hoàn Kiếm, Hà Nội
BEN_THANH = "26743"  # Phường Bến Thành, Hồ Chí Minh
PHU_QUOC = "31078"  # Đặc khu Phú Quốc, An Giang


def test_there_are_34_provinces_with_unique_two_digit_codes():
    rows = units.provinces()
    assert len(rows) == units.PROVINCE_COUNT == 34
    codes = [row["code"] for row in rows]
    assert len(set(codes)) == 34
    assert all(isinstance(code, str) and len(code) == 2 and code.isdigit() for code in codes)
    assert all(set(row) == {"code", "name"} for row in rows)


def test_ha_noi_and_ho_chi_minh_are_present():
    by_code = {row["code"]: row["name"] for row in units.provinces()}
    assert by_code[HA_NOI] == "Thành phố Hà Nội"
    assert by_code[HO_CHI_MINH] == "Thành phố Hồ Chí Minh"


def test_pre_2025_provinces_are_gone():
    names = {row["name"] for row in units.provinces()}
    # Merged on 1 July 2025: Hà Giang into Tuyên Quang, Bình Dương into Hồ Chí Minh, Kiên Giang into An Giang.
    assert not names & {"Hà Giang", "Bình Dương", "Kiên Giang", "Thừa Thiên Huế"}
    assert {"Tuyên Quang", "An Giang", "Thành phố Huế"} <= names


def test_provinces_sorted_in_vietnamese_order_ignoring_the_city_prefix():
    names = [row["name"] for row in units.provinces()]
    assert names[0] == "An Giang"
    assert names[-1] == "Vĩnh Long"
    # đ sorts after d (there is no plain d province, so after c...) and before g.
    assert names.index("Cao Bằng") < names.index("Thành phố Đà Nẵng") < names.index("Gia Lai")
    # "Thành phố Hà Nội" sorts under H: after Gia Lai, before Hà Tĩnh.
    assert names.index("Gia Lai") < names.index("Thành phố Hà Nội") < names.index("Hà Tĩnh")
    # u before ư: Huế before Hưng Yên; a before â: Lào Cai before Lâm Đồng.
    assert names.index("Thành phố Huế") < names.index("Hưng Yên")
    assert names.index("Lào Cai") < names.index("Lâm Đồng")


def test_provinces_returns_a_fresh_list():
    first = units.provinces()
    first.clear()
    assert len(units.provinces()) == 34


def test_communes_of_ha_noi():
    rows = units.communes(HA_NOI)
    codes = {row["code"] for row in rows}
    assert HOAN_KIEM in codes
    assert BEN_THANH not in codes
    assert all(len(row["code"]) == 5 and row["code"].isdigit() for row in rows)
    assert {"code": HOAN_KIEM, "name": "Phường Hoàn Kiếm"} in rows
    assert 100 < len(rows) < 200


def test_communes_sorted_by_name_without_the_type_prefix():
    names = [row["name"] for row in units.communes(HA_NOI)]
    keys = [units.vietnamese_sort_key(name.split(" ", 1)[1]) for name in names]
    assert keys == sorted(keys)


def test_every_commune_belongs_to_exactly_one_province():
    seen: set[str] = set()
    total = 0
    for province in units.provinces():
        rows = units.communes(province["code"])
        assert rows, province
        codes = {row["code"] for row in rows}
        assert not codes & seen
        seen |= codes
        total += len(rows)
    assert total == len(seen) > 3000


@pytest.mark.parametrize("code", ["00", "1", "99", "", "Hà Nội", None, 1])
def test_communes_of_an_unknown_province_raise_key_error(code):
    with pytest.raises(KeyError):
        units.communes(code)


def test_is_valid_commune():
    assert units.is_valid_commune(HA_NOI, HOAN_KIEM)
    assert units.is_valid_commune(HO_CHI_MINH, BEN_THANH)
    assert units.is_valid_commune("91", PHU_QUOC)  # a special zone (đặc khu) counts
    assert not units.is_valid_commune(HO_CHI_MINH, HOAN_KIEM)  # exists, but in another province
    assert not units.is_valid_commune(HA_NOI, "99999")
    assert not units.is_valid_commune("00", HOAN_KIEM)
    assert not units.is_valid_commune(HA_NOI, 70)  # codes are strings
    assert not units.is_valid_commune(1, HOAN_KIEM)
    assert not units.is_valid_commune(HA_NOI, "70")  # canonical five-digit form only
    assert not units.is_valid_commune(None, None)


def test_is_valid_province():
    assert units.is_valid_province(HA_NOI)
    assert not units.is_valid_province("1")
    assert not units.is_valid_province(1)
    assert not units.is_valid_province("02")  # Hà Giang's old code, merged in 2025


def test_names_by_code():
    assert units.province_name(HA_NOI) == "Thành phố Hà Nội"
    assert units.province_name("00") is None
    assert units.province_name(None) is None
    assert units.commune_name(HOAN_KIEM) == "Phường Hoàn Kiếm"
    assert units.commune_name(PHU_QUOC) == "Đặc khu Phú Quốc"
    assert units.commune_name("00000") is None
    assert units.commune_name(70) is None
    assert units.commune_province(BEN_THANH) == HO_CHI_MINH
    assert units.commune_province("nope") is None


@pytest.mark.parametrize(
    ("value", "width", "expected"),
    [
        (1, 2, "01"),
        ("1", 2, "01"),
        (" 79 ", 2, "79"),
        (70, 5, "00070"),
        ("00070", 5, "00070"),
        ("123456", 5, "123456"),  # too long: left alone (and invalid)
        ("abc", 2, "abc"),
        (True, 2, True),
        (-1, 2, -1),
        (None, 2, None),
    ],
)
def test_normalise_code(value, width, expected):
    assert units.normalise_code(value, width=width) == expected


def test_vietnamese_sort_key_orders_letters_then_tones():
    words = ["ma", "mà", "mả", "mã", "má", "mạ", "mă", "mâ", "me", "mê"]
    assert sorted(reversed(words), key=units.vietnamese_sort_key) == words
    assert sorted(["đa", "da", "e"], key=units.vietnamese_sort_key) == ["da", "đa", "e"]
    assert sorted(["ư", "u", "v"], key=units.vietnamese_sort_key) == ["u", "ư", "v"]
    assert sorted(["ơ", "ô", "o", "p"], key=units.vietnamese_sort_key) == ["o", "ô", "ơ", "p"]
    # Word by word: "Cà Mau" before "Cao Bằng".
    assert sorted(["Cao Bằng", "Cà Mau"], key=units.vietnamese_sort_key) == ["Cà Mau", "Cao Bằng"]


def test_data_is_cached():
    assert units._province_index() is units._province_index()
    assert units._commune_index() is units._commune_index()
