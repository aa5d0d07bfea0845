"""Model pieces shared by the apps."""

import uuid
from contextlib import nullcontext
from pathlib import PurePath

import pgtrigger
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import NON_FIELD_ERRORS, FieldError, ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core import constraints
from core.log import action_label, data_lines, visibility_rules
from core.uploads import copy_of, sha256_of, validate_evidence_file


def evidence_path(instance, filename):
    # A random name: the original (which may hold personal data) is kept only in the database.
    suffix = PurePath(filename).suffix.lower()
    return f"evidence/{uuid.uuid4().hex}{suffix}"


class ConstraintFieldsMixin:
    """Shows a database constraint's message next to the field it is about.

    Django reports every violated check constraint as a form-wide error; a model lists in
    `CONSTRAINT_FIELDS` the `violation_error_code` of each constraint that concerns one field
    (a constraint on a field a form leaves out is not checked by that form at all)."""

    CONSTRAINT_FIELDS: dict[str, str] = {}

    def validate_constraints(self, exclude=None):
        errors = {}
        # Django asks the database about each check constraint in a query of its own, inside a
        # savepoint of its own when a transaction is open: three round trips per constraint,
        # three times per filed report. Python answers the simple ones (core.constraints), one
        # query the rest.
        checked = self._validate_checks_at_once(exclude, errors)
        self._checks_validated = checked
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        finally:
            del self._checks_validated
        if errors:
            remapped = {}
            for key, messages in errors.items():
                for message in messages:
                    target = key
                    if key == NON_FIELD_ERRORS:
                        target = self.CONSTRAINT_FIELDS.get(message.code, key)
                    remapped.setdefault(target, []).append(message)
            raise ValidationError(remapped) from None

    def get_constraints(self):
        constraints = super().get_constraints()
        if not getattr(self, "_checks_validated", False):
            return constraints
        return [
            (model, [c for c in group if not isinstance(c, models.CheckConstraint)])
            for model, group in constraints
        ]

    def _validate_checks_at_once(self, exclude, errors) -> bool:
        """Evaluates every check constraint of the model, as Django's CheckConstraint.validate()
        does one by one (a constraint on a field in `exclude` is skipped), adding the violated
        ones' messages to `errors`: in Python where core.constraints can, the others in one
        query over the instance's values. False when the database could not answer (Django
        then asks constraint by constraint)."""
        checks = [
            constraint
            for _model, group in super().get_constraints()
            for constraint in group
            if isinstance(constraint, models.CheckConstraint)
        ]
        if not checks:
            return True
        values = self._get_field_expression_map(meta=self._meta, exclude=exclude)
        refused = []
        in_database = []
        for constraint in checks:
            try:
                if constraints.holds(constraint.condition, values) is False:
                    refused.append(constraint)
            except constraints.UnknownField:
                continue  # about a field left out of this validation
            except constraints.NotInPython:
                in_database.append(constraint)
        if in_database:
            answered = self._ask_database(in_database, values)
            if answered is None:
                return False
            refused += answered
        for constraint in sorted(refused, key=checks.index):
            error = ValidationError(
                constraint.get_violation_error_message(), code=constraint.violation_error_code
            )
            error.update_error_dict(errors)
        return True

    def _ask_database(self, checks, values) -> list | None:
        """The constraints of `checks` the values break, asked in one query; None when the
        database could not answer."""
        using = router.db_for_write(type(self), instance=self)
        query = Query(None)
        for name, value in values.items():
            if not hasattr(value, "resolve_expression"):
                value = models.Value(value)
            query.add_annotation(value, name, select=False)
        asked = []
        for constraint in checks:
            holds = Coalesce(Q(constraint.condition), True, output_field=models.BooleanField())
            try:
                query.add_annotation(holds, f"_check_{len(asked)}")
            except FieldError:
                continue  # about a field left out of this validation
            asked.append(constraint)
        if not asked:
            return []
        savepoint = transaction.atomic(using=using) if connections[using].in_atomic_block else None
        try:
            with savepoint or nullcontext():
                answers = query.get_compiler(using=using).execute_sql(SINGLE)
        except DatabaseError:
            return None
        return [constraint for constraint, holds in zip(asked, answers, strict=True) if not holds]


