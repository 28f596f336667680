from django.urls import path

from sokoni.web.views import catalog, easy, home, pwa, search, villages

app_name = "web"
urlpatterns = [
    path("", home.home, name="home"),
    path("villages/", villages.village_list, name="village_list"),
    path("villages/<slug:slug>/", villages.village_detail, name="village_detail"),
    path("categories/<slug:slug>/", catalog.category_detail, name="category_detail"),
    path("shops/<slug:slug>/", catalog.shop_detail, name="shop_detail"),
    path("products/<int:pk>/", catalog.product_detail, name="product_detail_short"),
    path("products/<int:pk>/<slug:slug>/", catalog.product_detail, name="product_detail"),
    path("search/", search.search, name="search"),
    path("easy-mode/", easy.easy_mode, name="easy_mode"),
    path("offline/", pwa.offline, name="offline"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
]
