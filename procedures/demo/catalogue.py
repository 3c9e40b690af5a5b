"""Demo procedure templates (seed DATA only) for the e-government portal.

Fourteen real Vietnamese administrative procedures, restated in the project's own words from the research notes in
CATALOGUE.md. Every value here is demo data, not legal advice: each procedure's ``note`` names the values that are
illustrative (unverified, or picked from several readings).

``PROCEDURES`` is plain JSON-compatible data (str/int/bool/list/dict/None; decimals as strings), checked by the
catalogue's own import (`procedures.services.catalogue`, tests/procedures/test_templates.py). This module has no
Django imports so it can be loaded without settings.
"""

MIB = 1024 * 1024
SCAN_TYPES = ["application/pdf", "image/jpeg", "image/png"]
DRAWING_TYPES = ["application/pdf", "image/jpeg", "image/png", "image/tiff"]

DEMO_NOTICE = "Dữ liệu minh hoạ cho môi trường demo, không phải hướng dẫn pháp lý. "


# --------------------------------------------------------------------------------------------------------------------
# Small builders. Each call returns a fresh dict, so no two procedures share a mutable object.
# --------------------------------------------------------------------------------------------------------------------


def _f(key, type_, label, label_en, required=True, help="", help_en="", **extra):
    """A form field. ``extra`` may hold options, min, max, pattern, visible_if, fields."""
    field = {
        "key": key,
        "type": type_,
        "label": label,
        "label_en": label_en,
        "required": required,
        "help": help,
        "help_en": help_en,
    }
    field.update(extra)
    return field


def _h(key, label, label_en):
    """A heading (section title); it carries no value."""
    return {"key": key, "type": "heading", "label": label, "label_en": label_en}


def _o(value, label, label_en):
    return {"value": value, "label": label, "label_en": label_en}


def _if(field, equals):
    return {"field": field, "equals": equals}


def _sex_options():
    return [_o("male", "Nam", "Male"), _o("female", "Nữ", "Female")]


def _delivery_options(online=True, post=True):
    options = []
    if online:
        options.append(_o("online", "Nhận bản điện tử trên Cổng dịch vụ công / VNeID", "Electronic copy online"))
    options.append(_o("counter", "Nhận trực tiếp tại Bộ phận Một cửa", "Collect at the one-stop desk"))
    if post:
        options.append(_o("post", "Nhận qua dịch vụ bưu chính công ích", "By public postal service"))
    return options


def _doc(code, name, name_en, required, copy_type, accept=None, max_mib=10):
    return {
        "code": code,
        "name": name,
        "name_en": name_en,
        "required": required,
        "copy_type": copy_type,
        "accept": list(accept or SCAN_TYPES),
        "max_bytes": max_mib * MIB,
    }


def _authorisation_doc(note_vi="", note_en=""):
    return _doc(
        "authorisation_letter",
        "Văn bản uỷ quyền" + note_vi,
        "Letter of authorisation" + note_en,
        False,
        "original",
    )


def _step(name, name_en, role, department, days):
    return {"name": name, "name_en": name_en, "role": role, "department": department, "allotted_days": days}


def _tl(value, unit="working_days", cutoff=None):
    return {"value": value, "unit": unit, "same_day_cutoff": cutoff}


def _same_day():
    return _tl("0", "working_days", "15:00")


def _field_civil_status():
    return {"code": "ho-tich", "name": "Hộ tịch", "name_en": "Civil status"}


# --------------------------------------------------------------------------------------------------------------------
# 1. Birth registration
# --------------------------------------------------------------------------------------------------------------------

_BIRTH = {
    "code": "1.001193",
    "name": "Đăng ký khai sinh",
    "name_en": "Birth registration",
    "field": _field_civil_status(),
    "agency": "commune",
    "applicant_types": ["citizen"],
    "online_level": "full",
    "description": (
        "Đăng ký sự kiện sinh cho trẻ em tại UBND cấp xã nơi cư trú của cha hoặc mẹ; cha, mẹ nên đăng ký trong "
        "60 ngày kể từ ngày sinh. Trẻ được cấp số định danh cá nhân cùng Giấy khai sinh."
    ),
    "description_en": (
        "Registers a child's birth at the commune People's Committee where the father or mother lives; parents "
        "should register within 60 days of the birth. The child receives a personal ID number with the certificate."
    ),
    "legal_basis": (
        "Luật Hộ tịch 60/2014/QH13; Nghị định 123/2015/NĐ-CP (sửa đổi bởi Nghị định 07/2025/NĐ-CP); "
        "Nghị định 87/2020/NĐ-CP; Nghị định 120/2025/NĐ-CP; Thông tư 04/2020/TT-BTP; "
        "Thông tư 85/2019/TT-BTC; Thông tư 106/2021/TT-BTC; Thông tư 281/2016/TT-BTC; Nghị quyết 66.7/2025/NQ-CP"
    ),
    "result_name": "Giấy khai sinh",
    "note": (
        DEMO_NOTICE + "Giá trị minh hoạ: lệ phí đăng ký quá hạn 8.000 đồng và thời hạn 3 ngày làm việc của trường "
        "hợp quá hạn (mức thật do HĐND tỉnh quy định); liên thông cấp căn cước cho trẻ dưới 6 tuổi chưa xác minh "
        "nên không đưa vào lựa chọn; việc Nghị định 07/2025/NĐ-CP sửa đổi Nghị định 123/2015/NĐ-CP chưa xác minh."
    ),
    "version": {
        "fee": 0,
        "fee_note": (
            "Miễn lệ phí khi đăng ký đúng hạn; người thuộc gia đình có công, hộ nghèo, người khuyết tật cũng được "
            "miễn. Đăng ký quá hạn nộp lệ phí theo mức HĐND tỉnh. Bản sao Giấy khai sinh: 8.000 đồng/bản."
        ),
        "time_limit": _same_day(),
        "supplement_policy": "pause",
        "cases": [
            {
                "code": "late",
                "name": "Đăng ký khai sinh quá hạn (sau 60 ngày kể từ ngày sinh)",
                "name_en": "Late birth registration (more than 60 days after the birth)",
                "time_limit": _tl("3"),
                "fee": 8000,
            }
        ],
        "fields": [
            _h("child_heading", "Thông tin người được khai sinh", "Child"),
            _f("child_name", "text", "Họ, chữ đệm và tên", "Full name", max=100),
            _f(
                "child_dob",
                "date",
                "Ngày, tháng, năm sinh",
                "Date of birth",
                help="Ngày sinh ghi trên Giấy chứng sinh.",
                help_en="As written on the medical birth certificate.",
            ),
            _f("child_sex", "select", "Giới tính", "Sex", options=_sex_options()),
            _f(
                "child_birth_place",
                "text",
                "Nơi sinh",
                "Place of birth",
                help="Tên cơ sở y tế, hoặc địa chỉ nơi sinh nếu sinh ngoài cơ sở y tế.",
                help_en="Name of the health facility, or the address if born elsewhere.",
                max=255,
            ),
            _f("child_ethnicity", "text", "Dân tộc", "Ethnicity", max=50),
            _f("child_nationality", "text", "Quốc tịch", "Nationality", max=50),
            _f(
                "child_hometown",
                "text",
                "Quê quán",
                "Home town",
                required=False,
                help="Theo quê quán của cha hoặc mẹ, do cha mẹ thoả thuận.",
                help_en="The father's or the mother's home town, as the parents agree.",
                max=255,
            ),
            _h("mother_heading", "Thông tin người mẹ", "Mother"),
            _f("mother_name", "text", "Họ, chữ đệm và tên người mẹ", "Mother's full name", max=100),
            _f("mother_birth_date", "date", "Ngày, tháng, năm sinh của mẹ", "Mother's date of birth"),
            _f("mother_ethnicity", "text", "Dân tộc của mẹ", "Mother's ethnicity", max=50),
            _f("mother_nationality", "text", "Quốc tịch của mẹ", "Mother's nationality", max=50),
            _f("mother_id", "national_id", "Số định danh cá nhân của mẹ", "Mother's personal ID number"),
            _f("mother_residence", "address", "Nơi cư trú của mẹ", "Mother's residence"),
            _h("father_heading", "Thông tin người cha", "Father"),
            _f(
                "father_known",
                "checkbox",
                "Đã xác định được cha của trẻ",
                "The child's father is known",
                required=False,
                help="Bỏ chọn nếu chưa xác định được cha; phần thông tin người cha sẽ để trống.",
                help_en="Leave unticked if the father is not yet known; the father's details stay blank.",
            ),
            _f(
                "father_name",
                "text",
                "Họ, chữ đệm và tên người cha",
                "Father's full name",
                max=100,
                visible_if=_if("father_known", True),
            ),
            _f(
                "father_birth_date",
                "date",
                "Ngày, tháng, năm sinh của cha",
                "Father's date of birth",
                visible_if=_if("father_known", True),
            ),
            _f(
                "father_ethnicity",
                "text",
                "Dân tộc của cha",
                "Father's ethnicity",
                max=50,
                visible_if=_if("father_known", True),
            ),
            _f(
                "father_nationality",
                "text",
                "Quốc tịch của cha",
                "Father's nationality",
                max=50,
                visible_if=_if("father_known", True),
            ),
            _f(
                "father_id",
                "national_id",
                "Số định danh cá nhân của cha",
                "Father's personal ID number",
                visible_if=_if("father_known", True),
            ),
            _f(
                "father_residence",
                "address",
                "Nơi cư trú của cha",
                "Father's residence",
                visible_if=_if("father_known", True),
            ),
            _f(
                "parents_married",
                "checkbox",
                "Cha, mẹ đã đăng ký kết hôn",
                "The parents have registered their marriage",
                required=False,
                help="Thông tin kết hôn dùng để tra cứu trong cơ sở dữ liệu hộ tịch điện tử.",
                help_en="Used to look the marriage up in the electronic civil-status database.",
                visible_if=_if("father_known", True),
            ),
            _f(
                "marriage_cert_number",
                "text",
                "Số Giấy chứng nhận kết hôn",
                "Marriage certificate number",
                required=False,
                max=50,
                visible_if=_if("parents_married", True),
            ),
            _f(
                "marriage_date",
                "date",
                "Ngày đăng ký kết hôn",
                "Date the marriage was registered",
                required=False,
                visible_if=_if("parents_married", True),
            ),
            _f(
                "marriage_authority",
                "text",
                "Cơ quan đăng ký kết hôn",
                "Authority that registered the marriage",
                required=False,
                max=255,
                visible_if=_if("parents_married", True),
            ),
            _h("requester_heading", "Người đi đăng ký khai sinh", "Person filing the request"),
            _f("requester_name", "text", "Họ, chữ đệm và tên người yêu cầu", "Requester's full name", max=100),
            _f("requester_id", "national_id", "Số định danh cá nhân người yêu cầu", "Requester's personal ID number"),
            _f(
                "requester_relationship",
                "select",
                "Quan hệ với người được khai sinh",
                "Relationship to the child",
                options=[
                    _o("mother", "Mẹ", "Mother"),
                    _o("father", "Cha", "Father"),
                    _o("grandparent", "Ông, bà", "Grandparent"),
                    _o("relative", "Người thân thích khác", "Other relative"),
                    _o("authorised", "Người được uỷ quyền", "Authorised person"),
                ],
            ),
            _f("requester_residence", "address", "Nơi cư trú của người yêu cầu", "Requester's residence"),
            _f("requester_phone", "phone", "Số điện thoại", "Phone number"),
            _f("requester_email", "email", "Thư điện tử", "Email", required=False),
            _h("options_heading", "Yêu cầu kèm theo", "Additional requests"),
            _f(
                "copies",
                "number",
                "Số bản sao Giấy khai sinh đề nghị cấp",
                "Number of certified copies wanted",
                integer=True,
                help="Mỗi bản sao 8.000 đồng; để 0 nếu không cần.",
                help_en="8,000 VND per copy; enter 0 if none.",
                min=0,
                max=10,
            ),
            _f(
                "linked_services",
                "multiselect",
                "Đăng ký liên thông",
                "Inter-connected services",
                required=False,
                help="Có thể đăng ký đồng thời thường trú và thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi.",
                help_en="Permanent residence and a health-insurance card (under-6s) can be requested together.",
                options=[
                    _o("residence", "Đăng ký thường trú cho trẻ", "Permanent residence registration"),
                    _o("health_insurance", "Cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi", "Health-insurance card"),
                ],
            ),
            _f(
                "delivery_method",
                "select",
                "Hình thức nhận kết quả",
                "How to receive the result",
                options=_delivery_options(),
            ),
        ],
        "documents": [
            _doc(
                "birth_declaration",
                "Tờ khai đăng ký khai sinh (chỉ khi nộp bản giấy; nộp trực tuyến dùng biểu mẫu điện tử)",
                "Birth registration declaration (paper filing only; online filing uses the e-form)",
                False,
                "original",
            ),
            _doc(
                "birth_certificate_medical",
                "Giấy chứng sinh (hoặc văn bản của người làm chứng / giấy cam đoan về việc sinh)",
                "Medical birth certificate (or a witness statement / self-declaration of the birth)",
                True,
                "original",
            ),
            _doc(
                "abandoned_child_report",
                "Biên bản xác nhận việc trẻ bị bỏ rơi",
                "Report on an abandoned child",
                False,
                "original",
            ),
            _doc(
                "surrogacy_confirmation",
                "Văn bản xác nhận của cơ sở y tế về việc sinh con bằng kỹ thuật mang thai hộ",
                "Health-facility confirmation of a surrogacy birth",
                False,
                "original",
            ),
            _authorisation_doc(" (khi nộp thay)", " (when filed by a proxy)"),
            _doc(
                "requester_identity",
                "Giấy tờ tuỳ thân của người yêu cầu (căn cước, hộ chiếu)",
                "Requester's identity document (ID card, passport)",
                True,
                "copy",
                max_mib=5,
            ),
            _doc(
                "residence_proof",
                "Giấy tờ chứng minh nơi cư trú (khi không tra cứu được trên cơ sở dữ liệu)",
                "Proof of residence (only if the residence database cannot be queried)",
                False,
                "original",
            ),
        ],
        "steps": [
            _step(
                "Tiếp nhận, kiểm tra hồ sơ, số hoá",
                "Reception, completeness check and digitisation",
                "reception",
                "one-stop",
                "0.25",
            ),
            _step(
                "Thẩm định, ghi sổ hộ tịch, lấy số định danh cá nhân",
                "Appraisal, civil-status register entry, personal ID number",
                "specialist",
                "justice",
                "0.5",
            ),
            _step(
                "Ký Giấy khai sinh, trả kết quả", "Sign the certificate and return it", "leader", "leadership", "0.25"
            ),
        ],
        "routing_rules": [],
        "result_template": (
            "GIẤY KHAI SINH\n"
            "Họ, chữ đệm và tên: {child_name}\n"
            "Ngày, tháng, năm sinh: {child_dob}\n"
            "Giới tính: {child_sex}\n"
            "Dân tộc: {child_ethnicity}    Quốc tịch: {child_nationality}\n"
            "Nơi sinh: {child_birth_place}\n"
            "Quê quán: {child_hometown}\n"
            "Họ, chữ đệm và tên người mẹ: {mother_name}\n"
            "Họ, chữ đệm và tên người cha: {father_name}\n"
            "Người đi đăng ký khai sinh: {requester_name}\n"
            "Số bản sao cấp kèm: {copies}"
        ),
    },
}

# --------------------------------------------------------------------------------------------------------------------
# 2. Death registration
# --------------------------------------------------------------------------------------------------------------------

