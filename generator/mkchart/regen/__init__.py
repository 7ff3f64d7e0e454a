"""Stage 3 for an existing chart: `mkchart regen`, a true three-way merge per file.

`plan` decides what happens to each file (reads only), `textmerge` and `valuesmerge`
merge a file the user edited, `report` words the plan for people, and `job` runs one
chart folder from plan to outcome.
"""
