import logging

from unslump.edges.system.journal import JournalFormatter, configure_logging


def record(level: int, message: str) -> logging.LogRecord:
    return logging.LogRecord("unslump.app.assembly", level, __file__, 1, message, None, None)


def test_logs_journal_lines_carry_a_priority_and_no_timestamp():
    formatter = JournalFormatter("%(name)s: %(message)s")
    assert formatter.format(record(logging.WARNING, "display lost")) == \
        "<4>unslump.app.assembly: display lost"
    assert (formatter.format(record(logging.INFO, "two\nlines"))
            == "<6>unslump.app.assembly: two | lines")


def test_logs_configure_picks_the_journal_format_under_systemd():
    configure_logging({"JOURNAL_STREAM": "8:1234"})
    [handler] = logging.getLogger().handlers
    assert isinstance(handler.formatter, JournalFormatter)
    configure_logging({})
    [handler] = logging.getLogger().handlers
    assert not isinstance(handler.formatter, JournalFormatter)
