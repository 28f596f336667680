from django.urls import path

from sokoni.villages import views

# Mounted at /villages/ before the public pages (web:village_list, web:village_detail), so the
# fixed words here are reserved village slugs (services.RESERVED_SLUGS).
app_name = "villages"
urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("mine/", views.mine, name="mine"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/photos/", views.photo_add, name="photo_add"),
    path("<slug:slug>/photos/<int:pk>/remove/", views.photo_remove, name="photo_remove"),
    path("<slug:slug>/centres/", views.centres, name="centres"),
    path("<slug:slug>/centres/<int:pk>/", views.centre_edit, name="centre_edit"),
    path("<slug:slug>/centres/<int:pk>/close/", views.centre_close, name="centre_close"),
]
