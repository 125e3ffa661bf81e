"""The dialogue: a question or a button press in, a Reply out. No Telegram types here.

The terminal chat, `ask --json` and the Telegram front all go through these functions, so what the
tests see is what citizens get.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot import callbacks
from bot.catalogue import Catalogue, Procedure
from bot.catalogue.schema import Faq, NotServed
from bot.i18n import label
from bot.matching import Match, Matcher
from bot.render import html_to_text, render, render_macro, split_messages
from bot.settings import Settings

PAGE_SIZE = 8
CARD_SECTIONS = ("steps", "documents", "fees", "time", "legal")
ASPECT_SECTIONS = (*CARD_SECTIONS, "agency", "online")
ECHO_CHARS = 80  # how much of a question we quote back


@dataclass
class Button:
    text: str
    data: str | None = None
    url: str | None = None


@dataclass
class Reply:
    sections: list[str]  # Telegram HTML fragments, in order
    buttons: list[list[Button]] = field(default_factory=list)
    kind: str = "info"  # answer | choices | none | card | menu | group | info
    proc_id: str | None = None

    def messages(self) -> list[str]:
        return split_messages(self.sections)

    def html(self) -> str:
        return "\n\n".join(s for s in self.sections if s.strip())

    def text(self) -> str:
        return html_to_text(self.html())


def display_name(p: Procedure, lang: str) -> str:
    return p.en.name if lang == "en" and p.en else p.name


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


class Dialogue:
    def __init__(self, catalogue: Catalogue, matcher: Matcher, settings: Settings):
        self.catalogue = catalogue
        self.matcher = matcher
        self.settings = settings

    @property
    def _contacts(self) -> dict[str, str]:
        s = self.settings
        return {"hotline": s.hotline, "portal_url": s.portal_url, "national_portal_url": s.national_portal_url}

    # --- questions --------------------------------------------------------------------------------

    def ask(self, text: str, lang: str = "vi", top: int = 3) -> tuple[Match, Reply]:
        match = self.matcher.match(text, top=top)
        if match.english:  # a question in English is answered in English, whatever the setting
            lang = "en"
        if match.smalltalk is not None:
            body = render("smalltalk.j2", lang=lang, kind=match.smalltalk, **self._contacts)
            return match, Reply([body], self._group_buttons(lang), kind="none")
        if match.kind == "answer" and match.best is not None:
            reply = self.card(match.best.id, lang, lead=match.aspect, faqs=match.faqs)
            reply.kind = "answer"
        elif match.kind == "choices":
            reply = self.choices([h.proc for h in match.hits], lang)
            p = match.hits[0].proc  # the likeliest procedure's answers to this very question
            lead = []
            if match.aspect in ASPECT_SECTIONS and not p.is_name_only:  # "mất bao lâu": its time, at once
                lead.append(render_macro("card.j2", "likely", p, lang) + "\n"
                            + render_macro("card.j2", match.aspect, p, lang))
            elif p.is_name_only:  # only a name in the records: its official page, at once
                lead.append(render_macro("card.j2", "likely", p, lang) + "\n" + render_macro("card.j2", "footer", p, lang))
            lead += [render_macro("card.j2", "faq", p, entry, lang, about=p) for entry in match.faqs]
            reply.sections[:0] = lead
        else:
            reply = self.unknown(text, lang, match.not_served)
        return match, reply

    def choices(self, procs: list[Procedure], lang: str) -> Reply:
        buttons = [[Button(_short(f"{i}. {display_name(p, lang)}", 60), data=callbacks.card(p.id))]
                   for i, p in enumerate(procs, 1)]
        return Reply([render("choices.j2", procs=procs, lang=lang)], buttons, kind="choices")

    def unknown(self, text: str, lang: str, topic: NotServed | None = None) -> Reply:
        query = _short(" ".join(text.split()), ECHO_CHARS)
        body = render("none.j2", lang=lang, query=query, topic=topic, **self._contacts)
        buttons = [[Button(("☎️ " if lang == "en" else "☎️ ") + self.settings.portal_url.removeprefix("https://"),
                           url=self.settings.portal_url)]]
        return Reply([body], buttons + self._group_buttons(lang), kind="none")

    # --- cards ------------------------------------------------------------------------------------

    def card(self, proc_id: str, lang: str = "vi", section: str = "overview", lead: str | None = None,
             faqs: list[Faq] | None = None, following: bool = False) -> Reply:
        p = self.catalogue.by_id.get(proc_id)
        if p is None:
            return Reply([render("empty.j2", lang=lang)], kind="info")
        group = self.catalogue.group_by_id.get(p.group)
        sections: list[str] = []
        for entry in faqs or ():
            sections.append(render_macro("card.j2", "faq", p, entry, lang))
        if section != "overview":
            sections.append(render_macro("card.j2", section, p, lang))
            sections.append(render_macro("card.j2", "footer", p, lang))
        else:
            if lead and lead != "overview" and not p.is_name_only:
                sections.append(render_macro("card.j2", lead, p, lang))
            sections.append(render_macro("card.j2", "overview", p, lang, group))
        return Reply(sections, self.card_buttons(p, lang, section, following), kind="card", proc_id=p.id)

    def card_buttons(self, p: Procedure, lang: str, current: str = "overview",
                     following: bool = False) -> list[list[Button]]:
        rows: list[list[Button]] = []
        if not p.is_name_only:
            names = [s for s in ("overview", *CARD_SECTIONS) if s != current]
            buttons = [Button(label(lang, s), data=callbacks.card(p.id, s)) for s in names]
            rows += [buttons[:3], buttons[3:]]
        links = []
        if p.online and p.online.url and p.online.level != "truc-tiep":
            links.append(Button(label(lang, "file_online"), url=p.online.url))
        links.append(Button(label(lang, "source"), url=p.source))
        rows.append(links)
        extra = [Button(label(lang, "useful"), data=callbacks.feedback(p.id, True)),
                 Button(label(lang, "not_useful"), data=callbacks.feedback(p.id, False)),
                 Button(label(lang, "unfollow" if following else "follow"), data=callbacks.follow(p.id))]
        rows.append(extra)
        if p.online and p.online.level != "truc-tiep":
            rows.append([Button(label(lang, "howto"), data=callbacks.howto())])
        return [r for r in rows if r]

    # --- fixed screens ------------------------------------------------------------------------------

    def _group_buttons(self, lang: str) -> list[list[Button]]:
        buttons = [Button(f"{g.emoji or ''} {g.name_en if lang == 'en' else g.name}".strip(),
                          data=callbacks.group(g.id)) for g in self.catalogue.groups]
        return [buttons[i: i + 2] for i in range(0, len(buttons), 2)]

    def start(self, lang: str) -> Reply:
        return Reply([render("start.j2", lang=lang)], self._group_buttons(lang), kind="menu")

    def help(self, lang: str, bot_username: str = "bot") -> Reply:
        return Reply([render("help.j2", lang=lang, bot_username=bot_username, **self._contacts)])

    def contact(self, lang: str) -> Reply:
        s = self.settings
        buttons = [[Button("🌐 " + s.portal_url.removeprefix("https://"), url=s.portal_url)],
                   [Button("🌐 " + s.national_portal_url.removeprefix("https://"), url=s.national_portal_url)]]
        return Reply([render("contact.j2", lang=lang, **self._contacts)], buttons)

    def menu(self, lang: str) -> Reply:
        return Reply([render("menu.j2", lang=lang)], self._group_buttons(lang), kind="menu")

    def howto(self, lang: str) -> Reply:
        return Reply([render("howto.j2", lang=lang, **self._contacts)], [
            [Button("🌐 dichvucong.gov.vn", url=self.settings.national_portal_url)],
            [Button("🌐 " + self.settings.portal_url.removeprefix("https://"), url=self.settings.portal_url)],
        ])

    def following(self, procs: list[Procedure], lang: str) -> Reply:
        rows = [[Button(_short(display_name(p, lang), 60), data=callbacks.card(p.id))] for p in procs]
        rows += [[Button(label(lang, "unfollow") + " " + _short(display_name(p, lang), 40),
                         data=callbacks.follow(p.id))] for p in procs]
        return Reply([render("following.j2", procs=procs, lang=lang)], rows)

    def group(self, group_id: str, page: int, lang: str) -> Reply:
        g = self.catalogue.group_by_id.get(group_id)
        if g is None:
            return self.menu(lang)
        procs = self.catalogue.in_group(group_id)
        pages = max(1, -(-len(procs) // PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        start = page * PAGE_SIZE
        shown = procs[start: start + PAGE_SIZE]
        body = render("group.j2", group=g, procs=shown, lang=lang, page=page, pages=pages, total=len(procs),
                      start=start)
        rows = [[Button(_short(f"{start + i}. {display_name(p, lang)}", 60), data=callbacks.card(p.id))]
                for i, p in enumerate(shown, 1)]
        nav = []
        if page > 0:
            nav.append(Button(label(lang, "prev"), data=callbacks.group(group_id, page - 1)))
        nav.append(Button(label(lang, "menu"), data=callbacks.menu()))
        if page < pages - 1:
            nav.append(Button(label(lang, "next"), data=callbacks.group(group_id, page + 1)))
        rows.append(nav)
        return Reply([body], rows, kind="group")

    def press(self, data: str | None, lang: str, following: bool = False) -> Reply | None:
        """A button press that only changes what is shown (feedback/follow are the caller's side effects)."""
        action = callbacks.decode(data)
        if action is None:
            return None
        if action.kind == "card" and action.proc_id:
            return self.card(action.proc_id, lang, section=action.section, following=following)
        if action.kind == "group" and action.group_id:
            return self.group(action.group_id, action.page, lang)
        if action.kind == "menu":
            return self.menu(lang)
        if action.kind == "howto":
            return self.howto(lang)
        return None
