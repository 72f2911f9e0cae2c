"""Personal names in the seven languages: after a title or a patient word, by a bed, with
initials or a patronymic, by a surname's ending, a known first name, or their company; with
eponyms, cities, institutions and colleagues teaching left alone."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.privacy.dates import MONTHS
from bot.privacy.words import (
    COMMON,
    CYR_LOW,
    CYR_UP,
    CYRILLIC_WORD,
    INITIALS,
    KA,
    LATIN_LOW,
    LATIN_NAME,
    LATIN_UP,
    LATIN_WORD,
    NAMES_DATA,
    STREETS,
    WORDS,
    Span,
    alternation,
    stems,
)

# Words for a patient or a person described: a name may follow them ("пациентка Петрова"),
# and none is a surname itself ("Бабушку из 5 палаты перевели"). "хворий" and "хвора" are
# patients; "хвороба" is a disease ("хвороба Паркінсона").
_CYRILLIC_PEOPLE = (r"пациент\w*|больн\w+|пацієнт\w*|хвор(?!об)\w+|роженица|породілл\w+"
                    r"|ребён\w+|ребен\w+|дитин\w+|мальчик\w*|девочк\w+|хлопчик\w*|дівчинк\w+"
                    r"|мужчин\w+|женщин\w+|чоловік\w*|жінк\w+|бабушк\w+|дедушк\w+|бабус\w+"
                    r"|дідус\w+|"
                    + stems(NAMES_DATA["people"]["kk"], NAMES_DATA["people"]["ru"]))
_PEOPLE = re.compile(rf"(?i:{_CYRILLIC_PEOPLE}|patients?|pt|clients?|residents?|señor[a]?"
                     r"|señorita|pacientes?|enferm[oa]s?|niñ[oa]s?|bebés?|reclus[oa]s?|pequeñ[oa]s?"
                     r"|pres[oa]s?|inmates?|prisoners?|detainees?|заключённ\w*|заключенн\w*"
                     r"|ув'язнен\w*|"
                     + stems(NAMES_DATA["people"]["ka"], NAMES_DATA["people"]["az"]) + ")")
# Each pattern's name is its group "name" (the whole match when it has none); the span
# marked is group "surname" when there is one, else the whole match. A name after a title
# ("Mr", "Sra.") is a person even when it is an eponym too: those patterns come first.
_TITLED = 2
_NAMES = [
    # (not "MR enterography" or "MS relapse": the titles are never all capitals)
    re.compile(rf"\b(?:[Mm]rs?|[Mm]s|[Mm]iss|[Mm]x|[Ss]ra?|[Ss]rta|[Dd]ña?|[Dd]on|[Dd]oña)\.?\s+"
               rf"{LATIN_NAME}"),
    re.compile(r"(?<!\d)(?<!\d\s)\b(?:[Mm]rs?|[Mm]s|[Mm]iss|[Dd]on|[Dd]oña)\.?\s+[a-z][a-z'’-]{2,}\b(?<!\bthe)"
               r"(?:\s+(?!(?:and|with|was|has|had|is|the|on|in|at|for|to|of|who|came)\b)"
               r"[a-z][a-z'’-]{2,}\b){0,2}"),
    # "Handover: Eileen Marsh, 84" or "Edna Threlfall 91F": a name followed by an age.
    # (not "Curso de Psicofarmacología, 7 y 8 de mayo" or "Study Day, 14 March": dates)
    re.compile(rf"(?<!\w)(?:{LATIN_NAME}|{CYRILLIC_WORD}\s+{CYRILLIC_WORD})"
               rf"(?=,\s*\d{{1,3}}\b(?![.,:/–-]\d)(?!\s*(?:[y&и–-]|and)\s*\d)"
               rf"(?!\s*(?:de\s+)?(?i:{MONTHS}))|\s+\d{{1,3}}\s?[MFМЖ]\b)"),
    re.compile(rf"(?i:\b(?:patient|pt\.?|client|resident|service user|señor|señora|señorita"
               rf"|paciente|enferm[oa]|niñ[oa]|bebé|xəstə(?:nin|yə|ni)?|pasiyent\w*)\s+"
               rf"(?:called\s+|named\s+|llamad[oa]\s+)?)"
               rf"(?!(?:The|This|That|With|In|On|At|A|An|I|He|She|We|They|Who|Was|Is|Has|Had)"
               rf"\b)(?P<name>{LATIN_NAME})"),
    re.compile(rf"(?i:(?:{_CYRILLIC_PEOPLE})\s+)"
               rf"(?P<name>{CYRILLIC_WORD}(?:\s+{CYRILLIC_WORD}){{0,2}}){INITIALS}"),
    # A surname with initials, or a full name with a patronymic, is a person wherever it is.
    re.compile(rf"(?<![\w'’]){CYRILLIC_WORD}\s+[{CYR_UP}]\.\s?[{CYR_UP}]\."),
    re.compile(rf"(?<![\w'’]){LATIN_WORD}\s+[A-Z]\.\s?[A-Z]\."),
    # A bare surname by the bed or ward it came from: "Petrov from bed 5", "Петров из 5
    # палаты", "Петров з палати 5", "García, cama 3", "la de la cama 3 (García)".
    re.compile(rf"(?P<surname>{LATIN_WORD})\s+from\s+(?:bed|bay|cubicle|side\s+room)\s*"
               r"(?:no\.?\s*)?\d{1,3}\b"),
    re.compile(rf"(?P<surname>{CYRILLIC_WORD})\s+(?:из|с|з|із|зі)\s+"
               r"(?:\d{1,3}(?:-?[а-яії]{1,2})?\s+палат\w*|палат\w*\s+(?:№\s*)?\d{1,3}\b)"),
    re.compile(rf"(?P<surname>{LATIN_WORD})(?:,\s*|\s+(?:de|en)\s+la\s+|\s*\(\s*)"
               r"(?:cama|habitación|hab\.|box)\s*(?:n\.?[ºo°]\s*)?\d{1,3}\b"),
    # ...or by the room's number alone: "Jiménez de la 412"
    re.compile(rf"(?P<surname>{LATIN_WORD})\s+(?:de|en)\s+la\s+\d{{3}}(?![\d,.:/])"),
    re.compile(rf"(?i:\b(?:bed|bay|cama|habitación|box|палат\w*)\s*(?:no\.?\s*|№\s*)?\d{{1,3}}"
               rf"\s*\(\s*)(?P<surname>{LATIN_WORD}|{CYRILLIC_WORD})\s*\)"),
    re.compile(rf"(?i:\b\d{{1,3}}(?:-?[а-яії]{{1,2}})?\s+палат\w*\s*\(\s*)"
               rf"(?P<surname>{CYRILLIC_WORD})\s*\)"),
    re.compile(rf"(?i:\b(?:bed|bay|cubicle|cama|habitación|hab\.|box|койк\w*|ліжк\w*|палат\w*)"
               rf"\s*(?:no\.?\s*|№\s*|n\.?[ºo°]\s*)?\d{{1,3}}\s*[-–—:,]\s*)"
               rf"(?P<surname>{LATIN_WORD}|{CYRILLIC_WORD})(?=\s*[-–—,;(/]|\s*$)"),
]
# ...unless a colleague's title comes just before it: "зав. отделением Смирнова Н.А.".
# (each stem starts a word: "dra" is in "Sandra" and "dr" in "Hendry"; the specialists' "-олог"
# ends one: "неонатолог", "kardioloq")
# Colleagues' words in Kazakh, Georgian and Azerbaijani, as stems (names.toml).
_STAFF_STEMS = "|".join(re.escape(stem) for language in ("kk", "ka", "az")
                        for stem in NAMES_DATA["staff"][language])
_STAFF_BEFORE = re.compile(
    r"(?i)(?<!\w)(?:\w*(?:олог|ólog|ologist|olog|oloq|ოლოგ|хирург|хірург|ქირურგ)"
    r"|prof|professor|dr|doctor|lecturer|consultant|registrar|colleague|speaker|nurse"
    r"|проф|доц|зав|заведующ|лектор|доклад|врач|лікар|доктор|д-р|колег|наставник|керівник"
    r"|руковод|медсестр|ponente|profesor|doctora?|dra?|jef[ae]|adjunt[oa]|colega"
    r"|лекци|лекці|вебинар|вебінар|семинар|семінар|кардиолог|завідувач|lecture|webinar"
    # thanked: "Спасибо Марине Олеговне", "Дякую Наталії Іванівні"
    r"|thank|gracias|agradec|спасиб|благодар|дякую|дяку|подяк|рахмет|алғыс|მადლობ|təşəkkür"
    r"|shout-?out|kudos"
    r"|наставни|mentor|tutor|supervisor|matron|pharmacist|midwife|physio|автор|author"
    r"|ординатор|интерн|інтерн"
    r"|викладач|преподават|учитель|вчител|მასწავლებ|docente|teacher|fisio|matrona|ponente"
    r"|aparıcı|cirujan|surgeon"
    r"|педиатр|педіатр|pediatr|терапевт|anestesi|резидент|residente|რეზიდენტ|"
    + _STAFF_STEMS + r")\w*\.?"
    # "зав. отделением", "завідувачки відділення анестезіології", "jefa del servicio de"
    r"(?:\s+(?:відділенн\w*|отделени\w*|кафедр\w*|department|dept\.?|of|de|del|servicio"
    r"|бөлім\w*|განყოფილებ\w*|şöbə\w*|\w+(?:ології|ологии|ology|logía|ologiya|ოლოგიის)))*"
    r"(?:\s+(?!(?:случа|випад|case|caso|histor|истори|істор|შემთხვევ)\w*)\w+\.?)?[\s—–-]*$")
# ...or learning from them: "learnt the anastomosis from Ms Kowalski", "aprendí de la Dra.".
_TAUGHT_BY = re.compile(r"(?i)(?:learn\w*|taught|teaching|lesson|tips?|advice|talk|aprend\w*"
                        r"|научил\w*|навчил\w*|узнал\w*"
                        r"|дізнал\w*|үйрен\w*|ვისწავლე|öyrən\w*)[^.!?\n]{0,60}"
                        r"(?:\bfrom|\bby|\bde|\bот|\bвід|\bу)\s+(?:[\w.]+[\s,]+){0,2}$")
# ...or a colleague's role, a teacher's verb or thanks just after: "Mr Adeyemi (consultant
# vascular surgeon)", "Mr Fraser pointed out".
_STAFF_AFTER = re.compile(
    r"(?i)\s+(?:from|of)\s+the\s+[\w\s/&-]{0,25}?team\b|\s+(?:who|that)\s+(?:ran|gave|led|taught|did"
    r"|delivered|showed|explained)"
    # an author or a figure read about: "(McDonagh T.A. et al.)", "Байжанова Г.А. және т.б.",
    # "ალექსანდრე ნათიშვილის (ქირურგი, 1878–1959)", "Zərifə Əliyevanın işlərini oxudum"
    r"|\s+(?:et\s+al|и\s+др|и\s+соавт|та\s+ін|та\s+співавт|және\s+т\.?\s?б|y\s+cols?\b"
    r"|və\s+həmkar\w*|и\s+коллег\w*|та\s+колег\w*|and\s+colleagues|y\s+colaborador\w*"
    r"|და\s+თანაავტ\w*"
    r"|და\s+სხვ|və\s+b\.)"

    r"|\s*\([^)]{0,40}\d{4}\s*[–-]\s*\d{4}\)"
    r"|[^.!?\n]{0,30}?(?:oxudum|оқыдым|прочита\w*|читал\w*|leí|წავიკითხე|წიგნ\w*|kitab\w*"
    r"|книг\w*|стать\w*|статт\w*|\bbook|\barticle|\bpaper)"
    r"|\s+(?:білдім|үйрендім|öyrəndim|ვისწავლე)"
    r"|[^.!?\n]{0,70}?\s(?:көрсетті|түсіндірді|აჩვენა|აგვიხსნა|göstərdi|izah\s+etdi)(?!\w)"
    r"|\s+(?:mühazirə\w*|лекци\w*|лекці\w*|дәріс\w*|ლექცი\w*|доклад\w*|доповід\w*|вебінар\w*"
    r"|вебинар\w*|lecture|talk|webinar|ponencia|charla)"
    r"|\s+(?:said|says)\s+(?:always|never)\b|\s+(?:always\s+says|teaches|recommends|advises)"
    # a speaker at a course: "lo que dijo Ibone Olza en el congreso"
    r"|\s+(?:en|at|in|на|в|у|da|də)\s+(?:el\s+|la\s+|the\s+|a\s+)?(?:congreso|conference|jornada"
    r"|curso|course|seminar\w*|webinar|конференц\w*|семинар\w*|семінар\w*|вебинар\w*|вебінар\w*"
    r"|курс\w*|konfrans\w*)"
    r"|\s+(?:pointed\s+out|showed|taught|explained|demonstrated|told\s+us|mostró|explicó|enseñó"
    r"|объяснил\w*|показал\w*|пояснил\w*|пояснив\w*|показав\w*|розпові\w*|түсіндір\w*"
    r"|გვაჩვენ\w*|აგვიხსნ\w*|izah\s+etdi|göstərdi)"
    r"|\s*[(,–—-]\s*(?:the\s+|our\s+|el\s+|la\s+|наш\w*\s+|нашей\s+|nuestr\w+\s+)?(?:[\w.]+\s+)?"
    r"(?:pharmacist|midwife|mw\b|matron|nurse|sister|physio\w*|enfermer\w*|matrona|farmac\w*"
    r"|медсестр\w*|медбрат|акушер\w*|фармац\w*|\w*олог(?!и[яиюе]|ія|ії|ію)\w*|\w*olo[gq](?:ist|o|a|ma|i)?\b|провизор|мейірбике|ექთან\w*"
    r"|aparıcı|ведущ\w*|автор\w*|author"
    r"|tibb\s+bacı\w*|consultant|registrar"
    r"|professor|prof\b|lecturer|surgeon|physician|nurse\s+specialist|зав\b|заведующ|завідувач"
    r"|профессор|професор|доцент|лектор|jef[ae]|adjunt|profesor|médic[oa]\s+adjunt"
    r"|резидент|rezident|რეზიდენტ|ექიმ|дәрігер|həkim|біздің\s+\w+|ჩვენი\s+\w+|bizim\s+\w+|"
    + _STAFF_STEMS + ")"
    # or thanked just after: "Серікбаевқа рахмет", "ლომიძეს დიდი მადლობა"
    r"|\s*(?:\([^)]{0,30}\)\s*)?(?:(?:дуже|очень|большое|огромное|დიდი|çox|үлкен)\s+)?"
    r"(?:рахмет|спасибо|дякую|მადლობ|təşəkkür|thanks|gracias)"
    r"|[^.!?\n]{0,40}?(?:рахмет|спасибо|дякую|მადლობ|təşəkkür)")

# Eponyms, cities and the clinical nouns that travel with them, which a name must not be
# wholly made of; and words that start a sentence before "from bed 5" (eponyms.toml).
_NOT_A_PERSON = frozenset(word.casefold() for key in ("eponyms", "places", "clinical_words")
                          for word in WORDS[key])
_NOT_A_SURNAME = frozenset(word.casefold() for word in WORDS["not_names"]) | _NOT_A_PERSON
_ENDINGS = tuple(WORDS["endings"])
_POSSESSIVE = re.compile(r"['’]s?$")


def _known(word: str, words: frozenset[str]) -> bool:
    """`word` is in `words`, as it stands, without a possessive ("Parkinson's"), or less a
    case ending from eponyms.toml ("Паркинсона", "Бабинского" from "Бабинск", "Bakıdan")."""
    word = word.casefold()
    base = _POSSESSIVE.sub("", word)
    return (word in words or base in words
            or any(base.endswith(ending) and base[:-len(ending)] in words for ending in _ENDINGS))


def _not_a_person(name: str, words: frozenset[str] = _NOT_A_PERSON) -> bool:
    """Every word of the name (every part of a double-barrelled one) is an eponym, a city or
    a clinical noun: "Glasgow Coma Scale", "Болезнь Паркинсона", "Guillain-Barré"."""
    return all(_known(word, words) or ("-" in word and all(
        _known(part, words) for part in word.split("-"))) for word in name.split())


# -- names in Kazakh, Georgian and Azerbaijani, and full names ----------------------------------
# Each pattern's name is its group "name"; its check gets the match and says whether it is a
# person. A first name from names.toml followed by a surname, a surname with its country's
# ending next to a first name, a Turkic patronymic ("Нұрланұлы", "Rauf oğlu"), a Georgian
# surname in -შვილი or -ძე anywhere (the other endings only after a first name or by a bed),
# an Azerbaijani surname in -ov, -yev, -zadə anywhere, and a surname by its bed or ward.

_CYRILLIC_CASES = {"а": "а|ы|и|у|ой|е|ою|і|ю", "я": "я|и|ю|ей|е|ї|єю|ею|і", "й": "й|я|ю|ем|є|ї",
                   "ь": "ь|я|ю|ем|і|е", "о": "о|а|у|ом|ові|і"}


# Kazakh case endings, on a surname or a first name: "Омаровқа", "Сейітованы", "Ерланның".
_KK_CASE = (r"(?:ның|нің|дың|дің|тың|тің|ға|ге|қа|ке|ны|ні|ды|ді|ты|ті|да|де|та|те|дағы|дегі"
            r"|дан|ден|тан|тен|нан|нен|мен|бен|пен)")


def _cyrillic_forms(name: str) -> str:
    """A Russian, Ukrainian or Kazakh first name in its cases: "Нурлана", "Ольгу", "Андрія",
    "Ерланның"."""
    if name[-1] in _CYRILLIC_CASES:
        return f"{re.escape(name[:-1])}(?:{_CYRILLIC_CASES[name[-1]]}|{name[-1]}{_KK_CASE})"
    return f"{re.escape(name)}(?:а|я|у|ю|ом|ем|е|ові|еві|ым|і|{_KK_CASE})?"


_FIRST = {script: alternation(words) for script, words in NAMES_DATA["first_names"].items()}
_FIRST["cyrillic"] = "|".join(_cyrillic_forms(name) for name in sorted(
    set(NAMES_DATA["first_names"]["cyrillic"]), key=len, reverse=True))
_FIRST_NAME = re.compile("|".join(f"(?:{names})" for names in _FIRST.values()))
_INSTITUTIONS = frozenset(word.casefold() for word in NAMES_DATA["institutions"])
_PATRONYMIC = re.compile(r"(?i)(?:(?:ович|евич|йович|овн|евн|ичн|івн|ївн|інічн)\w{0,3}|ovich|evich"
                         r"|ovna|evna|ovych|ivna|(?:ұлы|улы|қызы|кызы|uly|kyzy)\w{0,4})$")
# A Russian or Ukrainian patronymic, with which a first name alone addresses a colleague
# ("Ольга Сергеевна"); Kazakh "-ұлы" and "-қызы" are in anyone's full name ("Әлихан Нұрланұлы").
_SLAVIC_PATRONYMIC = re.compile(r"(?i)(?:(?:ович|евич|йович|овн|евн|ичн|івн|ївн|інічн)\w{0,3}"
                                r"|ovich|evich|ovna|evna|ovych|ivna)$")
_CYRILLIC_SURNAME = re.compile(r"(?:ов|ев|ёв|ин|ын|ск|цк|енко|енку|енка|енком|ук|юк|ян|ник|ар|ець"
                               r"|ли"
                               r"|дзе|швили|ұлы"
                               r"|қызы)(?:а|у|ой|ым|им|ому|ого|ий|ая|ую|ей|ій|ої|ою|ом)?$")
_LATIN_SURNAME = (r"(?:ov|ova|yev|yeva|[b-df-hj-np-tv-zçğş]ev|[b-df-hj-np-tv-zçğş]eva|zadə|zade"
                  r"|dze|shvili|enko|chuk|chyk|skyi|skyy|skaya|ska|vych|vich)")
_AZ_CASE = (r"(?:un|ün|ın|in|nın|nin|nun|nün|a|ə|ya|yə|u|ü|ı|i|nı|ni|nu|nü|da|də|dan|dən|la|lə"
            r"|yla|ylə|dakı|dəki)")
# A Russian, Ukrainian or Kazakh surname's ending that ordinary words (past tenses in -ли,
# "вторник") do not share: a name by itself near a ward or after a verb of seeing.
_STRICT_SURNAME = re.compile(r"(?:ов|ев|ёв|ин|ын|ск|цк|енко|ук|юк|чук|ян|швили|дзе)"
                             r"(?:а|у|ой|ым|им|ому|ого|ий|ая|ую|ей|ій|ої|ою|ом)?$")
_LATIN_SURNAME_END = re.compile(rf"{_LATIN_SURNAME}{_AZ_CASE}?$|(?<=\w{{4}})l[ıiuü]$")
# ...and in lower case, where "-li" is as often an adjective ("şəkərli diabet").
_LATIN_STRICT_END = re.compile(rf"{_LATIN_SURNAME}{_AZ_CASE}?$")
_KA_CASE_I = r"(?:ი|ს|მა|ის|ით|ად|თან|ისთვის|ზე|ში|ისგან)"
_KA_CASE_E = r"(?:ე|ეს|ემ|ის|ით|ედ|ესთან|ისთვის|ეზე|ეში|ისგან)"
_KA_CASE_A = r"(?:ა|ას|ამ|ათ|ათი|ად|ასთან|ასთვის|აზე|აში|ისგან)"
_KA_KIN = alternation(NAMES_DATA["georgian_kin"])
# -შვილი and -ძე: surnames wherever they are ("ხარაიშვილს", "ბერიძემ").
_KA_STRONG = rf"(?!{_KA_KIN})[{KA}]{{3,}}(?:შვილ{_KA_CASE_I}|ძ{_KA_CASE_E})"
# -ია, -ავა, -უა, -ური, -ანი, -ელი: surnames too, but common words end so ("ანემია").
_KA_WEAK = rf"[{KA}]{{2,}}(?:(?:ი|ავ|უ){_KA_CASE_A}|(?:ურ|ან|ელ){_KA_CASE_I})"
_KA_SURNAME = rf"(?<![{KA}])(?:{_KA_STRONG}|{_KA_WEAK})(?![{KA}])"
_BED_WORDS = r"(?i:საწოლ\w*|პალატ\w*|төсек\w*|палата\w*|çarpayı\w*|palata\w*)"


def _full_name(match: re.Match[str]) -> bool:
    """A first name and a surname: not when all after the first name is a patronymic ("Ольга
    Сергеевна", a colleague addressed) or an eponym or a city ("Ivan Pavlov")."""
    rest = [word for word in match.group("name").split() if not _FIRST_NAME.fullmatch(word)]
    return bool(rest) and not all(_SLAVIC_PATRONYMIC.search(word) for word in rest) and not (
        _not_a_person(" ".join(rest)))


def _surname_first(match: re.Match[str]) -> bool:
    """"Петрова Ольга", "Məmmədova Aynur": the first word has a surname's ending."""
    surname = match.group("name").split()[0]
    return (_surname_ending(surname) or surname.casefold() in _FOLDED_SURNAMES) and not (
        _not_a_person(surname))  # "Hartley J."


def _surname_and_initial(match: re.Match[str]) -> bool:
    """"Петрова А.", "Hartley J.", or any name a comma parts from its initial ("Ferrándiz, M.",
    as lists write people); not "Vitamin D." or "Hepatitis B."."""
    name = match.group("name")
    return _surname_first(match) or ("," in name and _plain(name.split(",")[0]) and not (
        _not_a_person(name.split(",")[0], _NOT_A_SURNAME)))


def _surname_ending(word: str) -> bool:
    return bool(_CYRILLIC_SURNAME.search(word) or _LATIN_SURNAME_END.search(word))


def _initialled(match: re.Match[str]) -> bool:
    """"И.И. Иванов", or "А. Петрова" with a surname's ending; no eponym or city."""
    name = match.group("name")
    surname = name.replace(".", ". ").split()[-1]
    two_initials = name.count(".") == 2
    return (two_initials or _surname_ending(surname)) and not _not_a_person(
        surname, _NOT_A_SURNAME)


def _listed(match: re.Match[str]) -> bool:
    """"Huamán Quispe, Rosa", "Петрова, Ольга": two surnames, or one with a surname's ending
    ("Además, Carmen" is a sentence), and no eponym, city or clinical word."""
    surnames = match.group("name").split(",")[0].split()
    return (len(surnames) == 2 or _surname_ending(surnames[0])) and not _not_a_person(
        " ".join(surnames), _NOT_A_SURNAME) and not any(map(_FIRST_NAME.fullmatch, surnames))


def _person(match: re.Match[str]) -> bool:
    return not _not_a_person(match.group("name"), _NOT_A_SURNAME) and not _PEOPLE.fullmatch(
        match.group("name"))


def _anyone(match: re.Match[str]) -> bool:
    return True


def _kazakh_case(match: re.Match[str]) -> bool:
    """"Омаровқа", "Сейітованы", but not a Russian patronymic ("Петровны") or a city."""
    return not _PATRONYMIC.search(match.group("name")) and _person(match)


# Georgian words for diseases and procedures end like a surname in -ია: "ანემია",
# "პნევმონია", "ართრალგია", "ენდოსკოპია".
_KA_CLINICAL = re.compile(r"(?:ემი|ალგი|პათი|ონი|ტომი|სკოპი|ფაგი|პლეგი|ფობი|თერაპი|გრაფი|ლოგი"
                          r"|ტრი|ურ|ოზ|იტ|ქსი|ფრენი|ტროფი|პნოე)ი?ა")


def _georgian_person(match: re.Match[str]) -> bool:
    return not _KA_CLINICAL.search(match.group("name")) and _person(match)


def _strict_surname(match: re.Match[str]) -> bool:
    """A lone Cyrillic word with a surname's ending that no common word has."""
    name = match.group("name")
    return bool(_STRICT_SURNAME.search(name)) and _person(match)


def _seen(match: re.Match[str]) -> bool:
    """Words after "saw", "visité a", "осмотрела": a name when no eponym, place or staff title,
    and (in Cyrillic) one word a first name, a surname with its ending or a patronymic."""
    words = match.group("name").split()
    if _STAFF_BEFORE.search(words[0]) or _not_a_person(" ".join(words), _NOT_A_SURNAME) or any(
            _known(word, _NOT_A_SURNAME) for word in words):
        return False
    if words[0][0] in LATIN_UP or "A" <= words[0][0] <= "Z":
        return len(words) >= 2
    return any(_FIRST_NAME.fullmatch(word) or _STRICT_SURNAME.search(word)
               or _PATRONYMIC.search(word) for word in words)


def _capitals(match: re.Match[str]) -> bool:
    """"GARCÍA LÓPEZ, Antonio", "ИВАНОВА Мария": two surnames in capitals, or one with a
    surname's ending, then a first name; no abbreviation of an eponym or a place."""
    surnames = re.split(r"[\s,]+", match.group("name"))[:-1]
    surnames = [word for word in surnames if word]
    return (len(surnames) == 2 or _surname_ending(surnames[0].lower())) and not _not_a_person(
        " ".join(surnames), _NOT_A_SURNAME)


# A verb's ending: "Объясняла Ирина Олеговна" is a colleague explaining, with no surname.
_VERB_ENDING = re.compile(r"(?:ла|ли|ло|ал|ял|ил|ел|ыл|ет|ит|ут|ют|ат|ят|ую|юю|ав|ив)$")


def _with_patronymic(match: re.Match[str]) -> bool:
    """"Иванова Мария Петровна": the first word a surname, not a verb or a word of thanks."""
    first = match.group("name").split()[0]
    return not (_known(first, _NOT_A_SURNAME) or _VERB_ENDING.search(first)
                or _STAFF_BEFORE.search(first) or _PEOPLE.fullmatch(first))


# Two letters with dots that are abbreviations, not initials: "e.g.", "т.е.", "г.р.".
_NOT_INITIALS = frozenset({"e.g.", "i.e.", "a.m.", "p.m.", "c.f.", "n.b.", "т.е.", "т.д.", "т.п.",
                           "т.к.", "т.ч.", "т.н.", "н.э.", "г.р.", "р.н.", "д.р.", "с.г.", "и.о.",
                           "в.в.", "і.т.", "т.б.", "т.с.", "ж.т.", "s.a.", "d.t."})


def _lower_case_initials(match: re.Match[str]) -> bool:
    word = match.group("name").split()[0]
    return match.group("initials").replace(" ", "") not in _NOT_INITIALS and _plain(word)


_MORE_NAMES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], bool]]] = [
    # A surname, a first name and a patronymic, in any case: "Ивановой Марии Петровне"
    (re.compile(rf"(?<![\w-])(?P<name>{CYRILLIC_WORD}\s+{CYRILLIC_WORD}\s+[{CYR_UP}][{CYR_LOW}]+"
                rf"(?:(?:ов|ев|йов|ьов)ич(?:а|у|ем|ом|е|і|еві|ові)?"
                rf"|(?:овн|евн|ичн|івн|ївн|інічн)(?:а|ы|е|у|ой|ою|і|ої|ій)))(?![\w-])"),
     _with_patronymic),
    # "Иван Петров", "Анна Сергеевна Белова", "Rosario Quispe Mamani", "Aynur Məmmədova"
    (re.compile(rf"(?<![\w-])(?P<name>(?:{_FIRST['cyrillic']})(?:\s+{CYRILLIC_WORD}){{1,2}})"
                r"(?![\w-])"), _full_name),
    (re.compile(rf"(?<![\w.-])(?P<name>(?:{_FIRST['latin']})(?:\s+{LATIN_WORD}){{1,3}})"
                r"(?![\w-])"), _full_name),
    # "Петрова Ольга", "Петренко Іван", "Məmmədova Aynur"
    (re.compile(rf"(?<![\w-])(?P<name>{CYRILLIC_WORD}\s+(?:{_FIRST['cyrillic']}))(?![\w-])"),
     _surname_first),
    (re.compile(rf"(?<![\w.-])(?P<name>{LATIN_WORD}\s+(?:{_FIRST['latin']}){_AZ_CASE}?)"
                r"(?![\w-])"), _surname_first),
    # Initials before the surname ("И.И. Иванов", "E.R. Həsənov"), or one initial after a
    # surname with its ending ("Петрова А.", "Həsənova S."); "E. Coli" and "C. Diff" are no one.
    (re.compile(rf"(?<![\w.])(?P<name>[{CYR_UP}]\.\s?(?:[{CYR_UP}]\.\s?)?{CYRILLIC_WORD})"
                r"(?![\w-])"), _initialled),
    (re.compile(rf"(?<![\w.])(?P<name>[{LATIN_UP}]\.\s?(?:[{LATIN_UP}]\.\s?)?{LATIN_WORD})"
                r"(?![\w-])"), _initialled),
    (re.compile(rf"(?<![\w-])(?P<name>(?:{CYRILLIC_WORD}|{LATIN_WORD}),?\s+[{CYR_UP}{LATIN_UP}]\.)"
                rf"(?!\s?[{CYR_UP}{LATIN_UP}]\.|\w)"), _surname_and_initial),
    # In lower case with both initials: "saw hughes d.r. again", "пац. иванову м.с."
    (re.compile(rf"(?<![\w.-])(?P<name>[{LATIN_LOW}{CYR_LOW}][{LATIN_LOW}{CYR_LOW}'’-]{{2,}}"
                rf"\s+(?P<initials>[{LATIN_LOW}{CYR_LOW}]\.\s?[{LATIN_LOW}{CYR_LOW}]\.))(?!\w)"),
     _lower_case_initials),
    # Surnames, then the first name after a comma, as lists write them: "Huamán Quispe, Rosa"
    (re.compile(rf"(?<![\w.-])(?P<name>{LATIN_WORD}(?:\s+{LATIN_WORD})?,\s*(?:{_FIRST['latin']}))"
                r"(?![\w-])"), _listed),
    (re.compile(rf"(?<![\w-])(?P<name>{CYRILLIC_WORD}(?:\s+{CYRILLIC_WORD})?,\s*"
                rf"(?:{_FIRST['cyrillic']}))(?![\w-])"), _listed),
    # Turkic patronymics: "Ермеков Айдос Нұрланұлы", "Мамедова Севиль Рашид кызы",
    # "Həsənov Elçin Rauf oğlu"; and "Aigerim Nurlanovna Seitova".
    (re.compile(rf"(?<![\w-])(?P<name>{CYRILLIC_WORD}\s+{CYRILLIC_WORD}\s+(?:{CYRILLIC_WORD}\s+"
                r"(?:кызы|қызы|оглы|оғлы|улы|ұлы)[" + CYR_LOW + r"]{0,4}"
                r"|[" + CYR_UP + "][" + CYR_LOW
                + r"]+(?:ұлы|улы|қызы|кызы)))(?![\w-])"), _anyone),
    (re.compile(rf"(?<![\w-])(?P<name>{LATIN_WORD}\s+{LATIN_WORD}\s+(?:{LATIN_WORD}\s+"
                r"(?:oğlu|qızı|oglu|ogly|gizi|kyzy|uly)[" + LATIN_LOW + r"]{0,4}"
                r"|[" + LATIN_UP + "][" + LATIN_LOW
                + r"]+(?:uly|kyzy|ovich|evich|ovna|evna|ovych|ivna)))(?![\w-])"), _anyone),
    (re.compile(rf"(?<![\w-])(?P<name>{LATIN_WORD}\s+[{LATIN_UP}][{LATIN_LOW}]+"
                rf"(?:ovich|evich|ovna|evna|ovych|ivna)\s+{LATIN_WORD})"), _anyone),
    # Georgian: "ხარაიშვილი" or "ბერიძეს" anywhere, "გიორგი შენგელია" after a first name.
    (re.compile(rf"(?<![{KA}])(?P<name>(?:(?:{_FIRST['georgian']})\s+)?{_KA_STRONG})"
                rf"(?![{KA}])"), _anyone),
    (re.compile(rf"(?<![{KA}])(?P<name>(?:{_FIRST['georgian']})\s+{_KA_SURNAME})"), _anyone),
    # A Georgian surname with initials: "ჩიქოვანი ნ.გ."
    (re.compile(rf"(?<![{KA}])(?P<name>{_KA_SURNAME}\s+[{KA}]\.\s?[{KA}]\.)"), _georgian_person),
    # Azerbaijani (and Russian, in Latin letters): "Həsənov", "Quliyevanın", "Hüseynzadə".
    (re.compile(rf"(?<![\w.-])(?P<name>[{LATIN_UP}][{LATIN_LOW}]+{_LATIN_SURNAME}{_AZ_CASE}?)"
                r"(?!\w|-(?![ა-ჰ]))"), _person),
    # By the bed or ward: "5-палатадағы Сейітов", "8-төсектегі Омарова", "5-ci palatadakı
    # Həsənov", "მე-5 პალატის ხარაიშვილი", "ჯაფარიძეს (საწოლი 8".
    (re.compile(rf"(?i:(?<!\w)\d{{1,3}}\s*-?\s*(?:палатадағы|палатадан|төсектегі|төсектен"
                rf"|бөлмедегі)\s+)(?P<name>{CYRILLIC_WORD})"), _person),
    (re.compile(rf"(?i:(?<!\w)\d{{1,3}}\s*-?\s*(?:ci|cı|cu|cü)?\s*(?:nömrəli\s+)?"
                rf"(?:palatadakı|palatadan|çarpayıdakı|otaqdakı)\s+)(?P<name>{LATIN_WORD})"),
     _person),
    # (the bed's genitive: "მე-3 საწოლი თავისუფალია" is "bed 3 is free")
    (re.compile(rf"(?<![{KA}])მე-?\s?\d{{1,3}}(?:-?ე)?\s+(?:პალატ|საწოლ|ოთახ)(?:ის|იდან)\s+"
                rf"(?P<name>{_KA_SURNAME})"), _person),
    (re.compile(rf"(?P<name>{_KA_SURNAME}|(?<![\w-]){CYRILLIC_WORD}|(?<![\w-]){LATIN_WORD})"
                rf"\s*\(\s*{_BED_WORDS}\s*(?:№\s*)?\d"), _person),
    (re.compile(rf"{_BED_WORDS}\s*(?:№\s*)?\d{{1,3}}\s*\(\s*(?P<name>[{KA}]+)\s*\)"),
     _person),
    # Kazakh cases on a Russian-style surname, anywhere: "Омаровқа", "Сейітованы".
    (re.compile(rf"(?<![\w-])(?P<name>[{CYR_UP}][{CYR_LOW}]+(?:ов|ев|ёв|ин|ын)а?{_KK_CASE})"
                r"(?![\w-])"), _kazakh_case),
    # A surname with its ending, in or from a ward: "у Кузнецова в 4 палате".
    (re.compile(rf"(?<![\w-])(?P<name>{CYRILLIC_WORD})\s+(?:в|у|на|из|с|з|із|зі)\s+"
                r"(?:\d{1,3}(?:-?[а-яії]{1,2})?\s+палат\w*|палат\w*\s+(?:№\s*)?\d{1,3}\b)"),
     _strict_surname),
    # After a title: "пані Коваль", "ქალბატონი ლომაია", "ბატონ გურამ ჩიქოვანს".
    (re.compile(rf"(?i:(?<!\w)(?:{alternation(NAMES_DATA['titles']['cyrillic'])})\s+)"
                rf"(?P<name>{CYRILLIC_WORD}(?:\s+{CYRILLIC_WORD}){{0,2}})"), _person),
    (re.compile(rf"(?<![{KA}])(?:{alternation(NAMES_DATA['titles']['georgian'])})\s+"
                rf"(?P<name>(?:(?:{_FIRST['georgian']})\s+)?{_KA_SURNAME})"), _georgian_person),
    # Georgian, before a verb of seeing: "შენგელიას ვესტუმრე".
    (re.compile(rf"(?P<name>{_KA_SURNAME})\s+(?:{alternation(NAMES_DATA['seen_after']['georgian'])})"
                rf"(?![{KA}])"), _georgian_person),
    # After a verb of seeing: "saw Gareth Pritchard", "visité a Rosa Huamán", "зашла к Ивановой".
    (re.compile(rf"(?i:(?<!\w)(?:{alternation(NAMES_DATA['seen_before']['latin'])})\s+)"
                rf"(?P<name>{LATIN_WORD}(?:\s+{LATIN_WORD}){{0,2}})(?![\w-])"), _seen),
    (re.compile(rf"(?i:(?<!\w)(?:{alternation(NAMES_DATA['seen_before']['cyrillic'])})\s+)"
                rf"(?P<name>{CYRILLIC_WORD}(?:\s+{CYRILLIC_WORD}){{0,2}})(?![\w-])"), _seen),
    # Surnames in capitals, then a first name: "GARCÍA LÓPEZ, Antonio", "ИВАНОВА Мария".
    (re.compile(rf"(?<![\w-])(?P<name>[{LATIN_UP}]{{3,}}(?:\s+[{LATIN_UP}]{{3,}})?,?\s+"
                rf"(?:{_FIRST['latin']}))(?![\w-])"), _capitals),
    (re.compile(rf"(?<![\w-])(?P<name>[{CYR_UP}]{{3,}}(?:\s+[{CYR_UP}]{{3,}})?,?\s+"
                rf"(?:{_FIRST['cyrillic']}))(?![\w-])"), _capitals),
]
# A name right before one of these is a namesake ("Асфендияров атындағы", "ჭავჭავაძის
# გამზირზე", "Nizami küçəsi"), and one right after an institution's word is its name
# ("Hospital María Auxiliadora", "San José").
_NAMESAKE_AFTER = re.compile(
    rf"\s*(?:{alternation(NAMES_DATA['named_after'])}|(?i:{alternation(STREETS['after'])})"
    rf"|(?i:{alternation(NAMES_DATA['institutions_after'])}))")
