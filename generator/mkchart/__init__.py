"""mkchart: generate production-grade, regenerable Helm charts.

The library API lives in small modules; the CLI (`mkchart.cli`) is a thin layer over it:

- `mkchart.answers`: the answers model, layering of inputs, validation, answers files
- `mkchart.render`: answers -> {relative path: bytes}, a pure function
- `mkchart.write`: putting a rendered chart on disk atomically
"""

__version__ = "0.1.0"

# The version of the answers-file format (`.mkchart.yaml`); bump it with a migration.
ANSWERS_FORMAT = 1
