"""Customer portal API."""

from ninja import Router

router = Router()