_INSTITUTION_BEFORE = re.compile(r"(?i)(?:^|[^\w])(?P<word>[\w.]+)\s+$")


# Titles of staff, in capitals: "Sister Julie Hargreaves" is a nurse, "his sister Jane" is not.
_STAFF_TITLE = re.compile(r"(?:Sister|Matron|Charge\s+Nurse|Nurse|Midwife|Prof\.?|Dr\.?)\s+$")
# A street's or an institution's word up to three words before: "Hospital Nacional Cayetano
# Heredia", "Avenida Túpac Amaru".
_PLACE_BEFORE = re.compile(
    rf"(?i)(?<!\w)(?:{alternation(NAMES_DATA['institutions'] + STREETS['before'])})"
    r"(?:\s+[^\W\d][\w'’.-]*){0,2}\s+$")


# A name and "and" before this one: "Agradecimiento a Carmen Ruiz y Jorge Salinas" thanks both.
_AND_BEFORE = re.compile(
    rf"(?:[{LATIN_UP}{CYR_UP}][\w'’-]*\s+){{1,3}}(?:y|and|и|і|та|və|და|мен|,)\s+$")


# A possessive that names an idea: "Kate Granger's #hellomynameis", "Tudor Hart's law".
_IDEA_AFTER = re.compile(
    r"(?i)\s+(?:#|(?:\w+\s+){0,2}(?:law|sign|test|rule|criteria|triad|classification|score"
    r"|method|approach|campaign|model|principle|paradox|manoeuvre|maneuver|technique|theory"
    r"|ladder|curve|hypothesis|lecture|talk|book|paper|work)\b)")


