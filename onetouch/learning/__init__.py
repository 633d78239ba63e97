"""Learning: enrolment, progress, my learning, required training."""
