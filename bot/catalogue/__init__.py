"""The staff-edited catalogue: schema, YAML loader with path:line errors, importer."""

from .loader import Catalogue, CatalogueError, Problem, load_catalogue, load_or_raise
from .schema import Fee, Group, Procedure

__all__ = ["Catalogue", "CatalogueError", "Fee", "Group", "Problem", "Procedure", "load_catalogue", "load_or_raise"]
