"""The build cache never serves a stale page: after any change, the incremental site is
byte-identical to a fresh build, and only the pages that depend on the change re-run."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from conftest import build_or_fail, read_rows, shared, write_rows
from tspolicy import cache, paths
from tspolicy.build import PlanError, build, parse_shard, read_plan
from tspolicy.parameters import NOTEBOOKS
from tspolicy.site import dataset_version

VERSION = re.compile(r'class="data-version"[^>]*>([^<]+)<')


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _build(project, out: Path, **options):
    result = build(
        plan_path=project["plan"],
        out=out,
        data_dir=project["data"],
        figures_dir=None,
        progress=False,
        **options,
    )
    assert not result.failed, [r.error for r in result.failed]
    return result


def _check_against_fresh(project, out: Path, result) -> None:
    """The incremental site is what a fresh build of the changed inputs writes.

    The pages the build ran again are fresh by construction; the ones it kept as "up to
    date" are run again here, on the changed inputs (with the index, the keys and the site
    key), in a copy of the site: any page the cache kept although its inputs changed, and
    any stale file beside the pages, shows as a difference.
    """
    kept = sorted(
        {key.split("/", 1)[1] for key, why in result.reasons.items() if why == "up to date"}
    )
    assert kept, "some pages did not depend on the change"
    fresh = project["tmp"] / "fresh"
    shutil.copytree(out, fresh)
    again = _build(project, fresh, force=True, only=kept)
    assert sorted(again.rebuilt) == sorted(f"en/{name}" for name in kept)
    assert _tree(out) == _tree(fresh), "the incremental site equals a fresh build"


@pytest.fixture
def base(request, tmp_path_factory):
    """A plan (English only, every report), its data, and the site built from them, once."""

    def make() -> Path:
        root = tmp_path_factory.mktemp("base")
        folder = root / "notebooks"
        shutil.copytree(paths.NOTEBOOKS_DIR, folder, ignore=shutil.ignore_patterns("*.yml"))
        plan = yaml.safe_load((paths.NOTEBOOKS_DIR / "reports.yml").read_text(encoding="utf-8"))
        plan["languages"] = ["en"]
        (folder / "reports.yml").write_text(yaml.safe_dump(plan), encoding="utf-8")
        shutil.copytree(paths.DATA_DIR, root / "data")
        out = root / "site"
        build_or_fail(
            "the English site",
            plan_path=folder / "reports.yml",
            out=out,
            data_dir=root / "data",
            figures_dir=None,
        )
        return root

    return shared(request, "test_incremental's English site", make)


@pytest.fixture
def project(tmp_path, base):
    """A copy of the base project and its built site, which a test may change."""
    for name in ("notebooks", "data", "site"):
        shutil.copytree(base / name, tmp_path / name, symlinks=True)
    return {
        "plan": tmp_path / "notebooks" / "reports.yml",
        "data": tmp_path / "data",
        "tmp": tmp_path,
    }


def test_nothing_changed_builds_nothing(project):
    out = project["tmp"] / "site"
    before = _tree(out)
    again = _build(project, out)
    assert again.rebuilt == [] and set(again.reasons.values()) == {"up to date"}
    assert _tree(out) == before


def _versions(site: Path) -> dict[str, set[str]]:
    """The data version each HTML file of a site prints."""
    return {
        p.relative_to(site).as_posix(): set(VERSION.findall(p.read_text(encoding="utf-8")))
        for p in sorted(site.rglob("*.html"))
    }


def test_a_data_file_no_page_reads_still_restamps_every_page(project, base):
    """The data version is one function of the whole data folder (site.dataset_version):
    an incremental build prints the version a fresh build would, on every page and the
    index, even when the change (here data/README.md) reruns no page."""
    out = project["tmp"] / "site"
    readme = project["data"] / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nA reworded note.\n", "utf-8")
    old, new = dataset_version(base / "data"), dataset_version(project["data"])
    assert old != new
    result = _build(project, out)
    assert result.rebuilt == [], "no page reads the README: none runs again"
    versions = _versions(out)
    assert versions and set(versions) >= {"index.html", "en/timeline.html"}
    assert all(found == {new} for found in versions.values()), versions
    # What a fresh build would write: the base site with the new version in place of the old.
    expected = {
        name: data.replace(old.encode(), new.encode())
        for name, data in _tree(base / "site").items()
    }
    changed = _tree(out)
    assert changed.keys() == expected.keys()
    assert [n for n in expected if n != ".cache/site.json" and expected[n] != changed[n]] == []


def test_one_figure_rebuilds_only_the_pages_reading_it(project):
    out = project["tmp"] / "site"
    path = project["data"] / "figures.csv"
    rows = read_rows(path)
    next(r for r in rows if r[0] == "F013")[rows[0].index("value")] = "1480"  # IJM rescued
    write_rows(path, rows)
    result = _build(project, out)
    assert sorted(result.rebuilt) == ["en/enforcement", "en/overview", "en/sources"]
    assert result.reasons["en/enforcement"] == "rebuilt: data changed (figures.csv)"
    assert result.reasons["en/platform_shares"] == "up to date"
    _check_against_fresh(project, out, result)


def test_a_context_series_rebuilds_the_pages_showing_it(project):
    out = project["tmp"] / "site"
    path = project["data"] / "context" / "ncmec_reports_by_platform.csv"
    rows = read_rows(path)
    rows[-1][-1] = str(int(rows[-1][-1]) + 1)
    write_rows(path, rows)
    assert sorted(_build(project, out).rebuilt) == ["en/content_counts", "en/overview"]


def test_an_event_rebuilds_the_timeline(project):
    out = project["tmp"] / "site"
    path = project["data"] / "events.csv"
    rows = read_rows(path)
    rows[1][rows[0].index("event")] = rows[1][rows[0].index("event")] + " (reworded)"
    write_rows(path, rows)
    assert sorted(_build(project, out).rebuilt) == ["en/overview", "en/sources", "en/timeline"]


def test_a_notebook_change_rebuilds_its_page(project, base):
    out = project["tmp"] / "site"
    path = project["plan"].parent / NOTEBOOKS["timeline"]
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("rep.narrative()"))
    nbformat.write(nb, path)
    result = _build(project, out)
    assert (
        result.rebuilt == ["en/timeline"]
        and result.reasons["en/timeline"] == "rebuilt: notebook changed"
    )
    # A notebook is read by its page only: the rest of the site is the base's, byte for byte.
    before, after = _tree(base / "site"), _tree(out)
    assert after.keys() == before.keys()
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == [".cache/en/timeline.json", "en/timeline.html", "en/timeline.ipynb"]
    assert len(after["en/timeline.html"]) > len(before["en/timeline.html"]), "the new cell shows"


def test_a_parameter_change_rebuilds_its_page(project):
    out = project["tmp"] / "site"
    plan = yaml.safe_load(project["plan"].read_text(encoding="utf-8"))
    next(e for e in plan["reports"] if e["name"] == "platform_shares")["parameters"][
        "highlight"
    ] = "Instagram"
    project["plan"].write_text(yaml.safe_dump(plan), encoding="utf-8")
    result = _build(project, out)
    assert result.rebuilt == ["en/platform_shares"]
    assert result.reasons["en/platform_shares"] == "rebuilt: parameters or options changed"


def test_package_code_or_environment_change_rebuilds_everything(project, base, monkeypatch):
    """A real change to a file of the package (a template) and to requirements.lock, read
    where the build reads them: every page runs again, each saying both reasons."""
    out = project["tmp"] / "site"
    package = project["tmp"] / "package"
    shutil.copytree(paths.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    template = package / "templates" / "site" / "report.html.j2"
    template.write_text(template.read_text(encoding="utf-8") + "{# reworded #}\n", "utf-8")
    checkout = project["tmp"] / "checkout"
    checkout.mkdir()
    lock = (paths.ROOT / "requirements.lock").read_bytes()
    (checkout / "requirements.lock").write_bytes(lock + b"# a pin changed\n")
    monkeypatch.setattr(paths, "PACKAGE_DIR", package)
    monkeypatch.setattr(paths, "ROOT", checkout)
    result = _build(project, out)
    assert sorted(result.rebuilt) == sorted(f"en/{name}" for name in NOTEBOOKS)
    assert set(result.reasons.values()) == {
        "rebuilt: tspolicy package code changed; locked environment changed"
    }
    # The code that runs is the same (the template's change is a comment): so are the pages.
    before, after = _tree(base / "site"), _tree(out)
    assert after.keys() == before.keys()
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed and all(name.startswith(".cache/") for name in changed), changed


def test_code_hash_covers_sources_strings_and_templates(tmp_path, monkeypatch):
    """Any file of the package changes the code hash (so every page rebuilds); compiled
    caches do not."""
    installed = cache.code_hash()
    package = tmp_path / "tspolicy"
    shutil.copytree(paths.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(paths, "PACKAGE_DIR", package)
    seen = {cache.code_hash()}
    assert seen == {installed}, "the same files hash alike, wherever they are"
    (package / "__pycache__").mkdir(exist_ok=True)
    (package / "__pycache__" / "site.cpython-311.pyc").write_bytes(b"compiled")
    assert cache.code_hash() in seen, "a compiled cache is not code"
    for name in ("strings.yaml", "templates/site/report.html.j2", "formatting.py"):
        path = package / name
        path.write_bytes(path.read_bytes() + b"\n")
        assert cache.code_hash() not in seen, f"a change to {name} changes the hash"
        seen.add(cache.code_hash())
    (package / "templates" / "site" / "new.html.j2").write_text("x", encoding="utf-8")
    assert cache.code_hash() not in seen, "a new file counts too"


def test_force_and_a_deleted_page(project):
    out = project["tmp"] / "site"
    assert _build(project, out, force=True, only=["timeline"]).rebuilt == ["en/timeline"]
    (out / "en/timeline.html").unlink()
    result = _build(project, out)
    assert (
        result.rebuilt == ["en/timeline"]
        and result.reasons["en/timeline"] == "rebuilt: the page file is missing"
    )


def test_a_failed_build_leaves_the_cache_true(project):
    out = project["tmp"] / "site"
    keys = _tree(out / cache.CACHE_DIR)
    path = project["plan"].parent / NOTEBOOKS["timeline"]
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].source = "raise RuntimeError('boom')"
    nbformat.write(nb, path)
    result = build(
        plan_path=project["plan"],
        out=out,
        data_dir=project["data"],
        figures_dir=None,
        progress=False,
    )
    assert result.failed and _tree(out / cache.CACHE_DIR) == keys


def test_shards_cover_the_plan_exactly_once():
    plan = read_plan()
    everything = [job.key for job in plan.jobs()]
    for count in (1, 2, 3, 4, 7, 40):
        pages = [job.key for i in range(1, count + 1) for job in plan.jobs(shard=(i, count))]
        assert sorted(pages) == sorted(everything), count


@pytest.mark.parametrize("text", ["0/2", "3/2", "a/b", "2"])
def test_bad_shard(text):
    with pytest.raises(PlanError, match="--shard"):
        parse_shard(text)


def test_sharded_builds_merge_into_the_full_site(project, base):
    """Two shards of a two-report plan, built apart and copied together, are the full site:
    each page as the base site has it (a page does not depend on the others in the plan)."""
    plan = yaml.safe_load(project["plan"].read_text(encoding="utf-8"))
    plan["reports"] = [e for e in plan["reports"] if e["name"] in {"timeline", "platform_shares"}]
    project["plan"].write_text(yaml.safe_dump(plan), encoding="utf-8")
    shards = []
    for i in (1, 2):
        out = project["tmp"] / f"shard-{i}"  # fresh folders: each shard builds its pages
        result = _build(project, out, shard=(i, 2))
        assert not (out / "index.html").exists()
        assert len(result.rebuilt) == 1, result.rebuilt
        shards.append((out, result.rebuilt))
    assert sorted(shards[0][1] + shards[1][1]) == ["en/platform_shares", "en/timeline"]
    merged = project["tmp"] / "merged"
    for out, _ in shards:
        shutil.copytree(out, merged, dirs_exist_ok=True)
    final = _build(project, merged)
    assert final.rebuilt == [] and (merged / "index.html").is_file()
    whole, built = _tree(base / "site"), _tree(merged)
    pages = {
        f"{folder}en/{name}.{ext}"
        for name in ("timeline", "platform_shares")
        for folder, ext in (("", "html"), ("", "ipynb"), (".cache/", "json"))
    }
    assert pages <= built.keys()
    assert {name: built[name] for name in pages} == {name: whole[name] for name in pages}
    index = built["index.html"].decode()
    assert "en/timeline.html" in index and "en/sources.html" not in index
