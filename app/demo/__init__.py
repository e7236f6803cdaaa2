"""The demo practice (`NOTES_DEMO=1`, `notes-api demo`): made-up users, clients and records."""
