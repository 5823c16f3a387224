"""Authenticator secrets encrypted at rest with Fernet (AES-128-CBC and HMAC-SHA256,
from the ``cryptography`` package). ``MFA_ENCRYPTION_KEY`` is a comma-separated list of
keys so that they can be rotated: the first encrypts, all of them decrypt, and
``flask --app wsgi clinician rotate-mfa-key`` re-encrypts every stored secret with the
first. A column of type ``EncryptedText`` does this by itself: code reads and writes
plain text, the database only ever holds the ciphertext."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import String, TypeDecorator
from sqlalchemy.engine import Dialect


def parse_keys(raw: str) -> tuple[str, ...]:
    """The keys of ``MFA_ENCRYPTION_KEY``; ValueError names a key that is not one."""
    keys = tuple(k.strip() for k in raw.split(",") if k.strip())
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError) as error:
            raise ValueError(f"key {number} is not a Fernet key (32 bytes, base64)") from error
    return keys


def derived_key(secret_key: str) -> str:
    """A key derived from SECRET_KEY, for development and tests only."""
    digest = hashlib.sha256(b"mfa-encryption:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def _box(keys: tuple[str, ...] | None = None) -> MultiFernet:
    keys = keys or current_app.config["MFA_ENCRYPTION_KEYS"]
    return MultiFernet([Fernet(k.encode()) for k in keys])


def encrypt(plain: str, keys: tuple[str, ...] | None = None) -> str:
    return _box(keys).encrypt(plain.encode()).decode()


def decrypt(token: str, keys: tuple[str, ...] | None = None) -> str:
    try:
        return _box(keys).decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError("no key in MFA_ENCRYPTION_KEY opens this secret") from error


class EncryptedText(TypeDecorator[str]):
    """Text encrypted with the app's MFA keys on the way in, decrypted on the way out."""

    impl = String(255)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else decrypt(value)
