from django.utils.translation import gettext_lazy as _

from sokoni.core.errors import DomainError, InvalidInput, StaleState


class NotReviewable(DomainError):
    code = "trust.not_reviewable"
    default_message = _("Only the buyer of a completed order can review it, within 60 days.")


class AlreadyReviewed(StaleState):
    code = "trust.already_reviewed"
    default_message = _("You have already reviewed this. You can edit your review instead.")


class AlreadyReplied(StaleState):
    code = "trust.already_replied"
    default_message = _("The shop has already replied to this review.")


class ReviewInvalid(InvalidInput):
    code = "trust.review_invalid"
    default_message = _("Give a rating from 1 to 5 and a few words (up to 2,000 characters).")


class ReportInvalid(InvalidInput):
    code = "trust.report_invalid"
    default_message = _("Say what the buyer asked for (up to 2,000 characters).")


class ReportDecided(StaleState):
    code = "trust.report_decided"
    default_message = _("This report has already been decided.")


class AlreadyReported(StaleState):
    code = "trust.already_reported"
    default_message = _("You have already reported this buyer; staff are looking at it.")


class MessageInvalid(InvalidInput):
    code = "trust.message_invalid"
    default_message = _("Write a message (up to 2,000 characters) or add a photo.")


class AttachmentInvalid(InvalidInput):
    code = "trust.attachment_invalid"
    default_message = _("Add at most 3 photos, in JPEG, PNG, WebP or GIF format.")


class MessageFlood(DomainError):
    code = "trust.message_flood"
    default_message = _("You are sending too many messages. Wait a few minutes and try again.")


class ThreadNotAllowed(DomainError):
    code = "trust.thread_not_allowed"
    default_message = _("You cannot start a conversation about this.")


class MessageAlreadyReported(StaleState):
    code = "trust.message_already_reported"
    default_message = _("You have already reported this message. Sokoni staff will look at it.")
