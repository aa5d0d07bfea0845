"""Security in the browser: two-factor sign-in works end to end, and its pages break no rule of
the strict Content-Security-Policy (issue 13 items 11 and 13). That no other page breaks one is
checked on every page of every role by the page audit (tests/browser/test_page_audit.py)."""

import base64

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.helpers import collect_csp_violations, login


def key_of(page) -> bytes:
    text = page.get_by_test_id("totp-key").inner_text().replace(" ", "")
    return base64.b32decode(text + "=" * (-len(text) % 8))


def code(key: bytes, step_offset: int = 0) -> str:
    return f"{totp(key, step=30, t0=0, digits=6, drift=step_offset):06d}"


def next_code(key: bytes, user) -> str:
    """A code the portal accepts after the one just used: one step after the app's clock as the
    portal now reckons it. An enrolment code checked in the 30-second step after the one it was
    made in leaves the device's drift at -1 (django-otp follows the phone's clock), and the
    next code by the wall clock alone is then beyond the accepted window."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return code(key, step_offset=device.drift + 1)


def sign_out(page):
    page.get_by_test_id("user-menu").click()
    page.get_by_role("navigation").get_by_role("button", name="Keluar").click()
    expect(page.get_by_role("heading", name="Masuk ke portal")).to_be_visible()


@pytest.mark.two_factor
def test_secretariat_enrols_and_signs_in_with_a_code_then_a_recovery_code(page, sekretariat):
    violations = collect_csp_violations(page)
    login(page, sekretariat.username)
    # Required for the secretariat: straight to the set-up page.
    expect(page.get_by_role("heading", name="Pasang verifikasi dua langkah")).to_be_visible()
    expect(page.get_by_test_id("totp-qr").locator("svg")).to_be_visible()
    key = key_of(page)
    page.get_by_label("Kode dari aplikasi").fill(code(key))
    page.get_by_label("Kode dari aplikasi").press("Enter")
    expect(page.get_by_role("heading", name="Kode pemulihan")).to_be_visible()
    recovery = page.get_by_test_id("recovery-codes").locator("li").all_inner_texts()
    assert len(recovery) == 10
    page.get_by_role("link", name="Sudah saya simpan, lanjut ke portal").click()
    expect(page.get_by_role("heading", name="Dasbor")).to_be_visible()
    sign_out(page)

    # Password, then the code (the next one: a code is accepted only once).
    login(page, sekretariat.username)
    expect(page.get_by_label("Kode verifikasi")).to_be_visible()
    page.get_by_label("Kode verifikasi").fill(next_code(key, sekretariat))
    page.get_by_label("Kode verifikasi").press("Enter")
    expect(page.get_by_role("heading", name="Dasbor")).to_be_visible()
    sign_out(page)

    # Phone lost: a recovery code works once.
    login(page, sekretariat.username)
    page.get_by_label("Kode verifikasi").fill(recovery[0])
    page.get_by_label("Kode verifikasi").press("Enter")
    expect(page.get_by_role("heading", name="Dasbor")).to_be_visible()
    sign_out(page)
    login(page, sekretariat.username)
    page.get_by_label("Kode verifikasi").fill(recovery[0])
    page.get_by_label("Kode verifikasi").press("Enter")
    expect(page.get_by_text("Kode salah atau sudah dipakai.")).to_be_visible()
    page.goto("/laporan/")
    expect(page.get_by_label("Kode verifikasi")).to_be_visible()
    assert violations == []
