"""Roles from the data migration, login, lockout with cool-off, session expiry."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.helpers import form_as_sent, run_in_threads

pytestmark = pytest.mark.django_db

LOGIN_URL = "/akun/masuk/"


def test_data_migration_created_the_four_roles_with_permissions(roles):
    groups = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    assert set(groups) >= {"petugas", "sekretariat", "pimpinan", "admin"}
    assert "view_contact" in groups["petugas"]
    assert "add_contact" not in groups["petugas"]
    assert {"add_contact", "change_contact", "add_agency", "add_user"} <= groups["admin"]
    assert "view_teamdecree" in groups["pimpinan"]
    assert "change_teamdecree" not in groups["sekretariat"]


def test_user_roles_come_from_groups(personas):
    for role, user in personas.items():
        assert user.roles == {role}


def test_login_with_right_password_goes_to_dashboard(client, pimpinan):
    response = client.post(LOGIN_URL, {"username": "pimpinan", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response.url == "/"
    assert "Dasbor" in client.get("/").content.decode()


def test_lockout_is_per_username_and_ip_and_cools_off(client, petugas, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(LOGIN_URL, {"username": "petugas", "password": "salah"})
    assert response.status_code == 429
    assert "Akun dikunci sementara" in response.content.decode()

    # The same username from another address is not locked out.
    response = client.post(
        LOGIN_URL, {"username": "petugas", "password": DEFAULT_PASSWORD}, REMOTE_ADDR="10.9.8.7"
    )
    assert response.status_code == 302
    client.logout()

    # After the cool-off the right password works again from the first address.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=1))
    response = client.post(LOGIN_URL, {"username": "petugas", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def test_other_usernames_from_the_same_address_are_not_locked(client, petugas, pimpinan, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN_URL, {"username": "petugas", "password": "salah"})
    response = client.post(LOGIN_URL, {"username": "pimpinan", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def test_session_expires_after_thirty_idle_minutes(client, pimpinan, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(pimpinan)
    assert client.get("/").status_code == 200

    from django.contrib.sessions.models import Session

    # Each request pushes the expiry 30 minutes ahead...
    session = Session.objects.get()
    assert session.expire_date > timezone.now() + timedelta(minutes=29)
    # ...so a session untouched for longer is gone.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


def test_password_change_page_is_in_indonesian(client, sekretariat):
    client.force_login(sekretariat)
    response = client.post(
        "/akun/kata-sandi/", {"old_password": "salah", "new_password1": "a", "new_password2": "b"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sandi lama Anda yang dimasukkan salah" in page
    assert "Dua bidang sandi tidak cocok" in page
    assert '<div class="mb-3 has-error" data-field="old_password">' in page  # next to the field


def test_password_change_works(client, sekretariat):
    client.force_login(sekretariat)
    new = "Sandi-Baru-Yang-Panjang-2026"
    response = client.post(
        "/akun/kata-sandi/",
        {"old_password": DEFAULT_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    sekretariat.refresh_from_db()
    assert sekretariat.check_password(new)


def test_password_change_sent_twice_says_it_is_done(client, sekretariat):
    # The second tap found the old password wrong (the first had changed it) and said so, the
    # answer the browser shows: the user would think the change had failed.
    client.force_login(sekretariat)
    new = "Sandi-Baru-Yang-Panjang-2026"
    data = {"old_password": DEFAULT_PASSWORD, "new_password1": new, "new_password2": new}
    assert client.post("/akun/kata-sandi/", data).status_code == 302

    again = client.post("/akun/kata-sandi/", data, follow=True)

    assert again.redirect_chain == [("/akun/kata-sandi/selesai/", 302)]
    assert "Kata sandi Anda sudah diubah oleh kiriman sebelumnya." in again.content.decode()
    sekretariat.refresh_from_db()
    assert sekretariat.check_password(new)
    # A wrong old password with another new one is still refused next to the field.
    refused = client.post(
        "/akun/kata-sandi/",
        {"old_password": "salah", "new_password1": new + "x", "new_password2": new + "x"},
    )
    assert refused.status_code == 200
    assert "Sandi lama Anda yang dimasukkan salah" in refused.content.decode()


def test_user_without_role_sees_a_hint(client, db):
    user = UserFactory(username="baru")
    client.force_login(user)
    assert "belum diberi peran" in client.get("/").content.decode()


def test_scope_must_be_a_kecamatan(desa, kecamatan):
    from django.core.exceptions import ValidationError

    user = UserFactory(username="salah-cakupan")
    user.kecamatan = desa
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    assert "kecamatan" in error.value.message_dict
    user.kecamatan = kecamatan
    user.full_clean()


def test_anonymous_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next=/"


def test_role_choices_cover_every_group_name():
    assert set(Role.values) == {"petugas", "sekretariat", "pimpinan", "admin"}


def test_exporting_reports_leaves_an_audit_entry(client, sekretariat):
    from core.models import ActivityLog

    client.force_login(sekretariat)
    response = client.get("/laporan/ekspor.csv?q=tawuran&kind=kejadian")
    b"".join(response.streaming_content)
    entry = ActivityLog.objects.get()
    assert (entry.actor, entry.action) == (sekretariat, "incidents.export")
    assert entry.data == {"format": "csv", "filters": "q=tawuran&kind=kejadian", "ip": "127.0.0.1"}


def test_exporting_contacts_in_the_admin_leaves_an_audit_entry(client, admin_user, kecamatan):
    from core.models import ActivityLog
    from directory.models import Contact

    Contact.objects.create(name="Tokoh Audit", kind="agama", region=kecamatan)
    client.force_login(admin_user)
    fields = {"contactresource_name": "on", "contactresource_phone": "on"}
    response = client.post(
        "/admin/directory/contact/export/", {"format": "1", "resource": "0", **fields}
    )
    assert response.status_code == 200
    entry = ActivityLog.objects.get()
    assert (entry.action, entry.data["count"]) == ("directory.contact.export", 1)
    # Administrators read the trail but cannot change it.
    assert client.get("/admin/core/activitylog/").status_code == 200
    assert client.get("/admin/core/activitylog/add/").status_code == 403


def test_password_change_sent_twice_with_the_old_session_keeps_the_tab_signed_in(
    client, sekretariat, settings
):
    # Both taps left with the tab's session cookie. The first changed the password and moved
    # the session to a new key; the second, arriving with the old key, found no session, was
    # sent to the login page and its answer deleted the cookie: the tab signed out right after
    # a successful change.
    client.force_login(sekretariat)
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    other_form = form_as_sent(client.get("/akun/kata-sandi/"), "password-change")
    new = "Sandi-Baru-Yang-Panjang-2026"
    data = {
        **form_as_sent(client.get("/akun/kata-sandi/"), "password-change"),
        "old_password": DEFAULT_PASSWORD,
        "new_password1": new,
        "new_password2": new,
    }
    assert client.post("/akun/kata-sandi/", data)["Location"] == "/akun/kata-sandi/selesai/"
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key

    second = Client()
    second.cookies[settings.SESSION_COOKIE_NAME] = old_key
    answer = second.post("/akun/kata-sandi/", data)

    assert answer.status_code == 302 and answer["Location"] == "/akun/kata-sandi/selesai/"
    # The answer leaves the browser's cookie alone: the first tap's new session stays.
    assert settings.SESSION_COOKIE_NAME not in answer.cookies
    client.cookies.update(answer.cookies)  # the message, for the page that follows
    done = client.get("/akun/kata-sandi/selesai/")
    assert done.status_code == 200
    assert "Kata sandi Anda sudah diubah oleh kiriman sebelumnya." in done.content.decode()
    # A browser that never received the first answer is asked to sign in, and told why.
    second.cookies.update(answer.cookies)
    login = second.get("/akun/kata-sandi/selesai/", follow=True)
    assert login.redirect_chain[-1][0].startswith("/akun/masuk/")
    assert "Kata sandi Anda sudah diubah oleh kiriman sebelumnya." in login.content.decode()
    # The old key opens nothing.
    assert not login.context["user"].is_authenticated
    # Another form (a second tab, another new password) is not told its change was made.
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = old_key
    another = {"new_password1": "Lain-2026x", "new_password2": "Lain-2026x"}
    another["submission_token"] = other_form["submission_token"]
    elsewhere = other.post("/akun/kata-sandi/", {**data, **another})
    assert elsewhere["Location"] == "/akun/masuk/?next=/akun/kata-sandi/"


@pytest.mark.django_db(transaction=True)
def test_password_change_sent_four_times_at_once_changes_it_without_a_server_error(
    sekretariat, settings
):
    signed_in = Client()
    signed_in.force_login(sekretariat)
    cookie = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    clients = [Client(raise_request_exception=False) for _ in range(4)]
    for tap in clients:
        tap.cookies[settings.SESSION_COOKIE_NAME] = cookie
    new = "Sandi-Baru-Yang-Panjang-2026"
    data = {
        **form_as_sent(signed_in.get("/akun/kata-sandi/"), "password-change"),
        "old_password": DEFAULT_PASSWORD,
        "new_password1": new,
        "new_password2": new,
    }

    answers, errors = run_in_threads(4, lambda i: clients[i].post("/akun/kata-sandi/", data))

    assert [a.status_code for a in answers] == [302] * 4
    # The note under the old key was written twice at once: a 500 (duplicate key). A tap whose
    # sign-in was checked after another changed the password still lands on the login page;
    # with real password hashing (a second each) taps sent together are all checked before.
    assert errors == []
    assert {(a.status_code, a["Location"]) for a in answers} <= {
        (302, "/akun/kata-sandi/selesai/"),
        (302, "/akun/masuk/?next=/akun/kata-sandi/"),
    }
    assert any(a["Location"] == "/akun/kata-sandi/selesai/" for a in answers)
    sekretariat.refresh_from_db()
    assert sekretariat.check_password(new)


def test_a_deactivated_account_is_told_so_and_not_locked_out(client, petugas, settings):
    # Told "Nama pengguna atau sandi salah" for the right password, the person tried again and
    # again, and the tries locked the account.
    User.objects.filter(pk=petugas.pk).update(is_active=False)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(LOGIN_URL, {"username": "petugas", "password": DEFAULT_PASSWORD})
        assert response.status_code == 200
        assert "Akun ini tidak aktif. Hubungi administrator portal." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still signed out

    wrong = client.post(LOGIN_URL, {"username": "petugas", "password": "salah"})
    assert "Nama pengguna atau sandi salah" in wrong.content.decode()
    assert "tidak aktif" not in wrong.content.decode()  # nothing told without the password


def test_a_session_ends_when_its_account_is_deactivated(client, petugas):
    client.force_login(petugas)
    assert client.get("/").status_code == 200
    User.objects.filter(pk=petugas.pk).update(is_active=False)
    assert client.get("/").status_code == 302
