"""The juror's side: one blueprint (`blueprint.bp`) with the pages of `routes`, `floor` and `offline`."""

from . import floor, offline, routes  # noqa: F401  (each registers its pages on the blueprint)
from .blueprint import bp  # noqa: F401
