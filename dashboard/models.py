"""Notifications: what a person must know or do, in the portal (the bell) and by email."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    HIGH_RISK = "risiko_tinggi", _("Potensi berisiko tinggi diajukan")
    VERIFIED = "diverifikasi", _("Laporan diverifikasi")
    REJECTED = "ditolak", _("Laporan ditolak")
    REALISATION_RETURNED = "realisasi_kembali", _("Realisasi dikembalikan")
    REALISATION_DUE = "realisasi_jatuh_tempo", _("Batas laporan realisasi")
    READINESS = "kesiapan", _("Kekurangan laporan periode")


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A notification is read only by its recipient."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one person. `key` names the event it reports, so the same event never
    notifies the same person twice (the daily command may run any number of times).

    The text never carries a restricted (`terbatas`) detail: it names at most a reference number
    and a status; the link leads to the page, which checks what the reader may see."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("jenis"), max_length=24, choices=NotificationKind.choices)
    key = models.CharField(max_length=120)
    message = models.CharField(_("pesan"), max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("dikirim lewat email"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_event")
        ]
        indexes = [
            # The bell's unread count and the newest-first list of one person.
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self):
        return self.message


class NotificationPreference(models.Model):
    """A person's choice about email; without a row, email is on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(
        _("kirim juga lewat email"),
        default=True,
        help_text=_("Notifikasi tetap tampil di portal walau email dimatikan."),
    )

    class Meta:
        verbose_name = _("pengaturan notifikasi")
        verbose_name_plural = _("pengaturan notifikasi")

    def __str__(self):
        return str(self.user)
