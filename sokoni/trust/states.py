"""Where a review stands."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    # Under an open or upheld extortion report against the seller: not shown, not counted.
    HELD = "held", _("Held for staff")
    REMOVED = "removed", _("Removed")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld: extortion")
    DISMISSED = "dismissed", _("Dismissed")


class MessageReportReason(models.TextChoices):
    EXTORTION = "extortion", _("Asks for money or goods for a rating")
    ABUSE = "abuse", _("Abusive")
    SPAM = "spam", _("Spam")
    OTHER = "other", _("Something else")


class MessageReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class AccessReason(models.TextChoices):
    """Why staff could open a private thread."""

    REPORTED = "reported", _("A message was reported")
    DISPUTE = "dispute", _("The order is under dispute")
