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
