"""Verified role badges, as readers see them: the role and the kind of employer, never which
organisation confirmed it (that would say where a pseudonymous member works)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from groundswell.organisations.selectors import verified_roles_of

register = template.Library()


def badges_html(member) -> SafeString:
    if member is None:
        return mark_safe("")
    roles = verified_roles_of(member=member)
    return format_html_join(
        "",
        ' <span class="badge badge-verified">Verified: {} · {}'
        ' <span class="badge-confirmer">({})</span></span>',
        ((r.label, r.employer_kind_label, r.confirmer) for r in roles),
    )


@register.simple_tag
def verified_badges(member) -> SafeString:
    return badges_html(member)


@register.simple_tag
def verified_badge(role) -> SafeString:
    return format_html(
        '<span class="badge badge-verified">Verified: {} · {}'
        ' <span class="badge-confirmer">({})</span></span>',
        role.label,
        role.employer_kind_label,
        role.confirmer,
    )