def _namesake(text: str, start: int, end: int) -> bool:
    """A teacher's name ("Dr. Petrova showed us"), or a street's, a hospital's, a
    university's: not a patient."""
    if text[start:end].endswith(("'s", "’s")) and _IDEA_AFTER.match(text, end):
        return True
    joined = _AND_BEFORE.search(text[max(0, start - 60):start])
    if joined and _namesake(text, start - len(joined.group(0)), end):
        return True
    if _STAFF_BEFORE.search(text[max(0, start - 50):start]) or _STAFF_AFTER.match(text, end) or (
            _TAUGHT_BY.search(text[max(0, start - 90):start])):
        return True
    if _NAMESAKE_AFTER.match(text, end) or _STAFF_TITLE.search(text[max(0, start - 15):start]):
        return True
    if _PLACE_BEFORE.search(text[max(0, start - 50):start]):
        return True
    before = _INSTITUTION_BEFORE.search(text[max(0, start - 25):start])
    return before is not None and before.group("word").casefold().rstrip(".") in _INSTITUTIONS


_INSTITUTION_STEMS = tuple(stem.casefold() for stem in NAMES_DATA["institutions_after"])


def _institution_word(word: str) -> bool:
    return word.casefold() in _INSTITUTIONS or word.casefold().startswith(_INSTITUTION_STEMS)


