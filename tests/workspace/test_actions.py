"""Every action form on the officer's dossier page posts and changes the dossier; bulk actions; stale versions;
the PDFs (slip, apology letter, generated result); in-person filing."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from procedures.models import Channel, DocumentKind, Dossier, DossierEvent, Status
from procedures.services.calendar import portal_tz, working_calendar
from procedures.workflow import Action
from tests.conftest import PDF_BYTES, VALID_DATA, module_world
from tests.procedures.dossier_flow import act, drive
from tests.workspace.conftest import fresh, login, recent

world = module_world()  # the tests only read the world

pytestmark = pytest.mark.django_db


def post(user, dossier, action, data=None, **extra):
    dossier = fresh(dossier)
    body = {f"{action}-version": dossier.version}
    body.update({f"{action}-{k}": v for k, v in (data or {}).items()})
    return login(user).post(f"/can-bo/ho-so/{dossier.pk}/thao-tac/{action}/", body, **extra)


def ok(response):
    assert response.status_code == 302, response.content.decode()[-3000:]
    return response


def pdf_text(content: bytes, tmp_path) -> str:
    assert content.startswith(b"%PDF")
    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_dossier_page_shows_data_documents_history_and_forms(world):
    dossier = drive(world, "submitted")
    html = login(world.reception).get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    assert "Nguyễn Văn An" in html and "001203004567" in html  # form data via display_rows
    doc = dossier.documents.first()
    assert f"/api/v1/dossiers/{dossier.pk}/documents/{doc.pk}/" in html
    assert "Nộp hồ sơ" in html  # history
    for action in ("accept", "request_supplement", "refuse", "assign", "comment"):
        assert f"/thao-tac/{action}/" in html
    assert "/thao-tac/stop/" not in html  # not reception's, not this state's
    assert 'name="accept-version"' in html and 'type="hidden"' in html


def test_accept_shows_the_appointment_date_then_accepts(world):
    from procedures import deadlines

    dossier = drive(world, "submitted")
    html = login(world.reception).get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    expected = deadlines.due_at(timezone.now(), world.version.time_limit, calendar=working_calendar(), tz=portal_tz())
    assert timezone.localtime(expected, portal_tz()).strftime("%d/%m/%Y") in html.split("data-accept-due>")[1][:40]
    ok(post(world.reception, dossier, "accept"))
    dossier = fresh(dossier)
    assert dossier.status == Status.PROCESSING and dossier.current_step == 1
    assert dossier.due_at.date() == expected.date() or abs(dossier.due_at - expected) < timedelta(days=1)


def test_supplement_request_with_checklist(world):
    dossier = drive(world, "submitted")
    ok(
        post(
            world.reception,
            dossier,
            "request_supplement",
            {"documents": ["declaration"], "fields": ["national_id"], "note": "Ký tên vào tờ khai"},
        )
    )
    dossier = fresh(dossier)
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    event = dossier.events.get(action=Action.REQUEST_SUPPLEMENT)
    assert event.payload["documents"] == ["declaration"] and event.payload["fields"] == ["national_id"]
    assert "Ký tên vào tờ khai" in event.payload["items"] and len(event.payload["items"]) == 3


def test_supplement_request_needs_an_item(world):
    dossier = drive(world, "submitted")
    response = post(world.reception, dossier, "request_supplement", {})
    assert response.status_code == 400 and "Chọn ít nhất một mục" in response.content.decode()
    assert fresh(dossier).status == Status.SUBMITTED


def test_refuse_with_reason(world):
    dossier = drive(world, "submitted")
    assert post(world.reception, dossier, "refuse", {"reason": ""}).status_code == 400
    ok(post(world.reception, dossier, "refuse", {"reason": "Sai thẩm quyền"}))
    assert fresh(dossier).status == Status.REFUSED


def test_forward_send_back(world):
    dossier = recent(world, "processing@1")
    ok(post(world.reception, dossier, "forward", {"assignee": world.specialist.pk, "comment": "Chuyển thẩm định"}))
    dossier = fresh(dossier)
    assert dossier.current_step == 2 and dossier.assignee == world.specialist
    ok(post(world.specialist, dossier, "forward"))
    assert fresh(dossier).current_step == 3
    ok(post(world.leader, dossier, "send_back", {"reason": "Thiếu ý kiến thẩm định"}))
    assert fresh(dossier).current_step == 2


def test_request_payment(world):
    dossier = recent(world, "processing@2")
    ok(post(world.specialist, dossier, "request_payment", {"amount": 120000}))
    dossier = fresh(dossier)
    assert dossier.status == Status.AWAITING_PAYMENT and dossier.fee_amount == 120000


def test_extend_and_apology_letter(world, tmp_path):
    dossier = recent(world, "processing@3")
    calendar = working_calendar()
    new_day = calendar.add_working_days(timezone.localtime(dossier.due_at, portal_tz()).date(), 3)
    ok(post(world.leader, dossier, "extend", {"due_at": new_day.isoformat(), "reason": "Cần xác minh thêm"}))
    dossier = fresh(dossier)
    assert timezone.localtime(dossier.due_at, portal_tz()).date() == new_day
    assert dossier.original_due_at < dossier.due_at
    event = dossier.events.get(action=Action.EXTEND)
    html = login(world.leader).get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    url = f"/can-bo/ho-so/{dossier.pk}/thu-xin-loi/{event.pk}.pdf"
    assert url in html
    response = login(world.leader).get(url)
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "xin lỗi" in text.lower() and new_day.strftime("%d/%m/%Y") in text and "Cần xác minh thêm" in text


def test_stop(world):
    dossier = recent(world, "processing@2")
    ok(post(world.leader, dossier, "stop", {"reason": "Có tranh chấp"}))
    assert fresh(dossier).status == Status.STOPPED


def test_complete_with_upload(world):
    dossier = recent(world, "processing@3")
    upload = SimpleUploadedFile("ket-qua.pdf", PDF_BYTES, content_type="application/pdf")
    ok(
        post(
            world.leader, dossier, "complete", {"outcome": "approved", "result_source": "upload", "result_file": upload}
        )
    )
    dossier = fresh(dossier)
    assert dossier.status == Status.COMPLETED and dossier.outcome == "approved"
    assert dossier.documents.filter(kind=DocumentKind.RESULT).count() == 1


def test_complete_upload_required_when_chosen(world):
    dossier = recent(world, "processing@3")
    response = post(world.leader, dossier, "complete", {"outcome": "approved", "result_source": "upload"})
    assert response.status_code == 400 and fresh(dossier).status == Status.PROCESSING


def test_complete_with_generated_result(world, tmp_path):
    dossier = recent(world, "processing@3")
    ok(post(world.leader, dossier, "complete", {"outcome": "approved", "result_source": "generate"}))
    dossier = fresh(dossier)
    assert dossier.status == Status.COMPLETED
    document = dossier.documents.get(kind=DocumentKind.RESULT)
    assert document.content_type == "application/pdf"
    text = pdf_text(document.file.read(), tmp_path)
    assert "Họ và tên: Nguyễn Văn An" in text and "{full_name}" not in text


def test_deliver(world):
    dossier = recent(world, "completed")
    ok(post(world.reception, dossier, "deliver", {"channel": "desk"}))
    dossier = fresh(dossier)
    assert dossier.status == Status.DELIVERED and dossier.delivery_channel == "desk"


def test_withdrawal_decisions(world):
    dossier = recent(world, "withdrawal_requested")
    ok(post(world.reception, dossier, "reject_withdrawal", {"reason": "Đã ký kết quả"}))
    assert fresh(dossier).status == Status.PROCESSING


def test_comment_and_assign_are_internal_history(world):
    dossier = drive(world, "submitted")
    ok(post(world.reception, dossier, "comment", {"comment": "Gọi điện xác minh"}))
    ok(post(world.reception, dossier, "assign", {"assignee": world.specialist.pk}))
    assert fresh(dossier).assignee == world.specialist
    html = login(world.reception).get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    assert "Gọi điện xác minh" in html and "Nội bộ" in html


def test_assign_refuses_other_agency_officer(world):
    dossier = drive(world, "submitted")
    response = post(world.reception, dossier, "assign", {"assignee": world.other_specialist.pk})
    assert response.status_code == 400 and fresh(dossier).assignee is None


def test_stale_version_reloads_with_message(world):
    dossier = drive(world, "submitted")
    seen = fresh(dossier).version
    act(dossier, Action.COMMENT, world.leader, now=timezone.now(), comment="Ai đó vừa sửa")
    response = login(world.reception).post(
        f"/can-bo/ho-so/{dossier.pk}/thao-tac/accept/", {"accept-version": seen}, follow=True
    )
    assert "Hồ sơ vừa được người khác cập nhật" in response.content.decode()
    assert response.redirect_chain[-1][0] == f"/can-bo/ho-so/{dossier.pk}/"
    assert fresh(dossier).status == Status.SUBMITTED


def test_action_not_allowed_for_role_is_reported(world):
    dossier = recent(world, "processing@2")
    response = post(world.reception, dossier, "stop", {"reason": "x"})
    assert response.status_code == 400 and fresh(dossier).status == Status.PROCESSING


def test_bulk_accept_reports_each(world):
    first, second, stale = (drive(world, "submitted") for _i in range(3))
    values = [f"{d.pk}:{fresh(d).version}" for d in (first, second, stale)]
    act(stale, Action.COMMENT, world.reception, now=timezone.now(), comment="x")
    response = login(world.reception).post("/can-bo/tiep-nhan/hang-loat/", {"bulk_action": "accept", "dossier": values})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thành công: 2 hồ sơ" in html and "Không thực hiện được: 1 hồ sơ" in html
    assert fresh(first).status == fresh(second).status == Status.PROCESSING
    assert fresh(stale).status == Status.SUBMITTED


def test_bulk_assign(world):
    dossiers = [drive(world, "submitted") for _i in range(2)]
    values = [f"{d.pk}:{fresh(d).version}" for d in dossiers]
    response = login(world.reception).post(
        "/can-bo/tiep-nhan/hang-loat/", {"bulk_action": "assign", "assignee": world.specialist.pk, "dossier": values}
    )
    assert "Thành công: 2 hồ sơ" in response.content.decode()
    assert {fresh(d).assignee_id for d in dossiers} == {world.specialist.pk}


def test_bulk_by_other_agency_fails_per_dossier(world):
    dossier = drive(world, "submitted")
    response = login(world.other_reception).post(
        "/can-bo/tiep-nhan/hang-loat/", {"bulk_action": "accept", "dossier": [f"{dossier.pk}:{dossier.version}"]}
    )
    assert "Thành công: 0 hồ sơ" in response.content.decode()
    assert fresh(dossier).status == Status.SUBMITTED


def test_slip_pdf_lists_the_steps(world, tmp_path):
    dossier = drive(world, "delivered")
    response = login(world.reception).get(f"/can-bo/ho-so/{dossier.pk}/phieu-kiem-soat.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH" in text.upper()
    for name in ("Tiếp nhận hồ sơ", "Bước 1: Tiếp nhận", "Bước 2: Thẩm định", "Bước 3: Phê duyệt", "Trả kết quả"):
        assert name in text, name
    assert text.count("Đúng hạn") + text.count("Trễ hạn") >= 4  # each step closed, and the delivery
    assert "reception" in text and "leader" in text  # who handed over / received
    assert login(world.other_reception).get(f"/can-bo/ho-so/{dossier.pk}/phieu-kiem-soat.pdf").status_code == 404


def test_in_person_filing_creates_submitted_and_accepted_dossier(world):
    client = login(world.reception)
    assert client.get("/can-bo/tiep-nhan-truc-tiep/").status_code == 200
    page = client.get("/can-bo/tiep-nhan-truc-tiep/", {"procedure": world.procedure.code})
    assert 'name="doc-declaration"' in page.content.decode()
    scan = SimpleUploadedFile("to-khai.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        "/can-bo/tiep-nhan-truc-tiep/",
        {
            "procedure": world.procedure.code,
            "applicant-national_id": "001099000111",
            "applicant-full_name": "Lê Văn Cường",
            "applicant-card_checked": "on",
            "full_name": "Lê Văn Cường",
            "national_id": "001099000111",
            "copies": "1",
            "doc-declaration": scan,
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    dossier = Dossier.objects.get(applicant__national_id="001099000111")
    assert dossier.channel == Channel.IN_PERSON
    assert dossier.status == Status.PROCESSING and dossier.accepted_at and dossier.code
    actions = list(dossier.events.values_list("action", "actor_id"))
    assert ("create", world.reception.pk) in actions and ("accept", world.reception.pk) in actions
    assert "submit" in [a for a, _actor in actions]
    citizen = dossier.applicant
    assert not citizen.has_usable_password() and citizen.full_name == "Lê Văn Cường"
    assert dossier.documents.count() == 1
    # The officer checked the card: the ID is verified, with who and when.
    assert citizen.national_id_verified_at and citizen.national_id_verified_by == world.reception
    # The same citizen again is found by the verified ID, not duplicated, and shown to the officer to confirm.
    again = {
        "procedure": world.procedure.code,
        "applicant-national_id": "001099000111",
        **{k: v for k, v in VALID_DATA.items()},
        "copies": "1",
    }
    shown = client.post(
        "/can-bo/tiep-nhan-truc-tiep/", {**again, "doc-declaration": SimpleUploadedFile("b.pdf", PDF_BYTES)}
    )
    assert "Lê Văn Cường" in shown.content.decode() and citizen.email in shown.content.decode()
    assert Dossier.objects.filter(applicant=citizen).count() == 1
    client.post(
        "/can-bo/tiep-nhan-truc-tiep/",
        {**again, "applicant-confirm_account": citizen.pk, "doc-declaration": SimpleUploadedFile("b.pdf", PDF_BYTES)},
    )
    assert Dossier.objects.filter(applicant=citizen).count() == 2


def test_in_person_filing_reports_missing_scan_and_creates_nothing(world):
    response = login(world.reception).post(
        "/can-bo/tiep-nhan-truc-tiep/",
        {
            "procedure": world.procedure.code,
            "applicant-national_id": "001099000112",
            "applicant-full_name": "A",
            **VALID_DATA,
        },
    )
    assert response.status_code == 400 and "Chưa có bản quét" in response.content.decode()
    assert not Dossier.objects.filter(channel=Channel.IN_PERSON).exists()


def test_in_person_filing_is_reception_only(world):
    assert login(world.specialist).get("/can-bo/tiep-nhan-truc-tiep/").status_code == 403


def test_history_events_unchanged_count(world):
    # The dossier page reads; it never writes events.
    dossier = drive(world, "submitted")
    before = DossierEvent.objects.count()
    login(world.reception).get(f"/can-bo/ho-so/{dossier.pk}/")
    assert DossierEvent.objects.count() == before


def test_dossier_page_query_count_is_fixed(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = drive(world, "submitted")
    big = recent(world, "processing@3")
    for i in range(10):
        act(big, Action.COMMENT, world.leader, now=timezone.now(), comment=f"ghi chú {i}")
    client = login(world.leader)
    counts = []
    for dossier in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/can-bo/ho-so/{dossier.pk}/").status_code == 200
        counts.append(len(ctx.captured_queries))
    print(f"queries per dossier page: {counts}")
    assert max(counts) <= 17  # 16, plus the dossier's message thread (feedback.templatetags)