_DEATH = {
    "code": "1.000656",
    "name": "Đăng ký khai tử",
    "name_en": "Death registration",
    "field": _field_civil_status(),
    "agency": "commune",
    "applicant_types": ["citizen"],
    "online_level": "full",
    "description": (
        "Đăng ký việc một người đã chết tại UBND cấp xã nơi người đó cư trú cuối cùng (hoặc nơi chết, nơi phát "
        "hiện thi thể nếu không rõ nơi cư trú). Người thân nên đăng ký trong 15 ngày kể từ ngày chết."
    ),
    "description_en": (
        "Registers a person's death at the commune People's Committee of their last residence (or where they died "
        "or were found, if that is unknown). Relatives should register within 15 days of the death."
    ),
    "legal_basis": (
        "Luật Hộ tịch 60/2014/QH13; Nghị định 123/2015/NĐ-CP; Nghị định 120/2025/NĐ-CP; Thông tư 04/2020/TT-BTP; "
        "Thông tư 85/2019/TT-BTC; Thông tư 106/2021/TT-BTC"
    ),
    "result_name": "Trích lục khai tử",
    "note": (
        DEMO_NOTICE + "Giá trị minh hoạ: mức độ trực tuyến toàn trình (tuỳ địa phương) và trường hợp cần xác minh "
        "với thời hạn 3 ngày làm việc chưa được xác minh; mức lệ phí đăng ký quá hạn do HĐND tỉnh quy định nên "
        "không ghi số cụ thể."
    ),
    "version": {
        "fee": 0,
        "fee_note": "Miễn lệ phí khi đăng ký đúng hạn (trong 15 ngày); đăng ký quá hạn nộp lệ phí theo mức HĐND tỉnh.",
        "time_limit": _same_day(),
        "supplement_policy": "pause",
        "cases": [
            {
                "code": "verification",
                "name": "Trường hợp cần xác minh",
                "name_en": "When verification is needed",
                "time_limit": _tl("3"),
                "fee": 0,
            }
        ],
        "fields": [
            _h("deceased_heading", "Thông tin người đã chết", "Deceased person"),
            _f("deceased_name", "text", "Họ, chữ đệm và tên", "Full name", max=100),
            _f("deceased_dob", "date", "Ngày, tháng, năm sinh", "Date of birth"),
            _f("deceased_sex", "select", "Giới tính", "Sex", options=_sex_options()),
            _f("deceased_ethnicity", "text", "Dân tộc", "Ethnicity", max=50),
            _f("deceased_nationality", "text", "Quốc tịch", "Nationality", max=50),
            _f("deceased_id", "national_id", "Số định danh cá nhân", "Personal ID number"),
            _f("deceased_last_residence", "address", "Nơi cư trú cuối cùng", "Last residence"),
            _f("death_date", "date", "Ngày chết", "Date of death"),
            _f(
                "death_time",
                "text",
                "Giờ, phút chết",
                "Time of death",
                required=False,
                help="Định dạng GG:PP, ví dụ 14:30.",
                help_en="Format HH:MM, e.g. 14:30.",
                pattern="^([01][0-9]|2[0-3]):[0-5][0-9]$",
            ),
            _f("death_place", "text", "Nơi chết", "Place of death", max=255),
            _f("death_cause", "text", "Nguyên nhân chết", "Cause of death", required=False, max=255),
            _h("notice_heading", "Giấy báo tử hoặc giấy tờ thay thế", "Death notice or replacement document"),
            _f("death_notice_number", "text", "Số giấy báo tử", "Death notice number", required=False, max=50),
            _f("death_notice_date", "date", "Ngày cấp", "Date of issue"),
            _f("death_notice_issuer", "text", "Cơ quan cấp", "Issuing body", max=255),
            _h("requester_heading", "Người đi đăng ký khai tử", "Person filing the request"),
            _f("requester_name", "text", "Họ, chữ đệm và tên người yêu cầu", "Requester's full name", max=100),
            _f("requester_id", "national_id", "Số định danh cá nhân người yêu cầu", "Requester's personal ID number"),
            _f(
                "requester_relationship",
                "text",
                "Quan hệ với người đã chết",
                "Relationship to the deceased",
                max=50,
            ),
            _f("requester_residence", "address", "Nơi cư trú của người yêu cầu", "Requester's residence"),
            _f("requester_phone", "phone", "Số điện thoại", "Phone number"),
            _f(
                "copies",
                "number",
                "Số bản sao Trích lục khai tử đề nghị cấp",
                "Number of copies of the extract wanted",
                integer=True,
                help="Để 0 nếu không cần bản sao.",
                help_en="Enter 0 if none.",
                min=0,
                max=10,
            ),
            _f(
                "delivery_method",
                "select",
                "Hình thức nhận kết quả",
                "How to receive the result",
                options=_delivery_options(),
            ),
        ],
        "documents": [
            _doc(
                "death_declaration",
                "Tờ khai đăng ký khai tử (chỉ khi nộp bản giấy)",
                "Death registration declaration (paper filing only)",
                False,
                "original",
            ),
            _doc(
                "death_notice",
                "Giấy báo tử hoặc giấy tờ thay thế giấy báo tử",
                "Death notice or a document replacing it",
                True,
                "original",
            ),
            _authorisation_doc(" (khi nộp thay)", " (when filed by a proxy)"),
            _doc(
                "requester_identity",
                "Giấy tờ tuỳ thân của người yêu cầu",
                "Requester's identity document",
                True,
                "copy",
                max_mib=5,
            ),
        ],
        "steps": [
            _step("Tiếp nhận, kiểm tra hồ sơ", "Reception and check", "reception", "one-stop", "0.25"),
            _step("Thẩm định, ghi sổ hộ tịch", "Appraisal and register entry", "specialist", "justice", "0.5"),
            _step(
                "Ký Trích lục khai tử, trả kết quả", "Sign the extract and return it", "leader", "leadership", "0.25"
            ),
        ],
        "routing_rules": [],
        "result_template": (
            "TRÍCH LỤC KHAI TỬ\n"
            "Họ, chữ đệm và tên người đã chết: {deceased_name}\n"
            "Ngày, tháng, năm sinh: {deceased_dob}    Giới tính: {deceased_sex}\n"
            "Dân tộc: {deceased_ethnicity}    Quốc tịch: {deceased_nationality}\n"
            "Số định danh cá nhân: {deceased_id}\n"
            "Nơi cư trú cuối cùng: {deceased_last_residence}\n"
            "Đã chết vào lúc: {death_time} ngày {death_date}\n"
            "Nơi chết: {death_place}\n"
            "Nguyên nhân chết: {death_cause}\n"
            "Người đi khai tử: {requester_name} ({requester_relationship})"
        ),
    },
}


# --------------------------------------------------------------------------------------------------------------------
# 3. Marriage registration
# --------------------------------------------------------------------------------------------------------------------


def _marriage_party(prefix, title, title_en):
    """The identity fields of one party to the marriage, keys prefixed with ``prefix``."""
    return [
        _h(f"{prefix}_heading", title, title_en),
        _f(f"{prefix}_name", "text", "Họ, chữ đệm và tên", "Full name", max=100),
        _f(f"{prefix}_dob", "date", "Ngày, tháng, năm sinh", "Date of birth"),
        _f(f"{prefix}_ethnicity", "text", "Dân tộc", "Ethnicity", max=50),
        _f(f"{prefix}_nationality", "text", "Quốc tịch", "Nationality", max=50),
        _f(f"{prefix}_id", "national_id", "Số định danh cá nhân", "Personal ID number"),
        _f(f"{prefix}_residence", "address", "Nơi cư trú", "Residence"),
        _f(
            f"{prefix}_previous_marriage",
            "select",
            "Tình trạng hôn nhân trước đây",
            "Previous marital status",
            help="Nếu đã ly hôn ở nước ngoài, việc ly hôn phải được ghi vào sổ hộ tịch trước.",
            help_en="A divorce obtained abroad must first be recorded in the civil-status register.",
            options=[
                _o("never_married", "Chưa kết hôn lần nào", "Never married"),
                _o("divorced", "Đã ly hôn", "Divorced"),
                _o("widowed", "Vợ/chồng đã chết", "Widowed"),
            ],
        ),
    ]


_MARRIAGE = {
    "code": "1.000894",
    "name": "Đăng ký kết hôn",
    "name_en": "Marriage registration (between Vietnamese citizens)",
    "field": _field_civil_status(),
    "agency": "commune",
    "applicant_types": ["citizen"],
    "online_level": "full",
    "description": (
        "Đăng ký kết hôn giữa hai công dân Việt Nam cư trú trong nước tại UBND cấp xã nơi một trong hai bên cư "
        "trú. Hồ sơ nộp trực tuyến được, nhưng cả hai bên phải có mặt để ký sổ và Giấy chứng nhận kết hôn."
    ),
    "description_en": (
        "Registers a marriage between two Vietnamese citizens at the commune where either party lives. The file can "
        "be filed online, but both parties must appear to sign the register and the certificate."
    ),
    "legal_basis": (
        "Luật Hôn nhân và gia đình 52/2014/QH13; Luật Hộ tịch 60/2014/QH13; Nghị định 123/2015/NĐ-CP; "
        "Nghị định 07/2025/NĐ-CP; Nghị định 120/2025/NĐ-CP; Nghị định 87/2020/NĐ-CP; Nghị định 104/2022/NĐ-CP; "
        "Thông tư 04/2020/TT-BTP; Thông tư 85/2019/TT-BTC; Thông tư 106/2021/TT-BTC; Nghị quyết 66.7/2025/NQ-CP"
    ),
    "result_name": "Giấy chứng nhận kết hôn",
    "note": (
        DEMO_NOTICE + "Giá trị minh hoạ: trường hợp cần xác minh điều kiện kết hôn (5 ngày làm việc) và câu hỏi về "
        "tình trạng hôn nhân trước đây trên tờ khai. Từ 01/01/2026 không yêu cầu Giấy xác nhận tình trạng hôn nhân "
        "khi hai công dân Việt Nam kết hôn với nhau (cơ quan tự tra cứu cơ sở dữ liệu)."
    ),
    "version": {
        "fee": 0,
        "fee_note": (
            "Miễn lệ phí đăng ký kết hôn cho công dân Việt Nam cư trú trong nước. Bản sao trích lục kết hôn "
            "(nếu yêu cầu): 8.000 đồng/bản."
        ),
        "time_limit": _same_day(),
        "supplement_policy": "pause",
        "cases": [
            {
                "code": "verification",
                "name": "Trường hợp cần xác minh điều kiện kết hôn",
                "name_en": "When the conditions for marriage must be verified",
                "time_limit": _tl("5"),
                "fee": 0,
            }
        ],
        "fields": [
            *_marriage_party("groom", "Bên nam", "Male party"),
            *_marriage_party("bride", "Bên nữ", "Female party"),
            _h("request_heading", "Yêu cầu và cam đoan", "Request and declarations"),
            _f(
                "voluntary_commitment",
                "checkbox",
                "Hai bên cam đoan kết hôn tự nguyện, đủ điều kiện kết hôn theo luật",
                "Both parties declare the marriage is voluntary and meets the legal conditions",
                help="Nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi; không thuộc trường hợp cấm kết hôn.",
                help_en="Man aged 20 or more, woman 18 or more; no prohibited case applies.",
            ),
            _f(
                "copies",
                "number",
                "Số bản sao trích lục kết hôn đề nghị cấp",
                "Number of copies of the marriage extract wanted",
                integer=True,
                help="8.000 đồng/bản; để 0 nếu không cần.",
                help_en="8,000 VND per copy; enter 0 if none.",
                min=0,
                max=10,
            ),
            _f("contact_phone", "phone", "Số điện thoại liên hệ", "Contact phone"),
            _f("contact_email", "email", "Thư điện tử liên hệ", "Contact email", required=False),
        ],
        "documents": [
            _doc(
                "marriage_declaration",
                "Tờ khai đăng ký kết hôn (chỉ khi nộp bản giấy)",
                "Marriage declaration (paper filing only)",
                False,
                "original",
            ),
            _doc(
                "groom_identity",
                "Giấy tờ tuỳ thân của bên nam (xuất trình bản chính khi ký)",
                "Male party's identity document (original shown when signing)",
                True,
                "copy",
                max_mib=5,
            ),
            _doc(
                "bride_identity",
                "Giấy tờ tuỳ thân của bên nữ (xuất trình bản chính khi ký)",
                "Female party's identity document (original shown when signing)",
                True,
                "copy",
                max_mib=5,
            ),
            _doc(
                "residence_proof",
                "Giấy tờ chứng minh nơi cư trú (khi không tra cứu được trên cơ sở dữ liệu)",
                "Proof of residence (only if the database lookup fails)",
                False,
                "original",
            ),
            _doc(
                "postal_certified_copies",
                "Bản sao chứng thực các giấy tờ phải xuất trình (khi nộp qua bưu chính)",
                "Certified copies of the documents to be shown (when filed by post)",
                False,
                "certified_copy",
            ),
        ],
        "steps": [
            _step(
                "Tiếp nhận, hẹn trả kết quả, số hoá hồ sơ",
                "Reception, appointment slip and digitisation",
                "reception",
                "one-stop",
                "0.25",
            ),
            _step(
                "Thẩm định, tra cứu tình trạng hôn nhân, ghi sổ",
                "Appraisal, marital-status lookup and register entry",
                "specialist",
                "justice",
                "0.5",
            ),
            _step(
                "Lãnh đạo ký; hai bên có mặt ký sổ và Giấy chứng nhận",
                "Leader signs; both parties appear and sign",
                "leader",
                "leadership",
                "0.25",
            ),
        ],
        "routing_rules": [],
        "result_template": (
            "GIẤY CHỨNG NHẬN KẾT HÔN\n"
            "Họ, chữ đệm và tên bên nam: {groom_name}\n"
            "Ngày sinh: {groom_dob}    Dân tộc: {groom_ethnicity}    Quốc tịch: {groom_nationality}\n"
            "Số định danh cá nhân: {groom_id}\n"
            "Nơi cư trú: {groom_residence}\n"
            "Họ, chữ đệm và tên bên nữ: {bride_name}\n"
            "Ngày sinh: {bride_dob}    Dân tộc: {bride_ethnicity}    Quốc tịch: {bride_nationality}\n"
            "Số định danh cá nhân: {bride_id}\n"
            "Nơi cư trú: {bride_residence}"
        ),
    },
}


# --------------------------------------------------------------------------------------------------------------------
# 4. Judicial record certificate
# --------------------------------------------------------------------------------------------------------------------

