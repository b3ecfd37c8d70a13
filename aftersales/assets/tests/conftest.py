import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 takes ~0.2 s a hash; tests create many users and never check the hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