def _institution(name: str) -> bool:
    return any(word.strip(",.;:").casefold() in _INSTITUTIONS for word in name.split())


# -- names by their company: after a patient or a relative, by a bed, in lower case ----------
# A word-by-word pass over the note, for what the patterns above can't see: names typed in
# lower case ("pt called margaret oyelaran", "сергей лаптев", "aynur quliyeva"), a relative's
# name ("Daughter (Kelly Brennan)"), a surname by a bed in any order ("Bed 14 Pemberton",
# "Гусейнов, 12 койка", "в 7-й палате Шаповалов"), and a first name or an initial next to a
# name already found ("Shamil Gafurov", "Martínez P.").

_TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*|\d+")
_FOLDED_FIRST = frozenset(name.casefold() for data in (NAMES_DATA, COMMON)
                          for names in data["first_names"].values() for name in names
                          if len(name) >= 3)
_FOLDED_SURNAMES = frozenset(name.casefold() for names in COMMON["surnames"].values()
                             for name in names)
_FOLDED_NAMES = _FOLDED_FIRST | _FOLDED_SURNAMES
_RELATIVES = frozenset(NAMES_DATA["relatives"])
_FUNCTION_WORDS = frozenset(WORDS["function_words"])
_LATIN_GEORGIAN = re.compile(r"(?:dze|shvili|швили|дзе)(?:s|m|is|ს|მ|ის)?$")
_KK_CASE_END = re.compile(rf"{_KK_CASE}$")
_KAZAKH_LETTER = re.compile(r"[әғқңөұүһі]")
_LATIN_LETTERS = re.compile(rf"[{LATIN_LOW}'’-]+")
_AZERBAIJANI_LETTER = re.compile(r"[əƏıİğĞşŞ]")
# Endings only surnames have, so that any word before them is a first name: "gulnar aliyeva".
_STRONG_SURNAME = re.compile(rf"\w{{3}}(?:(?:ov|ev|yev|ova|eva|yeva|zadə|zade){_AZ_CASE}?"
                             r"|dze|shvili"
                             r"|ова|ева|енко|швили|дзе|ович|івна|овна|евна)$")