_JUDICIAL_RECORD = {
    "code": "3.000333",
    "name": "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
    "name_en": "Issuance of a judicial record certificate (No. 1 or No. 2)",
    "field": {"code": "ly-lich-tu-phap", "name": "Lý lịch tư pháp", "name_en": "Judicial records"},
    "agency": "police",
    "applicant_types": ["citizen"],
    "online_level": "full",
    "description": (
        "Cấp Phiếu lý lịch tư pháp số 1 hoặc số 2 cho công dân Việt Nam và người nước ngoài đang cư trú tại Việt "
        "Nam. Phiếu điện tử được gửi vào VNeID; có thể đề nghị nhận thêm bản giấy."
    ),
    "description_en": (
        "Issues a judicial (criminal) record certificate, form No. 1 or No. 2, to Vietnamese citizens and foreigners "
        "living in Vietnam. The e-certificate goes to VNeID; a paper copy can be requested."
    ),
    "legal_basis": (
        "Luật Lý lịch tư pháp 28/2009/QH12; Thông tư 16/2025/TT-BTC (phí cung cấp thông tin lý lịch tư pháp); "
        "các văn bản về chuyển giao nhiệm vụ cấp Phiếu lý lịch tư pháp sang Công an (chưa xác minh số hiệu)"
    ),
    "result_name": "Phiếu lý lịch tư pháp",
    "note": (
        DEMO_NOTICE + "Giá trị minh hoạ: phí 200.000 đồng/lần, mức giảm 100.000 đồng cho học sinh, sinh viên, người "
        "có công, các đối tượng miễn phí và phí 5.000 đồng cho mỗi phiếu từ phiếu thứ 3; đơn vị 'ngày' hiểu là ngày "
        "lịch; mốc và văn bản chuyển giao từ Sở Tư pháp sang Công an chưa xác minh. Số ngày phân bổ cho các bước "
        "được để thấp hơn 10 ngày lịch vì các bước tính theo ngày làm việc."
    ),
    "version": {
        "fee": 200000,
        "fee_note": (
            "200.000 đồng/lần yêu cầu (minh hoạ); học sinh, sinh viên, người có công được giảm; trẻ em, người cao "
            "tuổi, người khuyết tật, hộ nghèo được miễn. Từ phiếu thứ 3 trở đi thu thêm khoảng 5.000 đồng/phiếu."
        ),
        "time_limit": _tl("10", "calendar_days"),
        "supplement_policy": "pause",
        "cases": [
            {
                "code": "verification",
                "name": (
                    "Người đã cư trú nhiều nơi hoặc ở nước ngoài, người nước ngoài, hoặc cần xác minh điều kiện "
                    "đương nhiên xoá án tích"
                ),
                "name_en": (
                    "Person who lived in several places or abroad, a foreigner, or when spent-conviction status "
                    "must be verified"
                ),
                "time_limit": _tl("15", "calendar_days"),
                "fee": 200000,
            },
            {
                "code": "reduced_fee",
                "name": "Học sinh, sinh viên, người có công với cách mạng (giảm phí)",
                "name_en": "Students and people with meritorious service (reduced charge)",
                "time_limit": _tl("10", "calendar_days"),
                "fee": 100000,
            },
        ],
        "fields": [
            _h("person_heading", "Thông tin người được cấp Phiếu", "Person the certificate is about"),
            _f("full_name", "text", "Họ, chữ đệm và tên", "Full name", max=100),
            _f("other_names", "text", "Tên gọi khác", "Other names", required=False, max=100),
            _f("sex", "select", "Giới tính", "Sex", options=_sex_options()),
            _f("dob", "date", "Ngày, tháng, năm sinh", "Date of birth"),
            _f("birth_place", "text", "Nơi sinh", "Place of birth", max=255),
            _f("nationality", "text", "Quốc tịch", "Nationality", max=50),
            _f("ethnicity", "text", "Dân tộc", "Ethnicity", max=50),
            _f(
                "is_foreigner",
                "checkbox",
                "Người nước ngoài đang cư trú tại Việt Nam",
                "Foreigner living in Vietnam",
                required=False,
            ),
            _f(
                "id_number",
                "national_id",
                "Số định danh cá nhân",
                "Personal ID number",
                visible_if=_if("is_foreigner", False),
            ),
            _f(
                "passport_number",
                "text",
                "Số hộ chiếu",
                "Passport number",
                help="Chữ in hoa và chữ số, không có khoảng trắng.",
                help_en="Capital letters and digits, no spaces.",
                pattern="^[A-Z0-9]{6,12}$",
                visible_if=_if("is_foreigner", True),
            ),
            _f("permanent_residence", "address", "Nơi thường trú", "Permanent residence"),
            _f("temporary_residence", "address", "Nơi tạm trú", "Temporary residence", required=False),
            _f("phone", "phone", "Số điện thoại", "Phone number"),
            _f("email", "email", "Thư điện tử", "Email", required=False),
            _h("family_heading", "Thông tin gia đình", "Family"),
            _f("father_name", "text", "Họ và tên cha", "Father's full name", max=100),
            _f("mother_name", "text", "Họ và tên mẹ", "Mother's full name", max=100),
            _f("spouse_name", "text", "Họ và tên vợ/chồng", "Spouse's full name", required=False, max=100),
            _h("history_heading", "Quá trình cư trú từ đủ 14 tuổi", "Residence history from age 14"),
            _f(
                "residence_history",
                "group",
                "Quá trình cư trú",
                "Residence history",
                help="Khai lần lượt từng nơi đã sống từ khi đủ 14 tuổi đến nay; để trống 'Đến' nếu là nơi hiện tại.",
                help_en="List each place lived since age 14, oldest first; leave 'To' blank for the current one.",
                fields=[
                    _f("period_from", "date", "Từ ngày", "From"),
                    _f("period_to", "date", "Đến ngày", "To", required=False),
                    _f(
                        "history_address",
                        "text",
                        "Nơi cư trú",
                        "Address",
                        help="Ghi theo địa danh tại thời điểm cư trú.",
                        help_en="As the place was named at the time.",
                        max=255,
                    ),
                    _f("occupation", "text", "Nghề nghiệp", "Occupation", max=100),
                    _f("workplace", "text", "Nơi làm việc", "Workplace", required=False, max=255),
                ],
            ),
            _h("request_heading", "Nội dung yêu cầu", "Request"),
            _f(
                "certificate_type",
                "select",
                "Loại Phiếu yêu cầu cấp",
                "Certificate type",
                help="Phiếu số 2 ghi đầy đủ án tích, kể cả án tích đã được xoá; chỉ cấp cho chính người đó.",
                help_en="No. 2 lists all convictions, including spent ones, and is issued only to the person.",
                options=[
                    _o("no1", "Phiếu lý lịch tư pháp số 1", "Certificate No. 1"),
                    _o("no2", "Phiếu lý lịch tư pháp số 2", "Certificate No. 2"),
                ],
            ),
            _f(
                "certify_management_ban",
                "checkbox",
                "Yêu cầu xác nhận về việc có bị cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp",
                "Also certify any ban on holding posts or founding/managing enterprises",
                required=False,
                visible_if=_if("certificate_type", "no1"),
            ),
            _f(
                "copies",
                "number",
                "Số lượng Phiếu đề nghị cấp",
                "Number of certificates wanted",
                integer=True,
                help="Từ Phiếu thứ 3 trở đi thu thêm phí.",
                help_en="An extra charge applies from the third certificate.",
                min=1,
                max=10,
            ),
            _f("purpose", "text", "Mục đích sử dụng", "Purpose of use", max=255),
            _f(
                "delivery_method",
                "select",
                "Hình thức nhận Phiếu",
                "How to receive the certificate",
                options=[
                    _o("vneid", "Phiếu điện tử qua VNeID", "E-certificate on VNeID"),
                    _o("post", "Bản giấy qua bưu chính", "Paper copy by post"),
                    _o("counter", "Bản giấy tại Bộ phận Một cửa", "Paper copy at the one-stop desk"),
                ],
            ),
            _f(
                "delivery_address",
                "address",
                "Địa chỉ nhận qua bưu chính",
                "Postal delivery address",
                visible_if=_if("delivery_method", "post"),
            ),
        ],
        "documents": [
            _doc(
                "request_declaration",
                "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
                "Request declaration for a judicial record certificate",
                True,
                "original",
            ),
            _doc(
                "identity_copy",
                "Bản chụp giấy tờ tuỳ thân (không cần khi nộp trực tuyến bằng tài khoản VNeID)",
                "Copy of an identity document (not needed when filing online with VNeID)",
                False,
                "copy",
                max_mib=5,
            ),
            _authorisation_doc(
                " (chỉ với Phiếu số 1; không cần nếu người nộp là cha, mẹ, vợ, chồng, con)",
                " (certificate No. 1 only; not needed for a parent, spouse or child)",
            ),
        ],
        "steps": [
            _step("Tiếp nhận hồ sơ, kiểm tra phí", "Reception and fee check", "reception", "one-stop", "1"),
            _step(
                "Tra cứu, xác minh thông tin lý lịch tư pháp",
                "Search and verify criminal-record data",
                "specialist",
                "records",
                "5",
            ),
            _step(
                "Lãnh đạo Phòng duyệt, ký Phiếu",
                "Division leader approves and signs",
                "leader",
                "records",
                "0.5",
            ),
            _step(
                "Phát hành Phiếu điện tử, in và trả kết quả",
                "Issue the e-certificate, print and return",
                "specialist",
                "records",
                "0.5",
            ),
        ],
        "routing_rules": [],
        "result_template": (
            "PHIẾU LÝ LỊCH TƯ PHÁP\n"
            "Loại Phiếu: {certificate_type}\n"
            "Họ, chữ đệm và tên: {full_name}\n"
            "Tên gọi khác: {other_names}\n"
            "Giới tính: {sex}    Ngày sinh: {dob}\n"
            "Nơi sinh: {birth_place}\n"
            "Quốc tịch: {nationality}    Dân tộc: {ethnicity}\n"
            "Số định danh cá nhân / hộ chiếu: {id_number}{passport_number}\n"
            "Nơi thường trú: {permanent_residence}\n"
            "Họ tên cha: {father_name}    Họ tên mẹ: {mother_name}\n"
            "Mục đích sử dụng: {purpose}"
        ),
    },
}


# --------------------------------------------------------------------------------------------------------------------
# 5. Household business registration
# --------------------------------------------------------------------------------------------------------------------

_HOUSEHOLD_BUSINESS = {
    "code": "1.001612",
    "name": "Đăng ký hộ kinh doanh (thành lập hộ kinh doanh)",
    "name_en": "Business household registration (household business start-up)",
    "field": {
        "code": "ho-kinh-doanh",
        "name": "Thành lập và hoạt động của hộ kinh doanh",
        "name_en": "Household businesses",
    },
    "agency": "commune",
    "applicant_types": ["citizen"],
    "online_level": "full",
    "description": (
        "Đăng ký thành lập hộ kinh doanh tại cơ quan đăng ký kinh doanh cấp xã nơi đặt trụ sở. Mã số hộ kinh "
        "doanh đồng thời là mã số thuế."
    ),
    "description_en": (
        "Registers a new household business with the commune business registration office where it is based. "
        "The household-business number is also its tax code."
    ),
    "legal_basis": (
        "Luật Doanh nghiệp 59/2020/QH14 (sửa đổi bởi Luật 76/2025/QH15); Nghị định 168/2025/NĐ-CP; "
        "Thông tư 68/2025/TT-BTC; Thông tư 85/2019/TT-BTC"
    ),
    "result_name": "Giấy chứng nhận đăng ký hộ kinh doanh",
    "note": (
        DEMO_NOTICE + "Giá trị minh hoạ: lệ phí 100.000 đồng khi nộp giấy (mức thật do HĐND tỉnh quy định, nộp "
        "trực tuyến thường được miễn hoặc giảm); số lao động; việc còn phải nộp bản sao giấy tờ pháp lý của thành "
        "viên khi đã tra cứu được trên cơ sở dữ liệu dân cư. Mã thủ tục lấy từ danh mục công khai của bên thứ ba."
    ),
    "version": {
        "fee": 100000,
        "fee_note": (
            "Lệ phí đăng ký hộ kinh doanh theo mức HĐND tỉnh (minh hoạ 100.000 đồng); nộp trực tuyến có thể "
            "được miễn hoặc giảm."
        ),
        "time_limit": _tl("3"),
        "supplement_policy": "restart",
        "cases": [],
        "fields": [
            _h("business_heading", "Thông tin hộ kinh doanh", "Household business"),
            _f(
                "business_name",
                "text",
                "Tên hộ kinh doanh",
                "Business name",
                help="Gồm cụm từ 'Hộ kinh doanh' và tên riêng; không trùng tên hộ kinh doanh khác trong xã, phường.",
                help_en="'Hộ kinh doanh' plus a proper name, unique within the commune.",
                max=200,
            ),
            _f("business_address", "address", "Địa chỉ trụ sở hộ kinh doanh", "Head-office address"),
            _f("business_phone", "phone", "Điện thoại", "Phone number"),
            _f("business_email", "email", "Thư điện tử", "Email", required=False),
            _f(
                "business_lines",
                "textarea",
                "Ngành, nghề kinh doanh",
                "Business lines",
                help="Mỗi dòng một ngành: mã ngành cấp 4 theo Hệ thống ngành kinh tế Việt Nam và tên ngành.",
                help_en="One line per business: 4-digit Vietnam Standard Industrial Classification code and name.",
                max=4000,
            ),
            _f(
                "capital",
                "number",
                "Vốn kinh doanh (đồng)",
                "Business capital (VND)",
                integer=True,
                min=0,
                max=100000000000,
            ),
            _f(
                "employees",
                "number",
                "Số lao động dự kiến",
                "Expected number of employees",
                integer=True,
                required=False,
                min=0,
                max=1000,
            ),
            _f("start_date", "date", "Ngày dự kiến bắt đầu kinh doanh", "Expected start date"),
            _h("owner_heading", "Chủ hộ kinh doanh", "Head of the household business"),
            _f("owner_name", "text", "Họ, chữ đệm và tên", "Full name", max=100),
            _f("owner_dob", "date", "Ngày sinh", "Date of birth"),
            _f("owner_sex", "select", "Giới tính", "Sex", options=_sex_options()),
            _f("owner_ethnicity", "text", "Dân tộc", "Ethnicity", max=50),
            _f("owner_nationality", "text", "Quốc tịch", "Nationality", max=50),
            _f("owner_id", "national_id", "Số định danh cá nhân", "Personal ID number"),
            _f("owner_permanent_address", "address", "Địa chỉ thường trú", "Permanent address"),
            _f("owner_current_address", "address", "Địa chỉ liên lạc hiện nay", "Current address"),
            _h("members_heading", "Thành viên hộ gia đình / nhóm cá nhân", "Household members / group of individuals"),
            _f(
                "has_members",
                "checkbox",
                "Hộ kinh doanh do nhiều thành viên cùng đăng ký",
                "Several members register the business together",
                required=False,
            ),
            _f(
                "members",
                "group",
                "Danh sách thành viên",
                "Members",
                help="Không kê khai lại chủ hộ kinh doanh.",
                help_en="Do not list the head of the household business again.",
                visible_if=_if("has_members", True),
                fields=[
                    _f("member_name", "text", "Họ, chữ đệm và tên", "Full name", max=100),
                    _f("member_dob", "date", "Ngày sinh", "Date of birth"),
                    _f("member_sex", "select", "Giới tính", "Sex", options=_sex_options()),
                    _f("member_id", "national_id", "Số định danh cá nhân", "Personal ID number"),
                    _f("member_address", "address", "Địa chỉ liên lạc", "Contact address"),
                ],
            ),
        ],
        "documents": [
            _doc(
                "registration_application",
                "Giấy đề nghị đăng ký hộ kinh doanh (mẫu theo Thông tư 68/2025/TT-BTC)",
                "Household-business registration application (form under Circular 68/2025/TT-BTC)",
                True,
                "original",
            ),
            _doc(
                "members_meeting_minutes",
                "Biên bản họp thành viên về việc thành lập hộ kinh doanh (khi nhiều thành viên cùng đăng ký)",
                "Minutes of the members' meeting agreeing to set up the business (several members only)",
                False,
                "copy",
            ),
            _doc(
                "members_authorisation",
                "Văn bản uỷ quyền của các thành viên cho một thành viên làm chủ hộ kinh doanh",
                "Members' authorisation naming one member as head of the household business",
                False,
                "copy",
            ),
            _doc(
                "identity_papers",
                "Bản sao giấy tờ pháp lý của chủ hộ, thành viên (khi không tra cứu được dữ liệu dân cư)",
                "Copies of the head's and members' identity papers (if not found in the population database)",
                False,
                "copy",
                max_mib=5,
            ),
            _authorisation_doc(" cho người đi nộp hồ sơ", " for the person submitting the file"),
        ],
        "steps": [
            _step("Tiếp nhận hồ sơ, cấp giấy biên nhận", "Reception and receipt", "reception", "one-stop", "0.5"),
            _step(
                "Kiểm tra hồ sơ, tên hộ kinh doanh, ngành nghề",
                "Check the file, business name and lines",
                "specialist",
                "economy",
                "1.5",
            ),
            _step(
                "Phê duyệt, cấp Giấy chứng nhận, chuyển dữ liệu sang cơ quan thuế",
                "Approve, issue the certificate, send data to the tax authority",
                "leader",
                "economy",
                "1",
            ),
        ],
        "routing_rules": [],
        "result_template": (
            "GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH\n"
            "Tên hộ kinh doanh: {business_name}\n"
            "Địa chỉ trụ sở: {business_address}\n"
            "Điện thoại: {business_phone}    Thư điện tử: {business_email}\n"
            "Ngành, nghề kinh doanh: {business_lines}\n"
            "Vốn kinh doanh: {capital} đồng\n"
            "Chủ hộ kinh doanh: {owner_name}    Ngày sinh: {owner_dob}\n"
            "Số định danh cá nhân: {owner_id}\n"
            "Địa chỉ thường trú: {owner_permanent_address}"
        ),
    },
}


# --------------------------------------------------------------------------------------------------------------------
# 6. Construction permit for a detached house
# --------------------------------------------------------------------------------------------------------------------

