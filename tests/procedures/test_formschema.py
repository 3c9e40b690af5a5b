"""Dossier form schema: validation, cleaning, definition checks and officer display.

Pure Python: runs without Django settings (``pytest -p no:django``).
"""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procedures.formschema import (
    FIELD_TYPES,
    FieldError,
    Message,
    clean_data,
    collect_errors,
    display_rows,
    is_visible,
    validate_data,
    validate_definition,
)

TODAY = date(2026, 3, 15)
HA_NOI, HOAN_KIEM = "01", "00070"
HO_CHI_MINH, BEN_THANH = "79", "26743"


def field(key, type_, **extra):
    definition = {"key": key, "label": key.replace("_", " ").capitalize(), "type": type_}
    definition.update(extra)
    return definition


def errors(fields, data, **kwargs):
    kwargs.setdefault("today", TODAY)
    return validate_data(fields, data, **kwargs)


def codes(fields, data, **kwargs):
    kwargs.setdefault("today", TODAY)
    return {(e.path, e.code) for e in collect_errors(fields, data, **kwargs)}


def ok(fields, data, **kwargs):
    return errors(fields, data, **kwargs) == {}


# =====================================================================================================================
# Module surface
# =====================================================================================================================


def test_field_types():
    assert isinstance(FIELD_TYPES, frozenset)
    assert FIELD_TYPES == {
        "text",
        "textarea",
        "number",
        "date",
        "select",
        "multiselect",
        "checkbox",
        "email",
        "phone",
        "national_id",
        "address",
        "group",
        "heading",
    }


def test_message_and_field_error():
    message = Message("required", "trường này là bắt buộc.", "this field is required.")
    assert message.text() == message.text("vi") == "trường này là bắt buộc."
    assert message.text("en") == "this field is required."
    error = FieldError("name", "Họ và tên", "Full name", message)
    assert error.code == "required"
    assert error.text("vi") == "Họ và tên: trường này là bắt buộc."
    assert error.text("en") == "Full name: this field is required."


# =====================================================================================================================
# Messages, labels, data shape, unknown keys
# =====================================================================================================================

FULL_NAME = {"key": "full_name", "label": "Họ và tên", "label_en": "Full name", "type": "text", "required": True}


def test_required_message_names_the_field_by_label_in_both_languages():
    assert validate_data([FULL_NAME], {}) == {"full_name": ["Họ và tên: trường này là bắt buộc."]}
    assert validate_data([FULL_NAME], {}, lang="en") == {"full_name": ["Full name: this field is required."]}


def test_english_falls_back_to_the_vietnamese_label():
    definition = {"key": "x", "label": "Quê quán", "type": "text", "required": True}
    assert validate_data([definition], {}, lang="en") == {"x": ["Quê quán: this field is required."]}


def test_label_falls_back_to_key():
    assert validate_data([{"key": "x", "type": "text", "required": True}], {}) == {"x": ["x: trường này là bắt buộc."]}


def test_valid_data_gives_empty_dict():
    assert validate_data([FULL_NAME], {"full_name": "Nguyễn Văn A"}) == {}


@pytest.mark.parametrize("data", [None, [], "x", 1, ["full_name"], True])
def test_data_must_be_a_dict(data):
    assert validate_data([FULL_NAME], data) == {"data": ["Dữ liệu biểu mẫu: phải là một đối tượng."]}
    assert validate_data([FULL_NAME], data, lang="en") == {"data": ["Form data: must be an object."]}
    assert codes([FULL_NAME], data) == {("data", "invalid_type")}


def test_unknown_keys_are_errors():
    result = errors([FULL_NAME], {"full_name": "A", "nickname": "B", "1": 2})
    assert result == {
        "nickname": ["nickname: trường không có trong biểu mẫu."],
        "1": ["1: trường không có trong biểu mẫu."],
    }
    assert errors([FULL_NAME], {"full_name": "A", "nickname": "B"}, lang="en") == {
        "nickname": ["nickname: field is not in the form."]
    }


def test_unknown_keys_are_errors_even_in_partial_mode():
    assert codes([FULL_NAME], {"nickname": "B"}, partial=True) == {("nickname", "unknown_field")}


def test_several_errors_for_one_field_are_all_listed():
    definition = field("code", "text", min=5, pattern="[A-Z]+")
    result = errors([definition], {"code": "ab"})
    assert len(result["code"]) == 2
    assert codes([definition], {"code": "ab"}) == {("code", "min_length"), ("code", "pattern")}


def test_validate_data_does_not_modify_its_input():
    data = {"full_name": "  A  ", "extra": 1}
    validate_data([FULL_NAME], data)
    clean_data([FULL_NAME], data)
    assert data == {"full_name": "  A  ", "extra": 1}


def test_malformed_definitions_do_not_crash_validation():
    fields = [None, "x", {"label": "no key"}, {"key": "a", "type": "mystery"}, FULL_NAME]
    assert errors(fields, {"full_name": "A", "a": {"anything": [1]}}) == {}
    assert errors("not a list", {}) == {}


# =====================================================================================================================
# Required and emptiness
# =====================================================================================================================


@pytest.mark.parametrize("empty", [None, "", "   ", "\t\n"])
def test_blank_values_fail_required(empty):
    assert codes([FULL_NAME], {"full_name": empty}) == {("full_name", "required")}


@pytest.mark.parametrize(
    ("type_", "empty", "extra"),
    [
        ("multiselect", [], {"options": [{"value": "a", "label": "A"}]}),
        ("group", [], {"fields": [field("x", "text")]}),
        ("address", {}, {}),
        ("address", {"province": "", "commune": None, "street": " "}, {}),
        ("number", "", {}),
        ("date", "", {}),
        ("select", "", {"options": [{"value": "a", "label": "A"}]}),
        ("email", " ", {}),
        ("phone", "", {}),
        ("national_id", "", {}),
        ("textarea", "", {}),
    ],
)
def test_empty_values_of_every_type(type_, empty, extra):
    required = field("f", type_, required=True, **extra)
    optional = field("f", type_, **extra)
    assert codes([required], {"f": empty}) == {("f", "required")}
    assert codes([required], {}) == {("f", "required")}
    assert ok([optional], {"f": empty})
    assert ok([optional], {})
    assert ok([required], {"f": empty}, partial=True)


def test_required_false_or_missing_means_optional():
    assert ok([field("a", "text", required=False), field("b", "text")], {})


# =====================================================================================================================
# text / textarea
# =====================================================================================================================


@pytest.mark.parametrize("type_", ["text", "textarea"])
def test_text_valid(type_):
    assert ok([field("t", type_, min=2, max=5)], {"t": "abc"})
    assert ok([field("t", type_, min=2, max=5)], {"t": "  ab  "})  # length counted after stripping
    assert ok([field("t", type_)], {"t": "Nguyễn Thị Ánh"})


@pytest.mark.parametrize("type_", ["text", "textarea"])
@pytest.mark.parametrize("value", [1, 1.5, True, ["a"], {"a": 1}])
def test_text_must_be_a_string(type_, value):
    assert codes([field("t", type_)], {"t": value}) == {("t", "invalid_type")}


