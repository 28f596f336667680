"""The mixed load of bench/load.py, as Locust users (run by it; not on its own).

Each simulated person starts one action a second on average, at random moments (a Poisson
process: ``poisson_pacing``), as independent people do. (Locust's ``constant_throughput(1)``
kept the people started together in step: they all asked at the same instants, in bursts
that queued for the gunicorn workers, idle in between.) People are drawn in the shares of
the issue, so actions are 70 % browsing and search, 15 % cart, 10 % checkout with its payment
callback, 5 % seller work:

- Browser: the home page, a category, a product, a village, a shop or a search.
- CartVisitor: a product page, add it to the visitor's cart (the page's form, with its CSRF
  token), then the cart page.
- Buyer (API token): checkout of one unit paid by sandbox card or mobile money, reading the
  checkout until it is paid, then the provider's callback sent again over HTTP (providers repeat
  themselves; the webhook must answer it idempotently).
- Seller (API token): the shop's orders, ship one that is paid, the wallet.

The world (ids, paths, tokens, the webhook secrets) comes from the JSON file named by
LOAD_WORLD; the sandbox provider's reference for a payment is read from its own books
(LOAD_DATABASE_URL), as the provider knows it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import re
import time
import uuid
from typing import Any

import psycopg
from locust import FastHttpUser, task

WORLD: dict[str, Any] = json.loads(open(os.environ["LOAD_WORLD"]).read())  # noqa: SIM115
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_db: psycopg.Connection | None = None


def provider_row(reference: str) -> tuple[str, str, str, int, str] | None:
    """The sandbox provider's own record of a payment: (provider, ref, state, amount, currency)."""
    global _db
    if _db is None or _db.closed:
        _db = psycopg.connect(os.environ["LOAD_DATABASE_URL"], autocommit=True)
    row = _db.execute(
        "SELECT provider, provider_ref, state, amount_minor, currency "
        "FROM payments_sandboxtransaction WHERE reference = %s ORDER BY id DESC LIMIT 1",
        (reference,),
    ).fetchone()
    return None if row is None else (row[0], row[1], row[2], row[3], row[4])


def poisson_pacing(rate: float):
    """A wait_time starting actions ``rate`` times a second on average, at random moments
    whatever each action took; a person whose action ran past the next start catches up by
    at most one action, so a slow moment is not followed by a burst."""

    def wait_time(user: Any) -> float:
        now = time.monotonic()
        due = max(getattr(user, "_next_action", now), now - 1 / rate) + random.expovariate(rate)
        user._next_action = due
        return max(0.0, due - now)

    return wait_time


def signature(body: bytes, secret: str) -> str:
    """``Sokoni-Signature`` as a provider computes it (docs/payments.md)."""
    moment = int(time.time())
    digest = hmac.new(secret.encode(), str(moment).encode() + b"." + body, hashlib.sha256)
    return f"t={moment},v1={digest.hexdigest()}"


def api_call(
    user: Any,
    method: str,
    path: str,
    name: str,
    body: Any = None,
    *,
    idempotent: bool = False,
    ok: int | None = None,
) -> Any:
    """One API request with ``user``'s token (a fresh Idempotency-Key if ``idempotent``); its
    JSON, or None after recording a failure for a 4xx/5xx other than ``ok`` (a right answer
    there, recorded as a success)."""
    headers = {"Authorization": f"Bearer {user.token}"}
    if idempotent:
        headers["Idempotency-Key"] = str(uuid.uuid4())
    with user.client.request(
        method, path, json=body, headers=headers, name=name, catch_response=True
    ) as answer:
        if ok is not None and answer.status_code == ok:
            answer.success()
            return None
        if answer.status_code >= 400:
            answer.failure(f"{name}: {answer.status_code} {answer.text[:200]}")
            return None
        return answer.json()


class Browser(FastHttpUser):
    weight = 70
    wait_time = poisson_pacing(1.0)

    @task
    def browse(self) -> None:
        kind = random.choices(
            ["home", "category", "product", "village", "shop", "search"],
            weights=[10, 15, 40, 10, 10, 15],
        )[0]
        if kind == "home":
            self.client.get("/", name="home")
        elif kind == "category":
            self.client.get(f"/categories/{random.choice(WORLD['categories'])}/", name="category")
        elif kind == "product":
            self.client.get(random.choice(WORLD["product_paths"]), name="product")
        elif kind == "village":
            self.client.get(f"/villages/{random.choice(WORLD['villages'])}/", name="village")
        elif kind == "shop":
            self.client.get(f"/shops/{random.choice(WORLD['shops'])}/", name="shop")
        else:
            self.client.get(f"/search/?q={random.choice(WORLD['words'])}", name="search")


