from django.urls import path

from sokoni.orders.views import buyer, cart, checkout, seller, staff

app_name = "orders"
urlpatterns = [
    path("cart/", cart.cart_page, name="cart"),
    path("cart/add/", cart.cart_add_view, name="cart_add"),
    path("cart/update/", cart.cart_update_view, name="cart_update"),
    path("cart/remove/", cart.cart_remove_view, name="cart_remove"),
    path("deliver-to/", cart.destination_set, name="destination_set"),
    path("checkout/", checkout.checkout_page, name="checkout"),
    path("checkout/<int:pk>/pay/", checkout.pay_page, name="checkout_pay"),
    path("checkout/<int:pk>/cancel/", checkout.checkout_cancel_view, name="checkout_cancel"),
    path("orders/", buyer.order_list, name="order_list"),
    path("orders/<int:pk>/", buyer.order_detail, name="order_detail"),
    path("orders/<int:pk>/cancel/", buyer.order_cancel_view, name="order_cancel"),
    path("orders/<int:pk>/confirm/", buyer.order_confirm_view, name="order_confirm"),
    path("orders/<int:pk>/extend/", buyer.order_extend_view, name="order_extend"),
    path("orders/<int:pk>/dispute/", buyer.order_dispute_view, name="order_dispute"),
    path(
        "orders/<int:pk>/dispute/statement/",
        buyer.order_statement_view,
        name="order_statement",
    ),
    # Under the seller area of sokoni/catalog/urls.py, which has no orders/ or wallet/ paths.
    path("seller/orders/", seller.seller_order_list, name="seller_orders"),
    path("seller/orders/<int:pk>/", seller.seller_order_detail, name="seller_order"),
    path("seller/orders/<int:pk>/ship/", seller.seller_ship_view, name="seller_ship"),
    path("seller/orders/<int:pk>/cancel/", seller.seller_cancel_view, name="seller_cancel"),
    path("seller/orders/<int:pk>/refund/", seller.seller_refund_view, name="seller_refund"),
    path(
        "seller/orders/<int:pk>/statement/",
        seller.seller_statement_view,
        name="seller_statement",
    ),
    path("seller/wallet/", seller.wallet_page, name="wallet"),
    path("staff/disputes/", staff.dispute_list, name="disputes"),
    path("staff/disputes/<int:pk>/", staff.dispute_detail, name="dispute_detail"),
    path(
        "staff/disputes/<int:pk>/statement/",
        staff.dispute_statement_view,
        name="dispute_statement",
    ),
    path("agent/cash/", staff.agent_cash, name="agent_cash"),
]
