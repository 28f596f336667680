from django.contrib import admin

from sokoni.core.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from sokoni.trust.models import (
    ExtortionReport,
    MessageReport,
    Review,
    ReviewReply,
    ReviewRevision,
    Thread,
)


class RevisionInline(ReadOnlyInline):
    model = ReviewRevision
    fields = ("rating", "text", "written_at", "replaced_at")


class ReplyInline(ReadOnlyInline):
    model = ReviewReply
    fields = ("author", "text", "created_at")


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("pk", "shop", "product", "author", "rating", "status", "created_at")
    list_filter = ("status", "rating")
    search_fields = ("shop__name", "product__name", "author__phone", "text")
    list_select_related = ("shop", "product", "author")
    inlines = (RevisionInline, ReplyInline)


@admin.register(ExtortionReport)
class ExtortionReportAdmin(ReadOnlyAdmin):
    list_display = ("pk", "shop", "buyer", "status", "reported_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("shop__name", "buyer__phone", "details")
    list_select_related = ("shop", "buyer")


@admin.register(Thread)
class ThreadAdmin(ReadOnlyAdmin):
    """Who talks to whom about what; never the messages (staff read a thread only through the
    logged staff page, and only when it is reported or disputed)."""

    list_display = ("pk", "shop", "buyer", "product", "order", "created_at", "last_message_at")
    search_fields = ("shop__name", "buyer__phone")
    list_select_related = ("shop", "buyer", "product", "order")
    fields = list_display


@admin.register(MessageReport)
class MessageReportAdmin(ReadOnlyAdmin):
    list_display = ("pk", "message", "reporter", "reason", "status", "reported_at", "decided_at")
    list_filter = ("status", "reason")
    list_select_related = ("message", "reporter")
