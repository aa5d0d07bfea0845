"""Which permissions each role holds. Data migrations of every app call `grant()` for the models
they add, so the Groups are created and kept by migrations, never by hand."""

from accounts.choices import Role

# (app_label, model) -> {role: actions}
DIRECTORY_PERMISSIONS = {
    ("directory", "region"): {
        Role.PETUGAS: ["view"],
        Role.SEKRETARIAT: ["view"],
        Role.PIMPINAN: ["view"],
        Role.ADMIN: ["view", "add", "change", "delete"],
    },
    ("directory", "agency"): {
        Role.PETUGAS: ["view"],
        Role.SEKRETARIAT: ["view"],
        Role.PIMPINAN: ["view"],
        Role.ADMIN: ["view", "add", "change", "delete"],
    },
    ("directory", "contact"): {
        Role.PETUGAS: ["view"],
        Role.SEKRETARIAT: ["view"],
        Role.PIMPINAN: ["view"],
        Role.ADMIN: ["view", "add", "change", "delete"],
    },
    ("directory", "teamdecree"): {
        Role.SEKRETARIAT: ["view"],
        Role.PIMPINAN: ["view"],
        Role.ADMIN: ["view", "add", "change", "delete"],
    },
    ("directory", "teammember"): {
        Role.SEKRETARIAT: ["view"],
        Role.PIMPINAN: ["view"],
        Role.ADMIN: ["view", "add", "change", "delete"],
    },
    ("accounts", "user"): {Role.ADMIN: ["view", "add", "change"]},
    ("auth", "group"): {Role.ADMIN: ["view"]},
}


def grant(apps, table, *, revoke=False):
    """Create the role Groups and add (or with revoke=True remove) the permissions in `table`.

    Runs inside data migrations with the historical `apps`; permissions of models created in the
    same migration run do not exist yet, so they are created here first.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
    for (app_label, model), by_role in table.items():
        for role, actions in by_role.items():
            perms = Permission.objects.filter(
                content_type__app_label=app_label,
                codename__in=[f"{action}_{model}" for action in actions],
            )
            if revoke:
                groups[role].permissions.remove(*perms)
            else:
                groups[role].permissions.add(*perms)


# The audit trail is read by administrators (who answer breach and access requests).
AUDIT_PERMISSIONS = {("core", "activitylog"): {Role.ADMIN: ["view"]}}

# Administrators upload the regency's logo used on official documents.
REPORTS_PERMISSIONS = {("reports", "letterhead"): {Role.ADMIN: ["view", "add", "change"]}}

# Every app's permission table, in migration order; extended as apps are added.
ALL_PERMISSIONS = [DIRECTORY_PERMISSIONS, AUDIT_PERMISSIONS, REPORTS_PERMISSIONS]


def sync_roles():
    """Re-create the role Groups with the live app registry, for a database whose tables were
    emptied after migrating (e.g. between transactional tests)."""
    from django.apps import apps

    for table in ALL_PERMISSIONS:
        grant(apps, table)