def test_text_length_bounds():
    definition = field("t", "text", min=2, max=4)
    assert codes([definition], {"t": "a"}) == {("t", "min_length")}
    assert codes([definition], {"t": "abcde"}) == {("t", "max_length")}
    assert ok([definition], {"t": "ab"})
    assert ok([definition], {"t": "abcd"})
    assert errors([definition], {"t": "a"}) == {"t": ["T: cần ít nhất 2 ký tự."]}
    assert errors([definition], {"t": "abcde"}, lang="en") == {"t": ["T: must be at most 4 characters long."]}


def test_text_length_counts_characters_not_bytes():
    assert ok([field("t", "text", max=3)], {"t": "Đồi"})


def test_text_default_maximum_lengths():
    assert codes([field("t", "text")], {"t": "x" * 1001}) == {("t", "max_length")}
    assert ok([field("t", "text")], {"t": "x" * 1000})
    assert ok([field("t", "textarea")], {"t": "x" * 20000})
    assert codes([field("t", "textarea")], {"t": "x" * 20001}) == {("t", "max_length")}
    assert ok([field("t", "text", max=5000)], {"t": "x" * 5000})


def test_text_pattern_must_match_the_whole_value():
    definition = field("code", "text", pattern=r"[0-9]{3}")
    assert ok([definition], {"code": "123"})
    assert codes([definition], {"code": "1234"}) == {("code", "pattern")}
    assert codes([definition], {"code": "a123"}) == {("code", "pattern")}
    assert errors([definition], {"code": "12"}) == {"code": ["Code: không đúng định dạng."]}


def test_text_pattern_uses_ascii_classes_like_javascript():
    definition = field("code", "text", pattern=r"\d+")
    assert ok([definition], {"code": "123"})
    assert codes([definition], {"code": "١٢٣"}) == {("code", "pattern")}  # Arabic-Indic digits


def test_text_pattern_that_does_not_compile_is_ignored_at_runtime():
    assert ok([field("t", "text", pattern="(")], {"t": "x"})


def test_text_with_nul_character_is_rejected():
    assert codes([field("t", "text")], {"t": "a\x00b"}) == {("t", "invalid_character")}
    assert codes([field("t", "textarea")], {"t": "a\x00b"}) == {("t", "invalid_character")}


def test_textarea_keeps_inner_newlines():
    assert clean_data([field("t", "textarea")], {"t": "  line 1\nline 2  "}) == {"t": "line 1\nline 2"}


# =====================================================================================================================
# number
# =====================================================================================================================


@pytest.mark.parametrize("value", [0, 7, -3, 2.5, 10**30, "42", " 42 ", "-1", "3.14", ".5", "1e3"])
def test_number_valid(value):
    assert ok([field("n", "number")], {"n": value})


@pytest.mark.parametrize(
    "value", [True, False, "abc", "1,5", "1.000.000", "nan", "inf", "1e999", [1], {"n": 1}, float("nan"), float("inf")]
)
def test_number_invalid(value):
    assert codes([field("n", "number")], {"n": value}) == {("n", "invalid_type")}


def test_number_bounds():
    definition = field("n", "number", min=1, max=10)
    assert ok([definition], {"n": 1})
    assert ok([definition], {"n": 10})
    assert ok([definition], {"n": "5"})
    assert codes([definition], {"n": 0}) == {("n", "min_value")}
    assert codes([definition], {"n": 10.5}) == {("n", "max_value")}
    assert codes([definition], {"n": "11"}) == {("n", "max_value")}
    assert errors([definition], {"n": 0}) == {"n": ["N: phải lớn hơn hoặc bằng 1."]}
    assert errors([definition], {"n": 11}, lang="en") == {"n": ["N: must be less than or equal to 10."]}


def test_number_float_bounds():
    definition = field("area", "number", min=0.5, max=2.5)
    assert ok([definition], {"area": 0.5})
    assert codes([definition], {"area": 0.4}) == {("area", "min_value")}


def test_number_strings_are_converted_by_clean_data():
    cleaned = clean_data([field("a", "number"), field("b", "number"), field("c", "number")], {"a": " 12 ", "b": "1.5"})
    assert cleaned == {"a": 12, "b": 1.5}
    assert isinstance(cleaned["a"], int)
    assert clean_data([field("n", "number")], {"n": "abc"}) == {"n": "abc"}  # kept, so validation reports it
    assert clean_data([field("n", "number")], {"n": True}) == {"n": True}


def test_number_huge_string_does_not_crash():
    assert codes([field("n", "number")], {"n": "9" * 5000}) == {("n", "invalid_type")}


# =====================================================================================================================
# date
# =====================================================================================================================


@pytest.mark.parametrize("value", ["2024-02-29", "2026-03-15", "1900-01-01", " 2020-01-01 "])
def test_date_valid(value):
    assert ok([field("d", "date")], {"d": value})


@pytest.mark.parametrize(
    "value", ["2023-02-29", "2026-13-01", "15/03/2026", "20260315", "2026-3-5", "2026-03-15T10:00", 20260315, True, []]
)
def test_date_invalid(value):
    assert codes([field("d", "date")], {"d": value}) == {("d", "invalid_date")}


def test_date_invalid_message():
    assert errors([field("d", "date")], {"d": "x"}) == {"d": ["D: phải là ngày hợp lệ (YYYY-MM-DD)."]}


def test_date_iso_bounds():
    definition = field("d", "date", min="2020-01-01", max="2020-12-31")
    assert ok([definition], {"d": "2020-01-01"})
    assert ok([definition], {"d": "2020-12-31"})
    assert codes([definition], {"d": "2019-12-31"}) == {("d", "min_value")}
    assert codes([definition], {"d": "2021-01-01"}) == {("d", "max_value")}
    assert errors([definition], {"d": "2019-12-31"}) == {"d": ["D: ngày không được trước 01/01/2020."]}
    assert errors([definition], {"d": "2021-01-01"}, lang="en") == {"d": ["D: the date must not be after 2020-12-31."]}


def test_date_today_bounds():
    birth = field("birth_date", "date", max="today")
    assert ok([birth], {"birth_date": "2026-03-15"})
    assert codes([birth], {"birth_date": "2026-03-16"}) == {("birth_date", "max_value")}
    appointment = field("appointment", "date", min="today")
    assert ok([appointment], {"appointment": "2026-03-15"})
    assert codes([appointment], {"appointment": "2026-03-14"}) == {("appointment", "min_value")}


def test_date_today_defaults_to_the_current_date_in_vietnam():
    far_future = field("d", "date", max="today")
    assert validate_data([far_future], {"d": "2999-01-01"})
    assert validate_data([far_future], {"d": "2000-01-01"}) == {}


def test_date_objects_are_normalised_to_iso():
    assert clean_data([field("d", "date")], {"d": date(2026, 1, 2)}) == {"d": "2026-01-02"}


# =====================================================================================================================
# select / multiselect
# =====================================================================================================================

