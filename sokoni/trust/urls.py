from django.urls import path

from sokoni.trust import views

app_name = "trust"
urlpatterns = [
    path("shop/<slug:slug>/", views.shop_reviews, name="shop_reviews"),
    path("line/<int:line_id>/", views.review_create_view, name="review_create"),
    path("<int:review_id>/edit/", views.review_edit_view, name="review_edit"),
    path("<int:review_id>/reply/", views.review_reply_view, name="review_reply"),
    path("messages/", views.inbox, name="inbox"),
    path("messages/<int:thread_id>/", views.thread_view, name="thread"),
    path(
        "messages/product/<int:product_id>/",
        views.thread_start_product,
        name="thread_start_product",
    ),
    path("messages/order/<int:order_id>/", views.thread_start_order, name="thread_start_order"),
    path(
        "messages/message/<int:message_id>/report/",
        views.message_report_view,
        name="message_report",
    ),
    path("messages/staff/<int:thread_id>/", views.staff_thread, name="staff_thread"),
]
