"""What to do with a new chart: lint it, render it, install it per environment."""

from __future__ import annotations

from pathlib import Path

from mkchart.i18n import t

# One namespace per environment, the seed's rule.
ENVIRONMENTS = ("dev", "test", "staging", "prod")


def next_steps(name: str, chart: str) -> list[str]:
    lines = [t("w.next"), f"  {t('w.next_lint')}", f"    helm lint --strict {chart}",
             f"  {t('w.next_template')}", f"    helm template {name} {chart}", f"  {t('w.next_install')}"]
    for env in ENVIRONMENTS:
        # Two lines each, so that every line fits 80 columns and still pastes as one command.
        lines += [f"    helm upgrade --install {name} {chart} \\", f"      --namespace {env} --create-namespace"]
    return lines


def chart_path(target: Path) -> str:
    """The chart folder as helm should be given it: ./NAME, never a bare NAME that helm
    could take for a repository chart."""
    text = str(target)
    return text if target.is_absolute() or text.startswith(".") else f"./{text}"
