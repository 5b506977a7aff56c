"""Resolution API: one router per area, mounted under /api/v1 by config/api.py."""

from ninja import Router

from reservoir.resolution.api import completeness, duplicates, imports, merges

router = Router()
router.add_router("", duplicates.router)
router.add_router("", merges.router)
router.add_router("", imports.router)
router.add_router("", completeness.router)
