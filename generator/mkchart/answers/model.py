"""The answers model: every key a chart is generated from, its type, default and rule.

Attribute names are the answers-file keys, camelCase like Helm values, so that flags
(`--set probe.style=tcp`), answers files, batch files and values.yaml all say the same
thing. A field without a default is required; its default then comes from the name or
the server-type profile (see `mkchart.answers`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mkchart.answers import rules as v

PROBE_STYLES = ("http", "tcp", "exec")
# What runs the pods: a service (Deployment, or StatefulSet for per-pod data and names) or
# a task (CronJob on a schedule, Job once).
WORKLOADS = ("deployment", "statefulset", "cronjob", "job")
SERVICE_WORKLOADS = ("deployment", "statefulset")
CONCURRENCY_POLICIES = ("Forbid", "Allow", "Replace")


def doc(text: str, check: v.Check | None = None, choices: tuple[str, ...] = ()) -> dict[str, Any]:
    """Field metadata: the reference text, the rule and, for a choice, its options."""
    return {"doc": text, "check": check, "choices": choices}


# ruff's N815 (mixedCase class attributes) is off for this module: see the docstring.


@dataclass(frozen=True, kw_only=True)
class Image:
    repository: str = field(metadata=doc(
        "Image to run, without its tag; include your registry host for Harbor, "
        "e.g. harbor.example.com/book/tomcat.", v.image_repository))
    tag: str = field(metadata=doc(
        "Image tag, a pinned version with a number in it (v1, 9.0.85); empty, 'latest' and "
        "names without a version (stable, alpine) are refused.", v.image_tag))
    digest: str = field(default="", metadata=doc(
        "Image digest, sha256:<64 hex>, to pin the exact image: the pod runs "
        "repository:tag@digest; empty pins by the tag alone.", v.image_digest))
    pullPolicy: str = field(default="IfNotPresent", metadata=doc(
        "When the kubelet pulls the image.", v.pull_policy, v.PULL_POLICIES))


@dataclass(frozen=True, kw_only=True)
class Probe:
    style: str = field(default="http", metadata=doc(
        "Business-level health check: http (GET livenessPath/readinessPath), tcp (connect "
        "to the port) or exec (run command in the container).", None, PROBE_STYLES))
    livenessPath: str = field(default="/healthz", metadata=doc(
        "HTTP path of the liveness check (style http).", v.http_path))
    readinessPath: str = field(default="/readiness", metadata=doc(
        "HTTP path of the readiness check (style http).", v.http_path))
    port: int | None = field(default=None, metadata=doc(
        "Port the checks use (styles http and tcp); empty means the container port.", v.port))
    command: tuple[str, ...] = field(default=("cat", "/tmp/health"), metadata=doc(
        "Command the checks run (style exec); exit code 0 means healthy; {port} stands for the "
        "port answer.", v.non_empty_list))
    readinessCommand: tuple[str, ...] = field(default=(), metadata=doc(
        "Command of the readiness check instead of the style's check (\"can serve\" where "
        "liveness says \"is alive\"), e.g. mysql's mysqladmin ping; empty: the style's check; "
        "{port} stands for the port answer."))
    startupSeconds: int = field(default=120, metadata=doc(
        "Seconds the server may take to start before liveness applies (the start-up probe's "
        "budget, a multiple of periodSeconds rounded up).", v.positive))
    initialDelaySeconds: int = field(default=15, metadata=doc(
        "Seconds before the first liveness check.", v.not_negative))
    readinessInitialDelaySeconds: int = field(default=5, metadata=doc(
        "Seconds before the first readiness check.", v.not_negative))
    timeoutSeconds: int = field(default=1, metadata=doc(
        "Seconds a check may take; less than periodSeconds (the seed: a check ends before "
        "the next starts).", v.positive))
    periodSeconds: int = field(default=10, metadata=doc(
        "Seconds between checks.", v.positive))


@dataclass(frozen=True, kw_only=True)
class Config:
    env: dict[str, str] = field(default_factory=dict, metadata=doc(
        "Environment values, kept in the chart's ConfigMap and passed to the container.",
        v.env_names))
    args: tuple[str, ...] = field(default=(), metadata=doc(
        "Command-line arguments, kept in the ConfigMap; they replace the image's CMD."))
    files: tuple[str, ...] = field(default=(), metadata=doc(
        "Local config files copied into the chart (files/config/) and mounted one by one "
        "at mountPath from the ConfigMap. Relative paths are read from the answers file's "
        "folder, or the current folder.", v.config_file_names))
    mountPath: str = field(metadata=doc(
        "Folder in the container where config files appear.", v.absolute_path))


# Where a generated key the image reads from a file (the profile's contract.fileEnv) is mounted.
GENERATED_FILES_PATH = "/run/secrets/generated"


@dataclass(frozen=True, kw_only=True)
class Secrets:
    generate: tuple[str, ...] = field(default=(), metadata=doc(
        "Variables whose values the chart generates at random into the Secret NAME-generated "
        "on the first install and keeps across upgrades (e.g. MYSQL_ROOT_PASSWORD); never "
        "written in values or answers.", v.env_list))
    env: dict[str, str] = field(default_factory=dict, metadata=doc(
        "Variables from keys of Secrets you create yourself: NAME=SECRET/KEY, e.g. "
        "DB_PASSWORD=book-db/password.", v.secret_env))
    envFrom: tuple[str, ...] = field(default=(), metadata=doc(
        "Secrets you create yourself whose every key becomes a variable.", v.secret_names))
    files: dict[str, str] = field(default_factory=dict, metadata=doc(
        "Secrets you create yourself mounted as files, read-only: SECRET=FOLDER, e.g. "
        "book-tls=/etc/tls.", v.secret_files))


@dataclass(frozen=True, kw_only=True)
class Persistence:
    enabled: bool = field(default=False, metadata=doc(
        "Keep data on a PersistentVolumeClaim (shared storage such as GlusterFS); when "
        "false, mountPath is an emptyDir that lives as long as the pod."))
    size: str = field(default="1Gi", metadata=doc("Size of the claim.", v.quantity))
    storageClass: str = field(default="", metadata=doc(
        "StorageClass of the claim, e.g. glusterfs; empty uses the cluster's default.",
        v.subdomain_or_empty))
    accessMode: str = field(default="ReadWriteOnce", metadata=doc(
        "Access mode of the claim.", v.access_mode, v.ACCESS_MODES))
    mountPath: str = field(metadata=doc(
        "Folder in the container where the data lives.", v.absolute_path))
    subPath: str = field(default="", metadata=doc(
        "Folder of the claim mounted at mountPath; empty mounts the claim's root. A folder "
        "keeps the claim's lost+found out of the data (mysql's default: data).", v.sub_path))


@dataclass(frozen=True, kw_only=True)
class Ingress:
    enabled: bool = field(default=False, metadata=doc("Expose the service through an Ingress."))
    host: str = field(default="", metadata=doc(
        "Host name of the Ingress; empty means NAME.domain.", v.host_or_empty))
    domain: str = field(default="example.com", metadata=doc(
        "Domain that builds the default host; set it once for a fleet in batch defaults.",
        v.host_or_empty))
    path: str = field(default="/", metadata=doc("URL path routed to the service.", v.http_path))
    className: str = field(default="", metadata=doc(
        "IngressClass, e.g. nginx; empty uses the cluster's default.", v.subdomain_or_empty))
    tlsSecret: str = field(default="", metadata=doc(
        "Secret holding the TLS certificate for host; empty means plain HTTP.",
        v.subdomain_or_empty))


# The ingress controller's namespace: each chart's networkPolicy.ingressNamespace and, by
# default, the namespaces chart's ingressControllerNamespace; the two policies name the same one.
INGRESS_CONTROLLER_NAMESPACE = "ingress-nginx"


@dataclass(frozen=True, kw_only=True)
class NetworkPolicy:
    enabled: bool = field(default=True, metadata=doc(
        "A NetworkPolicy for the pods: only the release's own pods, the business's pods, the "
        "ingress controller (with an Ingress) and fromNamespaces may connect to them; a cronjob's "
        "or job's pods admit nothing. Off for charts made before mkchart had it (regen keeps them so)."))
    fromNamespaces: tuple[str, ...] = field(default=(), metadata=doc(
        "Namespaces whose pods may connect to the service's port, e.g. book-web (services only).",
        v.namespace_names))
    ingressNamespace: str = field(default=INGRESS_CONTROLLER_NAMESPACE, metadata=doc(
        "Namespace of the ingress controller, whose pods reach the service's port while "
        "ingress.enabled.", v.dns_label))
    egress: tuple[str, ...] = field(default=(), metadata=doc(
        "Where the pods may connect to: CIDR blocks (10.20.0.0/16) or namespace names; empty "
        "leaves outgoing connections open. When set, DNS and the release's and business's own pods "
        "are allowed too.", v.egress_targets))


@dataclass(frozen=True, kw_only=True)
class Autoscaling:
    enabled: bool = field(default=False, metadata=doc(
        "A HorizontalPodAutoscaler sets the number of pods between minReplicas and maxReplicas "
        "instead of replicas (a deployment of a type that runs more than one server only)."))
    minReplicas: int = field(default=2, metadata=doc(
        "Fewest pods the autoscaler keeps.", v.positive))
    maxReplicas: int = field(default=5, metadata=doc(
        "Most pods the autoscaler starts; at least minReplicas.", v.positive))
    targetCPU: int = field(default=80, metadata=doc(
        "Average CPU use the autoscaler aims at, in percent of resources.requests.cpu.", v.utilization))
    targetMemory: int = field(default=0, metadata=doc(
        "Average memory use the autoscaler aims at, in percent of resources.requests.memory; "
        "0: no memory target.", v.utilization_or_zero))


@dataclass(frozen=True, kw_only=True)
class Job:
    concurrencyPolicy: str = field(default="Forbid", metadata=doc(
        "What a CronJob does when a run is due while the last one still runs: Forbid skips "
        "the new run (two runs never share data), Allow runs both, Replace stops the old one.",
        None, CONCURRENCY_POLICIES))
    startingDeadlineSeconds: int = field(default=300, metadata=doc(
        "Seconds after its time a missed CronJob run may still start (the controller down, "
        "the last run still going); later, the run is skipped and counted as missed.", v.positive))
    successfulJobsHistoryLimit: int = field(default=3, metadata=doc(
        "Successful runs a CronJob keeps (Jobs, with their pods and logs).", v.not_negative))
    failedJobsHistoryLimit: int = field(default=3, metadata=doc(
        "Failed runs a CronJob keeps (Jobs and their status; the pod of a run that failed for good "
        "is stopped, so its log is in central logging, not on the pod).", v.not_negative))
    backoffLimit: int = field(default=2, metadata=doc(
        "Retries of a failed run before the Job counts as failed.", v.not_negative))
    activeDeadlineSeconds: int = field(default=3600, metadata=doc(
        "Seconds a run may take in all, retries included, before it is stopped and failed "
        "(a hung task never blocks the next ones under Forbid).", v.positive))
    ttlSecondsAfterFinished: int = field(default=86400, metadata=doc(
        "Seconds a finished Job (workload job) and its pods are kept before Kubernetes deletes "
        "them; a CronJob keeps its history limits instead.", v.not_negative))
    hook: tuple[str, ...] = field(default=(), metadata=doc(
        "Run the Job (workload job) as a Helm hook at these points of its release, e.g. "
        "pre-install,pre-upgrade for a schema migration (in a parent chart as a dependency, "
        "it runs before the parent's pods change); empty: an ordinary Job.", v.hook_events))
    hookWeight: int = field(default=0, metadata=doc(
        "Order among hooks of the same point, lowest first (Helm's hook weight).", v.int32))
    hookDeletePolicy: tuple[str, ...] = field(default=("before-hook-creation",), metadata=doc(
        "When Helm deletes the hook's Job: before-hook-creation (the default: the last run "
        "stays for its logs), hook-succeeded, hook-failed.", v.hook_delete_policies))


@dataclass(frozen=True, kw_only=True)
class Quantities:
    cpu: str = field(metadata=doc("CPU, e.g. 250m or 1.", v.quantity))
    memory: str = field(metadata=doc("Memory, e.g. 512Mi or 1Gi.", v.quantity))


@dataclass(frozen=True, kw_only=True)
class Resources:
    requests: Quantities = field(metadata=doc("What the scheduler reserves for the container."))
    limits: Quantities = field(metadata=doc("The most the container may use."))


@dataclass(frozen=True, kw_only=True)
class EnvQuantities:
    cpu: str = field(default="", metadata=doc(
        "CPU in this environment, e.g. 100m; empty: the chart's (resources).", v.quantity_or_empty))
    memory: str = field(default="", metadata=doc(
        "Memory in this environment, e.g. 256Mi; empty: the chart's (resources).", v.quantity_or_empty))


@dataclass(frozen=True, kw_only=True)
class EnvResources:
    requests: EnvQuantities = field(default_factory=EnvQuantities, metadata=doc(
        "What the scheduler reserves in this environment."))
    limits: EnvQuantities = field(default_factory=EnvQuantities, metadata=doc(
        "The most the container may use in this environment."))


@dataclass(frozen=True, kw_only=True)
class Environment:
    replicas: int | None = field(default=None, metadata=doc(
        "Pods in this environment (services only); empty: the replicas answer. Above 1 refused "
        "while autoscaling.enabled (the autoscaler sets the pods).", v.positive))
    resources: EnvResources = field(default_factory=EnvResources, metadata=doc(
        "Requests and limits in this environment, each empty for the chart's."))
    ingressHost: str = field(default="", metadata=doc(
        "Host of the Ingress in this environment; empty: NAME.ENV.DOMAIN (production, prod or "
        "production: the chart's host), so no two environments share a host.", v.host_or_empty))
    pullPolicy: str = field(default="", metadata=doc(
        "When the kubelet pulls the image in this environment (Always for a tag rebuilt in "
        "dev); empty: the chart's.", v.pull_policy_or_empty, ("", *v.PULL_POLICIES)))
    values: dict[str, str] = field(default_factory=dict, metadata=doc(
        "More values for this environment, by their dotted path in values.yaml, e.g. "
        "config.env.LOG_LEVEL=debug.", v.values_paths))


DEFAULT_KUBE_VERSION = ">=1.29.0-0"


@dataclass(frozen=True, kw_only=True)
class Metadata:
    # Empty answers stand for defaults derived from other answers (the business, the server
    # type's profile), so a record keeps only what a team chose (see tree.to_tree).
    maintainers: tuple[str, ...] = field(default=(), metadata=doc(
        "People who maintain the chart, each \"Name <email>\" or a name alone, e.g. "
        "\"book team <book@example.com>,Li Lei\"; empty: one maintainer, BUSINESS team "
        "(book team).", v.maintainers))
    home: str = field(default="", metadata=doc(
        "URL of the service's home page (http or https); empty: none.", v.url_or_empty))
    sources: tuple[str, ...] = field(default=(), metadata=doc(
        "URLs of the service's source code, e.g. its Git repository (http or https).", v.urls))
    icon: str = field(default="", metadata=doc(
        "URL of the chart's icon (http or https; SVG or PNG); empty: the server type's own "
        "(chart.icon of its profile), else a generic one.", v.url_or_empty))
    kubeVersion: str = field(default=DEFAULT_KUBE_VERSION, metadata=doc(
        "Kubernetes versions the chart installs on, a semver constraint as Helm reads it "
        "(-0 lets pre-release builds such as EKS's 1.29.0-eks match); empty: no constraint.",
        v.semver_constraint_or_empty))
    keywords: tuple[str, ...] = field(default=(), metadata=doc(
        "Search words of the chart (a chart repository's search); empty: the server type and "
        "the business.", v.keywords))


def default_environments() -> dict[str, Environment]:
    """The seed's four environments, one namespace each: dev and test with one pod."""
    return {"dev": Environment(replicas=1), "test": Environment(replicas=1), "staging": Environment(),
            "prod": Environment()}