GENDER = {
    "key": "gender",
    "label": "Giới tính",
    "label_en": "Sex",
    "type": "select",
    "options": [
        {"value": "male", "label": "Nam", "label_en": "Male"},
        {"value": "female", "label": "Nữ", "label_en": "Female"},
    ],
}
LEVEL = field("level", "select", options=[{"value": 1, "label": "Một"}, {"value": 2, "label": "Hai"}])


def test_select_valid():
    assert ok([GENDER], {"gender": "male"})
    assert ok([GENDER], {"gender": " female "})
    assert ok([LEVEL], {"level": 2})


@pytest.mark.parametrize("value", ["Male", "Nam", "other", 1, True, ["male"], {"value": "male"}])
def test_select_invalid(value):
    assert codes([GENDER], {"gender": value}) == {("gender", "invalid_choice")}


def test_select_message():
    assert errors([GENDER], {"gender": "x"}) == {"gender": ["Giới tính: giá trị không nằm trong các lựa chọn."]}
    assert errors([GENDER], {"gender": "x"}, lang="en") == {"gender": ["Sex: is not one of the available choices."]}


def test_select_numeric_options_accept_the_string_an_html_form_sends():
    assert clean_data([LEVEL], {"level": "2"}) == {"level": 2}
    assert ok([LEVEL], {"level": "2"})
    assert codes([LEVEL], {"level": "3"}) == {("level", "invalid_choice")}


def test_select_does_not_confuse_booleans_and_numbers():
    assert codes([LEVEL], {"level": True}) == {("level", "invalid_choice")}
    yes_no = field("yn", "select", options=[{"value": True, "label": "Có"}, {"value": False, "label": "Không"}])
    assert ok([yes_no], {"yn": False})
    assert codes([yes_no], {"yn": 0}) == {("yn", "invalid_choice")}


DOCS = field(
    "docs",
    "multiselect",
    options=[{"value": v, "label": v.upper()} for v in ("a", "b", "c", "d")],
    min=1,
    max=3,
)


def test_multiselect_valid():
    assert ok([DOCS], {"docs": ["a"]})
    assert ok([DOCS], {"docs": ["a", "c", "d"]})
    assert ok([DOCS], {"docs": [" b "]})


@pytest.mark.parametrize("value", ["a", 1, {"a": True}, True])
def test_multiselect_must_be_a_list(value):
    assert codes([DOCS], {"docs": value}) == {("docs", "invalid_type")}


def test_multiselect_values_must_be_options():
    assert codes([DOCS], {"docs": ["a", "z"]}) == {("docs", "invalid_choice")}
    assert codes([DOCS], {"docs": [["a"]]}) == {("docs", "invalid_choice")}
    assert codes([DOCS], {"docs": [None]}) == {("docs", "invalid_choice")}


def test_multiselect_values_must_be_distinct():
    assert codes([DOCS], {"docs": ["a", "a"]}) == {("docs", "duplicate")}
    assert codes([DOCS], {"docs": ["a", " a"]}) == {("docs", "duplicate")}


def test_multiselect_count_bounds():
    assert codes([DOCS], {"docs": ["a", "b", "c", "d"]}) == {("docs", "max_items")}
    loose = dict(DOCS, min=2)
    assert codes([loose], {"docs": ["a"]}) == {("docs", "min_items")}
    assert errors([loose], {"docs": ["a"]}) == {"docs": ["Docs: cần ít nhất 2 lựa chọn."]}
    assert errors([DOCS], {"docs": ["a", "b", "c", "d"]}, lang="en") == {"docs": ["Docs: allows at most 3 choices."]}


def test_multiselect_min_count_is_skipped_in_partial_mode_but_max_is_not():
    loose = dict(DOCS, min=2)
    assert ok([loose], {"docs": ["a"]}, partial=True)
    assert codes([DOCS], {"docs": ["a", "b", "c", "d"]}, partial=True) == {("docs", "max_items")}


# =====================================================================================================================
# checkbox
# =====================================================================================================================

AGREE = {"key": "agree", "label": "Cam đoan", "label_en": "Declaration", "type": "checkbox", "required": True}


def test_checkbox_valid():
    assert ok([field("c", "checkbox")], {"c": True})
    assert ok([field("c", "checkbox")], {"c": False})
    assert ok([AGREE], {"agree": True})


@pytest.mark.parametrize("value", [1, 0, "maybe", [], {}, 1.0])
def test_checkbox_must_be_boolean(value):
    assert codes([field("c", "checkbox")], {"c": value}) == {("c", "invalid_type")}


def test_required_checkbox_must_be_ticked():
    assert codes([AGREE], {"agree": False}) == {("agree", "required")}
    assert codes([AGREE], {}) == {("agree", "required")}
    assert errors([AGREE], {"agree": False}) == {"agree": ["Cam đoan: bạn phải đánh dấu ô này."]}
    assert errors([AGREE], {}, lang="en") == {"agree": ["Declaration: this box must be ticked."]}
    assert ok([AGREE], {"agree": False}, partial=True)


@pytest.mark.parametrize(
    ("raw", "expected"), [("on", True), ("true", True), ("TRUE", True), ("1", True), ("off", False), ("", False)]
)
def test_checkbox_form_strings_are_normalised(raw, expected):
    assert clean_data([field("c", "checkbox")], {"c": raw}) == {"c": expected}


# =====================================================================================================================
# email
# =====================================================================================================================


@pytest.mark.parametrize(
    "value", ["a@example.org", "nguyen.van.a+dvc@mail.gov.vn", " x_y@sub.domain.vn ", "a@xn--p1ai.xn--90ais"]
)
def test_email_valid(value):
    assert ok([field("e", "email")], {"e": value})


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "a@",
        "@example.org",
        "a@example",
        "a@@example.org",
        "a b@example.org",
        "a@exa mple.org",
        ".a@example.org",
        "a..b@example.org",
        "a@-example.org",
        "nguyễn@example.org",
        "a@exam\nple.org",
        "x" * 65 + "@example.org",
        "a@" + "b" * 250 + ".org",
    ],
)
def test_email_invalid(value):
    assert codes([field("e", "email")], {"e": value}) == {("e", "invalid_email")}


def test_email_wrong_type_and_message():
    assert codes([field("e", "email")], {"e": 5}) == {("e", "invalid_type")}
    assert errors([field("e", "email")], {"e": "x"}) == {"e": ["E: địa chỉ email không hợp lệ."]}


def test_email_pattern_applies_on_top():
    gov_only = field("e", "email", pattern=r".*@.*\.gov\.vn")
    assert ok([gov_only], {"e": "a@hanoi.gov.vn"})
    assert codes([gov_only], {"e": "a@example.org"}) == {("e", "pattern")}


# =====================================================================================================================
# phone
# =====================================================================================================================


@pytest.mark.parametrize(
    "value", ["0912345678", "+84912345678", "0912 345 678", "091.234.5678", " +84 91 234 5678 ", "091-234-5678"]
)
def test_phone_valid(value):
    assert ok([field("p", "phone")], {"p": value})


