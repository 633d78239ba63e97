"""Quizzes and final exams: attempts, grading on the server."""
