"""The OpenAPI document tells the truth about errors and links (what `make fuzz` found).

schemathesis found every answer to a malformed request undeclared or misdeclared: ninja's 422
carries a list of field problems in ``detail`` while the document promised a string (or no 422
at all), and a body that is not JSON was an undeclared 400. These tests replay those requests
and check each answer against the schema the document declares for its status.
"""

import json

import jsonschema_rs
import pytest

from sokoni.accounts.services import api_token_issue
from sokoni.accounts.tests.factories import PASSWORD, UserFactory
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.orders.models import CartItem
from sokoni.payments.models import Payout
from sokoni.trust.models import Review

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def bearer(db):
    user = UserFactory()
    raw, _token = api_token_issue(phone=user.phone, password=PASSWORD, ip=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def declared(document, path, method, status):
    """The JSON schema the document declares for ``status`` of one operation, with its refs."""
    responses = document["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} does not declare {status}"
    schema = responses[str(status)]["content"]["application/json"]["schema"]
    return {**schema, "components": document["components"]}


def test_every_operation_declares_the_errors_it_can_answer(document):
    """Inputs can be malformed (422, as ninja's list or a domain refusal), bodies not JSON
    (400), tokens missing (401)."""
    for method, path, operation in operations(document):
        statuses = operation["responses"]
        label = f"{method.upper()} {path}"
        if operation.get("parameters") or "requestBody" in operation:
            refs = {
                option["$ref"].rsplit("/", 1)[-1]
                for option in statuses["422"]["content"]["application/json"]["schema"]["anyOf"]
            }
            assert refs == {"ErrorOut", "ValidationErrorOut"}, label
        if "requestBody" in operation:
            assert "400" in statuses, label
        if operation.get("security"):
            assert "401" in statuses, label


@pytest.mark.parametrize(
    ("method", "url", "body", "template"),
    [
        # The fuzzer's own reproductions (path parameters that are not integers).
        ("delete", "/api/v1/cart/items/null%2Cnull", None, "/api/v1/cart/items/{item_id}"),
        ("get", "/api/v1/checkout/null%2Cnull", None, "/api/v1/checkout/{checkout_id}"),
        ("get", "/api/v1/orders/null%2Cnull", None, "/api/v1/orders/{order_id}"),
        ("get", "/api/v1/products?village=0.5", None, "/api/v1/products"),
        ("get", "/api/v1/villages?page=abc", None, "/api/v1/villages"),
        ("get", "/api/v1/villages/a%20b", None, "/api/v1/villages/{slug}"),
        ("get", "/api/v1/products/0", None, "/api/v1/products/{product_id}"),
        (
            "get",
            "/api/v1/products/1/reviews?rating=9",
            None,
            "/api/v1/products/{product_id}/reviews",
        ),
        ("get", "/api/v1/shops/a%20b/reviews", None, "/api/v1/shops/{slug}/reviews"),
        ("get", "/api/v1/orders?status=lost", None, "/api/v1/orders"),
        ("get", "/api/v1/shipping/quote?product_id=x", None, "/api/v1/shipping/quote"),
        # Bodies of the wrong shape.
        ("post", "/api/v1/auth/token", "", "/api/v1/auth/token"),
        ("post", "/api/v1/cart/items", '"AAA"', "/api/v1/cart/items"),
        ("post", "/api/v1/orders/1/dispute", '{"reason": {}, "details": ""}', None),
        ("post", "/api/v1/wallet/payouts", "[null, null]", "/api/v1/wallet/payouts"),
        ("post", "/api/v1/reviews", "[null, null]", "/api/v1/reviews"),
        ("patch", "/api/v1/reviews/1", '{"rating": "5"}', "/api/v1/reviews/{review_id}"),
    ],
)
def test_malformed_requests_answer_the_declared_422(
    client, document, bearer, method, url, body, template
):
    """Each answer is ninja's list of problems, as the 422 the document declares, and nothing
    is written."""
    # when
    if body is None:
        response = getattr(client, method)(url, **bearer)
    else:
        response = getattr(client, method)(
            url, data=body, content_type="application/json", **bearer
        )
    # then
    assert response.status_code == 422
    assert response["Content-Type"] == "application/json; charset=utf-8"
    problems = response.json()
    assert isinstance(problems["detail"], list)
    template = template or "/api/v1/orders/{order_id}/dispute"
    jsonschema_rs.validate(declared(document, template, method, 422), problems)
    assert (CartItem.objects.count(), Review.objects.count(), Payout.objects.count()) == (0, 0, 0)


def test_a_domain_refusal_answers_the_declared_422(client, document, bearer):
    """The other kind of 422: a refusal with a message and its code (an unknown country)."""
    # when
    response = client.get("/api/v1/shipping/quote?product_id=1&country=ZZ", **bearer)
    # then: the product is looked up first
    assert response.status_code in (404, 422)
    jsonschema_rs.validate(
        declared(document, "/api/v1/shipping/quote", "get", response.status_code),
        response.json(),
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/auth/token"),
        ("post", "/api/v1/cart/items"),
        ("post", "/api/v1/checkout"),
        ("post", "/api/v1/reviews"),
        ("patch", "/api/v1/reviews/{review_id}"),
    ],
)
def test_a_body_that_is_not_json_is_the_declared_400(client, document, bearer, method, path):
    """A body that is not JSON is a 400 with a string detail, declared on the operation."""
    # when (the fuzzer's body: one control character)
    url = path.replace("{review_id}", "1")
    response = getattr(client, method)(url, data="\x14", content_type="application/json", **bearer)
    # then
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body"}
    jsonschema_rs.validate(declared(document, path, method, 400), response.json())


def test_links_lead_to_operations_and_parameters_that_exist(document):
    """Every OpenAPI link names a real operation and parameters that operation takes."""
    # given
    by_id = {op["operationId"]: op for _method, _path, op in operations(document)}
    count = 0
    for method, path, operation in operations(document):
        for status, response in operation["responses"].items():
            for name, link in response.get("links", {}).items():
                count += 1
                label = f"{method.upper()} {path} {status} -> {name}"
                target = by_id.get(link["operationId"])
                assert target is not None, label
                names = {p["name"] for p in target.get("parameters", [])}
                assert set(link["parameters"]) <= names, label
                assert all(v.startswith("$response.body#/") for v in link["parameters"].values())
                if "requestBody" in link:
                    assert "requestBody" in target, label
    assert count >= 30


def test_a_link_followed_by_hand_reaches_the_resource(client, document, bearer):
    """POST /cart/items links its answer's id to DELETE /cart/items/{item_id}."""
    # given
    product = ProductFactory(stock=5)
    link = document["paths"]["/api/v1/cart/items"]["post"]["responses"]["201"]["links"]["remove"]
    added = client.post(
        "/api/v1/cart/items",
        data=json.dumps({"product_id": product.pk, "quantity": 1}),
        content_type="application/json",
        **bearer,
    )
    assert added.status_code == 201
    # when: the expression $response.body#/id, resolved
    pointer = link["parameters"]["item_id"].split("#", 1)[1]
    item_id = added.json()[pointer.strip("/")]
    removed = client.delete(f"/api/v1/cart/items/{item_id}", **bearer)
    # then
    assert removed.status_code == 204
