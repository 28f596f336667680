from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "sokoni.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from sokoni.accounts.registry import on_login
        from sokoni.orders.services.cart import cart_merge_session
        from sokoni.orders.services.checkout import CHECKOUT_PURPOSE, checkout_apply_payment
        from sokoni.orders.services.escrow import order_ledger_problems
        from sokoni.payments.registry import on_ledger_check, on_payment_succeeded

        # A successful payment for a checkout moves its money into the orders' escrow.
        on_payment_succeeded(CHECKOUT_PURPOSE, checkout_apply_payment)
        # ledger_check also verifies that each order's escrow holds what its status says.
        on_ledger_check(order_ledger_problems)
        # The cart filled before logging in joins the account's cart.
        on_login(cart_merge_session)
