"""Contact rules API."""

from ninja import Router

router = Router()