@pytest.mark.parametrize(
    "value",
    [
        "912345678",  # no leading 0
        "091234567",  # 8 digits after 0
        "09123456789",  # 10 digits after 0
        "+8491234567",
        "+840912345678",  # +84 then 0
        "0012345678",
        "84912345678",
        "+85512345678",
        "02438251234",  # an 11-digit landline: the portal takes 0 + 9 digits only
        "09123456a8",
        "０９１２３４５６７８",  # full-width digits
    ],
)
def test_phone_invalid(value):
    assert codes([field("p", "phone")], {"p": value}) == {("p", "invalid_phone")}


def test_phone_wrong_type_and_message():
    assert codes([field("p", "phone")], {"p": 912345678}) == {("p", "invalid_type")}
    assert errors([field("p", "phone")], {"p": "123"}, lang="en") == {
        "p": ["P: is not a valid phone number (0 or +84 followed by 9 digits)."]
    }


def test_phone_separators_are_stripped_by_clean_data():
    assert clean_data([field("p", "phone")], {"p": " 091.234 5678 "}) == {"p": "0912345678"}
    assert clean_data([field("p", "phone")], {"p": "+84 912-345-678"}) == {"p": "+84912345678"}


# =====================================================================================================================
# national_id
# =====================================================================================================================


@pytest.mark.parametrize("value", ["001203012345", " 079199001234 "])
def test_national_id_valid(value):
    assert ok([field("id", "national_id")], {"id": value})


@pytest.mark.parametrize(
    "value",
    ["00120301234", "0012030123456", "00120301234a", "001 203 012 345", "١٢٣٤٥٦٧٨٩٠١٢", "+01203012345"],
)
def test_national_id_invalid(value):
    assert codes([field("id", "national_id")], {"id": value}) == {("id", "invalid_national_id")}


def test_national_id_must_be_a_string_so_leading_zeros_survive():
    assert codes([field("id", "national_id")], {"id": 1203012345}) == {("id", "invalid_type")}
    assert errors([field("id", "national_id")], {"id": "1"}) == {
        "id": ["Id: số định danh cá nhân phải gồm đúng 12 chữ số."]
    }


# =====================================================================================================================
# address
# =====================================================================================================================

HOME = {"key": "home", "label": "Nơi cư trú", "label_en": "Residence", "type": "address", "required": True}
OPTIONAL_HOME = dict(HOME, required=False)


def test_address_valid():
    assert ok([HOME], {"home": {"province": HA_NOI, "commune": HOAN_KIEM, "street": "1 Tràng Tiền"}})
    assert ok([HOME], {"home": {"province": HO_CHI_MINH, "commune": BEN_THANH, "street": "5 Lê Lợi"}})


def test_optional_address_without_street_is_valid():
    assert ok([OPTIONAL_HOME], {"home": {"province": HA_NOI, "commune": HOAN_KIEM}})
    assert ok([OPTIONAL_HOME], {"home": {"province": HA_NOI, "commune": HOAN_KIEM, "street": ""}})


def test_required_address_needs_a_street():
    assert codes([HOME], {"home": {"province": HA_NOI, "commune": HOAN_KIEM}}) == {("home.street", "required")}
    assert errors([HOME], {"home": {"province": HA_NOI, "commune": HOAN_KIEM}}) == {
        "home.street": ["Nơi cư trú › Số nhà, đường: trường này là bắt buộc."]
    }


def test_commune_must_belong_to_the_province():
    data = {"home": {"province": HO_CHI_MINH, "commune": HOAN_KIEM, "street": "x"}}
    assert codes([HOME], data) == {("home.commune", "invalid_commune")}
    assert errors([HOME], data, lang="en") == {
        "home.commune": ["Residence › Commune/ward: is not a commune or ward of the chosen province."]
    }


def test_unknown_province_and_commune():
    assert codes([HOME], {"home": {"province": "02", "commune": HOAN_KIEM, "street": "x"}}) == {
        ("home.province", "invalid_province")
    }
    assert codes([HOME], {"home": {"province": HA_NOI, "commune": "99999", "street": "x"}}) == {
        ("home.commune", "invalid_commune")
    }
    assert codes([HOME], {"home": {"province": "Hà Nội", "commune": "Hoàn Kiếm", "street": "x"}}) == {
        ("home.province", "invalid_province"),
        ("home.commune", "invalid_commune"),
    }
    assert codes([HOME], {"home": {"province": [1], "commune": {"a": 1}, "street": "x"}}) == {
        ("home.province", "invalid_province"),
        ("home.commune", "invalid_commune"),
    }


def test_partly_filled_address_needs_province_and_commune_even_when_optional():
    assert codes([OPTIONAL_HOME], {"home": {"street": "1 Tràng Tiền"}}) == {
        ("home.province", "required"),
        ("home.commune", "required"),
    }
    assert codes([OPTIONAL_HOME], {"home": {"province": HA_NOI}}) == {("home.commune", "required")}


def test_address_in_partial_mode_checks_only_the_parts_given():
    assert ok([HOME], {"home": {"province": HA_NOI}}, partial=True)
    assert ok([HOME], {"home": {"commune": HOAN_KIEM}}, partial=True)
    assert codes([HOME], {"home": {"province": "00"}}, partial=True) == {("home.province", "invalid_province")}
    assert codes([HOME], {"home": {"commune": "99999"}}, partial=True) == {("home.commune", "invalid_commune")}
    assert codes([HOME], {"home": {"province": HO_CHI_MINH, "commune": HOAN_KIEM}}, partial=True) == {
        ("home.commune", "invalid_commune")
    }


@pytest.mark.parametrize("value", ["1 Tràng Tiền, Hà Nội", ["01", "00070"], 1, True])
def test_address_must_be_an_object(value):
    assert codes([HOME], {"home": value}) == {("home", "invalid_type")}


def test_address_unknown_parts_and_bad_street():
    data = {"home": {"province": HA_NOI, "commune": HOAN_KIEM, "street": "x", "district": "Hoàn Kiếm"}}
    assert codes([HOME], data) == {("home.district", "unknown_field")}
    assert codes([HOME], {"home": {"province": HA_NOI, "commune": HOAN_KIEM, "street": 12}}) == {
        ("home.street", "invalid_type")
    }
    assert codes([HOME], {"home": {"province": HA_NOI, "commune": HOAN_KIEM, "street": "a\x00"}}) == {
        ("home.street", "invalid_character")
    }
    assert codes([HOME], {"home": {"province": HA_NOI, "commune": HOAN_KIEM, "street": "x" * 501}}) == {
        ("home.street", "max_length")
    }


def test_address_codes_are_normalised_by_clean_data():
    cleaned = clean_data([HOME], {"home": {"province": 1, "commune": "70", "street": "  1   Tràng  Tiền "}})
    assert cleaned == {"home": {"province": HA_NOI, "commune": HOAN_KIEM, "street": "1 Tràng Tiền"}}
    assert ok([HOME], {"home": {"province": 1, "commune": 70, "street": "x"}})


