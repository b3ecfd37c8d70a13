"""What every filtered list page does the same way."""


def filtered_rows(filters):
    """The rows a list shows for its django-filter `FilterSet`: all of them when no filter
    is given, the matching ones otherwise, and none when a filter is invalid (the form
    then says what is wrong; showing everything would pass for a match)."""
    if not filters.is_bound:
        return filters.queryset
    return filters.qs if filters.is_valid() else filters.queryset.none()
