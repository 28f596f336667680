"""API v1 (django-ninja); OpenAPI at /api/v1/openapi.json."""

from ninja import NinjaAPI

api = NinjaAPI(title="Sokoni API", version="1", urls_namespace="api-v1", docs_url="/docs")
