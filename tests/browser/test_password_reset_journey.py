"""Forgotten password, on a phone: from the sign-in page to a new password by email."""

import re

from django.core import mail
from playwright.sync_api import expect

from tests.helpers import login

NEW_PASSWORD = "Kendang-Jombang-2026"


def test_forgotten_password_is_reset_by_email(phone_page, petugas):
    page = phone_page
    petugas.email = "siti.petugas@jombangkab.go.id"
    petugas.save()

    page.goto("/akun/masuk/")
    page.get_by_role("link", name="Lupa kata sandi?").click()
    page.get_by_label("Email").fill(petugas.email)
    page.get_by_role("button", name="Kirim tautan").click()
    expect(page.get_by_role("heading", name="Periksa email Anda")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    (message,) = mail.outbox
    link = re.search(r"https?://\S+", message.body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", name="Buat kata sandi baru")).to_be_visible()
    page.locator("[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("[name=new_password2]").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Simpan kata sandi baru").click()
    expect(page.get_by_role("status")).to_contain_text("Kata sandi baru Anda tersimpan")

    login(page, petugas.username, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Dasbor")).to_be_visible()

    page.goto(link)
    expect(page.get_by_test_id("invalid-link")).to_be_visible()


def test_mismatched_new_passwords_are_refused_next_to_the_field(phone_page, petugas):
    page = phone_page
    petugas.email = "siti.petugas@jombangkab.go.id"
    petugas.save()
    page.goto("/akun/kata-sandi/lupa/")
    page.get_by_label("Email").fill(petugas.email)
    page.get_by_role("button", name="Kirim tautan").click()
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    page.goto(link)
    page.locator("[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("[name=new_password2]").fill(NEW_PASSWORD + "x")
    page.get_by_role("button", name="Simpan kata sandi baru").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    expect(page.get_by_role("button", name="Simpan kata sandi baru")).to_be_visible()
