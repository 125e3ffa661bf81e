from pathlib import Path

from bot.engine import Engine
from bot.evaluate import evaluate, evaluate_answers
from tests.conftest import SAMPLE_KB

DATA = Path(__file__).parent / "data"


def test_golden_answers_are_found_and_mention_the_facts(capsys, settings):
    evaluate_answers(Engine(SAMPLE_KB, settings), DATA / "golden_sample.json")
    out = capsys.readouterr().out
    assert "procedure found 100.0% (2/2)" in out and "required mentions in replies 100.0% (3/3)" in out
    assert "both 100.0% (2/2)" in out


def test_question_set_figures(capsys, settings, tmp_path):
    tsv = tmp_path / "q.tsv"
    tsv.write_text("question\texpected\tstyle\nlam giay khai sinh\tdang-ky-khai-sinh\tnd\n"
                   "thời tiết hôm nay\t-\toos\nmarriage certificate\tdang-ky-ket-hon\ten\n", encoding="utf-8")
    evaluate(Engine(SAMPLE_KB, settings), tsv)
    out = capsys.readouterr().out
    assert "all" in out and "100.0% (2/2)" in out and "100.0% (1/1)" in out
