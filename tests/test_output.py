import pytest

from detector.errors import InputError
from detector.output import check_writable, not_an_input, output


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
