"""Every path of a generated chart, named once; the code and the tests both use these."""

from __future__ import annotations

from pathlib import PurePath

from mkchart.data import HELMIGNORE

CHART_YAML = "Chart.yaml"
VALUES_YAML = "values.yaml"
# Written from values.yaml's helm-docs comments (chart/valuesschema.py, chart/readme.py).
SCHEMA_FILE = "values.schema.json"
README_FILE = "README.md"
CHARTS_DIR = "charts"
CHARTS_KEEP = "charts/.gitkeep"
HELPERS = "templates/_helpers.tpl"
NOTES = "templates/NOTES.txt"
DEPLOYMENT = "templates/deployment.yaml"
STATEFULSET = "templates/statefulset.yaml"
CRONJOB = "templates/cronjob.yaml"
JOB = "templates/job.yaml"
SERVICE_HEADLESS = "templates/service-headless.yaml"
PDB = "templates/pdb.yaml"
HPA = "templates/hpa.yaml"
NETWORK_POLICY = "templates/networkpolicy.yaml"
SERVICE = "templates/service.yaml"
CONFIGMAP = "templates/configmap.yaml"
INGRESS = "templates/ingress.yaml"
PVC = "templates/pvc.yaml"
SERVICE_ACCOUNT = "templates/serviceaccount.yaml"
SECRET = "templates/secret.yaml"
TEST_CONNECTION = "templates/tests/test-connection.yaml"
# The chart's own record of its answers (excluded from packages by .helmignore).
ANSWERS_FILE = ".mkchart.yaml"
# mkchart's own folder in the chart (excluded from packages by .helmignore), and in it
# the stored base: every file as mkchart last wrote it, for regen's three-way merge.
STATE_DIR = ".mkchart"
BASE_FILE = f"{STATE_DIR}/base.gz"
# Where config files given as answers go inside the chart (read by .Files.Glob).
CONFIG_FILES_DIR = "files/config"

# Every file the skeleton can render; a chart has those its workload uses (a CronJob has no
# Service, a StatefulSet no pvc.yaml).
SKELETON_FILES = (
    HELMIGNORE, CHART_YAML, CHARTS_KEEP, NOTES, HELPERS, CONFIGMAP, CRONJOB, DEPLOYMENT, HPA, INGRESS, JOB,
    NETWORK_POLICY, PDB, PVC, SECRET, SERVICE, SERVICE_ACCOUNT, SERVICE_HEADLESS, STATEFULSET, TEST_CONNECTION,
    VALUES_YAML,
)


# How many columns deeper than a Deployment's each workload's pod template sits in its
# template: a CronJob's is inside spec.jobTemplate.spec.
POD_DEPTH = {"cronjob": 4}


def pod_depth(workload: str) -> int:
    return POD_DEPTH.get(workload, 0)


def is_values_file(path: str) -> bool:
    """values.yaml, or an environment's values-ENV.yaml (merged by structure alike)."""
    return path == VALUES_YAML or (path.startswith("values-") and path.endswith(".yaml") and "/" not in path)


def workload_file(workload: str) -> str:
    """The template of a workload kind: templates/deployment.yaml, templates/cronjob.yaml."""
    return f"templates/{workload}.yaml"


def config_copy(name: str) -> str:
    """The chart's copy of the config file called `name`: files/config/NAME."""
    return f"{CONFIG_FILES_DIR}/{name}"


def config_name(path: str) -> str:
    """The file name of a `config.files` entry (`conf/app.conf` -> `app.conf`): the name of
    its copy in the chart and of its key in the ConfigMap."""
    return PurePath(path).name
