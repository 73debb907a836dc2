import sys

from unslump.edges.system.heap_trim import trim_heap


def test_heap_trim_asks_glibc_on_linux():
    assert trim_heap() is sys.platform.startswith("linux")
