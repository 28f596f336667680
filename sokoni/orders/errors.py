"""Refusals of the orders app, each with a dotted code and a message for people."""

from django.utils.translation import gettext_lazy as _

from sokoni.core.errors import InvalidInput, NotFound, StaleState


class InvalidQuantity(InvalidInput):
    code = "orders.invalid_quantity"
    default_message = _("Enter a quantity from 1 to 999.")


class UnknownProduct(NotFound):
    code = "orders.unknown_product"
    default_message = _("This product is not for sale.")


class OwnProduct(InvalidInput):
    code = "orders.own_product"
    default_message = _("You cannot buy from your own shop.")


class NotEnoughStock(StaleState):
    code = "orders.not_enough_stock"
    default_message = _("Not enough in stock.")


class EmptyCart(InvalidInput):
    code = "orders.empty_cart"
    default_message = _("The cart is empty.")


class NothingToPay(InvalidInput):
    code = "orders.nothing_to_pay"
    default_message = _("These items cost nothing; there is nothing to pay.")


class AmountTooSmall(InvalidInput):
    code = "orders.amount_too_small"
    default_message = _("An order is too small to pay in this currency.")


class CurrencyNotAccepted(InvalidInput):
    code = "orders.currency_not_accepted"
    default_message = _("Payments in this currency are not accepted.")


class TransitionNotAllowed(StaleState):
    code = "orders.transition_not_allowed"
    default_message = _("This cannot be done to the order in its present state.")


class CheckoutNotPayable(StaleState):
    code = "orders.checkout_not_payable"
    default_message = _("These orders are no longer waiting for payment.")


class PaymentInProgress(StaleState):
    code = "orders.payment_in_progress"
    default_message = _(
        "A payment request is already on its way. Answer it on your phone, or wait a few "
        "minutes and try again."
    )


class IdempotencyKeyReused(InvalidInput):
    code = "orders.idempotency_key_reused"
    default_message = _("This Idempotency-Key was already used for a different checkout.")


class StatementInvalid(InvalidInput):
    code = "orders.statement_invalid"
    default_message = _("Say what happened (up to 2,000 characters).")


class HiddenCharacters(InvalidInput):
    code = "orders.hidden_characters"
    default_message = _("Remove the hidden control characters from the text.")


class PhotoInvalid(InvalidInput):
    code = "orders.photo_invalid"
    default_message = _("This file is not a photo we can read.")


class TooManyPhotos(InvalidInput):
    code = "orders.too_many_photos"
    default_message = _("Choose at most 3 photos.")


class DisputeClosed(StaleState):
    code = "orders.dispute_closed"
    default_message = _("This dispute is decided: nothing more can be added.")
