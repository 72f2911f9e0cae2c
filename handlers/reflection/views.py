"""What reflections look like in the chat: questions, the summary card, log entries, menus.

Pure functions from data to (text, keyboard); the handlers decide when to send them.
Messages are plain text, so nothing a clinician types can break the formatting.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from babel.dates import format_date, format_timedelta
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.common.i18n import format_minutes, translator
from bot.common.text import preview
from bot.cpd.explain import UNIT_NAMES, amount, explain
from bot.cpd.rules import from_hundredths
from bot.library.loader import Library, Template
from bot.reflection.flow import Stage, all_tags, progress, stage_of, template_of
from bot.reflection.log import LOG_PAGE_SIZE, LogPage
from handlers.callback_data import (
    DELETED_BUTTON,
    EvidenceAction,
    ReflectionAction,
    evidence_button,
    log_button,
    reflection_button,
)
from handlers.common import button_rows
from storage.models import CpdRecord, LearningMoment, Reflection
from storage.vocabulary import ReflectionStatus

Screen = tuple[str, InlineKeyboardMarkup | None]
TIME_CHOICES = (15, 30, 45, 60, 90, 120)
DAYS_AGO_CHOICES = (0, 1, 2, 3, 7)


def _button(label: str, action: ReflectionAction, reflection_id: int, argument: object = None
            ) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=reflection_button(action, reflection_id,
                                                                       argument))


def day_label(day: date, language: str) -> str:
    return format_date(day, "d MMM y", locale=language)


def question(library: Library, reflection: Reflection, moment: LearningMoment | None,
             language: str, offer_help: bool = False) -> Screen:
    """The question the reflection is at: a template step, or the time spent."""
    _ = translator(language).gettext
    template = template_of(library, reflection)
    number, total = progress(reflection, template)
    header = f"📝 {template.name.in_(language)} · {number}/{total}"
    if stage_of(reflection, template) is Stage.TIME:
        return _time_question(reflection, header, language)
    step = template.steps[reflection.step]
    follow_up = (reflection.follow_ups or {}).get(step.id)
    lines = [header, "", f"▪️ {step.title.in_(language)}",
             f"❓ {follow_up}" if follow_up else step.prompt.in_(language),
             f"💡 {step.hint.in_(language)}"]
    note = moment.text.strip() if moment else ""
    if reflection.step == 0 and note:
        lines += ["", _("Your note:") + f" «{preview(note, 300)}»"]
    if reflection.step == 0 and not reflection.answers:
        lines += ["", _("I suggested this template for your note; “Another template” "
                        "changes it.")]
    current = reflection.answers.get(step.id)
    if current:
        lines += ["", _("Your answer so far:") + f" «{preview(current, 300)}»",
                  _("Send a new answer, or keep this one.")]
    elif not step.required:
        lines += ["", _("Optional: /skip moves on.")]
    row: list[InlineKeyboardButton] = []
    if reflection.step == 0 and note and not current and len(note) <= step.max_length:
        row.append(_button("📋 " + _("Use my note"), ReflectionAction.USE_NOTE, reflection.id,
                           reflection.step))
    if current:
        row.append(_button("✓ " + _("Keep answer"), ReflectionAction.SKIP, reflection.id,
                           reflection.step))
    elif not step.required:
        row.append(_button("⏭ " + _("Skip"), ReflectionAction.SKIP, reflection.id, reflection.step))
    keyboard = [row] if row else []
    if offer_help and reflection.step == 0:
        keyboard.append([_button("✨ " + _("Draft it from my note"), ReflectionAction.DRAFT,
                                 reflection.id)])
    controls = []
    if reflection.step > 0:
        controls.append(_button("◀ " + _("Back"), ReflectionAction.BACK, reflection.id,
                                reflection.step))
    elif not reflection.answers:
        controls.append(_button("🔄 " + _("Another template"), ReflectionAction.TEMPLATES,
                                reflection.id))
    controls.append(_button("⏸ " + _("Stop for now"), ReflectionAction.STOP, reflection.id))
    keyboard.append(controls)
    return "\n".join(lines), InlineKeyboardMarkup(keyboard)


def _time_question(reflection: Reflection, header: str, language: str) -> Screen:
    _ = translator(language).gettext
    lines = [header, "", "⏱ " + _("How long did it take?"),
             _("Type it (“20 min”, “1.5 h”, “полчаса”) or pick one. Optional: /skip.")]
    if reflection.minutes:
        lines.append(_("Now: {time}").format(time=format_minutes(reflection.minutes, language)))
    keyboard = button_rows(_time_buttons(reflection, TIME_CHOICES, language), 3)
    keyboard.append([_button("◀ " + _("Back"), ReflectionAction.BACK, reflection.id,
                             reflection.step),
                     _button("⏭ " + _("Skip"), ReflectionAction.SKIP, reflection.id,
                             reflection.step)])
    return "\n".join(lines), InlineKeyboardMarkup(keyboard)


def _time_buttons(reflection: Reflection, choices: tuple[int, ...],
                  language: str) -> list[InlineKeyboardButton]:
    """One per choice; the time already stated (say, 20 min from the note) comes first, ticked,
    so one tap keeps it."""
    stated = reflection.minutes
    first = [stated] if stated else []
    return [_button(("✓ " if minutes == stated else "") + format_minutes(minutes, language),
                    ReflectionAction.MINUTES, reflection.id, minutes)
            for minutes in [*first, *(choice for choice in choices if choice != stated)]]


def entry_text(library: Library, reflection: Reflection, language: str,
               evidence: Sequence[str] = ()) -> str:
    """Every section, the date, the time, the activity type, the tags and the evidence."""
    _ = translator(language).gettext
    template = template_of(library, reflection)
    activity = library.activities.get(reflection.activity_type)
    time = (format_minutes(reflection.minutes, language) if reflection.minutes
            else _("time not set"))
    lines = [f"📝 {template.name.in_(language)}",
             f"📅 {day_label(reflection.activity_date, language)} · ⏱ {time}",
             f"🏷 {activity.name.in_(language) if activity else reflection.activity_type}"]
    tags = all_tags(reflection)
    if tags:
        lines.append(" ".join(f"#{tag}" for tag in tags))
    if reflection.ai_assisted:
        lines.append("✨ " + _("AI-assisted"))
    if evidence:
        lines.append("📎 " + ", ".join(preview(name, 60) for name in evidence))
    titles = {step.id: step.title.in_(language) for step in template.steps}
    for step_id in [*titles, *(key for key in reflection.answers if key not in titles)]:
        answer = reflection.answers.get(step_id, "").strip()
        lines += ["", f"▪️ {titles.get(step_id, step_id)}", answer or "—"]
    return "\n".join(lines)


def summary_card(library: Library, reflection: Reflection, proposed: list[str],
                 language: str, evidence: Sequence[str] = ()) -> Screen:
    _ = translator(language).gettext
    lines = ["📋 " + _("Your reflection, ready to save"), "",
             entry_text(library, reflection, language, evidence)]
    if proposed:
        lines += ["", "💡 " + _("Suggested tags:") + " " + " ".join(f"#{t}" for t in proposed)]
    lines += ["", _("Save it to your log, or change anything first.")]
    keyboard = [[_button("💾 " + _("Save"), ReflectionAction.SAVE, reflection.id)],
                *_edit_rows(reflection, proposed, language),
                [_evidence_button(reflection, evidence, language)],
                [_button("🗑 " + _("Discard"), ReflectionAction.DISCARD, reflection.id)]]
    return "\n".join(lines), InlineKeyboardMarkup(keyboard)


def _edit_rows(reflection: Reflection, proposed: list[str],
               language: str) -> list[list[InlineKeyboardButton]]:
    _ = translator(language).gettext
    rows = [[_button("✏️ " + _("Edit a section"), ReflectionAction.SECTIONS, reflection.id),
             _button("📅 " + _("Date"), ReflectionAction.DATES, reflection.id)],
            [_button("⏱ " + _("Time"), ReflectionAction.TIMES, reflection.id),
             _button("🏷 " + _("Activity"), ReflectionAction.ACTIVITIES, reflection.id)]]
    tag_row = [_button("#️⃣ " + _("Tags"), ReflectionAction.TYPE_TAGS, reflection.id)]
    if proposed:
        tag_row.insert(0, _button("➕ " + " ".join(f"#{t}" for t in proposed[:3]),
                                  ReflectionAction.ADD_TAGS, reflection.id))
    rows.append(tag_row)
    return rows


def _evidence_button(reflection: Reflection, evidence: Sequence[str],
                     language: str) -> InlineKeyboardButton:
    _ = translator(language).gettext
    label = (_("Evidence ({count})").format(count=len(evidence)) if evidence
             else _("Attach a certificate"))
    return InlineKeyboardButton("📎 " + label, callback_data=evidence_button(
        EvidenceAction.LIST, reflection.id))


def credit_line(library: Library, record: CpdRecord, language: str) -> str:
    """"🎓 1.5 credits (CPD): 1.5 h × 1 per hour = 1.5 credits (rounded to 0.25)"."""
    _ = translator(language).gettext
    framework = library.frameworks.get(record.framework_id)
    credits = from_hundredths(record.credits)
    category = framework.categories.get(record.category) if framework else None
    return "🎓 " + _("{amount} {unit} ({category}): {how}").format(
        amount=amount(credits, language),
        unit=_(UNIT_NAMES.get(record.unit, record.unit)),
        category=category.name.in_(language) if category else record.category,
        how=explain(record.rule, credits, record.category, framework, language))


def entry_view(library: Library, reflection: Reflection, proposed: list[str],
               language: str, record: CpdRecord | None = None,
               evidence: Sequence[str] = ()) -> Screen:
    """A saved log entry, in full, with its credits and everything that can be done to it."""
    _ = translator(language).gettext
    text = "📓 " + _("Log entry") + "\n" + entry_text(library, reflection, language, evidence)
    if record is not None:
        text += "\n\n" + credit_line(library, record, language)
    keyboard = _edit_rows(reflection, proposed, language)
    keyboard.append([_evidence_button(reflection, evidence, language)])
    keyboard.append([_button("🗑 " + _("Delete"), ReflectionAction.ASK_DELETE, reflection.id),
                     InlineKeyboardButton("◀ " + _("Log"), callback_data=log_button(1))])
    return text, InlineKeyboardMarkup(keyboard)


def show(library: Library, reflection: Reflection, proposed: list[str], language: str,
         record: CpdRecord | None = None, evidence: Sequence[str] = ()) -> Screen:
    """The summary card for a draft, the full entry for a saved reflection; `evidence` names
    the files attached to it."""
    if reflection.status == ReflectionStatus.SAVED:
        return entry_view(library, reflection, proposed, language, record, evidence)
    return summary_card(library, reflection, proposed, language, evidence)


def back_row(reflection: Reflection, language: str) -> list[InlineKeyboardButton]:
    _ = translator(language).gettext
    return [_button("◀ " + _("Back"), ReflectionAction.SHOW, reflection.id)]


def template_menu(library: Library, reflection: Reflection, language: str) -> Screen:
    _ = translator(language).gettext
    keyboard = [[_button(("✓ " if template.id == reflection.template_id else "")
                         + f"{template.name.in_(language)} ({len(template.steps)})",
                         ReflectionAction.TEMPLATE, reflection.id, template.id)]
                for template in library.templates.values()]
    return _("Choose a template. The number is how many questions it asks."), \
        InlineKeyboardMarkup(keyboard)


def section_menu(template: Template, reflection: Reflection, language: str) -> Screen:
    _ = translator(language).gettext
    keyboard = [[_button(step.title.in_(language), ReflectionAction.SECTION, reflection.id,
                         step.id)]
                for step in template.steps]
    keyboard.append(back_row(reflection, language))
    return "✏️ " + _("Which section do you want to change?"), InlineKeyboardMarkup(keyboard)


def section_prompt(template: Template, reflection: Reflection, step_id: str,
                   language: str) -> Screen:
    _ = translator(language).gettext
    step = template.step(step_id)
    title = step.title.in_(language) if step else step_id
    lines = ["✏️ " + _("Send the new text for «{section}».").format(section=title)]
    current = reflection.answers.get(step_id, "").strip()
    if current:
        lines.append(_("Now:") + f" «{preview(current, 300)}»")
    lines.append(_("/cancel keeps it as it is."))
    return "\n".join(lines), InlineKeyboardMarkup([back_row(reflection, language)])


def date_menu(reflection: Reflection, today: date, language: str) -> Screen:
    _ = translator(language).gettext
    labels = {0: _("Today"), 1: _("Yesterday")}
    buttons = [_button(labels.get(days) or format_timedelta(timedelta(days=-days),
                                                            add_direction=True, locale=language),
                       ReflectionAction.DATE, reflection.id, days) for days in DAYS_AGO_CHOICES]
    keyboard = [*button_rows(buttons, 3), back_row(reflection, language)]
    text = "\n".join([
        "📅 " + _("When was it? Now: {date}.").format(
            date=day_label(reflection.activity_date, language)),
        _("Pick a day, or type a date such as “12.03”, “yesterday” or “3 days ago”. "
          "It can be up to 12 months back, and not in the future."),
    ])
    return text, InlineKeyboardMarkup(keyboard)


def time_menu(reflection: Reflection, language: str) -> Screen:
    _ = translator(language).gettext
    keyboard = button_rows(_time_buttons(reflection, (*TIME_CHOICES, 180, 240), language), 4)
    keyboard.append([_button("✖ " + _("No time"), ReflectionAction.MINUTES, reflection.id, 0),
                     *back_row(reflection, language)])
    return "\n".join(["⏱ " + _("How long did it take?"),
                      _("Pick one, or type it: “20 min”, “1.5 h”, “полчаса”, “1 hora”.")]), \
        InlineKeyboardMarkup(keyboard)


def activity_menu(library: Library, reflection: Reflection, language: str) -> Screen:
    _ = translator(language).gettext
    buttons = [_button(("✓ " if name == reflection.activity_type else "")
                       + activity.name.in_(language), ReflectionAction.ACTIVITY, reflection.id,
                       name)
               for name, activity in library.activities.items()]
    keyboard = [*button_rows(buttons, 2), back_row(reflection, language)]
    return "🏷 " + _("What kind of activity was it?"), InlineKeyboardMarkup(keyboard)


def tags_prompt(reflection: Reflection, language: str) -> Screen:
    _ = translator(language).gettext
    lines = ["#️⃣ " + _("Send the tags, separated by spaces, e.g. “#sepsis #aki”.")]
    if reflection.tags:
        lines.append(_("Now:") + " " + " ".join(f"#{tag}" for tag in reflection.tags))
    lines.append(_("#hashtags in your text are added by themselves. /cancel keeps the tags."))
    return "\n".join(lines), InlineKeyboardMarkup([back_row(reflection, language)])


def busy(library: Library, in_progress: Reflection, moment_id: int | None,
         language: str) -> Screen:
    """Another reflection is open: finish it, or park it and start the new one."""
    _ = translator(language).gettext
    template = template_of(library, in_progress)
    number, total = progress(in_progress, template)
    text = _("You are in the middle of a reflection ({template}, {number}/{total}). "
             "Finish it first, or park it for later?").format(
        template=template.name.in_(language), number=number, total=total)
    keyboard = [[_button("▶ " + _("Finish that one"), ReflectionAction.CONTINUE, in_progress.id)]]
    if moment_id is not None:
        keyboard.append([_button("⏸ " + _("Park it, start this one"),
                                 ReflectionAction.PARK_AND_START, in_progress.id,
                                 moment_id)])
    return text, InlineKeyboardMarkup(keyboard)


def log_list(library: Library, page: LogPage, language: str) -> Screen:
    translation = translator(language)
    _ = translation.gettext
    search = page.search.text
    if page.total == 0:
        text = (_("Nothing in your log matches «{search}».").format(search=search) if search
                else _("Your log is empty. Press “Reflect now” under a note, or use /reflect."))
        rows = []
    else:
        if search:
            heading = translation.ngettext("{count} reflection matches «{search}».",
                                           "{count} reflections match «{search}».", page.total)
        else:
            heading = translation.ngettext("Your log: {count} reflection.",
                                           "Your log: {count} reflections.", page.total)
        lines = ["📓 " + heading.format(count=page.total, search=search), ""]
        first = (page.page - 1) * LOG_PAGE_SIZE
        numbers = []
        for number, item in enumerate(page.items, start=first + 1):
            lines.append(f"{number}. {entry_line(library, item, language)}")
            numbers.append(_button(str(number), ReflectionAction.VIEW, item.id))
        lines += ["", _("Open one by its number. /log word or /log #tag searches.")]
        text = "\n".join(lines)
        rows = [numbers]
        if page.pages > 1:
            paging = []
            if page.page > 1:
                paging.append(InlineKeyboardButton(
                    "◀", callback_data=log_button(page.page - 1, search)))
            paging.append(InlineKeyboardButton(f"{page.page}/{page.pages}",
                                               callback_data=log_button(page.page, search)))
            if page.page < page.pages:
                paging.append(InlineKeyboardButton(
                    "▶", callback_data=log_button(page.page + 1, search)))
            rows.append(paging)
    if page.deleted:
        rows.append([InlineKeyboardButton(
            "🗑 " + _("Recently deleted ({count})").format(count=page.deleted),
            callback_data=DELETED_BUTTON)])
    return text, InlineKeyboardMarkup(rows) if rows else None


def entry_line(library: Library, reflection: Reflection, language: str) -> str:
    template = template_of(library, reflection)
    first_answer = next((answer for answer in reflection.answers.values() if answer.strip()), "")
    tags = " ".join(f"#{tag}" for tag in all_tags(reflection)[:3])
    parts = [day_label(reflection.activity_date, language), template.name.in_(language),
             preview(first_answer, 50)]
    return " · ".join(parts) + (f" {tags}" if tags else "")


def deleted_list(library: Library, items: list[Reflection], language: str) -> Screen:
    _ = translator(language).gettext
    if not items:
        return _("Nothing was deleted in the last 30 days."), None
    keyboard = [[_button("↩️ " + entry_line(library, item, language)[:60], ReflectionAction.RESTORE,
                         item.id)]
                for item in items]
    return _("Deleted in the last 30 days. Press one to restore it."), \
        InlineKeyboardMarkup(keyboard)
