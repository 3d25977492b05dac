"""`advisor diff`: the impact of rule edits on the example profiles, against a directory or git."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .test_cli import ROOT, advisor

RULES = ROOT / "rules"
PROFILES = ROOT / "examples" / "profiles"

#: One rule edit: the smuggling-hub rule fires from GI-TOC human smuggling 8 instead of 9
#: (thresholds sit between the half points GI-TOC gives: 7.75 for 8, 8.75 for 9)
#: (Libya scored 8.0 in the 2021 edition, 9.5 in 2023) and makes joint task forces critical.
SMUGGLING_HUB_EDIT = {
    "borders.yaml": [
        (
            "when: goci.human_smuggling >= 8.75 and signal weak-border-control",
            "when: goci.human_smuggling >= 7.75 and signal weak-border-control",
        ),
        (
            "- {measure: joint-threat-task-forces, priority: high}\n    because: >-\n"
            "      Human smuggling scores",
            "- {measure: joint-threat-task-forces, priority: critical}\n    because: >-\n"
            "      Human smuggling scores",
        ),
    ]
}

LIBYA_IMPACT = """\
### Libya (2023): `libya-2023.yaml`

| Measure | Change | Before | After | Rules responsible |
|---|---|---|---|---|
| `joint-border-training` | priority raised | high | critical | \
`fragmented-smuggling-hub` now fires (recommends critical) |
| `joint-threat-task-forces` | priority raised | high | critical | \
`fragmented-smuggling-hub` now fires (recommends critical) |

### Libya (2024): `libya-2024.yaml`

| Measure | Change | Before | After | Rules responsible |
|---|---|---|---|---|
| `joint-threat-task-forces` | priority raised | high | critical | \
`fragmented-smuggling-hub` recommends critical (was: recommends high) |

No change: `algeria-2024.yaml`, `egypt-2024.yaml`, `morocco-2024.yaml`, `tunisia-2024.yaml`.
"""


def edit(rules: Path, edits: dict[str, list[tuple[str, str]]]) -> None:
    for name, replacements in edits.items():
        path = rules / name
        text = path.read_text(encoding="utf-8")
        for old, new in replacements:
            assert text.count(old) == 1, old
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")


def workspace(root: Path) -> None:
    """The project's rules as `before` and `after` (to edit), and its profiles, under root."""
    shutil.copytree(RULES, root / "before")
    shutil.copytree(RULES, root / "after")
    shutil.copytree(PROFILES, root / "profiles")


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Analyst",
        "GIT_AUTHOR_EMAIL": "analyst@example.org",
        "GIT_COMMITTER_NAME": "Analyst",
        "GIT_COMMITTER_EMAIL": "analyst@example.org",
    }
    result = subprocess.run(
        ["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_rule_edit_against_a_directory_is_reported_exactly(tmp_path: Path) -> None:
    workspace(tmp_path)
    edit(tmp_path / "after", SMUGGLING_HUB_EDIT)

    args = ("diff", "--base", "before", "--rules", "after", "--profiles", "profiles")
    result = advisor(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "## Rule change impact: 2 of 6 profiles change\n\n"
        "Before: `before`. After: `after`. Profiles: `profiles`.\n\n"
        "Rule set: changed rule `fragmented-smuggling-hub` (when, recommend).\n\n" + LIBYA_IMPACT
    )
    gate = advisor(*args, "--fail-on-change", cwd=tmp_path)
    assert (gate.returncode, gate.stdout) == (1, result.stdout)


def test_rule_repository_elsewhere_against_git_revisions(tmp_path: Path) -> None:
    """A repository with its rules in policy/rules: the base is the rules at a revision."""
    repo = tmp_path / "repo"
    shutil.copytree(RULES, repo / "policy" / "rules")
    shutil.copytree(PROFILES, repo / "policy" / "profiles")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "rules")
    args = ("diff", "--rules", "policy/rules", "--profiles", "policy/profiles")

    clean = advisor(*args, "--base", "HEAD", "--fail-on-change", cwd=repo)
    assert clean.returncode == 0, clean.stderr
    assert "## Rule change impact: 0 of 6 profiles change" in clean.stdout
    assert "Rule set: no change in meaning." in clean.stdout

    edit(repo / "policy" / "rules", SMUGGLING_HUB_EDIT)
    first = git(repo, "rev-parse", "HEAD")
    changed = advisor(*args, "--base", "HEAD", cwd=repo)
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.startswith(
        "## Rule change impact: 2 of 6 profiles change\n\n"
        f"Before: `HEAD` ({first[:12]}). After: `policy/rules`. Profiles: `policy/profiles`.\n"
    )
    assert changed.stdout.endswith(LIBYA_IMPACT)

    # Committed, the edit is what HEAD~1 lacks; run from inside the rules directory too.
    git(repo, "commit", "-q", "-am", "smuggling hub from 8")
    inside = advisor(
        "diff", "--base", "HEAD~1", "--rules", ".", "--profiles", "../profiles",
        cwd=repo / "policy" / "rules",
    )  # fmt: skip
    assert inside.returncode == 0, inside.stderr
    assert inside.stdout.endswith(LIBYA_IMPACT)


def test_bad_revisions_and_directories_exit_2_saying_why(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "rules").mkdir(parents=True)
    (repo / "README.md").write_text("no rules yet\n")
    git(repo, "init", "-q")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "start")
    shutil.copytree(PROFILES, repo / "profiles")
    for name in ("indicators.yaml", "measures.yaml", "signals.yaml", "borders.yaml"):
        shutil.copy(RULES / name, repo / "rules" / name)
    args = ("--profiles", "profiles")

    unknown = advisor("diff", "--base", "no-such-branch", *args, cwd=repo)
    assert (unknown.returncode, unknown.stdout) == (2, "")
    assert unknown.stderr == (
        "no-such-branch: neither a directory nor a revision of the git repository at rules\n"
    )
    absent = advisor("diff", "--base", "HEAD", *args, cwd=repo)
    assert absent.returncode == 2
    assert absent.stderr.startswith("rules/: not in revision HEAD (")

    outside = tmp_path / "outside"
    shutil.copytree(repo / "rules", outside / "rules")
    shutil.copytree(PROFILES, outside / "profiles")
    no_git = advisor("diff", "--base", "main", *args, cwd=outside)
    assert no_git.returncode == 2
    assert no_git.stderr == "main: not a directory, and rules is not in a git repository\n"

    no_profiles = advisor("diff", "--base", "rules", "--profiles", "nowhere", cwd=outside)
    assert (no_profiles.returncode, no_profiles.stderr) == (
        2,
        "nowhere: profile directory not found\n",
    )


