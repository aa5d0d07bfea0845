"""Who may do what with the directory beyond the admin's model permissions."""

import rules

from core.rules import holds_role, is_regency_wide

# The directory sits below accounts (where the roles are named as predicates), so the
# administrator role is named here by its Group name.
is_admin = rules.is_superuser | holds_role("admin")

# Contacts are personal data (UU 27/2022): only administrators export them, and every export is
# logged (ContactAdmin).
rules.add_perm("directory.export_contact", is_admin)
# Importing a spreadsheet creates and overwrites rows in bulk (contacts are personal data): only
# administrators, whatever model permissions a Group gives for editing one row at a time.
rules.add_perm("directory.import_agency", is_admin)
rules.add_perm("directory.import_contact", is_admin)
# Regions are the regency's: the outline decides which coordinates every officer's report may
# have, and a contact or report belongs to a kecamatan by its region. Only an administrator for
# the whole regency adds, changes or deletes them and uploads outlines; a kecamatan-scoped one
# reads them.
rules.add_perm("directory.manage_regions", is_admin & is_regency_wide)
# The data-subject report of a contact (what is stored, every access) and anonymising one.
rules.add_perm("directory.manage_contact_personal_data", is_admin)
