"""Every word the preview site and the mock-ups show, in one place.

``STRINGS`` maps a key to a Ukrainian string (``str.format`` fields in
braces) or, for counted nouns, to a tuple of the three Ukrainian plural forms
(one, few, many). Another language is another dict with the same keys plus a
``plural`` rule; :func:`t` and :func:`count` are the only readers.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["STRINGS", "count", "date_text", "decimal", "metres", "plural_uk", "t", "word"]


def plural_uk(n: int) -> int:
    """Index of the Ukrainian plural form of ``n``: 0 one, 1 few, 2 many."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


STRINGS: dict[str, str | tuple[str, str, str]] = {
    "lang": "uk",
    "decimal_comma": ",",
    "months": ("січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня",
               "вересня", "жовтня", "листопада", "грудня"),
    "date": "{day} {month} {year}",
    # site chrome
    "site_name": "Попередній перегляд стендів",
    "index_title": "{campaign}: стенди для погодження",
    "index_lead": ("Макети інформаційних стендів на кожній локації — для перегляду й погодження "
                   "перед друком. Кожна панель показана такою, якою її надруковано: з вильотом "
                   "за лінію обрізу."),
    "generated": "Зібрано: {generator}, дані на {date}",
    "skip": "Перейти до змісту",
    "footer": "Сторінку створено автоматично з файлів друку. Кольори на екрані приблизні: "
              "CMYK-друк виглядатиме інакше, ніж RGB-монітор.",
    "nav_all": "Усі локації",
    "nav_back": "← Усі локації",
    # summary figures on the index
    "fig_stands": ("локація", "локації", "локацій"),
    "fig_panels": ("панель", "панелі", "панелей"),
    "fig_cases": ("кейс", "кейси", "кейсів"),
    "fig_units": ("конструкція", "конструкції", "конструкцій"),
    # map
    "map_heading": "Схема розміщення",
    "map_title": "Схема розміщення стендів у місті",
    "map_desc": "Схематична карта: точки стендів за приблизними координатами, з номерами локацій.",
    "map_note": "Схема, не для навігації: координати приблизні.",
    "map_north": "Пн",
    "map_km": "{n} км",
    "map_none": "Координати локацій не передано — схема недоступна.",
    # list of stands
    "stands_heading": "Локації",
    "stand_number": "Локація {n}",
    "address_unknown": "адреса не вказана",
    "thumbs_label": "Панелі стенду «{name}»",
    "open_stand": "Відкрити стенд",
    # build warnings
    "warnings_heading": "Попередження збірки",
    "warnings_more": "Показати ще {n}",
    # preflight
    "status_ok": "Перевірено",
    "status_warning": "Є зауваження",
    "status_error": "Є помилки",
    "status_none": "Не перевірено",
    "status_missing": "Файл відсутній",
    "preflight_heading": "Перевірка перед друком",
    "preflight_none": "Звіту перевірки ще немає: запустіть «standpress check» для цієї папки, "
                      "і статус з’явиться тут.",
    "preflight_all_ok": "Усі файли стенду пройшли перевірку без зауважень.",
    "preflight_file": "Файл",
    "preflight_result": "Результат",
    "preflight_page": "с. {n}",
    "sev_ok": "гаразд",
    "sev_warning": "зауваження",
    "sev_error": "помилка",
    "preflight_tally": "{files}: з помилками — {errors}, із зауваженнями — {warnings}, "
                       "без зауважень — {ok}.",
    "files": ("файл", "файли", "файлів"),
    # stand page
    "stand_title": "{number}{name}",
    "meta_address": "Адреса",
    "meta_format": "Формат",
    "meta_units": "Конструкції",
    "meta_units_value": "{units} × {faces} {sides} = {total} {fields}",
    "sides": ("бік", "боки", "боків"),
    "fields": ("поле", "поля", "полів"),
    "meta_districts": "Райони",
    "meta_trim": "Обріз",
    "meta_trim_value": "{w}\u00a0×\u00a0{h}\u00a0мм, виліт {bleed}\u00a0мм",
    "meta_status": "Перевірка",
    "meta_cases": "Кейсів",
    "print_files": "Уміст print/:",
    "legend_trim": "обріз",
    "legend_bleed": "межа вильоту",
    "legend_safe": "безпечна зона",
    "downloads_heading": "Файли",
    "dl_stand_pdf": "Увесь стенд одним PDF",
    "dl_stand_pdf_note": "{n} {pages}, для перегляду й погодження",
    "pages": ("сторінка", "сторінки", "сторінок"),
    "dl_print": "Пакет для друкарні",
    "dl_print_note": "папка print/: PDF панелей, маніфест, завдання на друк",
    "dl_zip": "Пакет для друкарні, ZIP",
    "panels_heading": "Панелі",
    "panels_lead": "Натисніть на панель, щоб переглянути її великою. "
                   "Порядок — як на стенді: конструкція за конструкцією, бік A, потім бік B.",
    "unit": "Конструкція {n}",
    "unit_short": "конструкція {n}",
    "side": "бік {side}",
    "side_empty": "вільний бік",
    "kind_cover": "Обкладинка",
    "kind_cases": "Кейси",
    "kind_locator": "Карта локацій",
    "kind_catalogue": "Каталог",
    "kind_other": "Панель",
    "panel_label": "{num} · {kind}",
    "panel_alt": "Панель {num}, {kind}: {unit}, {side}",
    "panel_pdf": "PDF",
    "panel_missing": "Файл панелі не знайдено",
    "panel_cases": "кейси {ids}",
    "guides_legend": ("Напрямні: суцільна лінія — обріз; штрихова по краю — межа вильоту; "
                      "штрихова всередині — безпечна зона для тексту й QR-кодів."),
    "guides_on": "З напрямними",
    "guides_off": "Без напрямних",
    "lb_close": "Закрити",
    "lb_prev": "← Попередня",
    "lb_next": "Наступна →",
    "lb_full": "Відкрити зображення окремо",
    "mockup_heading": "Стенд у масштабі",
    "mockup_lead": "Усі поля стенду в одному масштабі поруч із фігурою людини зростом {h}.",
    "mockup_alt": ("Масштабний макет: {units}, усі панелі стенду на лінії землі поруч "
                   "із силуетом людини зростом {h}"),
    "cases_heading": "Кейси на стенді",
    "cases_lead": "Кожен кейс має QR-код на панелі; посилання нижче — ті самі адреси.",
    "cases_none": "На цьому стенді немає кейсів.",
    "th_id": "№",
    "th_title": "Кейс",
    "th_panel": "Панель",
    "th_link": "Посилання QR-коду",
    "title_unknown": "назва не передана",
    "link_none": "—",
    "catalogue": "Каталог (QR на обкладинці)",
    "checklist_heading": "Що перевірити перед погодженням",
    "checklist": (
        "Назва й адреса локації, номер на карті локацій.",
        "Назви кейсів, організацій і партнерів — без помилок, з правильними лапками й апострофами.",
        "Фото: чи ті, чи не обрізано важливе, чи є підписи авторів.",
        "QR-коди: відкрийте кожне посилання зі списку кейсів.",
        "Порядок панелей на конструкціях і сторонах.",
    ),
    # mock-up image
    "mock_unit": "конструкція {n}",
    "mock_side": "бік {side}",
    "mock_empty": "без панелі",
}


