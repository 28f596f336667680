from django.urls import path

from sokoni.logistics import run_views

app_name = "runs"
urlpatterns = [
    path("", run_views.run_list, name="list"),
    path("<int:pk>/", run_views.run_detail, name="detail"),
    path("<int:pk>/manifest/", run_views.run_manifest, name="manifest"),
    path("hub/<slug:hub_code>/<str:day>/", run_views.run_hub_day, name="hub_day"),
]
