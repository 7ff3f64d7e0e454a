"""Stage 2 of the flow: answers -> a chart in memory, `{relative path: bytes}`.

`layout` names every path of a chart, `context` makes every decision the skeleton
prints, `skeleton` compiles chart-skeleton/, and `render` is the pure function.
"""
