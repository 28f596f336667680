from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sokoni.accounts.models import User
from sokoni.core.admin_actions import run_each_with_reason
from sokoni.core.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from sokoni.trust.messages import message_report_decide
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
    """Reports of messages; staff open the thread on its logged page and close the report
    with a note (through ``message_report_decide``)."""

    list_display = (
        "pk",
        "thread_link",
        "reporter",
        "reason",
        "status",
        "reported_at",
        "decided_at",
    )
    list_filter = ("status", "reason")
    list_select_related = ("message", "reporter")
    actions = ("close",)

    @admin.display(description=gettext_lazy("thread (your access is logged)"))
    def thread_link(self, report: MessageReport) -> str:
        url = reverse("trust:staff_thread", args=[report.message.thread_id])
        return format_html('<a href="{}">{}</a>', url, report.message.thread_id)

    @admin.action(description=gettext_lazy("Close the selected reports (with a note)"))
    def close(self, request: HttpRequest, queryset: QuerySet[MessageReport]) -> HttpResponse | None:
        staff = request.user
        assert isinstance(staff, User)  # noqa: S101 - the admin site only admits staff users
        return run_each_with_reason(
            request,
            self,
            queryset,
            action="close",
            title=_("Close message reports"),
            submit=_("Close"),
            apply=lambda report, note: message_report_decide(
                staff=staff, report_id=report.pk, note=note
            ),
        )
