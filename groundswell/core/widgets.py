"""Widgets that render their HTML in Python, for forms shown on every page view.

Django renders a select through one template include per option; a filter form with forty
options spent more time there than the page spent on its queries. The HTML is the same as
Django's templates produce (tests compare the two).
"""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict) -> SafeString:
    # As django/forms/widgets/attrs.html: False is left out, True is a bare attribute.
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class Select(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for group_name, options, _ in widget["optgroups"]:
            if group_name:  # optgroups: leave them to Django's templates
                return super().render(name, value, attrs, renderer)
            for option in options:
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',
                        str(option["value"]),
                        _attrs(option["attrs"]),
                        option["label"],
                    )
                )
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped
