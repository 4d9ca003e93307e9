import json
from pathlib import Path

import pytest

from bench import run as bench
from bench.run import make_pairs_file


@pytest.fixture(scope="module")
def small_index(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("bench")
    result = bench.bench_index(750, workdir, jobs=1, queries=20, log=lambda *_: None)
    return workdir, result


def test_bench_index_reports_its_figures(small_index):
    workdir, result = small_index
    assert result["originals"] == 750 and result["errors"] == 0
    assert result["build_docs_per_s"] > 0 and result["size_mb"] > 0
    assert result["query"]["p95_ms"] >= result["query"]["p50_ms"] > 0
    assert result["build_pss_mb"] is None or result["build_pss_mb"] > 10  # at least Python
    real = list((workdir / "real").glob("*/*.txt"))
    assert len(real) == len(bench.topic_files(exclude=bench.NO_SOURCE_TOPICS))
    assert "\n\n" in real[0].read_text()


def test_bench_retrieval_measures_recall_on_held_out_topics(small_index):
    workdir, result = small_index
    figures = bench.bench_retrieval(Path(result["index"]), workdir, per_rate=4,
                                    log=lambda *_: None)
    assert set(bench.RATES) == {float(k[5:]) for k in figures if k.startswith("rate_")}
    for rate in bench.RATES:
        row = figures[f"rate_{rate}"]
        assert row["suspects"] == 4 and 0 <= row["recall_at_1"] <= row["recall_at_10"] <= 1
    assert figures["overall"]["recall_at_10"] > 0.5  # a broken index would find nothing


def test_bench_scan_with_a_model(small_index, tiny_model_dir):
    workdir, result = small_index
    figures = bench.bench_scan(Path(result["index"]), 6, workdir, jobs=1,
                               model=tiny_model_dir, log=lambda *_: None)
    assert figures["suspects"] == 6 and figures["suspects_per_s"] > 0
    assert figures["right_source"] > 0.5


def test_heldout_suspects_split_events_between_index_and_suspects(tmp_path):
    indexed, suspects, expect = bench.heldout_suspects(tmp_path, n_spun=10, n_copies=5,
                                                       n_independent=5)
    kinds = [e["kind"] for e in expect.values()]
    assert (kinds.count("spun"), kinds.count("copy"), kinds.count("independent")) == (10, 5, 5)
    indexed_set = {str(p.resolve()) for p in indexed}
    assert all(set(e["sources"]) <= indexed_set for e in expect.values())
    assert all(e["sources"] for e in expect.values() if e["kind"] != "independent")
    for path in suspects:
        if expect[str(path)]["kind"] == "independent":
            name = path.name.split("_", 1)[1]
            assert not any(p.name == name for p in indexed)  # its own text is not indexed
            topic = next(p for p in bench.topic_files(bench.HELD_OUT_TOPICS)
                         if p.name == name).parent.name
            assert any(p.parent.name == topic for p in indexed)  # its siblings are
    assert {p.parent.name for p in indexed} <= set(bench.HELD_OUT_TOPICS)


def test_in_child_reports_peak_memory():
    result = bench.in_child(_allocate, 50)
    assert result["ok"] and result["peak_rss_main_mb"] >= 50


def _allocate(mb):
    block = bytearray(mb * 2**20)
    return {"ok": len(block) == mb * 2**20}


def test_main_runs_every_benchmark_and_writes_figures(small_index, tmp_path, tiny_model_dir,
                                                      monkeypatch):
    monkeypatch.setattr(bench, "bench_heldout_scan", lambda *a, **k: {"skipped": True})
    out = tmp_path / "figures.json"
    workdir = small_index[0]
    code = bench.main(["--only", "index", "--sizes", "700", "750", "--workdir", str(workdir),
                       "--jobs", "1",
                       "--model", str(tiny_model_dir), "--json", str(out), "--per-rate", "2",
                       "--suspects", "3", "--no-source", "3"])
    figures = json.loads(out.read_text())
    assert code == 0 and {"index_700", "index_750", "retrieval", "scan_700", "scan_750",
                          "no_source_700", "no_source_750", "growth"} <= set(figures)
    assert figures["growth"]["sizes"] == [700, 750]


def test_bench_pairs_file_points_at_real_files(tmp_path):
    path, mean_words = make_pairs_file(tmp_path, 12)
    lines = path.read_text().splitlines()
    assert len(lines) == 12 and mean_words > 50
    for line in lines:
        suspect, original = line.split("\t")
        assert (tmp_path / suspect).exists() and (tmp_path / original).exists()


def test_long_articles_name_a_joined_text_after_all_its_reports():
    """A rewrite of a corpus report is looked up by its path: a text joined from several
    reports must not be taken for the first one."""
    from detector.training.dataset import Article, corpus_key

    reports = [Article(f"data/originals/1/1_{k}ecb.txt", "1", "ecb", " ".join(["word"] * 300))
               for k in range(4)]
    joined = bench.long_articles(reports, min_words=500)
    assert [corpus_key(a.path) for a in joined] == ["1/1_0ecb.txt+1_1ecb.txt",
                                                    "1/1_2ecb.txt+1_3ecb.txt"]
    assert all(len(a.text.split()) == 600 for a in joined)


def test_no_source_suspects_come_from_topics_left_out_of_the_corpus(small_index):
    workdir, result = small_index
    made = bench.no_source_suspects(workdir, 6)
    assert {k: len(v) for k, v in made.items()} == {"spun_real": 2, "synthetic": 2,
                                                    "spun_synthetic": 2}
    with bench.ReferenceIndex.open(result["index"]) as index:
        indexed = {Path(p).parent.name for p in index.paths() if "/real/" in p}
    assert indexed and not indexed & set(bench.NO_SOURCE_TOPICS)
    assert not set(bench.NO_SOURCE_TOPICS) & set(bench.INDEXED_HELD_OUT)


def test_bench_no_source_reports_flag_rates_per_kind(small_index, tiny_model_dir):
    workdir, result = small_index
    figures = bench.bench_no_source(Path(result["index"]), workdir, n=6, jobs=1,
                                    model=tiny_model_dir, log=lambda *_: None)
    assert figures["suspects"] == 6 and figures["all"]["suspects"] == 6
    for kind in ("spun_real", "synthetic", "spun_synthetic", "all"):
        row = figures[kind]
        assert 0 <= row["flagged_paraphrase"] <= row["flagged_derived"] <= 1
