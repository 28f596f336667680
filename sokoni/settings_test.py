"""Test settings: only what makes the suite faster."""

from sokoni.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

# Tests change the network between quotes: read it afresh every time.
SHIPPING_NETWORK_CACHE_SECONDS = 0

# Tests reuse ids across flushed databases while the cache lives on: compute ratings afresh
# (test_rating_cache.py turns it on).
RATING_CACHE_SECONDS = 0
# Tests change what pages show and read them again at once.
VISITOR_PAGE_SECONDS = 0

# The read replica is the test database itself on a second connection (a test mirror), used
# only by the tests that turn REPLICA_READS on (sokoni/core/tests/test_db_router.py).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
REPLICA_READS = False