_BED = re.compile(
    r"(?i)(?:bed|beds|bay|cubicle|side\s+room|room|cama|habitación|hab|box|boks\w*|бокс\w*"
    r"|комнат\w*|кімнат\w*"
    r"|койк\w*|ліжк\w*|палат\w*|төсек\w*|кереует\w*|бөлме\w*|საწოლ\w*|პალატ\w*|ოთახ\w*"
    r"|çarpayı\w*"
    r"|palata\w*|otaq\w*)$")


def _first_name(word: str) -> bool:
    """A given name from the lists, in any case, or its first part: "Kayleigh-Ann"."""
    if "-" in word and _first_name(word.split("-")[0]):
        return True
    folded = word.casefold()
    return folded in _FOLDED_FIRST or bool(_FIRST_NAME.fullmatch(word[:1].upper() + word[1:]))


# A surname's ending in lower case, where "-ин" and "-ск" are as often drugs and places
# ("инсулин", "гепарин"): "ковалёв", "бондаренко", "гнатюк", "асқаров".
_LOWER_CASE_SURNAME = re.compile(r"(?:ов|ев|ёв|ова|ева|ёва|енко|енк[аоуі]|енком|ук|юк|чук|ян|швили"
                                 r"|дзе|ский|ская"
                                 r"|цкий|цкая|ська|ський)(?:а|у|ой|ым|ому|ого|ий|ая|ую|ей|ій|ої|ою)?$")


