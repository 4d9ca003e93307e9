from detector.bench import make_pairs_file


def test_bench_pairs_file_points_at_real_files(tmp_path):
    path, mean_words = make_pairs_file(tmp_path, 12)
    lines = path.read_text().splitlines()
    assert len(lines) == 12 and mean_words > 50
    for line in lines:
        suspect, original = line.split("\t")
        assert (tmp_path / suspect).exists() and (tmp_path / original).exists()
