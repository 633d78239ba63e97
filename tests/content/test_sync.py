"""`flask courses sync`: upsert by slug, idempotent, archive instead of delete, all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from onetouch.accounts.models import AudienceGroup, User
from onetouch.content.library import load_library
from onetouch.content.models import Course, CourseAsset, Module, Question, Quiz
from onetouch.content.sync import sync_library
from onetouch.learning.models import Enrolment, ModuleProgress
from tests.fixtures.courses import edit


def sync(session, root, **options):
    library = load_library(root)
    assert library.problems == []
    report = sync_library(session, library, **options)
    session.commit()
    return report


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_valid_course_syncs(session, library):
    report = sync(session, library)
    assert report.counts["courses"]["added"] == 1
    course = session.scalar(select(Course).where(Course.slug == "mau-khoa-hoc"))
    assert course.title == "Khóa học mẫu về dịch vụ công"
    assert course.audiences == ["citizen", "digital_team"]
    assert count(session, Module, Module.course_id == course.id) == 2
    assert count(session, Quiz, Quiz.course_id == course.id) == 2
    assert count(session, Question) == 9
    assert count(session, CourseAsset) == 1
    module = session.scalar(select(Module).where(Module.slug == "gioi-thieu"))
    assert '<h2 id="loi-ich">Lợi ích</h2>' in module.html
    assert "dich vu cong" in module.search_text


def test_sync_twice_changes_nothing(session, library):
    sync(session, library)
    second = sync(session, library)
    assert not second.changed()
    assert second.counts["modules"]["unchanged"] == 2
    assert second.counts["questions"]["unchanged"] == 9


def _learner_progress(session) -> ModuleProgress:
    user = User(full_name="Nguyễn Văn A", phone="+84912345678", password_hash="x",
                province_code="01", commune_code="00004", audience=AudienceGroup.CITIZEN,
                consent_at=datetime.now(UTC))
    course = session.scalar(select(Course))
    module = session.scalar(select(Module).where(Module.slug == "gioi-thieu"))
    enrolment = Enrolment(user=user, course=course)
    progress = ModuleProgress(enrolment=enrolment, module=module, completed_at=datetime.now(UTC))
    session.add(progress)
    session.commit()
    return progress


def test_editing_a_module_keeps_progress(session, library, course_dir):
    sync(session, library)
    progress = _learner_progress(session)
    module_id = progress.module_id
    edit(course_dir / "01-gioi-thieu.md", "Lợi ích", "Lợi ích thiết thực")
    report = sync(session, library)
    assert report.counts["modules"]["updated"] == 1
    assert report.counts["modules"]["unchanged"] == 1
    module = session.get(Module, module_id)
    assert "Lợi ích thiết thực" in module.html
    assert session.get(ModuleProgress, progress.id).completed_at is not None


def test_removing_a_module_archives_it(session, library, course_dir):
    sync(session, library)
    progress = _learner_progress(session)
    (course_dir / "01-gioi-thieu.md").unlink()
    (course_dir / "01-gioi-thieu.quiz.yml").unlink()
    edit(course_dir / "02-thuc-hanh.md", "Quay lại [bài 1](01-gioi-thieu.md).", "")
    report = sync(session, library)
    assert report.counts["modules"]["archived"] == 1
    assert report.counts["quizzes"]["archived"] == 1
    module = session.get(Module, progress.module_id)
    assert module.archived_at is not None
    assert session.get(ModuleProgress, progress.id) is not None
    assert count(session, CourseAsset) == 0  # its image is no longer used


def test_restoring_a_module_unarchives_it(session, library, course_dir):
    sync(session, library)
    saved = (course_dir / "02-thuc-hanh.md").read_text(encoding="utf-8")
    (course_dir / "02-thuc-hanh.md").unlink()
    edit(course_dir / "01-gioi-thieu.md", "(02-thuc-hanh.md#cac-buoc)", "(#loi-ich)")
    sync(session, library)
    (course_dir / "02-thuc-hanh.md").write_text(saved, encoding="utf-8")
    report = sync(session, library)
    assert report.counts["modules"]["updated"] >= 1
    assert count(session, Module, Module.archived_at.is_(None)) == 2


def test_removed_question_is_archived_and_edit_is_an_update(session, library, course_dir):
    sync(session, library)
    path = course_dir / "final-exam.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("  - id: cau-4")].replace("draw: 3", "draw: 2"),
                    encoding="utf-8")
    edit(path, "Mã OTP là bí mật.", "Mã OTP phải giữ bí mật.")
    report = sync(session, library)
    assert report.counts["questions"]["archived"] == 1
    assert report.counts["questions"]["updated"] == 1
    archived = session.scalar(select(Question).where(Question.key == "cau-4"))
    assert archived.archived_at is not None


def test_removed_course_is_archived_only_when_the_whole_library_syncs(session, library,
                                                                       tmp_path):
    sync(session, library)
    empty = tmp_path / "empty-library"
    empty.mkdir()
    sync(session, library / "mau-khoa-hoc", archive_missing=False)
    assert session.scalar(select(Course)).archived_at is None
    report = sync(session, empty)
    assert report.counts["courses"]["archived"] == 1


def test_cli_sync_writes_nothing_when_the_check_fails(runner, session, library, course_dir):
    edit(course_dir / "final-exam.yml", "draw: 3", "draw: 9")
    result = runner.invoke(args=["courses", "sync", str(library)])
    assert result.exit_code == 1
    assert "nothing synced" in result.output
    assert count(session, Course) == 0


def test_cli_sync_prints_a_summary(runner, library):
    first = runner.invoke(args=["courses", "sync", str(library)])
    assert first.exit_code == 0, first.output
    assert "modules: 2 added, 0 updated, 0 archived, 0 unchanged" in first.output
    second = runner.invoke(args=["courses", "sync", str(library)])
    assert "modules: 0 added, 0 updated, 0 archived, 2 unchanged" in second.output
