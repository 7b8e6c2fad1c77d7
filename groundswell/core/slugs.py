from django.db.models import Model
from django.utils.crypto import get_random_string
from django.utils.text import slugify

# Words used as the fixed parts of URLs beside slugs.
RESERVED = {"new", "join", "invites", "edit", "verified-roles"}


def unique_slug(model: type[Model], text: str, *, max_length: int = 60) -> str:
    base = slugify(text)[:max_length].strip("-") or "untitled"
    slug = base
    while slug in RESERVED or model._default_manager.filter(slug=slug).exists():
        slug = f"{base[: max_length - 7]}-{get_random_string(6, 'abcdefghjkmnpqrstuvwxyz23456789')}"
    return slug