# =====================================================================================================================
# heading
# =====================================================================================================================

SECTION = {"key": "section_a", "label": "Phần A", "type": "heading", "help": "Thông tin người yêu cầu"}


def test_heading_takes_no_value():
    assert ok([SECTION, FULL_NAME], {"full_name": "A"})
    assert codes([SECTION], {"section_a": "x"}) == {("section_a", "no_value")}
    assert codes([SECTION], {"section_a": True}) == {("section_a", "no_value")}
    assert ok([SECTION], {"section_a": None})
    assert errors([SECTION], {"section_a": "x"}, lang="en") == {"section_a": ["Phần A: a heading takes no value."]}


def test_required_heading_is_never_reported_missing():
    assert ok([dict(SECTION, required=True)], {})


# =====================================================================================================================
# Conditional visibility
# =====================================================================================================================

MARRIED = field("married", "checkbox")
SPOUSE = field("spouse_name", "text", required=True, visible_if={"field": "married", "equals": True})
KIND = field("kind", "select", options=[{"value": "new", "label": "Cấp mới"}, {"value": "renew", "label": "Cấp lại"}])
OLD_NUMBER = field("old_number", "text", required=True, visible_if={"field": "kind", "equals": "renew"})
REASON = field("renew_reason", "textarea", required=True, visible_if={"field": "old_number", "equals": "X"})


def test_hidden_field_is_not_required():
    assert ok([MARRIED, SPOUSE], {"married": False})
    assert ok([MARRIED, SPOUSE], {})


def test_visible_field_is_required():
    assert codes([MARRIED, SPOUSE], {"married": True}) == {("spouse_name", "required")}
    assert codes([MARRIED, SPOUSE], {"married": "on"}) == {("spouse_name", "required")}
    assert ok([MARRIED, SPOUSE], {"married": True, "spouse_name": "B"})


def test_value_of_a_hidden_field_is_ignored_and_stripped():
    data = {"married": False, "spouse_name": 12345}  # would be a type error if visible
    assert ok([MARRIED, SPOUSE], data)
    assert clean_data([MARRIED, SPOUSE], data) == {"married": False}


def test_visibility_on_a_select():
    assert ok([KIND, OLD_NUMBER], {"kind": "new"})
    assert codes([KIND, OLD_NUMBER], {"kind": "renew"}) == {("old_number", "required")}
    assert clean_data([KIND, OLD_NUMBER], {"kind": "new", "old_number": "A1"}) == {"kind": "new"}


def test_visibility_chains_hide_dependants_of_hidden_fields():
    fields = [KIND, OLD_NUMBER, REASON]
    # old_number is hidden, so its value "X" is dropped, so renew_reason is hidden too.
    data = {"kind": "new", "old_number": "X", "renew_reason": "lost"}
    assert ok(fields, data)
    assert clean_data(fields, data) == {"kind": "new"}
    assert codes(fields, {"kind": "renew", "old_number": "X"}) == {("renew_reason", "required")}


def test_visibility_compares_cleaned_values():
    count = field("children", "number")
    eldest = field("eldest", "text", required=True, visible_if={"field": "children", "equals": 1})
    assert codes([count, eldest], {"children": " 1 "}) == {("eldest", "required")}
    assert ok([count, eldest], {"children": "2"})


def test_visibility_does_not_confuse_true_with_one():
    count = field("n", "number")
    dependant = field("d", "text", required=True, visible_if={"field": "n", "equals": True})
    assert ok([count, dependant], {"n": 1})


def test_visibility_on_a_multiselect_means_contains():
    topics = field("topics", "multiselect", options=[{"value": "a", "label": "A"}, {"value": "b", "label": "B"}])
    detail = field("b_detail", "text", required=True, visible_if={"field": "topics", "equals": "b"})
    assert codes([topics, detail], {"topics": ["a", "b"]}) == {("b_detail", "required")}
    assert ok([topics, detail], {"topics": ["a"]})


def test_is_visible():
    assert is_visible(FULL_NAME, {})
    assert is_visible(SPOUSE, {"married": True})
    assert not is_visible(SPOUSE, {"married": False})
    assert not is_visible(SPOUSE, {})
    assert is_visible(field("x", "text", visible_if={"field": "a", "equals": None}), {})
    assert is_visible(field("x", "text", visible_if="nonsense"), {})


def test_hidden_fields_skip_even_type_checks_in_partial_mode():
    assert ok([MARRIED, SPOUSE], {"married": False, "spouse_name": []}, partial=True)


# =====================================================================================================================
# Groups
# =====================================================================================================================

MEMBERS = {
    "key": "members",
    "label": "Thành viên",
    "label_en": "Members",
    "type": "group",
    "required": True,
    "min": 1,
    "max": 3,
    "fields": [
        {"key": "full_name", "label": "Họ và tên", "label_en": "Full name", "type": "text", "required": True},
        {"key": "birth_date", "label": "Ngày sinh", "label_en": "Date of birth", "type": "date", "max": "today"},
        {"key": "is_child", "label": "Là con", "type": "checkbox"},
        {
            "key": "school",
            "label": "Trường học",
            "type": "text",
            "required": True,
            "visible_if": {"field": "is_child", "equals": True},
        },
    ],
}


def test_group_valid():
    data = {"members": [{"full_name": "A", "birth_date": "2000-01-01"}, {"full_name": "B", "is_child": False}]}
    assert ok([MEMBERS], data)


def test_group_nested_errors_are_keyed_by_index():
    data = {"members": [{"full_name": "A"}, {"birth_date": "2999-01-01"}]}
    assert codes([MEMBERS], data) == {("members.1.full_name", "required"), ("members.1.birth_date", "max_value")}
    assert errors([MEMBERS], data)["members.1.full_name"] == ["Thành viên #2 › Họ và tên: trường này là bắt buộc."]
    assert errors([MEMBERS], data, lang="en")["members.1.full_name"] == [
        "Members #2 › Full name: this field is required."
    ]


def test_group_items_have_their_own_visibility():
    data = {"members": [{"full_name": "A", "is_child": True}, {"full_name": "B", "school": 5}]}
    assert codes([MEMBERS], data) == {("members.0.school", "required")}
    assert clean_data([MEMBERS], data) == {"members": [{"full_name": "A", "is_child": True}, {"full_name": "B"}]}


def test_group_unknown_keys_inside_items():
    data = {"members": [{"full_name": "A", "age": 3}]}
    assert codes([MEMBERS], data) == {("members.0.age", "unknown_field")}


def test_group_item_bounds():
    assert codes([MEMBERS], {"members": []}) == {("members", "required")}
    assert codes([MEMBERS], {"members": [{"full_name": str(i)} for i in range(4)]}) == {("members", "max_items")}
    assert errors([MEMBERS], {"members": [{"full_name": str(i)} for i in range(4)]}) == {
        "members": ["Thành viên: không được quá 3 mục."]
    }
    optional = dict(MEMBERS, required=False, min=2)
    assert ok([optional], {})
    assert codes([optional], {"members": [{"full_name": "A"}]}) == {("members", "min_items")}
    assert errors([optional], {"members": [{"full_name": "A"}]}, lang="en") == {
        "members": ["Members: needs at least 2 items."]
    }


