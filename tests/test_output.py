from pathlib import Path

import pytest

from detector.errors import InputError, OutputError
from detector.output import check_writable, not_an_input, output, whole_file


def test_the_file_appears_at_the_first_write_and_not_on_failure(tmp_path):
    path = tmp_path / "out.jsonl"
    with pytest.raises(RuntimeError), output(path, force=False) as out:
        raise RuntimeError("before any record")
    assert not path.exists()
    with output(path, force=False) as out:
        assert not path.exists()
        out.write("{}\n")
    assert path.read_text() == "{}\n"


def test_an_existing_file_needs_force_and_undo_takes_back_an_append(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_text("kept\n")
    with pytest.raises(InputError, match="already exists; use --force"):
        check_writable(path, replace=False)
    with output(path, force=False, append=True) as out:
        out.write("more\n")
        out.undo(len("kept\n"))
    assert path.read_text() == "kept\n"


def test_an_input_of_the_command_is_refused_as_output(tmp_path):
    index = tmp_path / "ref.sqlite"
    index.write_bytes(b"x")
    with pytest.raises(InputError, match="is the index"):
        not_an_input(index, index, "the index")
    not_an_input(tmp_path / "other", index, "the index")


def test_a_whole_file_appears_complete_or_not_at_all(tmp_path):
    path = tmp_path / "report.html"
    path.write_text("the old page")
    with pytest.raises(RuntimeError), whole_file(path, force=True) as fh:
        fh.write("half a page")
        raise RuntimeError("the disk filled up")
    assert path.read_text() == "the old page"  # what --force would have replaced is kept
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no partial file left
    with whole_file(path, force=True) as fh:
        fh.write("the new page")
    assert path.read_text() == "the new page"
    with pytest.raises(InputError, match="already exists"), whole_file(path, force=False):
        pass
    fresh = tmp_path / "fresh.csv"
    with pytest.raises(RuntimeError), whole_file(fresh, force=False) as fh:
        raise RuntimeError
    assert not fresh.exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_write_that_fails_is_one_output_error():
    """A full disk (Linux's /dev/full is one) is an `OutputError` naming the file."""
    with (pytest.raises(OutputError, match="/dev/full: cannot write"),
          output(Path("/dev/full"), force=True) as out):
        out.write("{}\n" * 10_000)
        out.flush()


def test_a_dangling_link_at_the_output_is_an_existing_file(tmp_path):
    """A link to nothing is refused without --force like any other file there."""
    link = tmp_path / "page.html"
    link.symlink_to(tmp_path / "elsewhere.html")
    with pytest.raises(InputError, match="already exists"):
        check_writable(link, replace=False)
    with pytest.raises(InputError, match="already exists"), whole_file(link, force=False):
        pass
    assert link.is_symlink() and not (tmp_path / "elsewhere.html").exists()


def test_a_file_inside_a_folder_the_command_reads_is_refused_as_output(tmp_path):
    """A partitioned index is a folder: none of its files may be written over."""
    index = tmp_path / "ref-parts"
    (index / "documents").mkdir(parents=True)
    (index / "metadata.json").write_text("{}")
    for out in (index / "metadata.json", index / "documents" / "part-00000.parquet",
                index / ".." / "ref-parts" / "new.jsonl"):
        with pytest.raises(InputError, match="is inside the index"):
            not_an_input(out, index, "the index")
    not_an_input(tmp_path / "scan.jsonl", index, "the index")


def test_a_whole_file_writes_through_a_link_and_keeps_the_file_s_permissions(tmp_path):
    real = tmp_path / "real.html"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "page.html"
    link.symlink_to(real)
    with whole_file(link, force=True) as fh:
        fh.write("new")
    assert link.is_symlink() and real.read_text() == "new"
    assert real.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html", "real.html"]
