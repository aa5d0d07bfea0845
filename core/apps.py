from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the portal's site (core.sites.PortalAdminSite) as admin.site;
    named in INSTALLED_APPS, never the default configuration of the core app."""

    default = False
    default_site = "core.sites.PortalAdminSite"


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Portal Tim Terpadu PKS")

    def ready(self):
        from core.log import register_data
        from core.models import EvidenceFile
        from core.services import evidence_file_delete

        for model in apps.get_models():
            if issubclass(model, EvidenceFile):
                post_delete.connect(
                    evidence_file_delete, sender=model, dispatch_uid=f"evidence_delete_{model}"
                )
        register_data(
            {
                "format": _("format"),
                "filters": _("saringan"),
                "count": _("jumlah"),
                "note": _("catatan"),
                "reason": _("alasan"),
                "changes": _("perubahan"),
                "decree": _("dasar penetapan (SK)"),
                "decree_date": _("tanggal SK"),
                "ip": _("alamat IP"),
            }
        )
