"""Clinical notes: progress and psychotherapy notes, their lifecycle and addenda."""
