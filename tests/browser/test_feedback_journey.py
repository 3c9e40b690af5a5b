"""PAKN end to end in Chromium: a citizen asks a question and agrees to publish it, an officer answers it on the
item's page, a leader approves publication, and anyone finds the answer on the public page."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.browser.conftest import screenshot, sign_in, verified
from tests.conftest import (
    PASSWORD,
    World,
    staff_login,  # noqa: I001
)

pytestmark = pytest.mark.browser


def as_staff(page, user):
    """A second browser context signed in as `user` through a server-side session (staff sign-in has its own tests)."""
    client = Client()
    staff_login(client, user)
    context = page.context.browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base_url}])
    staff_page = context.new_page()
    staff_page.set_default_timeout(10_000)
    return staff_page


def test_question_answered_and_published(page):
    world = World()
    verified(world.citizen)
    sign_in(page, world.citizen.email, PASSWORD)
    page.goto(page.base_url + "/phan-anh-kien-nghi/")
    page.select_option("#id_category", "question")
    page.select_option("#id_agency", world.agency.identity_code)
    page.fill("#id_title", "Đăng ký khai sinh cho con sinh ở nước ngoài")
    page.fill("#id_content", "Con tôi sinh ở Nhật, gọi tôi qua 0912345678. Tôi đăng ký ở đâu?")
    page.check("#id_public")
    page.get_by_role("button", name="Gửi", exact=True).click()
    page.wait_for_load_state()
    assert "/phan-anh-kien-nghi/" in page.url and "PA-" in page.content()
    item_url = page.url

    officer = as_staff(page, world.reception)
    officer.goto(item_url)
    officer.fill("#content-answer", "Ông/Bà đăng ký tại cơ quan đại diện hoặc UBND cấp xã nơi cư trú khi về nước.")
    officer.get_by_role("button", name="Trả lời").last.click()
    officer.wait_for_load_state()
    assert "Đã trả lời" in officer.content()

    leader = as_staff(page, world.leader)
    leader.goto(item_url)
    leader.get_by_role("button", name="Duyệt công khai").last.click()
    leader.wait_for_load_state()

    page.reload()
    assert "Ông/Bà đăng ký tại cơ quan đại diện" in page.content()
    page.goto(page.base_url + "/hoi-dap/")
    answers = page.locator("#main").inner_text()
    assert "Đăng ký khai sinh cho con sinh ở nước ngoài" in answers
    assert "0912345678" not in answers and world.citizen.full_name not in answers
    screenshot(page, "public-answers")
