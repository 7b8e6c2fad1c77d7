import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# How long a finished export can be downloaded before the link stops working.
EXPORT_LIFETIME = timedelta(days=7)


def _export_expiry():
    return timezone.now() + EXPORT_LIFETIME


class ExportStatus(models.TextChoices):
    PENDING = "pending", "Being prepared"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Failed"


class DataExport(models.Model):
    """A member's copy of their own data, built in the background; only they may download it.

    The id is random so that a link cannot be guessed, though the view checks the owner anyway.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_export_expiry)
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    content = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"Data export {self.pk} ({self.status})"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_ready(self) -> bool:
        return self.status == ExportStatus.READY and not self.is_expired