_CONSTRUCTION_PERMIT = {
    "code": "1.013225",
    "name": "Cấp giấy phép xây dựng nhà ở riêng lẻ (xây dựng mới)",
    "name_en": "New construction permit for a detached house",
    "field": {"code": "xay-dung", "name": "Hoạt động xây dựng", "name_en": "Construction"},
    "agency": "commune",
    "applicant_types": ["citizen"],
    "online_level": "partial",
    "description": (
        "Cấp giấy phép để xây mới nhà ở riêng lẻ của hộ gia đình, cá nhân tại UBND cấp xã. Giấy phép được cấp "
        "kèm bản vẽ thiết kế đã đóng dấu phê duyệt."
    ),
    "description_en": (
        "Grants a permit to build a new detached house for a household or individual, issued by the commune "
        "People's Committee together with stamped approved drawings."
    ),
    "legal_basis": (
        "Luật Xây dựng 50/2014/QH13 (sửa đổi bởi Luật 62/2020/QH14); Nghị định 175/2024/NĐ-CP; "
        "Thông tư 85/2019/TT-BTC (lệ phí); theo một số nguồn 2026: Luật Xây dựng 135/2025/QH15 và "
        "Nghị định 217/2026/NĐ-CP (chưa xác minh)"
    ),
    "result_name": "Giấy phép xây dựng",
    "note": (
        DEMO_NOTICE + "Giá trị minh hoạ: mã thủ tục 1.013225; thời hạn 15 ngày làm việc (một số nguồn 2026 nêu 7 "
        "ngày làm việc theo Nghị định 217/2026/NĐ-CP, các nguồn chưa thống nhất); lệ phí 50.000 đồng (thực tế do "
        "HĐND tỉnh quy định, thường 50.000-100.000 đồng); mức độ trực tuyến một phần; cam kết an toàn công trình "
        "liền kề; giới hạn diện tích, chiều cao trên biểu mẫu chỉ để kiểm tra nhập liệu."
    ),
    "version": {
        "fee": 50000,
        "fee_note": "Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ theo mức HĐND tỉnh (minh hoạ 50.000 đồng/giấy phép).",
        "time_limit": _tl("15"),
        "supplement_policy": "restart",
        "cases": [],
        "fields": [
            _h("owner_heading", "Chủ đầu tư", "Owner"),
            _f("owner_name", "text", "Họ và tên chủ đầu tư", "Owner's full name", max=100),
            _f("owner_id", "national_id", "Số định danh cá nhân", "Personal ID number"),
            _f("owner_address", "address", "Địa chỉ liên hệ", "Contact address"),
            _f("owner_phone", "phone", "Số điện thoại", "Phone number"),
            _h("site_heading", "Địa điểm xây dựng", "Building site"),
            _f("plot_number", "text", "Thửa đất số", "Plot number", max=20),
            _f("map_sheet_number", "text", "Tờ bản đồ số", "Map sheet number", max=20),
            _f(
                "plot_area",
                "number",
                "Diện tích thửa đất (m²)",
                "Plot area (m²)",
                min=1,
                max=100000,
            ),
            _f("site_address", "address", "Địa chỉ công trình", "Site address"),
            _f(
                "land_certificate_number",
                "text",
                "Số Giấy chứng nhận quyền sử dụng đất",
                "Land-use right certificate number",
                required=False,
                max=50,
            ),
            _h("building_heading", "Nội dung đề nghị cấp phép", "Building"),
            _f(
                "building_grade",
                "select",
                "Cấp công trình",
                "Building grade",
                options=[
                    _o("grade_3", "Cấp III", "Grade III"),
                    _o("grade_4", "Cấp IV", "Grade IV"),
                    _o("other", "Cấp khác", "Other"),
                ],
            ),
            _f(
                "ground_floor_area",
                "number",
                "Diện tích xây dựng tầng 1 (tầng trệt) (m²)",
                "Ground-floor footprint (m²)",
                min=1,
                max=10000,
            ),
            _f(
                "total_floor_area",
                "number",
                "Tổng diện tích sàn (m²)",
                "Total floor area (m²)",
                help="Gồm cả tầng hầm, tầng lửng và tum.",
                help_en="Including basement, mezzanine and roof-top structure.",
                min=1,
                max=50000,
            ),
            _f(
                "building_height",
                "number",
                "Chiều cao công trình (m)",
                "Building height (m)",
                min=1,
                max=60,
            ),
            _f(
                "floors",
                "number",
                "Số tầng (gồm tầng lửng, tum)",
                "Number of floors (incl. mezzanine, roof-top)",
                min=1,
                max=15,
            ),
            _f("has_basement", "checkbox", "Có tầng hầm", "Has a basement", required=False),
            _f(
                "basement_floors",
                "number",
                "Số tầng hầm",
                "Number of basement levels",
                min=1,
                max=3,
                visible_if=_if("has_basement", True),
            ),
            _f(
                "ground_level",
                "number",
                "Cốt xây dựng (m so với mặt đường)",
                "Ground-floor level (m above the street)",
                required=False,
                min=-5,
                max=5,
            ),
            _h("design_heading", "Đơn vị, cá nhân thiết kế", "Designer"),
            _f("design_unit", "text", "Tên đơn vị hoặc cá nhân thiết kế", "Design firm or designer", max=255),
            _f(
                "designer_licence",
                "text",
                "Số chứng chỉ hành nghề của chủ nhiệm/chủ trì thiết kế",
                "Lead designer's practising certificate number",
                required=False,
                max=50,
            ),
            _h("other_heading", "Thông tin khác", "Other"),
            _f(
                "expected_duration_months",
                "number",
                "Dự kiến thời gian hoàn thành (tháng)",
                "Expected construction time (months)",
                min=1,
                max=60,
            ),
            _f(
                "commitment",
                "checkbox",
                "Cam kết xây dựng đúng giấy phép và bảo đảm an toàn cho công trình lân cận",
                "I commit to build as permitted and keep neighbouring structures safe",
            ),
        ],
        "documents": [
            _doc(
                "permit_application",
                "Đơn đề nghị cấp giấy phép xây dựng (Mẫu số 01)",
                "Construction permit application (Form No. 01)",
                True,
                "original",
            ),
            _doc(
                "land_use_right_papers",
                "Giấy tờ chứng minh quyền sử dụng đất",
                "Proof of land-use rights",
                True,
                "certified_copy",
            ),
            _doc(
                "design_drawings",
                "Hai bộ bản vẽ thiết kế (vị trí, mặt bằng, mặt đứng, mặt cắt, móng, đấu nối hạ tầng)",
                "Two sets of design drawings (site plan, floor plans, elevations, section, foundation, utilities)",
                True,
                "original",
                accept=DRAWING_TYPES,
                max_mib=20,
            ),
            _doc(
                "fire_safety_approval",
                "Văn bản thẩm duyệt thiết kế phòng cháy, chữa cháy (nếu thuộc diện phải thẩm duyệt)",
                "Fire-safety design approval (if the house requires it)",
                False,
                "copy",
            ),
            _doc(
                "culture_authority_opinion",
                "Ý kiến của cơ quan quản lý văn hoá (khu vực bảo vệ di tích)",
                "Opinion of the culture authority (heritage protection zones)",
                False,
                "copy",
            ),
            _doc(
                "adjacent_safety_commitment",
                "Bản cam kết bảo đảm an toàn công trình liền kề",
                "Commitment to keep adjoining buildings safe",
                False,
                "original",
            ),
        ],
        "steps": [
            _step("Tiếp nhận, kiểm tra thành phần hồ sơ", "Reception and checklist", "reception", "one-stop", "1"),
            _step(
                "Thẩm định hồ sơ, bản vẽ, kiểm tra thực địa và quy hoạch",
                "Appraisal of the file and drawings, site inspection, zoning check",
                "specialist",
                "economy",
                "10",
            ),
            _step("Lãnh đạo UBND xem xét, ký giấy phép", "Leader review and signature", "leader", "leadership", "3"),
            _step(
                "Đóng dấu bản vẽ, trả giấy phép",
                "Stamp the drawings and return the permit",
                "reception",
                "one-stop",
                "1",
            ),
        ],
        "routing_rules": [],
        "result_template": (
            "GIẤY PHÉP XÂY DỰNG (nhà ở riêng lẻ)\n"
            "Cấp cho: {owner_name}\n"
            "Địa chỉ liên hệ: {owner_address}\n"
            "Được phép xây dựng công trình nhà ở riêng lẻ tại: {site_address}\n"
            "Thửa đất số: {plot_number}    Tờ bản đồ số: {map_sheet_number}    Diện tích thửa: {plot_area} m²\n"
            "Cấp công trình: {building_grade}\n"
            "Diện tích xây dựng tầng 1: {ground_floor_area} m²    Tổng diện tích sàn: {total_floor_area} m²\n"
            "Chiều cao công trình: {building_height} m    Số tầng: {floors}\n"
            "Cốt xây dựng: {ground_level} m\n"
            "Đơn vị thiết kế: {design_unit}"
        ),
    },
}


# --------------------------------------------------------------------------------------------------------------------
# 7. Certified copy from the original
# --------------------------------------------------------------------------------------------------------------------

_CERTIFIED_COPY = {
    "code": "2.000815",
    "name": "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền cấp hoặc chứng nhận",
    "name_en": "Certification of a copy against its original",
    "field": {"code": "chung-thuc", "name": "Chứng thực", "name_en": "Certification"},
    "agency": "commune",
    "applicant_types": ["citizen", "business"],
    "online_level": "partial",
    "description": (
        "Chứng thực bản sao đúng với bản chính giấy tờ do cơ quan, tổ chức có thẩm quyền cấp. Người yêu cầu "
        "xuất trình bản chính; không phải điền tờ khai giấy."
    ),
    "description_en": (
        "Certifies that a copy matches an original issued by a competent authority. The requester shows the "
        "original; no paper application form is needed."
    ),
    "legal_basis": (
        "Nghị định 23/2015/NĐ-CP; Thông tư 01/2020/TT-BTP; Thông tư 226/2016/TT-BTC (phí chứng thực); "
        "Nghị định 120/2025/NĐ-CP"
    ),
    "result_name": "Bản sao được chứng thực từ bản chính",
    "note": (
        DEMO_NOTICE + "Giá trị minh hoạ: mức độ trực tuyến một phần; trường hợp nhiều bản sao được gộp thành thời "
        "hạn 2 ngày làm việc; phí cơ bản ghi 2.000 đồng (phí thật tính theo số trang của bản chính); căn cứ Thông "
        "tư 01/2020/TT-BTP chưa xác minh. Không chứng thực bản chính bị tẩy xoá, hư hỏng, có nội dung trái pháp "
        "luật hoặc đóng dấu mật/cấm sao chụp."
    ),
    "version": {
        "fee": 2000,
        "fee_note": (
            "2.000 đồng/trang cho trang thứ nhất và thứ hai; từ trang thứ ba 1.000 đồng/trang; tối đa 200.000 đồng "
            "mỗi bản (số trang tính theo bản chính)."
        ),
        "time_limit": _same_day(),
        "supplement_policy": "pause",
        "cases": [
            {
                "code": "many_copies",
                "name": "Yêu cầu chứng thực nhiều bản sao, giấy tờ phức tạp",
                "name_en": "Many copies or complex documents",
                "time_limit": _tl("2"),
                "fee": 2000,
            }
        ],
        "fields": [
            _h("requester_heading", "Người yêu cầu chứng thực", "Requester"),
            _f(
                "requester_kind",
                "select",
                "Người yêu cầu là",
                "The requester is",
                options=[
                    _o("individual", "Cá nhân", "An individual"),
                    _o("organisation", "Cơ quan, tổ chức", "An organisation"),
                ],
            ),
            _f(
                "organisation_name",
                "text",
                "Tên cơ quan, tổ chức",
                "Organisation name",
                max=255,
                visible_if=_if("requester_kind", "organisation"),
            ),
            _f("requester_name", "text", "Họ và tên người yêu cầu", "Requester's full name", max=100),
            _f("requester_id", "national_id", "Số định danh cá nhân", "Personal ID number"),
            _f("requester_phone", "phone", "Số điện thoại", "Phone number"),
            _h("document_heading", "Giấy tờ cần chứng thực", "Document to certify"),
            _f(
                "document_type",
                "select",
                "Loại giấy tờ",
                "Document type",
                options=[
                    _o("identity", "Giấy tờ tuỳ thân", "Identity document"),
                    _o("civil_status", "Giấy tờ hộ tịch", "Civil-status document"),
                    _o("education", "Văn bằng, chứng chỉ", "Diploma or certificate"),
                    _o("land_housing", "Giấy tờ đất đai, nhà ở", "Land or housing document"),
                    _o("other", "Giấy tờ khác", "Other"),
                ],
            ),
            _f("document_title", "text", "Tên giấy tờ, văn bản", "Document title", max=255),
            _f("issuing_authority", "text", "Cơ quan cấp hoặc chứng nhận", "Issuing authority", max=255),
            _f("page_count", "number", "Số trang của bản chính", "Number of pages of the original", min=1, max=500),
            _f(
                "copies",
                "number",
                "Số bản sao cần chứng thực",
                "Number of copies to certify",
                integer=True,
                min=1,
                max=50,
            ),
        ],
        "documents": [
            _doc(
                "original_document",
                "Bản chính giấy tờ (xuất trình để đối chiếu, được trả lại)",
                "The original (shown for comparison and handed back)",
                True,
                "original",
            ),
            _doc(
                "copy_to_certify",
                "Bản sao cần chứng thực (nếu không có, cơ quan chụp từ bản chính)",
                "The copy to be certified (if absent the office copies the original)",
                False,
                "copy",
            ),
        ],
        "steps": [
            _step(
                "Tiếp nhận, kiểm tra bản chính", "Reception and check of the original", "reception", "one-stop", "0.25"
            ),
            _step(
                "Đối chiếu bản sao với bản chính, ghi lời chứng",
                "Compare the copy with the original, write the attestation",
                "specialist",
                "justice",
                "0.25",
            ),
            _step("Ký chứng thực, đóng dấu, vào sổ", "Sign, seal and register", "leader", "leadership", "0.25"),
            _step("Thu phí, trả kết quả", "Collect the fee and return the result", "reception", "one-stop", "0.25"),
        ],
        "routing_rules": [],
        "result_template": (
            "LỜI CHỨNG CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH\n"
            "Chứng thực bản sao này đúng với bản chính.\n"
            "Tên giấy tờ: {document_title}\n"
            "Cơ quan cấp: {issuing_authority}\n"
            "Số trang bản chính: {page_count}    Số bản sao được chứng thực: {copies}\n"
            "Người yêu cầu chứng thực: {requester_name} {organisation_name}"
        ),
    },
}


# --------------------------------------------------------------------------------------------------------------------
# 8. Driving licence exchange
# --------------------------------------------------------------------------------------------------------------------

_LICENCE_CLASSES = ["A1", "A", "B1", "B", "C1", "C", "D1", "D2", "D", "BE", "C1E", "CE", "D1E", "D2E", "DE"]