class CartVisitor(FastHttpUser):
    """A visitor adds a few things, looks at the cart, and leaves; the next one starts afresh
    (a cart that grew for the whole run would be no visitor's)."""

    weight = 15
    wait_time = poisson_pacing(1.0)
    adds = 0

    @task
    def add_to_cart(self) -> None:
        self.adds += 1
        if self.adds % 3 == 0:
            self.client.cookiejar.clear()
        product_id, path = random.choice(WORLD["cart_products"])
        page = self.client.get(path, name="product")
        found = TOKEN_RE.search(page.text or "")
        if found is None:
            return
        with self.client.post(
            "/cart/add/",
            data={
                "csrfmiddlewaretoken": found.group(1),
                "product_id": product_id,
                "quantity": 1,
                "next": path,
            },
            name="cart add",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"cart add answered {answer.status_code}")
        self.client.get("/cart/", name="cart")


class Buyer(FastHttpUser):
    weight = 10
    wait_time = poisson_pacing(1.0)

    def on_start(self) -> None:
        self.token = random.choice(WORLD["buyer_tokens"])
        self.phone = f"+2547018{random.randrange(10**5):05d}"

    def api(self, method: str, path: str, name: str, body: Any = None) -> Any:
        return api_call(self, method, path, name, body, idempotent=body is not None)

    @task
    def checkout_and_callback(self) -> None:
        product_id = random.choice(WORLD["buy_products"])
        card = random.random() < 0.5
        payment = (
            {"method": "card", "card_number": "4242424242424242"}
            if card
            else {"method": "mobile_money", "phone": self.phone}
        )
        body = {
            "items": [{"product_id": product_id, "quantity": 1}],
            "currency": "KES",
            "delivery": {
                "method": "address",
                "address": "House 12, Moi Avenue, Nairobi",
                "town_id": WORLD["town_id"],
                "recipient_name": "Load Buyer",
                "recipient_phone": self.phone,
            },
            "payment": payment,
        }
        checkout = self.api("POST", "/api/v1/checkout", "checkout", body)
        if not checkout:
            return
        paid = checkout.get("payment") or {}
        for _ in range(10):  # the mobile money prompt is answered within a few seconds
            if paid.get("status") == "succeeded":
                break
            time.sleep(1)
            again = self.api("GET", f"/api/v1/checkout/{checkout['checkout_id']}", "checkout read")
            paid = (again or {}).get("payment") or {}
        row = provider_row(paid.get("reference", ""))
        if row is None:
            return
        provider, ref, state, amount, currency = row
        callback = json.dumps(
            {
                "event_id": f"EVLOAD{uuid.uuid4().hex[:16].upper()}",
                "provider_ref": ref,
                "reference": paid["reference"],
                "result": state,
                "amount_minor": amount,
                "currency": currency,
            },
            separators=(",", ":"),
        ).encode()
        with self.client.post(
            f"/payments/webhooks/{provider}/",
            data=callback,
            headers={
                "Content-Type": "application/json",
                "Sokoni-Signature": signature(callback, WORLD["webhook_secrets"][provider]),
            },
            name="payment callback",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"callback answered {answer.status_code} {answer.text[:200]}")


class Seller(FastHttpUser):
    weight = 5
    wait_time = poisson_pacing(1.0)

    def on_start(self) -> None:
        self.token = random.choice(WORLD["seller_tokens"])

    def api(
        self, method: str, path: str, name: str, body: Any = None, ok: int | None = None
    ) -> Any:
        """``ok``: one more status that is a right answer here (another session of the same
        seller may ship the order first: the second is refused with 409, as it should be)."""
        return api_call(self, method, path, name, body, ok=ok)

    @task
    def work(self) -> None:
        orders = self.api("GET", "/api/v1/orders?role=seller&status=paid", "seller orders")
        items = (orders or {}).get("items") or []
        if items:
            order = random.choice(items)
            self.api(
                "POST",
                f"/api/v1/orders/{order['id']}/ship",
                "seller ship",
                {"tracking_ref": f"LOAD{uuid.uuid4().hex[:10].upper()}"},
                ok=409,
            )
        self.api("GET", "/api/v1/wallet", "seller wallet")
