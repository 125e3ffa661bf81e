"""Staff operations through the fake Bot API: admin checks, /reload, automatic reload, /stats, follower notices."""

from .test_bot import buttons, texts, wait_messages

ADMIN, CITIZEN = 500, 501


def replies(api, chat_id, n):
    return [m.message["text"] for m in wait_messages(api, chat_id, n)]


def test_non_admin_gets_no_figures(run_bot, settings):
    def scenario(api):
        api.send_text(CITIZEN, "đăng ký kết hôn")
        api.send_text(CITIZEN, "/stats")
        api.send_text(CITIZEN, "/reload")
        return replies(api, CITIZEN, 3)

    out, services = run_bot(scenario, admin_ids=[ADMIN])
    # Updates are handled concurrently: replies may come in any order.
    assert sum("chỉ dành cho cán bộ" in text for text in out) == 2
    assert not any("Câu hỏi hôm nay" in text or "Đã nạp lại" in text for text in out)


def test_admin_stats_show_figures(run_bot):
    def scenario(api):
        api.send_text(CITIZEN, "đăng ký kết hôn")
        api.send_text(CITIZEN, "thời tiết hôm nay")
        wait_messages(api, CITIZEN, 2)
        api.send_text(ADMIN, "/stats")
        return replies(api, ADMIN, 1)

    [out], services = run_bot(scenario, admin_ids=[ADMIN])
    assert "Câu hỏi hôm nay: <b>2</b>" in out and "Đăng ký kết hôn — 1" in out
    from db.models import AuditLog
    assert services.store.count(AuditLog) == 1


def test_broken_yaml_keeps_serving_then_fixed_yaml_reloads(run_bot, kb_dir):
    path = kb_dir / "procedures" / "ho-tich" / "ho-tich.yaml"
    good = path.read_text(encoding="utf-8")

    def scenario(api):
        path.write_text(good.replace("  name: Đăng ký kết hôn\n", "  name: Đăng ký kết hôn\n  fess: []\n", 1),
                        encoding="utf-8")
        api.send_text(ADMIN, "/reload")
        broken = replies(api, ADMIN, 1)[-1]
        api.send_text(CITIZEN, "đăng ký kết hôn")
        still = replies(api, CITIZEN, 1)[-1]
        path.write_text(good.replace("làm giấy hôn thú", "làm giấy hôn thú, xin phép cưới"), encoding="utf-8")
        api.send_text(ADMIN, "/reload")
        fixed = replies(api, ADMIN, 2)[-1]
        api.send_text(CITIZEN, "xin phép cưới")
        new_alias = replies(api, CITIZEN, 2)[-1]
        return broken, still, fixed, new_alias

    (broken, still, fixed, new_alias), _ = run_bot(scenario, admin_ids=[ADMIN], reload_check_seconds=3600)
    assert "procedures/ho-tich/ho-tich.yaml:" in broken and "fess" in broken
    assert "Đăng ký kết hôn" in still
    assert "Đã nạp lại" in fixed
    assert "Đăng ký kết hôn" in new_alias


def test_automatic_reload_and_follower_notice(run_bot, kb_dir):
    path = kb_dir / "procedures" / "ho-tich" / "ho-tich.yaml"

    def scenario(api):
        api.send_text(CITIZEN, "lý lịch tư pháp")
        card = wait_messages(api, CITIZEN, 1)[-1].message
        follow = next(b["callback_data"] for b in buttons(card) if b.get("callback_data", "").startswith("fo|"))
        api.press(CITIZEN, card, follow)
        api.wait(lambda: api.answers("editMessageReplyMarkup"))
        path.write_text(path.read_text(encoding="utf-8").replace("amount_vnd: 200000", "amount_vnd: 250000"),
                        encoding="utf-8")
        return api.wait(lambda: len(texts(api, CITIZEN)) >= 2 and texts(api, CITIZEN)[-1], timeout=30)

    notice, _ = run_bot(scenario, admin_ids=[ADMIN], reload_check_seconds=0.3)
    assert "🔔" in notice and "lệ phí" in notice and "250.000 đ" in notice
