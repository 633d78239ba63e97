"""The course library on disk, read and checked as a whole: ``flask courses check``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from onetouch.accounts.models import AudienceGroup
from onetouch.content.assets import Assets, AssetSource
from onetouch.content.currency import Term, lint_file, load_terms
from onetouch.content.models import QuizKind
from onetouch.content.modules import MODULE_FILE, QUIZ_FILE, read_module, render_module
from onetouch.content.problems import Fields, Problem, Report, read_fields
from onetouch.content.quizzes import QuizSource, read_quiz
from onetouch.content.render import Rendered
from onetouch.content.sources import check_sources
from onetouch.content.yamlfile import Mapping, Sequence, read_text
from onetouch.geo.services import province_rows

COURSE_FILE = "course.yml"
FINAL_EXAM_FILE = "final-exam.yml"
COURSE_FIELDS = {"slug", "title", "summary", "audiences", "level", "estimated_hours",
                 "issuing_unit", "province", "version", "certificate", "completion"}
COMPLETION_FIELDS = {"modules", "final_exam", "pass_percent"}
LEVELS = ("basic", "intermediate", "advanced")


@dataclass
class ModuleSource:
    slug: str
    position: int
    title: str
    minutes: int
    required: bool
    rendered: Rendered
    quiz: QuizSource | None = None


@dataclass
class CourseSource:
    slug: str
    title: str
    summary: str
    audiences: list[str]
    level: str
    estimated_hours: float
    issuing_unit: str
    province_code: str | None
    version: str
    has_certificate: bool
    pass_percent: int
    modules: list[ModuleSource] = field(default_factory=list)
    final_exam: QuizSource | None = None
    assets: dict[str, AssetSource] = field(default_factory=dict)


@dataclass
class Library:
    courses: list[CourseSource]
    problems: list[Problem]  # errors: the library cannot be synced
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class Shared:
    """What every course is checked against: the library's outdated terms and the module
    files of every course, by course slug (for links from one course to another)."""

    terms: list[Term] = field(default_factory=list)
    modules: dict[str, dict[str, str]] = field(default_factory=dict)


def load_library(root: Path) -> Library:
    """Read every course under ``root`` (or the one course ``root`` is), with all problems."""
    report = Report()
    shared = Shared()
    if (root / COURSE_FILE).is_file():
        folders = [root]
        shared = _shared(root.parent, report)
    elif root.is_dir():
        folders = _course_folders(root)
        shared = _shared(root, report)
    else:
        report.add(root, 1, "no such folder")
        folders = []
    courses = [course for folder in folders if (course := read_course(folder, report, shared))]
    return Library(courses, sorted(report.problems), sorted(report.warnings))


def _course_folders(root: Path) -> list[Path]:
    # Files at the top (README.md, outdated-terms.yml) are not courses.
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def _shared(root: Path, report: Report) -> Shared:
    modules = {
        folder.name: {path.name: match.group(2) for path in folder.iterdir()
                      if (match := MODULE_FILE.match(path.name))}
        for folder in _course_folders(root) if (folder / COURSE_FILE).is_file()
    }
    return Shared(load_terms(root, report), modules)


def read_course(folder: Path, report: Report, shared: Shared | None = None) -> CourseSource | None:
    path = folder / COURSE_FILE
    if not path.is_file():
        report.add(folder, 1, f"a course folder needs a {COURSE_FILE}")
        return None
    fields = read_fields(path, report, "title: ...")
    if fields is None:
        return None
    course, completion = _course_fields(fields, folder)
    _read_contents(folder, course, completion, fields, report, shared or Shared())
    return course if course.title and course.modules else None


def _course_fields(fields: Fields, folder: Path) -> tuple[CourseSource, Fields]:
    fields.only(COURSE_FIELDS)
    slug = fields.text("slug")
    if slug is not None and slug != folder.name:
        fields.problem("slug", f"slug '{slug}' must equal the folder name '{folder.name}'")
    completion = _completion(fields)
    course = CourseSource(
        slug=folder.name,
        title=fields.text("title"),
        summary=fields.text("summary"),
        audiences=_audiences(fields),
        level=_choice(fields, "level", LEVELS),
        estimated_hours=fields.number("estimated_hours", low=0.5),
        issuing_unit=fields.text("issuing_unit"),
        province_code=_province(fields),
        version=fields.text("version"),
        has_certificate=fields.boolean("certificate"),
        pass_percent=completion.integer("pass_percent", low=1, high=100),
    )
    return course, completion


def _completion(fields: Fields) -> Fields:
    value = fields.get("completion")
    if not isinstance(value, Mapping):
        if value is not None:
            fields.problem("completion", "'completion' must hold modules, final_exam, pass_percent")
        value = Mapping()
        value.line, value.lines = fields.mapping.line_of("completion"), {}
    completion = Fields(fields.report, fields.path, value, where="completion")
    completion.only(COMPLETION_FIELDS)
    return completion


def _audiences(fields: Fields) -> list[str]:
    value = fields.get("audiences")
    if value is None:
        return []
    if not isinstance(value, Sequence) or not value:
        fields.problem("audiences", "'audiences' must be a list of audience groups")
        return []
    known = {group.value for group in AudienceGroup}
    for item in value:
        if item not in known:
            fields.problem("audiences", f"unknown audience group '{item}' "
                                        f"(use: {', '.join(sorted(known))})")
    return [item for item in value if item in known]


def _choice(fields: Fields, key: str, allowed: tuple[str, ...]) -> str | None:
    value = fields.text(key)
    if value is not None and value not in allowed:
        fields.problem(key, f"'{key}' must be one of: {', '.join(allowed)}")
        return None
    return value


def _province(fields: Fields) -> str | None:
    value = fields.get("province", None)
    if value is None:
        return None
    code = f"{value:02d}" if isinstance(value, int) and not isinstance(value, bool) else value
    if code not in {row["code"] for row in province_rows()}:
        fields.problem("province", f"unknown province code '{value}' (use the 2025 codes, "
                                   "in quotes, for example \"01\")")
        return None
    return code


def _read_contents(folder: Path, course: CourseSource, completion: Fields, fields: Fields,
                   report: Report, shared: Shared) -> None:
    module_paths, quiz_paths = _list_files(folder, report)
    assets = Assets(folder)
    module_files = _read_modules(course, module_paths, assets, report, shared)
    _attach_quizzes(course, quiz_paths, report)
    _required_modules(course, completion, module_files)
    _final_exam(folder, course, completion, report)
    course.assets = assets.found
    if not module_paths:
        fields.problem("slug", "a course needs at least one module file (01-slug.md)")
    for path in (folder / COURSE_FILE, *quiz_paths, folder / FINAL_EXAM_FILE):
        if path.is_file():
            lint_file(path, read_text(path), shared.terms, report)


def _read_modules(course: CourseSource, module_paths: list[Path], assets: Assets,
                  report: Report, shared: Shared) -> dict[str, str]:
    """Read, check and render each module; the course's module files, name -> slug."""
    module_files = {path.name: MODULE_FILE.match(path.name).group(2) for path in module_paths}
    for path in module_paths:
        text = read_module(path, report)
        if text is None:
            continue
        sources = check_sources(path, text.text.split("\n"), text.body_line, report)
        # Source items name bodies as they were when the document was issued.
        cited = sources.item_lines() if sources else frozenset()
        lint_file(path, text.text, shared.terms, report, skip=cited)
        if text.title is None or text.minutes is None:
            continue
        rendered = render_module(text, module_files, assets, report, shared.modules)
        course.modules.append(
            ModuleSource(text.slug, text.number, text.title, text.minutes, True, rendered)
        )
    return module_files


