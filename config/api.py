"""The REST API (django-ninja): mounts every app's router under /api/v1."""

from ninja import NinjaAPI

api = NinjaAPI(title="Reservoir API", version="1", urls_namespace="api")