def _surname_like(word: str, strict: bool = False) -> bool:
    """A surname by its ending or from the list, in any case: "лаптев", "асқаровтың",
    "quliyeva", "Lomidze", "нұрланқызы", "Oyelaran" (listed). `strict` leaves out the endings
    common words share ("-ар", "-ник", "-ли"): for words in lower case."""
    folded = word.casefold()
    # (a Kazakh case comes off a Kazakh word only: "антикоагулянты" is no "-ян")
    bare = _KK_CASE_END.sub("", folded) if len(folded) > 6 and (
        not strict or _KAZAKH_LETTER.search(folded)) else folded
    if len(folded) < 5:
        return False
    return (folded in _FOLDED_SURNAMES or bool(_LATIN_GEORGIAN.search(folded))
            or any((_LOWER_CASE_SURNAME.search(form) or _LATIN_STRICT_END.search(form)) if strict
                   else _surname_ending(form) or _PATRONYMIC.search(form)
                   for form in (folded, bare)))


_TITLE_CASE = re.compile(
    rf"(?:Mc)?[^\W\d_](?:[^\W\d_{LATIN_UP}{CYR_UP}]|['’-]|(?<=['’-])[^\W\d_])*")
# "Bed 4 - Refused obs", "Bay 2 Deteriorating": verbs and nouns, not surnames.
_ENGLISH_NOT_SURNAME = re.compile(r"(?:ed|ing|ly|ion|ment|ness)$")
# A sentence's end, not an abbreviation's dot ("hab. 304").
_SENTENCE_END = re.compile(rf"[!?;\n]|\.\s+[{LATIN_UP}{CYR_UP}]")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s*|\n\s*)$")
_BED_GAP = re.compile(r"(?i)\s*(?:[,(:–—-]\s*)?(?:(?:in|from|on|at|из|с|з|із|в|у|на|en|de)\s+)?"
                      r"(?:(?:the|side|la|de\s+la)\s+)?(?:\d{1,3}(?:-?[а-яії]{1,2})?\s*)?"
                      r"(?:(?:hab|cama|bed|bay|box|койка|ліжко|төсек)\.?\s*(?:n\.?º\s*|№\s*)?)?")


def _plain(word: str) -> bool:
    """Could be a name: letters only, not a function word, eponym, city, patient or staff
    word, and in title case if capitalised ("ExoKQ" and "SpO2" are no one)."""
    if word[0].isupper() and not _TITLE_CASE.fullmatch(word):
        return False
    return (word.casefold() not in _FUNCTION_WORDS
            and not _known(word, _NOT_A_SURNAME) and not _STAFF_BEFORE.search(word)
            and not (_PEOPLE.fullmatch(word) and not _surname_ending(word))  # "Babayev"
            and not word.isupper())


_GEORGIAN_SUFFIX = re.compile(r"(?<=[^\W\d_ა-ჰ])-[ა-ჰ]{1,6}(?![ა-ჰ])")


@dataclass(frozen=True)
class _Words:
    """The note's words and numbers, with where each starts and ends."""
    text: str
    words: list[str]
    starts: list[int]
    ends: list[int]

    @classmethod
    def of(cls, text: str) -> _Words:
        # a Georgian case after a hyphen is no part of the word: "Кварацхелия Тамаз-ს"
        found = list(_TOKEN.finditer(_GEORGIAN_SUFFIX.sub(lambda m: " " * len(m.group()), text)))
        return cls(text, [m.group() for m in found], [m.start() for m in found],
                   [m.end() for m in found])

    def joined(self, i: int) -> bool:
        """Word i and the next are parted by spaces only."""
        return i + 1 < len(self.words) and not self.text[self.ends[i]:self.starts[i + 1]].strip()

    def span(self, first: int, last: int) -> tuple[int, int]:
        return self.starts[first], self.ends[last]