_DRIVING_LICENCE = {
    "code": "3.000347",
    "name": "Đổi giấy phép lái xe",
    "name_en": "Driving licence exchange",
    "field": {"code": "giay-phep-lai-xe", "name": "Giấy phép lái xe", "name_en": "Driving licences"},
    "agency": "police",
    "applicant_types": ["citizen"],
    "online_level": "full",
    "description": (
        "Đổi giấy phép lái xe do ngành Công an quản lý khi giấy phép hết hạn, hư hỏng hoặc có thông tin sai khác "
        "với thẻ căn cước. Không đổi khi còn vi phạm giao thông chưa xử lý xong."
    ),
    "description_en": (
        "Exchanges a police-managed driving licence that has expired, is damaged or whose data differ from the ID "
        "card. Not available while traffic violations remain unresolved."
    ),
    "legal_basis": (
        "Luật Trật tự, an toàn giao thông đường bộ 36/2024/QH15; Thông tư 12/2025/TT-BCA (có nguồn cho biết đã "
        "được thay bằng Thông tư 108/2026/TT-BCA); Thông tư 37/2023/TT-BTC (lệ phí)"
    ),
    "result_name": "Giấy phép lái xe",
    "note": (
        DEMO_NOTICE + "Giá trị minh hoạ: lệ phí trực tuyến 115.000 đồng; số hiệu luật và các thông tư; yêu cầu nộp "
        "giấy phép đang dùng; quy định về giấy phép quá hạn (dưới 30 ngày không sát hạch lại) chưa xác minh. Lệ phí "
        "135.000 đồng khi nộp hồ sơ giấy."
    ),
    "version": {
        "fee": 135000,
        "fee_note": "135.000 đồng/giấy phép khi nộp hồ sơ giấy; nộp trực tuyến khoảng 115.000 đồng (minh hoạ).",
        "time_limit": _tl("5"),
        "supplement_policy": "pause",
        "cases": [
            {
                "code": "online",
                "name": "Nộp hồ sơ trực tuyến",
                "name_en": "Filed online",
                "time_limit": _tl("5"),
                "fee": 115000,
            }
        ],
        "fields": [
            _h("driver_heading", "Thông tin người lái xe", "Driver"),
            _f("full_name", "text", "Họ, chữ đệm và tên", "Full name", max=100),
            _f("dob", "date", "Ngày sinh", "Date of birth"),
            _f("id_number", "national_id", "Số định danh cá nhân", "Personal ID number"),
            _f("residence", "address", "Nơi cư trú", "Residence"),
            _f("phone", "phone", "Số điện thoại", "Phone number"),
            _f("email", "email", "Thư điện tử", "Email", required=False),
            _h("licence_heading", "Giấy phép lái xe đề nghị đổi", "Licence to exchange"),
            _f(
                "licence_number",
                "text",
                "Số giấy phép lái xe",
                "Licence number",
                help="Gồm 12 chữ số in trên giấy phép.",
                help_en="The 12 digits printed on the licence.",
                pattern="^[0-9]{12}$",
            ),
            _f(
                "licence_classes",
                "multiselect",
                "Hạng giấy phép",
                "Licence classes",
                options=[_o(c.lower(), f"Hạng {c}", f"Class {c}") for c in _LICENCE_CLASSES],
            ),
            _f("licence_issue_date", "date", "Ngày cấp", "Date of issue"),
            _f("licence_expiry_date", "date", "Ngày hết hạn", "Expiry date", required=False),
            _f("licence_issuer", "text", "Nơi cấp", "Issuing authority", max=255),
            _f(
                "exchange_reason",
                "select",
                "Lý do đổi",
                "Reason for exchange",
                options=[
                    _o("expired", "Hết hạn sử dụng", "Expired"),
                    _o("damaged", "Bị hỏng", "Damaged"),
                    _o("data_mismatch", "Thông tin khác với thẻ căn cước", "Data differ from the ID card"),
                    _o("other", "Lý do khác", "Other"),
                ],
            ),
            _h("health_heading", "Giấy khám sức khoẻ người lái xe", "Driver health certificate"),
            _f(
                "health_cert_number",
                "text",
                "Số giấy khám sức khoẻ",
                "Health certificate number",
                required=False,
                help="Không cần nếu dữ liệu đã có trên sổ sức khoẻ điện tử hoặc hạng xe không yêu cầu.",
                help_en="Not needed if the data are on the e-health book or the class does not require it.",
                max=50,
            ),
            _f("health_cert_date", "date", "Ngày khám", "Date of examination", required=False),
            _f("health_facility", "text", "Cơ sở khám", "Health facility", required=False, max=255),
            _h("delivery_heading", "Nhận kết quả", "Receiving the result"),
            _f(
                "delivery_method",
                "select",
                "Hình thức nhận giấy phép",
                "How to receive the licence",
                options=_delivery_options(online=False),
            ),
            _f(
                "delivery_address",
                "address",
                "Địa chỉ nhận qua bưu chính",
                "Postal delivery address",
                visible_if=_if("delivery_method", "post"),
            ),
        ],
        "documents": [
            _doc(
                "exchange_application",
                "Đơn đề nghị đổi giấy phép lái xe (chỉ khi nộp bản giấy)",
                "Application for licence exchange (paper filing only)",
                False,
                "original",
            ),
            _doc(
                "health_certificate",
                "Giấy khám sức khoẻ của người lái xe (khi hạng xe yêu cầu)",
                "Driver health certificate (when the licence class requires it)",
                False,
                "original",
            ),
            _doc(
                "current_licence",
                "Giấy phép lái xe đang sử dụng (ảnh chụp hai mặt)",
                "Current driving licence (photo of both sides)",
                True,
                "copy",
                accept=["image/jpeg", "image/png", "application/pdf"],
                max_mib=5,
            ),
        ],
        "steps": [
            _step("Tiếp nhận hồ sơ, thu lệ phí", "Reception and fee", "reception", "one-stop", "1"),
            _step(
                "Kiểm tra dữ liệu giấy phép, vi phạm, dữ liệu sức khoẻ",
                "Check the licence record, violations and health data",
                "specialist",
                "traffic",
                "2",
            ),
            _step(
                "Lãnh đạo Phòng duyệt, in giấy phép", "Division leader approves and prints", "leader", "traffic", "1"
            ),
            _step("Trả kết quả hoặc gửi bưu chính", "Return or post the result", "reception", "one-stop", "1"),
        ],
        "routing_rules": [],
        "result_template": (
            "GIẤY PHÉP LÁI XE\n"
            "Họ và tên: {full_name}\n"
            "Ngày sinh: {dob}\n"
            "Số định danh cá nhân: {id_number}\n"
            "Nơi cư trú: {residence}\n"
            "Hạng: {licence_classes}\n"
            "Đổi từ giấy phép số: {licence_number}"
        ),
    },
}


# --------------------------------------------------------------------------------------------------------------------
# 9. Permanent residence registration
# --------------------------------------------------------------------------------------------------------------------

_PERMANENT_RESIDENCE = {
    "code": "1.004222",
    "name": "Đăng ký thường trú",
    "name_en": "Permanent residence registration",
    "field": {"code": "cu-tru", "name": "Đăng ký, quản lý cư trú", "name_en": "Residence"},
    "agency": "police",
    "applicant_types": ["citizen"],
    "online_level": "full",
    "description": (
        "Đăng ký nơi thường trú tại chỗ ở hợp pháp. Thông tin được cập nhật vào Cơ sở dữ liệu về cư trú; không "
        "cấp sổ hộ khẩu giấy."
    ),
    "description_en": (
        "Registers a permanent residence at a lawful home. The residence database is updated; no paper household "
        "book is issued."
    ),
    "legal_basis": (
        "Luật Cư trú 68/2020/QH14; Nghị định 154/2024/NĐ-CP; Thông tư 55/2021/TT-BCA; Thông tư 66/2023/TT-BCA; "
        "Thông tư 53/2025/TT-BCA; Thông tư 75/2022/TT-BTC"
    ),
    "result_name": "Thông báo kết quả giải quyết thủ tục về cư trú (mẫu CT08)",
    "note": (
        DEMO_NOTICE + "Trên thực tế thủ tục do Công an cấp xã nơi cư trú giải quyết; bản demo gán cho Công an thành "
        "phố để gom về một đơn vị Công an. Phân bổ ngày cho từng bước là minh hoạ. Lệ phí 20.000 đồng (giấy), "
        "10.000 đồng (trực tuyến)."
    ),
    "version": {
        "fee": 20000,
        "fee_note": (
            "20.000 đồng khi nộp hồ sơ giấy; 10.000 đồng khi nộp trực tuyến. Đối tượng được miễn theo Thông tư "
            "75/2022/TT-BTC phải chứng minh nếu dữ liệu chưa có trên cơ sở dữ liệu quốc gia."
        ),
        "time_limit": _tl("7"),
        "supplement_policy": "pause",
        "cases": [
            {
                "code": "online",
                "name": "Nộp hồ sơ trực tuyến",
                "name_en": "Filed online",
                "time_limit": _tl("7"),
                "fee": 10000,
            }
        ],
        "fields": [
            _h("applicant_heading", "Người đăng ký thường trú", "Applicant"),
            _f("full_name", "text", "Họ, chữ đệm và tên", "Full name", max=100),
            _f("dob", "date", "Ngày, tháng, năm sinh", "Date of birth"),
            _f("sex", "select", "Giới tính", "Sex", options=_sex_options()),
            _f("id_number", "national_id", "Số định danh cá nhân", "Personal ID number"),
            _f("phone", "phone", "Số điện thoại", "Phone number"),
            _f("email", "email", "Thư điện tử", "Email", required=False),
            _h("address_heading", "Nơi đề nghị đăng ký thường trú", "Requested permanent address"),
            _f("new_residence", "address", "Địa chỉ đăng ký thường trú", "Permanent address requested"),
            _f(
                "housing_basis",
                "select",
                "Căn cứ đăng ký",
                "Basis for registration",
                options=[
                    _o("own_home", "Chỗ ở hợp pháp thuộc sở hữu của mình", "Own lawful home"),
                    _o("with_relatives", "Về ở với người thân (vợ/chồng, cha mẹ, con...)", "Joining relatives"),
                    _o("rented", "Thuê, mượn, ở nhờ chỗ ở hợp pháp", "Rented or borrowed home"),
                ],
            ),
            _f(
                "floor_area_per_person",
                "number",
                "Diện tích sàn bình quân (m²/người)",
                "Floor area per person (m²)",
                help="Phải đạt mức tối thiểu do HĐND tỉnh quy định.",
                help_en="Must meet the provincial minimum.",
                min=0,
                max=1000,
                visible_if=_if("housing_basis", "rented"),
            ),
            _f(
                "joining_household",
                "checkbox",
                "Đăng ký vào hộ gia đình đã có chủ hộ",
                "Registering into an existing household",
                required=False,
            ),
            _f(
                "head_name",
                "text",
                "Họ và tên chủ hộ",
                "Household head's full name",
                max=100,
                visible_if=_if("joining_household", True),
            ),
            _f(
                "head_id",
                "national_id",
                "Số định danh cá nhân của chủ hộ",
                "Household head's personal ID number",
                visible_if=_if("joining_household", True),
            ),
            _f(
                "relation_to_head",
                "text",
                "Quan hệ với chủ hộ",
                "Relationship to the household head",
                max=50,
                visible_if=_if("joining_household", True),
            ),
            _h("members_heading", "Người cùng thay đổi nơi cư trú", "Household members moving with the applicant"),
            _f(
                "members",
                "group",
                "Thành viên cùng đăng ký",
                "Members registering together",
                required=False,
                fields=[
                    _f("member_name", "text", "Họ, chữ đệm và tên", "Full name", max=100),
                    _f("member_dob", "date", "Ngày sinh", "Date of birth"),
                    _f("member_sex", "select", "Giới tính", "Sex", options=_sex_options()),
                    _f("member_id", "national_id", "Số định danh cá nhân", "Personal ID number"),
                    _f("member_relationship", "text", "Quan hệ với người đăng ký", "Relationship", max=50),
                ],
            ),
        ],
        "documents": [
            _doc(
                "ct01_declaration",
                "Tờ khai thay đổi thông tin cư trú (mẫu CT01)",
                "Residence change declaration (form CT01)",
                True,
                "original",
            ),
            _doc(
                "lawful_residence_proof",
                "Giấy tờ chứng minh chỗ ở hợp pháp (khi không khai thác được trên cơ sở dữ liệu)",
                "Proof of lawful residence (if not retrievable from databases)",
                False,
                "copy",
            ),
            _doc(
                "owner_consent",
                "Ý kiến đồng ý của chủ hộ, chủ sở hữu chỗ ở (nếu không ghi trên CT01)",
                "Consent of the household head or owner (if not given on CT01)",
                False,
                "original",
            ),
            _doc(
                "family_relationship_proof",
                "Giấy tờ chứng minh quan hệ nhân thân (khi về ở với người thân)",
                "Proof of family relationship (when joining relatives)",
                False,
                "copy",
            ),
            _doc(
                "guardian_consent",
                "Ý kiến đồng ý của cha, mẹ hoặc người giám hộ (người chưa thành niên)",
                "Consent of a parent or guardian (minors)",
                False,
                "original",
            ),
            _doc(
                "floor_area_confirmation",
                "Giấy tờ xác nhận diện tích sàn bình quân (chỗ ở thuê, mượn, ở nhờ)",
                "Confirmation of floor area per person (rented or borrowed homes)",
                False,
                "original",
            ),
        ],
        "steps": [
            _step("Tiếp nhận hồ sơ, cấp phiếu tiếp nhận", "Reception and receipt slip", "reception", "one-stop", "1"),
            _step(
                "Kiểm tra chỗ ở hợp pháp và điều kiện đăng ký",
                "Verify the lawful residence and conditions",
                "specialist",
                "residence",
                "4",
            ),
            _step("Lãnh đạo phê duyệt", "Leader approves", "leader", "leadership", "1"),
            _step(
                "Cập nhật Cơ sở dữ liệu về cư trú, gửi thông báo CT08",
                "Update the residence database and send the CT08 notice",
                "specialist",
                "residence",
                "1",
            ),
        ],
        "routing_rules": [],
        "result_template": (
            "THÔNG BÁO KẾT QUẢ GIẢI QUYẾT THỦ TỤC VỀ CƯ TRÚ\n"
            "Cơ quan đăng ký cư trú thông báo: đã đăng ký thường trú cho\n"
            "Ông/Bà: {full_name}    Ngày sinh: {dob}    Giới tính: {sex}\n"
            "Số định danh cá nhân: {id_number}\n"
            "Nơi thường trú: {new_residence}\n"
            "Chủ hộ: {head_name}    Quan hệ với chủ hộ: {relation_to_head}"
        ),
    },
}


# --------------------------------------------------------------------------------------------------------------------
# 10. First land-use-right certificate (households and individuals)
# --------------------------------------------------------------------------------------------------------------------

