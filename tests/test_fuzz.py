"""Seeded, bounded fuzzing of uploads, ingest and metadata: no crash, no hang, only clear errors.

The larger run (thousands of inputs, with counts of what they found) is bench/fuzz.py.
"""
import time

from hypothesis import HealthCheck, given, seed, settings

from core.catalog import read_catalog, read_metadata
from core.errors import AtelierError, BadImageError
from core.images import load_image
from fuzzing import hostile_images, hostile_metadata

FAST = settings(max_examples=400, deadline=3000, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                derandomize=True)


@seed(1234)
@FAST
@given(hostile_images())
def test_upload_path_never_crashes_or_hangs(data):
    t0 = time.perf_counter()
    try:
        img = load_image(data, max_pixels=40_000_000)
        assert img.mode == "RGB" and min(img.size) >= 8
    except BadImageError as exc:
        assert str(exc)  # a message for the user, never empty
    assert time.perf_counter() - t0 < 3


@seed(99)
@settings(max_examples=200, deadline=3000, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_metadata())
def test_metadata_files_never_crash_the_reader(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("meta")
    for name in ("m.csv", "m.jsonl"):
        (folder / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        rows, problems = read_metadata(folder / name)
        assert isinstance(rows, list) and isinstance(problems, list)


def test_ingest_of_a_hostile_folder_indexes_the_good_and_lists_the_bad(tmp_path, tiny_clip):
    from hypothesis.strategies import lists

    from conftest import tiny_settings
    from core.ingest import ingest_catalog
    from core.store import IndexStore

    samples = []

    @seed(7)
    @settings(max_examples=1, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(lists(hostile_images(), min_size=60, max_size=60), hostile_metadata())
    def draw(files, meta):
        samples.append((files, meta))

    draw()
    files, meta = samples[0]
    folder = tmp_path / "cat"
    folder.mkdir()
    for n, data in enumerate(files):
        (folder / f"f{n:03d}.{['png', 'jpg', 'webp'][n % 3]}").write_bytes(data)
    (folder / "catalog.csv").write_text(meta, encoding="utf-8", errors="surrogatepass")
    settings_ = tiny_settings(tmp_path)
    t0 = time.perf_counter()
    report = ingest_catalog(folder, IndexStore(settings_), tiny_clip, settings_)
    assert time.perf_counter() - t0 < 120
    assert report.added + len(report.skipped) == len(read_catalog(folder).items)
    assert all(s["reason"] for s in report.skipped)
    good = 0
    for n, data in enumerate(files):
        try:
            load_image(data)
            good += 1
        except AtelierError:
            pass
    assert report.added == good