def test_broken_rules_at_the_base_revision_are_named_by_revision(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(RULES, repo / "rules")
    shutil.copytree(PROFILES, repo / "profiles")
    borders = repo / "rules" / "borders.yaml"
    good = borders.read_text()
    borders.write_text(good.replace("goci.human_smuggling >= 8.75", "goci.human_smugling >= 8.75"))
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "typo")
    borders.write_text(good)

    result = advisor("diff", "--base", "HEAD", "--profiles", "profiles", cwd=repo)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        'HEAD:rules/borders.yaml:34:11: unknown indicator "goci.human_smugling" '
        '(did you mean "goci.human_smuggling"?)',
        "1 problem(s) in the rule files before the change, "
        f"`HEAD` ({git(repo, 'rev-parse', 'HEAD')[:12]})",
    ]


def test_withholding_edits_and_rules_that_change_no_measure(tmp_path: Path) -> None:
    workspace(tmp_path)
    edit(
        tmp_path / "after",
        {
            # P3 9.3 in 2023, 9.4 in 2024: surveillance technology withheld only in 2024
            "counterterrorism.yaml": [
                (
                    "when: fsi.p3_human_rights_rule_of_law >= 8.95 and signal governance",
                    "when: fsi.p3_human_rights_rule_of_law >= 9.35 and signal governance",
                )
            ],
            # now fires for Libya, where training is already recommended with high priority
            "security.yaml": [
                (
                    "when: fsi.c1_security_apparatus between 4.95 and 8.05"
                    " and not signal governance",
                    "when: fsi.c1_security_apparatus between 5 and 10 or signal governance",
                )
            ],
        },
    )
    result = advisor(
        "diff", "--base", "before", "--rules", "after", "--profiles", "profiles", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    libya_2023 = result.stdout.split("### Libya (2023)")[1].split("###")[0]
    assert (
        "| `surveillance-technology-transfer` | no longer withheld | withheld "
        "| medium; safeguards from `surveillance-technology-rights-safeguard` "
        "| `surveillance-technology-withheld-fragmented` no longer fires (withheld it) |"
    ) in libya_2023
    libya_2024 = result.stdout.split("### Libya (2024)")[1].split("\n\nNo change")[0]
    assert libya_2024 == (
        ": `libya-2024.yaml`\n\n"
        "Rules that fire differently without changing a measure: "
        "`stable-counterpart-training` now fires."
    )


def test_a_profile_one_rule_set_refuses(tmp_path: Path) -> None:
    shutil.copytree(RULES, tmp_path / "before")
    shutil.copytree(RULES, tmp_path / "after")
    (tmp_path / "profiles").mkdir()
    shutil.copy(PROFILES / "libya-2024.yaml", tmp_path / "profiles")
    profile = tmp_path / "profiles" / "libya-2024.yaml"
    profile.write_text(
        profile.read_text().replace("indicators:\n", "indicators:\n  local.new: 1\n")
    )
    (tmp_path / "after" / "new.yaml").write_text(
        "indicators:\n  - {id: local.new, title: A new observation, type: number}\n"
    )
    result = advisor(
        "diff", "--base", "before", "--rules", "after", "--profiles", "profiles", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "Rule set: added indicator `local.new`." in result.stdout
    assert (
        "The profile is refused by the rule set before the change: "
        "indicators.local.new: unknown indicator" in result.stdout
    )
    both = advisor(
        "diff", "--base", "before", "--rules", "before", "--profiles", "profiles", cwd=tmp_path
    )
    assert both.returncode == 2
    assert both.stderr.startswith("profiles/libya-2024.yaml: refused by both rule sets:\n")


def test_an_edit_that_reads_data_a_profile_lacks_is_reported(tmp_path: Path) -> None:
    # Egypt's profile gives no youth unemployment: a rule that now reads it cannot be
    # settled for Egypt, which the report says (the measure itself stays recommended).
    workspace(tmp_path)
    edit(
        tmp_path / "after",
        {
            "governance.yaml": [
                (
                    "when: fsi.p3_human_rights_rule_of_law >= 7.95\n",
                    "when: fsi.p3_human_rights_rule_of_law >= 7.95"
                    " and local.youth_unemployment_pct >= 0\n",
                )
            ]
        },
    )
    args = ("diff", "--base", "before", "--rules", "after", "--profiles", "profiles")
    result = advisor(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    egypt = result.stdout.split("### Egypt (2024): `egypt-2024.yaml`\n", 1)[1].split("###")[0]
    assert (
        "Missing data: `human-rights-deficit` is now undetermined for lack of "
        "`local.youth_unemployment_pct`." in egypt
    )
    assert "`libya-2024.yaml`" in result.stdout.split("No change: ", 1)[1]