_LAND_FIRST_CERTIFICATE = {
    "code": "1.013978",
    "name": (
        "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản "
        "gắn liền với đất lần đầu đối với hộ gia đình, cá nhân, cộng đồng dân cư, người gốc Việt Nam định cư ở "
        "nước ngoài"
    ),
    "name_en": "First land registration and first land-use right certificate (households and individuals)",
    "field": {"code": "dat-dai", "name": "Đất đai", "name_en": "Land"},
    "agency": "commune",
    "applicant_types": ["citizen"],
    "online_level": "partial",
    "description": (
        "Đăng ký lần đầu thửa đất và tài sản gắn liền với đất, cấp Giấy chứng nhận cho hộ gia đình, cá nhân; Chủ "
        "tịch UBND cấp xã ký Giấy chứng nhận. Nếu chưa đủ điều kiện cấp thì chỉ đăng ký đất đai."
    ),
    "description_en": (
        "First registration of a land plot and attached assets and issuance of the certificate to households and "
        "individuals, signed by the commune chairperson; if not eligible, the land is only registered."
    ),
    "legal_basis": (
        "Luật Đất đai 31/2024/QH15; Nghị định 101/2024/NĐ-CP; Nghị định 151/2025/NĐ-CP; Nghị định 103/2024/NĐ-CP; "
        "Nghị định 226/2025/NĐ-CP và Nghị định 49/2026/NĐ-CP (sửa đổi, chưa xác minh); Quyết định 2304/QĐ-BNNMT"
    ),
    "result_name": "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
    "note": (
        DEMO_NOTICE + "Giá trị minh hoạ: thời hạn 20 ngày làm việc (chỉ thấy ở nguồn thứ ba; thời gian niêm yết, "
        "thực hiện nghĩa vụ tài chính có thể không tính); lệ phí 25.000 đồng (chỉ đất) và 100.000 đồng (đất và tài "
        "sản) lấy từ ví dụ của một tỉnh; mức độ trực tuyến một phần; đề nghị ghi nợ tiền sử dụng đất. Bước phối hợp "
        "Chi nhánh Văn phòng đăng ký đất đai được gán cho phòng Kinh tế, Hạ tầng và Đô thị trong bản demo."
    ),
    "version": {
        "fee": 25000,
        "fee_note": (
            "Lệ phí cấp Giấy chứng nhận theo mức HĐND tỉnh (minh hoạ 25.000 đồng chỉ có đất; 100.000 đồng có cả tài "
            "sản). Ngoài ra có thể phải nộp phí thẩm định hồ sơ, tiền sử dụng đất và lệ phí trước bạ 0,5%."
        ),
        "time_limit": _tl("20"),
        "supplement_policy": "pause",
        "cases": [
            {
                "code": "land_and_assets",
                "name": "Cấp Giấy chứng nhận cho cả đất và tài sản gắn liền với đất",
                "name_en": "Certificate covering both land and attached assets",
                "time_limit": _tl("20"),
                "fee": 100000,
            }
        ],
        "fields": [
            _h("user_heading", "Người sử dụng đất", "Land user"),
            _f("user_name", "text", "Họ, chữ đệm và tên", "Full name", max=100),
            _f("user_birth_year", "number", "Năm sinh", "Year of birth", min=1900, max=2100),
            _f("user_id", "national_id", "Số định danh cá nhân", "Personal ID number"),
            _f("user_address", "address", "Địa chỉ", "Address"),
            _f(
                "joint_with_spouse",
                "checkbox",
                "Quyền sử dụng đất chung của vợ và chồng",
                "Land held jointly with a spouse",
                required=False,
            ),
            _f(
                "spouse_name",
                "text",
                "Họ và tên vợ/chồng",
                "Spouse's full name",
                max=100,
                visible_if=_if("joint_with_spouse", True),
            ),
            _f(
                "spouse_id",
                "national_id",
                "Số định danh cá nhân của vợ/chồng",
                "Spouse's personal ID number",
                visible_if=_if("joint_with_spouse", True),
            ),
            _h("plot_heading", "Thửa đất đăng ký", "Land plot"),
            _f("plot_number", "text", "Thửa đất số", "Plot number", max=20),
            _f("map_sheet_number", "text", "Tờ bản đồ số", "Map sheet number", max=20),
            _f("plot_address", "address", "Địa chỉ thửa đất", "Plot address"),
            _f("plot_area", "number", "Diện tích (m²)", "Area (m²)", min=1, max=1000000),
            _f(
                "private_area", "number", "Trong đó sử dụng riêng (m²)", "Of which private use (m²)", min=0, max=1000000
            ),
            _f(
                "shared_area",
                "number",
                "Trong đó sử dụng chung (m²)",
                "Of which shared use (m²)",
                required=False,
                min=0,
                max=1000000,
            ),
            _f(
                "land_use_purpose",
                "select",
                "Mục đích sử dụng đất",
                "Land-use purpose",
                options=[
                    _o("rural_residential", "Đất ở tại nông thôn", "Rural residential land"),
                    _o("urban_residential", "Đất ở tại đô thị", "Urban residential land"),
                    _o("perennial_crops", "Đất trồng cây lâu năm", "Perennial-crop land"),
                    _o("annual_crops", "Đất trồng cây hằng năm", "Annual-crop land"),
                    _o("aquaculture", "Đất nuôi trồng thuỷ sản", "Aquaculture land"),
                    _o("other", "Mục đích khác", "Other"),
                ],
            ),
            _f(
                "land_use_term",
                "text",
                "Thời hạn sử dụng đất",
                "Land-use term",
                help="Ghi 'Lâu dài' hoặc thời hạn đến ngày cụ thể.",
                help_en="'Long-term' or an end date.",
                max=100,
            ),
            _f(
                "land_origin",
                "textarea",
                "Nguồn gốc sử dụng đất",
                "Origin of the land use",
                help="Ví dụ: nhận chuyển nhượng, được thừa kế, sử dụng ổn định từ trước năm...",
                help_en="E.g. bought, inherited, used continuously since a given year.",
                max=2000,
            ),
            _f("use_start_date", "date", "Thời điểm bắt đầu sử dụng", "Date the land use began"),
            _h("assets_heading", "Tài sản gắn liền với đất", "Attached assets"),
            _f(
                "has_assets",
                "checkbox",
                "Đề nghị chứng nhận quyền sở hữu tài sản gắn liền với đất",
                "Also certify ownership of attached assets",
                required=False,
            ),
            _f(
                "assets",
                "group",
                "Danh sách tài sản",
                "Assets",
                visible_if=_if("has_assets", True),
                fields=[
                    _f(
                        "asset_type",
                        "select",
                        "Loại tài sản",
                        "Asset type",
                        options=[
                            _o("house", "Nhà ở", "House"),
                            _o("other_construction", "Công trình xây dựng khác", "Other building"),
                            _o("other", "Tài sản khác", "Other"),
                        ],
                    ),
                    _f("asset_footprint", "number", "Diện tích xây dựng (m²)", "Footprint (m²)", min=1, max=100000),
                    _f(
                        "asset_floor_area",
                        "number",
                        "Diện tích sàn (m²)",
                        "Floor area (m²)",
                        required=False,
                        min=1,
                        max=500000,
                    ),
                    _f("asset_floors", "number", "Số tầng", "Floors", required=False, min=1, max=50),
                    _f("asset_year", "number", "Năm hoàn thành", "Year completed", required=False, min=1900, max=2100),
                ],
            ),
            _h("request_heading", "Nội dung đề nghị", "Request"),
            _f(
                "request_type",
                "select",
                "Đề nghị",
                "Request",
                options=[
                    _o("certificate", "Đăng ký và cấp Giấy chứng nhận", "Register and issue the certificate"),
                    _o("register_only", "Chỉ đăng ký đất đai", "Register only"),
                ],
            ),
            _f(
                "defer_land_levy",
                "checkbox",
                "Đề nghị ghi nợ tiền sử dụng đất",
                "Request to defer the land-use levy",
                required=False,
                visible_if=_if("request_type", "certificate"),
            ),
        ],
        "documents": [
            _doc(
                "registration_application",
                "Đơn đăng ký đất đai, tài sản gắn liền với đất (Mẫu số 15)",
                "Land and attached-asset registration application (Form No. 15)",
                True,
                "original",
            ),
            _doc(
                "land_right_papers",
                "Giấy tờ về quyền sử dụng đất (nếu có)",
                "Papers on land-use rights (if any)",
                False,
                "copy",
            ),
            _doc(
                "household_members_list",
                "Danh sách thành viên hộ gia đình cùng sử dụng đất (Mẫu số 15a)",
                "List of household members sharing the land (Form No. 15a)",
                False,
                "original",
            ),
            _doc(
                "cadastral_extract",
                "Trích lục, trích đo bản đồ địa chính; sơ đồ tài sản gắn liền với đất",
                "Cadastral map extract or plot survey; diagram of attached assets",
                False,
                "original",
                accept=DRAWING_TYPES,
                max_mib=20,
            ),
            _doc(
                "financial_obligation_receipts",
                "Chứng từ thực hiện nghĩa vụ tài chính hoặc giấy tờ miễn, giảm",
                "Receipts for financial obligations or exemption papers",
                False,
                "copy",
            ),
            _authorisation_doc(" (khi nộp thay)", " (when filed by a proxy)"),
        ],
        "steps": [
            _step(
                "Tiếp nhận, kiểm tra thành phần hồ sơ",
                "Reception and checklist",
                "reception",
                "one-stop",
                "1",
            ),
            _step(
                "Xác minh nguồn gốc, thời điểm sử dụng, tranh chấp, quy hoạch; niêm yết công khai",
                "Verify origin, use period, disputes and zoning; public posting",
                "specialist",
                "economy",
                "10",
            ),
            _step(
                "Phối hợp Văn phòng đăng ký đất đai kiểm tra địa chính, chuyển thông tin sang cơ quan thuế",
                "With the land registration office: cadastral check, data to the tax office",
                "specialist",
                "economy",
                "6",
            ),
            _step(
                "Chủ tịch UBND ký Giấy chứng nhận, cập nhật hồ sơ địa chính, trả kết quả",
                "Chairperson signs, land records updated, result returned",
                "leader",
                "leadership",
                "3",
            ),
        ],
        "routing_rules": [],
        "result_template": (
            "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT\n"
            "Người sử dụng đất: {user_name}    Năm sinh: {user_birth_year}\n"
            "Số định danh cá nhân: {user_id}\n"
            "Địa chỉ: {user_address}\n"
            "Vợ/chồng cùng sử dụng: {spouse_name}\n"
            "Thửa đất số: {plot_number}    Tờ bản đồ số: {map_sheet_number}\n"
            "Địa chỉ thửa đất: {plot_address}\n"
            "Diện tích: {plot_area} m² (riêng: {private_area} m²; chung: {shared_area} m²)\n"
            "Mục đích sử dụng: {land_use_purpose}\n"
            "Thời hạn sử dụng: {land_use_term}\n"
            "Nguồn gốc sử dụng: {land_origin}"
        ),
    },
}


# --------------------------------------------------------------------------------------------------------------------
# 11. Monthly social allowance
# --------------------------------------------------------------------------------------------------------------------

_SOCIAL_ALLOWANCE = {
    "code": "1.001776",
    "name": (
        "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng, hỗ trợ kinh phí chăm sóc, nuôi dưỡng hàng tháng"
    ),
    "name_en": "Granting, adjusting or ending a monthly social allowance or monthly care-support funding",
    "field": {"code": "bao-tro-xa-hoi", "name": "Bảo trợ xã hội", "name_en": "Social protection"},
    "agency": "commune",
    "applicant_types": ["citizen"],
    "online_level": "partial",
    "description": (
        "Xét hưởng, điều chỉnh hoặc thôi hưởng trợ cấp xã hội hàng tháng cho đối tượng bảo trợ xã hội; Chủ tịch "
        "UBND cấp xã ra quyết định, trợ cấp tính từ tháng quyết định được ký."
    ),
    "description_en": (
        "Grants, adjusts or ends a monthly social allowance for eligible people; the commune chairperson decides and "
        "the allowance runs from the month the decision is signed."
    ),
    "legal_basis": (
        "Nghị định 20/2021/NĐ-CP; Nghị định 76/2024/NĐ-CP; Luật Người cao tuổi 39/2009/QH12; văn bản phân cấp "
        "lĩnh vực y tế, bảo trợ xã hội năm 2025 (chưa xác minh số hiệu)"
    ),
    "result_name": "Quyết định trợ cấp xã hội hàng tháng",
    "note": (
        DEMO_NOTICE + "Giá trị minh hoạ: mức độ trực tuyến (ghi 'một phần'); Nghị định 76/2024/NĐ-CP; cách đánh ký "
        "hiệu mẫu tờ khai theo nhóm đối tượng; mức chuẩn trợ giúp xã hội 500.000 đồng/tháng nhân hệ số. Từ "
        "07/2025 phần lớn người từ 75 tuổi không có lương hưu chuyển sang thủ tục trợ cấp hưu trí xã hội."
    ),
    "version": {
        "fee": 0,
        "fee_note": "Không thu phí, lệ phí.",
        "time_limit": _tl("10"),
        "supplement_policy": "pause",
        "cases": [],
        "fields": [
            _h("beneficiary_heading", "Người đề nghị hưởng trợ cấp", "Beneficiary"),
            _f("beneficiary_name", "text", "Họ, chữ đệm và tên", "Full name", max=100),
            _f("beneficiary_dob", "date", "Ngày, tháng, năm sinh", "Date of birth"),
            _f("beneficiary_sex", "select", "Giới tính", "Sex", options=_sex_options()),
            _f("beneficiary_ethnicity", "text", "Dân tộc", "Ethnicity", max=50),
            _f("beneficiary_id", "national_id", "Số định danh cá nhân", "Personal ID number"),
            _f("beneficiary_residence", "address", "Nơi cư trú", "Residence"),
            _f("beneficiary_phone", "phone", "Số điện thoại", "Phone number", required=False),
            _h("request_heading", "Nội dung đề nghị", "Request"),
            _f(
                "request_kind",
                "select",
                "Đề nghị",
                "Request",
                options=[
                    _o("grant", "Hưởng trợ cấp", "Grant the allowance"),
                    _o("adjust", "Điều chỉnh mức trợ cấp", "Adjust the allowance"),
                    _o("terminate", "Thôi hưởng trợ cấp", "End the allowance"),
                ],
            ),
            _f(
                "beneficiary_group",
                "select",
                "Nhóm đối tượng",
                "Beneficiary group",
                options=[
                    _o("child", "Trẻ em không có nguồn nuôi dưỡng", "Child without a source of support"),
                    _o(
                        "single_poor_parent",
                        "Người đơn thân nghèo đang nuôi con",
                        "Poor single parent raising children",
                    ),
                    _o("elderly", "Người cao tuổi", "Elderly person"),
                    _o("disabled", "Người khuyết tật nặng, đặc biệt nặng", "Person with a severe disability"),
                    _o("hiv_poor", "Người nhiễm HIV thuộc hộ nghèo", "Person with HIV in a poor household"),
                    _o("other", "Đối tượng khác", "Other"),
                ],
            ),
            _f(
                "care_support",
                "checkbox",
                "Đề nghị cả hỗ trợ kinh phí chăm sóc, nuôi dưỡng",
                "Also request care-support funding",
                required=False,
            ),
            _h("situation_heading", "Hoàn cảnh", "Circumstances"),
            _f(
                "receives_pension",
                "checkbox",
                "Đang hưởng lương hưu hoặc trợ cấp bảo hiểm xã hội hàng tháng",
                "Receives a pension or monthly social-insurance benefit",
                required=False,
            ),
            _f(
                "other_benefits",
                "text",
                "Trợ cấp hàng tháng khác đang hưởng",
                "Other monthly benefits received",
                required=False,
                max=255,
            ),
            _f(
                "household_status",
                "select",
                "Hộ gia đình thuộc diện",
                "Household status",
                options=[
                    _o("poor", "Hộ nghèo", "Poor household"),
                    _o("near_poor", "Hộ cận nghèo", "Near-poor household"),
                    _o("none", "Không thuộc hộ nghèo, cận nghèo", "Neither"),
                ],
            ),
            _f(
                "has_supporter",
                "checkbox",
                "Có người có nghĩa vụ và quyền phụng dưỡng",
                "Has a relative obliged to provide support",
                required=False,
            ),
            _f(
                "supporter_name",
                "text",
                "Họ tên người phụng dưỡng",
                "Supporting relative's name",
                max=100,
                visible_if=_if("has_supporter", True),
            ),
            _f(
                "disability_level",
                "select",
                "Mức độ khuyết tật",
                "Disability level",
                options=[
                    _o("none", "Không khuyết tật", "None"),
                    _o("mild", "Khuyết tật nhẹ", "Mild"),
                    _o("severe", "Khuyết tật nặng", "Severe"),
                    _o("especially_severe", "Khuyết tật đặc biệt nặng", "Especially severe"),
                ],
            ),
            _f(
                "marital_status",
                "select",
                "Tình trạng hôn nhân",
                "Marital status",
                options=[
                    _o("single", "Chưa kết hôn", "Single"),
                    _o("married", "Đang có vợ/chồng", "Married"),
                    _o("divorced", "Đã ly hôn", "Divorced"),
                    _o("widowed", "Vợ/chồng đã chết", "Widowed"),
                ],
            ),
            _h("payment_heading", "Hình thức nhận trợ cấp", "Payment"),
            _f(
                "payment_method",
                "select",
                "Nhận trợ cấp bằng",
                "Receive the allowance by",
                options=[
                    _o("cash", "Tiền mặt", "Cash"),
                    _o("bank", "Chuyển khoản ngân hàng", "Bank transfer"),
                ],
            ),
            _f("bank_name", "text", "Tên ngân hàng", "Bank name", max=100, visible_if=_if("payment_method", "bank")),
            _f(
                "bank_account",
                "text",
                "Số tài khoản",
                "Account number",
                help="Chỉ gồm chữ số.",
                help_en="Digits only.",
                pattern="^[0-9]{6,20}$",
                visible_if=_if("payment_method", "bank"),
            ),
            _h("proxy_heading", "Người khai thay (nếu có)", "Person declaring on behalf (if any)"),
            _f("filed_by_proxy", "checkbox", "Có người khai thay", "Declared by someone else", required=False),
            _f(
                "proxy_name",
                "text",
                "Họ tên người khai thay",
                "Proxy's full name",
                max=100,
                visible_if=_if("filed_by_proxy", True),
            ),
            _f(
                "proxy_id",
                "national_id",
                "Số định danh cá nhân người khai thay",
                "Proxy's personal ID number",
                visible_if=_if("filed_by_proxy", True),
            ),
            _f(
                "proxy_relationship",
                "text",
                "Quan hệ với người được trợ cấp",
                "Relationship to the beneficiary",
                max=50,
                visible_if=_if("filed_by_proxy", True),
            ),
            _f(
                "proxy_address",
                "address",
                "Địa chỉ người khai thay",
                "Proxy's address",
                visible_if=_if("filed_by_proxy", True),
            ),
        ],
        "documents": [
            _doc(
                "allowance_application",
                "Tờ khai đề nghị trợ giúp xã hội (mẫu theo nhóm đối tượng)",
                "Social-assistance application (form matching the beneficiary group)",
                True,
                "original",
            ),
            _doc(
                "care_declaration",
                "Tờ khai nhận chăm sóc, nuôi dưỡng (khi đề nghị hỗ trợ kinh phí chăm sóc)",
                "Care-taking declaration (for care-support funding)",
                False,
                "original",
            ),
            _doc(
                "beneficiary_identity",
                "Giấy tờ tuỳ thân của đối tượng, Giấy khai sinh với trẻ em (khi chưa có trên cơ sở dữ liệu)",
                "Beneficiary's identity papers, birth certificate for children (if not in the databases)",
                False,
                "copy",
                max_mib=5,
            ),
            _doc(
                "disability_certificate",
                "Giấy xác nhận khuyết tật hoặc biên bản giám định y khoa",
                "Disability certificate or medical assessment report",
                False,
                "copy",
            ),
            _doc(
                "hiv_or_pregnancy_proof",
                "Giấy tờ xác nhận nhiễm HIV hoặc mang thai (với nhóm đối tượng tương ứng)",
                "Proof of HIV status or pregnancy (for those groups)",
                False,
                "copy",
            ),
            _authorisation_doc(" (khi nộp thay)", " (when filed by a proxy)"),
        ],
        "steps": [
            _step("Tiếp nhận hồ sơ", "Reception", "reception", "one-stop", "1"),
            _step(
                "Xem xét, đối chiếu cơ sở dữ liệu dân cư, xác minh tại nhà khi cần",
                "Review, population-database check, home visit if needed",
                "specialist",
                "culture-social",
                "6",
            ),
            _step("Chủ tịch UBND quyết định", "Chairperson decides", "leader", "leadership", "2"),
            _step(
                "Thông báo kết quả, đưa vào danh sách chi trả",
                "Notify the applicant and add to the payment list",
                "specialist",
                "culture-social",
                "1",
            ),
        ],
        "routing_rules": [],
        "result_template": (
            "QUYẾT ĐỊNH về việc trợ cấp xã hội hàng tháng\n"
            "Nội dung: {request_kind}\n"
            "Đối với Ông/Bà: {beneficiary_name}    Sinh ngày: {beneficiary_dob}\n"
            "Số định danh cá nhân: {beneficiary_id}\n"
            "Nơi cư trú: {beneficiary_residence}\n"
            "Thuộc nhóm đối tượng: {beneficiary_group}\n"
            "Hình thức chi trả: {payment_method}\n"
            "Thời điểm hưởng: từ tháng ký Quyết định."
        ),
    },
}


