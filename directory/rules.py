"""Who may do what with the directory beyond the admin's model permissions."""

import rules

from core.rules import holds_role

# The directory sits below accounts (where the roles are named as predicates), so the
# administrator role is named here by its Group name.
is_admin = rules.is_superuser | holds_role("admin")

# Contacts are personal data (UU 27/2022): only administrators export them, and every export is
# logged (ContactAdmin).
rules.add_perm("directory.export_contact", is_admin)
