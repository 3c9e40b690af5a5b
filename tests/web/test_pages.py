"""The citizen-facing HTML pages, the allauth pages in the portal's layout, and the staff admin."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from citizens.models import User
from procedures.models import Document, Dossier, Status
from procedures.services.dossiers import dossier_create, dossier_perform_action
from procedures.workflow import Action
from tests.conftest import PDF_BYTES, VALID_DATA, VN, module_world, procedure_template, staff_login

world = module_world()  # the tests only read the world

pytestmark = pytest.mark.django_db

NATIONAL_ID = VALID_DATA["national_id"]


def browser(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        staff_login(client, user)
    return client


def attach(dossier: Dossier, user: User) -> Document:
    return Document.objects.create(
        dossier=dossier,
        requirement="declaration",
        file=ContentFile(PDF_BYTES, name="to-khai.pdf"),
        name="to-khai.pdf",
        size=len(PDF_BYTES),
        content_type="application/pdf",
        sha256=hashlib.sha256(PDF_BYTES).hexdigest(),
        uploaded_by=user,
    )


def submitted(world, *, now: datetime | None = None) -> Dossier:
    dossier = dossier_create(applicant=world.citizen, procedure_code=world.procedure.code, data=VALID_DATA)
    attach(dossier, world.citizen)
    return dossier_perform_action(
        dossier_id=dossier.pk, action=Action.SUBMIT, actor=world.citizen, version=dossier.version, now=now
    )


def accepted(world) -> Dossier:
    dossier = submitted(world)
    return dossier_perform_action(
        dossier_id=dossier.pk, action=Action.ACCEPT, actor=world.reception, version=dossier.version
    )


def text(response) -> str:
    return response.content.decode()


# --- layout and home -------------------------------------------------------------------------------------------


def test_home_renders_the_layout_for_anonymous_visitors(world):
    response = browser().get(reverse("home"))
    assert response.status_code == 200
    html = text(response)
    assert '<html lang="vi"' in html
    assert "Một Cửa" in html and "Cổng dịch vụ công trực tuyến" in html
    assert 'href="#main"' in html and 'id="main"' in html  # skip link and its target
    assert 'action="/i18n/setlang/"' in html
    assert reverse("account_login") in html
    assert world.procedure.name in html


def test_home_search_ignores_diacritics_and_case(world):
    other = procedure_template(code="T.0002", name="Cấp giấy phép xây dựng", name_en="Building permit")
    other["field"] = {"code": "xay-dung", "name": "Xây dựng", "name_en": "Construction"}
    from procedures.services.catalogue import procedure_import

    procedure_import(template=other, agency=world.agency)

    html = text(browser().get(reverse("home"), {"q": "DANG KY khai sinh"}))
    assert "Đăng ký khai sinh thử nghiệm" in html
    assert "Cấp giấy phép xây dựng" not in html

    html = text(browser().get(reverse("home"), {"q": "giay phep"}))
    assert "Cấp giấy phép xây dựng" in html
    assert "Đăng ký khai sinh thử nghiệm" not in html


def test_home_filters_by_field_and_tolerates_bad_pages(world):
    html = text(browser().get(reverse("home"), {"field": "ho-tich", "page": "999"}))
    assert "Đăng ký khai sinh thử nghiệm" in html
    assert 'aria-current="true"' in html

    html = text(browser().get(reverse("home"), {"q": "khong co thu tuc nay"}))
    assert "Không tìm thấy thủ tục phù hợp." in html


def test_lang_attribute_follows_the_active_language(world):
    client = browser()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="en"' in text(client.get(reverse("home")))
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert '<html lang="vi"' in text(client.get(reverse("home")))


# --- procedure page ------------------------------------------------------------------------------------------


def test_procedure_page_shows_the_public_components(world):
    response = browser().get(reverse("procedure-detail", kwargs={"code": world.procedure.code}))
    assert response.status_code == 200
    html = text(response)
    for expected in [
        world.procedure.name,  # name
        "Tiếp nhận",
        "Thẩm định",
        "Phê duyệt",  # workflow steps
        "Toàn trình",  # method
        "Tờ khai",
        "Bản chính",  # required document with copy type
        "5 ngày làm việc",  # time limit
        "Công dân Việt Nam",  # applicant type
        world.agency.name,  # competent agency
        "50.000 đồng",  # fee
        "Nộp trực tuyến",
    ]:
        assert expected in html, expected
    # Anonymous visitors are sent to log in first, then back to filing.
    assert f"{reverse('account_login')}?next=" in html


def test_procedure_page_for_unknown_code_is_404(world):
    assert browser().get(reverse("procedure-detail", kwargs={"code": "9.999999"})).status_code == 404


# --- my dossiers -----------------------------------------------------------------------------------------------


def test_dossier_pages_require_login(world):
    dossier = submitted(world)
    for url in (reverse("dossier-list"), reverse("dossier-detail", kwargs={"dossier_id": dossier.pk})):
        response = browser().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_dossier_list_shows_only_my_dossiers(world):
    mine = accepted(world)
    theirs = dossier_create(applicant=world.citizen2, procedure_code=world.procedure.code, data={})
    html = text(browser(world.citizen).get(reverse("dossier-list")))
    assert mine.code in html
    assert "Đang xử lý" in html  # status badge
    assert mine.due_at.astimezone(VN).strftime("%d/%m/%Y") in html  # due date, dd/mm/yyyy in Vietnam time
    assert str(theirs.pk) not in html


def test_dossier_detail_shows_data_documents_and_public_history(world):
    dossier = accepted(world)
    dossier = dossier_perform_action(
        dossier_id=dossier.pk,
        action=Action.COMMENT,
        actor=world.reception,
        version=dossier.version,
        payload={"comment": "Ghi chú nội bộ của cán bộ"},
    )
    document = dossier.documents.get()
    url = reverse("dossier-detail", kwargs={"dossier_id": dossier.pk})

    html = text(browser(world.citizen).get(url))
    assert dossier.code in html
    assert "Họ và tên" in html and "Nguyễn Văn An" in html  # display_rows
    assert f"/api/v1/dossiers/{dossier.pk}/documents/{document.pk}/" in html
    assert "Tiếp nhận" in html and "Nộp hồ sơ" in html  # timeline
    assert "Ghi chú nội bộ của cán bộ" not in html  # internal events stay with staff

    staff_html = text(browser(world.reception).get(url))
    assert "Ghi chú nội bộ của cán bộ" in staff_html


def test_another_persons_dossier_is_not_found(world):
    dossier = submitted(world)
    url = reverse("dossier-detail", kwargs={"dossier_id": dossier.pk})
    assert browser(world.citizen2).get(url).status_code == 404
    assert browser(world.other_reception).get(url).status_code == 404
    missing = browser(world.citizen).get("/ho-so/00000000-0000-0000-0000-000000000000/")
    assert missing.status_code == 404
    assert "Không tìm thấy trang" in text(missing)  # the portal's own 404 page


def test_times_are_shown_in_vietnam_time(world):
    # 18:30 UTC on 26 November is 01:30 on 27 November in Asia/Ho_Chi_Minh.
    dossier = submitted(world, now=datetime(2026, 11, 26, 18, 30, tzinfo=UTC))
    html = text(browser(world.citizen).get(reverse("dossier-detail", kwargs={"dossier_id": dossier.pk})))
    assert "01:30 27/11/2026" in html


def test_applicant_can_withdraw_but_not_take_staff_actions(world):
    dossier = submitted(world)
    client = browser(world.citizen)
    url = reverse("dossier-action", kwargs={"dossier_id": dossier.pk})

    response = client.post(url, {"action": "accept", "version": dossier.version})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED

    response = client.post(url, {"action": "withdraw", "version": dossier.version}, follow=True)
    assert response.status_code == 200
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN


def test_stale_version_is_reported_not_applied(world):
    dossier = submitted(world)
    client = browser(world.citizen)
    url = reverse("dossier-action", kwargs={"dossier_id": dossier.pk})
    response = client.post(url, {"action": "withdraw", "version": dossier.version - 1}, follow=True)
    assert response.status_code == 200
    assert 'role="alert"' in text(response)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_others_cannot_act_on_a_dossier(world):
    dossier = submitted(world)
    url = reverse("dossier-action", kwargs={"dossier_id": dossier.pk})
    response = browser(world.citizen2).post(url, {"action": "withdraw", "version": dossier.version})
    assert response.status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


# --- public tracking ----------------------------------------------------------------------------------------------


def test_tracking_form_redirects_to_the_code_page(world):
    assert browser().get(reverse("track")).status_code == 200
    response = browser().get(reverse("track"), {"code": " 000.00.12.h26-261126-0001 "})
    assert response.status_code == 302
    assert response["Location"] == reverse("track-detail", kwargs={"code": "000.00.12.H26-261126-0001"})


def test_tracking_page_shows_status_but_no_personal_data(world):
    dossier = accepted(world)
    response = browser().get(reverse("track-detail", kwargs={"code": dossier.code}))
    assert response.status_code == 200
    html = text(response)
    assert dossier.code in html
    assert world.procedure.name in html and world.agency.name in html
    assert "Đang xử lý" in html
    assert dossier.due_at.astimezone(VN).strftime("%d/%m/%Y") in html
    for personal in (world.citizen.full_name, NATIONAL_ID, world.citizen.email, "to-khai.pdf", str(dossier.pk)):
        assert personal not in html, personal


def test_tracking_unknown_or_draft_code_is_404(world):
    draft = dossier_create(applicant=world.citizen, procedure_code=world.procedure.code, data={})
    assert draft.code is None
    response = browser().get(reverse("track-detail", kwargs={"code": "000.00.12.H26-000000-9999"}))
    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ có mã này." in text(response)


# --- allauth pages -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, expected",
    [
        ("account_login", "Đăng nhập"),
        ("account_signup", "Đăng ký tài khoản"),
        ("account_reset_password", "Đặt lại mật khẩu"),
        ("account_reset_password_done", "Kiểm tra hộp thư"),
        ("account_email_verification_sent", "Xác nhận địa chỉ email"),
    ],
)
def test_account_pages_use_the_portal_layout(db, name, expected):
    response = browser().get(reverse(name))
    assert response.status_code == 200
    html = text(response)
    assert expected in html
    assert "Cổng dịch vụ công trực tuyến" in html  # the portal's header, not allauth's bare layout
    assert 'id="main"' in html


def test_signed_in_account_pages_render(world):
    client = browser(world.citizen)
    for name, expected in [
        ("account_logout", "Đăng xuất"),
        ("account_change_password", "Đổi mật khẩu"),
        ("account_email", "Địa chỉ email"),
        ("mfa_index", "Xác thực hai lớp"),  # allauth's own pages inside the portal layout
        ("usersessions_list", "Phiên đăng nhập"),
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert expected in text(response), name


def test_signup_form_stores_the_full_name(db, settings, mailoutbox):
    settings.ACCOUNT_FORMS = {"signup": "citizens.forms.SignupForm"}
    response = browser().post(
        reverse("account_signup"),
        {
            "full_name": "  Lê   Thị Cúc ",
            "email": "Cuc@Example.org",
            "password1": "mat-khau-Rat-Dai-2026",
            "password2": "mat-khau-Rat-Dai-2026",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="cuc@example.org")
    assert user.full_name == "Lê Thị Cúc"
    assert len(mailoutbox) == 1
    assert "Xác nhận địa chỉ email" in mailoutbox[0].subject


def test_signup_form_requires_the_full_name(db, settings):
    settings.ACCOUNT_FORMS = {"signup": "citizens.forms.SignupForm"}
    response = browser().post(
        reverse("account_signup"),
        {
            "full_name": "   ",
            "email": "x@example.org",
            "password1": "mat-khau-Rat-Dai-2026",
            "password2": "mat-khau-Rat-Dai-2026",
        },
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in text(response)
    assert not User.objects.filter(email="x@example.org").exists()


# --- admin ---------------------------------------------------------------------------------------------------


ADMIN_MODELS = [
    "procedures/agency",
    "procedures/field",
    "procedures/procedure",
    "procedures/procedureversion",
    "procedures/calendaroverride",
    "procedures/dossier",
    "procedures/dossierevent",
    "procedures/document",
    "citizens/user",
    "citizens/staffmembership",
]


def test_admin_pages_render_for_a_superuser(world):
    dossier = accepted(world)
    admin = User.objects.create_superuser(email="root@example.org", password="x-Admin-Pass-2026")
    client = browser(admin)
    index = client.get("/admin/")
    assert index.status_code == 200
    assert "Một Cửa — Quản trị" in text(index)
    for model in ADMIN_MODELS:
        response = client.get(f"/admin/{model}/")
        assert response.status_code == 200, model
    assert dossier.code in text(client.get("/admin/procedures/dossier/", {"q": dossier.code}))
    assert client.get(f"/admin/procedures/dossier/{dossier.pk}/change/").status_code == 200
    assert client.get(f"/admin/procedures/procedure/{world.procedure.pk}/change/").status_code == 200
    assert client.get(f"/admin/procedures/procedureversion/{world.version.pk}/change/").status_code == 200
    assert client.get(f"/admin/citizens/user/{world.reception.pk}/change/").status_code == 200
    assert client.get("/admin/citizens/user/add/").status_code == 200


def test_admin_keeps_dossiers_and_published_versions_read_only(world):
    dossier = accepted(world)
    admin = User.objects.create_superuser(email="root@example.org", password="x-Admin-Pass-2026")
    client = browser(admin)
    assert client.get("/admin/procedures/dossier/add/").status_code == 403
    response = client.post(f"/admin/procedures/dossier/{dossier.pk}/change/", {"status": "delivered"})
    assert response.status_code == 403
    assert client.get(f"/admin/procedures/dossierevent/{dossier.events.first().pk}/delete/").status_code == 403
    html = text(client.get(f"/admin/procedures/procedureversion/{world.version.pk}/change/"))
    assert 'name="fee"' not in html  # published: shown, not editable
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


def test_admin_creates_a_user_from_email_and_password(world):
    admin = User.objects.create_superuser(email="root@example.org", password="x-Admin-Pass-2026")
    response = browser(admin).post(
        "/admin/citizens/user/add/",
        {
            "email": "new.officer@example.org",
            "usable_password": "true",
            "password1": "Officer-Pass-2026",
            "password2": "Officer-Pass-2026",
        },
    )
    assert response.status_code == 302, re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', text(response))
    assert User.objects.get(email="new.officer@example.org").check_password("Officer-Pass-2026")


def test_login_errors_are_shown_in_vietnamese(world):
    response = browser().post(reverse("account_login"), {"login": world.citizen.email, "password": "sai-mat-khau"})
    assert response.status_code == 200
    html = text(response)
    assert "Email hoặc mật khẩu không đúng." in html
    assert 'role="alert"' in html


def test_admin_hides_drafts_and_other_agencies_dossiers(world):
    filed = submitted(world)
    draft = dossier_create(applicant=world.citizen, procedure_code=world.procedure.code, data={})
    admin = User.objects.create_superuser(email="root@example.org", password="x-Admin-Pass-2026")
    html = text(browser(admin).get("/admin/procedures/dossier/"))
    assert filed.code in html
    assert str(draft.pk) not in html
    assert browser(admin).get(f"/admin/procedures/dossier/{draft.pk}/change/").status_code == 302  # "not found"

    from django.contrib.auth.models import Permission

    officer = world.other_reception
    officer.is_staff = True
    officer.save()
    officer.user_permissions.add(Permission.objects.get(codename="view_dossier"))
    assert filed.code not in text(browser(officer).get("/admin/procedures/dossier/"))


# --- filing (server-rendered) --------------------------------------------------------------------------------------


def file_url(world) -> str:
    return reverse("dossier-file", kwargs={"code": world.procedure.code})


def test_filing_requires_login_and_renders_the_versions_form(world):
    response = browser().get(file_url(world))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    html = text(browser(world.citizen).get(file_url(world)))
    assert 'name="full_name"' in html and 'name="national_id"' in html and 'name="copies"' in html
    assert "Họ và tên" in html and "Người yêu cầu" in html  # labels and the heading


def test_filing_reports_missing_answers_and_creates_nothing(world):
    response = browser(world.citizen).post(file_url(world), {"full_name": "", "_continue": "1"})
    assert response.status_code == 200
    html = text(response)
    assert 'id="error-summary"' in html and 'href="#f-full_name"' in html
    assert not Dossier.objects.filter(applicant=world.citizen).exists()


def test_filing_continue_creates_a_draft_with_typed_data(world):
    response = browser(world.citizen).post(file_url(world), {**VALID_DATA, "copies": "2", "_continue": "1"})
    dossier = Dossier.objects.get(applicant=world.citizen)
    assert response.status_code == 302
    assert response["Location"] == reverse("dossier-documents", kwargs={"dossier_id": dossier.pk})
    assert dossier.status == Status.DRAFT
    assert dossier.data["full_name"] == "Nguyễn Văn An" and dossier.data["copies"] == 2


def test_filing_save_keeps_a_partial_draft(world):
    response = browser(world.citizen).post(file_url(world), {"full_name": "Nguyễn Văn An", "_save": "1"})
    dossier = Dossier.objects.get(applicant=world.citizen)
    assert response["Location"] == reverse("dossier-detail", kwargs={"dossier_id": dossier.pk})
    assert dossier.data.get("full_name") == "Nguyễn Văn An"


def test_upload_then_submit_files_the_dossier(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = browser(world.citizen)
    dossier = dossier_create(applicant=world.citizen, procedure_code=world.procedure.code, data=VALID_DATA)
    documents_url = reverse("dossier-documents", kwargs={"dossier_id": dossier.pk})
    assert "Tờ khai" in text(client.get(documents_url))

    # Submitting before the required file is there comes back to the documents page with the reason.
    dossier.refresh_from_db()
    action_url = reverse("dossier-action", kwargs={"dossier_id": dossier.pk})
    response = client.post(action_url, {"action": "submit", "version": dossier.version})
    assert response["Location"] == documents_url
    assert Dossier.objects.get(pk=dossier.pk).status == Status.DRAFT

    upload = SimpleUploadedFile("tờ khai.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(documents_url, {"requirement": "declaration", "file": upload})
    assert response.status_code == 302
    assert dossier.documents.count() == 1

    dossier.refresh_from_db()
    response = client.post(action_url, {"action": "submit", "version": dossier.version}, follow=True)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED and dossier.code
    assert dossier.code in text(response)


def test_documents_page_rejects_a_file_of_the_wrong_type(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    dossier = dossier_create(applicant=world.citizen, procedure_code=world.procedure.code, data=VALID_DATA)
    url = reverse("dossier-documents", kwargs={"dossier_id": dossier.pk})
    upload = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = browser(world.citizen).post(url, {"requirement": "declaration", "file": upload}, follow=True)
    assert 'role="alert"' in text(response)
    assert dossier.documents.count() == 0


def test_edit_changes_the_answers_of_a_draft(world):
    dossier = dossier_create(applicant=world.citizen, procedure_code=world.procedure.code, data=VALID_DATA)
    url = reverse("dossier-edit", kwargs={"dossier_id": dossier.pk})
    client = browser(world.citizen)
    html = text(client.get(url))
    assert 'value="Nguyễn Văn An"' in html
    form = {**VALID_DATA, "copies": "5", "version": dossier.version, "_save": "1"}
    response = client.post(url, form)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.data["copies"] == 5

    # A stale form (the draft changed since it was opened) is refused, not applied.
    response = client.post(url, {**form, "copies": "7"})
    assert response.status_code == 200
    dossier.refresh_from_db()
    assert dossier.data["copies"] == 5


def test_other_people_cannot_open_filing_pages_of_my_draft(world):
    dossier = dossier_create(applicant=world.citizen, procedure_code=world.procedure.code, data=VALID_DATA)
    for name in ("dossier-edit", "dossier-documents"):
        url = reverse(name, kwargs={"dossier_id": dossier.pk})
        assert browser(world.citizen2).get(url).status_code == 404
        assert browser(world.reception).get(url).status_code == 404


def test_filing_dates_are_typed_day_first_and_groups_grow(world):
    from procedures.services.catalogue import procedure_import

    template = procedure_template(code="T.0003")
    template["version"]["fields"] = [
        {"key": "dob", "type": "date", "label": "Ngày sinh", "required": True},
        {
            "key": "children",
            "type": "group",
            "label": "Con",
            "required": False,
            "fields": [{"key": "name", "type": "text", "label": "Tên con", "required": True}],
        },
    ]
    procedure_import(template=template, agency=world.agency)
    url = reverse("dossier-file", kwargs={"code": "T.0003"})
    client = browser(world.citizen)

    html = text(client.post(url, {"dob": "2/5/2026", "children.count": "0", "_add": "children"}))
    assert 'name="children.0.name"' in html  # "add an item" re-renders with one more, saving nothing
    assert 'value="02/05/2026"' in html
    assert not Dossier.objects.filter(procedure__code="T.0003").exists()

    html = text(client.post(url, {"dob": "31/02/2026", "children.count": "0", "_continue": "1"}))
    assert "Ngày không hợp lệ" in html

    response = client.post(url, {"dob": "02/05/2026", "children.count": "2", "children.0.name": "An", "_continue": "1"})
    assert response.status_code == 302
    dossier = Dossier.objects.get(procedure__code="T.0003")
    assert dossier.data["dob"] == "2026-05-02"
    assert dossier.data["children"] == [{"name": "An"}]  # the empty second item is dropped
