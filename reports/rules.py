"""Who may do what with official documents (django-rules). Views, templates and services ask
`user.has_perm("reports.<action>")`; the roles are named in `accounts.rules`.

The documents speak for the whole regency (every kecamatan's notable cases, restricted ones
included): an account scoped to one kecamatan reads that kecamatan's reports only, so none of
these is granted to it, whatever its role."""

import rules

from accounts.rules import is_leader, is_regency_wide, is_secretariat

builds = is_secretariat & is_regency_wide
reads = (is_secretariat | is_leader) & is_regency_wide

# The secretariat builds the documents: previews, drafts, the annual narrative, issuing.
rules.add_perm("reports.preview_report", builds)
rules.add_perm("reports.write_narrative", builds)
rules.add_perm("reports.issue_report", builds)
# Issued reports are read by the secretariat and the leadership.
rules.add_perm("reports.download_issued", reads)
# The archive page itself: whoever may preview or download.
rules.add_perm("reports.view_reports", reads)