# --------------------------------------------------------------------------------------------------------------------
# 12. Copies of civil-status extracts / of the birth certificate
# --------------------------------------------------------------------------------------------------------------------

_EXTRACT_COPY = {
    "code": "2.000635",
    "name": "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh",
    "name_en": "Issuance of copies of civil-status extracts or of the birth certificate",
    "field": _field_civil_status(),
    "agency": "commune",
    "applicant_types": ["citizen"],
    "online_level": "full",
    "description": (
        "Cấp bản sao trích lục khai sinh, kết hôn, khai tử... hoặc bản sao Giấy khai sinh từ Cơ sở dữ liệu hộ tịch "
        "điện tử. Nộp trực tuyến được; người yêu cầu xác nhận bản nháp điện tử trước khi in."
    ),
    "description_en": (
        "Issues copies of birth, marriage, death and other extracts, or of the birth certificate, from the "
        "electronic civil-status database. Can be filed online; the requester confirms the e-draft first."
    ),
    "legal_basis": (
        "Luật Hộ tịch 60/2014/QH13; Nghị định 123/2015/NĐ-CP; Nghị định 87/2020/NĐ-CP; Nghị định 120/2025/NĐ-CP; "
        "Thông tư 04/2020/TT-BTP; Thông tư 281/2016/TT-BTC"
    ),
    "result_name": "Bản sao Trích lục hộ tịch / bản sao Giấy khai sinh",
    "note": (
        DEMO_NOTICE + "Thực tế cơ quan quản lý Cơ sở dữ liệu hộ tịch điện tử (Sở Tư pháp hoặc UBND cấp xã) cấp bản "
        "sao; bản demo gán cho UBND phường. Giá trị minh hoạ: các trường hợp miễn phí (gia đình có công, hộ nghèo, "
        "người khuyết tật) theo một số danh mục địa phương."
    ),
    "version": {
        "fee": 8000,
        "fee_note": (
            "8.000 đồng/bản sao (phí khai thác, sử dụng thông tin trong cơ sở dữ liệu hộ tịch); một số địa phương "
            "miễn cho gia đình có công, hộ nghèo, người khuyết tật."
        ),
        "time_limit": _same_day(),
        "supplement_policy": "pause",
        "cases": [],
        "fields": [
            _h("requester_heading", "Người yêu cầu", "Requester"),
            _f("requester_name", "text", "Họ, chữ đệm và tên", "Full name", max=100),
            _f("requester_id", "national_id", "Số định danh cá nhân", "Personal ID number"),
            _f("requester_residence", "address", "Nơi cư trú", "Residence"),
            _f(
                "relationship_to_holder",
                "select",
                "Quan hệ với người được cấp bản sao",
                "Relationship to the record holder",
                options=[
                    _o("self", "Chính người đó", "Self"),
                    _o("parent", "Cha, mẹ", "Parent"),
                    _o("child", "Con", "Child"),
                    _o("spouse", "Vợ, chồng", "Spouse"),
                    _o("sibling", "Anh, chị, em ruột", "Sibling"),
                    _o("authorised", "Người được uỷ quyền", "Authorised person"),
                    _o("agency", "Cơ quan, tổ chức có yêu cầu", "Requesting agency"),
                ],
            ),
            _f("requester_phone", "phone", "Số điện thoại", "Phone number"),
            _f("requester_email", "email", "Thư điện tử", "Email", required=False),
            _h("holder_heading", "Người có sự kiện hộ tịch", "Record holder"),
            _f("holder_name", "text", "Họ, chữ đệm và tên", "Full name", max=100),
            _f("holder_dob", "date", "Ngày, tháng, năm sinh", "Date of birth"),
            _f("holder_sex", "select", "Giới tính", "Sex", options=_sex_options()),
            _f("holder_ethnicity", "text", "Dân tộc", "Ethnicity", required=False, max=50),
            _f("holder_nationality", "text", "Quốc tịch", "Nationality", max=50),
            _f("holder_id", "national_id", "Số định danh cá nhân", "Personal ID number", required=False),
            _h("record_heading", "Sự kiện hộ tịch đã đăng ký", "Registered event"),
            _f(
                "event_type",
                "select",
                "Loại sự kiện",
                "Event type",
                options=[
                    _o("birth", "Khai sinh", "Birth"),
                    _o("marriage", "Kết hôn", "Marriage"),
                    _o("death", "Khai tử", "Death"),
                    _o("parentage", "Nhận cha, mẹ, con", "Recognition of parentage"),
                    _o("other", "Sự kiện hộ tịch khác", "Other event"),
                ],
            ),
            _f(
                "registration_number",
                "text",
                "Số đăng ký",
                "Registration number",
                required=False,
                help="Ghi nếu biết; giúp tra cứu nhanh hơn.",
                help_en="If known; speeds up the lookup.",
                max=50,
            ),
            _f("registration_date", "date", "Ngày đăng ký", "Registration date", required=False),
            _f("registration_authority", "text", "Cơ quan đã đăng ký", "Registering authority", max=255),
            _h("request_heading", "Nội dung yêu cầu", "Request"),
            _f(
                "copies",
                "number",
                "Số bản sao đề nghị cấp",
                "Number of copies wanted",
                integer=True,
                help="8.000 đồng/bản.",
                help_en="8,000 VND per copy.",
                min=1,
                max=10,
            ),
            _f("purpose", "text", "Mục đích sử dụng", "Purpose of use", max=255),
            _f(
                "delivery_method",
                "select",
                "Hình thức nhận kết quả",
                "How to receive the result",
                options=_delivery_options(),
            ),
        ],
        "documents": [
            _doc(
                "request_form",
                "Tờ khai đề nghị cấp bản sao trích lục hộ tịch (chỉ khi nộp bản giấy)",
                "Request form for copies (paper filing only)",
                False,
                "original",
            ),
            _authorisation_doc(
                " (khi yêu cầu thay người khác, trừ người thân thích)",
                " (when requesting for someone else, except close relatives)",
            ),
            _doc(
                "requester_identity",
                "Giấy tờ tuỳ thân của người yêu cầu",
                "Requester's identity document",
                True,
                "copy",
                max_mib=5,
            ),
            _doc(
                "agency_request_letter",
                "Văn bản của cơ quan, tổ chức nêu rõ lý do (khi cơ quan yêu cầu)",
                "Official letter stating the reason (when an agency requests the record)",
                False,
                "original",
            ),
        ],
        "steps": [
            _step("Tiếp nhận hồ sơ, thu phí", "Reception and fee", "reception", "one-stop", "0.25"),
            _step(
                "Tra cứu dữ liệu, in bản sao (trực tuyến: gửi bản nháp để người yêu cầu xác nhận)",
                "Look up the record and print the copy (online: applicant confirms the e-draft)",
                "specialist",
                "justice",
                "0.5",
            ),
            _step("Ký bản sao, trả kết quả", "Sign the copy and return it", "leader", "leadership", "0.25"),
        ],
        "routing_rules": [],
        "result_template": (
            "BẢN SAO TRÍCH LỤC HỘ TỊCH\n"
            "Loại sự kiện: {event_type}\n"
            "Họ, chữ đệm và tên: {holder_name}\n"
            "Ngày sinh: {holder_dob}    Giới tính: {holder_sex}\n"
            "Dân tộc: {holder_ethnicity}    Quốc tịch: {holder_nationality}\n"
            "Số đăng ký: {registration_number}    Ngày đăng ký: {registration_date}\n"
            "Nơi đăng ký: {registration_authority}\n"
            "Cấp cho: {requester_name}    Số bản: {copies}"
        ),
    },
}


# --------------------------------------------------------------------------------------------------------------------
# 13. Enterprise registration: single-member limited-liability company
# --------------------------------------------------------------------------------------------------------------------

_SINGLE_MEMBER_LLC = {
    "code": "1.000956",
    "name": "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên",
    "name_en": "Registration of a new single-member limited-liability company",
    "field": {
        "code": "doanh-nghiep",
        "name": "Thành lập và hoạt động doanh nghiệp",
        "name_en": "Enterprise registration",
    },
    "agency": "finance",
    "applicant_types": ["citizen", "business"],
    "online_level": "full",
    "description": (
        "Đăng ký thành lập công ty TNHH một thành viên tại Phòng Đăng ký kinh doanh thuộc Sở Tài chính. Mã số "
        "doanh nghiệp đồng thời là mã số thuế."
    ),
    "description_en": (
        "Registers a new single-member limited-liability company with the business registration office of the "
        "provincial Department of Finance. The enterprise code is also its tax code."
    ),
    "legal_basis": (
        "Luật Doanh nghiệp 59/2020/QH14 (sửa đổi bởi Luật 76/2025/QH15); Nghị định 168/2025/NĐ-CP; "
        "Thông tư 68/2025/TT-BTC; Thông tư 47/2019/TT-BTC (lệ phí, chưa xác minh)"
    ),
    "result_name": "Giấy chứng nhận đăng ký doanh nghiệp",
    "note": (
        DEMO_NOTICE + "Giá trị minh hoạ: mã thủ tục 1.000956 (chưa xác minh trên Cơ sở dữ liệu quốc gia về thủ tục "
        "hành chính); lệ phí 50.000 đồng khi nộp giấy, miễn khi nộp trực tuyến; phí công bố nội dung đăng ký khoảng "
        "100.000 đồng; tên gọi Phòng Đăng ký kinh doanh thuộc Sở Tài chính; việc còn phải nộp bản sao giấy tờ pháp "
        "lý của chủ sở hữu là cá nhân; các trường thông tin thuế."
    ),
    "version": {
        "fee": 50000,
        "fee_note": (
            "Lệ phí đăng ký doanh nghiệp 50.000 đồng khi nộp hồ sơ giấy, miễn khi nộp trực tuyến (minh hoạ); phí "
            "công bố nội dung đăng ký doanh nghiệp thu riêng."
        ),
        "time_limit": _tl("3"),
        "supplement_policy": "restart",
        "cases": [
            {
                "code": "online",
                "name": "Nộp hồ sơ trực tuyến qua Cổng thông tin quốc gia về đăng ký doanh nghiệp",
                "name_en": "Filed online through the national business registration portal",
                "time_limit": _tl("3"),
                "fee": 0,
            }
        ],
        "fields": [
            _h("company_heading", "Thông tin công ty", "Company"),
            _f("company_name", "text", "Tên công ty viết bằng tiếng Việt", "Company name in Vietnamese", max=200),
            _f(
                "company_name_foreign",
                "text",
                "Tên công ty viết bằng tiếng nước ngoài",
                "Company name in a foreign language",
                required=False,
                max=200,
            ),
            _f("company_name_abbr", "text", "Tên viết tắt", "Abbreviated name", required=False, max=50),
            _f("head_office", "address", "Địa chỉ trụ sở chính", "Head-office address"),
            _f("company_phone", "phone", "Điện thoại", "Phone number"),
            _f("company_email", "email", "Thư điện tử", "Email", required=False),
            _f(
                "main_business_line",
                "text",
                "Mã ngành kinh doanh chính",
                "Main business line code",
                help="Mã ngành cấp 4 theo Hệ thống ngành kinh tế Việt Nam, ví dụ 4711.",
                help_en="4-digit Vietnam Standard Industrial Classification code, e.g. 4711.",
                pattern="^[0-9]{4}$",
            ),
            _f(
                "business_lines",
                "textarea",
                "Các ngành, nghề kinh doanh",
                "Business lines",
                help="Mỗi dòng một ngành: mã cấp 4 và tên ngành.",
                help_en="One line per business line: 4-digit code and name.",
                max=8000,
            ),
            _f(
                "charter_capital",
                "number",
                "Vốn điều lệ (đồng)",
                "Charter capital (VND)",
                min=1,
                max=100000000000000,
            ),
            _f(
                "capital_source",
                "select",
                "Nguồn vốn điều lệ",
                "Source of charter capital",
                options=[
                    _o("private", "Vốn tư nhân", "Private capital"),
                    _o("state", "Vốn nhà nước", "State capital"),
                    _o("foreign", "Vốn nước ngoài", "Foreign capital"),
                    _o("other", "Vốn khác", "Other"),
                ],
            ),
            _h("owner_heading", "Chủ sở hữu", "Owner"),
            _f(
                "owner_kind",
                "select",
                "Chủ sở hữu là",
                "The owner is",
                options=[
                    _o("individual", "Cá nhân", "An individual"),
                    _o("organisation", "Tổ chức", "An organisation"),
                ],
            ),
            _f("owner_name", "text", "Tên chủ sở hữu", "Owner's name", max=200),
            _f(
                "owner_id",
                "national_id",
                "Số định danh cá nhân của chủ sở hữu",
                "Owner's personal ID number",
                visible_if=_if("owner_kind", "individual"),
            ),
            _f(
                "owner_enterprise_code",
                "text",
                "Mã số doanh nghiệp / số quyết định thành lập của tổ chức",
                "Organisation's enterprise code or establishment decision number",
                help="Mã số doanh nghiệp gồm 10 chữ số.",
                help_en="An enterprise code has 10 digits.",
                max=50,
                visible_if=_if("owner_kind", "organisation"),
            ),
            _f("owner_address", "address", "Địa chỉ liên lạc của chủ sở hữu", "Owner's contact address"),
            _h("representative_heading", "Người đại diện theo pháp luật", "Legal representative"),
            _f("rep_name", "text", "Họ, chữ đệm và tên", "Full name", max=100),
            _f("rep_title", "text", "Chức danh", "Title", help="Ví dụ: Giám đốc.", help_en="E.g. Director.", max=100),
            _f("rep_dob", "date", "Ngày sinh", "Date of birth"),
            _f("rep_sex", "select", "Giới tính", "Sex", options=_sex_options()),
            _f("rep_id", "national_id", "Số định danh cá nhân", "Personal ID number"),
            _f("rep_address", "address", "Địa chỉ liên lạc", "Contact address"),
            _h("beneficial_heading", "Chủ sở hữu hưởng lợi", "Beneficial owners"),
            _f(
                "has_beneficial_owners",
                "checkbox",
                "Có chủ sở hữu hưởng lợi cần kê khai",
                "There are beneficial owners to declare",
                required=False,
            ),
            _f(
                "beneficial_owners",
                "group",
                "Danh sách chủ sở hữu hưởng lợi",
                "Beneficial owners",
                visible_if=_if("has_beneficial_owners", True),
                fields=[
                    _f("bo_name", "text", "Họ và tên", "Full name", max=100),
                    _f("bo_nationality", "text", "Quốc tịch", "Nationality", max=50),
                    _f(
                        "bo_id_number",
                        "text",
                        "Số định danh cá nhân / số hộ chiếu",
                        "Personal ID or passport number",
                        max=20,
                    ),
                    _f("bo_ownership_ratio", "number", "Tỷ lệ sở hữu (%)", "Ownership ratio (%)", min=0, max=100),
                ],
            ),
            _h("tax_heading", "Thông tin đăng ký thuế", "Tax registration"),
            _f("start_date", "date", "Ngày bắt đầu hoạt động", "Start of operations"),
            _f("chief_accountant", "text", "Họ tên kế toán trưởng", "Chief accountant", required=False, max=100),
            _f(
                "vat_method",
                "select",
                "Phương pháp tính thuế giá trị gia tăng",
                "VAT method",
                required=False,
                options=[
                    _o("deduction", "Khấu trừ", "Credit method"),
                    _o("direct", "Trực tiếp trên doanh thu", "Direct method on turnover"),
                ],
            ),
            _f("headcount", "number", "Số lao động dự kiến", "Expected headcount", required=False, min=0, max=100000),
        ],
        "documents": [
            _doc(
                "registration_application",
                "Giấy đề nghị đăng ký doanh nghiệp (công ty TNHH một thành viên)",
                "Enterprise registration application (single-member LLC)",
                True,
                "original",
            ),
            _doc("company_charter", "Điều lệ công ty", "Company charter", True, "original"),
            _doc(
                "owner_legal_papers",
                "Bản sao giấy tờ pháp lý của chủ sở hữu (cá nhân hoặc tổ chức)",
                "Copy of the owner's legal papers (individual or organisation)",
                True,
                "copy",
            ),
            _doc(
                "representative_appointment",
                "Văn bản cử người đại diện theo uỷ quyền và giấy tờ pháp lý của người đó (chủ sở hữu là tổ chức)",
                "Appointment of authorised representatives and their papers (organisation owner)",
                False,
                "copy",
            ),
            _doc(
                "beneficial_owner_form",
                "Danh sách chủ sở hữu hưởng lợi (khi có)",
                "Beneficial-owner declaration (when applicable)",
                False,
                "original",
            ),
            _authorisation_doc(" cho người đi nộp hồ sơ", " for the person submitting the file"),
        ],
        "steps": [
            _step("Tiếp nhận hồ sơ", "Reception", "reception", "one-stop", "0.5"),
            _step(
                "Kiểm tra tên doanh nghiệp, ngành nghề, hồ sơ",
                "Check the name, business lines and documents",
                "specialist",
                "business-registration",
                "1.5",
            ),
            _step(
                "Phê duyệt, cấp Giấy chứng nhận, đồng bộ mã số thuế",
                "Approve, issue the certificate, sync the tax code",
                "leader",
                "business-registration",
                "1",
            ),
        ],
        "routing_rules": [],
        "result_template": (
            "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP\n"
            "CÔNG TY TRÁCH NHIỆM HỮU HẠN MỘT THÀNH VIÊN\n"
            "Tên công ty: {company_name}\n"
            "Tên bằng tiếng nước ngoài: {company_name_foreign}\n"
            "Tên viết tắt: {company_name_abbr}\n"
            "Địa chỉ trụ sở chính: {head_office}\n"
            "Vốn điều lệ: {charter_capital} đồng\n"
            "Chủ sở hữu: {owner_name}\n"
            "Người đại diện theo pháp luật: {rep_name}    Chức danh: {rep_title}"
        ),
    },
}


