"""Production settings (DEBUG=0, HTTPS=1, SECRET_KEY and ALLOWED_HOSTS from the environment)
pass Django's deployment checks with no warning, and refuse to start without a secret."""

import secrets
import subprocess
import sys

import pytest

from sokoni.core.tests.real_settings import ROOT, settings_env


def manage(*args, tmp_path, **env):
    """Run manage.py with the real settings and only the given environment on top of a
    clean one (no test settings, no DEBUG, HTTPS, SECRET_KEY or ALLOWED_HOSTS inherited)."""
    environment = settings_env(tmp_path, **env)
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production(**overrides):
    return {
        "DEBUG": "0",
        "HTTPS": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "example.org",
        **overrides,
    }


def test_deploy_checks_pass_without_a_warning_in_production(tmp_path):
    """check --deploy --fail-level WARNING passes: HSTS, SSL redirect, secure cookies, the
    secret key, DEBUG and ALLOWED_HOSTS all as Django wants them."""
    # when
    run = manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, **production())
    # then
    assert run.returncode == 0, run.stdout + run.stderr
    assert "System check identified no issues" in run.stdout
    assert not (tmp_path / "secret_key").exists()


def test_deploy_checks_fail_with_a_short_secret_key(tmp_path):
    """A guessable key is caught by the same checks (security.W009)."""
    # when
    run = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        **production(SECRET_KEY="too-short"),
    )
    # then
    assert run.returncode != 0
    assert "security.W009" in run.stdout + run.stderr


def test_production_without_a_secret_key_stops_with_a_clear_error(tmp_path):
    """No key in the environment: the start fails saying so, and no key file is made."""
    # given
    env = production()
    del env["SECRET_KEY"]
    # when
    run = manage("check", tmp_path=tmp_path, **env)
    # then
    assert run.returncode != 0
    assert "SECRET_KEY is not set" in run.stderr
    assert "Traceback" in run.stderr  # ImproperlyConfigured at start, not a silent default
    assert not (tmp_path / "secret_key").exists()


def test_locally_a_missing_key_is_generated_once_into_the_var_folder(tmp_path):
    """Without HTTPS=1 (a laptop), the key is made once and kept in var/secret_key."""
    # when
    first = manage("check", tmp_path=tmp_path, DEBUG="1")
    key = (tmp_path / "secret_key").read_text()
    second = manage("check", tmp_path=tmp_path, DEBUG="1")
    # then
    assert first.returncode == second.returncode == 0, first.stderr
    assert len(key) >= 50
    assert (tmp_path / "secret_key").read_text() == key


def test_production_hashes_passwords_with_argon2_first():
    """The production list starts with Argon2 (older hashes still verify and are upgraded at
    the next log-in); the test settings' MD5 is for speed only."""
    from sokoni import settings as production_settings

    # then
    assert production_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )
    assert "django.contrib.auth.hashers.MD5PasswordHasher" not in (
        production_settings.PASSWORD_HASHERS
    )


def test_the_content_security_policy_allows_no_inline_script_or_style():
    """Scripts and styles come from the site itself (styles also with the response's nonce);
    nothing may frame the site."""
    from sokoni import settings as production_settings

    # given
    directives = production_settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    # then
    for name in ("default-src", "script-src", "style-src"):
        assert "'unsafe-inline'" not in directives[name]
        assert "'unsafe-eval'" not in directives[name]
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]


@pytest.mark.django_db
def test_an_old_password_hash_is_upgraded_to_argon2_at_log_in(client, settings):
    """A user stored with PBKDF2 logs in as before, and their hash is then Argon2."""
    from django.contrib.auth.hashers import make_password

    from sokoni.accounts.tests.factories import UserFactory

    # given
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = UserFactory()
    type(user).objects.filter(pk=user.pk).update(
        password=make_password("a long secret 42", hasher="pbkdf2_sha256")
    )
    # when
    response = client.post(
        "/accounts/login/", {"phone": user.phone, "password": "a long secret 42"}
    )
    # then
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


def test_the_replica_connection_is_checked_before_reuse_like_the_primary(tmp_path):
    """After a replica restart or failover, a kept connection is tested (CONN_HEALTH_CHECKS) and
    replaced, on the replica as on the primary, instead of failing the next page read from it."""
    # when
    run = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; d = s.DATABASES; "
        "print(d['default']['CONN_HEALTH_CHECKS'], d['replica']['CONN_HEALTH_CHECKS'], "
        "d['replica']['CONN_MAX_AGE'])",
        tmp_path=tmp_path,
        DATABASE_REPLICA_URL="postgres://reader@replica.example.org:5432/sokoni",
    )
    # then
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.split() == ["True", "True", "60"]