@dataclass(frozen=True, kw_only=True)
class Answers:
    name: str = field(metadata=doc(
        "Chart and service name, business-servertype-identifier such as book-tomcat-n1: "
        "lowercase letters, digits and '-', starting with a letter, at most 63.", v.chart_name))
    business: str = field(metadata=doc(
        "Business (product) the service belongs to; from the name's first part.",
        v.dns_label_or_empty))
    serverType: str = field(metadata=doc(
        "Server type: picks the profile of default image, port, probe, paths and user."))
    workload: str = field(default="deployment", metadata=doc(
        "What runs the pods: deployment (interchangeable pods), statefulset (each pod its "
        "own claim and DNS name: databases, ZooKeeper), cronjob (a task on a schedule) or "
        "job (a task run once); the default comes from the server type.", None, WORKLOADS))
    instance: str = field(default="", metadata=doc(
        "Instance identifier, e.g. n1 or m1; from the name's last part.", v.dns_label_or_empty))
    image: Image = field(metadata=doc("Container image."))
    port: int = field(metadata=doc("Port the container listens on.", v.port))
    probe: Probe = field(default_factory=Probe, metadata=doc("Health checks."))
    config: Config = field(metadata=doc("Configuration kept out of the image, in a ConfigMap."))
    secrets: Secrets = field(default_factory=Secrets, metadata=doc(
        "Passwords, tokens and keys: kept in Secrets, never in a ConfigMap, values.yaml or "
        "answers."))
    persistence: Persistence = field(metadata=doc("Persistent data."))
    ingress: Ingress = field(default_factory=Ingress, metadata=doc("Outside access."))
    networkPolicy: NetworkPolicy = field(default_factory=NetworkPolicy, metadata=doc(
        "Who may connect to the pods, and where they may connect to."))
    memoryPercent: int = field(default=75, metadata=doc(
        "Share of resources.limits.memory, in percent, the server keeps its data in: "
        "ZooKeeper's JVM heap, Redis's maxmemory (types whose profile has a memory budget); "
        "the rest is headroom, so the container is not killed for its memory.", v.percent))
    password: bool = field(default=False, metadata=doc(
        "Protect the server with a random password generated into a Secret on the first "
        "install (types whose profile takes one, such as redis)."))
    timezone: str = field(default="Asia/Shanghai", metadata=doc(
        "Time zone of the container, set through the TZ variable.", v.timezone))
    timezoneFromHost: bool = field(default=False, metadata=doc(
        "Also mount the node's /usr/share/zoneinfo/TIMEZONE at /etc/localtime (the seed's "
        "way). A hostPath volume: the pod then no longer meets the restricted or baseline "
        "Pod Security Standard."))
    replicas: int = field(default=1, metadata=doc(
        "Number of pods (services only); ZooKeeper: 1, or an odd number from 3 for an "
        "ensemble; mysql and redis: 1.", v.positive))
    podDisruptionBudget: bool = field(default=True, metadata=doc(
        "A PodDisruptionBudget while more than one pod runs (replicas, or autoscaling.minReplicas): "
        "a node drain takes one pod at a time, an ensemble keeps its quorum. Off for deployment "
        "charts made before mkchart had one, which may have a templates/pdb.yaml of their own "
        "(two budgets over one pod block every eviction)."))
    autoscaling: Autoscaling = field(default_factory=Autoscaling, metadata=doc(
        "A HorizontalPodAutoscaler (autoscaling/v2) for a deployment."))
    schedule: str = field(default="", metadata=doc(
        "When a cronjob runs: five fields (minute hour day-of-month month day-of-week, e.g. "
        "\"0 2 * * *\" for 02:00 daily) or @hourly, @daily, @weekly, @monthly, @yearly; read "
        "in the timezone answer.", v.cron_schedule))
    job: Job = field(default_factory=Job, metadata=doc("How a cronjob or job runs."))
    resources: Resources = field(metadata=doc("Requests and limits of the container."))
    imagePullSecrets: tuple[str, ...] = field(default=(), metadata=doc(
        "Secrets for pulling from a private registry such as Harbor.", v.secret_names))
    environments: dict[str, Environment] = field(default_factory=default_environments, metadata=doc(
        "The environments the chart is installed into, one namespace each, and what differs "
        "in each: ENV=SETTINGS, one values-ENV.yaml per environment. --set environments=dev,prod "
        "lists them anew; --set environments.prod.replicas=3 sets one answer of one.",
        v.environment_names))
    # Compact: the record keeps only the metadata answers that differ from the defaults.
    metadata: Metadata = field(default_factory=Metadata, metadata={**doc(
        "The chart's own metadata in Chart.yaml: maintainers, home, sources, icon, "
        "kubeVersion, keywords."), "compact": True})
