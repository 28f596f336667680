from django.urls import path

from sokoni.channels.sms import sms_inbound
from sokoni.channels.ussd.views import ussd_callback

app_name = "channels"
urlpatterns = [
    path("ussd/", ussd_callback, name="ussd"),
    path("sms/inbound/", sms_inbound, name="sms_inbound"),
]
