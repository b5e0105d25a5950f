"""Keeping an installation's data safe and bounded: backup and restore (`mlcanvas backup`,
`mlcanvas restore`) and retention of stored results (`mlcanvas gc`)."""