def _list_files(folder: Path, report: Report) -> tuple[list[Path], list[Path]]:
    modules, quizzes, numbers, slugs = [], [], {}, {}
    for path in sorted(folder.iterdir()):
        name = path.name
        if path.is_dir() or name in (COURSE_FILE, FINAL_EXAM_FILE) or name.startswith("."):
            continue
        if match := MODULE_FILE.match(name):
            for what, seen, key in (("number", numbers, match.group(1)),
                                    ("slug", slugs, match.group(2))):
                if key in seen:
                    report.add(path, 1, f"duplicate module {what} '{key}' (also in {seen[key]})")
                seen[key] = name
            modules.append(path)
        elif QUIZ_FILE.match(name):
            quizzes.append(path)
        elif path.suffix in (".md", ".yml", ".yaml"):
            report.add(path, 1, "unexpected file: modules are NN-slug.md, quizzes NN-slug.quiz.yml")
    return modules, quizzes


def _attach_quizzes(course: CourseSource, quiz_paths: list[Path], report: Report) -> None:
    by_stem = {f"{m.position:02d}-{m.slug}": m for m in course.modules}
    for path in quiz_paths:
        module = by_stem.get(path.name.removesuffix(".quiz.yml"))
        if module is None:
            report.add(path, 1, f"no module {path.name.removesuffix('.quiz.yml')}.md for this quiz")
            continue
        module.quiz = read_quiz(path, QuizKind.MODULE, f"Kiểm tra: {module.title}",
                                course.pass_percent, report)


def _required_modules(course: CourseSource, completion: Fields, module_files: dict) -> None:
    value = completion.get("modules")
    if value == "all" or value is None:
        return
    if not isinstance(value, Sequence):
        completion.problem("modules", "'modules' must be all or a list of module slugs")
        return
    for slug in value:
        if slug not in module_files.values():
            completion.problem("modules", f"no module with slug '{slug}' in this course")
    for module in course.modules:
        module.required = module.slug in value


def _final_exam(folder: Path, course: CourseSource, completion: Fields, report: Report) -> None:
    wanted = completion.boolean("final_exam")
    path = folder / FINAL_EXAM_FILE
    if wanted and not path.is_file():
        completion.problem("final_exam", f"final_exam is true but {FINAL_EXAM_FILE} is missing")
    elif path.is_file() and wanted is False:
        report.add(path, 1, "this final exam is not used: set completion.final_exam to true")
    elif path.is_file():
        course.final_exam = read_quiz(path, QuizKind.FINAL, "Bài thi cuối khóa",
                                      course.pass_percent, report)
