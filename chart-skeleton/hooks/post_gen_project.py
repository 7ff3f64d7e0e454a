"""Plain cookiecutter's way to the server type's own config files (tomcat's server.xml,
zookeeper's zoo.cfg), to the files mkchart derives from the rendered values (each
environment's values-ENV.yaml, values.schema.json, README.md), and to leaving out the
templates the workload does not use (they render to nothing: a Service for a CronJob). mkchart does both itself, so that
`cookiecutter chart-skeleton` and `mkchart new` give the same chart. Runs in the new
chart's folder."""

from pathlib import Path

FILES = [[ cookiecutter.chart.profileFiles | tojson ]]
DERIVED_FILES = [[ cookiecutter.chart.derivedFiles | tojson ]]

for name, text in FILES.items():
    target = Path("files", "config", name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text.encode("utf-8"))

for name, text in DERIVED_FILES.items():  # values-dev.yaml, ..., values.schema.json, README.md
    Path(name).write_bytes(text.encode("utf-8"))

for template in sorted(Path("templates").rglob("*")):
    if template.is_file() and not template.read_text(encoding="utf-8").strip():
        template.unlink()
for folder in sorted((p for p in Path("templates").rglob("*") if p.is_dir()), reverse=True):
    if not any(folder.iterdir()):  # templates/tests/ of a CronJob: nothing left in it
        folder.rmdir()
