"""Reloads built aside: in a child process, handed over whole; a broken catalogue keeps the last good one."""

import gc
import weakref

from bot.engine import Engine, build_aside


def test_build_aside_matches_build_and_reports_problems(kb_dir, settings):
    engine = Engine(kb_dir, settings)
    aside = build_aside(kb_dir, settings)
    assert [p.id for p in aside.catalogue.procedures] == [p.id for p in engine.catalogue.procedures]
    assert aside.dialogue.ask("đăng ký kết hôn")[0].kind == "answer"
    path = kb_dir / "procedures" / "ho-tich" / "ho-tich.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("  name: Đăng ký kết hôn\n", "  name: Đăng ký kết hôn\n  fess: []\n", 1), encoding="utf-8")
    new, previous, problems = engine.reload(aside=True)
    assert new is None and problems and "ho-tich.yaml" in str(problems[0])
    assert engine.catalogue is previous  # the last good catalogue keeps serving


def test_a_built_catalogue_is_kept_out_of_the_collectors_sight_and_freed_on_replace(kb_dir, settings):
    engine = Engine(kb_dir, settings)
    assert gc.get_freeze_count() > 0
    old = weakref.ref(engine.current.matcher)
    new, previous, problems = engine.reload()
    assert new is not None and not problems
    del previous
    assert old() is None  # frozen, yet freed by reference counting once replaced