_CONNECTORS = ("de", "del", "la", "y", "El", "Al", "Ben", "Bin", "Ibn", "Abu", "Van", "Von", "De",
               "Da", "Di", "Le", "La", "Del")
_BEFORE_A_NAME = frozenset({"of", "de", "called", "named", "llamado", "llamada", "пациентки",
                            "пациента", "пацієнтки", "пацієнта", "говорит", "каже", "says"})
# Words that name someone: "жена говорит зовут гриша ковалёв", "se llama", "есімі".
_NAMING = frozenset({"зовут", "звали", "звуть", "llamado", "llamada", "llama", "есімі", "аты",
                     "adı", "სახელად", "ერქვა"})  # ("called anaesthetics early" names no one)


def _name_from(w: _Words, i: int, lower_case: bool) -> int:
    """The last word of a name starting at word i, or -1: capitalised words (with "de", "del"
    between: "María del Carmen Ruiz"), or with `lower_case` up to four lower-case words, each
    a first name, a surname by its ending or list, or the word after a first name."""
    words = w.words
    if words[i].isupper() and len(words[i]) > 2 and words[i].isalpha() and not (
            _known(words[i], _NOT_A_SURNAME)) and (
            words[i].casefold() in _FOLDED_SURNAMES or _CAPITAL_INITIAL.match(w.text, w.ends[i])):
        return i  # "pt HOLLIS J (34M)": the initial is taken after; "pt CRP 160" is no one
    if not _plain(words[i]):
        return -1
    last = i
    if words[i][0].isupper():
        while w.joined(last):
            after = words[last + 1]
            if _institution_word(after):  # "Heydər Əliyev Mərkəzində" is a centre
                break
            if after[0].isupper() and _plain(after):
                last += 1
            elif after in _CONNECTORS and w.joined(last + 1) and words[last + 2][0].isupper() and (
                    _plain(words[last + 2])):
                last += 2
            else:
                break
        return -1 if _not_a_person(" ".join(words[i:last + 1]), _NOT_A_SURNAME) else last
    if not lower_case:
        return -1
    for comma in range(i, min(i + 3, len(words) - 1)):  # "o'donnell, siobhan"
        if w.text[w.ends[comma]:w.starts[comma + 1]].strip() == "," and (
                _first_name(words[comma + 1])) and all(
                    _plain(word) and word.islower() for word in words[i:comma + 1]) and all(
                    w.joined(k) for k in range(i, comma)):
            return comma + 1
    if not (_first_name(words[i]) or _surname_like(words[i], strict=True)):
        return -1
    while last - i < 3 and w.joined(last) and words[last + 1].islower() and _plain(
            words[last + 1]) and (_first_name(words[last]) or _first_name(words[last + 1])
                                  or _surname_like(words[last + 1])):
        last += 1
    return last if last > i or _surname_like(words[i]) else -1


def _after_a_person_word(w: _Words, i: int) -> tuple[int, int] | None:
    """"pac. jose luis fernandez", "wife of Graham Whitlock", "Daughter (Kelly Brennan)"."""
    word = w.words[i]
    if not (_PEOPLE.fullmatch(word) or (word.casefold() in _RELATIVES and word != "Sister")
            or word.casefold() in ("pac", "pas", "пац", "xeste") or word.casefold() in _NAMING):
        # ("Sister Murphy" is a nurse)
        return None
    if _STAFF_BEFORE.search(w.text[max(0, w.starts[i] - 30):w.starts[i]]):
        return None
    first = i + 1
    while first < len(w.words) and w.words[first].casefold() in _BEFORE_A_NAME:
        first += 1
    if first >= len(w.words):
        return None
    last = _name_from(w, first, lower_case=True)
    if last < 0 and word.casefold() in _NAMING and _plain(w.words[first]):
        # named outright: "зовут гриша ковалёв"
        last = first + 1 if w.joined(first) and _plain(w.words[first + 1]) else first
    return w.span(first, last) if last >= 0 else None


def _lower_case_pair(w: _Words, i: int) -> tuple[int, int] | None:
    """A first name and a surname in lower case, either way round: "for patricia edmunsdon",
    "тимофеев игорь", "aynur quliyeva"."""
    if not w.joined(i):
        return None
    one, two = w.words[i], w.words[i + 1]
    if not (one.islower() and two.islower() and _plain(one) and _plain(two)):
        return None
    # (not in Azerbaijani, where given names are words: "yeni protokol", "3 aydan sonra")
    latin_pair = _LATIN_LETTERS.fullmatch(one + two) and len(two) > 3 and (
        len(one) > 4 or two in _FOLDED_SURNAMES) and not _AZERBAIJANI_LETTER.search(w.text)
    if (_first_name(one) and (
            _surname_like(two, strict=True) or latin_pair or _first_name(two))) or (
            _surname_like(one) and _first_name(two)) or _STRONG_SURNAME.search(two):
        return w.span(i, max(_name_from(w, i, lower_case=True), i + 1))
    return None


_KA_SURNAME_RE = re.compile(_KA_SURNAME)
_CAPITAL_INITIAL = re.compile(r"\s+[A-ZА-ЯЁІЇЄ]\.?(?=[\s(,;])")
# Georgian words that end like a surname in -ია but say "is free", "is stable", "signalling".
_KA_NOT_SURNAME = re.compile(r"(?:აცია|ალია|ურია|ტია|ობა|ება)$")


def _georgian_surname(word: str) -> bool:
    """A Georgian surname by its ending: "წიკლაური", "ხარაიშვილი"; not "თავისუფალია"."""
    return bool(_KA_SURNAME_RE.fullmatch(word)) and not (
        _KA_CLINICAL.search(word) or _KA_NOT_SURNAME.search(word) or _PEOPLE.fullmatch(word))


def _by_a_bed(w: _Words, i: int) -> tuple[int, int] | None:
    """A capitalised word by a bed and its number, either side: "Bed 14 Pemberton", "Bay 3:
    Okafor", "Гусейнов, 12 койка", "Ashworth in side room 3", "Gogichaishvili 12-ე საწოლზე"."""
    words, text = w.words, w.text
    bed = _BED.match(words[i]) is not None
    if not bed and not (words[i].isdigit() and any(
            _BED.match(words[k]) for k in (i - 1, i + 1) if 0 <= k < len(words))):
        return None
    for k in (i + 1, i + 2) if bed else (i + 1,):
        if k >= len(words) or _SENTENCE_END.search(text[w.ends[i]:w.starts[k] + 1]):
            break
        word = words[k]
        if _georgian_surname(word):  # "საწოლი 9 — წიკლაური"
            return w.span(k, k)
        if word[0].isupper() and _plain(word) and not _BED.match(word) and (
                _surname_like(word) or not _ENGLISH_NOT_SURNAME.search(word)):
            last = _name_from(w, k, lower_case=False)
            return w.span(k, max(last, k))
    for k in range(i - 1, i - 6, -1):  # "Гусейнов в 3-м боксе"
        if k < 0 or _SENTENCE_END.search(text[w.ends[k]:w.starts[i] + 1]):
            break
        word = words[k]
        gap = text[w.ends[k]:w.starts[i]]
        if _georgian_surname(word) and len(_TOKEN.findall(gap)) <= 2:  # "Gogichaishvili 12-ე"
            return w.span(k, k)
        if not ((word[0].isupper() or word in _FOLDED_SURNAMES) and _plain(word)) or (
                _BED.match(word)):
            continue
        # the bed right after it ("Гусейнов, 12 койка", "Whitcombe in bed 7", "Гусейнов в
        # 3-м боксе"), and at a sentence's start no verb ("Seen in Bay 4")
        opening = bool(_SENTENCE_START.search(text[:w.starts[k]]))
        if gap.strip() and _BED_GAP.fullmatch(gap) and not (
                opening and _ENGLISH_NOT_SURNAME.search(word) and not _surname_like(word)):
            return w.span(k, k)
    return None