@pytest.mark.parametrize("value", [{"full_name": "A"}, "A", 1, True])
def test_group_must_be_a_list(value):
    assert codes([MEMBERS], {"members": value}) == {("members", "invalid_type")}


@pytest.mark.parametrize("item", ["A", 1, None, ["A"]])
def test_group_items_must_be_objects(item):
    assert codes([MEMBERS], {"members": [{"full_name": "A"}, item]}) == {("members.1", "invalid_type")}


def test_group_values_are_cleaned():
    group = dict(MEMBERS, fields=[field("age", "number"), field("phone", "phone")])
    cleaned = clean_data([group], {"members": [{"age": "7", "phone": "0912 345 678"}, "junk"]})
    assert cleaned == {"members": [{"age": 7, "phone": "0912345678"}, "junk"]}


def test_group_in_partial_mode():
    data = {"members": [{}, {"birth_date": "not a date"}]}
    assert codes([MEMBERS], data, partial=True) == {("members.1.birth_date", "invalid_date")}
    assert ok([MEMBERS], {"members": []}, partial=True)
    too_many = {"members": [{} for _ in range(4)]}
    assert codes([MEMBERS], too_many, partial=True) == {("members", "max_items")}


# =====================================================================================================================
# Partial mode (draft saving)
# =====================================================================================================================

BIRTH_FORM = [
    SECTION,
    FULL_NAME,
    field("child_name", "text", required=True),
    field("birth_date", "date", required=True, max="today"),
    field("weight", "number", min=0),
    GENDER,
    field("phone", "phone", required=True),
    field("email", "email"),
    field("father_id", "national_id", required=True),
    HOME,
    AGREE,
    MEMBERS,
]


def test_partial_skips_required_but_checks_types():
    assert ok(BIRTH_FORM, {}, partial=True)
    data = {"birth_date": "yesterday", "weight": -1, "gender": "x", "phone": "1", "father_id": 5}
    assert codes(BIRTH_FORM, data, partial=True) == {
        ("birth_date", "invalid_date"),
        ("weight", "min_value"),
        ("gender", "invalid_choice"),
        ("phone", "invalid_phone"),
        ("father_id", "invalid_type"),
    }


def test_full_submission_reports_every_missing_field():
    result = codes(BIRTH_FORM, {})
    assert result == {
        ("full_name", "required"),
        ("child_name", "required"),
        ("birth_date", "required"),
        ("phone", "required"),
        ("father_id", "required"),
        ("home", "required"),
        ("agree", "required"),
        ("members", "required"),
    }


def test_complete_birth_form_is_valid_and_cleans_to_storable_values():
    data = {
        "full_name": " Nguyễn Văn A ",
        "child_name": "Nguyễn Văn B",
        "birth_date": "2026-03-01",
        "weight": "3.2",
        "gender": "male",
        "phone": "0912.345.678",
        "father_id": "001203012345",
        "home": {"province": "01", "commune": "00070", "street": "1 Tràng Tiền"},
        "agree": "on",
        "members": [{"full_name": "Nguyễn Văn A"}],
    }
    assert errors(BIRTH_FORM, data) == {}
    cleaned = clean_data(BIRTH_FORM, data)
    assert cleaned["full_name"] == "Nguyễn Văn A"
    assert cleaned["weight"] == 3.2
    assert cleaned["phone"] == "0912345678"
    assert cleaned["agree"] is True
    assert errors(BIRTH_FORM, cleaned) == {}
    assert clean_data(BIRTH_FORM, cleaned) == cleaned  # idempotent


def test_clean_data_rejects_non_dict():
    with pytest.raises(TypeError):
        clean_data(BIRTH_FORM, ["x"])


def test_clean_data_keeps_unknown_keys_and_invalid_values_for_validation_to_report():
    assert clean_data([FULL_NAME], {"full_name": 5, "zzz": " y "}) == {"full_name": 5, "zzz": " y "}


# =====================================================================================================================
# validate_definition
# =====================================================================================================================

GOOD_DEFINITION = [
    SECTION,
    FULL_NAME,
    GENDER,
    KIND,
    OLD_NUMBER,
    DOCS,
    field("code", "text", pattern=r"[A-Z]{2}-\d{4}", min=7, max=7),
    field("count", "number", min=0, max=10.5),
    field("birth_date", "date", min="1900-01-01", max="today"),
    field("email", "email", pattern=r".*\.vn"),
    field("phone", "phone"),
    field("nid", "national_id"),
    field("agree", "checkbox", required=True),
    HOME,
    MEMBERS,
]


def definition_problems(fields, lang="en"):
    return validate_definition(fields, lang=lang)


def test_good_definition_has_no_problems():
    assert validate_definition(GOOD_DEFINITION) == []
    assert validate_definition([]) == []


def test_definition_messages_are_vietnamese_by_default():
    problems = validate_definition([field("a", "nope")])
    assert problems == ["a: kiểu 'nope' không được hỗ trợ."]


def test_definition_must_be_a_list_of_objects():
    assert definition_problems({"key": "a"}) == ["The field list must be an array."]
    assert definition_problems(None) == ["The field list must be an array."]
    assert definition_problems(["a"]) == ["0: each field must be an object."]


def test_definition_unique_keys():
    assert definition_problems([field("a", "text"), field("a", "number")]) == ["a: the key 'a' is used more than once."]


def test_definition_unique_keys_inside_groups():
    group = field("g", "group", fields=[field("x", "text"), field("x", "text")])
    assert definition_problems([group]) == ["g.x: the key 'x' is used more than once."]
    # The same key at different levels is fine: paths stay distinct ("x" and "g.0.x").
    assert definition_problems([field("x", "text"), field("g", "group", fields=[field("x", "text")])]) == []


@pytest.mark.parametrize("key", [None, "", 5, "has space", "a.b", "1st", "họ_tên", "a-b"])
def test_definition_keys_must_be_identifiers(key):
    problems = definition_problems([{"key": key, "label": "L", "type": "text"}])
    assert len(problems) == 1
    assert "key must start with a letter" in problems[0]


def test_definition_labels():
    assert definition_problems([{"key": "a", "type": "text"}]) == ["a: the label is missing."]
    assert definition_problems([{"key": "a", "label": " ", "type": "text"}]) == ["a: the label is missing."]
    assert definition_problems([field("a", "text", label_en=5, help=["x"])]) == [
        "a: 'label_en' must be a string.",
        "a: 'help' must be a string.",
    ]
    assert definition_problems([field("a", "text", label_en="A", help="h", help_en="h")]) == []


@pytest.mark.parametrize("type_", [None, "string", "Text", "file", 3])
def test_definition_known_types(type_):
    problems = definition_problems([{"key": "a", "label": "A", "type": type_}])
    assert problems == [f"a: the type '{type_}' is not supported."]


