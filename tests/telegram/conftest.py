import asyncio

import pytest

from .fake_bot_api import TOKEN, FakeBotAPI


@pytest.fixture
def fake_api():
    api = FakeBotAPI().start()
    yield api
    api.stop()
    assert api.rejected == [], f"the Bot API rejected requests: {api.rejected}"


@pytest.fixture
def run_bot(fake_api, settings):
    """Run the real Application with long polling against the fake API while `scenario(api)` runs."""
    from pydantic import SecretStr

    from bot.telegram.app import ALLOWED_UPDATES, build_application, build_services

    def run(scenario, **overrides):
        s = settings.model_copy(update={"telegram_bot_token": SecretStr(TOKEN),
                                        "telegram_base_url": fake_api.base_url, **overrides})
        services = build_services(s.knowledge_dir, s)
        fake_api.services = services  # scenarios may reach the bot's database (to hold or break it)
        app = build_application(services)

        async def main():
            async with app:
                if app.post_init:  # run_polling would call it; here we drive the lifecycle by hand
                    await app.post_init(app)
                await app.start()
                await app.updater.start_polling(poll_interval=0.0, timeout=1, allowed_updates=ALLOWED_UPDATES)
                try:
                    return await asyncio.to_thread(scenario, fake_api)
                finally:
                    await app.updater.stop()
                    await app.stop()
                    if app.post_shutdown:  # as run_polling does: queued log rows are written
                        await app.post_shutdown(app)

        result = asyncio.run(main())
        return result, services

    return run
