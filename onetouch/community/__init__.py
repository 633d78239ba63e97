"""Community digital technology teams: a team member's page of the people they helped, their
progress and counts, and enrolling a helped person in a course with that person's consent."""