def test_definition_required_must_be_boolean():
    assert definition_problems([field("a", "text", required="yes")]) == ["a: 'required' must be true or false."]
    assert definition_problems([field("h", "heading", required=True)]) == ["h: a heading cannot be required."]


@pytest.mark.parametrize("type_", ["select", "multiselect"])
def test_definition_choice_fields_need_options(type_):
    expected = ["s: a choice field needs a non-empty 'options' list."]
    assert definition_problems([field("s", type_)]) == expected
    assert definition_problems([field("s", type_, options=[])]) == expected
    assert definition_problems([field("s", type_, options="a,b")]) == expected


@pytest.mark.parametrize(
    "option",
    [
        "a",
        {"label": "A"},
        {"value": "a"},
        {"value": "a", "label": ""},
        {"value": None, "label": "A"},
        {"value": ["a"], "label": "A"},
        {"value": "a", "label": "A", "label_en": 1},
    ],
)
def test_definition_malformed_options(option):
    assert definition_problems([field("s", "select", options=[option])]) == [
        "s: each option needs a 'value' and a string 'label'."
    ]


def test_definition_option_values_unique():
    options = [{"value": "a", "label": "A"}, {"value": "a", "label": "B"}]
    assert definition_problems([field("s", "multiselect", options=options)]) == [
        "s: the option value 'a' is used more than once."
    ]
    distinct = [{"value": 1, "label": "A"}, {"value": True, "label": "B"}, {"value": "1", "label": "C"}]
    assert definition_problems([field("s", "select", options=distinct)]) == []


def test_definition_options_only_for_choice_fields():
    assert definition_problems([field("t", "text", options=[{"value": "a", "label": "A"}])]) == [
        "t: 'options' only applies to choice fields."
    ]


def test_definition_pattern_must_compile():
    problems = definition_problems([field("t", "text", pattern="([a-z]")])
    assert len(problems) == 1
    assert problems[0].startswith("t: the regular expression is invalid:")
    assert definition_problems([field("t", "text", pattern=5)]) == ["t: 'pattern' must be a string."]


@pytest.mark.parametrize("pattern", ["(?P<x>a)", r"\Aabc", r"abc\Z", "(?i)abc", "a++", "(?>a)", "(?#c)a", "[]a]"])
def test_definition_pattern_must_read_the_same_in_javascript(pattern):
    problems = definition_problems([field("t", "text", pattern=pattern)])
    assert len(problems) == 1
    assert "Python and JavaScript read differently" in problems[0]


@pytest.mark.parametrize("pattern", [r"\d{12}", r"[A-Z]{2}-\d+", r"(?:ab)+", r"a(?=b)", r"(?<!x)y", r"\++", r"[+]+"])
def test_definition_portable_patterns_are_accepted(pattern):
    assert definition_problems([field("t", "text", pattern=pattern)]) == []


def test_definition_pattern_only_on_string_types():
    assert definition_problems([field("n", "number", pattern=r"\d+")]) == [
        "n: 'pattern' only applies to string fields."
    ]
    for type_ in ("text", "textarea", "email", "phone", "national_id"):
        assert definition_problems([field("s", type_, pattern=r".+")]) == []


def test_definition_min_must_not_exceed_max():
    expected = ["f: 'min' is greater than 'max'."]
    assert definition_problems([field("f", "text", min=5, max=2)]) == expected
    assert definition_problems([field("f", "number", min=5.5, max=-1)]) == expected
    assert definition_problems([field("f", "date", min="2025-01-01", max="2024-12-31")]) == expected
    assert definition_problems([field("f", "group", min=3, max=1, fields=[field("x", "text")])]) == expected
    options = [{"value": "a", "label": "A"}]
    assert definition_problems([field("f", "multiselect", options=options, min=2, max=1)]) == expected
    assert definition_problems([field("f", "number", min=2, max=2)]) == []
    assert definition_problems([field("f", "date", min="today", max="2000-01-01")]) == []  # not decidable statically


def test_definition_bound_types():
    assert definition_problems([field("f", "text", min=-1)]) == ["f: 'min' must be a non-negative integer."]
    assert definition_problems([field("f", "text", max=2.5)]) == ["f: 'max' must be a non-negative integer."]
    assert definition_problems([field("f", "number", min="1")]) == ["f: 'min' must be a number."]
    assert definition_problems([field("f", "number", max=True)]) == ["f: 'max' must be a number."]
    assert definition_problems([field("f", "date", min="01/01/2020")]) == [
        "f: 'min' must be a YYYY-MM-DD date or \"today\"."
    ]
    assert definition_problems([field("f", "checkbox", min=1)]) == ["f: 'min' does not apply to this type."]


def test_definition_visible_if_must_point_at_an_earlier_field():
    later = [
        field("a", "text", visible_if={"field": "b", "equals": "x"}),
        field("b", "text"),
    ]
    assert definition_problems(later) == [
        "a: 'visible_if' refers to 'b', which is not a field listed earlier at the same level."
    ]
    assert definition_problems([field("a", "text", visible_if={"field": "a", "equals": 1})]) == [
        "a: 'visible_if' refers to 'a', which is not a field listed earlier at the same level."
    ]
    assert definition_problems([field("a", "text", visible_if={"field": "zzz", "equals": 1})]) == [
        "a: 'visible_if' refers to 'zzz', which is not a field listed earlier at the same level."
    ]


def test_definition_visible_if_stays_at_its_level():
    outer = field("married", "checkbox")
    group = field("g", "group", fields=[field("x", "text", visible_if={"field": "married", "equals": True})])
    assert definition_problems([outer, group]) == [
        "g.x: 'visible_if' refers to 'married', which is not a field listed earlier at the same level."
    ]
    inner = field(
        "g",
        "group",
        fields=[field("is_child", "checkbox"), field("y", "text", visible_if={"field": "is_child", "equals": True})],
    )
    assert definition_problems([inner]) == []
    into_group = [inner, field("z", "text", visible_if={"field": "is_child", "equals": True})]
    assert len(definition_problems(into_group)) == 1


@pytest.mark.parametrize(
    "condition",
    [
        "married",
        {"field": "married"},
        {"equals": True},
        {"field": 1, "equals": True},
        {"field": "married", "equals": 1, "op": "ne"},
    ],
)
def test_definition_visible_if_shape(condition):
    fields = [field("married", "checkbox"), field("x", "text", visible_if=condition)]
    assert definition_problems(fields) == ['x: \'visible_if\' must be {"field", "equals"}.']


def test_definition_visible_if_on_headings_and_choices():
    fields = [SECTION, field("x", "text", visible_if={"field": "section_a", "equals": None})]
    assert definition_problems(fields) == ["x: 'visible_if' refers to 'section_a', which holds no value."]
    fields = [KIND, field("x", "text", visible_if={"field": "kind", "equals": "lost"})]
    assert definition_problems(fields) == ["x: the 'equals' value is not one of the options of 'kind'."]


