from bench.cluster import join_volume, part_costs
from detector.index.partitioned import build_partitioned
from tests.conftest import corpus_files, crude_spin


def test_part_costs_and_join_volume_are_read_from_a_partitioned_index(tmp_path):
    originals = corpus_files(("1",))[:12]
    location = tmp_path / "parts"
    build_partitioned(originals, location, jobs=1, docs_per_part=5, buckets=2)
    costs = part_costs(location)
    assert (costs["anchor_parts"], costs["document_parts"]) == (2, 3)
    assert costs["document_part_rows"] == 5 and costs["anchor_part_terms"] > 0
    suspects = []
    for n, path in enumerate(originals[:3]):
        suspects.append(tmp_path / f"s{n}.txt")
        suspects[-1].write_text(crude_spin(path.read_text(), 0.3, seed=n))
    volume = join_volume(location, suspects, top_k=2)
    assert volume["candidates_per_suspect"] == 2
    assert abs(volume["hash_bytes_per_suspect"] - 8 * volume["anchors_per_suspect"]) <= 1
    assert volume["posting_bytes_per_suspect"] > 0 and volume["text_bytes_per_suspect"] > 0


def test_scan_figures_count_the_right_source_and_the_first_candidate():
    from bench.cluster import _scan_figures

    records = [
        {"suspect": "s/spun1_syn7.txt", "source": "o/syn7.txt",
         "candidates": [{"original": "o/syn7.txt"}]},
        {"suspect": "s/spun2_syn8.txt", "source": None,  # not flagged, but ranked first
         "candidates": [{"original": "o/syn8.txt"}]},
        {"suspect": "s/spun3_syn9.txt", "source": "o/syn5.txt",
         "candidates": [{"original": "o/syn5.txt"}, {"original": "o/syn9.txt"}]},
        {"suspect": "s/spun4_syn4.txt", "source": None, "candidates": []},
    ]
    figures = _scan_figures(records, seconds=2.0, jobs=2)
    assert figures["suspects"] == 4 and figures["suspects_per_s"] == 2.0
    assert figures["ms_per_suspect_per_core"] == 1000.0
    assert figures["recall_at_1"] == 0.5 and figures["right_source"] == 0.25
