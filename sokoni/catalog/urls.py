from django.urls import path

from sokoni.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.seller_home, name="seller_home"),
    path("shops/new/", views.shop_new, name="shop_new"),
    path("shops/<slug:slug>/", views.shop_manage, name="shop_manage"),
    path("shops/<slug:slug>/edit/", views.shop_edit, name="shop_edit"),
    path("shops/<slug:slug>/products/new/", views.product_new, name="product_new"),
    path("products/<int:pk>/", views.product_edit, name="product_edit"),
    path("products/<int:pk>/publish/", views.product_publish, name="product_publish"),
    path("products/<int:pk>/unpublish/", views.product_unpublish, name="product_unpublish"),
    path(
        "products/<int:pk>/photos/<int:image_pk>/delete/",
        views.photo_delete,
        name="photo_delete",
    ),
    path("products/<int:pk>/certifications/", views.certification_add, name="certification_add"),
]