def test_definition_groups():
    assert definition_problems([field("g", "group")]) == ["g: a group needs a non-empty 'fields' list."]
    assert definition_problems([field("g", "group", fields=[])]) == ["g: a group needs a non-empty 'fields' list."]
    nested = field("g", "group", fields=[field("inner", "group", fields=[field("x", "text")])])
    assert definition_problems([nested]) == ["g.inner: a group cannot contain another group."]
    assert definition_problems([field("t", "text", fields=[field("x", "text")])]) == [
        "t: 'fields' only applies to groups."
    ]
    bad_inner = field("g", "group", fields=[field("x", "nope"), "junk"])
    assert definition_problems([bad_inner]) == [
        "g.x: the type 'nope' is not supported.",
        "g.1: each field must be an object.",
    ]


def test_definition_reports_every_problem_at_once():
    fields = [
        field("a", "select"),
        field("a", "text", pattern="(", min=3, max=1),
        field("b", "group", fields=[field("c", "group", fields=[field("d", "text")])]),
    ]
    assert len(definition_problems(fields)) == 5


# =====================================================================================================================
# display_rows
# =====================================================================================================================


def test_display_rows_in_schema_order_with_display_values():
    fields = [
        SECTION,
        FULL_NAME,
        GENDER,
        DOCS,
        field("agree", "checkbox"),
        field("other", "checkbox"),
        field("birth_date", "date"),
        field("weight", "number"),
        HOME,
        field("empty", "text"),
    ]
    data = {
        "weight": "3.5",
        "birth_date": "2026-03-01",
        "full_name": " Nguyễn Văn A ",
        "gender": "female",
        "docs": ["b", "a"],
        "agree": True,
        "other": False,
        "home": {"province": HA_NOI, "commune": HOAN_KIEM, "street": "1 Tràng Tiền"},
    }
    rows = display_rows(fields, data)
    assert [row["key"] for row in rows] == [f["key"] for f in fields]
    assert {row["key"]: row["value_display"] for row in rows} == {
        "section_a": "",
        "full_name": "Nguyễn Văn A",
        "gender": "Nữ",
        "docs": "B, A",
        "agree": "Có",
        "other": "Không",
        "birth_date": "01/03/2026",
        "weight": "3.5",
        "home": "1 Tràng Tiền, Phường Hoàn Kiếm, Thành phố Hà Nội",
        "empty": "",
    }
    assert rows[1] == {
        "key": "full_name",
        "label": "Họ và tên",
        "type": "text",
        "value_display": "Nguyễn Văn A",
        "level": 0,
    }
    assert all(row["level"] == 0 for row in rows)


def test_display_rows_in_english():
    fields = [FULL_NAME, GENDER, field("agree", "checkbox"), field("d", "date")]
    rows = display_rows(fields, {"full_name": "A", "gender": "male", "agree": False, "d": "2026-03-01"}, lang="en")
    assert [(row["label"], row["value_display"]) for row in rows] == [
        ("Full name", "A"),
        ("Sex", "Male"),
        ("Agree", "No"),
        ("D", "2026-03-01"),
    ]


def test_display_rows_address_without_street_and_with_unknown_codes():
    rows = display_rows([OPTIONAL_HOME], {"home": {"province": HA_NOI, "commune": HOAN_KIEM}})
    assert rows[0]["value_display"] == "Phường Hoàn Kiếm, Thành phố Hà Nội"
    rows = display_rows([OPTIONAL_HOME], {"home": {"province": "00", "commune": "99999", "street": "x"}})
    assert rows[0]["value_display"] == "x, 99999, 00"


def test_display_rows_skip_hidden_fields():
    rows = display_rows([MARRIED, SPOUSE], {"married": False, "spouse_name": "B"})
    assert [row["key"] for row in rows] == ["married"]
    rows = display_rows([MARRIED, SPOUSE], {"married": True, "spouse_name": "B"})
    assert [row["key"] for row in rows] == ["married", "spouse_name"]


def test_display_rows_expand_groups_at_level_one():
    data = {
        "members": [
            {"full_name": "A", "birth_date": "2000-01-02", "is_child": True, "school": "THCS"},
            {"full_name": "B", "school": "hidden"},
        ]
    }
    rows = display_rows([MEMBERS, FULL_NAME], data)
    assert [(row["key"], row["level"], row["value_display"]) for row in rows] == [
        ("members", 0, "2 mục"),
        ("members.0.full_name", 1, "A"),
        ("members.0.birth_date", 1, "02/01/2000"),
        ("members.0.is_child", 1, "Có"),
        ("members.0.school", 1, "THCS"),
        ("members.1.full_name", 1, "B"),
        ("members.1.birth_date", 1, ""),
        ("members.1.is_child", 1, ""),
        ("full_name", 0, ""),
    ]
    assert rows[1]["label"] == "Họ và tên"
    assert rows[1]["item"] == 1
    assert rows[5]["item"] == 2
    assert "item" not in rows[0]
    assert display_rows([MEMBERS], {"members": [{"full_name": "A"}]}, lang="en")[0]["value_display"] == "1 item"


def test_display_rows_unknown_option_values_and_odd_data():
    rows = display_rows([GENDER, DOCS], {"gender": "robot", "docs": ["a", "zz"]})
    assert [row["value_display"] for row in rows] == ["robot", "A, zz"]
    assert [row["value_display"] for row in display_rows([FULL_NAME], "not a dict")] == [""]
    assert display_rows([MEMBERS], {"members": ["junk"]})[0]["value_display"] == "1 mục"
    assert display_rows([field("n", "number")], {"n": 3.0})[0]["value_display"] == "3"


# =====================================================================================================================
# Properties: never crash, cleaning is idempotent
# =====================================================================================================================

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
FORM_KEYS = [f["key"] for f in BIRTH_FORM] + ["home", "unknown"]
form_data = st.dictionaries(st.sampled_from(FORM_KEYS), json_values, max_size=8)


@settings(max_examples=200, deadline=None)
@given(data=form_data, partial=st.booleans(), lang=st.sampled_from(["vi", "en"]))
def test_validation_never_raises_and_messages_are_strings(data, partial, lang):
    result = validate_data(BIRTH_FORM, data, partial=partial, lang=lang, today=TODAY)
    assert isinstance(result, dict)
    for path, messages in result.items():
        assert isinstance(path, str)
        assert messages and all(isinstance(m, str) and ": " in m for m in messages)
    rows = display_rows(BIRTH_FORM, data, lang=lang)
    assert all(isinstance(row["value_display"], str) for row in rows)


@settings(max_examples=200, deadline=None)
@given(data=form_data)
def test_clean_data_is_idempotent_and_validation_agrees_on_cleaned_data(data):
    cleaned = clean_data(BIRTH_FORM, data)
    assert clean_data(BIRTH_FORM, cleaned) == cleaned
    assert validate_data(BIRTH_FORM, cleaned, today=TODAY) == validate_data(BIRTH_FORM, data, today=TODAY)


@settings(max_examples=200, deadline=None)
@given(fields=st.lists(json_values, max_size=5))
def test_validate_definition_never_raises(fields):
    assert all(isinstance(problem, str) for problem in validate_definition(fields))
