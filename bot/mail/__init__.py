"""Mail to candidates: the port (`port`), message composition, and the SMTP adapter."""
