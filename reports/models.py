"""Report runs: a report asked for by a user and produced by a Celery worker."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def report_upload_to(instance, filename: str) -> str:
    return f"private/reports/{instance.pk}/{filename}"


class ReportRun(models.Model):
    class Kind(models.TextChoices):
        FUNDING = "funding", _("funding report")
        COUNTRY = "country", _("country report")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"
        PDF = "pdf", "PDF"

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices, default=Format.CSV)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    output = models.FileField(_("output file"), upload_to=report_upload_to, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_runs",
        verbose_name=_("requested by"),
    )
    funder = models.ForeignKey(
        "associations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_runs",
        verbose_name=_("for funder"),
        help_text=_("Set when a funder asks for a report on its own data."),
    )
    language = models.CharField(
        _("language"), max_length=8, default=settings.LANGUAGE_CODE, help_text=_("The language of the report.")
    )
    attempts = models.PositiveSmallIntegerField(
        _("attempts"), default=0, help_text=_("How many times the worker started it (retries after transient errors).")
    )
    restarts = models.PositiveSmallIntegerField(
        _("restarts"), default=0, help_text=_("How many times it was started again because its worker stopped.")
    )
    heartbeat_at = models.DateTimeField(
        _("last heartbeat"),
        null=True,
        blank=True,
        help_text=_("Refreshed every few seconds by the worker producing it; an old one means the worker stopped."),
    )
    enqueue_failed_at = models.DateTimeField(
        _("task queue unreachable at"),
        null=True,
        blank=True,
        help_text=_("Set when the task queue did not take the run; the sweep sends it again when the queue is back."),
    )
    scheduled_for = models.DateField(
        _("monthly report of"),
        null=True,
        blank=True,
        help_text=_("First day of the month, for the standard reports produced every month."),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="report_run_progress_range"),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]), name="report_run_status_valid"
            ),
            # The monthly beat makes each standard report once a month, however often it fires.
            models.UniqueConstraint(
                fields=["kind", "format", "scheduled_for"],
                condition=Q(scheduled_for__isnull=False),
                name="report_run_once_a_month",
            ),
        ]

    FINISHED = (Status.DONE, Status.FAILED)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def is_queued(self) -> bool:
        return self.status == self.Status.QUEUED

    @property
    def is_running(self) -> bool:
        return self.status == self.Status.RUNNING

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    def is_abandoned(self, *, now, lease) -> bool:
        """Running, but its worker has given no sign of life for longer than `lease` (killed,
        lost with its machine): nobody is producing it any more."""
        last_sign = self.heartbeat_at or self.started_at or self.created_at
        return self.status == self.Status.RUNNING and last_sign < now - lease

    @property
    def waits_for_the_task_queue(self) -> bool:
        """Queued, but the task queue did not take it: it starts when the queue is back."""
        return self.status == self.Status.QUEUED and self.enqueue_failed_at is not None

    def download_name(self) -> str:
        """E.g. funding-report-42.xlsx."""
        return f"{self.kind}-report-{self.pk}.{self.format}"


# --- Open data: the stored downloads ------------------------------------------------------------


class OpenDataFile(models.Model):
    """One open-data download as it is served: written by the worker when published data change
    (reports.opendata.services), read by the download views without touching the grants.

    The file and its gzip copy live in private storage under names that carry their hash, so a new
    version never overwrites the one being served: the row is switched to the new names in a
    transaction and the old files are deleted after commit.
    """

    class Kind(models.TextChoices):
        GIVING360 = "360giving", _("360Giving package (JSON)")
        IATI = "iati", _("IATI activity file (XML)")
        TRANSPARENCY = "transparency", _("transparency register (CSV)")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, unique=True)
    file = models.FileField(_("file"), max_length=200, blank=True)
    gzip_file = models.FileField(_("gzip copy"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    gzip_size = models.PositiveBigIntegerField(_("gzip size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    records = models.PositiveIntegerField(
        _("records"), default=0, help_text=_("Grants, activities or rows in the file.")
    )
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    changed_at = models.DateTimeField(
        _("content changed at"), null=True, blank=True, help_text=_("Last-Modified: when the bytes last changed.")
    )
    source_read_at = models.DateTimeField(
        _("data read at"),
        null=True,
        blank=True,
        help_text=_("When the generation of the stored file began: an older, slower run never replaces it."),
    )
    duration_ms = models.PositiveIntegerField(_("generation time (ms)"), default=0)

    class Meta:
        verbose_name = _("open-data file")
        verbose_name_plural = _("open-data files")
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["360giving", "iati", "transparency"]), name="open_data_file_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def etag(self) -> str:
        """Strong validator of the plain file: its hash, quoted."""
        return f'"{self.sha256}"'

    @property
    def gzip_etag(self) -> str:
        """The gzip copy is another representation, so another strong validator (RFC 9110 8.8.3)."""
        return f'"{self.sha256}-gzip"'

    def is_stored(self) -> bool:
        """Whether the file is there to serve (a row may exist before its first generation, and a
        media volume may have been emptied)."""
        return bool(self.file.name) and self.file.storage.exists(self.file.name)
