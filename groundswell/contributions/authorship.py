"""Recognising the author of a protected item without storing who it is."""

from collections.abc import Iterable

from django.utils.crypto import salted_hmac

from groundswell.contributions.models import ProtectedAuthorKey

_SALT = "groundswell.contributions.protected-author"
# Keys looked up per query: a bound on its parameters (SQLite allows a few thousand at most).
_LOOKUP_CHUNK = 500


def protected_key(*, object_kind: str, object_id: int, user_id: int) -> str:
    return salted_hmac(
        _SALT, f"{object_kind}:{object_id}:{user_id}", algorithm="sha256"
    ).hexdigest()


def protected_key_store(*, object_kind: str, object_id: int, user_id: int) -> None:
    ProtectedAuthorKey.objects.create(
        key=protected_key(object_kind=object_kind, object_id=object_id, user_id=user_id)
    )


def is_protected_author(*, object_kind: str, object_id: int, user) -> bool:
    if not user.is_authenticated:
        return False
    key = protected_key(object_kind=object_kind, object_id=object_id, user_id=user.pk)
    return ProtectedAuthorKey.objects.filter(key=key).exists()


def protected_keys_stored(keys: Iterable[str]) -> set[str]:
    """Which of these keys are stored: those recomputed for a member and an item they wrote."""
    keys = list(keys)
    stored: set[str] = set()
    for start in range(0, len(keys), _LOOKUP_CHUNK):
        chunk = ProtectedAuthorKey.objects.filter(key__in=keys[start : start + _LOOKUP_CHUNK])
        stored.update(chunk.values_list("key", flat=True))
    return stored
