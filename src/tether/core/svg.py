"""Inline SVG charts: the pieces shared by every app's charts."""

from django.utils.safestring import SafeString, mark_safe


def join_safe(parts) -> SafeString:
    """Join chart fragments that were each built by format_html (so escaped already)."""
    return mark_safe("".join(parts))  # noqa: S308
