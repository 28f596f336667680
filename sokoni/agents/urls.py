from django.urls import path

from sokoni.agents.views import cart, checkouts, home, money, parcels, villagers

# Mounted at /agent/ before the order pages, whose orders:agent_cash stays at /agent/cash/.
app_name = "agents"
urlpatterns = [
    path("", home.home, name="home"),
    path("villagers/", villagers.villager_find, name="villager_find"),
    path("villagers/new/", villagers.villager_register, name="villager_register"),
    path("villagers/attach/", villagers.villager_attach, name="villager_attach"),
    path(
        "villagers/attach/confirm/",
        villagers.villager_attach_confirm,
        name="villager_attach_confirm",
    ),
    path("villagers/<int:pk>/", villagers.villager_detail, name="villager_detail"),
    path("villagers/<int:pk>/reset-pin/", villagers.villager_pin_reset, name="villager_pin_reset"),
    path("villagers/<int:pk>/cart/", cart.cart_page, name="cart"),
    path("villagers/<int:pk>/cart/add/", cart.cart_add, name="cart_add"),
    path("villagers/<int:pk>/cart/update/", cart.cart_update, name="cart_update"),
    path("villagers/<int:pk>/cart/remove/", cart.cart_remove, name="cart_remove"),
    path("villagers/<int:pk>/checkout/", cart.checkout, name="checkout"),
    path("checkouts/<int:pk>/", checkouts.checkout_detail, name="checkout_detail"),
    path("checkouts/<int:pk>/pay/", checkouts.checkout_pay, name="checkout_pay"),
    path("checkouts/<int:pk>/cancel/", checkouts.checkout_cancel, name="checkout_cancel"),
    path("orders/", checkouts.orders_today, name="orders"),
    path("parcels/", parcels.parcels_waiting, name="parcels_waiting"),
    path("parcels/expected/", parcels.parcels_expected, name="parcels_expected"),
    path("parcels/<int:pk>/", parcels.parcel_detail, name="parcel_detail"),
    path("parcels/<int:pk>/check-in/", parcels.parcel_check_in, name="parcel_check_in"),
    path("parcels/<int:pk>/resend-code/", parcels.parcel_resend, name="parcel_resend"),
    path("float/", money.float_statement, name="float"),
    path("reconcile/", money.reconcile, name="reconcile"),
]
