"""The /metrics page: Prometheus text format, counters with labels, a cumulative histogram, gauges."""

from bot.metrics import Metrics


def test_prometheus_text():
    m = Metrics()
    m.inc("bot_questions_total", kind="answer")
    m.inc("bot_questions_total", kind="answer")
    m.inc("bot_questions_total", kind='no"ne')
    for s in (0.004, 0.03, 0.25, 7.0, 60.0):
        m.observe(s)
    m.gauge("bot_catalogue_procedures", lambda: 74, "Procedures")
    m.gauge("bot_broken", lambda: 1 / 0, "never shown")
    text = m.render()
    assert 'bot_questions_total{kind="answer"} 2' in text and 'bot_questions_total{kind="no\\"ne"} 1' in text
    assert "bot_errors_total 0" in text  # present from the start, so alerts can use it
    assert 'bot_reply_seconds_bucket{le="0.005"} 1' in text and 'bot_reply_seconds_bucket{le="0.3"} 3' in text
    assert 'bot_reply_seconds_bucket{le="+Inf"} 5' in text and "bot_reply_seconds_count 5" in text
    assert "# TYPE bot_catalogue_procedures gauge\nbot_catalogue_procedures 74" in text
    assert "bot_broken" not in text
    assert m.value("bot_questions_total", kind="answer") == 2
