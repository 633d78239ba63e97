"""Quizzes and final exams: attempts, grading."""
