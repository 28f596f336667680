from django.urls import path

from sokoni.trust import message_views, views

app_name = "trust"
urlpatterns = [
    path("reviews/shop/<slug:slug>/", views.shop_reviews, name="shop_reviews"),
    path("reviews/line/<int:line_id>/", views.review_create_view, name="review_create"),
    path("reviews/<int:review_id>/edit/", views.review_edit_view, name="review_edit"),
    path("reviews/<int:review_id>/reply/", views.review_reply_view, name="review_reply"),
    path("reviews/<int:review_id>/report/", views.report_review_view, name="report_review"),
    path("reviews/order/<int:order_id>/report/", views.report_order_view, name="report_order"),
    path("reviews/reports/", views.reports_view, name="reports"),
    path("messages/", message_views.inbox, name="inbox"),
    path("messages/<int:thread_id>/", message_views.thread_view, name="thread"),
    path(
        "messages/product/<int:product_id>/",
        message_views.thread_start_product,
        name="thread_start_product",
    ),
    path(
        "messages/order/<int:order_id>/",
        message_views.thread_start_order,
        name="thread_start_order",
    ),
    path(
        "messages/message/<int:message_id>/report/",
        message_views.message_report_view,
        name="message_report",
    ),
    path("messages/staff/<int:thread_id>/", message_views.staff_thread, name="staff_thread"),
]
