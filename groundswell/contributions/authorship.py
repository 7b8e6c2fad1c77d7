"""Recognising the author of a protected item without storing who it is."""

from django.utils.crypto import salted_hmac

from groundswell.contributions.models import ProtectedAuthorKey

_SALT = "groundswell.contributions.protected-author"


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
