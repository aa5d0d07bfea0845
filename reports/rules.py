"""Who may do what with official documents (django-rules). Views, templates and services ask
`user.has_perm("reports.<action>")`; the roles are named in `accounts.rules`."""

import rules

from accounts.rules import is_leader, is_secretariat

# The secretariat builds the documents: previews, drafts, the annual narrative, issuing.
rules.add_perm("reports.preview_report", is_secretariat)
rules.add_perm("reports.write_narrative", is_secretariat)
rules.add_perm("reports.issue_report", is_secretariat)
# Issued reports are read by the secretariat and the leadership.
rules.add_perm("reports.download_issued", is_secretariat | is_leader)
# The archive page itself: whoever may preview or download.
rules.add_perm("reports.view_reports", is_secretariat | is_leader)
