"""The template editor (/quan-tri-thu-tuc/): permissions, every section, publishing, versions, diff, import/export."""

from __future__ import annotations

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from citizens.roles import Role
from procedures.models import Procedure, ProcedureVersion, VersionStatus
from procedures.services.catalogue import procedure_export, procedure_import
from tests.conftest import (
    DEMO_TOTP_SECRET,
    PASSWORD,
    client_for,
    enrol_totp,
    make_user,
    procedure_template,
    staff_login,
)

pytestmark = [pytest.mark.django_db]

BASE = "/quan-tri-thu-tuc/"


def formset(prefix: str, rows: list[dict], *, initial: int = 0) -> dict:
    """POST data for a formset: management form plus each row (ORDER from its position)."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        row = {"ORDER": str(index + 1), **row}
        for key, value in row.items():
            if value is False or value is None:
                continue
            data[f"{prefix}-{index}-{key}"] = "on" if value is True else value
    return data


def login(user) -> Client:
    client = Client()
    staff_login(client, user)
    return client


@pytest.fixture
def admin_user(world):
    return make_user("agency.admin@example.org", agency=world.agency, roles=[Role.AGENCY_ADMIN])


@pytest.fixture
def other_admin(world):
    return make_user("other.admin@example.org", agency=world.other_agency, roles=[Role.AGENCY_ADMIN])


# --- permissions --------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(world):
    response = Client().get(BASE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["citizen", "reception", "leader"])
def test_non_admins_are_forbidden(world, who):
    client = login(getattr(world, who))
    assert client.get(BASE).status_code == 403
    assert client.get(f"{BASE}{world.procedure.code}/").status_code == 403
    assert client.post(f"{BASE}{world.procedure.code}/tao-ban-nhap/").status_code == 403


def test_agency_admin_cannot_touch_another_agencys_procedure(world, other_admin):
    client = login(other_admin)
    code = world.procedure.code
    assert code not in client.get(BASE).content.decode()
    for url in ("", "sua/settings/", "phien-ban/1/", "so-sanh/", "tai-xuong/"):
        assert client.get(f"{BASE}{code}/{url}").status_code == 404, url
    for url in ("tao-ban-nhap/", "cong-bo/", "xoa-ban-nhap/"):
        assert client.post(f"{BASE}{code}/{url}").status_code == 404, url
    assert not world.procedure.versions.filter(status=VersionStatus.DRAFT).exists()


def test_uploading_a_template_whose_code_belongs_to_another_agency_is_refused(world, other_admin):
    body = json.dumps(procedure_export(world.procedure)).encode()
    response = login(other_admin).post(
        f"{BASE}nhap-mau/",
        {"file": SimpleUploadedFile("t.json", body, "application/json"), "agency": world.other_agency.identity_code},
        follow=True,
    )
    assert "thuộc cơ quan khác" in response.content.decode()
    world.procedure.refresh_from_db()
    assert world.procedure.agency == world.agency


def test_superuser_sees_every_agency(world):
    procedure_import(template=procedure_template("T.0900"), agency=world.other_agency)
    root = make_user("root@example.org", is_superuser=True, is_staff=True)
    page = login(root).get(BASE).content.decode()
    assert "T.0001" in page and "T.0900" in page


# --- drafts and immutability ----------------------------------------------------------------------------------


def test_published_version_is_not_editable_until_a_draft_is_created(world, admin_user):
    client = login(admin_user)
    code = world.procedure.code
    response = client.get(f"{BASE}{code}/sua/fields/")
    assert response.status_code == 302 and response["Location"].endswith(f"{BASE}{code}/")
    response = client.post(f"{BASE}{code}/tao-ban-nhap/")
    assert response.status_code == 302
    draft = world.procedure.versions.get(status=VersionStatus.DRAFT)
    assert draft.number == 2 and draft.form_fields == world.version.form_fields
    assert draft.steps.count() == 3
    # A second click returns the same draft.
    client.post(f"{BASE}{code}/tao-ban-nhap/")
    assert world.procedure.versions.filter(status=VersionStatus.DRAFT).count() == 1
    page = client.get(f"{BASE}{code}/sua/fields/").content.decode()
    assert 'name="f-0-key"' in page and "full_name" in page


def test_publish_shows_every_problem_and_refuses(world, admin_user):
    client = login(admin_user)
    code = world.procedure.code
    client.post(f"{BASE}{code}/tao-ban-nhap/")
    steps = [
        {"name": "Tiếp nhận", "department": "one-stop", "role": "reception", "allotted_days": "4"},
        {"name": "Thẩm định", "department": "justice", "role": "specialist", "allotted_days": "4"},
    ]
    response = client.post(f"{BASE}{code}/sua/workflow/", {**formset("s", steps), **formset("r", [])})
    assert response.status_code == 302
    fields = [
        {"key": "a", "type": "text", "label": "A", "required": True, "visible_if_field": "b", "visible_if_equals": "x"},
        {"key": "b", "type": "select", "label": "B", "required": True},
    ]
    assert client.post(f"{BASE}{code}/sua/fields/", formset("f", fields)).status_code == 302
    response = client.post(f"{BASE}{code}/cong-bo/", follow=True)
    page = response.content.decode()
    assert "Chưa công bố được" in page
    assert "vượt thời hạn" in page  # 8 days > 5
    assert "a: &#x27;visible_if&#x27; tham chiếu &#x27;b&#x27;" in page  # condition on a later field
    assert "b: kiểu lựa chọn cần danh sách" in page
    world.procedure.refresh_from_db()
    assert world.procedure.current_version == world.version


def test_duplicate_keys_are_reported_on_the_row(world, admin_user):
    client = login(admin_user)
    code = world.procedure.code
    client.post(f"{BASE}{code}/tao-ban-nhap/")
    rows = [{"key": "x", "type": "text", "label": "X"}, {"key": "x", "type": "text", "label": "Y"}]
    response = client.post(f"{BASE}{code}/sua/fields/", formset("f", rows))
    assert response.status_code == 200
    assert "Khoá bị trùng" in response.content.decode()


def test_discard_draft(world, admin_user):
    client = login(admin_user)
    code = world.procedure.code
    client.post(f"{BASE}{code}/tao-ban-nhap/")
    client.post(f"{BASE}{code}/xoa-ban-nhap/")
    assert list(world.procedure.versions.values_list("status", flat=True)) == [VersionStatus.PUBLISHED]


# --- every section round-trips ----------------------------------------------------------------------------------


def test_sections_render_existing_content_and_saving_unchanged_keeps_it(world, admin_user):
    from procedures.demo.catalogue import PROCEDURES

    birth = next(p for p in PROCEDURES if p["code"] == "1.001193")
    # The demo's steps name the demo agencies' departments; use the fixture agency's (and a limit that fits them).
    small = procedure_template()["version"]
    version = {**birth["version"], "steps": small["steps"], "time_limit": small["time_limit"]}
    template = {**birth, "version": version}
    procedure = procedure_import(template=template, agency=world.agency)
    client = login(admin_user)
    client.post(f"{BASE}{procedure.code}/tao-ban-nhap/")
    draft = procedure.versions.get(status=VersionStatus.DRAFT)
    before = (
        draft.form_fields,
        draft.documents,
        draft.cases,
        list(draft.steps.values_list("name", flat=True)),
        draft.fee_items,
        draft.payment_timing,
    )
    assert draft.fee_items  # the birth registration's copy and late fees
    for section in ("settings", "fields", "documents", "cases", "fees", "workflow"):
        page = client.get(f"{BASE}{procedure.code}/sua/{section}/")
        assert page.status_code == 200, section
        form_data = _resubmit(page)
        response = client.post(f"{BASE}{procedure.code}/sua/{section}/", form_data)
        assert response.status_code == 302, (section, response.content.decode()[:3000])
    draft.refresh_from_db()
    after = (
        draft.form_fields,
        draft.documents,
        draft.cases,
        list(draft.steps.values_list("name", flat=True)),
        draft.fee_items,
        draft.payment_timing,
    )
    assert after == before


def _resubmit(response) -> dict:
    """The data a browser would post back from the page's editing form, unchanged."""
    from html.parser import HTMLParser

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__()
            self.data: dict[str, list[str]] = {}
            self.in_template = 0
            self.select = None
            self.textarea = None
            self.option_selected = False

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "template":
                self.in_template += 1
            if self.in_template:
                return
            name = attrs.get("name")
            if tag == "input" and name and name not in {"csrfmiddlewaretoken", "q"}:
                kind = attrs.get("type", "text")
                if kind in {"checkbox", "radio"}:
                    if "checked" in attrs:
                        self.data.setdefault(name, []).append(attrs.get("value", "on"))
                elif kind not in {"submit", "file", "search"}:
                    self.data.setdefault(name, []).append(attrs.get("value", ""))
            elif tag == "select" and name:
                self.select = name
                self.data.setdefault(name, [])
            elif tag == "option" and self.select and "selected" in attrs:
                self.data[self.select].append(attrs.get("value", ""))
            elif tag == "textarea" and name:
                self.textarea = name
                self.data[name] = [""]

        def handle_endtag(self, tag):
            if tag == "template":
                self.in_template -= 1
            elif tag == "select":
                self.select = None
            elif tag == "textarea":
                self.textarea = None

        def handle_data(self, data):
            if self.textarea and not self.in_template:
                self.data[self.textarea][0] += data

    parser = Parser()
    parser.feed(response.content.decode())
    result = {}
    for name, values in parser.data.items():
        if name.endswith("-accept") or name.endswith("applicant_types"):
            result[name] = values
        else:
            result[name] = values[0] if values else ""
    # Django renders a textarea's content after one leading newline.
    return {k: (v[1:] if isinstance(v, str) and v.startswith("\n") else v) for k, v in result.items()}


