"""Notifications: who gets them, what they never say, and never twice for the same event."""

from datetime import date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command

from accounts.choices import Role
from action_plans import services as plan_services
from action_plans.models import Activity, Realisation
from dashboard.models import Notification, NotificationKind, NotificationPreference
from incidents import services as incident_services
from incidents.models import Incident, Party
from tests.dashboard.conftest import WIB
from tests.factories import AgencyFactory, RegionFactory, UserFactory


def new_report(by, kecamatan, **fields):
    data = {
        "kind": "potensi",
        "title": "Ketegangan jelang Pilkades Ceweng",
        "chronology": "Dua kubu pendukung calon saling mengancam.",
        "occurred_at": datetime(2026, 6, 14, 20, 0, tzinfo=WIB),
        "information_source": "babinsa",
        "kecamatan": kecamatan,
        "conflict_source": "poleksosbud",
        "aspect": "politik",
        "form": "intimidasi",
        "likelihood": 4,
        "impact": 3,
        **fields,
    }
    return incident_services.incident_create(
        incident=Incident(**data),
        parties=[Party(name="Pendukung calon A", party_type="warga")],
        by=by,
        submit=True,
    )


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_high_risk_potential_goes_to_the_secretariat_only(
    petugas_unscoped,
    sekretariat,
    sekretariat2,
    pimpinan,
    kecamatan,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        report = new_report(petugas_unscoped, kecamatan)
    assert kinds(sekretariat) == kinds(sekretariat2) == [NotificationKind.HIGH_RISK]
    assert kinds(pimpinan) == kinds(petugas_unscoped) == []
    note = Notification.objects.get(recipient=sekretariat)
    assert report.reference in note.message and "sangat tinggi" in note.message
    assert note.url == f"/laporan/{report.pk}/"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([sekretariat.email, sekretariat2.email])
    assert report.title in mail.outbox[0].body


def test_a_high_risk_alert_goes_only_to_those_who_may_see_the_report(
    petugas_unscoped, sekretariat, sekretariat2, kecamatan, other_kecamatan
):
    sekretariat2.kecamatan = other_kecamatan  # a secretariat account scoped to one kecamatan
    sekretariat2.save()
    new_report(petugas_unscoped, kecamatan)
    assert kinds(sekretariat) == [NotificationKind.HIGH_RISK]
    assert kinds(sekretariat2) == []


class MailServerDown(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


def test_a_mail_server_that_is_down_neither_fails_the_action_nor_loses_the_email(
    client, petugas_unscoped, sekretariat, kecamatan, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.MailServerDown"
    with django_capture_on_commit_callbacks(execute=True):
        report = new_report(petugas_unscoped, kecamatan)
    note = Notification.objects.get(recipient=sekretariat)
    assert note.emailed_at is None  # the bell rings; the email is still owed
    # The secretariat's answer to it is not a server error either.
    client.force_login(sekretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/laporan/{report.pk}/status/", {"action": "verify", "version": report.version}
        )
    assert response.status_code == 302
    # Back up: the daily run sends what was owed.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [sekretariat.email, petugas_unscoped.email]
    )
    assert not Notification.objects.filter(emailed_at=None).exists()


def test_an_owed_email_is_not_sent_to_an_account_deactivated_since(
    petugas_unscoped, sekretariat, kecamatan, settings, django_capture_on_commit_callbacks
):
    # The mail server was down; the next day the officer left and the account was closed.
    settings.EMAIL_BACKEND = f"{__name__}.MailServerDown"
    with django_capture_on_commit_callbacks(execute=True):
        new_report(petugas_unscoped, kecamatan)
    sekretariat.is_active = False
    sekretariat.save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sekretariat.email not in [m.to[0] for m in mail.outbox]


def test_low_risk_and_events_raise_no_alert(petugas_unscoped, sekretariat, kecamatan):
    new_report(petugas_unscoped, kecamatan, likelihood=1, impact=2)
    new_report(petugas_unscoped, kecamatan, kind="kejadian", likelihood=None, impact=None)
    assert kinds(sekretariat) == []


def test_restricted_report_is_named_only_by_its_reference(
    petugas_unscoped, sekretariat, kecamatan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = new_report(petugas_unscoped, kecamatan, confidentiality="terbatas")
    note = Notification.objects.get(recipient=sekretariat)
    assert report.reference in note.message
    for secret in (report.title, "Pilkades", kecamatan.name):
        assert secret not in note.message
        assert secret not in mail.outbox[0].body
        assert secret not in mail.outbox[0].subject


def test_author_hears_of_verification_and_rejection_without_the_reason(
    petugas_unscoped, sekretariat, kecamatan, django_capture_on_commit_callbacks
):
    report = new_report(petugas_unscoped, kecamatan, likelihood=1, impact=1)
    with django_capture_on_commit_callbacks(execute=True):
        incident_services.incident_transition(
            incident=report, by=sekretariat, action="reject", note="Identitas saksi bocor"
        )
    assert kinds(petugas_unscoped) == [NotificationKind.REJECTED]
    assert "Identitas saksi" not in mail.outbox[-1].body
    report = incident_services.incident_transition(
        incident=report, by=petugas_unscoped, action="submit"
    )
    incident_services.incident_transition(incident=report, by=sekretariat, action="verify")
    assert kinds(petugas_unscoped) == [NotificationKind.REJECTED, NotificationKind.VERIFIED]


def test_resubmitting_a_high_risk_report_does_not_alert_twice(
    petugas_unscoped, sekretariat, kecamatan
):
    report = new_report(petugas_unscoped, kecamatan)
    report = incident_services.incident_transition(
        incident=report, by=sekretariat, action="reject", note="Lengkapi pihak"
    )
    incident_services.incident_transition(incident=report, by=petugas_unscoped, action="submit")
    assert kinds(sekretariat) == [NotificationKind.HIGH_RISK]


def test_a_quick_report_completed_as_high_risk_alerts_the_secretariat_once(
    petugas_unscoped, sekretariat, kecamatan, django_capture_on_commit_callbacks
):
    desa = RegionFactory(code=f"{kecamatan.code}.2001", level="desa", parent=kecamatan)
    quick = incident_services.incident_quick_report(
        incident=Incident(
            kind="potensi",
            title="Ketegangan jelang Pilkades",
            chronology="Dua kubu saling mengancam.",
            information_source="babinsa",
            desa=desa,
        ),
        by=petugas_unscoped,
    )
    assert kinds(sekretariat) == []  # no risk assessed yet

    def complete(likelihood, impact):
        report = Incident.objects.get(pk=quick.pk)
        report.conflict_source, report.aspect, report.form = "poleksosbud", "politik", "intimidasi"
        report.likelihood, report.impact = likelihood, impact
        with django_capture_on_commit_callbacks(execute=True):
            incident_services.incident_update(
                incident=report,
                expected_version=report.version,
                by=petugas_unscoped,
                parties=[Party(name="Pendukung calon A", party_type="warga")],
            )

    complete(4, 4)
    note = Notification.objects.get(recipient=sekretariat)
    assert note.kind == NotificationKind.HIGH_RISK
    assert "dinilai berisiko sangat tinggi" in note.message and quick.reference in note.message
    assert note.url == f"/laporan/{quick.pk}/"
    assert [m.to for m in mail.outbox] == [[sekretariat.email]]
    # Saved again, lowered and raised again: still the one alert.
    complete(4, 4)
    complete(1, 1)
    complete(4, 3)
    assert kinds(sekretariat) == [NotificationKind.HIGH_RISK]


def test_email_can_be_turned_off_but_the_bell_still_rings(
    client, petugas_unscoped, sekretariat, kecamatan, django_capture_on_commit_callbacks
):
    client.force_login(sekretariat)
    client.post("/notifikasi/", {"email": "off"})
    assert NotificationPreference.objects.get(user=sekretariat).email is False
    with django_capture_on_commit_callbacks(execute=True):
        new_report(petugas_unscoped, kecamatan)
    assert kinds(sekretariat) == [NotificationKind.HIGH_RISK]
    assert mail.outbox == []
    assert "1 notifikasi belum dibaca" in client.get("/notifikasi/jumlah/").content.decode()
    note = Notification.objects.get(recipient=sekretariat)
    # Unread is said in words, not only by the row's colour.
    assert 'data-testid="unread">Baru<' in client.get("/notifikasi/").content.decode()
    response = client.post("/notifikasi/", {"notification": note.pk})
    assert response.url == note.url
    assert 'data-testid="unread"' not in client.get("/notifikasi/").content.decode()
    assert client.get("/notifikasi/jumlah/").content.decode().strip() == ""


def test_nobody_reads_or_marks_anothers_notifications(
    client, petugas_unscoped, sekretariat, sekretariat2, kecamatan
):
    new_report(petugas_unscoped, kecamatan)
    theirs = Notification.objects.get(recipient=sekretariat2)
    client.force_login(sekretariat)
    assert theirs.message not in client.get("/notifikasi/").content.decode().replace(
        Notification.objects.get(recipient=sekretariat).message, ""
    )
    client.post("/notifikasi/", {"notification": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.fixture
def plan_2026(roles, sekretariat):
    dinsos = AgencyFactory(name="Dinas Sosial")
    polres = AgencyFactory(name="Polres Jombang")
    operator = UserFactory(username="operator", agency=dinsos, roles=[Role.PETUGAS])
    police = UserFactory(username="operator-polres", agency=polres, roles=[Role.PETUGAS])
    plan = plan_services.plan_create(year=2026, scheme="caturwulan", by=sekretariat)
    periods = {p.code: p for p in plan.periods.all()}
    activity = plan_services.activity_save(
        activity=Activity(
            plan=plan,
            code="1.1",
            stage="pencegahan",
            title="Rapat FKUB",
            responsible_agency=dinsos,
            indicator="Rapat",
            unit="kali",
            # In the plan from the start of the year: it owes the B08 report the test travels
            # back to (one added after the due date owes none).
            created_at=datetime(2026, 1, 2, tzinfo=WIB),
        ),
        targets={periods["B08"]: 1, periods["B12"]: 1},
        supporting=(),
        by=sekretariat,
    )
    plan_services.plan_establish(
        plan=plan, by=sekretariat, decree_reference="SK 1", decree_date=date(plan.year, 1, 2)
    )
    activity = Activity.objects.select_related("plan").get(pk=activity.pk)
    return {"operator": operator, "police": police, "activity": activity, "periods": periods}


def run_on(day, times=1):
    with time_machine.travel(datetime(2026, 9, day, 7, 0, tzinfo=WIB), tick=False):
        for _run in range(times):
            call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_reminders_at_seven_and_three_days_and_when_overdue_each_once(
    plan_2026, sekretariat, pimpinan
):
    operator, police = plan_2026["operator"], plan_2026["police"]
    # B08 (May to August) is due on 10 September.
    run_on(5, times=2)
    assert kinds(operator) == [NotificationKind.REALISATION_DUE]
    assert kinds(sekretariat) == [NotificationKind.READINESS]
    assert kinds(police) == kinds(pimpinan) == []
    assert len(mail.outbox) == 2
    run_on(8, times=2)
    run_on(12, times=2)
    messages = list(
        Notification.objects.filter(recipient=operator)
        .order_by("created_at", "pk")
        .values_list("message", flat=True)
    )
    assert len(messages) == 3
    assert "batasnya 10 September 2026" in messages[0]
    assert "melewati batas 10 September 2026" in messages[2]
    assert len(mail.outbox) == 6  # operator and secretariat, three stages, no repeats


def test_a_secretariat_member_is_reminded_of_their_own_agency_s_activity(
    plan_2026, sekretariat, agency
):
    # The secretariat's agency (Bakesbangpol) is responsible for an activity of its own.
    Activity.objects.filter(pk=plan_2026["activity"].pk).update(responsible_agency=agency)
    run_on(5)
    assert kinds(sekretariat) == [NotificationKind.READINESS, NotificationKind.REALISATION_DUE]
    assert kinds(plan_2026["operator"]) == []


def test_the_last_period_due_in_january_is_reminded_and_shown_as_due(
    client, plan_2026, sekretariat
):
    # B12 (September to December 2026) is due on 10 January 2027, in the next year.
    operator = plan_2026["operator"]
    for day in (5, 12):
        with time_machine.travel(datetime(2027, 1, day, 7, 0, tzinfo=WIB), tick=False):
            call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    messages = list(
        Notification.objects.filter(recipient=operator)
        .order_by("created_at", "pk")
        .values_list("message", flat=True)
    )
    assert len(messages) == 2
    assert "periode B12 2026 belum dilaporkan; batasnya 10 Januari 2027" in messages[0]
    assert "melewati batas 10 Januari 2027" in messages[1]
    assert kinds(sekretariat) == [NotificationKind.READINESS] * 2
    # The dashboards name it as the period due until then.
    with time_machine.travel(datetime(2027, 1, 5, 7, 0, tzinfo=WIB), tick=False):
        for user, texts in [
            (
                operator,
                [
                    "Periode B12 2026: laporan realisasi paling lambat 10 Januari 2027",
                    "Rapat FKUB",  # the activity still to report
                ],
            ),
            (sekretariat, ["Periode B12 2026: realisasi paling lambat 10 Januari 2027"]),
        ]:
            client.force_login(user)
            page = " ".join(client.get("/").content.decode().split())
            assert all(text in page for text in texts), texts


def test_reported_activities_need_no_reminder(plan_2026, sekretariat):
    operator, activity = plan_2026["operator"], plan_2026["activity"]
    with time_machine.travel(datetime(2026, 9, 1, 7, 0, tzinfo=WIB), tick=False):
        plan_services.realisation_save(
            realisation=Realisation(
                activity=activity,
                period=plan_2026["periods"]["B08"],
                achieved_value=1,
                narrative="Rapat terlaksana",
            ),
            by=operator,
            submit=True,
        )
    run_on(5)
    assert kinds(operator) == []
    # Submitted without evidence: still a readiness gap for the secretariat.
    message = Notification.objects.get(recipient=sekretariat).message
    assert "1 realisasi tanpa data dukung" in message


def test_returned_realisation_tells_who_submitted_it(
    plan_2026, sekretariat, django_capture_on_commit_callbacks
):
    operator, activity = plan_2026["operator"], plan_2026["activity"]
    with time_machine.travel(datetime(2026, 9, 1, 7, 0, tzinfo=WIB), tick=False):
        realisation = plan_services.realisation_save(
            realisation=Realisation(
                activity=activity,
                period=plan_2026["periods"]["B08"],
                achieved_value=1,
                narrative="Rapat terlaksana",
            ),
            by=operator,
            submit=True,
        )
        with django_capture_on_commit_callbacks(execute=True):
            plan_services.realisation_return(
                realisation=realisation, by=sekretariat, note="Lampirkan daftar hadir"
            )
    assert kinds(operator) == [NotificationKind.REALISATION_RETURNED]
    assert mail.outbox[0].to == [operator.email]


def test_a_name_redacted_from_a_report_goes_from_its_notifications_too(
    petugas_unscoped, sekretariat, admin_user, kecamatan
):
    """The author's "diverifikasi" note and the secretariat's high-risk alert carry the title;
    a name redacted from the report's text (a data subject's request) goes from them too, and
    the rest of each message stays."""
    report = new_report(petugas_unscoped, kecamatan, title="Ancaman oleh Pak Sukarmin")
    incident_services.incident_transition(incident=report, by=sekretariat, action="verify")
    other = new_report(petugas_unscoped, kecamatan, title="Sukarmin di balai desa")
    before = dict(Notification.objects.values_list("pk", "message"))
    assert sum("Sukarmin" in message for message in before.values()) == 3

    incident_services.party_text_redact(name="Sukarmin", incidents=[report], by=admin_user, ip=None)

    after = dict(Notification.objects.values_list("pk", "message"))
    changed = {pk for pk in before if before[pk] != after[pk]}
    assert len(changed) == 2
    for pk in changed:
        assert after[pk] == before[pk].replace("Sukarmin", "[nama disamarkan]")
    # Another report's notification, not redacted, is left alone.
    assert all(f"{other.reference} — Sukarmin" in after[pk] for pk in set(before) - changed)
