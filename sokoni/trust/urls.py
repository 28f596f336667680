from django.urls import path

from sokoni.trust import views

app_name = "trust"
urlpatterns = [
    path("shop/<slug:slug>/", views.shop_reviews, name="shop_reviews"),
    path("line/<int:line_id>/", views.review_create_view, name="review_create"),
    path("<int:review_id>/edit/", views.review_edit_view, name="review_edit"),
    path("<int:review_id>/reply/", views.review_reply_view, name="review_reply"),
    path("<int:review_id>/report/", views.report_review_view, name="report_review"),
    path("order/<int:order_id>/report/", views.report_order_view, name="report_order"),
    path("reports/", views.reports_view, name="reports"),
]
