"""Shared pieces of the JSON API: pagination and error format.

Every error is JSON of the form
    {"detail": "<a sentence a person can act on>", "code": "<stable code>",
     "errors": {"<field>": ["<message>", ...]}}   # errors only for field problems
"""

import copy
import functools

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from aftersales.core.errors import DomainError
from aftersales.core.pagination import LargePaginator


class Pagination(PageNumberPagination):
    # Ids first, then the rows (deep pages stay fast); the count stays exact for clients.
    django_paginator_class = functools.partial(LargePaginator, estimate=False)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _first_message(errors) -> str:
    if isinstance(errors, dict):
        for field, value in errors.items():
            message = _first_message(value)
            if message:
                return (
                    message if field in ("non_field_errors", "__all__") else f"{field}: {message}"
                )
        return ""
    if isinstance(errors, list | tuple):
        return _first_message(errors[0]) if errors else ""
    return str(errors)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"detail": str(exc.message), "code": exc.code}
        if exc.field:
            body["errors"] = {exc.field: [str(exc.message)]}
        return Response(body, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(errors)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        response.data = {
            "detail": _first_message(errors) or _("The request is not valid."),
            "code": "invalid",
            "errors": errors,
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = {"detail": str(detail), "code": getattr(detail, "code", "error")}
    return response


class CachedFieldsMixin:
    """Build a read-only ModelSerializer's fields once per class, not once per use.

    DRF introspects the model anew for every serializer instance (several milliseconds
    for a wide model, on every API response); the fields of an output serializer do not
    depend on the request, so each instance gets fresh copies of the ones built first.
    Only for serializers whose `get_fields` does not depend on context.
    """

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built
        return copy.deepcopy(built)