# --- Done means: build, publish, file ---------------------------------------------------------------------------


def test_admin_builds_publishes_and_citizen_files(world, admin_user, capsys):
    started = time.monotonic()
    client = login(admin_user)
    response = client.post(
        f"{BASE}moi/",
        {
            "code": "9.000001",
            "name": "Cấp giấy phép tổ chức lễ hội",
            "name_en": "Festival permit",
            "new_field_name": "Văn hoá",
            "agency": world.agency.identity_code,
            "applicant_types": ["citizen", "business"],
            "online_level": "full",
            "legal_basis": "Nghị định 110/2018/NĐ-CP",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    procedure = Procedure.objects.get(code="9.000001")
    assert procedure.field.name == "Văn hoá" and procedure.current_version is None
    url = f"{BASE}9.000001/sua/"
    settings_page = client.get(f"{url}settings/")
    settings_data = _resubmit(settings_page)
    settings_data.update({"v-fee": "100000", "v-time_limit_value": "5", "v-effective_date": "2026-12-01"})
    assert client.post(f"{url}settings/", settings_data).status_code == 302
    fields = [
        {"key": "organiser", "type": "text", "label": "Tổ chức", "label_en": "Organiser", "required": True},
        {"key": "is_business", "type": "checkbox", "label": "Là doanh nghiệp"},
        {
            "key": "tax_code",
            "type": "text",
            "label": "Mã số thuế",
            "required": True,
            "pattern": "[0-9]{10}",
            "visible_if_field": "is_business",
            "visible_if_equals": "true",
        },
        {"key": "kind", "type": "select", "label": "Loại", "required": True, "options": "big|Lớn|Big\nsmall|Nhỏ"},
        {"key": "guests", "type": "group", "label": "Khách mời", "required": False, "min": "0", "max": "5"},
        {"parent": "guests", "key": "guest_name", "type": "text", "label": "Tên", "required": True},
    ]
    assert client.post(f"{url}fields/", formset("f", fields)).status_code == 302
    documents = [
        {
            "code": "plan",
            "name": "Kế hoạch tổ chức",
            "copy_type": "original",
            "required": True,
            "accept": ["application/pdf"],
            "max_mb": "5",
        }
    ]
    assert client.post(f"{url}documents/", formset("d", documents)).status_code == 302
    steps = [
        {"name": "Tiếp nhận", "department": "one-stop", "role": "reception", "allotted_days": "1"},
        {"name": "Thẩm định", "department": "justice", "role": "specialist", "allotted_days": "3"},
        {"name": "Phê duyệt", "department": "leadership", "role": "leader", "allotted_days": "1"},
    ]
    rules = [{"name": "Lễ hội lớn", "steps": "2", "condition": "equals", "field": "kind", "value": "big",
              "department": "leadership"}]  # fmt: skip
    assert client.post(f"{url}workflow/", {**formset("s", steps), **formset("r", rules)}).status_code == 302
    response = client.post(f"{BASE}9.000001/cong-bo/", follow=True)
    assert "Đã công bố phiên bản 1" in response.content.decode()
    procedure.refresh_from_db()
    version = procedure.current_version
    assert version.status == VersionStatus.PUBLISHED and str(version.effective_date) == "2026-12-01"
    assert version.form_fields[2]["visible_if"] == {"field": "is_business", "equals": True}
    assert version.form_fields[3]["options"][0] == {"value": "big", "label": "Lớn", "label_en": "Big"}
    assert version.form_fields[4]["fields"][0]["key"] == "guest_name"
    assert version.routing_rules == [
        {"name": "Lễ hội lớn", "steps": [2], "when": {"field": "kind", "equals": "big"}, "department": "leadership"}
    ]
    assert [s.role for s in version.steps.order_by("position")] == ["reception", "specialist", "leader"]

    api = client_for(world.citizen)
    response = api.post(
        "/api/v1/dossiers/",
        {"procedure": "9.000001", "data": {"organiser": "Hội Văn hoá", "is_business": True, "kind": "big"}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    dossier_id = response.json()["id"]
    from tests.conftest import PDF_BYTES

    upload = SimpleUploadedFile("plan.pdf", PDF_BYTES, content_type="application/pdf")
    response = api.post(f"/api/v1/dossiers/{dossier_id}/documents/", {"requirement": "plan", "file": upload})
    assert response.status_code == 201, response.content
    response = api.post(f"/api/v1/dossiers/{dossier_id}/submit/", format="json")
    assert response.status_code == 400
    assert "tax_code" in json.dumps(response.json())  # visible (is_business) and required
    api.patch(f"/api/v1/dossiers/{dossier_id}/", {"data": {"tax_code": "0101234567"}}, format="json")
    response = api.post(f"/api/v1/dossiers/{dossier_id}/submit/", format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    with capsys.disabled():
        print(f"\n[editor] built, published and filed in {time.monotonic() - started:.2f}s (test client)")


# --- versions: view, diff, export, import ---------------------------------------------------------------------


def test_previous_version_view_and_diff(world, admin_user):
    client = login(admin_user)
    code = world.procedure.code
    client.post(f"{BASE}{code}/tao-ban-nhap/")
    draft = world.procedure.versions.get(status=VersionStatus.DRAFT)
    data = _resubmit(client.get(f"{BASE}{code}/sua/fields/"))
    data["f-1-label"] = "Họ, chữ đệm và tên"
    data["f-3-DELETE"] = "on"
    assert client.post(f"{BASE}{code}/sua/fields/", data).status_code == 302
    assert client.post(f"{BASE}{code}/cong-bo/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    old = client.get(f"{BASE}{code}/phien-ban/1/").content.decode()
    assert "copies" in old and "Ngừng áp dụng" in old
    page = client.get(f"{BASE}{code}/so-sanh/?cu=1&moi=2").content.decode()
    assert "Họ, chữ đệm và tên" in page and "− copies" in page
    with pytest.raises(Exception):  # noqa: B017 - the model guard raises Django's ValidationError
        ProcedureVersion.objects.get(pk=world.version.pk).save()


def test_download_and_upload_round_trip(world, admin_user):
    client = login(admin_user)
    response = client.get(f"{BASE}{world.procedure.code}/tai-xuong/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    exported = json.loads(response.content)
    assert exported == procedure_export(world.procedure)
    exported["code"] = "T.0777"
    upload = SimpleUploadedFile("t.json", json.dumps(exported).encode(), "application/json")
    response = client.post(f"{BASE}nhap-mau/", {"file": upload, "agency": world.agency.identity_code})
    assert response.status_code == 302
    copy = Procedure.objects.get(code="T.0777")
    assert copy.current_version is None
    draft = copy.versions.get()
    assert draft.status == VersionStatus.DRAFT
    client.post(f"{BASE}T.0777/cong-bo/")
    copy.refresh_from_db()
    assert {**procedure_export(copy), "code": "T.0001"} == procedure_export(world.procedure)


def test_bad_upload_is_reported(world, admin_user):
    client = login(admin_user)
    upload = SimpleUploadedFile("t.json", b"{not json", "application/json")
    response = client.post(f"{BASE}nhap-mau/", {"file": upload, "agency": world.agency.identity_code}, follow=True)
    assert "không phải mẫu thủ tục JSON" in response.content.decode()


def test_login_page_password_flow_reaches_editor(world, admin_user):
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    EmailAddress.objects.create(user=admin_user, email=admin_user.email, verified=True, primary=True)
    enrol_totp(admin_user)
    client = Client()
    login = client.post("/accounts/login/", {"login": admin_user.email, "password": PASSWORD})
    assert "/2fa/authenticate" in login["Location"]
    code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, next(yield_hotp_counters_from_time())))
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.get(BASE).status_code == 200


def test_django_admin_links_to_the_editor(world):
    root = make_user("root@example.org", is_superuser=True, is_staff=True)
    page = login(root).get(f"/admin/procedures/procedure/{world.procedure.pk}/change/").content.decode()
    assert f'href="{BASE}{world.procedure.code}/"' in page


@pytest.mark.parametrize(
    "rule",
    [
        {"department": "justice"},
        {"name": "Đất ở", "steps": [2, 3], "when": {"field": "kind", "equals": "big"}, "department": "justice"},
        {"when": {"field": "kind", "in": ["a", "b"]}, "agency": "000.00.15.H26", "department": "justice"},
        {"when": {"commune": "00070"}, "department": "leadership"},
        {"when": {"commune": ["00070", "00073"]}, "department": "leadership"},
        {"when": {"province": "01"}, "agency": "000.00.15.H26"},
        {"when": {"any": [{"commune": "00070"}, {"not": {"field": "kind", "equals": "x"}}]}, "department": "justice"},
    ],
)
def test_routing_rule_rows_round_trip(world, rule):
    from editor.forms import RoutingRow

    initial = RoutingRow.initial_from(rule)
    data = {f"r-{k}": v for k, v in initial.items() if v not in (None, "")}
    form = RoutingRow(data, prefix="r", initial=initial, departments=list(world.agency.departments.all()))
    assert form.is_valid(), form.errors
    assert form.to_spec() == rule


@pytest.mark.parametrize(
    "field",
    [
        {"key": "n", "type": "number", "label": "N", "label_en": "", "required": True, "help": "", "help_en": "",
         "min": 0, "max": 2.5},
        {"key": "d", "type": "date", "label": "D", "label_en": "D", "required": False, "help": "h", "help_en": "h",
         "min": "2020-01-01", "max": "today"},
        {"key": "t", "type": "text", "label": "T", "label_en": "", "required": True, "help": "", "help_en": "",
         "pattern": "[0-9]{3}", "visible_if": {"field": "c", "equals": True}},
        {"key": "m", "type": "multiselect", "label": "M", "label_en": "", "required": False, "help": "", "help_en": "",
         "options": [{"value": "a", "label": "A", "label_en": "Ay"}, {"value": "b", "label": "B"}],
         "visible_if": {"field": "s", "equals": "x"}},
        {"key": "h", "type": "heading", "label": "H", "label_en": "Heading"},
    ],
)  # fmt: skip
def test_form_field_rows_round_trip(field):
    from editor.forms import FormFieldRow

    initial = FormFieldRow.initial_from(field)
    data = {f"f-{k}": ("on" if v is True else v) for k, v in initial.items() if v not in (None, "", False)}
    form = FormFieldRow(data, prefix="f")
    assert form.is_valid(), form.errors
    assert form.to_field({"c": "checkbox", "s": "select"}) == field