# --------------------------------------------------------------------------------------------------------------------
# 14. Certificate of marital status
# --------------------------------------------------------------------------------------------------------------------

_MARITAL_STATUS = {
    "code": "1.004873",
    "name": "Cấp Giấy xác nhận tình trạng hôn nhân",
    "name_en": "Certificate of marital status",
    "field": _field_civil_status(),
    "agency": "commune",
    "applicant_types": ["citizen"],
    "online_level": "full",
    "description": (
        "Xác nhận tình trạng hôn nhân của công dân để dùng vào mục đích ghi trên giấy (kết hôn ở nước ngoài, vay "
        "vốn, giao dịch tài sản...). Giấy có giá trị 6 tháng kể từ ngày cấp."
    ),
    "description_en": (
        "Certifies a citizen's marital status for the purpose stated on it (marriage abroad, a loan, a property "
        "transaction...). Valid for 6 months from issue."
    ),
    "legal_basis": (
        "Luật Hộ tịch 60/2014/QH13; Nghị định 123/2015/NĐ-CP; Nghị định 120/2025/NĐ-CP; Thông tư 04/2020/TT-BTP; "
        "Nghị quyết 66.7/2025/NQ-CP"
    ),
    "result_name": "Giấy xác nhận tình trạng hôn nhân",
    "note": (
        DEMO_NOTICE + "Giá trị minh hoạ: thời hạn 3 ngày làm việc; lệ phí 0 đồng (mức thật do HĐND tỉnh quy định, "
        "nhiều nơi miễn hoặc vài nghìn đồng); mức độ toàn trình; thẩm quyền theo nơi cư trú trong mô hình chính "
        "quyền hai cấp. Từ 01/01/2026 không cần giấy này khi hai công dân Việt Nam kết hôn với nhau."
    ),
    "version": {
        "fee": 0,
        "fee_note": "Lệ phí theo mức HĐND tỉnh; nhiều địa phương miễn (minh hoạ 0 đồng).",
        "time_limit": _tl("3"),
        "supplement_policy": "pause",
        "cases": [],
        "fields": [
            _h("person_heading", "Người yêu cầu xác nhận", "Person requesting the certificate"),
            _f("full_name", "text", "Họ, chữ đệm và tên", "Full name", max=100),
            _f("dob", "date", "Ngày, tháng, năm sinh", "Date of birth"),
            _f("sex", "select", "Giới tính", "Sex", options=_sex_options()),
            _f("ethnicity", "text", "Dân tộc", "Ethnicity", max=50),
            _f("nationality", "text", "Quốc tịch", "Nationality", max=50),
            _f("id_number", "national_id", "Số định danh cá nhân", "Personal ID number"),
            _f("residence", "address", "Nơi cư trú", "Residence"),
            _f("phone", "phone", "Số điện thoại", "Phone number", required=False),
            _h("status_heading", "Tình trạng hôn nhân", "Marital status"),
            _f(
                "marital_status",
                "select",
                "Tình trạng hôn nhân hiện tại",
                "Current marital status",
                options=[
                    _o("never_married", "Chưa đăng ký kết hôn với ai", "Never married"),
                    _o("married", "Đang có vợ/chồng", "Married"),
                    _o("divorced", "Đã ly hôn, chưa kết hôn lại", "Divorced, not remarried"),
                    _o("widowed", "Vợ/chồng đã chết, chưa kết hôn lại", "Widowed, not remarried"),
                ],
            ),
            _f(
                "spouse_name",
                "text",
                "Họ và tên vợ/chồng hiện tại",
                "Current spouse's full name",
                max=100,
                visible_if=_if("marital_status", "married"),
            ),
            _f(
                "residence_periods",
                "group",
                "Các nơi đã cư trú trong thời gian cần xác nhận",
                "Places of residence in the period to be covered",
                required=False,
                help=(
                    "Khai khi đã cư trú ở nhiều nơi kể từ đủ 18 tuổi (nữ) / 20 tuổi (nam) hoặc trong giai đoạn "
                    "yêu cầu xác nhận."
                ),
                help_en="List them if you lived in several places since marriageable age or in the requested period.",
                fields=[
                    _f("period_from", "date", "Từ ngày", "From"),
                    _f("period_to", "date", "Đến ngày", "To"),
                    _f("period_address", "text", "Nơi cư trú", "Address", max=255),
                ],
            ),
            _h("purpose_heading", "Mục đích sử dụng", "Purpose of use"),
            _f(
                "purpose",
                "select",
                "Mục đích sử dụng",
                "Purpose of use",
                options=[
                    _o("marriage", "Kết hôn", "Marriage"),
                    _o("loan", "Vay vốn ngân hàng", "Bank loan"),
                    _o("property", "Giao dịch nhà đất, tài sản", "Property transaction"),
                    _o("other", "Mục đích khác", "Other"),
                ],
            ),
            _f(
                "intended_spouse_name",
                "text",
                "Họ tên người dự định kết hôn",
                "Full name of the intended spouse",
                help="Giấy xác nhận dùng để kết hôn phải ghi rõ người kết hôn và nơi dự định đăng ký.",
                help_en="A certificate for marriage names the intended spouse and where the marriage will be filed.",
                max=100,
                visible_if=_if("purpose", "marriage"),
            ),
            _f(
                "purpose_other",
                "text",
                "Mục đích khác (ghi rõ)",
                "Other purpose (specify)",
                max=255,
                visible_if=_if("purpose", "other"),
            ),
            _f("copies", "number", "Số bản đề nghị cấp", "Number of certificates wanted", integer=True, min=1, max=10),
        ],
        "documents": [
            _doc(
                "request_form",
                "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân (chỉ khi nộp bản giấy)",
                "Request form (paper filing only)",
                False,
                "original",
            ),
            _doc(
                "divorce_or_death_proof",
                "Giấy tờ chứng minh đã ly hôn hoặc vợ/chồng đã chết (nếu đã từng kết hôn)",
                "Proof of divorce or of the spouse's death (if previously married)",
                False,
                "copy",
            ),
            _doc(
                "previous_certificate",
                "Giấy xác nhận tình trạng hôn nhân đã cấp trước đây (khi xin cấp lại cho mục đích khác)",
                "Previously issued certificate (when requesting again for another purpose)",
                False,
                "original",
            ),
            _authorisation_doc(" (khi nộp thay)", " (when filed by a proxy)"),
            _doc(
                "requester_identity",
                "Giấy tờ tuỳ thân của người yêu cầu",
                "Requester's identity document",
                True,
                "copy",
                max_mib=5,
            ),
        ],
        "steps": [
            _step("Tiếp nhận hồ sơ", "Reception", "reception", "one-stop", "0.5"),
            _step(
                "Tra cứu cơ sở dữ liệu hộ tịch, dân cư; xác minh với nơi cư trú trước nếu cần",
                "Check the civil-status and population databases; verify with former communes if needed",
                "specialist",
                "justice",
                "1.5",
            ),
            _step("Lãnh đạo UBND ký Giấy xác nhận", "Leader signs the certificate", "leader", "leadership", "0.5"),
            _step("Trả kết quả", "Return the result", "reception", "one-stop", "0.5"),
        ],
        "routing_rules": [],
        "result_template": (
            "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN\n"
            "Họ, chữ đệm và tên: {full_name}\n"
            "Ngày sinh: {dob}    Giới tính: {sex}\n"
            "Dân tộc: {ethnicity}    Quốc tịch: {nationality}\n"
            "Số định danh cá nhân: {id_number}\n"
            "Nơi cư trú: {residence}\n"
            "Tình trạng hôn nhân: {marital_status} {spouse_name}\n"
            "Giấy này được cấp để: {purpose} {intended_spouse_name}{purpose_other}\n"
            "Giấy có giá trị sử dụng 6 tháng kể từ ngày cấp."
        ),
    },
}


PROCEDURES: list[dict] = [
    _BIRTH,
    _DEATH,
    _MARRIAGE,
    _JUDICIAL_RECORD,
    _HOUSEHOLD_BUSINESS,
    _CONSTRUCTION_PERMIT,
    _CERTIFIED_COPY,
    _DRIVING_LICENCE,
    _PERMANENT_RESIDENCE,
    _LAND_FIRST_CERTIFICATE,
    _SOCIAL_ALLOWANCE,
    _EXTRACT_COPY,
    _SINGLE_MEMBER_LLC,
    _MARITAL_STATUS,
]


# --------------------------------------------------------------------------------------------------------------------
# Fees (CATALOGUE.md "Fee" rows), as fee items procedures/fees.py computes from. Amounts marked [U] in CATALOGUE.md are
# illustrative; each procedure's `note` already says its fees are demo values.
# --------------------------------------------------------------------------------------------------------------------


def _fee(code, name, name_en, kind, basis, amount, **extra):
    return {"code": code, "name": name, "name_en": name_en, "kind": kind, "basis": basis, "amount": amount, **extra}


def _exemption_field(extra_options=()):
    options = [
        _o("none", "Không thuộc đối tượng miễn", "Not exempt"),
        _o("meritorious", "Gia đình người có công với cách mạng", "Family of a person with meritorious service"),
        _o("poor_household", "Hộ nghèo", "Poor household"),
        _o("disabled", "Người khuyết tật", "Person with a disability"),
        *extra_options,
    ]
    return _f(
        "fee_exemption",
        "select",
        "Đối tượng được miễn phí, lệ phí",
        "Fee exemption category",
        required=False,
        help="Cơ quan đối chiếu với cơ sở dữ liệu; nếu không có dữ liệu, nộp giấy tờ chứng minh.",
        help_en="Checked against the national databases; otherwise attach proof.",
        options=options,
    )


_EXEMPT = [{"field": "fee_exemption", "in": ["meritorious", "poor_household", "disabled"]}]
_COPY_FEE = _fee(
    "extract_copy", "Phí cấp bản sao trích lục", "Copy of the extract", "phi", "per_copy", 8000, quantity_field="copies"
)
_FEES = {
    "1.001193": [
        # Late registration: the provincial rate, lower online (8.000 on paper / 4.000 online in the example seen).
        _fee(
            "late",
            "Lệ phí đăng ký khai sinh quá hạn",
            "Late registration fee",
            "le_phi",
            "per_case",
            8000,
            cases=["late"],
            channels=["in_person", "post"],
            exempt_if=_EXEMPT,
        ),
        _fee(
            "late_online",
            "Lệ phí đăng ký khai sinh quá hạn (trực tuyến)",
            "Late registration fee (online)",
            "le_phi",
            "per_case",
            4000,
            cases=["late"],
            channels=["online"],
            exempt_if=_EXEMPT,
        ),
        {**_COPY_FEE, "name": "Phí cấp bản sao Giấy khai sinh", "name_en": "Copy of the birth certificate"},
    ],
    "1.000656": [_COPY_FEE],
    "1.000894": [_COPY_FEE],
    "3.000333": [
        _fee(
            "judicial_record",
            "Phí cung cấp thông tin lý lịch tư pháp",
            "Judicial record charge",
            "phi",
            "per_case",
            200000,
            cases=["", "verification"],
            exempt_if=[
                {"field": "fee_exemption", "in": ["meritorious", "poor_household", "disabled", "child", "elderly"]}
            ],
        ),
        _fee(
            "judicial_record_reduced",
            "Phí cung cấp thông tin lý lịch tư pháp (giảm)",
            "Reduced charge",
            "phi",
            "per_case",
            100000,
            cases=["reduced_fee"],
        ),
        _fee(
            "extra_copies",
            "Phiếu thứ ba trở đi",
            "Each certificate beyond the second",
            "phi",
            "per_copy",
            5000,
            quantity_field="copies",
            free_units=2,
        ),
    ],
    "1.001612": [
        _fee("registration", "Lệ phí đăng ký hộ kinh doanh", "Registration fee", "le_phi", "per_case", 100000),
    ],
    "1.013225": [
        _fee("permit", "Lệ phí cấp giấy phép xây dựng", "Building permit fee", "le_phi", "per_case", 50000),
    ],
    "2.000815": [
        # 2.000 đồng a page for pages 1-2, 1.000 from page 3, at most 200.000 a copy; pages counted on the original.
        _fee(
            "certification",
            "Phí chứng thực bản sao từ bản chính",
            "Certification charge",
            "phi",
            "per_page",
            2000,
            quantity_field="page_count",
            copies_field="copies",
            tiers=[{"from": 3, "amount": 1000}],
            cap=200000,
        ),
    ],
    "3.000347": [
        _fee(
            "licence",
            "Lệ phí cấp đổi giấy phép lái xe",
            "Licence exchange fee",
            "le_phi",
            "per_case",
            135000,
            cases=[""],
        ),
        _fee(
            "licence_online",
            "Lệ phí cấp đổi giấy phép lái xe (trực tuyến)",
            "Licence exchange fee (online)",
            "le_phi",
            "per_case",
            115000,
            cases=["online"],
        ),
    ],
    "1.004222": [
        _fee("residence", "Lệ phí đăng ký thường trú", "Registration fee", "le_phi", "per_case", 20000, cases=[""]),
        _fee(
            "residence_online",
            "Lệ phí đăng ký thường trú (trực tuyến)",
            "Registration fee (online)",
            "le_phi",
            "per_case",
            10000,
            cases=["online"],
        ),
    ],
    "1.013978": [
        _fee(
            "certificate",
            "Lệ phí cấp giấy chứng nhận (chỉ có đất)",
            "Certificate fee (land only)",
            "le_phi",
            "per_case",
            25000,
            cases=[""],
        ),
        _fee(
            "certificate_assets",
            "Lệ phí cấp giấy chứng nhận (đất và tài sản)",
            "Certificate fee (land and assets)",
            "le_phi",
            "per_case",
            100000,
            cases=["land_and_assets"],
        ),
    ],
    "1.001776": [],
    "2.000635": [{**_COPY_FEE, "exempt_if": _EXEMPT}],
    "1.000956": [
        _fee(
            "registration", "Lệ phí đăng ký doanh nghiệp", "Registration fee", "le_phi", "per_case", 50000, cases=[""]
        ),
        _fee("publication", "Phí công bố thông tin doanh nghiệp", "Publication charge", "phi", "fixed", 100000),
    ],
    "1.004873": [],
}
# Copies of extracts are paid when filing (the copy is issued from the database at once); the rest after appraisal.
_PAY_AT_FILING = {"2.000635"}
_EXEMPTION_FIELDS = {
    "1.001193": (),
    "3.000333": (_o("child", "Trẻ em", "Child"), _o("elderly", "Người cao tuổi", "Elderly person")),
    "2.000635": (),
}

for _template in PROCEDURES:
    _version = _template["version"]
    _version["fee_items"] = _FEES[_template["code"]]
    _version["payment_timing"] = "at_filing" if _template["code"] in _PAY_AT_FILING else "after_appraisal"
    if _template["code"] in _EXEMPTION_FIELDS:
        _version["fields"].append(_exemption_field(_EXEMPTION_FIELDS[_template["code"]]))