def _first_and_surname(w: _Words, i: int) -> tuple[int, int] | None:
    """A capitalised first name and a capitalised word after it ("Chidi Okonkwo", "Rocío
    Benítez"), or two listed surnames ("Quispe Mamani"); not an eponym, place or clinical word."""
    if i + 1 >= len(w.words) or not (w.words[i][0].isupper() and w.words[i + 1][0].isupper()):
        return None
    one, two = w.words[i], w.words[i + 1]
    if _first_name(one) and i + 2 < len(w.words) and len(two) == 1 and w.text[
            w.ends[i + 1]:w.starts[i + 2]].startswith(".") and w.words[i + 2][:1].isupper() and (
            _plain(w.words[i + 2])):
        return w.span(i, i + 2)  # "Callum J. Maguire"
    if not w.joined(i):
        listed = w.text[w.ends[i]:w.starts[i + 1]].strip() == "," and (
            one.casefold() in _FOLDED_SURNAMES and _first_name(two) and _plain(one))
        return w.span(i, i + 1) if listed else None  # "Hussain, Tariq"
    if not _plain(one) or _SLAVIC_PATRONYMIC.search(two) or (  # "Ирина Олеговна"
            two.casefold() in _STREET_WORDS):  # "George Street"
        return None
    # "Margaret Ellison on ward 7" is a patient; "Zollinger Ellison syndrome" is not
    eponym = one.casefold() in _FOLDED_FIRST and _known(two, _EPONYMS) and bool(
        _TITLE_CASE.fullmatch(two)) and not (
            i + 2 < len(w.words) and _known(w.words[i + 2], _CLINICAL))
    if not (_plain(two) or eponym):
        return None
    if _first_name(one) or (
            one.casefold() in _FOLDED_SURNAMES and two.casefold() in _FOLDED_SURNAMES) or (
            _GEORGIAN_IN_CYRILLIC.search(one) and _first_name(two)) or (
            _STRICT_SURNAME.search(two) and not _STRICT_SURNAME.search(one)
            and not _VERB_ENDING.search(one)):  # "Соломійка Ткачук", not "Объясняла Петрова"
        last = _name_from(w, i, lower_case=False)
        return w.span(i, max(last, i + 1))
    return None


_GEORGIAN_IN_CYRILLIC = re.compile(r"\w{3}(?:ия|ава|уа|ани|ури|ели|швили|дзе)$")
_STREET_WORDS = frozenset(word.casefold() for word in STREETS["after_en"] + STREETS["before"])
_EPONYMS = frozenset(word.casefold() for word in WORDS["eponyms"])
_CLINICAL = frozenset(word.casefold() for word in WORDS["clinical_words"])


def _in_capitals_after(w: _Words, i: int, first: bool) -> bool:
    """Word i + 1 goes on a name in capitals ending at word i: listed, or after a first name."""
    after = w.words[i + 1]
    return after.isupper() and after.isalpha() and not w.text[w.ends[i]:w.starts[i + 1]].strip(
        " ,") and (after.casefold() in _FOLDED_NAMES
                   or (first and w.words[i].casefold() in _FOLDED_FIRST))


def _in_capitals(w: _Words, i: int) -> tuple[int, int] | None:
    """A name in a note typed in capitals: "SEPSIS 6 DELAYED FOR KWAME ASANTE", "ВОДІЙ —
    БОНДАР ІГОР", "QUISPE MAMANI, JUAN CARLOS": a listed first name or surname, with the
    capitalised words next to it that are listed too, or the one after a first name."""
    word = w.words[i]
    if not (word.isupper() and len(word) > 2 and word.isalpha()):
        return None
    folded = word.casefold()
    if folded not in _FOLDED_FIRST and folded not in _FOLDED_SURNAMES:
        return None
    last = i
    while last + 1 < len(w.words) and _in_capitals_after(w, last, first=last == i):
        last += 1
    if last == i and i > 0 and w.words[i - 1].isupper() and (
            w.words[i - 1].casefold() in _FOLDED_NAMES):
        return None  # the pair is found from its first word
    return w.span(i, last) if last > i else None


def _names_by_company(text: str) -> list[tuple[int, int]]:
    w = _Words.of(text)
    found = [span for i in range(len(w.words))
             for span in (_after_a_person_word(w, i), _lower_case_pair(w, i), _by_a_bed(w, i),
                          _first_and_surname(w, i), _in_capitals(w, i))
             if span]
    return [span for span in found if not _namesake(text, *span)]



_NAME_BEFORE = re.compile(r"([^\W\d_][\w'’-]*)\s+$")
# A first name after a surname, perhaps with a case: "Nurlybekova Gulnarga", "Петрова Ольгу".
_NEXT_WORD = re.compile(r"\s+([^\W\d_][\w'’-]*)")
_CASE_ON_LATIN = re.compile(rf"(?:ga|ge|qa|ke|nyn|nin|dyn|din|ny|ni|dy|di|ty|ti|da|de|dan|den|men"
                            rf"|ben|{_AZ_CASE[3:-1]})$")
_NAME_AFTER = re.compile(rf"(?:,?\s+[{LATIN_UP}{CYR_UP}]\.(?:\s?[{LATIN_UP}{CYR_UP}]\.)?(?!\w)"
                         rf"|\s+[{KA}]\.\s?[{KA}]\.(?![{KA}])"
                         rf"|\s+[{LATIN_LOW}{CYR_LOW}]\.\s?[{LATIN_LOW}{CYR_LOW}]\.(?!\w)"
                         rf"|\s+[{LATIN_UP}{CYR_UP}](?=\s*[(,;])"  # "HOLLIS J (34M)"
                         rf"|\s+[{LATIN_LOW}{CYR_LOW}]\.(?=\s*[—–,;(-]|\s*$))")  # "nuriyev t. —"


def _whole_name(text: str, start: int, end: int) -> tuple[int, int]:
    """A name grown to its first name before ("Дәулет Сәрсенбаевқа", "Shamil Gafurov") and its
    initials after ("Martínez P.", "иванову м.с.")."""
    before = _NAME_BEFORE.search(text[max(0, start - 30):start])
    word = before.group(1) if before else ""
    if before and word and _plain(word) and (_first_name(word) or (word[0].isupper() and (
            _surname_like(text[start:end].split()[0])))):
        start -= len(before.group(0))
    after = _NAME_AFTER.match(text, end)
    if after:
        return start, after.end()
    if text[end:end + 1] == "." and len(text[start:end].split()[-1]) <= 4:
        return start, end + 1  # a surname cut short: "Guadalupe Hdez."
    following = _NEXT_WORD.match(text, end)
    if following and following.group(1)[0].isupper() and _plain(following.group(1)) and any(
            _first_name(form) for form in (following.group(1),
                                           _CASE_ON_LATIN.sub("", following.group(1)))):
        end = following.end()
        following = _NEXT_WORD.match(text, end)
    if following and _SLAVIC_PATRONYMIC.search(following.group(1)):  # "Оксани Іванівни"
        end = following.end()
    return start, end
    return start, end


def find(text: str) -> list[Span]:
    """Personal names, each grown to its first name and initials."""
    found: list[tuple[int, int]] = []
    for number, pattern in enumerate(_NAMES):
        for match in pattern.finditer(text):
            if _STAFF_BEFORE.search(text[max(0, match.start() - 50):match.start()]) or (
                    _STAFF_AFTER.match(text, match.end())) or _TAUGHT_BY.search(
                    text[max(0, match.start() - 90):match.start()]):
                continue
            if number >= _TITLED and _STAFF_BEFORE.search(  # "Dr Maria Lopez, 12 patients"
                    text[max(0, match.start() - 30):match.start()] + match.group().split()[0]):
                continue
            groups = pattern.groupindex
            span = match.span("surname") if "surname" in groups else match.span()
            name = match.group("name" if "name" in groups else "surname" if "surname" in groups
                               else 0)
            if number >= _TITLED and _not_a_person(
                    name, _NOT_A_SURNAME if "surname" in groups or " " not in name
                    else _NOT_A_PERSON):
                continue
            if "surname" in groups and _PEOPLE.fullmatch(name):
                continue
            if number >= _TITLED and (_institution(name) or _PLACE_BEFORE.search(
                    text[max(0, span[0] - 50):span[0]])):  # "ул. Новый Арбат, 36"
                continue
            found.append(span)
    for pattern, check in _MORE_NAMES:
        for match in pattern.finditer(text):
            start, end = match.span("name")
            if check(match) and not _institution(match.group("name")) and not _namesake(
                    text, start, end):
                found.append((start, end))
    found += _names_by_company(text)
    return [("name", *_whole_name(text, start, end)) for start, end in found]
