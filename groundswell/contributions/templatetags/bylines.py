"""The byline of a contribution or comment, built in Python: lists show one per item, and an
`{% include %}` per item cost more than the rest of the item's markup."""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

from groundswell.contributions.models import Attributed, Attribution
from groundswell.organisations.templatetags.badges import badges_html

register = template.Library()


@register.simple_tag
def byline(item: Attributed) -> SafeString:
    if item.is_protected:
        who = "Protected contributor"
    elif item.attribution == Attribution.PSEUDONYMOUS:
        who = item.byline
    elif item.author:
        who = format_html(
            '<a href="{}">{}</a>', item.author.get_absolute_url(), item.author.public_name
        )
    else:
        who = "Former member"
    # A badge vouches for a pseudonym without revealing who is behind it. It is not shown on
    # named items (nor on public profiles): a rare badge seen beside a name and again beside a
    # pseudonym would tie the two together. A protected item has no member to show at all.
    badges = (
        badges_html(item.author)
        if item.attribution == Attribution.PSEUDONYMOUS and item.author_id
        else ""
    )
    role = format_html(" · {}", item.get_author_role_display()) if item.author_role else ""
    sector = (
        format_html(", {}", item.get_author_sector_display().lower()) if item.author_sector else ""
    )
    day = (
        timezone.localtime(item.created_at)
        if timezone.is_aware(item.created_at)
        else item.created_at
    )
    return format_html(
        '<span class="byline">{}{}{}{} · <time datetime="{}">{}</time></span>',
        who,
        badges,
        role,
        sector,
        date_format(day, "Y-m-d"),
        date_format(day, "j M Y"),
    )
