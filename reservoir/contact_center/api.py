"""Contact center API."""

from ninja import Router

router = Router()
