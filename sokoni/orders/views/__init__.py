"""The order pages: cart, checkout and paying, the buyer's orders, the seller's orders and
wallet, staff disputes and the service-centre cash desk. Parse -> service -> render.

Every view that names an order, a checkout or a dispute first asks the selector scoped to the
acting user, which answers 404 for what the user may not see, before it looks at the method
or the input.
"""