def t(key: str, strings: dict | None = None, **fields) -> str:
    """The string ``key``, formatted with ``fields``."""
    value = (strings or STRINGS)[key]
    if isinstance(value, tuple):
        raise TypeError(f"{key!r} is a plural form; use count()")
    return value.format(**fields) if fields else value


def count(n: int, key: str, strings: dict | None = None,
          rule: Callable[[int], int] = plural_uk) -> str:
    """``n`` and the right plural form of ``key``: «3 панелі», «5 кейсів»."""
    forms = (strings or STRINGS)[key]
    return f"{n} {forms[rule(n)]}"


def word(n: int, key: str, strings: dict | None = None,
         rule: Callable[[int], int] = plural_uk) -> str:
    """The plural form of ``key`` for ``n``, without the number."""
    return (strings or STRINGS)[key][rule(n)]


def decimal(x: float, digits: int = 2, strings: dict | None = None) -> str:
    """``1.8`` → «1,8»; trailing zeros dropped."""
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(".", (strings or STRINGS)["decimal_comma"])


def metres(mm: float, strings: dict | None = None) -> str:
    """A length in millimetres as metres: ``1750`` → «1,75 м»."""
    return f"{decimal(mm / 1000, 2, strings)}\u00a0м"


def date_text(iso: str, strings: dict | None = None) -> str:
    """``2022-10-12T00:00:00+00:00`` → «12 жовтня 2022»; anything else unchanged."""
    S = strings or STRINGS
    try:
        year, month, day = (int(v) for v in iso[:10].split("-"))
        return S["date"].format(day=day, month=S["months"][month - 1], year=year)
    except (ValueError, IndexError, TypeError):
        return str(iso)
