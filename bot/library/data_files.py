"""What every data file in `prompts/` shares: strict models and one way to report a bad file.

Clinic staff edit these files by hand, so a mistake must stop start-up with the file, the key
and what is wrong, never with a traceback or a half-loaded rule set.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.common.i18n import SUPPORTED_LANGUAGES

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,23}$")]
Phrase = Annotated[str, Field(min_length=1, max_length=600)]


class DataFileError(Exception):
    """A data file that cannot be used, printed as `file: key: problem`."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


STAND_IN = {"kk": "ru", "ka": "ru", "az": "ru"}  # for a text not yet in that language


class Localised(Strict):
    """One text in every supported language."""

    en: Phrase
    ru: Phrase
    uk: Phrase
    es: Phrase
    # Optional, so a clinic's own data files written before these languages still load: the
    # language their clinicians also read stands in. The shipped files have all seven.
    kk: Phrase | None = None
    ka: Phrase | None = None
    az: Phrase | None = None

    def in_(self, language: str) -> str:
        chosen: str | None = getattr(self, language) if language in SUPPORTED_LANGUAGES else None
        text: str = chosen or getattr(self, STAND_IN.get(language, "en"))
        return text


def validated_file(path: Path, model: type[Any], shape: Any) -> Any:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path}: cannot be read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{path}: not valid TOML ({exc})") from None
    try:
        return model.model_validate(shape(raw))
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        location = list(error["loc"])
        if location and location[0] in ("activities", "topics"):  # the shape()'s own wrapper
            location = location[1:]
        key = "".join(f"[{part}]" if isinstance(part, int) else f".{part}"
                      for part in location).lstrip(".")
        problem = error["msg"].removeprefix("Value error, ")
        if not key:  # a whole-file check names its own key: "rules[2].category: ..."
            key, found, rest = problem.partition(": ")
            key, problem = (key, rest) if found else ("(top level)", problem)
        if error["type"] == "missing":
            problem = "missing"
        elif error["type"] == "extra_forbidden":
            problem = "unknown key"
        raise DataFileError(f"{path}: {key}: {problem}") from None
