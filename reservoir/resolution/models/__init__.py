"""Resolution models, one module per area (matching, merges, imports, completeness)."""

from reservoir.resolution.models.candidates import *  # noqa: F403
from reservoir.resolution.models.completeness import *  # noqa: F403
from reservoir.resolution.models.imports import *  # noqa: F403
from reservoir.resolution.models.merges import *  # noqa: F403
