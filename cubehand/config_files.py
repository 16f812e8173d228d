"""Reading pydantic configs from YAML files, with one-line errors for every fault."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from cubehand.solver.errors import CubeError

Model = TypeVar("Model", bound=BaseModel)


def load_yaml_config(path: Path, schema: type[Model], error: type[CubeError] = CubeError) -> Model:
    """Validate the YAML file at ``path`` against ``schema``.

    Raises:
        error: naming the file and the first thing wrong with it (missing, not YAML, or
            a field that does not validate).
    """
    if not path.is_file():
        raise error(f"config file {path} does not exist")
    try:
        data = yaml.safe_load(path.read_text())
        return schema.model_validate(data if data is not None else {})
    except yaml.YAMLError as fault:
        raise error(f"{path} is not valid YAML: {' '.join(str(fault).split())}") from None
    except ValidationError as fault:
        where, _, message = first_fault(fault)
        raise error(f"{path}: {where}: {message}") from None


def first_fault(fault: ValidationError) -> tuple[str, object, str]:
    """Where the first thing wrong sits (dotted, or ``(top level)``), its value, and why."""
    first = fault.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(top level)"
    return where, first.get("input"), first["msg"]
