from detector.errors import InputError, ModelError, SpundetectError


def test_errors_share_one_base_class():
    assert issubclass(InputError, SpundetectError)
    assert issubclass(ModelError, SpundetectError)
    assert not issubclass(InputError, ModelError)