class EvidenceFile(models.Model):
    """A supporting file: validated type and size, checksum, uploader. Stored outside the static
    tree and served only by views that first check the owning record is visible to the user."""

    file = models.FileField(_("berkas"), upload_to=evidence_path)
    original_name = models.CharField(_("nama berkas"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("ukuran"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def shows_inline(self) -> bool:
        # Photos open in the page; PDFs and office files are always downloaded (a PDF opened
        # inside the portal's origin would run the browser's PDF viewer with its scripts).
        return self.content_type in ("image/jpeg", "image/png")

    def store(self, upload, *, by):
        """Validate `upload` and fill this record from it (core.services.evidence_store saves
        the record and then the file)."""
        self.content_type = validate_evidence_file(upload)
        self.original_name = upload.name[:255]
        self.size = upload.size
        self.sha256 = sha256_of(upload)
        self.uploaded_by = by
        # Only the name is chosen here: core.services.evidence_store writes the bytes once the
        # transaction has committed, so a rolled-back save leaves no file behind.
        self.file.name = self.file.field.generate_filename(self, upload.name)
        # A private copy: the request closes (and deletes) its uploads when it ends, which may
        # come before the commit. If the save is rolled back the copy is simply dropped; on
        # disk it is an unlinked temporary file, so even a crash leaves nothing behind.
        self.pending_file = copy_of(upload)


class ActivityLogQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The entries the user may read: those about a model with a visibility rule
        (core.log.register_visibility) only when the user may see all of that model's rows."""
        hidden = [
            ContentType.objects.get_for_model(model)
            for model, reads_all in visibility_rules()
            if not reads_all(user)
        ]
        return self.exclude(content_type__in=hidden) if hidden else self

    def for_object(self, obj):
        return self.for_objects(type(obj), [obj.pk])

    def for_objects(self, model, pks):
        # Filtered by the content type's natural key (a join) rather than its cached id, so
        # the number of queries does not depend on what the cache holds.
        return self.filter(
            content_type__app_label=model._meta.app_label,
            content_type__model=model._meta.model_name,
            object_id__in=[str(pk) for pk in pks],
        )


@pgtrigger.register(
    # Append-only, enforced by the database whatever code, admin or SQL session tries (UU
    # 27/2022): no entry is deleted, and none is changed except its object name, which
    # anonymising a person replaces so the log stops naming them.
    pgtrigger.Protect(name="activity_log_no_delete", operation=pgtrigger.Delete),
    pgtrigger.Protect(
        name="activity_log_no_update",
        operation=pgtrigger.Update,
        condition=pgtrigger.AnyChange(exclude=["object_repr"]),
    ),
)
class ActivityLog(models.Model):
    """One log of business events across the portal: who did what (a dotted action code such as
    `incidents.export` or `action_plans.plan.establish`), to which record, with what data.

    Field-level history is kept separately by pghistory triggers; this log holds the events a
    person names ("verified", "exported", "established") and the reasons given. Entries are
    written by services only and never changed (UU 27/2022: know who took which data)."""

    at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("tindakan"), max_length=60, db_index=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("jenis data"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.CharField(_("id data"), max_length=40, blank=True)
    object_repr = models.CharField(_("data"), max_length=200, blank=True)
    data = models.JSONField(_("rincian"), default=dict, blank=True)

    objects = ActivityLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("catatan kegiatan")
        verbose_name_plural = _("catatan kegiatan")
        ordering = ["-at", "-pk"]
        indexes = [
            # The timeline of one record (detail pages, data-subject reports).
            models.Index(fields=["content_type", "object_id", "at"], name="core_log_object_idx"),
            # The pages that named a contact (`data @> {"contacts": [id]}`), for its
            # data-subject report: without it, a scan of the whole log.
            GinIndex(fields=["data"], opclasses=["jsonb_path_ops"], name="core_log_data_idx"),
        ]

    def __str__(self):
        # The admin's heading and breadcrumb of an entry: "29 November 2026, 14.03 · budi · …".
        at = date_format(timezone.localtime(self.at), "DATETIME_FORMAT")
        return f"{at} · {self.actor or '—'} · {self.action_label}"

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def details(self) -> list[tuple[str, str]]:
        """The data as a person reads it: (label, text) pairs."""
        return data_lines(self.data)

    @property
    def actor_name(self) -> str:
        if self.actor is None:
            return "—"
        return self.actor.get_full_name() or self.actor.username


class FormSubmission(models.Model):
    """The token of one rendered form, claimed by the request that acted on it. A second
    submission of the same form (a double tap on "Ajukan", a resend after a lost answer) finds
    the claim and is sent to what the first one created instead of creating it again."""

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    result_url = models.CharField(max_length=500, blank=True)
    # An admin form opened from a related field's "+" (a popup) answers with data that closes the
    # popup and picks the new row in the form below it: a second tap gets the same answer.
    popup_answer = models.TextField(blank=True)

    class Meta:
        verbose_name = _("pengiriman formulir")
        verbose_name_plural = _("pengiriman formulir")

    def __str__(self):
        return str(self.token)
